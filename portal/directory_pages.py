"""Portal pages of the directory beyond the search itself (rules E1-E8, N7).

* the provider page reachable from a search result, with "Warum wird dieser Anbieter nicht
  angezeigt?" (``directory.explain`` with the same search parameters: every site, every rule
  that fails and the fact that fails it);
* a lookup of providers by name, to ask that question about a provider the list does not show;
* recording an unmet need in one click (N7: the postal code, the target groups and the case's
  non-personal needs - language, outreach, barrier-free - are sent);
* the partner search (E7), nearest first, with a map;
* the carrier overview (E8) with links to CSV and PDF.

Every page calls the same service functions as the JSON API with the logged-in Principal.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from litestar import Response, get, post
from litestar.response import Template

from portal import maps
from portal.forms import Errors, Form, value, values
from portal.labels import COUNSELLING_MODES
from registry.api.security import allow
from registry.auth import Principal, Role
from registry.directory.service import find_providers
from registry.errors import InvalidInput, NotFound, Problem

OFFICER = Role.ADMISSIONS_OFFICER
CASE_MANAGER = Role.CASE_MANAGER
READER = Role.DIRECTORY_READER
STRATEGIST = Role.NETWORK_STRATEGIST
ADMIN = Role.ADMIN

THIN_RESULT = 3
"""A result with fewer sites than this is "thin": the page offers to record the unmet need
(N7) next to it (design decision; with none it is offered prominently)."""
PARTNER_PAGE_SIZE = 20


def _c() -> Any:
    """``portal.controllers`` (imported late: it imports this module's handlers)."""
    from portal import controllers

    return controllers


# --------------------------------------------------------------------------- maps


def result_map(result: Mapping[str, Any], start: int = 1) -> maps.MapView:
    """The results of one page as numbered markers (numbers as in the list) and the place
    searched from, zoomed to them."""
    markers = []
    place = result.get("place") or {}
    if place.get("lat") and place.get("lon"):
        markers.append(
            maps.Marker(
                float(place["lat"]),
                float(place["lon"]),
                "place",
                title=f"Wohnort {place.get('postal_code', '')} {place.get('place', '')}",
            )
        )
    for i, r in enumerate(result.get("results") or [], start=start):
        site = r["site"]
        lat, lon = site.get("lat"), site.get("lon")
        if lat is None or lon is None:
            continue
        name = r["provider"]["name"] if "provider" in r else r["partner"]["name"]
        markers.append(
            maps.Marker(float(lat), float(lon), "site", label=str(i), title=f"{i}. {name}")
        )
    return maps.draw(markers, fit=True, size=16.0)


# --------------------------------------------------------------------------- provider page


def _explain(
    request: Any, me: Principal, provider_id: str, errors: Errors
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The search parameters of the page and, if a search is given, the explanation."""
    from registry.directory import service as directory

    c = _c()
    params = c._search_params(request, me)
    if "postal_code" not in request.query_params:
        return params, None
    case = c._case_input(params, errors)
    if case is None:
        return params, None
    try:
        return params, directory.explain(c._reg(request), me, provider_id, case)
    except InvalidInput as exc:
        errors.extend(exc.problems)
    except NotFound as exc:
        if "Anbieter" in exc.message:
            raise
        errors.add(Problem("postal_code", exc.message))
    return params, None


@get(
    "/search/providers/{provider_id:str}",
    guards=[allow(CASE_MANAGER, READER)],
    sync_to_thread=True,
)
def provider_detail(request: Any, provider_id: str) -> Template:
    """A provider as a case manager sees it, and why each of its sites is or is not in the
    search result (E1-E5). A directory reader sees the explanation only (docs/rules.md §9)."""
    from registry.admission.providers import get_provider

    c = _c()
    reg, me = c._reg(request), c._me(request)
    errors = c._search_errors()
    provider: dict[str, Any] | None = None
    if me.role is CASE_MANAGER:
        provider = get_provider(reg, me, provider_id)
    params, explained = _explain(request, me, provider_id, errors)
    if provider is not None:
        name = provider["name"]
    elif explained is not None:
        name = explained["provider"]["name"]
    else:  # a reader without a search: the explanation names the provider
        name = "Anbieter"
    query = c._search_query(params)
    return c.page(
        request,
        "directory_provider.html",
        title=name,
        name=name,
        provider_id=provider_id,
        provider=provider,
        explained=explained,
        params=params,
        errors=errors,
        base_query=query,
        target_group_list=reg.reference.target_groups,
        modes=COUNSELLING_MODES,
    )


@get("/search/providers", guards=[allow(CASE_MANAGER, READER)], sync_to_thread=True)
def provider_lookup(request: Any, anbieter: str = "") -> Template:
    c = _c()
    reg, me = c._reg(request), c._me(request)
    params = c._search_params(request, me)
    name = anbieter.strip()[:120]
    errors = Errors(anchors={"anbieter"}, default="anbieter")
    found: list[dict[str, Any]] = []
    if "anbieter" in request.query_params:
        if not name:
            errors.add(Problem("anbieter", "Bitte den Namen oder einen Teil davon eingeben."))
        else:
            found = find_providers(reg, me, name)
    return c.page(
        request,
        "directory_lookup.html",
        title="Anbieter nicht in der Liste?",
        name=name,
        found=found,
        searched="anbieter" in request.query_params and bool(name),
        errors=errors,
        params=params,
        base_query=c._search_query(params),
        hidden_fields=_hidden_search_fields(params),
    )


def _hidden_search_fields(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    from urllib.parse import parse_qsl

    return parse_qsl(_c()._search_query(params))


# --------------------------------------------------------------------------- unmet need (N7)


@post("/search/unmet-need", guards=[allow(CASE_MANAGER)], status_code=200, sync_to_thread=True)
def unmet_need(request: Any, data: Form) -> Response[Any]:
    """N7 in one click: the form sends the postal code, the target groups and the search's
    language, outreach and barrier-free needs; the record holds the carrier, the district, the
    groups, those needs and the date. The result page is shown again
    for those two (the other filters of the search are not sent, so they are not kept)."""
    from registry.network.unmet_need import record_unmet_need

    c = _c()
    reg, me = c._reg(request), c._me(request)
    body: dict[str, Any] = {
        "postal_code": value(data, "postal_code"),
        "target_groups": values(data, "target_group"),
    }
    # N7: the case's non-personal needs of the search, when it had them
    if value(data, "language"):
        body["language"] = value(data, "language")
    if value(data, "outreach") == "true":
        body["outreach"] = True
    if value(data, "barrier_free") == "true":
        body["barrier_free"] = True
    try:
        recorded = record_unmet_need(reg, me, body)
    except InvalidInput as exc:
        text = " ".join(p.message for p in exc.problems)
        return c._error_page(request, 422, "Bedarf nicht erfasst", text)
    back = urlencode(
        [
            ("postal_code", body["postal_code"]),
            *(("target_group", g) for g in recorded["target_groups"]),
            *((("language", recorded["language"]),) if recorded["language"] else ()),
            *((("outreach", "true"),) if recorded["outreach"] else ()),
            *((("barrier_free", "true"),) if recorded["barrier_free"] else ()),
            ("hinweis", "bedarf"),
            ("kreis", recorded["district"]["key"]),
        ]
    )
    return c.see_other(f"/search?{back}")


# --------------------------------------------------------------------------- partner search (E7)


def _partner_params(request: Any) -> dict[str, Any]:
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
def partner_search(request: Any, seite: int = 1) -> Template:
    """E7: partner sites whose service radius reaches the place, nearest first."""
    from registry.network.partner_search import search_partners

    c = _c()
    reg, me = c._reg(request), c._me(request)
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
    return c.page(
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


def _partner_map(reg: Any, result: Mapping[str, Any], start: int) -> maps.MapView:
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


def _type_labels(reg: Any) -> dict[str, str]:
    return {t.code: t.label for t in reg.reference.partner_types}


# --------------------------------------------------------------------------- overview (E8)


@get(
    "/overview",
    guards=[allow(OFFICER, CASE_MANAGER, READER, STRATEGIST, ADMIN)],
    sync_to_thread=True,
)
def overview_page(request: Any, carrier: str = "") -> Template:
    """E8: the admitted providers valid in the carrier's region, by target group (K 5077),
    with the same data as CSV and PDF from the API (which accepts the session for GET)."""
    from registry.directory import service as directory

    c = _c()
    reg, me = c._reg(request), c._me(request)
    known = carrier if carrier in reg.reference.carriers_by_id else ""
    # §9: a directory reader serves insured persons of every carrier: it picks the carrier
    chooses = me.carrier is None or me.role is READER
    carrier_id = (known or me.carrier or "") if me.role is READER else (me.carrier or known)
    data = directory.overview(reg, me, carrier_id) if carrier_id else None
    query = urlencode({"carrier": carrier_id}) if carrier_id else ""
    return c.page(
        request,
        "overview.html",
        title="Übersicht der zugelassenen Anbieter",
        data=data,
        carrier_id=carrier_id,
        query=query,
        carrier_list=reg.reference.carriers if chooses else [],
    )


def handlers() -> Sequence[Any]:
    return [
        provider_lookup,
        provider_detail,
        unmet_need,
        partner_search,
        overview_page,
    ]
