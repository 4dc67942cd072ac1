"""The pickers' type-ahead (issue 17, item 1): ``GET /auswahl/partner?q=`` (and ``district``,
``language``) answers the matches of a query as JSON for ``portal/static/picker.js``. The
choices themselves and the search without JavaScript (the form's own "Suchen" step) are in
``portal.picker_choices`` and ``_picker.html``.

Partners are listed through ``network.list_partners`` with the caller, so a picker shows only
what the user may read; districts and languages are reference data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Response, get

from portal.picker_choices import MATCH_LIMIT, search
from registry.api.security import ANY_ROLE, allow
from registry.auth import Principal
from registry.context import Registry


def _answer(reg: Registry, me: Principal, kind: str, q: str) -> Response[dict[str, Any]]:
    """The matches of ``q`` among the choices of ``kind`` (partner, district, language)."""
    found, total = search(reg, me, kind, q, MATCH_LIMIT)
    return Response(
        {"total": total, "choices": [c.as_json() for c in found]},
        headers={"Cache-Control": "no-store"},
    )


# one route per kind: fixed paths (a handler on a list of paths fails with sync_to_thread)
@get("/auswahl/partner", guards=[allow(*ANY_ROLE)], sync_to_thread=True)
def partner_choices(reg: Registry, me: Principal, q: str = "") -> Response[dict[str, Any]]:
    return _answer(reg, me, "partner", q)


@get("/auswahl/district", guards=[allow(*ANY_ROLE)], sync_to_thread=True)
def district_choices(reg: Registry, me: Principal, q: str = "") -> Response[dict[str, Any]]:
    return _answer(reg, me, "district", q)


@get("/auswahl/language", guards=[allow(*ANY_ROLE)], sync_to_thread=True)
def language_choices(reg: Registry, me: Principal, q: str = "") -> Response[dict[str, Any]]:
    return _answer(reg, me, "language", q)


def handlers() -> Sequence[Any]:
    return [partner_choices, district_choices, language_choices]
