"""The coverage of the network (rules N6, N7): the map of Germany with gaps, unmet need beside
supply, and the table per district (filter by state, gaps only)."""

from __future__ import annotations

from typing import Any

from litestar import get
from litestar.response import Template

from portal.base import (
    ADMIN,
    CASE_MANAGER,
    STRATEGIST,
    AnyRequest,
    page,
)
from registry.api.security import allow
from registry.auth import Principal, Role
from registry.context import Registry
from registry.network.coverage_report import coverage


@get("/coverage", guards=[allow(STRATEGIST, ADMIN)], sync_to_thread=True)
def coverage_page(
    request: AnyRequest,
    reg: Registry,
    me: Principal,
    target_group: str = "",
    lookahead_days: int = 0,
    nur_luecken: bool = False,
    land: str = "",
) -> Template:
    codes_ = [t.code for t in reg.reference.target_groups]
    target_group = target_group if target_group in codes_ else codes_[0]
    lookahead = max(0, min(lookahead_days, 3650))
    rows = coverage(reg, me, target_group, lookahead)
    gaps = sum(1 for r in rows if r.get("gap"))
    opening = sum(1 for r in rows if r.get("gap_opens"))
    coverage_map = coverage_map_of(reg, rows)
    needs = sorted(
        (r for r in rows if r["unmet_needs"]),
        key=lambda r: (-r["unmet_needs"], r["district"]["name"]),
    )
    further = further_needs(reg, me, target_group) if needs else {}
    states = sorted({r["state"] for r in rows})
    land = land if land in states else ""
    if nur_luecken:
        rows = [r for r in rows if r.get("gap") or r.get("gap_opens")]
    if land:
        rows = [r for r in rows if r["state"] == land]
    rows.sort(key=lambda r: (r["state"], r["district"]["name"]))
    return page(
        request,
        "coverage.html",
        title="Abdeckung",
        rows=rows,
        needs=needs,
        further_needs=further,
        map=coverage_map,
        target_group=target_group,
        lookahead=lookahead,
        only_gaps=nur_luecken,
        land=land,
        states=states,
        gaps=gaps,
        opening=opening,
        target_group_list=reg.reference.target_groups,
        may_announce=me.role in (Role.ADMISSIONS_OFFICER, STRATEGIST),
        may_see_network=me.role in (CASE_MANAGER, STRATEGIST),
    )


def needs_text(language: str, outreach: bool, barrier_free: bool) -> str:
    """Rule N7: the case's non-personal needs of unmet-need records, in German ("" for none)."""
    from portal.labels import language_label

    parts = []
    if language:
        parts.append(f"Sprache {language_label(language)}")
    if outreach:
        parts.append("aufsuchende Beratung")
    if barrier_free:
        parts.append("barrierefrei")
    return ", ".join(parts)


def further_needs(reg: Registry, me: Principal, target_group: str) -> dict[str, list[str]]:
    """Rule N7: per district key, the recorded needs beyond the target group, most often first
    ("3 × Sprache Türkisch"), so that strategists see which offer is missing."""
    from registry.network.unmet_need import unmet_need_counts

    out: dict[str, list[str]] = {}
    for row in unmet_need_counts(reg, me):
        if row["target_group"] != target_group:
            continue
        texts = [
            f"{n['count']} × {text}"
            for n in row["needs"]
            if (text := needs_text(n["language"], n["outreach"], n["barrier_free"]))
        ]
        if texts:
            out[row["district"]["key"]] = texts
    return out


def coverage_kind(row: dict[str, Any]) -> str:
    """How a district is drawn on the coverage map (rule N6)."""
    if row.get("gap"):
        return "gap"
    if row.get("gap_opens"):
        return "gap-opens"
    if row["provider_sites"]:
        return "covered"
    return "partners"


def coverage_map_of(reg: Registry, rows: list[dict[str, Any]]) -> Any:
    """Every district as a marker at its centroid: a square for a gap, a triangle where a gap
    opens within the look-ahead, a filled circle (larger with more provider sites) where
    providers reach it, a hollow circle where only partners serve it; a ring marks recorded
    unmet need (N7)."""
    from portal import maps
    from registry.words import count

    markers = []
    for r in rows:
        district = reg.reference.districts_by_key.get(r["district"]["key"])
        if district is None:
            continue
        n = int(r["provider_sites"])
        markers.append(
            maps.Marker(
                district.lat,
                district.lon,
                coverage_kind(r),
                title=f"{district.name}: {count(n, 'Anbieter-Standort', 'Anbieter-Standorte')}, "
                f"{r['partners']} Partner"
                + (
                    f", {count(r['unmet_needs'], 'Meldung', 'Meldungen')} ungedeckten Bedarfs"
                    if r["unmet_needs"]
                    else ""
                ),
                ring=bool(r["unmet_needs"]),
                scale=1.0 if n <= 1 else (1.3 if n <= 3 else 1.6),
                key=r["district"]["key"],
            )
        )
    return maps.draw(markers, size=5.5)


def handlers() -> list[Any]:
    return [coverage_page]
