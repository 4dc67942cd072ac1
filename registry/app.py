"""The application factory: API, portal and the local admin channel on one Litestar app."""

from __future__ import annotations

import asyncio
import contextlib
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
from litestar.openapi.plugins import YamlRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from registry.api.errors import EXCEPTION_HANDLERS, document_error_responses
from registry.api.fields import reject_control_characters
from registry.api.hardening import (
    OfflineDocsPlugin,
    SecurityHeaders,
    guard_json_body,
    security_headers,
)
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


OUTBOX_DRAIN_SECONDS = 5.0


async def _drain_outbox_periodically(
    reg: Registry, stop: asyncio.Event, interval: float = OUTBOX_DRAIN_SECONDS
) -> None:
    """Keep the search index in step with the graph: drain the outbox at start (rows a crash
    left between a commit and its drain), then every few seconds while drains fail (rows a
    search outage left; `try_drain` flags its failures). Not unconditionally every few
    seconds: that would also drain in the middle of a bulk job that defers indexing, and in
    long test runs it went with the embedded engine's buffer pool running full. Stops at
    ``stop`` once a running drain has finished (the database closes after it)."""
    from registry.directory import projection

    first = True
    while not stop.is_set():
        if first or projection.drain_failed.is_set():
            first = False
            projection.drain_failed.clear()
            try:
                await asyncio.to_thread(projection.drain, reg)
            except Exception:  # noqa: BLE001 - the outbox keeps the rows; try again later
                projection.drain_failed.set()
                log.warning("outbox drain failed; retrying in %s s", interval, exc_info=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)


def _preload_search(reg: Registry) -> None:
    """Load the directory's documents into the search's columns before the first search asks
    (about 1-2 s for 50,000 sites; the first search would otherwise wait for it)."""
    preload = getattr(getattr(reg.search, "sites", None), "preload", None)
    if preload is None:
        return
    try:
        preload()
    except Exception:  # noqa: BLE001 - the first search loads them instead
        log.warning("search preload failed", exc_info=True)


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


async def _before_request(request: Request[Any, Any, Any]) -> None:
    """NUL and control characters in queries: 422; unreadable or too deeply nested JSON: 400."""
    reject_control_characters(request)
    await guard_json_body(request)


def create_app(settings: Settings | None = None, registry: Registry | None = None) -> Litestar:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        reg = registry or open_registry(settings)
        app.state.registry = reg
        app.state.admin_token = _write_admin_channel(settings)
        stop_draining = asyncio.Event()
        drainer = asyncio.create_task(_drain_outbox_periodically(reg, stop_draining))
        preloader = asyncio.create_task(asyncio.to_thread(_preload_search, reg))
        try:
            yield
        finally:
            stop_draining.set()
            await drainer
            await preloader
            (settings.data_dir / "admin.json").unlink(missing_ok=True)
            if registry is None:
                reg.close()

    from litestar.exceptions import NotFoundException

    from portal.fallback_pages import favicon, not_found
    from portal.routes import PORTAL_HANDLERS, portal_template_config
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
            favicon,
        ],
        lifespan=[lifespan],
        middleware=[DefineMiddleware(TokenAuthMiddleware, exclude=PUBLIC_PATHS)],
        # an unknown address: the portal's German page, JSON under the API's prefixes
        exception_handlers={**EXCEPTION_HANDLERS, NotFoundException: not_found},
        before_request=_before_request,
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
            # served from the package: a page rendered from the schema, JSON and YAML; no
            # script from a public CDN (offline, and nothing the CSP would have to allow)
            render_plugins=[OfflineDocsPlugin(), YamlRenderPlugin()],
        ),
        debug=False,
        logging_config=None,  # JSON logging: registry.observability (configured by serve)
        after_exception=[log_exception],
    )
    document_error_responses(app)  # 401/403/404/409/413/422 in the OpenAPI schema
    install_observability(app)  # request ids, access log, metrics
    # CSP, framing, nosniff, referrer and permissions policy on every response; HSTS with TLS
    hsts = settings.hsts or settings.cookie_secure
    app.asgi_handler = SecurityHeaders(app.asgi_handler, security_headers(hsts=hsts))
    return app
