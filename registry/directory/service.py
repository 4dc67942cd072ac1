"""Directory use cases (rules E1–E8): search, explanation, the printable list, the overview.

The search index answers the search; the explanation evaluates the provider's sites as the
graph has them now with the same ``eligibility.evaluate`` the index uses, so the two cannot
disagree. Nothing about the insured person is stored or logged: a search takes needs and a
place, not a name.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any

from registry import clock, words
from registry.admission.provider_repository import ProviderRepository
from registry.admission.providers import providers_named
from registry.auth import Principal, Role
from registry.context import Registry
from registry.dates import german
from registry.directory.eligibility import Case, evaluate, rank_key
from registry.directory.projection import load_site_documents
from registry.errors import Forbidden, InvalidInput, NotFound, Problem
from registry.reach import reach_of
from registry.reference_repository import ReferenceRepository
from registry.search.documents import SiteDocument

SEARCH_ROLES = (
    Role.CASE_MANAGER,
    Role.DIRECTORY_READER,
    Role.ADMISSIONS_OFFICER,
    Role.NETWORK_STRATEGIST,
)
MAX_RESULTS = 100_000

FREE_CHOICE = (
    "Sie können frei wählen, welchen der aufgeführten Anbieter Sie mit Ihrem Fallmanagement "
    "beauftragen möchten. Alle aufgeführten Anbieter sind von der Deutschen "
    "Rentenversicherung zugelassen. Die Reihenfolge richtet sich allein nach der Entfernung."
)


@dataclass(frozen=True)
class CaseInput:
    """The parameters of a directory search as the API and the portal receive them."""

    carrier: str | None
    postal_code: str
    place: str | None
    target_groups: tuple[str, ...]
    languages: tuple[str, ...] = ()
    barrier_free: bool = False
    public_transport: bool = False
    outreach: bool = False
    max_distance_km: float | None = None
    q: str = ""


@dataclass(frozen=True)
class ResolvedCase:
    carrier: str
    case: Case
    place: Any  # registry.geo.ResolvedPlace


def _search_carrier(
    principal: Principal, requested: str | None, known: Collection[str] = ()
) -> str:
    """The carrier a search or print is for. A directory reader (a rehabilitation facility)
    serves insured persons of every carrier (§9, Rahmenkonzept §3.2.2): it picks the person's
    carrier per search, its own default carrier otherwise; everyone else searches as its own
    carrier."""
    if principal.role not in SEARCH_ROLES or not principal.carrier:
        raise Forbidden("Die Suche steht den Beschäftigten eines Trägers offen.")
    if principal.role is Role.DIRECTORY_READER:
        if not requested:
            return principal.carrier
        if requested not in known:
            raise InvalidInput.one("carrier", f"Unbekannter Träger »{requested}«.")
        return requested
    if requested and requested != principal.carrier:
        raise InvalidInput.one(
            "carrier",
            f"Sie suchen für Ihren Träger {words.carrier_name(principal.carrier or '')}, nicht für "
            f"{words.carrier_name(requested)}.",
        )
    return principal.carrier


def resolve_case(reg: Registry, carrier: str, params: CaseInput) -> ResolvedCase:
    from registry.api.reference import resolve

    problems: list[Problem] = []
    known = {t.code for t in reg.reference.target_groups}
    if not params.target_groups:
        problems.append(Problem("target_group", "Mindestens eine Zielgruppe angeben.", "E1"))
    for code in params.target_groups:
        if code not in known:
            problems.append(Problem("target_group", f"Unbekannte Zielgruppe »{code}«.", "E1"))
    if problems:
        raise InvalidInput(problems)
    place = resolve(reg, params.postal_code, params.place)
    case = Case(
        lat=place.lat,
        lon=place.lon,
        target_groups=params.target_groups,
        languages=params.languages,
        barrier_free=params.barrier_free,
        public_transport=params.public_transport,
        outreach=params.outreach,
        max_distance_km=params.max_distance_km,
        text=params.q,
    )
    return ResolvedCase(carrier, case, place)


def result_dict(doc: SiteDocument, distance: float) -> dict[str, Any]:
    return {
        "provider": {
            "id": doc.provider_id,
            "name": doc.provider_name,
            "email": doc.provider_email,
            "phone": doc.provider_phone,
            "website": doc.provider_website,
        },
        "site": {
            "id": doc.id,
            "name": doc.site_name,
            "address": doc.address.to_dict(),
            "languages": list(doc.languages),
            "barrier_free": doc.barrier_free,
            "public_transport": doc.public_transport,
            "outreach_radius_km": doc.outreach_radius_km,
            "catchment_radius_km": doc.catchment_radius_km,
            "opening_hours": doc.opening_hours,
            "counselling_modes": list(doc.counselling_modes),
            "accepts_new_cases": doc.accepts_new_cases,
            "waiting_time_weeks": doc.waiting_time_weeks,
            "accessibility_notes": doc.accessibility_notes,
            "confirmed_on": doc.confirmed_on.isoformat() if doc.confirmed_on else None,
            "lat": doc.lat,
            "lon": doc.lon,
        },
        "target_groups": list(doc.target_groups),
        "distance_km": round(distance, 1),
    }


def search(
    reg: Registry, principal: Principal, params: CaseInput, page: int = 1, page_size: int = 20
) -> dict[str, Any]:
    """E1–E5: all fitting sites, nearest first, with the total count."""
    resolved = resolve_case(
        reg, _search_carrier(principal, params.carrier, reg.reference.carriers_by_id), params
    )
    result = reg.index.sites.search(resolved.case, page=page, page_size=page_size)
    answer: dict[str, Any] = {
        "total": result.total,
        "page": page,
        "page_size": page_size,
        "place": resolved.place.as_dict(),
        "carrier": resolved.carrier,
        "results": [result_dict(h.doc, h.distance_km) for h in result.hits],
    }
    if resolved.case.text:
        answer["total_without_text"] = total_without_text(reg, resolved.case)
    return answer


def total_without_text(reg: Registry, case: Case) -> int:
    """E3: how many sites fit the case without its free text (the text only narrows)."""
    without = reg.index.sites.search(replace(case, text=""), page=1, page_size=1)
    return without.total


def explain(
    reg: Registry, principal: Principal, provider_id: str, params: CaseInput
) -> dict[str, Any]:
    """Why each site of a provider is or is not in this search's result (E1–E5)."""
    if principal.role is Role.PROVIDER:
        if principal.provider != provider_id:
            raise NotFound("Anbieter nicht gefunden")
        carrier = params.carrier or "drv-bund"
        if carrier not in reg.reference.carriers_by_id:
            raise InvalidInput.one("carrier", f"Unbekannter Träger »{carrier}«.")
    else:
        carrier = _search_carrier(principal, params.carrier, reg.reference.carriers_by_id)
    provider = reg.repo(ProviderRepository).get(provider_id)
    if provider is None:
        raise NotFound("Anbieter nicht gefunden")
    resolved = resolve_case(reg, carrier, params)
    site_ids = [s["id"] for s in reg.repo(ProviderRepository).sites_of_provider(provider_id)]
    docs = load_site_documents(reg, site_ids)
    evaluations = [evaluate(d, resolved.case) for d in docs]
    ranked: dict[str, int] = {}
    if any(e.eligible for e in evaluations):
        everything = reg.index.sites.search(resolved.case, page=1, page_size=MAX_RESULTS)
        for position, hit in enumerate(everything.hits, start=1):
            ranked[hit.doc.id] = position
    sites = []
    for e in sorted(evaluations, key=rank_key):
        rank = ranked.get(e.doc.id)
        reasons = [{"rule": r.rule, "message": r.message} for r in e.reasons]
        if e.eligible and rank is None:
            reasons.append(
                {
                    "rule": "E4",
                    "message": "Die Änderung wird gerade in den Suchindex übernommen.",
                }
            )
        sites.append(
            {
                "site": {
                    "id": e.doc.id,
                    "name": e.doc.site_name,
                    "address": e.doc.address.to_dict(),
                },
                "eligible": e.eligible and rank is not None,
                "rank": rank,
                "distance_km": round(e.distance_km, 1),
                "reasons": reasons,
            }
        )
    return {"provider": {"id": provider_id, "name": provider["name"]}, "sites": sites}


LOOKUP_ROLES = (Role.CASE_MANAGER, Role.DIRECTORY_READER)


def find_providers(
    reg: Registry, principal: Principal, name: str, limit: int = 20
) -> list[dict[str, str]]:
    """The lookup behind "why is this provider not listed?" (then :func:`explain`): providers
    whose name contains every word typed. Names of providers are public, but only the roles
    that search the directory for a carrier ask here."""
    if principal.role not in LOOKUP_ROLES or not principal.carrier:
        raise NotFound("Anbieter nicht gefunden")
    return providers_named(reg, name, limit)


def carrier_contacts(reg: Registry, carrier_id: str) -> list[dict[str, str]]:
    """E6/§9: the contact persons the list prints for the carrier: those of its profile, or,
    when the profile names none, the carrier's general service number from reference data
    (never a placeholder)."""
    profile = reg.repo(ReferenceRepository).carrier_profile(carrier_id) or {}
    contacts: list[dict[str, str]] = profile.get("contacts") or []
    if contacts:
        return contacts
    carrier = reg.reference.carrier(carrier_id)
    return [
        {"name": f"Servicetelefon der {carrier.name}", "phone": carrier.service_phone, "email": ""}
    ]


def print_context(
    reg: Registry, principal: Principal, params: CaseInput, person: str = ""
) -> dict[str, Any]:
    """E6: everything the printed list shows. ``person`` is typed in for printing only."""
    resolved = resolve_case(
        reg, _search_carrier(principal, params.carrier, reg.reference.carriers_by_id), params
    )
    result = reg.index.sites.search(resolved.case, page=1, page_size=MAX_RESULTS)
    labels = {t.code: t.label for t in reg.reference.target_groups}
    carrier = reg.reference.carrier(resolved.carrier)
    return {
        "date": german(clock.today()),
        "carrier": {"id": carrier.id, "name": carrier.name},
        "contacts": carrier_contacts(reg, carrier.id),
        "place": resolved.place.as_dict(),
        "target_groups": [labels.get(c, c) for c in resolved.case.target_groups],
        "labels": labels,
        "total": result.total,
        "results": [result_dict(h.doc, h.distance_km) for h in result.hits],
        "free_choice": FREE_CHOICE,
        "person": person.strip()[:200],
    }


def overview(reg: Registry, principal: Principal, carrier_id: str | None) -> dict[str, Any]:
    """E8: admitted providers valid in a carrier's region, by target group (form K 5077)."""
    if principal.role not in (*SEARCH_ROLES, Role.ADMIN) or (
        principal.carrier is None and principal.role is not Role.ADMIN
    ):
        raise Forbidden()
    carrier_id = carrier_id or principal.carrier
    if not carrier_id or carrier_id not in reg.reference.carriers_by_id:
        raise InvalidInput.one("carrier", "Unbekannter Träger.")
    # §9: a directory reader serves insured persons of every carrier, so any carrier's overview
    if (
        principal.carrier
        and carrier_id != principal.carrier
        and (principal.role is not Role.DIRECTORY_READER)
    ):
        own = reg.reference.carriers_by_id.get(principal.carrier)
        raise InvalidInput.one(
            "carrier", f"Nur die Übersicht für die {own.name if own else 'eigene Region'}."
        )
    carrier = reg.reference.carrier(carrier_id)
    region = {d.key for d in reg.reference.districts_by_carrier(carrier_id)}
    site_ids = reg.repo(ProviderRepository).admitted_site_ids()
    docs = [d for d in load_site_documents(reg, site_ids) if d.has_admission]
    index = reach_of(reg).index
    labels = {t.code: t.label for t in reg.reference.target_groups}
    groups: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:
        if not (doc.provider_active and doc.site_active):
            continue
        reached = index.reached(doc.lat, doc.lon, doc.catchment_radius_km, doc.district_key)
        # a federal carrier has no region: its overview lists every admitted site
        if region and not (reached & region):
            continue
        for code in doc.target_groups:
            groups.setdefault(code, []).append(result_dict(doc, 0.0))
    sections: list[dict[str, Any]] = [
        {
            "code": code,
            "label": labels.get(code, code),
            "entries": sorted(
                entries, key=lambda r: (r["provider"]["name"].casefold(), r["site"]["id"])
            ),
        }
        for code, entries in sorted(groups.items())
    ]
    return {
        "carrier": {"id": carrier.id, "name": carrier.name},
        "date": german(clock.today()),
        "sections": sections,
        "total_sites": len({e["site"]["id"] for s in sections for e in s["entries"]}),
    }


def overview_csv(data: dict[str, Any]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        [
            "Zielgruppe",
            "Anbieter",
            "Standort",
            "Straße",
            "PLZ",
            "Ort",
            "Telefon",
            "E-Mail",
            "Sprachen",
            "Barrierefrei",
            "Einzugsgebiet km",
        ]
    )
    for section in data["sections"]:
        for e in section["entries"]:
            a = e["site"]["address"]
            writer.writerow(
                [
                    section["label"],
                    _csv_safe(e["provider"]["name"]),
                    _csv_safe(e["site"]["name"]),
                    _csv_safe(a["street"]),
                    a["postal_code"],
                    _csv_safe(a["place"]),
                    _csv_safe(e["provider"]["phone"] or ""),
                    _csv_safe(e["provider"]["email"] or ""),
                    words.language_list(e["site"]["languages"]),
                    "ja" if e["site"]["barrier_free"] else "nein",
                    f"{e['site']['catchment_radius_km']:g}",
                ]
            )
    return out.getvalue()


def _csv_safe(value: str) -> str:
    """Cells starting with = + - @ would run as formulas in a spreadsheet."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def split_list(values: Sequence[str] | None) -> tuple[str, ...]:
    out: list[str] = []
    for v in values or ():
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return tuple(out)
