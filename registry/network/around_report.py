"""Use case: who serves a district for a target group (issue 12, `GET /network/around`).

Loads the facts and hands them to the pure assembly of `registry.network.around`:

* admitted sites whose catchment reaches the district: the same sites and the same reach test
  as coverage (N6; `coverage_report.admitted_sites`, rule A8's reach shared with E8), then, for those
  sites, a walk to their providers and the carriers that issued the admissions (``around_sites``);
* agreements covering the district, found by walking from the district (``around_agreements``:
  COVERS the district, its state, or national; partners that SERVE the group), kept when in force
  on the day (coverage's rule, `coverage.in_force_on`) and only with the partners one of whose
  sites' service radius reaches the district (E7/N6: the radius decides which districts a partner
  serves), as coverage counts them.

Who may ask (docs/rules.md §9): case managers (they find partners and keep the network current) and
network strategists (they read coverage), of any carrier: like coverage, the answer is the same
whatever the caller's carrier.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from registry import clock
from registry.auth import Principal, Role
from registry.context import Registry
from registry.dates import day
from registry.errors import Forbidden, InvalidInput, Problem
from registry.network.around import Named, ServingAgreement, ServingSite, assemble
from registry.network.coverage import in_force_on
from registry.network.coverage_report import admitted_sites
from registry.network.model import AgreementStatus
from registry.network.repository import NetworkRepository
from registry.reach import reach_of

AROUND_READERS = (Role.CASE_MANAGER, Role.NETWORK_STRATEGIST)


def _carrier(reg: Registry, carrier_id: str) -> Named:
    carrier = reg.reference.carriers_by_id.get(carrier_id)
    return Named(carrier_id, carrier.name if carrier else carrier_id)


def _validate(reg: Registry, district: str, target_group: str) -> None:
    problems: list[Problem] = []
    if not district:
        problems.append(Problem("district", "Bitte einen Kreis angeben (Kreisschlüssel)", "N6"))
    elif district not in reg.reference.districts_by_key:
        problems.append(Problem("district", f"Unbekannter Kreis: {district}", "N6"))
    if not target_group:
        problems.append(Problem("target_group", "Bitte eine Zielgruppe angeben", "N6"))
    elif target_group not in {t.code for t in reg.reference.target_groups}:
        problems.append(Problem("target_group", f"Unbekannte Zielgruppe: {target_group}", "N6"))
    if problems:
        raise InvalidInput(problems)


def _serving_sites(reg: Registry, district: str, target_group: str) -> list[ServingSite]:
    reaching = [
        s.id
        for s in admitted_sites(reg, target_group)
        if s.reached_districts is not None and district in s.reached_districts
    ]
    if not reaching:
        return []
    found: dict[str, tuple[Named, Named, set[str]]] = {}
    repo = reg.repo(NetworkRepository)
    for r in repo.around_sites(site_ids=reaching, target_group=target_group):
        site, provider, issuers = found.setdefault(
            r["site_id"],
            (
                Named(r["site_id"], r["site_name"]),
                Named(r["provider_id"], r["provider_name"]),
                set(),
            ),
        )
        if r["carrier"]:
            issuers.add(r["carrier"])
    return [
        ServingSite(site, provider, tuple(_carrier(reg, c) for c in sorted(issuers)))
        for site, provider, issuers in found.values()
    ]


def _serving_agreements(reg: Registry, district: str, target_group: str) -> list[ServingAgreement]:
    today = clock.today()
    repo = reg.repo(NetworkRepository)
    rows = [
        r
        for r in repo.around_agreements(district=district, target_group=target_group)
        if in_force_on(
            AgreementStatus(r["status"]),
            day(r["valid_from"]) or today,
            day(r["valid_until"]),
            today,
        )
    ]
    partner_ids = sorted({r["partner_id"] for r in rows})
    serving: set[str] = set()
    if partner_ids:
        for s in repo.sites_of_partners(partner_ids):
            reached = reach_of(reg).reached(
                float(s["lat"]),
                float(s["lon"]),
                float(s["service_radius_km"]),
                s["district_key"],
            )
            if district in reached:
                serving.add(s["partner_id"])
    titles: dict[str, str] = {}
    parties: dict[str, set[str]] = defaultdict(set)
    partners: dict[str, dict[str, str]] = defaultdict(dict)
    for r in rows:
        if r["partner_id"] not in serving:
            continue
        titles[r["id"]] = r["title"]
        parties[r["id"]].update(r["carriers"] or ())
        partners[r["id"]][r["partner_id"]] = r["partner_name"]
    return [
        ServingAgreement(
            Named(agreement_id, title),
            tuple(_carrier(reg, c) for c in sorted(parties[agreement_id])),
            tuple(Named(p, name) for p, name in sorted(partners[agreement_id].items())),
        )
        for agreement_id, title in sorted(titles.items())
    ]


def network_around(
    reg: Registry, principal: Principal, *, district: str, target_group: str
) -> dict[str, Any]:
    """Who serves `district` for `target_group` now: ``{"nodes", "edges"}`` (see
    `registry.network.around`). 403 for roles other than case managers and strategists; 422
    naming the field for an unknown district or target group."""
    if principal.role not in AROUND_READERS:
        raise Forbidden("Das Netz um einen Kreis sehen Fallmanagement und Netzwerkarbeit.")
    district = district.strip()
    target_group = target_group.strip()
    _validate(reg, district, target_group)
    known = reg.reference.district(district)
    return assemble(
        Named(known.key, known.name),
        responsible=_carrier(reg, known.carrier) if known.carrier else None,
        sites=_serving_sites(reg, district, target_group),
        agreements=_serving_agreements(reg, district, target_group),
    )
