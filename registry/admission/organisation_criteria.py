"""Admission criteria of the organisation (docs/rules.md §6): the concept (Q1), the sites and
their rooms and reachability (Q5), and the organisation's systems (Q6). Pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from registry.admission.criteria_catalogue import (
    ORGANISATION_ITEMS,
    SECTION_LABELS,
    A,
    B,
    FindingMaker,
)
from registry.admission.model import Finding, OrganisationFacts, SiteFacts

# --------------------------------------------------------------------------- Q1, Q5, Q6


class ConceptItem(Protocol):
    """An item of the concept as reference data holds it (``registry.reference.ConceptSection``)."""

    @property
    def code(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def rule(self) -> str: ...


def check_concept(
    concept: Mapping[str, str], sections: Sequence[str | ConceptItem], make: FindingMaker
) -> list[Finding]:
    """Q1: every required concept section present and non-empty; a missing one is blocking.
    Q8: an advisory item (``rule`` Q8: Personenkontinuität, material equipment, no legal advice
    and no therapeutic tasks; Rahmenkonzept §5.2, Fachkonzept §8.3) missing is advisory."""
    findings = []
    for section in sections:
        if isinstance(section, str):
            code, label, rule = section, SECTION_LABELS.get(section, section), "Q1"
        else:
            code, label, rule = section.code, section.label, section.rule
        if (concept.get(code) or "").strip():
            continue
        if rule == "Q8":
            findings.append(
                make(
                    "Q8",
                    "concept-item-missing",
                    A,
                    f"Das Konzept sollte darlegen: {label}.",
                    f"concept.{code}",
                    subject=code,
                )
            )
            continue
        findings.append(
            make(
                "Q1",
                "concept-section-missing",
                B,
                f"Das Konzept behandelt den Punkt »{label}« nicht (Abschnitt fehlt oder ist leer).",
                f"concept.{code}",
                subject=code,
            )
        )
    return findings


def check_sites(sites: Sequence[SiteFacts], make: FindingMaker) -> list[Finding]:
    """Q5: rooms for individual talks and for relatives (blocking); public transport (advisory,
    not for outreach-only sites)."""
    findings = []
    for i, site in enumerate(sites):
        if not site.rooms_for_individual_talks:
            findings.append(
                make(
                    "Q5",
                    "rooms-individual-missing",
                    B,
                    f"Standort »{site.name}«: Es fehlen der Zielgruppe angemessene Räume für "
                    "Einzelgespräche.",
                    f"sites[{i}].rooms_for_individual_talks",
                    subject=site.id,
                )
            )
        if not site.rooms_for_relatives:
            findings.append(
                make(
                    "Q5",
                    "rooms-relatives-missing",
                    B,
                    f"Standort »{site.name}«: Es fehlen Räume für Gespräche mit Angehörigen "
                    "oder Bezugspersonen.",
                    f"sites[{i}].rooms_for_relatives",
                    subject=site.id,
                )
            )
        if not site.public_transport and not site.outreach_only:
            findings.append(
                make(
                    "Q5",
                    "public-transport-missing",
                    A,
                    f"Standort »{site.name}«: Der Beratungsort sollte mit öffentlichen "
                    "Verkehrsmitteln erreichbar sein.",
                    f"sites[{i}].public_transport",
                    subject=site.id,
                )
            )
    return findings


def check_organisation(organisation: OrganisationFacts, make: FindingMaker) -> list[Finding]:
    """Q6: each missing organisation item is blocking."""
    return [
        make(
            "Q6",
            f"{name}-missing",
            B,
            f"Nachweis fehlt: {label}.",
            f"organisation.{name}",
        )
        for name, label in ORGANISATION_ITEMS
        if not getattr(organisation, name)
    ]
