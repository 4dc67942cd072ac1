"""What every site answers besides its pages: the icon at ``/favicon.ico`` and, for an address
no route knows, the German page "Seite nicht gefunden" in the layout with its navigation.

The API keeps its JSON errors: ``not_found`` answers addresses under the API's prefixes with the
API's handler (``registry.api.errors``), every other one with the portal's page.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import HTTPException
from litestar.response import File

from portal.base import STATIC_DIR, page

AnyRequest = Request[Any, Any, Any]

API_PREFIXES = ("/api/", "/schema", "/internal/", "/healthz", "/readyz", "/metrics", "/static/")
"""Addresses that are not pages: their 404 stays the API's JSON (or the static files' answer)."""


@get("/favicon.ico", exclude_from_auth=True, include_in_schema=False, sync_to_thread=False)
def favicon() -> File:
    """The portal's icon (built by ``tools/build_favicon.py``; our own drawing)."""
    return File(
        STATIC_DIR / "favicon.ico",
        media_type="image/x-icon",
        content_disposition_type="inline",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def not_found_page(request: AnyRequest) -> Response[Any]:
    return page(
        request,
        "error.html",
        status_code=404,
        title="Seite nicht gefunden",
        heading="Seite nicht gefunden",
        message="Diese Adresse gibt es im Register nicht. Vielleicht ist der Link veraltet oder "
        "die Adresse falsch eingegeben. Über die Navigation oder die Startseite finden Sie "
        "weiter.",
        not_found=True,
    )


def not_found(request: AnyRequest, exc: HTTPException) -> Response[Any]:
    """An unknown address (the app's 404 before any route): a page for people, JSON for the API."""
    from registry.api.errors import http_handler

    path = request.url.path
    if path.startswith(API_PREFIXES) or path == "/api":
        return http_handler(request, exc)
    return not_found_page(request)
