"""The rules of an application before any decision (docs/rules.md §5): what it must contain
(A1–A4), which carrier leads it, and what a later application of an existing provider may ask
for (A9 additions). Pure; no I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Protocol

from registry.admission.model import FEDERAL_CARRIERS, AdmissionStatus, ApplicationFacts, LeadResult
from registry.admission.status_rules import AS
from registry.errors import InvalidInput, Problem
from registry.words import group_label

# --------------------------------------------------------------------------- A1–A4


class Located(Protocol):
    @property
    def responsible_carrier(self) -> str: ...
    @property
    def headquarters(self) -> bool: ...


def validate_application(
    facts: ApplicationFacts, known_target_groups: Collection[str]
) -> list[Problem]:
    """A1: sites that resolve to a district, at least one known target group, one headquarters
    at most. Returns the problems (empty when valid)."""
    problems: list[Problem] = []
    if not facts.sites:
        problems.append(Problem("sites", "Mindestens ein Standort ist anzugeben.", "A1"))
    for i, site in enumerate(facts.sites):
        if not site.district_key or not site.responsible_carrier:
            problems.append(
                Problem(
                    f"sites[{i}].address",
                    f"Standort »{site.name}«: Die Adresse lässt sich keinem Kreis zuordnen.",
                    "A1",
                )
            )
    problems += headquarters_problems([site.headquarters for site in facts.sites])
    if not facts.target_groups:
        problems.append(
            Problem("target_groups", "Mindestens eine Zielgruppe ist zu beantragen.", "A1")
        )
    seen: set[str] = set()
    for code in facts.target_groups:
        if code not in known_target_groups:
            problems.append(
                Problem(f"target_groups.{code}", f"Unbekannte Zielgruppe »{code}«.", "A1")
            )
        if code in seen:
            problems.append(
                Problem(f"target_groups.{code}", f"Zielgruppe »{code}« doppelt genannt.", "A1")
            )
        seen.add(code)
    return problems


def headquarters_problems(flags: Sequence[bool]) -> list[Problem]:
    """A1: one headquarters at most among the sites (flags in listed order)."""
    if sum(bool(flag) for flag in flags) > 1:
        return [Problem("sites", "Nur ein Standort kann der Hauptsitz sein.", "A1")]
    return []


def determine_lead(
    receiving_carrier: str, receiving_kind: str, sites_in_listed_order: Sequence[Located]
) -> LeadResult:
    """A2–A4: the lead carrier of a new application, and whether it was forwarded.

    A regional receiving carrier responsible for at least one site leads (A4). Otherwise (A3,
    design decision) the application goes to the carrier responsible for the headquarters site,
    else to the one responsible for the most sites, ties broken by listing order. A federal
    carrier has no region and always forwards. The result is final: the new lead never
    forwards again.
    """
    if not sites_in_listed_order:
        raise InvalidInput([Problem("sites", "Mindestens ein Standort ist anzugeben.", "A1")])
    carriers = [site.responsible_carrier for site in sites_in_listed_order]
    if not all(carriers):
        raise InvalidInput(
            [Problem("sites", "Jeder Standort braucht einen zuständigen Träger.", "A2")]
        )
    federal = receiving_kind == "federal" or receiving_carrier in FEDERAL_CARRIERS
    if not federal and receiving_carrier in carriers:
        return LeadResult(receiving_carrier, forwarded=False)
    for site in sites_in_listed_order:
        if site.headquarters:
            return LeadResult(site.responsible_carrier, forwarded=True)
    counts = Counter(carriers)
    best = max(counts.values())
    lead = next(c for c in carriers if counts[c] == best)  # first listed among the most
    return LeadResult(lead, forwarded=True)


# --------------------------------------------------------------------------- A9 additions

_ACTIVE = frozenset({AS.PENDING, AS.AWAITING_FOLLOW_ON, AS.ADMITTED, AS.SUSPENDED})


def check_additions(
    requested: Iterable[tuple[str, str]],
    existing: Mapping[tuple[str, str], AdmissionStatus],
) -> list[Problem]:
    """A9: a later application of an existing provider asks only for sites or target groups it
    does not hold yet. ``requested`` are (site id, target group) pairs of the new application
    (site ids of existing sites; new sites have new ids); ``existing`` the provider's current
    statuses. A pair that is already admitted, suspended, awaiting its follow-on or pending in
    another application is a problem; refused, revoked and withdrawn ones may be asked again.
    """
    problems = []
    for site_id, group in requested:
        status = existing.get((site_id, group))
        if status in _ACTIVE:
            assert status is not None
            problems.append(
                Problem(
                    f"sites.{site_id}.target_groups.{group}",
                    f"Für diesen Standort besteht für die Zielgruppe »{group_label(group)}« "
                    "bereits eine Zulassung oder ein offener Antrag; ein neuer "
                    "Antrag gilt nur für zusätzliche Standorte oder Zielgruppen.",
                    "A9",
                )
            )
    return problems
