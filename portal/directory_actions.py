"""What a directory search leads to: the printed list for the insured person (E6) and the
record of an unmet need (N7).

* **The printed list.** The result page's print form is sent by POST: the insured person's name
  typed there travels in the request body only, never in an address (browser history,
  referrers, access logs), and is neither stored nor logged (docs/rules.md §10); the answer is
  the printable page or the PDF, both ``Cache-Control: no-store``. ``GET /search/print`` still
  prints a search without a name (a ``person`` in the address is ignored).
* **Unmet need in one click.** The form carries the recorded fields (postal code, target
  groups, language, outreach, barrier-free), the search itself (``suche``, only to return to
  it with every filter) and a one-time token (``einmal``, :mod:`portal.once`): the same form
  sent twice records once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode

from litestar import Response, get, post
from litestar.response import Template

from portal import once
from portal.base import CASE_MANAGER, READER, AnyRequest, error_page, page, see_other
from portal.forms import Errors, Form, value, values
from portal.search_form import (
    Fields,
    case_input,
    clean_query,
    posted,
    search_errors,
    search_params,
    search_query,
)
from registry.api.security import allow
from registry.auth import Principal
from registry.context import Registry
from registry.directory import printing
from registry.directory import service as directory
from registry.errors import InvalidInput, NotFound, Problem
from registry.network.unmet_need import record_unmet_need

NO_STORE = {"Cache-Control": "no-store"}

# --------------------------------------------------------------------------- the printed list (E6)


def _print_context(
    reg: Registry, me: Principal, fields: Fields, person: str, errors: Errors
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    params = search_params(fields, me)
    case = case_input(params, errors)
    if case is None:
        return params, None
    try:
        return params, directory.print_context(reg, me, case, person=person)
    except InvalidInput as exc:
        errors.extend(exc.problems)
    except NotFound as exc:
        errors.add(Problem("postal_code", exc.message))
    return params, None


def _print_page(
    request: AnyRequest, params: dict[str, Any], context: dict[str, Any] | None, errors: Errors
) -> Template:
    query = search_query(params)
    response = page(
        request,
        "search_print.html",
        status_code=200 if context else 422,
        title="Liste zugelassener Anbieter",
        params=params,
        printed=context,
        errors=errors,
        base_query=query,
        print_fields=parse_qsl(query),
    )
    response.headers.update(NO_STORE)
    return response


@get("/search/print", guards=[allow(CASE_MANAGER, READER)], sync_to_thread=True)
def search_print(request: AnyRequest, reg: Registry, me: Principal) -> Template:
    """The printable list of a search given in the address, without a name."""
    errors = search_errors()
    params, context = _print_context(reg, me, request.query_params, "", errors)
    return _print_page(request, params, context, errors)


@post("/search/print", guards=[allow(CASE_MANAGER, READER)], status_code=200, sync_to_thread=True)
def search_print_posted(
    request: AnyRequest, reg: Registry, me: Principal, data: Form
) -> Response[Any]:
    """The printable list or its PDF, with the insured person's name if one was typed."""
    errors = search_errors()
    person = value(data, "person")[:200]
    params, context = _print_context(reg, me, posted(data), person, errors)
    if context is not None and value(data, "format") == "pdf":
        return Response(
            printing.render_print_pdf(context),
            media_type="application/pdf",
            headers={"Content-Disposition": 'inline; filename="anbieterliste.pdf"', **NO_STORE},
        )
    return _print_page(request, params, context, errors)


# --------------------------------------------------------------------------- unmet need (N7)

NEED_MESSAGES = {
    "bedarf-schon": "Dieser Bedarf war mit diesem Formular schon erfasst; er wurde nicht noch "
    "einmal gezählt.",
}


def once_secret(reg: Registry) -> str:
    return "unmet-need:" + reg.settings.resolved_secret()


@post("/search/unmet-need", guards=[allow(CASE_MANAGER)], status_code=200, sync_to_thread=True)
def unmet_need(request: AnyRequest, reg: Registry, me: Principal, data: Form) -> Response[Any]:
    """N7 in one click: the record holds the carrier, the district, the groups, the search's
    language, outreach and barrier-free needs and the date. Afterwards the same search is shown
    again with all its filters; a second post of the same form records nothing."""
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
    search = clean_query(value(data, "suche")) or urlencode(
        [
            ("postal_code", body["postal_code"]),
            *(("target_group", g) for g in body["target_groups"]),
            *((("language", body["language"]),) if "language" in body else ()),
            *((("outreach", "true"),) if "outreach" in body else ()),
            *((("barrier_free", "true"),) if "barrier_free" in body else ()),
        ]
    )
    token = value(data, "einmal")
    claim = once.claim(once_secret(reg), token)
    if claim is once.Claim.INVALID:
        return error_page(
            request,
            422,
            "Bedarf nicht erfasst",
            "Das Formular ist veraltet. Bitte suchen Sie neu und melden Sie den Bedarf dann "
            "mit dem neuen Formular.",
        )
    if claim is once.Claim.AGAIN:
        return see_other(f"/search?{search}&{urlencode({'hinweis': 'bedarf-schon'})}#treffer")
    try:
        recorded = record_unmet_need(reg, me, body)
    except InvalidInput as exc:
        once.release(token)
        text = " ".join(p.message for p in exc.problems)
        return error_page(request, 422, "Bedarf nicht erfasst", text)
    done = urlencode([("hinweis", "bedarf"), ("kreis", recorded["district"]["key"])])
    return see_other(f"/search?{search}&{done}#treffer")


def handlers() -> Sequence[Any]:
    return [search_print, search_print_posted, unmet_need]
