"""A provider (or the admissions office, for a paper application) submits an application:
A1 its sites resolved to districts, A9 a site the provider already has named again rather than
created twice, A3/A4 the lead carrier (forwarded on submission), the Q pre-check stored as
findings, A10 the events."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from registry import clock
from registry.admission import application_rules, criteria
from registry.admission.applications import get_application
from registry.admission.common import (
    admission_rows,
    case_manager_facts,
    finding_dict,
    national_severities,
    periods_of,
    site_facts,
    write_events,
)
from registry.admission.model import (
    Admission,
    AdmissionStatus,
    ApplicationFacts,
    ApplicationStatus,
    Event,
    OrganisationFacts,
    SiteFacts,
)
from registry.admission.provider_repository import ProviderRepository, SiteRow
from registry.admission.providers import create_provider
from registry.admission.repository import AdmissionRepository
from registry.admission.site_identity import address_key
from registry.auth import Principal, Role
from registry.context import Registry
from registry.dates import iso
from registry.errors import Forbidden, InvalidInput, Problem
from registry.geo import ResolvedPlace
from registry.graph.ports import Tx
from registry.ids import new_id
from registry.words import carrier_name, group_label


@dataclass(frozen=True)
class NamedSite:
    """A site an application names (A9): an existing site of the provider (``row``), or a new
    one at a resolved ``place`` (``new`` for the first entry naming that address)."""

    input: Mapping[str, Any]
    place: ResolvedPlace | None
    id: str
    row: SiteRow | None
    new: bool


def resolve_sites(
    reg: Registry, sites: Sequence[Mapping[str, Any]], existing: Sequence[SiteRow] = ()
) -> list[NamedSite]:
    """Resolve each named site to its place (A1) and its identity (A9).

    ``existing`` are the provider's sites: an entry with ``id`` must be one of them, an entry
    whose normalised address (``address_key``) equals one of theirs is that site. Such entries
    carry the stored row and create nothing; two new entries with the same address are one
    new site. A site named twice (by id and by address) counts once.
    """
    from registry.geo import AmbiguousPlace, InvalidPostalCode, UnknownPostalCode

    by_id = {r["id"]: r for r in existing}
    by_key = {address_key(r["street"] or "", r["postal_code"], r["place"]): r for r in existing}
    new_by_key: dict[str, str] = {}
    problems: list[Problem] = []
    resolved: list[NamedSite] = []
    for i, site in enumerate(sites):
        site_id = site.get("id")
        if site_id:
            row = by_id.get(site_id)
            if row is None:
                problems.append(Problem(f"sites[{i}].id", "Kein Standort dieses Anbieters.", "A9"))
            else:
                resolved.append(NamedSite(site, None, row["id"], row, False))
            continue
        addr = site["address"]
        try:
            place = reg.geocoder.resolve(
                addr["postal_code"], addr.get("place") or None, addr.get("street") or None
            )
        except (InvalidPostalCode, UnknownPostalCode) as exc:
            problems.append(Problem(f"sites[{i}].address.postal_code", str(exc), "A1"))
            continue
        except AmbiguousPlace as exc:
            problems.append(
                Problem(
                    f"sites[{i}].address.place",
                    "Die Postleitzahl ist ohne Ort nicht eindeutig; mögliche Orte: "
                    + ", ".join(exc.candidates),
                    "A1",
                )
            )
            continue
        key = address_key(addr.get("street") or "", place.postal_code, place.place)
        if key in by_key:
            row = by_key[key]
            resolved.append(NamedSite(site, place, row["id"], row, False))
        elif key in new_by_key:
            resolved.append(NamedSite(site, place, new_by_key[key], None, False))
        else:
            new_by_key[key] = new_id("site")
            resolved.append(NamedSite(site, place, new_by_key[key], None, True))
    if problems:
        raise InvalidInput(problems)
    unique: dict[str, NamedSite] = {}
    for entry in resolved:
        unique.setdefault(entry.id, entry)
    return list(unique.values())


def _facts_of(entry: NamedSite) -> SiteFacts:
    if entry.row is not None:
        return site_facts(entry.row)
    site, place = entry.input, entry.place
    assert place is not None  # a site named by address
    return SiteFacts(
        id=entry.id,
        name=site["name"],
        headquarters=bool(site.get("headquarters")),
        district_key=place.district_key,
        responsible_carrier=place.responsible_carrier,
        lat=place.lat,
        lon=place.lon,
        catchment_radius_km=float(site["catchment_radius_km"]),
        outreach_radius_km=site.get("outreach_radius_km"),
        public_transport=bool(site.get("public_transport")),
        barrier_free=bool(site.get("barrier_free")),
        rooms_for_individual_talks=bool(site.get("rooms_for_individual_talks")),
        rooms_for_relatives=bool(site.get("rooms_for_relatives")),
        languages=tuple(site.get("languages") or ()),
    )


def _input_problems(reg: Registry, body: Mapping[str, Any]) -> list[Problem]:
    """A1, Q1, Q8: what the body names must exist and fit together."""
    ref = reg.reference
    problems: list[Problem] = []
    receiving = body.get("receiving_carrier")
    if receiving and receiving not in ref.carriers_by_id:
        problems.append(Problem("receiving_carrier", f"Unbekannter Träger »{receiving}«.", "A1"))
    known_groups = {t.code for t in ref.target_groups}
    requested = _listed(body.get("target_groups"))
    for i, code in enumerate(requested):
        if code not in known_groups:
            problems.append(
                Problem(f"target_groups[{i}]", f"Unbekannte Zielgruppe »{code}«.", "A1")
            )
    for i, cm in enumerate(_listed(body.get("case_managers"))):
        if not isinstance(cm, Mapping):
            continue
        for code in _listed(cm.get("target_groups")):
            if code not in requested:
                problems.append(
                    Problem(
                        f"case_managers[{i}].target_groups",
                        f"»{group_label(code)}« ist keine beantragte Zielgruppe.",
                        "Q8",
                    )
                )
    concept = body.get("concept")
    known_sections = {s.code for s in ref.concept_sections}
    for code in concept if isinstance(concept, Mapping) else {}:
        if code not in known_sections:
            problems.append(
                Problem(
                    f"concept.{code}",
                    "Unbekannter Konzeptabschnitt (siehe /concept-sections).",
                    "Q1",
                )
            )
    return problems


def _listed(value: object) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def problems_of_unfinished(reg: Registry, body: Mapping[str, Any]) -> list[Problem]:
    """The rule problems an application shows while other fields are still missing or malformed,
    so a form reports all its problems at once (issue 17): names that must exist (A1, Q1), the
    case managers' target groups (Q8), one headquarters at most (A1). Whether the addresses
    resolve, the form's address check shows."""
    problems = _input_problems(reg, body)
    sites = [s for s in _listed(body.get("sites")) if isinstance(s, Mapping)]
    return problems + application_rules.headquarters_problems(
        [bool(s.get("headquarters")) for s in sites]
    )


def submit_application(
    reg: Registry, principal: Principal, body: Mapping[str, Any]
) -> dict[str, Any]:
    """A1–A4 and the Q pre-check: store the application, forwarding it on submission."""
    ref = reg.reference
    receiving = body["receiving_carrier"]
    problems = _input_problems(reg, body)
    provider_in = body["provider"]
    existing_provider = "id" in provider_in
    if principal.role is Role.PROVIDER:
        if not existing_provider or provider_in["id"] != principal.provider:
            problems.append(
                Problem("provider.id", "Ein Anbieter stellt Anträge nur für sich selbst.", "A1")
            )
    elif principal.role is Role.ADMISSIONS_OFFICER:
        if receiving != principal.carrier:
            problems.append(
                Problem(
                    "receiving_carrier",
                    "Einen Papierantrag nimmt die Zulassungsstelle nur für den eigenen Träger an.",
                    "A1",
                )
            )
    else:
        raise Forbidden("Anträge stellen Anbieter oder die Zulassungsstelle (Papierantrag).")
    provider: dict[str, Any]
    if existing_provider:
        row = reg.repo(ProviderRepository).get(provider_in["id"])
        if row is None:
            problems.append(Problem("provider.id", "Unbekannter Anbieter.", "A1"))
        provider = dict(row) if row is not None else {}
    else:
        provider = {"id": new_id("prv"), **provider_in}
    announcement = body.get("announcement_id") or ""
    if announcement and not reg.repo(AdmissionRepository).announcement_exists(announcement):
        problems.append(Problem("announcement_id", "Unbekannte Ausschreibung.", "A12"))
    if problems:
        raise InvalidInput(problems)

    own_sites = (
        reg.repo(ProviderRepository).sites_of_provider(provider["id"]) if existing_provider else []
    )
    sites = resolve_sites(reg, body["sites"], own_sites)
    facts_of_sites = [_facts_of(s) for s in sites]
    application_id = new_id("app")
    facts = ApplicationFacts(
        id=application_id,
        provider_id=provider["id"],
        provider_name=provider["name"],
        receiving_carrier=receiving,
        target_groups=tuple(body["target_groups"]),
        sites=tuple(facts_of_sites),
        case_managers=tuple(case_manager_facts(c) for c in body.get("case_managers", [])),
        concept=body.get("concept", {}),
        organisation=OrganisationFacts(**body.get("organisation", {})),
        announcement_id=announcement or None,
    )
    domain_problems = application_rules.validate_application(
        facts, {t.code for t in ref.target_groups}
    )
    if domain_problems:
        raise InvalidInput(domain_problems)
    lead = application_rules.determine_lead(receiving, ref.carrier(receiving).kind, facts_of_sites)
    first_application = not existing_provider
    if existing_provider:
        provider_admissions = reg.repo(AdmissionRepository).admissions_of_provider(provider["id"])
        existing = {
            (a["site_id"], a["target_group"]): AdmissionStatus(a["status"])
            for a in provider_admissions
        }
        # A provider registered without an application files its first one itself: that one
        # creates its staff list. Nothing else does (the staff endpoints run A15).
        first_application = (
            principal.role is Role.PROVIDER
            and not provider_admissions
            and not reg.repo(ProviderRepository).case_managers(provider["id"])
        )
        add_problems = application_rules.check_additions(
            [(s.id, g) for s in facts_of_sites for g in facts.target_groups], existing
        )
        if add_problems:
            raise InvalidInput(add_problems)
    findings = criteria.check_application(
        facts,
        national_severities(reg),
        ref.concept_sections,
        clock.today(),
        periods_of(reg),
        deciding_carrier=ref.carrier(lead.lead_carrier).name,
    )
    data = {
        "provider": {
            k: provider.get(k, "") for k in ("name", "legal_form", "email", "phone", "website")
        },
        "case_managers": [
            {
                **c,
                "training_started_on": iso(c.get("training_started_on")) or None,
                "joined_on": iso(c.get("joined_on")) or None,
            }
            for c in body.get("case_managers", [])
        ],
        "concept": body.get("concept", {}),
        "organisation": body.get("organisation", {}),
        "findings": [finding_dict(f) for f in findings],
        "decision": None,
    }
    now = clock.now()

    def work(tx: Tx) -> None:
        providers = reg.repo(ProviderRepository, tx)
        admissions = reg.repo(AdmissionRepository, tx)
        if not existing_provider:
            create_provider(tx, provider["id"], provider)
        for s, f in zip(sites, facts_of_sites, strict=True):
            if s.new:  # A9: else the provider's existing site, named again
                assert s.place is not None
                providers.create_site(
                    {
                        "id": f.id,
                        "provider_id": provider["id"],
                        "name": f.name,
                        "headquarters": f.headquarters,
                        "street": s.input["address"].get("street", ""),
                        "postal_code": s.place.postal_code,
                        "place": s.place.place,
                        "district_key": f.district_key,
                        "lat": f.lat,
                        "lon": f.lon,
                        "catchment_radius_km": f.catchment_radius_km,
                        "outreach_radius_km": f.outreach_radius_km,
                        "public_transport": f.public_transport,
                        "barrier_free": f.barrier_free,
                        "rooms_individual": f.rooms_for_individual_talks,
                        "rooms_relatives": f.rooms_for_relatives,
                        "languages": list(f.languages),
                        "details": json.dumps(
                            dict(s.input.get("details") or {}), ensure_ascii=False, sort_keys=True
                        ),
                        "confirmed_on": clock.today().isoformat(),
                    },
                    now=now.isoformat(),
                )
        if first_application:
            create_staff_list(providers, provider["id"], data["case_managers"])
        admissions.create_application(
            {
                "id": application_id,
                "provider_id": provider["id"],
                "status": ApplicationStatus.SUBMITTED.value,
                "receiving_carrier": receiving,
                "lead_carrier": lead.lead_carrier,
                "forwarded": lead.forwarded,
                "target_groups": list(facts.target_groups),
                "site_ids": [f.id for f in facts_of_sites],
                "announcement_id": announcement,
                "data": json.dumps(data, ensure_ascii=False, sort_keys=True),
                "now": now.isoformat(),
            }
        )
        new_admissions = admission_rows(
            (
                Admission(f.id, g, AdmissionStatus.PENDING, f.responsible_carrier)
                for f in facts_of_sites
                for g in facts.target_groups
            ),
            provider_id=provider["id"],
            application_of={f.id: application_id for f in facts_of_sites},
        )
        admissions.upsert_admissions(new_admissions)
        admissions.link_admissions(new_admissions)
        events = [
            Event(
                "application.submitted",
                principal.user_id,
                principal.carrier,
                now,
                f"Antrag bei {carrier_name(receiving)} eingereicht.",
                None,
                application_id,
            ),
        ]
        if lead.forwarded:
            events.append(
                Event(
                    "application.forwarded",
                    "system",
                    receiving,
                    now,
                    f"Weitergeleitet an den zuständigen Träger {carrier_name(lead.lead_carrier)}.",
                    "Der angesprochene Träger ist für keinen Standort zuständig.",
                    application_id,
                )
            )
        write_events(tx, events, application_id)

    reg.unit_of_work(work)
    return get_application(reg, principal, application_id, _skip_scope=True)


def create_staff_list(
    providers: ProviderRepository, provider_id: str, case_managers: Sequence[Mapping[str, Any]]
) -> None:
    """A provider's first application creates its staff list from the case managers it names.

    Later applications (and every paper application for an existing provider) keep their staff
    as that application's record only: the live staff list changes through the provider's staff
    endpoints, which run A15 (issue 14, finding 3)."""
    now = clock.now_iso()
    for cm in case_managers:
        providers.create_case_manager(
            new_id("cm"),
            provider_id=provider_id,
            name=cm["name"],
            data=json.dumps(cm, ensure_ascii=False, sort_keys=True),
            now=now,
        )
