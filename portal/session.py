"""The portal's session: the signed token of ``registry.auth`` in an HttpOnly cookie, and CSRF.

The cookie holds the same token as the API's bearer token; ``TokenAuthMiddleware`` reads it on
every protected page. CSRF protection covers every form of the portal; the JSON API under
``/api/`` authenticates with bearer tokens and is excluded.
"""

from __future__ import annotations

import hashlib
from typing import Any

from litestar import Request, Response
from litestar.config.csrf import CSRFConfig

from registry.api.security import SESSION_COOKIE, principal_from_token, registry_of
from registry.auth import Principal
from registry.settings import Settings

CSRF_COOKIE = "registry_csrf"
CSRF_EXCLUDE = ["^/api/", "^/internal/", "^/schema", "^/healthz", "^/readyz"]


def portal_csrf_config(settings: Settings) -> CSRFConfig:
    """CSRF for every portal form (hidden field ``_csrf_token``); not for the bearer-token API."""
    secret = hashlib.sha256(("csrf:" + settings.resolved_secret()).encode()).hexdigest()
    return CSRFConfig(
        secret=secret,
        cookie_name=CSRF_COOKIE,
        cookie_secure=settings.cookie_secure,
        cookie_httponly=True,
        cookie_samesite="lax",
        exclude=CSRF_EXCLUDE,
    )


def optional_principal(request: Request[Any, Any, Any]) -> Principal | None:
    """The logged-in user on a public page (where the auth middleware does not run)."""
    user = request.scope.get("user")
    if isinstance(user, Principal):
        return user
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    return principal_from_token(registry_of(request), token)


def set_session(response: Response[Any], request: Request[Any, Any, Any], token: str) -> None:
    settings = registry_of(request).settings
    response.set_cookie(
        key=SESSION_COOKIE,
        value=token,
        path="/",
        max_age=settings.token_ttl_minutes * 60,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
    )


def clear_session(response: Response[Any]) -> None:
    response.delete_cookie(key=SESSION_COOKIE, path="/")


def safe_next(target: str | None) -> str:
    """Only a local path may be the target after login (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
