"""The partner search (E7): partner sites whose service radius reaches the insured person's place,
nearest first, with a map; the same use case as the JSON API with the logged-in Principal."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from litestar import get
from litestar.response import Template

from portal import maps
from portal.base import CASE_MANAGER, STRATEGIST, AnyRequest, page
from portal.directory_pages import result_map
from portal.forms import Errors
from registry.api.security import allow
from registry.auth import Principal
from registry.context import Registry
from registry.errors import InvalidInput, NotFound, Problem
from registry.network.partner_search import search_partners

PARTNER_PAGE_SIZE = 20


def _partner_params(request: AnyRequest) -> dict[str, Any]:
    q = request.query_params
    return {
        "postal_code": (q.get("postal_code") or "").strip(),
        "place": (q.get("place") or "").strip(),
        "type": [t for t in q.getall("type", []) if t],
        "target_group": [t for t in q.getall("target_group", []) if t],
        "service": (q.get("service") or "").strip()[:200],
        "max_distance_km": (q.get("max_distance_km") or "").strip(),
        "q": (q.get("q") or "").strip()[:200],
    }


def _partner_query(params: Mapping[str, Any]) -> str:
    pairs: list[tuple[str, str]] = []
    for key in ("postal_code", "place", "service", "max_distance_km", "q"):
        if params[key]:
            pairs.append((key, str(params[key])))
    pairs += [("type", t) for t in params["type"]]
    pairs += [("target_group", t) for t in params["target_group"]]
    return urlencode(pairs)


PARTNER_SEARCH_ANCHORS = {
    "postal_code",
    "place",
    "type",
    "target_group",
    "service",
    "max_distance_km",
    "q",
}


@get("/partners/search", guards=[allow(CASE_MANAGER, STRATEGIST)], sync_to_thread=True)
def partner_search(request: AnyRequest, reg: Registry, me: Principal, seite: int = 1) -> Template:
    """E7: partner sites whose service radius reaches the place, nearest first."""
    params = _partner_params(request)
    errors = Errors(anchors=PARTNER_SEARCH_ANCHORS, default="postal_code")
    result: dict[str, Any] | None = None
    page_no = max(seite, 1)
    if "postal_code" in request.query_params:
        distance: float | None = None
        if not params["postal_code"]:
            errors.add(Problem("postal_code", "Bitte die Postleitzahl des Wohnorts eingeben."))
        elif not params["postal_code"].isdigit() or len(params["postal_code"]) != 5:
            errors.add(Problem("postal_code", "Bitte eine Postleitzahl aus fünf Ziffern eingeben."))
        if params["max_distance_km"]:
            try:
                distance = float(params["max_distance_km"].replace(",", "."))
                if distance <= 0 or distance > 1000:
                    raise ValueError
            except ValueError:
                errors.add(
                    Problem("max_distance_km", "Bitte eine Entfernung zwischen 1 und 1000 km.")
                )
        if not errors:
            services = [s.strip() for s in params["service"].split(",") if s.strip()]
            try:
                result = search_partners(
                    reg,
                    me,
                    postal_code=params["postal_code"],
                    place=params["place"] or None,
                    types=params["type"],
                    target_groups=params["target_group"],
                    services=services,
                    max_distance_km=distance,
                    q=params["q"] or None,
                    page=page_no,
                    page_size=PARTNER_PAGE_SIZE,
                )
            except InvalidInput as exc:
                errors.extend(
                    Problem(p.field.split("[")[0], p.message, p.rule) for p in exc.problems
                )
            except NotFound as exc:
                errors.add(Problem("postal_code", exc.message))
    pages = math.ceil(result["total"] / PARTNER_PAGE_SIZE) if result else 0
    start = (page_no - 1) * PARTNER_PAGE_SIZE + 1
    return page(
        request,
        "partner_search.html",
        title="Netzwerkpartner in der Nähe",
        params=params,
        result=result,
        errors=errors,
        page_no=page_no,
        pages=pages,
        start=start,
        base_query=_partner_query(params),
        map=_partner_map(reg, result, start) if result and result["total"] else None,
        types=_type_labels(reg),
        target_group_list=reg.reference.target_groups,
    )


def _partner_map(reg: Registry, result: Mapping[str, Any], start: int) -> maps.MapView:
    """Partner search results carry no coordinates of the site: the marker is placed at the
    site's postal-code centroid from the reference data (where the geocoder puts the site)."""
    placed = []
    for r in result["results"]:
        site = dict(r["site"])
        address = site.get("address") or {}
        postal_code = str(address.get("postal_code") or "")
        places = reg.reference.places(postal_code) if postal_code else []
        chosen = next((p for p in places if p.place == address.get("place")), None)
        chosen = chosen or (places[0] if places else None)
        if chosen is None:
            continue
        site["lat"], site["lon"] = chosen.lat, chosen.lon
        placed.append({**r, "site": site})
    return result_map({"place": result.get("place"), "results": placed}, start)


def _type_labels(reg: Registry) -> dict[str, str]:
    return {t.code: t.label for t in reg.reference.partner_types}


def handlers() -> Sequence[Any]:
    return [partner_search]
