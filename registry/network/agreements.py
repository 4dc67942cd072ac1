"""Pure rules for network partners and cooperation agreements (docs/rules.md §8, rules N1–N5).

Everything here takes facts as arguments and returns problems, new states or decisions; nothing
does I/O. The services load the facts, call these functions and persist what they return.

Errors for the API's 422 body are `Problem(field, message, rule)` with German messages. Lifecycle
functions raise `IllegalTransition` (409/422 at the service's choice) or `ValidationFailed` /
`IncompleteAgreement` (422, carrying the problems).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from registry.network.model import (
    CHANNELS,
    DRV_BUND,
    FEDERAL_CARRIERS,
    PARTNER_TYPES,
    SOCIAL_BENEFIT_PARTNER_TYPES,
    TARGET_GROUP_CODES,
    Agreement,
    AgreementAction,
    AgreementKind,
    AgreementStatus,
    Contact,
    Missing,
    Partner,
    Problem,
    Purpose,
    Scope,
    ScopeLevel,
)

# --- exceptions ----------------------------------------------------------------------------------

STATUS_LABELS: Mapping[AgreementStatus, str] = {
    AgreementStatus.DRAFT: "Entwurf",
    AgreementStatus.ACTIVE: "aktiv",
    AgreementStatus.SUSPENDED: "ausgesetzt",
    AgreementStatus.TERMINATED: "beendet",
    AgreementStatus.EXPIRED: "abgelaufen",
}

ACTION_LABELS: Mapping[AgreementAction, str] = {
    AgreementAction.EDIT: "ändern",
    AgreementAction.ACTIVATE: "aktivieren",
    AgreementAction.SUSPEND: "aussetzen",
    AgreementAction.RESUME: "fortsetzen",
    AgreementAction.TERMINATE: "beenden",
    AgreementAction.EXPIRE: "ablaufen lassen",
}


class IllegalTransition(Exception):
    """The action is not allowed in the agreement's current status (see `TRANSITIONS`)."""

    def __init__(self, status: AgreementStatus, action: AgreementAction) -> None:
        self.status = status
        self.action = action
        self.message = (
            f"Eine Vereinbarung im Status „{STATUS_LABELS[status]}“ kann man nicht "
            f"{ACTION_LABELS[action]}."
        )
        super().__init__(self.message)


class ValidationFailed(Exception):
    """Input breaks a rule; `problems` is the list for the 422 body."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))


class IncompleteAgreement(ValidationFailed):
    """Rule N3: activation without all contents and without an override reason."""

    def __init__(self, missing: list[Missing]) -> None:
        self.missing = missing
        super().__init__([Problem(m.field, m.message, m.rule) for m in missing])


# --- small helpers -------------------------------------------------------------------------------


def _has_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_text_list(value: object) -> bool:
    """A non-empty list of texts, each non-empty after trimming."""
    return (
        isinstance(value, list | tuple)
        and len(value) > 0
        and all(_has_text(item) for item in value)
    )


def _is_count(value: object, minimum: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum


def _looks_like_email(value: str) -> bool:
    value = value.strip()
    if " " in value or value.count("@") != 1:
        return False
    local, domain = value.split("@")
    return bool(local) and "." in domain.strip(".") and not domain.startswith(".")


def _looks_like_phone(value: str) -> bool:
    allowed = set("0123456789 +-/()")
    value = value.strip()
    return bool(value) and set(value) <= allowed and sum(ch.isdigit() for ch in value) >= 3


def _parse_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def add_months(day: date, months: int) -> date:
    """`day` plus whole months; the day is clamped to the end of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _contact_problems(
    prefix: str,
    name: object,
    role: object,
    email: object,
    phone: object,
    rule: str,
    require_role: bool,
) -> list[Problem]:
    problems: list[Problem] = []
    if not _has_text(name):
        problems.append(Problem(f"{prefix}.name", "Name der Kontaktperson fehlt", rule))
    if require_role and not _has_text(role):
        problems.append(Problem(f"{prefix}.role", "Rolle der Kontaktperson fehlt", rule))
    has_email = _has_text(email)
    has_phone = _has_text(phone)
    if not has_email and not has_phone:
        problems.append(
            Problem(prefix, "Kontaktperson braucht eine E-Mail-Adresse oder Telefonnummer", rule)
        )
    if has_email and isinstance(email, str) and not _looks_like_email(email):
        problems.append(Problem(f"{prefix}.email", "E-Mail-Adresse ist ungültig", rule))
    if has_phone and isinstance(phone, str) and not _looks_like_phone(phone):
        problems.append(Problem(f"{prefix}.phone", "Telefonnummer ist ungültig", rule))
    return problems


# --- N1: partners --------------------------------------------------------------------------------


def validate_partner(
    partner: Partner,
    *,
    known_target_groups: Collection[str] = TARGET_GROUP_CODES,
    known_carriers: Collection[str] | None = None,
) -> list[Problem]:
    """Rule N1: every problem of a partner (empty list: valid).

    Requires a name, a known type code, at least one site (named, geocoded to a district, with
    a service radius above 0), at least one service, at least one known target group (a partner
    without one never counts in coverage, N6), at least one contact with name, role and e-mail or
    phone (`reachability` is optional free text), and known carriers if `known_carriers` is given.
    """
    rule = "N1"
    problems: list[Problem] = []
    if not _has_text(partner.name):
        problems.append(Problem("name", "Name fehlt", rule))
    if partner.type not in PARTNER_TYPES:
        problems.append(Problem("type", f"Unbekannter Partnertyp: {partner.type}", rule))

    if not partner.sites:
        problems.append(Problem("sites", "Mindestens ein Standort ist anzugeben", rule))
    for i, site in enumerate(partner.sites):
        prefix = f"sites[{i}]"
        if not _has_text(site.name):
            problems.append(Problem(f"{prefix}.name", "Name des Standorts fehlt", rule))
        if not (
            math.isfinite(site.lat)
            and math.isfinite(site.lon)
            and -90.0 <= site.lat <= 90.0
            and -180.0 <= site.lon <= 180.0
        ):
            problems.append(Problem(f"{prefix}.address", "Koordinaten sind ungültig", rule))
        if not _has_text(site.district_key):
            problems.append(
                Problem(f"{prefix}.address", "Adresse ist keinem Kreis zugeordnet", rule)
            )
        if not (math.isfinite(site.service_radius_km) and site.service_radius_km > 0):
            problems.append(
                Problem(f"{prefix}.service_radius_km", "Radius muss größer als 0 sein", rule)
            )

    if not partner.services:
        problems.append(Problem("services", "Mindestens eine Leistung ist anzugeben", rule))
    for i, service in enumerate(partner.services):
        if not _has_text(service):
            problems.append(Problem(f"services[{i}]", "Leistung ist leer", rule))

    if not partner.target_groups:
        problems.append(Problem("target_groups", "Mindestens eine Zielgruppe ist anzugeben", rule))
    for i, code in enumerate(partner.target_groups):
        if code not in known_target_groups:
            problems.append(Problem(f"target_groups[{i}]", f"Unbekannte Zielgruppe: {code}", rule))

    if not partner.contacts:
        problems.append(Problem("contacts", "Mindestens eine Kontaktperson ist anzugeben", rule))
    for i, contact in enumerate(partner.contacts):
        problems.extend(_partner_contact_problems(f"contacts[{i}]", contact))

    if known_carriers is not None:
        for i, carrier in enumerate(partner.carriers):
            if carrier not in known_carriers:
                problems.append(Problem(f"carriers[{i}]", f"Unbekannter Träger: {carrier}", rule))
    return problems


def _partner_contact_problems(prefix: str, contact: Contact) -> list[Problem]:
    return _contact_problems(
        prefix, contact.name, contact.role, contact.email, contact.phone, "N1", require_role=True
    )


# --- N2: agreement parties, scope, validity -----------------------------------------------------


def validate_agreement(
    agreement: Agreement,
    *,
    partner_types: Mapping[str, str],
    known_carriers: Collection[str] | None = None,
    known_districts: Collection[str] | None = None,
    known_states: Collection[str] | None = None,
) -> list[Problem]:
    """Rule N2: every problem of an agreement's frame (not its contents: that is N3).

    `partner_types` maps partner id -> type code for (at least) the agreement's partners; a
    partner missing from it is reported as unknown. Procedure agreements are only allowed when
    every partner is a social-benefit carrier (`SOCIAL_BENEFIT_PARTNER_TYPES`); the carriers are
    pension carriers by construction. `valid_until` (if given; None means open-ended) must be
    after `valid_from`. The optional `known_*` collections check references.
    """
    rule = "N2"
    problems: list[Problem] = []
    if not _has_text(agreement.title):
        problems.append(Problem("title", "Titel fehlt", rule))
    if not agreement.carriers:
        problems.append(Problem("carriers", "Mindestens ein Träger ist Vertragspartei", rule))
    if len(set(agreement.carriers)) != len(agreement.carriers):
        problems.append(Problem("carriers", "Ein Träger ist doppelt genannt", rule))
    if known_carriers is not None:
        for i, carrier in enumerate(agreement.carriers):
            if carrier not in known_carriers:
                problems.append(Problem(f"carriers[{i}]", f"Unbekannter Träger: {carrier}", rule))

    if not agreement.partners:
        problems.append(Problem("partners", "Mindestens ein Netzwerkpartner ist Partei", rule))
    if len(set(agreement.partners)) != len(agreement.partners):
        problems.append(Problem("partners", "Ein Netzwerkpartner ist doppelt genannt", rule))
    for i, partner_id in enumerate(agreement.partners):
        partner_type = partner_types.get(partner_id)
        if partner_type is None:
            problems.append(
                Problem(f"partners[{i}]", f"Unbekannter Netzwerkpartner: {partner_id}", rule)
            )
        elif (
            agreement.kind is AgreementKind.PROCEDURE_AGREEMENT
            and partner_type not in SOCIAL_BENEFIT_PARTNER_TYPES
        ):
            problems.append(
                Problem(
                    f"partners[{i}]",
                    "Verfahrensabsprachen gibt es nur unter Sozialleistungsträgern; "
                    f"dieser Partner ist vom Typ {partner_type}",
                    rule,
                )
            )

    problems.extend(validate_scope(agreement.scope, known_districts, known_states))

    if agreement.valid_until is not None and agreement.valid_until <= agreement.valid_from:
        problems.append(
            Problem("valid_until", "Das Laufzeitende muss nach dem Laufzeitbeginn liegen", rule)
        )
    return problems


def validate_scope(
    scope: Scope,
    known_districts: Collection[str] | None = None,
    known_states: Collection[str] | None = None,
) -> list[Problem]:
    """Rule N2: a scope names districts, or a state, or nothing (national)."""
    rule = "N2"
    problems: list[Problem] = []
    if scope.level is ScopeLevel.DISTRICTS:
        if not scope.districts:
            problems.append(Problem("scope.districts", "Mindestens ein Kreis ist anzugeben", rule))
        if scope.state is not None:
            problems.append(Problem("scope.state", "Bei Kreisen kein Bundesland angeben", rule))
        if known_districts is not None:
            for key in sorted(scope.districts):
                if key not in known_districts:
                    problems.append(Problem("scope.districts", f"Unbekannter Kreis: {key}", rule))
    elif scope.level is ScopeLevel.STATE:
        if not _has_text(scope.state):
            problems.append(Problem("scope.state", "Bundesland fehlt", rule))
        elif known_states is not None and scope.state not in known_states:
            problems.append(Problem("scope.state", f"Unbekanntes Bundesland: {scope.state}", rule))
        if scope.districts:
            problems.append(Problem("scope.districts", "Bei Bundesland keine Kreise angeben", rule))
    elif scope.districts or scope.state is not None:
        problems.append(Problem("scope", "Bundesweit gilt ohne Kreise und Bundesland", rule))
    return problems


# --- N3: contents --------------------------------------------------------------------------------

GENERAL_CONTENTS: tuple[str, ...] = (
    "roles",
    "target_groups",
    "services",
    "contacts",
    "reaction_time_days",
    "channels",
    "common_documents",
    "documentation",
    "data_protection",
    "review",
)
#: Referral agreements: the sources list criteria, transmission, data protection, contacts and
#: informing the target group; `review` is added so that every active agreement has a review
#: date for N5 (design decision, from the brief).
REFERRAL_CONTENTS: tuple[str, ...] = (
    "target_group_criteria",
    "transmission",
    "data_protection",
    "contacts",
    "informing_target_group",
    "review",
)

_CONTENT_MESSAGES: Mapping[str, str] = {
    "roles": "Die Rollen der Beteiligten fehlen",
    "target_groups": "Die Zielgruppen fehlen",
    "services": "Die benötigten Leistungen fehlen",
    "contacts": "Feste Kontaktpersonen fehlen",
    "reaction_time_days": "Die Reaktionszeit (in Tagen, mindestens 1) fehlt",
    "channels": "Die Kontaktwege (digital, telefonisch, schriftlich) fehlen",
    "common_documents": "Die einheitlichen Dokumente fehlen",
    "documentation": "Die Vereinbarung zur Verlaufs- und Ergebnisdokumentation fehlt",
    "data_protection": "Die Regelung zu Datenschutz, Sozialdatenschutz und Sozialgeheimnis fehlt",
    "review": "Die regelmäßige Überprüfung (Intervall in Monaten oder nächster Termin) fehlt",
    "target_group_criteria": "Die Kriterien für die Zielgruppe fehlen",
    "transmission": "Die Festlegungen zur Übermittlung fehlen",
    "informing_target_group": "Wie die Zielgruppe informiert wird, fehlt",
}

_TEXT_CONTENTS = frozenset(
    {
        "documentation",
        "data_protection",
        "target_group_criteria",
        "transmission",
        "informing_target_group",
    }
)


def missing_contents(
    purpose: Purpose,
    contents: Mapping[str, Any],
    *,
    known_target_groups: Collection[str] = TARGET_GROUP_CODES,
) -> list[Missing]:
    """Rule N3: every missing or unusable content, in a stable order (empty list: complete).

    Accepted shapes: text fields are strings non-empty after trimming; `roles` is a text or a
    list of texts; `target_groups` a non-empty list of known codes; `services` and
    `common_documents` non-empty lists of texts; `contacts` a non-empty list of
    ``{"name", "role", "email", "phone"}`` where each has a name and an e-mail or phone;
    `reaction_time_days` an integer >= 1; `channels` a non-empty subset of digital/phone/written;
    `review` ``{"interval_months": int >= 1}`` or ``{"next_review": date or ISO string}``.
    """
    required = GENERAL_CONTENTS if purpose is Purpose.GENERAL else REFERRAL_CONTENTS
    missing: list[Missing] = []
    for key in required:
        value = contents.get(key)
        field_name = f"contents.{key}"
        if key in _TEXT_CONTENTS:
            ok = _has_text(value)
        elif key == "roles":
            ok = _has_text(value) or _is_text_list(value)
        elif key in ("services", "common_documents"):
            ok = _is_text_list(value)
        elif key == "reaction_time_days":
            ok = _is_count(value, 1)
        elif key == "target_groups":
            ok = _is_text_list(value)
            if ok:
                assert isinstance(value, list | tuple)
                unknown = [code for code in value if code not in known_target_groups]
                if unknown:
                    missing.append(
                        Missing(field_name, "Unbekannte Zielgruppe: " + ", ".join(unknown))
                    )
                    continue
        elif key == "channels":
            ok = _is_text_list(value)
            if ok:
                assert isinstance(value, list | tuple)
                unknown = [ch for ch in value if ch not in CHANNELS]
                if unknown:
                    missing.append(
                        Missing(field_name, "Unbekannter Kontaktweg: " + ", ".join(unknown))
                    )
                    continue
        elif key == "contacts":
            contact_missing = _contents_contacts_missing(value)
            missing.extend(contact_missing)
            continue
        elif key == "review":
            ok = _review_ok(value)
        else:  # pragma: no cover - every key above is handled
            ok = value is not None
        if not ok:
            missing.append(Missing(field_name, _CONTENT_MESSAGES[key]))
    return missing


def _contents_contacts_missing(value: object) -> list[Missing]:
    if not isinstance(value, list | tuple) or not value:
        return [Missing("contents.contacts", _CONTENT_MESSAGES["contacts"])]
    missing: list[Missing] = []
    for i, contact in enumerate(value):
        prefix = f"contents.contacts[{i}]"
        if not isinstance(contact, Mapping):
            missing.append(Missing(prefix, "Kontaktperson ist ungültig"))
            continue
        for problem in _contact_problems(
            prefix,
            contact.get("name"),
            contact.get("role"),
            contact.get("email"),
            contact.get("phone"),
            "N3",
            require_role=False,
        ):
            missing.append(Missing(problem.field, problem.message))
    return missing


def _review_ok(value: object) -> bool:
    if not isinstance(value, Mapping):
        return False
    interval = value.get("interval_months")
    next_review = value.get("next_review")
    interval_ok = _is_count(interval, 1)
    date_ok = _parse_date(next_review) is not None
    # Something given must be usable; at least one of the two must be there.
    if interval is not None and not interval_ok:
        return False
    if next_review is not None and not date_ok:
        return False
    return interval_ok or date_ok


# --- review dates (N5) ---------------------------------------------------------------------------


def next_review_date(contents: Mapping[str, Any], effective_on: date | None) -> date | None:
    """The next review: ``review.next_review`` if given, else `effective_on` (the activation
    date of the current version) plus ``review.interval_months``; None if neither applies."""
    review = contents.get("review")
    if not isinstance(review, Mapping):
        return None
    explicit = _parse_date(review.get("next_review"))
    if explicit is not None:
        return explicit
    interval = review.get("interval_months")
    if effective_on is not None and _is_count(interval, 1):
        assert isinstance(interval, int)
        return add_months(effective_on, interval)
    return None


def effective_next_review(agreement: Agreement) -> date | None:
    """The stored next review date, or the one derived from the contents."""
    if agreement.next_review is not None:
        return agreement.next_review
    return next_review_date(agreement.contents, agreement.activated_on)


@dataclass(frozen=True)
class ReviewDue:
    """Rule N5: one agreement on the due list. `due` says which comes first in the window:
    ``"review"`` (its next review) or ``"ends"`` (its last valid day, `valid_until`); `on` is
    that day. `overdue`: the review lies before today."""

    agreement: Agreement
    next_review: date | None
    overdue: bool
    due: str = "review"
    on: date | None = None


def due_for_review(
    agreements: Iterable[Agreement], carrier: str, today: date, within_days: int
) -> list[ReviewDue]:
    """Rule N5: the carrier's active or suspended agreements whose next review lies on or before
    ``today + within_days`` (overdue ones included) OR whose validity ends in that window (its
    last valid day on or before the horizon), earliest first, each saying which: an end on or
    before the review is listed as ``"ends"`` (a review after the end is moot), otherwise as
    ``"review"``. "The carrier's" means the carrier is a party to the agreement."""
    if within_days < 0:
        raise ValueError("within_days must not be negative")
    horizon = today + timedelta(days=within_days)
    due: list[ReviewDue] = []
    for agreement in agreements:
        if carrier not in agreement.parties:
            continue
        if agreement.status not in (AgreementStatus.ACTIVE, AgreementStatus.SUSPENDED):
            continue
        review = effective_next_review(agreement)
        review_due = review is not None and review <= horizon
        end = agreement.valid_until
        ends = end is not None and end <= horizon
        if ends and end is not None and (review is None or end <= review):
            due.append(ReviewDue(agreement, review, False, "ends", end))
        elif review_due and review is not None:
            due.append(ReviewDue(agreement, review, review < today, "review", review))
    due.sort(key=lambda item: (item.on or today, item.agreement.id))
    return due


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
    """Look the action up in `TRANSITIONS`; raise `IllegalTransition` if it is not there."""
    try:
        return TRANSITIONS[(status, action)]
    except KeyError:
        raise IllegalTransition(status, action) from None


def _require_reason(reason: str | None, rule: str) -> str:
    if reason is None or not reason.strip():
        raise ValidationFailed([Problem("reason", "Begründung fehlt", rule)])
    return reason.strip()


def _check_not_ended(agreement: Agreement, today: date) -> None:
    if agreement.valid_until is not None and agreement.valid_until < today:
        raise ValidationFailed(
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

    Raises `IllegalTransition` unless draft, `ValidationFailed` if the validity already ended,
    `IncompleteAgreement` (listing every missing content) if incomplete without a reason.
    The frame (N2) is checked by the service with `validate_agreement` before calling this.
    """
    status = next_status(agreement.status, AgreementAction.ACTIVATE)
    _check_not_ended(agreement, today)
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
    """suspended -> active. Raises `ValidationFailed` if its validity has ended meanwhile
    (`expire_due` then moves it to expired)."""
    status = next_status(agreement.status, AgreementAction.RESUME)
    _require_reason(reason, "N4")
    _check_not_ended(agreement, today)
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


# --- changes and versions ------------------------------------------------------------------------

EDITABLE_FIELDS: frozenset[str] = frozenset(
    {
        "kind",
        "purpose",
        "title",
        "carriers",
        "partners",
        "scope",
        "valid_from",
        "valid_until",
        "contents",
    }
)


@dataclass(frozen=True)
class Revision:
    """The result of a change: the agreement as it now stands, and, when the change made a new
    version, `snapshot` = the previous version as a JSON-ready dict to store in its history."""

    agreement: Agreement
    new_version: bool
    snapshot: Mapping[str, Any] | None = None

    @property
    def version(self) -> int:
        return self.agreement.version


def snapshot(agreement: Agreement) -> dict[str, Any]:
    """A JSON-ready copy of an agreement version (for the history of versions, N5)."""

    def iso(day: date | None) -> str | None:
        return day.isoformat() if day is not None else None

    return {
        "id": agreement.id,
        "version": agreement.version,
        "kind": agreement.kind.value,
        "purpose": agreement.purpose.value,
        "title": agreement.title,
        "carriers": list(agreement.carriers),
        "invited": list(agreement.invited),
        "partners": list(agreement.partners),
        "scope": agreement.scope.as_dict(),
        "valid_from": iso(agreement.valid_from),
        "valid_until": iso(agreement.valid_until),
        "contents": _jsonable(agreement.contents),
        "status": agreement.status.value,
        "override_reason": agreement.override_reason,
        "next_review": iso(agreement.next_review),
        "activated_on": iso(agreement.activated_on),
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def _changed(current: Agreement, changes: Mapping[str, Any]) -> Agreement:
    """Apply a PATCH-style change set. `contents` merges key by key (a None value removes the
    key); every other field is replaced. Unknown or fixed fields are refused."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in EDITABLE_FIELDS:
            problems.append(Problem(key, "Feld kann nicht geändert werden", "N5"))
            continue
        try:
            values[key] = _coerce(key, value, current)
        except (TypeError, ValueError):
            problems.append(Problem(key, "Wert ist ungültig", "N2"))
    if problems:
        raise ValidationFailed(problems)
    return replace(current, **values)


def _coerce(key: str, value: Any, current: Agreement) -> Any:
    if key == "kind":
        return AgreementKind(value)
    if key == "purpose":
        return Purpose(value)
    if key == "title":
        if not isinstance(value, str):
            raise TypeError(key)
        return value
    if key in ("carriers", "partners"):
        if isinstance(value, str) or not isinstance(value, list | tuple):
            raise TypeError(key)
        return tuple(value)
    if key == "scope":
        if isinstance(value, Mapping):
            return Scope.from_dict(value)
        if not isinstance(value, Scope):
            raise TypeError(key)
        return value
    if key in ("valid_from", "valid_until"):
        if value is None and key == "valid_until":
            return None
        parsed = _parse_date(value)
        if parsed is None:
            raise ValueError(key)
        return parsed
    # contents
    if not isinstance(value, Mapping):
        raise TypeError(key)
    merged = dict(current.contents)
    for content_key, content_value in value.items():
        if content_value is None:
            merged.pop(content_key, None)
        else:
            merged[content_key] = content_value
    return merged


def edit_draft(current: Agreement, changes: Mapping[str, Any]) -> Agreement:
    """A draft changes in place (same version). Raises `IllegalTransition` unless draft."""
    if current.status is not AgreementStatus.DRAFT:
        raise IllegalTransition(current.status, AgreementAction.EDIT)
    next_status(current.status, AgreementAction.EDIT)
    return _changed(current, changes)


def new_version(
    current: Agreement,
    changes: Mapping[str, Any],
    *,
    today: date,
    override_reason: str | None = None,
    known_target_groups: Collection[str] = TARGET_GROUP_CODES,
) -> Revision:
    """A change of an active (or suspended) agreement: a new version, number +1, taking effect
    today (the review interval restarts from today, design decision), with the previous version
    returned as `snapshot` for the history. The new version must still satisfy N3, unless an
    override reason is given now or was recorded before; the validity must not have ended.
    Raises `IllegalTransition` for drafts, terminated and expired agreements."""
    if current.status is AgreementStatus.DRAFT:
        raise IllegalTransition(current.status, AgreementAction.EDIT)
    status = next_status(current.status, AgreementAction.EDIT)
    updated = _changed(current, changes)
    _check_not_ended(updated, today)
    missing = missing_contents(
        updated.purpose, updated.contents, known_target_groups=known_target_groups
    )
    reason = override_reason.strip() if override_reason else ""
    if missing and not reason:
        reason = current.override_reason or ""
        if not reason:
            raise IncompleteAgreement(missing)
    updated = replace(
        updated,
        status=status,
        version=current.version + 1,
        override_reason=reason if missing else None,
        activated_on=today,
        next_review=next_review_date(updated.contents, today),
    )
    return Revision(agreement=updated, new_version=True, snapshot=snapshot(current))


def apply_changes(
    current: Agreement,
    changes: Mapping[str, Any],
    *,
    today: date,
    override_reason: str | None = None,
    known_target_groups: Collection[str] = TARGET_GROUP_CODES,
) -> Revision:
    """PATCH /agreements/{id}: a draft in place, otherwise `new_version`."""
    if current.status is AgreementStatus.DRAFT:
        return Revision(agreement=edit_draft(current, changes), new_version=False)
    return new_version(
        current,
        changes,
        today=today,
        override_reason=override_reason,
        known_target_groups=known_target_groups,
    )


# --- N4: who manages, who is told ----------------------------------------------------------------


def region_carriers(
    scope: Scope, district_carrier: Mapping[str, str], district_state: Mapping[str, str]
) -> frozenset[str]:
    """The regional carriers responsible for at least one district the scope touches.

    `district_carrier`: district key -> responsible regional carrier; `district_state`:
    district key -> state name (as in the scope). Unknown district keys are ignored."""
    if scope.level is ScopeLevel.NATIONAL:
        return frozenset(district_carrier.values())
    if scope.level is ScopeLevel.STATE:
        return frozenset(
            carrier
            for key, carrier in district_carrier.items()
            if district_state.get(key) == scope.state
        )
    return frozenset(district_carrier[key] for key in scope.districts if key in district_carrier)


def may_manage(
    user_carrier: str,
    user_carrier_kind: str,
    scope: Scope,
    *,
    district_carrier: Mapping[str, str],
    district_state: Mapping[str, str],
) -> bool:
    """Rule N4: whether a strategist of `user_carrier` may create or change an agreement with
    this scope. National: only DRV Bund. Regional (districts or state): both federal carriers
    (`user_carrier_kind == "federal"`), and every regional carrier responsible for at least one
    district in the scope. The role check (network strategist) is the caller's."""
    if scope.level is ScopeLevel.NATIONAL:
        return user_carrier == DRV_BUND
    if user_carrier_kind == "federal":
        return True
    return user_carrier in region_carriers(scope, district_carrier, district_state)


def notified_carriers(
    scope: Scope,
    *,
    district_carrier: Mapping[str, str],
    district_state: Mapping[str, str],
    all_carriers: Collection[str],
    parties: Iterable[str] = (),
    acting_carrier: str | None = None,
) -> tuple[str, ...]:
    """Rule N4: the carriers to notify when an agreement with this scope is created, changed,
    suspended, resumed or ended, sorted.

    Every regional carrier whose region the scope touches, both federal carriers always, all
    carriers (`all_carriers`) for a national scope, plus the agreement's carrier parties (they
    are bound by it even when their region lies outside the scope). Design decision: the acting
    carrier (the one whose strategist made the change) is left out: its own change is in the
    agreement's history, and a notice its own strategists must acknowledge would be noise. Pass
    `acting_carrier=None` to keep it."""
    if scope.level is ScopeLevel.NATIONAL:
        carriers = set(all_carriers)
    else:
        carriers = set(region_carriers(scope, district_carrier, district_state))
    carriers.update(FEDERAL_CARRIERS)
    carriers.update(parties)
    carriers.discard(acting_carrier or "")
    return tuple(sorted(carriers))
