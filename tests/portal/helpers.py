"""Builders of posted portal forms, so each test states only what it varies."""

from __future__ import annotations

from typing import Any

CONCEPT_TEXT = "Ausführlich beschrieben im Konzept des Anbieters."

Fields = list[tuple[str, Any]]


def application_form(
    reference: Any,
    receiving: str,
    sites: list[tuple[str, str, str]],
    groups: list[str],
    *,
    provider: dict[str, str] | None = None,
    action: str = "submit",
    missing_concept: tuple[str, ...] = (),
) -> Fields:
    """The fields the application page posts: sites as (name, postal code, place)."""
    fields: Fields = [
        ("action", action),
        ("site_count", len(sites)),
        ("cm_count", 2),
        ("receiving_carrier", receiving),
        ("target_groups", groups),
    ]
    for key, val in (provider or {}).items():
        fields.append((f"provider.{key}", val))
    for i, (name, postal_code, place) in enumerate(sites):
        p = f"sites[{i}]"
        fields += [
            (f"{p}.name", name),
            (f"{p}.headquarters", i == 0),
            (f"{p}.address.street", "Hauptstraße 1"),
            (f"{p}.address.postal_code", postal_code),
            (f"{p}.address.place", place),
            (f"{p}.catchment_radius_km", "50"),
            (f"{p}.outreach_radius_km", "30"),
            (f"{p}.languages", "de, tr"),
            (f"{p}.public_transport", True),
            (f"{p}.barrier_free", True),
            (f"{p}.rooms_for_individual_talks", True),
            (f"{p}.rooms_for_relatives", True),
        ]
    for i, name in enumerate(["Anna Beispiel", "Bernd Muster"]):
        p = f"cm[{i}]"
        fields += [
            (f"{p}.name", name),
            (f"{p}.degree", "social-work"),
            (f"{p}.counselling_years", "4"),
            (f"{p}.social_law_units", "40"),
            (f"{p}.certificates", ["case-manager-dgcc"]),
            (f"{p}.joined_on", "2023-01-01"),
            (f"{p}.target_groups", groups),
            (f"{p}.competence_evidence", "Weiterbildung Suchtberatung 2021, fünf Jahre Praxis"),
            (f"{p}.languages", "de"),
        ]
    for section in reference.concept_sections:
        if section.code not in missing_concept:
            fields.append((f"concept.{section.code}", CONCEPT_TEXT))
    for key in (
        "documentation_system",
        "data_protection",
        "confidentiality_commitments",
        "quality_management",
        "complaints_system",
    ):
        fields.append((f"organisation.{key}", True))
    return fields


def decision_form(groups: dict[str, tuple[bool, str]], version: int) -> Fields:
    fields: Fields = [("version", version)]
    for code, (admit, reason) in groups.items():
        fields.append((f"target_groups.{code}.admit", "yes" if admit else "no"))
        fields.append((f"target_groups.{code}.reason", reason))
    return fields
