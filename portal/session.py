"""The portal's session: the signed token of ``registry.auth`` in an HttpOnly cookie, and CSRF.

The cookie holds the same token as the API's bearer token; ``TokenAuthMiddleware`` reads it on
every protected page. CSRF protection covers every form of the portal; the JSON API under
``/api/`` authenticates with bearer tokens and is excluded.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from litestar import Request, Response
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import Cookie
from litestar.middleware.csrf import generate_csrf_token
from litestar.response import Redirect

from registry import dates
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
WARN_BEFORE_SECONDS = 300  # portal.js warns five minutes before an idle session ends


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
    ends = dates.clock_time(datetime.fromtimestamp(expires, UTC))
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


# --------------------------------------------------------------------------- a form kept over re-login
#
# Issue 17, item 3: a form posted after the session ended is not lost. The portal's answer to
# that POST (``portal.base``: not authorised) is a 307 to KEEP_PATH, so the browser sends the
# same form there; that page keeps it in memory - for the same user only, never a form of the
# directory search (the insured person's data) - and leads to the login. After the login,
# CONTINUE_PATH shows the kept form once, to be sent again with a fresh CSRF token.

KEEP_PATH = "/sitzung/aufbewahren"
CONTINUE_PATH = "/sitzung/fortsetzen"
KEPT_COOKIE = "registry_kept"
KEPT_SECONDS = 3600
KEPT_MAX = 500
# never kept: the directory search (data of the insured person), the login, session, password
# and account pages (no password is ever held), and no field named like a password
NOT_KEPT_PREFIXES = (
    "/search",
    "/partners/search",
    "/login",
    "/logout",
    "/register",
    "/sitzung",
    "/konto",
    "/admin/users",
)
NOT_KEPT_FIELDS = ("_csrf_token",)


@dataclass
class KeptForm:
    user_id: str
    path: str
    form: dict[str, list[str]]
    kept_at: float = field(default_factory=time.time)


_KEPT: dict[str, KeptForm] = {}
_KEPT_LOCK = threading.Lock()


def _signed_claims(secret: str, token: str) -> dict[str, Any] | None:
    """The claims of a genuine token even after it expired (only to know whose session it was;
    ``registry.auth.token_claims`` refuses expired tokens, as it must for everything else)."""
    try:
        payload, sig = token.split(".", 1)
        expected = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest()
        given = _unb64(sig)
        if not hmac.compare_digest(given, expected):
            return None
        data = json.loads(_unb64(payload))
    except (ValueError, TypeError):
        return None
    return data if isinstance(data, dict) else None


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def ended_session_user(request: Request[Any, Any, Any]) -> str | None:
    """The user of this browser's portal session if it was genuine and bound to this browser's
    CSRF token (it may have expired); None otherwise."""
    token = request.cookies.get(SESSION_COOKIE)
    csrf = request.cookies.get(CSRF_COOKIE)
    if not token or not csrf:
        return None
    claims = _signed_claims(registry_of(request).settings.resolved_secret(), token)
    if claims is None or not isinstance(claims.get("c"), str):
        return None
    if not hmac.compare_digest(str(claims["c"]), csrf_binding(csrf)):
        return None
    user = claims.get("u")
    return str(user) if user else None


def may_keep(path: str) -> bool:
    return path.startswith("/") and not any(
        path == p or path.startswith(p + "/") or path.startswith(p + "?") for p in NOT_KEPT_PREFIXES
    )


def keep_on_expiry(request: Request[Any, Any, Any]) -> Response[Any] | None:
    """For a form posted after its session ended: a 307 to KEEP_PATH (the browser sends the same
    form there); for a script's request a bare 401. None when there is nothing to keep: not a
    form, a path never kept, or no genuine session of this browser."""
    if request.headers.get("x-requested-with"):
        # autosave and other scripts: nothing to keep, and no cookie is touched - a login form
        # loading at the same time in this browser keeps its CSRF cookie
        return Response({"ok": False, "message": "Sitzung abgelaufen"}, status_code=401)
    if request.method != "POST" or not may_keep(request.url.path):
        return None
    content_type, _ = request.content_type
    if content_type != "application/x-www-form-urlencoded":
        return None
    if ended_session_user(request) is None:
        return None
    return Redirect(path=KEEP_PATH, query_params={"ziel": request.url.path}, status_code=307)


def keep_form(user_id: str, path: str, form: Mapping[str, Any]) -> str:
    """Keep a posted form for the user's next login; returns its key (for the cookie)."""
    kept: dict[str, list[str]] = {}
    for name, raw in form.items():
        if name in NOT_KEPT_FIELDS or "passw" in name.lower():
            continue
        items = raw if isinstance(raw, list) else [raw]
        kept[name] = [str(v) for v in items if isinstance(v, str | int | float)]
    key = secrets.token_urlsafe(24)
    now = time.time()
    with _KEPT_LOCK:
        for old in [
            k for k, v in _KEPT.items() if v.user_id == user_id or now - v.kept_at > KEPT_SECONDS
        ]:
            del _KEPT[old]
        while len(_KEPT) >= KEPT_MAX:
            del _KEPT[min(_KEPT, key=lambda k: _KEPT[k].kept_at)]
        _KEPT[key] = KeptForm(user_id=user_id, path=path, form=kept, kept_at=now)
    return key


def take_kept_form(key: str | None, user_id: str) -> KeptForm | None:
    """The user's kept form under this key, removed from memory (it is shown once)."""
    if not key:
        return None
    with _KEPT_LOCK:
        kept = _KEPT.get(key)
        if kept is None or kept.user_id != user_id or time.time() - kept.kept_at > KEPT_SECONDS:
            return None
        del _KEPT[key]
    return kept


def kept_cookie(key: str) -> Cookie:
    return Cookie(
        key=KEPT_COOKIE,
        value=key,
        path="/",
        max_age=KEPT_SECONDS,
        httponly=True,
        samesite="lax",
    )
