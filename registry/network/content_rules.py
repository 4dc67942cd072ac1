"""Rule N3 (docs/rules.md §8): the contents an agreement needs by purpose and which are missing;
and the review dates of rule N5 (next review, the due list). Pure; no I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from registry.dates import add_months, parse_date
from registry.network.model import (
    CHANNELS,
    TARGET_GROUP_CODES,
    Agreement,
    AgreementStatus,
    Missing,
    Purpose,
)
from registry.network.rule_checks import contact_problems, has_text, is_count, is_text_list

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
            ok = has_text(value)
        elif key == "roles":
            ok = has_text(value) or is_text_list(value)
        elif key in ("services", "common_documents"):
            ok = is_text_list(value)
        elif key == "reaction_time_days":
            ok = is_count(value, 1)
        elif key == "target_groups":
            ok = is_text_list(value)
            if ok:
                assert isinstance(value, list | tuple)
                unknown = [code for code in value if code not in known_target_groups]
                if unknown:
                    missing.append(
                        Missing(field_name, "Unbekannte Zielgruppe: " + ", ".join(unknown))
                    )
                    continue
        elif key == "channels":
            ok = is_text_list(value)
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
        for problem in contact_problems(
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
    interval_ok = is_count(interval, 1)
    date_ok = parse_date(next_review) is not None
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
    explicit = parse_date(review.get("next_review"))
    if explicit is not None:
        return explicit
    interval = review.get("interval_months")
    if effective_on is not None and is_count(interval, 1):
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
