"""Portal pages of the directory (rules E1-E6, N7).

* the search for admitted providers (E1-E5), nearest first, with a map; after a search the
  form folds away and the page leads to the result count (``#treffer``);
* the provider page reachable from a search result, with "Warum wird dieser Anbieter nicht
  angezeigt?" (``directory.explain`` with the same search parameters: every site, every rule
  that fails and the fact that fails it);
* a lookup of providers by name, to ask that question about a provider the list does not show;
* the printed list (E6) and recording an unmet need (N7) are in :mod:`portal.directory_actions`.

Every page calls the same service functions as the JSON API with the logged-in Principal.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl

from litestar import get
from litestar.response import Template

from portal import directory_actions, labels, maps, once
from portal.base import (
    CASE_MANAGER,
    PAGE_SIZE,
    READER,
    AnyRequest,
    page,
    target_group_label,
)
from portal.forms import Errors
from portal.labels import COUNSELLING_MODES
from portal.search_form import (
    case_input,
    search_errors,
    search_params,
    search_query,
)
from registry.admission.providers import get_provider
from registry.api.security import allow
from registry.auth import Principal
from registry.context import Registry
from registry.directory import service as directory
from registry.directory.service import find_providers
from registry.errors import InvalidInput, NotFound, Problem

THIN_RESULT = 3
"""A result with fewer sites than this is "thin": the page offers to record the unmet need
(N7) next to it (design decision; with none it is offered prominently)."""


# --------------------------------------------------------------------------- search (E1-E6)


@get("/search", guards=[allow(CASE_MANAGER, READER)], sync_to_thread=True)
def search_page(
    request: AnyRequest,
    reg: Registry,
    me: Principal,
    seite: int = 1,
    hinweis: str | None = None,
    kreis: str | None = None,
) -> Template:
    params = search_params(request.query_params, me)
    errors = search_errors()
    result: dict[str, Any] | None = None
    page_no = max(seite, 1)
    if "postal_code" in request.query_params:
        case = case_input(params, errors)
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
    message = message or directory_actions.NEED_MESSAGES.get(hinweis or "", "")
    may_record = me.role is CASE_MANAGER
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
        may_record_need=may_record,
        once_token=once.issue(directory_actions.once_secret(reg)) if may_record else "",
        thin_result=THIN_RESULT,
        map=result_map(result, (page_no - 1) * PAGE_SIZE + 1)
        if result and result["total"]
        else None,
        base_query=search_query(params),
        query_without_text=search_query({**params, "q": ""}),
        carrier_list=reg.reference.carriers if me.role is READER else [],
        print_fields=parse_qsl(search_query(params)),
        target_group_list=reg.reference.target_groups,
        language_list=sorted(labels.LANGUAGES.items(), key=lambda kv: kv[1]),
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
    params = search_params(request.query_params, me)
    if "postal_code" not in request.query_params:
        return params, None
    case = case_input(params, errors)
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
    errors = search_errors()
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
    query = search_query(params)
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
    params = search_params(request.query_params, me)
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
        base_query=search_query(params),
        hidden_fields=_hidden_search_fields(params),
    )


def _hidden_search_fields(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    return parse_qsl(search_query(params))


def handlers() -> Sequence[Any]:
    return [search_page, provider_lookup, provider_detail, *directory_actions.handlers()]
