"""The application form (rule A1): posted fields -> the body of ``submit_application``.

The form posts flat fields named like the service's problem paths (``sites[0].address.place``);
adding or removing a site or case manager re-renders the page on the server, so the whole form
works without JavaScript.
"""

from __future__ import annotations

import re
from typing import Any

from portal.forms import FormData, checked, number, value, values
from portal.picker_choices import chosen_codes

SITE_TEXT = ("name", "address.street", "address.postal_code", "address.place")
SITE_FLAGS = (
    "public_transport",
    "barrier_free",
    "rooms_for_individual_talks",
    "rooms_for_relatives",
)
CM_NUMBERS = ("counselling_years", "social_law_units", "counselling_units", "total_units")
ORGANISATION = (
    "documentation_system",
    "data_protection",
    "confidentiality_commitments",
    "quality_management",
    "complaints_system",
)
PROVIDER_FIELDS = ("name", "legal_form", "email", "phone", "website")
MAX_SITES = 30
MAX_CASE_MANAGERS = 40


def initial_form() -> dict[str, Any]:
    """Defaults of a new application: one headquarters site, two case managers (rule Q2)."""
    return {
        "site_count": "1",
        "cm_count": "2",
        "sites[0].headquarters": "on",
        "sites[0].catchment_radius_km": "50",
        "sites[0].languages": "de",
        "cm[0].languages": "de",
        "cm[1].languages": "de",
    }


def counts(form: FormData) -> tuple[int, int]:
    def bounded(name: str, default: int, top: int) -> int:
        try:
            n = int(value(form, name) or default)
        except ValueError:
            n = default
        return max(1, min(n, top))

    return bounded("site_count", 1, MAX_SITES), bounded("cm_count", 2, MAX_CASE_MANAGERS)


def _renumber(form: dict[str, Any], prefix: str, removed: int, count: int) -> dict[str, Any]:
    """Drop entry ``removed`` of a repeated group and close the gap."""
    pattern = re.compile(rf"^{re.escape(prefix)}\[(\d+)\](.*)$")
    out: dict[str, Any] = {}
    for key, val in form.items():
        match = pattern.match(key)
        if not match:
            out[key] = val
            continue
        index = int(match.group(1))
        if index == removed or index >= count:
            continue
        new_index = index - 1 if index > removed else index
        out[f"{prefix}[{new_index}]{match.group(2)}"] = val
    return out


def apply_action(form: FormData, action: str) -> dict[str, Any]:
    """Add or remove a site or case manager; returns the form to show again."""
    out = dict(form)
    sites, cms = counts(form)
    if action == "add_site" and sites < MAX_SITES:
        out[f"sites[{sites}].catchment_radius_km"] = "50"
        out[f"sites[{sites}].languages"] = "de"
        sites += 1
    elif action == "add_cm" and cms < MAX_CASE_MANAGERS:
        out[f"cm[{cms}].languages"] = "de"
        cms += 1
    elif action.startswith("remove_site:") and sites > 1:
        out = _renumber(out, "sites", _index(action), sites)
        sites -= 1
    elif action.startswith("remove_cm:") and cms > 1:
        out = _renumber(out, "cm", _index(action), cms)
        cms -= 1
    out["site_count"] = str(sites)
    out["cm_count"] = str(cms)
    return out


def _index(action: str) -> int:
    try:
        return int(action.split(":", 1)[1])
    except (IndexError, ValueError):
        return -1


def _optional(form: FormData, name: str, target: dict[str, Any], key: str) -> None:
    n = number(form, name)
    if n is not None:
        target[key] = n


def site_body(form: FormData, i: int) -> dict[str, Any]:
    p = f"sites[{i}]"
    site: dict[str, Any] = {
        "name": value(form, f"{p}.name"),
        "headquarters": checked(form, f"{p}.headquarters"),
        "address": {
            "street": value(form, f"{p}.address.street"),
            "postal_code": value(form, f"{p}.address.postal_code"),
            "place": value(form, f"{p}.address.place"),
        },
        "languages": chosen_codes(form, f"{p}.languages", lower=True) or ["de"],
    }
    radius = number(form, f"{p}.catchment_radius_km")
    site["catchment_radius_km"] = radius if radius is not None else ""
    outreach = number(form, f"{p}.outreach_radius_km")
    site["outreach_radius_km"] = outreach
    for flag in SITE_FLAGS:
        site[flag] = checked(form, f"{p}.{flag}")
    hours = value(form, f"{p}.details.opening_hours")
    if hours:
        site["details"] = {"opening_hours": hours}
    return site


def case_manager_body(form: FormData, i: int) -> dict[str, Any]:
    p = f"cm[{i}]"
    cm: dict[str, Any] = {
        "name": value(form, f"{p}.name"),
        "degree": value(form, f"{p}.degree"),
        "certificates": values(form, f"{p}.certificates"),
        "languages": chosen_codes(form, f"{p}.languages", lower=True) or ["de"],
        "target_groups": values(form, f"{p}.target_groups"),
        "competence_evidence": value(form, f"{p}.competence_evidence"),
    }
    for field in CM_NUMBERS:
        _optional(form, f"{p}.{field}", cm, field)
    for field in ("training_started_on", "joined_on"):
        cm[field] = value(form, f"{p}.{field}") or None
    cm["introduction_confirmed"] = checked(form, f"{p}.introduction_confirmed")
    return cm


def application_body(
    form: FormData, *, provider_id: str | None, concept_codes: list[str]
) -> dict[str, Any]:
    """The body of ``submit_application``; a provider applies for itself, an officer enters a
    paper application for a new provider."""
    sites, cms = counts(form)
    provider: dict[str, Any]
    if provider_id:
        provider = {"id": provider_id}
    else:
        provider = {k: value(form, f"provider.{k}") for k in PROVIDER_FIELDS}
    concept = {
        code: value(form, f"concept.{code}")
        for code in concept_codes
        if value(form, f"concept.{code}")
    }
    return {
        "receiving_carrier": value(form, "receiving_carrier"),
        "provider": provider,
        "sites": [site_body(form, i) for i in range(sites)],
        "target_groups": values(form, "target_groups"),
        "case_managers": [case_manager_body(form, i) for i in range(cms)],
        "concept": concept,
        "organisation": {k: checked(form, f"organisation.{k}") for k in ORGANISATION},
        "announcement_id": value(form, "announcement_id"),
    }


def to_form_field(problem_field: str) -> str:
    """A service problem path -> the form field name that shows it."""
    if problem_field.startswith("case_managers["):
        return "cm[" + problem_field[len("case_managers[") :]
    if problem_field.startswith("target_groups["):
        return "target_groups"
    return problem_field


def anchors(sites: int, cms: int, concept_codes: list[str]) -> set[str]:
    """Every field or group of the form an error can be shown next to."""
    names = {"receiving_carrier", "target_groups", "sites", "cm", "concept", "organisation"}
    names |= {"announcement_id", "provider"} | {f"provider.{k}" for k in PROVIDER_FIELDS}
    names |= {f"organisation.{k}" for k in ORGANISATION}
    names |= {f"concept.{c}" for c in concept_codes}
    for i in range(sites):
        p = f"sites[{i}]"
        names |= {p, f"{p}.headquarters", f"{p}.catchment_radius_km", f"{p}.outreach_radius_km"}
        names |= {f"{p}.{f}" for f in SITE_TEXT} | {f"{p}.{f}" for f in SITE_FLAGS}
        names |= {f"{p}.languages", f"{p}.address", f"{p}.details.opening_hours"}
    for i in range(cms):
        p = f"cm[{i}]"
        names |= {p, f"{p}.name", f"{p}.degree", f"{p}.certificates", f"{p}.languages"}
        names |= {f"{p}.{f}" for f in CM_NUMBERS}
        names |= {f"{p}.training_started_on", f"{p}.joined_on", f"{p}.target_groups"}
        names |= {f"{p}.competence_evidence", f"{p}.introduction_confirmed"}
    return names
