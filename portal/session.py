"""The portal's session: the signed token of ``registry.auth`` in an HttpOnly cookie, and CSRF.

The cookie holds the same token as the API's bearer token; ``TokenAuthMiddleware`` reads it on
every protected page. CSRF protection covers every form of the portal; the JSON API under
``/api/`` authenticates with bearer tokens and is excluded.
"""

from __future__ import annotations

import hashlib
import time
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Request, Response
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import Cookie
from litestar.middleware.csrf import generate_csrf_token

from registry.api.security import CSRF_COOKIE, SESSION_COOKIE, principal_from_token, registry_of
from registry.auth import Principal, csrf_binding, session_token, token_claims
from registry.settings import Settings

CSRF_EXCLUDE = ["^/api/", "^/internal/", "^/schema", "^/healthz", "^/readyz"]


def portal_csrf_config(settings: Settings) -> CSRFConfig:
    """CSRF for every portal form (hidden field ``_csrf_token``); not for the bearer-token API."""
    return CSRFConfig(
        secret=_csrf_secret(settings),
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
    reg = registry_of(request)
    claims = token_claims(reg.settings.resolved_secret(), token)
    if claims is None or not isinstance(claims.get("c"), str):
        return None  # not a portal session (a bearer token put into the cookie)
    return principal_from_token(reg, token)


def _csrf_secret(settings: Settings) -> str:
    return hashlib.sha256(("csrf:" + settings.resolved_secret()).encode()).hexdigest()


def _session_cookie(settings: Settings, value: str) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=value,
        path="/",
        max_age=settings.token_ttl_minutes * 60,
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
    )


def set_session(response: Response[Any], request: Request[Any, Any, Any], token: str) -> None:
    """Start a portal session with a token from login: a fresh CSRF token (rotated at every
    login) to which the session cookie is bound, expiring after the idle time (issue 14)."""
    settings = registry_of(request).settings
    csrf = generate_csrf_token(secret=_csrf_secret(settings))
    bound = session_token(
        settings.resolved_secret(),
        token,
        binding=csrf_binding(csrf),
        idle_seconds=settings.session_idle_minutes * 60,
        ttl_seconds=settings.token_ttl_minutes * 60,
    )
    response.cookies.append(_session_cookie(settings, bound))
    response.set_cookie(
        key=CSRF_COOKIE,
        value=csrf,
        path="/",
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
    )


def clear_session(response: Response[Any]) -> None:
    """The cookies go; the session itself ends on the server (``registry.auth.service.logout``)."""
    response.delete_cookie(key=SESSION_COOKIE, path="/")
    response.delete_cookie(key=CSRF_COOKIE, path="/")


# a page the idle notice leads to: it shows when the session ends and does not renew it
SESSION_NOTICE_PATH = "/sitzung"
WARN_BEFORE_SECONDS = 120


def session_state(request: Request[Any, Any, Any]) -> tuple[list[Cookie], dict[str, Any]]:
    """For a page shown in a portal session: the renewed session cookie (the idle time starts
    again) and what the layout announces: when the session ends without activity and when the
    notice before it appears (issue 14, finding 5)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return [], {}
    settings = registry_of(request).settings
    secret = settings.resolved_secret()
    claims = token_claims(secret, token)
    if claims is None or not isinstance(claims.get("c"), str):
        return [], {}
    if optional_principal(request) is None:
        return [], {}
    cookies: list[Cookie] = []
    expires = int(str(claims["x"]))
    if request.url.path != SESSION_NOTICE_PATH:
        renewed = session_token(
            secret,
            token,
            binding=str(claims["c"]),
            idle_seconds=settings.session_idle_minutes * 60,
            ttl_seconds=settings.token_ttl_minutes * 60,
        )
        if renewed:
            cookies.append(_session_cookie(settings, renewed))
            expires = int(str(token_claims(secret, renewed)["x"]))  # type: ignore[index]
    remaining = max(0, expires - int(time.time()))
    ends = datetime.fromtimestamp(expires, ZoneInfo("Europe/Berlin")).strftime("%H:%M")
    return cookies, {
        "session_ends": ends,
        "session_idle_minutes": settings.session_idle_minutes,
        "session_remaining": remaining,
        "session_warn_after": max(0, remaining - WARN_BEFORE_SECONDS),
    }


def safe_next(target: str | None) -> str:
    """Only a local path may be the target after login (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
