"""The agreement lifecycle (docs/rules.md §8, N3–N5): the transition table and the pure steps
activate, suspend, resume, terminate and expire. Each returns the agreement in its new status or
raises `IllegalAgreementTransition`, `InvalidInput` or `IncompleteAgreement` (`rule_errors`); nothing
does I/O: the services persist what they return.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace
from datetime import date

from registry.errors import InvalidInput, Problem
from registry.network.content_rules import missing_contents, next_review_date
from registry.network.model import TARGET_GROUP_CODES, Agreement, AgreementAction, AgreementStatus
from registry.network.rule_errors import IllegalAgreementTransition, IncompleteAgreement

# --- lifecycle -----------------------------------------------------------------------------------

_S = AgreementStatus
_A = AgreementAction

#: The explicit transition table: (status, action) -> new status. Anything else is illegal.
#: EDIT of a draft changes it in place; EDIT of an active or suspended agreement makes a new
#: version. A suspended agreement whose validity ends expires as well (design decision: it
#: must not be resumable past its end date).
TRANSITIONS: Mapping[tuple[AgreementStatus, AgreementAction], AgreementStatus] = {
    (_S.DRAFT, _A.EDIT): _S.DRAFT,
    (_S.DRAFT, _A.ACTIVATE): _S.ACTIVE,
    (_S.ACTIVE, _A.EDIT): _S.ACTIVE,
    (_S.ACTIVE, _A.SUSPEND): _S.SUSPENDED,
    (_S.ACTIVE, _A.TERMINATE): _S.TERMINATED,
    (_S.ACTIVE, _A.EXPIRE): _S.EXPIRED,
    (_S.SUSPENDED, _A.EDIT): _S.SUSPENDED,
    (_S.SUSPENDED, _A.RESUME): _S.ACTIVE,
    (_S.SUSPENDED, _A.TERMINATE): _S.TERMINATED,
    (_S.SUSPENDED, _A.EXPIRE): _S.EXPIRED,
}


def next_status(status: AgreementStatus, action: AgreementAction) -> AgreementStatus:
    """Look the action up in `TRANSITIONS`; raise `IllegalAgreementTransition` if it is not there."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise IllegalAgreementTransition(status, action) from None


def _require_reason(reason: str | None, rule: str) -> str:
    if reason is None or not reason.strip():
        raise InvalidInput([Problem("reason", "Begründung fehlt", rule)])
    return reason.strip()


def check_not_ended(agreement: Agreement, today: date) -> None:
    if agreement.valid_until is not None and agreement.valid_until < today:
        raise InvalidInput(
            [Problem("valid_until", "Die Laufzeit der Vereinbarung ist bereits abgelaufen", "N2")]
        )


def activate(
    agreement: Agreement,
    *,
    today: date,
    override_reason: str | None = None,
    known_target_groups: Collection[str] = TARGET_GROUP_CODES,
) -> Agreement:
    """Rule N3: a draft becomes active when its contents are complete, or, if not, when an
    override reason is given; the reason is then recorded on the agreement (and only then).

    Raises `IllegalAgreementTransition` unless draft, `InvalidInput` if the validity already ended,
    `IncompleteAgreement` (listing every missing content) if incomplete without a reason.
    The frame (N2) is checked by the service with `validate_agreement` before calling this.
    """
    status = next_status(agreement.status, AgreementAction.ACTIVATE)
    check_not_ended(agreement, today)
    missing = missing_contents(
        agreement.purpose, agreement.contents, known_target_groups=known_target_groups
    )
    reason = override_reason.strip() if override_reason else ""
    if missing and not reason:
        raise IncompleteAgreement(missing)
    return replace(
        agreement,
        status=status,
        override_reason=reason if missing else None,
        activated_on=today,
        next_review=next_review_date(agreement.contents, today),
    )


def suspend(agreement: Agreement, *, reason: str) -> Agreement:
    """active -> suspended; the reason is required (the service records it in the history)."""
    status = next_status(agreement.status, AgreementAction.SUSPEND)
    _require_reason(reason, "N4")
    return replace(agreement, status=status)


def resume(agreement: Agreement, *, reason: str, today: date) -> Agreement:
    """suspended -> active. Raises `InvalidInput` if its validity has ended meanwhile
    (`expire_due` then moves it to expired)."""
    status = next_status(agreement.status, AgreementAction.RESUME)
    _require_reason(reason, "N4")
    check_not_ended(agreement, today)
    return replace(agreement, status=status)


def terminate(agreement: Agreement, *, reason: str) -> Agreement:
    """active or suspended -> terminated. It stays readable with its versions (N5)."""
    status = next_status(agreement.status, AgreementAction.TERMINATE)
    _require_reason(reason, "N4")
    return replace(agreement, status=status)


def expire_due(agreements: Iterable[Agreement], today: date) -> list[Agreement]:
    """The active or suspended agreements whose `valid_until` (the last valid day) lies before
    `today`, each returned in status expired. Others are left out: the result is what to save."""
    expired: list[Agreement] = []
    for agreement in agreements:
        if (
            (agreement.status, AgreementAction.EXPIRE) in TRANSITIONS
            and agreement.valid_until is not None
            and agreement.valid_until < today
        ):
            expired.append(
                replace(agreement, status=next_status(agreement.status, AgreementAction.EXPIRE))
            )
    return expired
