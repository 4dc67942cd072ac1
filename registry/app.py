"""The application factory: API, portal and the local admin channel on one Litestar app."""

from __future__ import annotations

import json
import logging
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request, get
from litestar.config.response_cache import ResponseCacheConfig
from litestar.middleware.base import DefineMiddleware
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from registry.api.errors import EXCEPTION_HANDLERS
from registry.api.security import TokenAuthMiddleware, registry_of
from registry.context import Registry, open_registry
from registry.settings import Settings, get_settings

log = logging.getLogger("registry")

PUBLIC_PATHS = [
    "^/schema",
    "^/healthz",
    "^/readyz",
    "^/metrics",
    "^/api/v1/auth/token",
    "^/api/v1/providers/?$",
    "^/internal/admin",
    "^/static",
    "^/$",
    "^/login",
    "^/register",
]


@get("/healthz", include_in_schema=False, exclude_from_auth=True)
async def healthz(request: Request[Any, Any, Any]) -> dict[str, Any]:
    reg = registry_of(request)
    graph = reg.graph.health()
    search: dict[str, Any] = {"ok": False, "detail": "kein Suchindex"}
    if reg.search is not None:
        h = reg.search.health()
        search = {"ok": h.ok, "backend": h.backend, "detail": h.detail}
    return {"ok": bool(graph.get("ok") and search["ok"]), "graph": graph, "search": search}


def _write_admin_channel(settings: Settings) -> str:
    """Publish how local CLI commands reach this server (token file readable by owner only)."""
    token = secrets.token_urlsafe(32)
    path = settings.data_dir / "admin.json"
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.touch(mode=0o600)
    tmp.write_text(
        json.dumps(
            {
                "pid": os.getpid(),
                "url": f"http://{settings.host}:{settings.port}",
                "token": token,
            }
        )
    )
    tmp.replace(path)
    return token


def create_app(settings: Settings | None = None, registry: Registry | None = None) -> Litestar:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        reg = registry or open_registry(settings)
        app.state.registry = reg
        app.state.admin_token = _write_admin_channel(settings)
        try:
            yield
        finally:
            (settings.data_dir / "admin.json").unlink(missing_ok=True)
            if registry is None:
                reg.close()

    from portal.controllers import PORTAL_HANDLERS, portal_template_config
    from portal.session import portal_csrf_config
    from registry.api import ROUTE_HANDLERS
    from registry.api.admin_channel import AdminChannelController
    from registry.observability import install_observability, log_exception, metrics, readyz

    app = Litestar(
        route_handlers=[
            healthz,
            readyz,
            metrics,
            AdminChannelController,
            *ROUTE_HANDLERS,
            *PORTAL_HANDLERS,
        ],
        lifespan=[lifespan],
        middleware=[DefineMiddleware(TokenAuthMiddleware, exclude=PUBLIC_PATHS)],
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=settings.max_body_bytes,
        template_config=portal_template_config(),
        csrf_config=portal_csrf_config(settings),
        response_cache_config=ResponseCacheConfig(),
        openapi_config=OpenAPIConfig(
            title="Netzwerk- und Anbieterregister Fallmanagement",
            version="1.0.0",
            path="/schema",
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(type="http", scheme="bearer", bearer_format="token")
                }
            ),
            security=[{"bearer": []}],
        ),
        debug=False,
        logging_config=None,  # JSON logging: registry.observability (configured by serve)
        after_exception=[log_exception],
    )
    return install_observability(app)  # request ids, access log, metrics
