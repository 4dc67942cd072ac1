"""Builders of valid request bodies, so each test states only what it varies."""

from __future__ import annotations

from typing import Any

CONCEPT_TEXT = "Ausführlich beschrieben im Konzept des Anbieters."


def concept(reference: Any, missing: tuple[str, ...] = ()) -> dict[str, str]:
    return {s.code: CONCEPT_TEXT for s in reference.concept_sections if s.code not in missing}


def case_manager(name: str, groups: list[str], **over: Any) -> dict[str, Any]:
    body = {
        "name": name,
        "degree": "social-work",
        "counselling_years": 4,
        "social_law_units": 40,
        "certificates": ["case-manager-dgcc"],
        "languages": ["de"],
        "joined_on": "2023-01-01",
        "target_groups": groups,
        "competence_evidence": "Weiterbildung Suchtberatung 2021, fünf Jahre Praxis",
    }
    body.update(over)
    return body


def site(name: str, postal_code: str, place: str = "", **over: Any) -> dict[str, Any]:
    body = {
        "name": name,
        "headquarters": False,
        "address": {"street": "Hauptstraße 1", "postal_code": postal_code, "place": place},
        "catchment_radius_km": 50,
        "outreach_radius_km": 30,
        "public_transport": True,
        "barrier_free": True,
        "rooms_for_individual_talks": True,
        "rooms_for_relatives": True,
        "languages": ["de", "tr"],
    }
    body.update(over)
    return body


def application(
    reference: Any,
    receiving: str,
    sites: list[dict[str, Any]],
    groups: list[str],
    *,
    provider: dict[str, Any] | None = None,
    case_managers: list[dict[str, Any]] | None = None,
    **over: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "receiving_carrier": receiving,
        "provider": provider
        or {
            "name": "Beratung Nord gGmbH",
            "legal_form": "gGmbH",
            "email": "kontakt@beratung-nord.example",
            "phone": "0451 123456",
            "website": "https://beratung-nord.example",
        },
        "sites": sites,
        "target_groups": groups,
        "case_managers": case_managers
        if case_managers is not None
        else [case_manager("Anna Beispiel", groups), case_manager("Bernd Muster", groups)],
        "concept": concept(reference),
        "organisation": {
            "documentation_system": True,
            "data_protection": True,
            "confidentiality_commitments": True,
            "quality_management": True,
            "complaints_system": True,
        },
    }
    body.update(over)
    return body
