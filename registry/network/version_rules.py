"""Changes and versions of an agreement (docs/rules.md §8, N5): a draft changes in place, an
active or suspended one gets a new version with the previous one as a JSON-ready snapshot for its
history. Pure; no I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from registry.dates import iso, parse_date
from registry.errors import InvalidInput, Problem
from registry.network.content_rules import missing_contents, next_review_date
from registry.network.lifecycle_rules import check_not_ended, next_status
from registry.network.model import (
    TARGET_GROUP_CODES,
    Agreement,
    AgreementAction,
    AgreementKind,
    AgreementStatus,
    Purpose,
    Scope,
)
from registry.network.rule_errors import IllegalAgreementTransition, IncompleteAgreement

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
        "valid_from": iso(agreement.valid_from) or None,
        "valid_until": iso(agreement.valid_until) or None,
        "contents": _jsonable(agreement.contents),
        "status": agreement.status.value,
        "override_reason": agreement.override_reason,
        "next_review": iso(agreement.next_review) or None,
        "activated_on": iso(agreement.activated_on) or None,
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
        raise InvalidInput(problems)
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
        parsed = parse_date(value)
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
    """A draft changes in place (same version). Raises `IllegalAgreementTransition` unless draft."""
    if current.status is not AgreementStatus.DRAFT:
        raise IllegalAgreementTransition(current.status, AgreementAction.EDIT)
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
    Raises `IllegalAgreementTransition` for drafts, terminated and expired agreements."""
    if current.status is AgreementStatus.DRAFT:
        raise IllegalAgreementTransition(current.status, AgreementAction.EDIT)
    status = next_status(current.status, AgreementAction.EDIT)
    updated = _changed(current, changes)
    check_not_ended(updated, today)
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
