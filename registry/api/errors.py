"""Exception handlers: every error leaves the API in the format of API.md."""

from __future__ import annotations

import logging
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from pydantic import BaseModel

from registry.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from registry.graph.ports import ConstraintViolation

log = logging.getLogger("registry.api")


def _json(status: int, body: dict[str, Any]) -> Response[dict[str, Any]]:
    return Response(content=body, status_code=status, media_type=MediaType.JSON)


def _field_of(key: str | None) -> str:
    if not key:
        return "body"
    return key


def validation_handler(_: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    errors = []
    extra = exc.extra if isinstance(exc.extra, list) else []
    for item in extra:
        if isinstance(item, dict):
            errors.append(
                {
                    "field": _field_of(item.get("key")),
                    "message": str(item.get("message", "ungültig")),
                }
            )
    if not errors:
        errors.append({"field": "body", "message": str(exc.detail)})
    return _json(422, {"detail": "Ungültige Eingabe", "errors": errors})


#: The one place a domain error becomes an HTTP status (API.md "Errors"), by class, the first
#: that matches; any other ``DomainError`` is a 400.
DOMAIN_STATUS: tuple[tuple[type[DomainError], int], ...] = (
    (InvalidInput, 422),
    (NotFound, 404),
    (Forbidden, 403),
    (Conflict, 409),  # also IllegalTransition and VersionConflict
)


def domain_status(exc: DomainError) -> int:
    return next((code for kind, code in DOMAIN_STATUS if isinstance(exc, kind)), 400)


def domain_handler(_: Request[Any, Any, Any], exc: DomainError) -> Response[Any]:
    body: dict[str, Any] = {"detail": exc.message}
    if isinstance(exc, InvalidInput):
        body["errors"] = [p.as_dict() for p in exc.problems]
    return _json(domain_status(exc), body)


def constraint_handler(_: Request[Any, Any, Any], exc: ConstraintViolation) -> Response[Any]:
    return _json(409, {"detail": "Konflikt mit einem bestehenden Eintrag"})


def http_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    detail = exc.detail
    if isinstance(exc, NotAuthorizedException):
        detail = exc.detail or "Anmeldung erforderlich"
    elif isinstance(exc, PermissionDeniedException):
        detail = exc.detail or "Für Ihre Rolle nicht erlaubt"
    if status == 400 and request.url.path.startswith("/api/"):
        # an unparsable body (malformed or too deeply nested JSON, numbers out of range): 400
        # (API.md "Errors"), saying why
        message = str(detail) if str(detail).startswith("Der Inhalt") else ""
        return _json(
            400,
            {
                "detail": "Ungültige Anfrage",
                "errors": [
                    {"field": "body", "message": message or "Der Inhalt ist kein lesbares JSON."}
                ],
            },
        )
    if request.url.path.startswith("/api/") or status < 500:
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        resp = _json(status, {"detail": detail})
        if headers:
            resp.headers.update(headers)
        if exc.headers:  # e.g. Retry-After of a throttled login (429)
            resp.headers.update(exc.headers)
        return resp
    return _json(status, {"detail": detail})


def internal_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return _json(HTTP_500_INTERNAL_SERVER_ERROR, {"detail": "Interner Fehler"})


class ProblemOut(BaseModel):
    field: str
    message: str
    rule: str | None = None


class ErrorOut(BaseModel):
    """Every error of the API: a German message and, for invalid input, each problem."""

    detail: str
    errors: list[ProblemOut] | None = None


_ERROR_TEXT = {
    400: "Ungültige Anfrage",
    401: "Nicht angemeldet, Anmeldung abgelaufen oder Zugangsdaten falsch",
    403: "Für die Rolle oder den Träger des Aufrufers nicht erlaubt",
    404: "Nicht gefunden oder außerhalb des Zuständigkeitsbereichs (docs/rules.md §9)",
    409: "Konflikt: inzwischen geändert oder schon vorhanden",
    413: "Anfrage zu groß",
    422: "Ungültige Eingabe: jedes Problem mit Feld, Meldung und Regel",
    429: "Zu viele fehlgeschlagene Anmeldeversuche: nach Retry-After Sekunden erneut",
}


def document_error_responses(app: Any) -> None:
    """Declare in the OpenAPI schema the error answers (API.md "Errors") of every API
    operation: 401/403 for callers, 404 where an object is named, 409/413 for changes and 422
    for input. Runs before the schema is first built (Litestar builds it on first request)."""
    from litestar.openapi.datastructures import ResponseSpec

    for route in app.routes:
        for method, (handler, _) in getattr(route, "route_handler_map", {}).items():
            if method == "OPTIONS" or not route.path.startswith("/api/"):
                continue
            params = set(handler.parsed_fn_signature.parameters) - {"request", "self", "reg", "me"}
            codes = {400, 401, 403}
            if params:
                codes |= {404, 422}
            if method in ("POST", "PUT", "PATCH", "DELETE"):
                codes |= {409, 413}
            if route.path.endswith("/auth/token"):
                codes |= {429}  # throttled login attempts (issue 14)
            declared = {
                code: ResponseSpec(data_container=ErrorOut, description=_ERROR_TEXT[code])
                for code in sorted(codes)
            }
            handler.responses = {**declared, **(handler.responses or {})}


EXCEPTION_HANDLERS: dict[Any, Any] = {
    ValidationException: validation_handler,
    DomainError: domain_handler,
    ConstraintViolation: constraint_handler,
    HTTPException: http_handler,
    Exception: internal_handler,
}
