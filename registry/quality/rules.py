"""Rule A16, pure: what quality data may hold, when a yearly report is owed and overdue, and
which visits of carriers to one provider fall into the same quarter (coordination, §8).

Counts only (docs/rules.md §10): a complaint is a count by category and month, a yearly report
counts cases; any other field is refused by name, no count may exceed its total. Nothing here
imports more than the standard library and the registry's error vocabulary.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from registry.dates import german
from registry.errors import Problem

RULE = "A16"

#: complaint categories (design decision: what a carrier hears about an external provider,
#: from reachability to data protection; German labels for people)
COMPLAINT_CATEGORIES: Mapping[str, str] = {
    "reachability": "Erreichbarkeit",
    "waiting_time": "Wartezeit",
    "counselling": "Qualität der Beratung",
    "communication": "Umgang und Kommunikation",
    "cooperation": "Zusammenarbeit mit dem Träger",
    "documentation": "Dokumentation und Berichte",
    "data_protection": "Datenschutz",
    "accessibility": "Räume und Barrierefreiheit",
    "other": "Sonstiges",
}
#: kinds of provision (Rahmenkonzept §8 "Art der Erbringung")
PROVISION_KINDS: Mapping[str, str] = {
    "in_person": "persönlich",
    "outreach": "aufsuchend",
    "remote": "telefonisch oder digital",
}
COMPLAINT_FIELDS = frozenset({"month", "category", "count"})
FIGURE_FIELDS = frozenset({"cases", "provision", "completed", "goal_reached", "return_to_work"})
OUTCOME_FIELDS: Mapping[str, str] = {
    "completed": "abgeschlossene Fälle",
    "goal_reached": "Ziel erreicht",
    "return_to_work": "berufliche Wiedereingliederung",
}
MAX_COUNT = 1_000_000
#: a yearly report is due by the end of the first quarter of the next year
REPORT_DUE_MONTH, REPORT_DUE_DAY = 3, 31
#: the years a provider is asked about: at most one review period (A14: 36 months)
REPORT_LOOKBACK_YEARS = 3
FINDING_MAX = 2000


def problem(field: str, message: str) -> Problem:
    """A problem of rule A16 (every rule of this module is A16)."""
    return Problem(field, message, RULE)


# --------------------------------------------------------------------------- counts


def _count(value: object) -> int | None:
    """A count: a whole number from 0 (bools are not counts)."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 <= value <= MAX_COUNT else None


def _extra_fields(payload: Mapping[str, object], allowed: Collection[str]) -> list[Problem]:
    return [
        problem(str(k), "Feld nicht erlaubt") for k in sorted(map(str, payload)) if k not in allowed
    ]


def parse_month(value: object) -> date | None:
    """``YYYY-MM`` → the first day of that month, or None."""
    if not isinstance(value, str) or len(value) != 7 or value[4] != "-":
        return None
    year, month = value[:4], value[5:]
    if not (year.isdigit() and month.isdigit()) or not 1 <= int(month) <= 12:
        return None
    return date(int(year), int(month), 1) if int(year) >= 2000 else None


def validate_complaint(payload: object, *, today: date) -> list[Problem]:
    """A complaint record is exactly ``{"month": "YYYY-MM", "category", "count"}``: a count by
    category and month, no names, no case data (any other field: "Feld nicht erlaubt"). The
    month is not in the future; the category is one of :data:`COMPLAINT_CATEGORIES`."""
    if not isinstance(payload, Mapping):
        return [problem("body", "Erwartet wird ein Objekt mit month, category und count")]
    problems = _extra_fields(payload, COMPLAINT_FIELDS)
    month = parse_month(payload.get("month"))
    if month is None:
        problems.append(problem("month", "Monat im Format JJJJ-MM angeben"))
    elif month > today.replace(day=1):
        problems.append(problem("month", "Der Monat liegt in der Zukunft"))
    if payload.get("category") not in COMPLAINT_CATEGORIES:
        problems.append(problem("category", "Unbekannte Kategorie"))
    if _count(payload.get("count")) is None:
        problems.append(problem("count", "Eine Anzahl (ganze Zahl ab 0) ist anzugeben"))
    return problems


def _counts_map(
    value: object, field: str, allowed: Collection[str], unknown: str
) -> tuple[dict[str, int], list[Problem]]:
    if not isinstance(value, Mapping):
        return {}, [problem(field, "Erwartet wird ein Objekt mit Anzahlen")]
    counts: dict[str, int] = {}
    problems: list[Problem] = []
    for key in sorted(map(str, value)):
        n = _count(value[key])
        if key not in allowed:
            problems.append(problem(f"{field}.{key}", unknown))
        elif n is None:
            problems.append(problem(f"{field}.{key}", "Anzahl als ganze Zahl ab 0 angeben"))
        else:
            counts[key] = n
    return counts, problems


def validate_yearly_figures(
    year: int, payload: object, *, known_target_groups: Collection[str], today: date
) -> list[Problem]:
    """The yearly figures of §8, counts only: ``cases`` by target group, ``provision`` by kind
    (in person, outreach, remote), ``completed``, ``goal_reached``, ``return_to_work``.

    No count above its total: the total is the sum of the cases; each kind of provision and
    the completed cases are at most the total (a case may combine kinds of provision, so the
    kinds are not summed); goal reached and return to work are at most the completed cases.
    Only a year that has ended is reported."""
    problems: list[Problem] = []
    if not 2000 <= year < today.year:
        problems.append(problem("year", "Berichtet wird ein abgeschlossenes Jahr"))
    if not isinstance(payload, Mapping):
        return [*problems, problem("body", "Erwartet wird ein Objekt mit den Jahreszahlen")]
    problems += _extra_fields(payload, FIGURE_FIELDS)
    cases, found = _counts_map(
        payload.get("cases"), "cases", known_target_groups, "Unbekannte Zielgruppe"
    )
    problems += found
    provision, found = _counts_map(
        payload.get("provision", {}), "provision", PROVISION_KINDS, "Unbekannte Art der Erbringung"
    )
    problems += found
    outcomes: dict[str, int] = {}
    for name in OUTCOME_FIELDS:
        n = _count(payload.get(name))
        if n is None:
            problems.append(problem(name, "Anzahl als ganze Zahl ab 0 angeben"))
        else:
            outcomes[name] = n
    if problems:
        return problems
    total = sum(cases.values())
    for kind, n in provision.items():
        if n > total:
            problems.append(problem(f"provision.{kind}", f"Mehr als die {total} Fälle des Jahres"))
    if outcomes["completed"] > total:
        problems.append(problem("completed", f"Mehr als die {total} Fälle des Jahres"))
    for name in ("goal_reached", "return_to_work"):
        if outcomes[name] > outcomes["completed"]:
            problems.append(
                problem(name, f"Mehr als die {outcomes['completed']} abgeschlossenen Fälle")
            )
    return problems


# --------------------------------------------------------------------------- yearly reports


def report_due(year: int) -> date:
    """The report of ``year`` is due by the end of the first quarter of the next year."""
    return date(year + 1, REPORT_DUE_MONTH, REPORT_DUE_DAY)


def is_report_overdue(year: int, today: date) -> bool:
    return today > report_due(year)


def years_owed(admitted_since: date | None, reported: Collection[int], today: date) -> list[int]:
    """The ended years a provider with an admission in force since ``admitted_since`` has not
    reported, at most the last :data:`REPORT_LOOKBACK_YEARS` (one review period). A year the
    admission began in counts (its cases since the admission)."""
    if admitted_since is None:
        return []
    first = max(admitted_since.year, today.year - REPORT_LOOKBACK_YEARS)
    return [y for y in range(first, today.year) if y not in reported]


def missing_report_finding(year: int) -> str:
    """The advisory finding on the provider's next review (A14) for an overdue report."""
    return (
        f"Die Jahreszahlen {year} fehlen (fällig bis {german(report_due(year))}); "
        "Rahmenkonzept §8: QS-Daten als Grundlage der Überprüfung."
    )


# --------------------------------------------------------------------------- visits


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_label(day: date) -> str:
    year, q = quarter_of(day)
    return f"{q}. Quartal {year}"


@dataclass(frozen=True)
class PlannedVisit:
    """What coordination needs of a visit: when, whose, who takes part."""

    id: str
    planned_on: date
    planner: str
    participants: frozenset[str]
    done: bool = False


def coordinating_visits(
    planned_on: date, carrier: str, visits: Iterable[PlannedVisit]
) -> list[PlannedVisit]:
    """§8 ("abzustimmen und bei Bedarf gemeinsam zu gestalten"): the other carriers' visits to
    the same provider in the same quarter as one planned by ``carrier`` on ``planned_on``, in
    which ``carrier`` does not take part yet; earliest first."""
    quarter = quarter_of(planned_on)
    return sorted(
        (
            v
            for v in visits
            if quarter_of(v.planned_on) == quarter
            and v.planner != carrier
            and carrier not in v.participants
        ),
        key=lambda v: (v.planned_on, v.id),
    )


def validate_visit_plan(
    planned_on: date, invited: Sequence[str], admitting: Collection[str], today: date
) -> list[Problem]:
    """A visit is planned at most two years ahead (or recorded for a past day within a year);
    only carriers that admitted a site of the provider can be invited."""
    problems: list[Problem] = []
    if planned_on.year > today.year + 2 or (today - planned_on).days > 366:
        problems.append(problem("planned_on", "Datum außerhalb des Planungszeitraums"))
    for i, carrier in enumerate(invited):
        if carrier not in admitting:
            problems.append(
                problem(
                    f"carriers[{i}]",
                    "Eingeladen werden Träger, die einen Standort des Anbieters zugelassen haben",
                )
            )
    return problems


def validate_visit_done(
    planned_on: date, done_on: date, finding: str, today: date
) -> list[Problem]:
    problems: list[Problem] = []
    if done_on > today:
        problems.append(problem("done_on", "Das Datum liegt in der Zukunft"))
    elif (planned_on - done_on).days > 366:
        problems.append(problem("done_on", "Das Datum passt nicht zur geplanten Hospitation"))
    if not finding.strip():
        problems.append(problem("finding", "Ein kurzes Ergebnis ist anzugeben"))
    elif len(finding) > FINDING_MAX:
        problems.append(problem("finding", f"Höchstens {FINDING_MAX} Zeichen"))
    return problems


def visit_to_record(planned_on: date, today: date) -> bool:
    """A visit whose day has come is recorded as done by a carrier taking part."""
    return planned_on <= today


RECORD_OVERDUE_DAYS = 30


def is_record_overdue(planned_on: date, today: date) -> bool:
    return (today - planned_on).days > RECORD_OVERDUE_DAYS
