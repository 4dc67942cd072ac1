"""The declared access table of docs/rules.md §9: for every route of the application, who may call it.

The guards (``registry.api.security.allow``) enforce the roles and the services enforce object
scope; this table states the intended rule once more, independently, so that the authorisation
matrix test (``tests/security/test_authorization_matrix.py``) can call every route as every
role and scope and compare. A route that is not declared here fails that test: adding a route
means deciding who may call it.

Keys are ``"METHOD /path/{param}"`` with the path template as Litestar formats it
(``route.path_format``). The table is assembled from ``api_access`` (the JSON API), ``portal_access``
(the portal) and the operations routes below, in the vocabulary of ``access_model``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from registry.api.access_model import INFRA_ROUTE, Access, Scope, allowed
from registry.api.api_access import API_ACCESS
from registry.api.portal_access import PORTAL_ACCESS
from registry.auth import Role

INFRA_ACCESS: dict[str, Access] = {
    "GET /healthz": INFRA_ROUTE,
    "GET /readyz": INFRA_ROUTE,
    "GET /metrics": allowed(frozenset(), Scope.PUBLIC, note="loopback, or the metrics token"),
    "POST /internal/admin/{command}": allowed(frozenset(), Scope.INTERNAL),
    "GET /static/{file_path}": INFRA_ROUTE,
    "HEAD /static/{file_path}": INFRA_ROUTE,
    **{
        f"GET /schema{suffix}": INFRA_ROUTE
        # the documentation page rendered from the schema (no CDN scripts), the schema itself
        for suffix in ("", "/openapi.json", "/openapi.yaml", "/openapi.yml", "/{path}")
    },
}

ACCESS: dict[str, Access] = {**INFRA_ACCESS, **API_ACCESS, **PORTAL_ACCESS}


def route_keys(app: Any) -> Iterator[tuple[str, Any]]:
    """Every (``"METHOD /path"``, handler) of a Litestar app, except the automatic OPTIONS."""
    for route in app.routes:
        handler_map = getattr(route, "route_handler_map", None)
        if not handler_map:
            continue
        for method, (handler, _) in handler_map.items():
            if method == "OPTIONS":
                continue
            yield f"{method} {route.path_format or '/'}", handler


def guard_roles(handler: Any) -> frozenset[Role] | None:
    """The roles the handler's ``allow`` guards admit (None: no such guard)."""
    roles: frozenset[Role] | None = None
    for guard in handler.resolve_guards():
        fn = getattr(guard, "func", guard)
        declared = getattr(fn, "roles", None)
        if declared is not None:
            current = frozenset(declared)
            roles = current if roles is None else roles & current
    return roles
