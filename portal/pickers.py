"""The pickers' type-ahead (issue 17, item 1): ``GET /auswahl/{kind}?q=`` answers the matches of
a query as JSON for ``portal/static/picker.js``. The choices themselves and the search without
JavaScript (the form's own "Suchen" step) are in ``portal.picker_choices`` and ``_picker.html``.

Partners are listed through ``network.list_partners`` with the caller, so a picker shows only
what the user may read; districts and languages are reference data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Request, Response, get

from portal.picker_choices import KINDS, MATCH_LIMIT, search
from registry.api.security import ANY_ROLE, allow, registry_of
from registry.auth import Principal

AnyRequest = Request[Any, Any, Any]


@get("/auswahl/{kind:str}", guards=[allow(*ANY_ROLE)], sync_to_thread=True)
def choices(request: AnyRequest, kind: str, q: str = "") -> Response[dict[str, Any]]:
    """The matches of ``q`` among the choices of ``kind`` (partner, district, language)."""
    me: Principal = request.user
    if kind not in KINDS:
        return Response({"total": 0, "choices": []}, status_code=404)
    found, total = search(registry_of(request), me, kind, q, MATCH_LIMIT)
    return Response(
        {"total": total, "choices": [c.as_json() for c in found]},
        headers={"Cache-Control": "no-store"},
    )


def handlers() -> Sequence[Any]:
    return [choices]
