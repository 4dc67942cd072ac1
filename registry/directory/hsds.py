"""Open data: the public part of the directory as an Open Referral HSDS 3.0 export.

What is exported is exactly what the directory search may show (rule E1): active providers with
an active site that holds at least one admission, the admitted target groups, addresses and the
public contact channels (the provider's e-mail, phone and website, the site's phone). Never
exported: case managers or any other person, applications, findings, notices, users, the
admission history, suspended / revoked / refused target groups, inactive providers and sites.

Shape (one JSON document, every object valid against the HSDS 3.0 JSON schema of its table):

* ``organizations``: one per provider (``organization``, with ``phones``);
* ``locations``: one per site (``location``, with ``addresses``, ``phones``, ``languages``,
  ``accessibility``, ``schedules``);
* ``services``: one per provider and admitted target group (``service``, linked to the target
  group's ``taxonomy_term`` by an ``attribute``);
* ``service_at_locations``: one per site and admitted target group;
* ``taxonomies`` / ``taxonomy_terms``: the target groups as a taxonomy.

HSDS 3 requires UUIDs as identifiers; ours are not. Every HSDS id is a UUID version 5 derived
from our id (``hsds_id``), so the same provider, site or target group keeps the same HSDS id in
every export and other directories can update their copy.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from registry.admission.provider_repository import ProviderRepository
from registry.admission.repository import AdmissionRepository
from registry.auth import Principal, Role
from registry.clock import now_iso
from registry.context import Registry
from registry.directory.projection import site_documents_from_rows
from registry.errors import Forbidden
from registry.reference import Reference, UnknownReference
from registry.search.documents import SiteDocument

Row = Mapping[str, Any]  # a provider as its repository reads it

HSDS_VERSION = "3.0"

#: The namespace of all derived HSDS ids. Never change it: ids would change with it.
NAMESPACE = uuid.UUID("6f1c3a52-2d4e-5b8a-9c17-0e5d4b7a3f21")

#: Carrier staff may export; the data is public, but the export is not anonymous.
EXPORT_ROLES = (
    Role.ADMISSIONS_OFFICER,
    Role.CASE_MANAGER,
    Role.DIRECTORY_READER,
    Role.NETWORK_STRATEGIST,
    Role.ADMIN,
)

TAXONOMY_CODE = "drv-fallmanagement-zielgruppen"

_MODE_LABELS = {
    "in_person": "vor Ort",
    "home_visits": "Hausbesuche",
    "phone": "telefonisch",
    "video": "per Video",
}

Json = dict[str, Any]


def hsds_id(kind: str, *parts: str) -> str:
    """The stable HSDS identifier (UUID v5) of one of our objects."""
    return str(uuid.uuid5(NAMESPACE, ":".join((kind, *parts))))


def _email(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value or " " in value or value.count("@") != 1:
        return None
    local, _, domain = value.partition("@")
    return value if local and "." in domain else None


def _url(value: str | None) -> str | None:
    value = (value or "").strip()
    if not value or any(ch.isspace() for ch in value):
        return None
    if "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or "." not in parts.netloc:
        return None
    return value


def _phone(kind: str, ref: str, number: str | None, **link: str) -> list[Json]:
    number = (number or "").strip()
    if not number:
        return []
    return [{"id": hsds_id("phone", kind, ref), **link, "number": number, "type": "voice"}]


def _state_name(reference: Reference, district_key: str) -> str:
    try:
        return reference.district(district_key).state
    except UnknownReference:
        return ""


def _carrier_name(reference: Reference, carrier_id: str) -> str:
    try:
        return reference.carrier(carrier_id).name
    except UnknownReference:
        return carrier_id


def _taxonomy(reference: Reference) -> tuple[Json, list[Json], dict[str, Json]]:
    taxonomy_id = hsds_id("taxonomy", TAXONOMY_CODE)
    taxonomy = {
        "id": taxonomy_id,
        "name": "Zielgruppen des Fallmanagements der Deutschen Rentenversicherung",
        "description": (
            "Zielgruppen, für die ein Leistungserbringer zum Fallmanagement zugelassen sein kann."
        ),
        "version": "1",
    }
    terms = []
    by_code: dict[str, Json] = {}
    for group in reference.target_groups:
        term = {
            "id": hsds_id("taxonomy_term", group.code),
            "code": group.code,
            "name": group.label,
            "description": group.description,
            "taxonomy": TAXONOMY_CODE,
            "taxonomy_id": taxonomy_id,
            "language": "de",
        }
        terms.append(term)
        by_code[group.code] = term
    return taxonomy, terms, by_code


def _organization(provider_id: str, row: Row, docs: list[SiteDocument]) -> Json:
    org_id = hsds_id("organization", provider_id)
    legal_form = str(row.get("legal_form") or "").strip()
    org: Json = {
        "id": org_id,
        "name": str(row.get("name") or ""),
        "description": (
            "Zum Fallmanagement der Deutschen Rentenversicherung zugelassener "
            f"Leistungserbringer mit {len(docs)} Standort(en)."
        ),
    }
    if legal_form:
        org["legal_status"] = legal_form
    email = _email(row.get("email"))
    if email:
        org["email"] = email
    website = _url(row.get("website"))
    if website:
        org["website"] = website
    org["phones"] = _phone("organization", provider_id, row.get("phone"), organization_id=org_id)
    return org


def _location(doc: SiteDocument, reference: Reference) -> Json:
    loc_id = hsds_id("location", doc.id)
    address: Json = {
        "id": hsds_id("address", doc.id),
        "location_id": loc_id,
        "address_1": doc.address.street,
        "city": doc.address.place,
        "state_province": _state_name(reference, doc.district_key),
        "postal_code": doc.address.postal_code,
        "country": "DE",
        "address_type": "physical",
    }
    loc: Json = {
        "id": loc_id,
        "location_type": "physical",
        "organization_id": hsds_id("organization", doc.provider_id),
        "name": doc.site_name or doc.provider_name,
        "latitude": doc.lat,
        "longitude": doc.lon,
        "addresses": [address],
        "phones": _phone("location", doc.id, doc.provider_phone, location_id=loc_id),
        "languages": [
            {"id": hsds_id("language", doc.id, code), "location_id": loc_id, "code": code}
            for code in doc.languages
        ],
    }
    if doc.description:
        loc["description"] = doc.description
    if doc.public_transport:
        loc["transportation"] = "Mit öffentlichen Verkehrsmitteln erreichbar."
    access: list[Json] = []
    if doc.barrier_free or doc.accessibility_notes:
        entry: Json = {
            "id": hsds_id("accessibility", doc.id),
            "location_id": loc_id,
            "description": (
                "Barrierefrei zugänglich." if doc.barrier_free else "Hinweise zur Barrierefreiheit."
            ),
        }
        if doc.accessibility_notes:
            entry["details"] = doc.accessibility_notes
        access.append(entry)
    loc["accessibility"] = access
    loc["schedules"] = (
        [
            {
                "id": hsds_id("schedule", doc.id),
                "location_id": loc_id,
                "description": doc.opening_hours,
            }
        ]
        if doc.opening_hours
        else []
    )
    return loc


def _service(provider_id: str, row: Row, group: str, term: Json | None) -> Json:
    svc_id = hsds_id("service", provider_id, group)
    label = term["name"] if term else group
    svc: Json = {
        "id": svc_id,
        "organization_id": hsds_id("organization", provider_id),
        "name": f"Fallmanagement: {label}",
        "description": term["description"] if term else "",
        "status": "active",
    }
    email = _email(row.get("email"))
    if email:
        svc["email"] = email
    website = _url(row.get("website"))
    if website:
        svc["url"] = website
    svc["attributes"] = (
        [
            {
                "id": hsds_id("attribute", provider_id, group),
                "link_id": svc_id,
                "link_type": "target_group",
                "link_entity": "service",
                "taxonomy_term_id": term["id"],
                "taxonomy_term": term,
            }
        ]
        if term
        else []
    )
    return svc


def _service_at_location(doc: SiteDocument, group: str, reference: Reference) -> Json:
    notes = [f"Zugelassen von der {_carrier_name(reference, doc.responsible_carrier)}."]
    notes.append(f"Einzugsgebiet {doc.catchment_radius_km:g} km.")
    if doc.outreach_radius_km:
        notes.append(f"Aufsuchende Beratung bis {doc.outreach_radius_km:g} km.")
    if doc.counselling_modes:
        modes = ", ".join(_MODE_LABELS.get(m, m) for m in doc.counselling_modes)
        notes.append(f"Beratung: {modes}.")
    if not doc.accepts_new_cases:
        notes.append("Nimmt derzeit keine neuen Fälle auf.")
    elif doc.waiting_time_weeks:
        notes.append(f"Wartezeit etwa {doc.waiting_time_weeks} Woche(n).")
    return {
        "id": hsds_id("service_at_location", doc.id, group),
        "service_id": hsds_id("service", doc.provider_id, group),
        "location_id": hsds_id("location", doc.id),
        "description": " ".join(notes),
    }


def public_documents(docs: Iterable[SiteDocument]) -> list[SiteDocument]:
    """The sites the directory may show (rule E1): active, with at least one admission."""
    return [d for d in docs if d.has_admission and d.provider_active and d.site_active]


def build_export(
    docs: Iterable[SiteDocument],
    providers: Mapping[str, Row],
    reference: Reference,
    generated_at: str,
) -> Json:
    """The HSDS document of the given site documents (only public ones are used)."""
    sites = sorted(public_documents(docs), key=lambda d: (d.provider_id, d.id))
    taxonomy, terms, by_code = _taxonomy(reference)
    by_provider: dict[str, list[SiteDocument]] = {}
    for doc in sites:
        by_provider.setdefault(doc.provider_id, []).append(doc)
    organizations: list[Json] = []
    services: list[Json] = []
    for provider_id, own in by_provider.items():
        row = providers.get(provider_id, {})
        organizations.append(_organization(provider_id, row, own))
        groups = sorted({g for d in own for g in d.target_groups})
        services.extend(_service(provider_id, row, g, by_code.get(g)) for g in groups)
    locations = [_location(d, reference) for d in sites]
    at_locations = [
        _service_at_location(d, group, reference) for d in sites for group in d.target_groups
    ]
    return {
        "hsds_version": HSDS_VERSION,
        "generated_at": generated_at,
        "organizations": organizations,
        "services": services,
        "locations": locations,
        "service_at_locations": at_locations,
        "taxonomies": [taxonomy],
        "taxonomy_terms": terms,
    }


def export_hsds(reg: Registry, principal: Principal) -> Json:
    """Use case: the whole public directory as HSDS 3.0 (read only, all carriers)."""
    if principal.role not in EXPORT_ROLES:
        raise Forbidden()
    sites = reg.repo(ProviderRepository).all_sites()
    providers = {p["id"]: p for p in reg.repo(ProviderRepository).all_providers()}
    admissions = reg.repo(AdmissionRepository).all_admissions()
    docs = site_documents_from_rows(sites, providers, admissions)
    return build_export(docs, providers, reg.reference, now_iso())
