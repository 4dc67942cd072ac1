"""Reading coverage (N6): for one target group, every district of Germany with the admitted
provider sites reaching it, the partners with an agreement in force serving it, recorded unmet
needs and gap flags. For strategists and admins, the same whatever the caller's carrier."""

from __future__ import annotations

from datetime import date
from typing import Any

from registry import clock
from registry.auth import Principal
from registry.context import Registry
from registry.dates import day
from registry.errors import Forbidden, InvalidInput
from registry.network import coverage as cov
from registry.network.agreement_common import agreement_of
from registry.network.model import Partner, PartnerSite
from registry.network.repository import NetworkRepository, PartnerSiteRow
from registry.network.shared import COVERAGE_READERS, target_group_codes
from registry.reach import reach_of


def _later_review(a: date | None, b: date | None) -> date | None:
    """The review date that keeps a site longest (None: no review date, stays)."""
    return None if a is None or b is None else max(a, b)


def admitted_sites(reg: Registry, target_group: str) -> list[cov.ProviderSite]:
    """The admitted sites of active providers for the group (E1), each once with the districts
    its catchment reaches (A8/E8/N6) and its admission's review date. A site holding more than
    one admission for the group (applications merged on it, A9) keeps the later review."""
    by_site: dict[str, cov.ProviderSite] = {}
    for r in reg.repo(NetworkRepository).admitted_sites_for_group(target_group):
        review = day(r["review_due"])
        known = by_site.get(r["id"])
        if known is not None:
            review = _later_review(review, known.admitted[target_group])
        lat, lon = float(r["lat"]), float(r["lon"])
        radius = float(r["catchment_radius_km"])
        by_site[r["id"]] = cov.ProviderSite(
            id=r["id"],
            lat=lat,
            lon=lon,
            district_key=r["district_key"],
            catchment_radius_km=radius,
            admitted={target_group: review},
            reached_districts=reach_of(reg).reached(lat, lon, radius, r["district_key"]),
        )
    return list(by_site.values())


def coverage(
    reg: Registry, principal: Principal, target_group: str, lookahead_days: int = 0
) -> list[dict[str, Any]]:
    """N6/N7: one row per district of Germany for the target group, whatever the caller's
    carrier: admitted provider sites reaching it, partners with an agreement in force serving
    it, recorded unmet needs, what remains after the look-ahead, and gap flags."""
    if principal.role not in COVERAGE_READERS:
        raise Forbidden()
    if target_group not in target_group_codes(reg):
        raise InvalidInput.one("target_group", f"Unbekannte Zielgruppe: {target_group}", "N6")
    reach = reach_of(reg)
    districts, index = reach.districts, reach.index
    today = clock.today()

    sites = admitted_sites(reg, target_group)

    repo = reg.repo(NetworkRepository)
    agreements = [agreement_of(r) for r in repo.agreements_in_status(["active"])]
    partner_ids = sorted({p for a in agreements for p in a.partners})
    partners: list[Partner] = []
    if partner_ids:
        site_rows: dict[str, list[PartnerSiteRow]] = {}
        for s in repo.sites_of_partners(partner_ids):
            site_rows.setdefault(s["partner_id"], []).append(s)
        for p in repo.partners_by_ids(partner_ids):
            if not p["active"] or target_group not in (p["target_groups"] or []):
                continue
            partners.append(
                Partner(
                    id=p["id"],
                    name=p["name"],
                    type=p["type"],
                    target_groups=tuple(p["target_groups"] or ()),
                    sites=tuple(
                        PartnerSite(
                            name=s["name"],
                            lat=float(s["lat"]),
                            lon=float(s["lon"]),
                            service_radius_km=float(s["service_radius_km"]),
                            district_key=s["district_key"],
                            id=s["id"],
                            reached_districts=reach_of(reg).reached(
                                float(s["lat"]),
                                float(s["lon"]),
                                float(s["service_radius_km"]),
                                s["district_key"],
                            ),
                        )
                        for s in site_rows.get(p["id"], [])
                    ),
                )
            )

    needs = {(key, target_group): n for key, n in repo.unmet_need_counts(target_group).items()}
    rows = cov.compute_coverage(
        districts,
        sites,
        partners,
        agreements,
        today=today,
        lookahead_days=lookahead_days,
        target_groups=[target_group],
        unmet_needs=needs,
        index=index,
    )
    return [row.as_api() for row in rows]
