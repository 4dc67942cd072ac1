"""Rule N1 (docs/rules.md §8): every problem of a network partner. Pure; no I/O."""

from __future__ import annotations

import math
from collections.abc import Collection

from registry.errors import Problem
from registry.network.model import PARTNER_TYPES, TARGET_GROUP_CODES, Contact, Partner
from registry.network.rule_checks import contact_problems, has_text

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
    if not has_text(partner.name):
        problems.append(Problem("name", "Name fehlt", rule))
    if partner.type not in PARTNER_TYPES:
        problems.append(Problem("type", f"Unbekannter Partnertyp: {partner.type}", rule))

    if not partner.sites:
        problems.append(Problem("sites", "Mindestens ein Standort ist anzugeben", rule))
    for i, site in enumerate(partner.sites):
        prefix = f"sites[{i}]"
        if not has_text(site.name):
            problems.append(Problem(f"{prefix}.name", "Name des Standorts fehlt", rule))
        if not (
            math.isfinite(site.lat)
            and math.isfinite(site.lon)
            and -90.0 <= site.lat <= 90.0
            and -180.0 <= site.lon <= 180.0
        ):
            problems.append(Problem(f"{prefix}.address", "Koordinaten sind ungültig", rule))
        if not has_text(site.district_key):
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
        if not has_text(service):
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
    return contact_problems(
        prefix, contact.name, contact.role, contact.email, contact.phone, "N1", require_role=True
    )
