"""Authentication middleware and the reusable guards of docs/rules.md §9.

One mechanism for API and portal: a signed token, sent as ``Authorization: Bearer`` by API
clients or kept in the portal's HttpOnly session cookie. Every token carries the user's token
epoch, so "log out everywhere" (bumping the epoch) invalidates all of them at once. Which user
a token names is decided by the auth use case :func:`registry.auth.service.principal_from_token`
(re-exported here for the API and the portal).
"""

from __future__ import annotations

import hmac
from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from registry.auth import Principal, Role, csrf_binding, token_claims
from registry.auth.service import principal_from_token
from registry.context import Registry

__all__ = [
    "API_DEPENDENCIES",
    "SESSION_COOKIE",
    "TokenAuthMiddleware",
    "allow",
    "principal_from_token",
    "registry_of",
]

SESSION_COOKIE = "registry_session"
MUST_CHANGE_PASSWORD = "Bitte ändern Sie zuerst Ihr Einmalpasswort."
#: what a user whose password an admin reset may reach before changing it
PASSWORD_CHANGE_PATHS = frozenset(
    {"/api/v1/auth/password", "/api/v1/auth/logout", "/konto/passwort", "/logout"}
)


def registry_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Registry:
    reg: Registry = connection.app.state.registry
    return reg


def _registry(request: Request[Any, Any, Any]) -> Registry:
    return registry_of(request)


def _caller(request: Request[Any, Any, Any]) -> Principal:
    """The authenticated caller (the auth middleware put it on the scope)."""
    user = request.scope.get("user")
    if not isinstance(user, Principal):
        raise NotAuthorizedException("Anmeldung erforderlich")
    return user


#: What every API handler may ask for by parameter name: ``reg`` (the running registry) and
#: ``me`` (the authenticated caller), as in the portal.
API_DEPENDENCIES: dict[str, Provide] = {
    "reg": Provide(_registry, sync_to_thread=False),
    "me": Provide(_caller, sync_to_thread=False),
}


def _cookie_allowed(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    """The portal's session cookie authenticates portal pages (which check CSRF) and safe API
    reads such as the PDF of a printed list; a changing API call needs the bearer token, so a
    cookie alone can never be turned into a cross-site write."""
    if not connection.url.path.startswith("/api/"):
        return True
    return connection.scope.get("method", "GET") in ("GET", "HEAD")


CSRF_COOKIE = "registry_csrf"
_SAFE = ("GET", "HEAD", "OPTIONS")


def _bound_to_session(connection: ASGIConnection[Any, Any, Any, Any], token: str) -> bool:
    """A portal session cookie is the token the portal issued at login, bound to that login's
    CSRF token (issue 14, finding 5): a form is accepted only with the CSRF cookie of the same
    session (the CSRF middleware has compared form and cookie already)."""
    claims = token_claims(registry_of(connection).settings.resolved_secret(), token)
    if claims is None:
        return True  # expired or forged: principal_from_token refuses it
    binding = claims.get("c")
    if not isinstance(binding, str):
        return False  # a bearer token put into the cookie
    if connection.scope.get("method", "GET") in _SAFE:
        return True
    csrf = connection.cookies.get(CSRF_COOKIE, "")
    return bool(csrf) and hmac.compare_digest(binding, csrf_binding(csrf))


class TokenAuthMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        header = connection.headers.get("authorization", "")
        token = ""
        if header.lower().startswith("bearer "):
            token = header[7:].strip()
        elif SESSION_COOKIE in connection.cookies and _cookie_allowed(connection):
            token = connection.cookies[SESSION_COOKIE]
            if not _bound_to_session(connection, token):
                raise NotAuthorizedException("Sitzung ungültig: bitte erneut anmelden")
        if not token:
            raise NotAuthorizedException("Anmeldung erforderlich")
        principal = principal_from_token(registry_of(connection), token)
        if principal is None:
            raise NotAuthorizedException("Anmeldung abgelaufen oder ungültig")
        if principal.must_change_password and connection.url.path not in PASSWORD_CHANGE_PATHS:
            # after an admin's reset the one-time password opens only the password change
            raise PermissionDeniedException(MUST_CHANGE_PASSWORD)
        return AuthenticationResult(user=principal, auth=token)


def allow(*roles: Role) -> Any:
    """A guard admitting only the given roles (scope checks happen in the services)."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        user = connection.scope.get("user")
        if not isinstance(user, Principal):
            raise NotAuthorizedException("Anmeldung erforderlich")
        if user.role not in roles:
            raise PermissionDeniedException("Für Ihre Rolle nicht erlaubt")

    guard.roles = roles  # type: ignore[attr-defined]  # read by the authorisation matrix test
    return guard


ANY_ROLE = tuple(Role)
CARRIER_STAFF = (
    Role.ADMISSIONS_OFFICER,
    Role.CASE_MANAGER,
    Role.DIRECTORY_READER,
    Role.NETWORK_STRATEGIST,
    Role.ADMIN,
)
