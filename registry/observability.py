"""Observability: structured JSON logs with request ids, Prometheus metrics, readiness.

* **Logs**: one JSON object per line (:class:`JsonFormatter`). Every HTTP request gives one
  ``registry.access`` line: method, route *template* (``/api/v1/applications/{application_id}``,
  never the concrete path of an unmatched route), status, duration in ms and the request id.
  Never logged: query strings (a directory or partner search describes an insured person's
  needs, docs/rules.md §10), request or response bodies, headers, client addresses.
* **Request ids**: a sane incoming ``X-Request-ID`` (1-128 characters of ``A-Za-z0-9._:-``) is
  kept, anything else replaced by a fresh one; the response carries it and every log line
  written while the request is handled has it (``request_id``).
* **Metrics**: ``GET /metrics`` in the Prometheus text format: request counts and a duration
  histogram by method, route template and status; the outbox backlog; graph, search and schema
  health as 0/1 gauges. No personal data, no ids. It needs no login but is served only to a
  loopback client that is not behind a proxy (no ``X-Forwarded-For`` / ``Forwarded`` /
  ``X-Real-IP`` header), or to whoever sends ``Authorization: Bearer $REGISTRY_METRICS_TOKEN``
  (when that is set); anyone else gets 403.
* **Readiness**: ``GET /readyz`` is 200 when the graph answers, its schema is current and the
  search backend answers, 503 otherwise (``/healthz`` stays the liveness probe).

The request wrapper sits around Litestar's own ASGI handler (the place Litestar itself puts
CORS), so it also sees requests that match no route, and it reads the route template that the
router leaves in the ASGI scope.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import threading
import time
import traceback
import uuid
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from litestar import Litestar, Request, Response, get
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from registry.errors import DomainError

access_log = logging.getLogger("registry.access")
error_log = logging.getLogger("registry.error")

REQUEST_ID_HEADER = "x-request-id"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_PARAM = re.compile(r"\{(\w+):[^}]*\}")
LOOPBACK = frozenset({"127.0.0.1", "::1"})
PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")
UNMATCHED = "unmatched"
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

request_id_var: ContextVar[str] = ContextVar("request_id", default="")


# --------------------------------------------------------------------------- logging


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ts, level, logger, message, request_id, extra ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", "") or request_id_var.get()
        if rid:
            out["request_id"] = rid
        fields = getattr(record, "fields", None)
        if isinstance(fields, Mapping):
            out.update(fields)
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for ``registry serve`` (handed to uvicorn as log_config).

    Everything goes to stdout as JSON. uvicorn's access logger is silenced: it would print
    request lines with their query strings; ``registry.access`` replaces it.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "registry.observability.JsonFormatter"}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True, "level": level},
            "uvicorn.error": {"handlers": [], "propagate": True, "level": level},
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "CRITICAL"},
            "httpx": {"level": "WARNING"},
        },
    }


async def log_exception(exc: Exception, scope: Scope) -> None:
    """Litestar ``after_exception`` hook: unexpected errors (5xx) with their traceback."""
    if isinstance(exc, DomainError):
        return
    if isinstance(exc, HTTPException) and exc.status_code < 500:
        return
    error_log.error(
        "unhandled exception",
        extra={
            "fields": {
                "route": route_of(scope),
                "method": scope.get("method", ""),
                "error": type(exc).__name__,
                "exc": "".join(traceback.format_exception(exc)),
            }
        },
    )


# --------------------------------------------------------------------------- metrics


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(pairs: Mapping[str, str]) -> str:
    return ",".join(f'{k}="{_escape(v)}"' for k, v in pairs.items())


def _number(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


class Metrics:
    """Request counters and duration histograms, thread-safe, Prometheus text on demand."""

    def __init__(self, buckets: tuple[float, ...] = BUCKETS) -> None:
        self.buckets = buckets
        self._lock = threading.Lock()
        self._series: dict[tuple[str, str, str], list[float]] = {}
        self.started = time.time()

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, str(status))
        with self._lock:
            series = self._series.get(key)
            if series is None:  # bucket counts..., sum, count
                series = [0.0] * (len(self.buckets) + 2)
                self._series[key] = series
            for i, bound in enumerate(self.buckets):
                if seconds <= bound:
                    series[i] += 1
            series[-2] += seconds
            series[-1] += 1

    def render(self, gauges: Mapping[str, tuple[str, float]] | None = None) -> str:
        """The exposition text: requests, durations, then the given gauges {name: (help, v)}."""
        with self._lock:
            snapshot = {k: list(v) for k, v in sorted(self._series.items())}
        lines = [
            "# HELP registry_http_requests_total HTTP requests by method, route template and "
            "status.",
            "# TYPE registry_http_requests_total counter",
        ]
        for (method, route, status), s in snapshot.items():
            labels = _labels({"method": method, "route": route, "status": status})
            lines.append(f"registry_http_requests_total{{{labels}}} {_number(s[-1])}")
        lines += [
            "# HELP registry_http_request_duration_seconds Time to answer a request.",
            "# TYPE registry_http_request_duration_seconds histogram",
        ]
        for (method, route, status), s in snapshot.items():
            base = {"method": method, "route": route, "status": status}
            for bound, count in zip(self.buckets, s, strict=False):
                labels = _labels({**base, "le": _number(bound)})
                lines.append(
                    f"registry_http_request_duration_seconds_bucket{{{labels}}} {_number(count)}"
                )
            labels = _labels({**base, "le": "+Inf"})
            lines.append(
                f"registry_http_request_duration_seconds_bucket{{{labels}}} {_number(s[-1])}"
            )
            labels = _labels(base)
            lines.append(f"registry_http_request_duration_seconds_sum{{{labels}}} {s[-2]!r}")
            lines.append(
                f"registry_http_request_duration_seconds_count{{{labels}}} {_number(s[-1])}"
            )
        for name, (help_text, value) in (gauges or {}).items():
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge", f"{name} {value!r}"]
        return "\n".join(lines) + "\n"


def route_of(scope: Scope | Mapping[str, Any]) -> str:
    """The route template of a request (``{id:str}`` shortened to ``{id}``), or 'unmatched'."""
    template = scope.get("path_template") or ""
    return _PARAM.sub(r"{\1}", template) if template else UNMATCHED


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    """The client's X-Request-ID if it is sane, else a new random one."""
    for name, value in headers:
        if name.lower() == b"x-request-id":
            try:
                text = value.decode("ascii")
            except UnicodeDecodeError:
                break
            if _SANE_ID.match(text):
                return text
            break
    return uuid.uuid4().hex


class ObservedApp:
    """ASGI wrapper: request id, one access-log line and the metrics of every HTTP request."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id_from(list(scope.get("headers", [])))
        token = request_id_var.set(rid)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"
                ]
                headers.append((b"x-request-id", rid.encode("ascii")))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = route_of(scope)
            method = str(scope.get("method", ""))
            self.metrics.observe(method, route, status, seconds)
            access_log.info(
                "request",
                extra={
                    "request_id": rid,
                    "fields": {
                        "method": method,
                        "route": route,
                        "status": status,
                        "duration_ms": round(seconds * 1000, 2),
                    },
                },
            )
            request_id_var.reset(token)


def install_observability(app: Litestar) -> Litestar:
    """Wrap the app's ASGI handler (request ids, access log, metrics) and keep the metrics."""
    metrics = Metrics()
    app.state.metrics = metrics
    app.asgi_handler = ObservedApp(app.asgi_handler, metrics)
    return app


# --------------------------------------------------------------------------- endpoints


def metrics_allowed(client: str, headers: Mapping[str, str], token: str) -> bool:
    """Loopback without a proxy in between, or the configured bearer token."""
    given = headers.get("authorization", "")
    if token and given.lower().startswith("bearer "):
        return hmac.compare_digest(given[7:].strip().encode(), token.encode())
    return client in LOOPBACK and not any(headers.get(h) for h in PROXY_HEADERS)


def _readiness(request: Request[Any, Any, Any]) -> dict[str, Any]:
    from registry.directory.outbox import OutboxRepository
    from registry.graph.schema import latest_version

    reg = request.app.state.registry
    graph = reg.graph.health()
    graph_ok = bool(graph.get("ok"))
    version = int(graph.get("schema_version") or 0) if graph_ok else 0
    expected = latest_version(reg.graph.engine)
    search_ok = False
    search_detail = "kein Suchindex"
    if reg.search is not None:
        try:
            health = reg.search.health()
            search_ok, search_detail = bool(health.ok), str(health.detail)
        except Exception as exc:  # noqa: BLE001 - readiness reports every failure
            search_detail = type(exc).__name__
    pending: int | None = None
    if graph_ok:
        try:
            pending = reg.repo(OutboxRepository).count()
        except Exception:  # noqa: BLE001
            pending = None
    return {
        "graph": {"ok": graph_ok, "engine": graph.get("engine", "")},
        "schema": {
            "ok": graph_ok and version == expected,
            "version": version,
            "expected": expected,
        },
        "search": {"ok": search_ok, "detail": search_detail},
        "outbox_pending": pending,
    }


@get("/readyz", include_in_schema=False, exclude_from_auth=True, sync_to_thread=True)
def readyz(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    """200 when graph, schema and search are ready to serve; 503 otherwise."""
    checks = _readiness(request)
    ready = all(checks[k]["ok"] for k in ("graph", "schema", "search"))
    return Response({"ready": ready, **checks}, status_code=200 if ready else 503)


@get(
    "/metrics",
    include_in_schema=False,
    exclude_from_auth=True,
    sync_to_thread=True,
    media_type="text/plain; version=0.0.4; charset=utf-8",
)
def metrics(request: Request[Any, Any, Any]) -> str:
    """Prometheus text format (module docstring: who may read it)."""
    reg = request.app.state.registry
    client = request.client.host if request.client else ""
    token = str(getattr(reg.settings, "metrics_token", "") or "")
    if not metrics_allowed(client, request.headers, token):
        raise PermissionDeniedException(
            "Metriken nur über Loopback oder mit REGISTRY_METRICS_TOKEN"
        )
    checks = _readiness(request)
    collected: Metrics = request.app.state.metrics
    gauges: dict[str, tuple[str, float]] = {
        "registry_graph_up": ("1 if the graph database answers.", float(checks["graph"]["ok"])),
        "registry_schema_current": (
            "1 if the graph schema is at the version this code expects.",
            float(checks["schema"]["ok"]),
        ),
        "registry_search_up": ("1 if the search backend answers.", float(checks["search"]["ok"])),
        "registry_outbox_pending": (
            "Changes not yet applied to the search index (-1: unknown).",
            float(checks["outbox_pending"] if checks["outbox_pending"] is not None else -1),
        ),
        "registry_process_start_time_seconds": (
            "Start time of the process since the epoch.",
            float(collected.started),
        ),
    }
    return collected.render(gauges)
