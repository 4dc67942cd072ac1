"""Portal pages of the directory (rules E1-E6, N7).

* the search for admitted providers (E1-E5), nearest first, with a map, and its print view (E6);
* the provider page reachable from a search result, with "Warum wird dieser Anbieter nicht
  angezeigt?" (``directory.explain`` with the same search parameters: every site, every rule
  that fails and the fact that fails it);
* a lookup of providers by name, to ask that question about a provider the list does not show;
* recording an unmet need in one click (N7: the postal code, the target groups and the case's
  non-personal needs - language, outreach, barrier-free - are sent).

Every page calls the same service functions as the JSON API with the logged-in Principal.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

from litestar import Response, get, post
from litestar.response import Template

from portal import labels, maps
from portal.base import (
    CASE_MANAGER,
    PAGE_SIZE,
    READER,
    AnyRequest,
    error_page,
    page,
    see_other,
    target_group_label,
)
from portal.forms import Errors, Form, value, values
from portal.labels import COUNSELLING_MODES
from registry.admission.providers import get_provider
from registry.api.security import allow
from registry.auth import Principal
from registry.context import Registry
from registry.directory import service as directory
from registry.directory.service import CaseInput, find_providers
from registry.errors import InvalidInput, NotFound, Problem
from registry.network.unmet_need import record_unmet_need

THIN_RESULT = 3
"""A result with fewer sites than this is "thin": the page offers to record the unmet need
(N7) next to it (design decision; with none it is offered prominently)."""


# --------------------------------------------------------------------------- search (E1-E6)


SEARCH_ANCHORS = {
    "postal_code",
    "place",
    "carrier",
    "target_group",
    "language",
    "max_distance_km",
    "q",
    "person",
}


def _search_params(request: AnyRequest, me: Principal) -> dict[str, Any]:
    query = request.query_params
    # §9: a directory reader picks the insured person's carrier per search (default: its own)
    chosen = (query.get("carrier") or "").strip()[:60] if me.role is READER else ""
    return {
        "carrier": chosen or me.carrier or "",
        "chosen_carrier": chosen,
        "postal_code": (query.get("postal_code") or "").strip(),
        "place": (query.get("place") or "").strip(),
        "target_group": [c for c in query.getall("target_group", []) if c],
        "language": [c for c in query.getall("language", []) if c],
        "barrier_free": query.get("barrier_free") in ("on", "true"),
        "public_transport": query.get("public_transport") in ("on", "true"),
        "outreach": query.get("outreach") in ("on", "true"),
        "max_distance_km": (query.get("max_distance_km") or "").strip(),
        "q": (query.get("q") or "").strip()[:200],
    }


def _case_input(params: Mapping[str, Any], errors: Errors) -> CaseInput | None:
    """The directory service's CaseInput, or None with the problems in ``errors``."""
    if not params["postal_code"]:
        errors.add(Problem("postal_code", "Bitte die Postleitzahl des Wohnorts eingeben."))
    elif not params["postal_code"].isdigit() or len(params["postal_code"]) != 5:
        errors.add(Problem("postal_code", "Bitte eine Postleitzahl aus fünf Ziffern eingeben."))
    if not params["target_group"]:
        errors.add(Problem("target_group", "Bitte mindestens eine Zielgruppe wählen.", "E1"))
    distance: float | None = None
    if params["max_distance_km"]:
        try:
            distance = float(params["max_distance_km"].replace(",", "."))
            if distance <= 0:
                raise ValueError
        except ValueError:
            errors.add(Problem("max_distance_km", "Bitte eine Entfernung über 0 km eingeben."))
    if errors:
        return None
    return CaseInput(
        carrier=params["carrier"] or None,
        postal_code=params["postal_code"],
        place=params["place"] or None,
        target_groups=tuple(params["target_group"]),
        languages=tuple(params["language"]),
        barrier_free=params["barrier_free"],
        public_transport=params["public_transport"],
        outreach=params["outreach"],
        max_distance_km=distance,
        q=params["q"],
    )


def _search_query(params: Mapping[str, Any]) -> str:
    """The search as a clean query string (for paging, the print view and the PDF)."""
    pairs: list[tuple[str, str]] = []
    if params.get("chosen_carrier"):  # §9: the carrier a directory reader picked
        pairs.append(("carrier", str(params["chosen_carrier"])))
    for key in ("postal_code", "place", "max_distance_km", "q"):
        if params[key]:
            pairs.append((key, str(params[key])))
    pairs += [("target_group", c) for c in params["target_group"]]
    pairs += [("language", c) for c in params["language"]]
    for key in ("barrier_free", "public_transport", "outreach"):
        if params[key]:
            pairs.append((key, "true"))
    return urlencode(pairs)


def _search_errors() -> Errors:
    return Errors(anchors=SEARCH_ANCHORS, default="postal_code")


@get("/search", guards=[allow(CASE_MANAGER, READER)], sync_to_thread=True)
def search_page(
    request: AnyRequest,
    reg: Registry,
    me: Principal,
    seite: int = 1,
    hinweis: str | None = None,
    kreis: str | None = None,
) -> Template:
    params = _search_params(request, me)
    errors = _search_errors()
    result: dict[str, Any] | None = None
    page_no = max(seite, 1)
    if "postal_code" in request.query_params:
        case = _case_input(params, errors)
        if case is not None:
            try:
                result = directory.search(reg, me, case, page=page_no, page_size=PAGE_SIZE)
            except InvalidInput as exc:
                errors.extend(exc.problems)
            except NotFound as exc:
                errors.add(Problem("postal_code", exc.message))
    pages = math.ceil(result["total"] / PAGE_SIZE) if result else 0
    message = ""
    district = reg.reference.districts_by_key.get(kreis or "")
    if hinweis == "bedarf" and district is not None:
        message = (
            f"Der ungedeckte Bedarf ist erfasst: {district.name}, "
            f"{', '.join(target_group_label(reg, c) for c in params['target_group'])}. "
            "Über die Person und über Sie wurde nichts gespeichert."
        )
    return page(
        request,
        "search.html",
        title="Anbietersuche",
        params=params,
        result=result,
        errors=errors,
        page_no=page_no,
        pages=pages,
        message=message,
        need_recorded=bool(message),
        may_record_need=me.role is CASE_MANAGER,
        thin_result=THIN_RESULT,
        map=result_map(result, (page_no - 1) * PAGE_SIZE + 1)
        if result and result["total"]
        else None,
        base_query=_search_query(params),
        query_without_text=_search_query({**params, "q": ""}),
        carrier_list=reg.reference.carriers if me.role is READER else [],
        print_fields=parse_qsl(_search_query(params)),
        target_group_list=reg.reference.target_groups,
        language_list=sorted(labels.LANGUAGES.items(), key=lambda kv: kv[1]),
    )


@get("/search/print", guards=[allow(CASE_MANAGER, READER)], sync_to_thread=True)
def search_print(request: AnyRequest, reg: Registry, me: Principal) -> Template:
    params = _search_params(request, me)
    errors = _search_errors()
    context: dict[str, Any] | None = None
    case = _case_input(params, errors)
    if case is not None:
        try:
            context = directory.print_context(
                reg, me, case, person=request.query_params.get("person") or ""
            )
        except InvalidInput as exc:
            errors.extend(exc.problems)
        except NotFound as exc:
            errors.add(Problem("postal_code", exc.message))
    return page(
        request,
        "search_print.html",
        status_code=200 if context else 422,
        title="Liste zugelassener Anbieter",
        params=params,
        printed=context,
        errors=errors,
        base_query=_search_query(params),
    )


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
    request: AnyRequest, reg: Registry, me: Principal, provider_id: str, errors: Errors
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The search parameters of the page and, if a search is given, the explanation."""
    params = _search_params(request, me)
    if "postal_code" not in request.query_params:
        return params, None
    case = _case_input(params, errors)
    if case is None:
        return params, None
    try:
        return params, directory.explain(reg, me, provider_id, case)
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
def provider_detail(
    request: AnyRequest, reg: Registry, me: Principal, provider_id: str
) -> Template:
    """A provider as a case manager sees it, and why each of its sites is or is not in the
    search result (E1-E5). A directory reader sees the explanation only (docs/rules.md §9)."""
    errors = _search_errors()
    provider: dict[str, Any] | None = None
    if me.role is CASE_MANAGER:
        provider = get_provider(reg, me, provider_id)
    params, explained = _explain(request, reg, me, provider_id, errors)
    if provider is not None:
        name = provider["name"]
    elif explained is not None:
        name = explained["provider"]["name"]
    else:  # a reader without a search: the explanation names the provider
        name = "Anbieter"
    query = _search_query(params)
    return page(
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
def provider_lookup(
    request: AnyRequest, reg: Registry, me: Principal, anbieter: str = ""
) -> Template:
    params = _search_params(request, me)
    name = anbieter.strip()[:120]
    errors = Errors(anchors={"anbieter"}, default="anbieter")
    found: list[dict[str, Any]] = []
    if "anbieter" in request.query_params:
        if not name:
            errors.add(Problem("anbieter", "Bitte den Namen oder einen Teil davon eingeben."))
        else:
            found = find_providers(reg, me, name)
    return page(
        request,
        "directory_lookup.html",
        title="Anbieter nicht in der Liste?",
        name=name,
        found=found,
        searched="anbieter" in request.query_params and bool(name),
        errors=errors,
        params=params,
        base_query=_search_query(params),
        hidden_fields=_hidden_search_fields(params),
    )


def _hidden_search_fields(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    return parse_qsl(_search_query(params))


# --------------------------------------------------------------------------- unmet need (N7)


@post("/search/unmet-need", guards=[allow(CASE_MANAGER)], status_code=200, sync_to_thread=True)
def unmet_need(request: AnyRequest, reg: Registry, me: Principal, data: Form) -> Response[Any]:
    """N7 in one click: the form sends the postal code, the target groups and the search's
    language, outreach and barrier-free needs; the record holds the carrier, the district, the
    groups, those needs and the date. The result page is shown again
    for those two (the other filters of the search are not sent, so they are not kept)."""
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
        return error_page(request, 422, "Bedarf nicht erfasst", text)
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
    return see_other(f"/search?{back}")


def handlers() -> Sequence[Any]:
    return [search_page, search_print, provider_lookup, provider_detail, unmet_need]
