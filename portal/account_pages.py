"""The portal's account pages (issue 14, finding 5): one's own password (and the change an
admin's reset demands at the next login), and the notice before an idle session ends."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Request, Response, get, post
from litestar.response import Template

from portal.forms import Errors, Form
from portal.session import set_session
from registry.api.security import ANY_ROLE, allow, registry_of
from registry.auth import Principal, Role
from registry.errors import InvalidInput, Problem

AnyRequest = Request[Any, Any, Any]


def _page(request: AnyRequest, template: str, **context: Any) -> Template:
    from portal.controllers import page

    return page(request, template, **context)


@get("/konto/passwort", guards=[allow(*ANY_ROLE)], sync_to_thread=True)
def password_form(request: AnyRequest, hinweis: str | None = None) -> Template:
    from portal.controllers import _message

    me: Principal = request.user
    return _page(
        request,
        "account_password.html",
        title="Passwort ändern",
        forced=me.must_change_password,
        message=_message(hinweis),
    )


@post("/konto/passwort", guards=[allow(*ANY_ROLE)], status_code=200, sync_to_thread=True)
def password_save(request: AnyRequest, data: Form) -> Response[Any]:
    from portal.controllers import see_other
    from registry.auth.service import change_password

    me: Principal = request.user
    errors = Errors(anchors={"current", "new", "repeat"}, default="current")
    current = str(data.get("current") or "")
    new = str(data.get("new") or "")
    if new != str(data.get("repeat") or ""):
        errors.add(Problem("repeat", "Die Passwörter stimmen nicht überein."))
    if not errors:
        try:
            token = change_password(registry_of(request), me, current, new)
        except InvalidInput as exc:
            errors.extend(exc.problems)
        else:
            response = see_other("/konto/passwort?hinweis=passwort")
            set_session(response, request, token)  # a new session, a new CSRF token
            return response
    return _page(
        request,
        "account_password.html",
        status_code=422,
        title="Passwort ändern",
        errors=errors,
        forced=me.must_change_password,
    )


@get("/sitzung", exclude_from_auth=True, sync_to_thread=True)
def session_notice(request: AnyRequest) -> Template:
    """Shown shortly before an idle session ends; opening it does not extend the session."""
    return _page(request, "session_notice.html", title="Sitzung läuft ab")


ADMIN_ONLY = [allow(Role.ADMIN)]


@post("/admin/users/{user_id:str}/active", guards=ADMIN_ONLY, status_code=200, sync_to_thread=True)
def admin_user_active(request: AnyRequest, user_id: str, data: Form) -> Response[Any]:
    """Deactivate (its sessions end at once) or reactivate an account of the admin's scope."""
    from portal.controllers import see_other
    from registry.auth.service import get_user, set_user_active

    reg, me = registry_of(request), request.user
    get_user(reg, me, user_id)  # 404 outside the admin's scope
    active = str(data.get("active") or "") == "ja"
    set_user_active(reg, me, user_id, active)
    return see_other("/admin/users?hinweis=" + ("aktiviert" if active else "deaktiviert"))


@post("/admin/users/{user_id:str}/reset", guards=ADMIN_ONLY, status_code=200, sync_to_thread=True)
def admin_user_reset(request: AnyRequest, user_id: str) -> Template:
    """A one-time password, shown on this page only; the user changes it at the next login."""
    from portal.controllers import _users_page
    from registry.auth.service import get_user, reset_password

    reg, me = registry_of(request), request.user
    user = get_user(reg, me, user_id)
    one_time = reset_password(reg, me, user_id)
    return _users_page(
        request,
        message=(
            f"Einmalpasswort für {user['username']}: {one_time} – nur jetzt sichtbar. "
            "Bitte auf sicherem Weg weitergeben; bei der nächsten Anmeldung muss es geändert "
            "werden. Alle Sitzungen des Kontos sind beendet."
        ),
    )


def handlers() -> Sequence[Any]:
    return [password_form, password_save, session_notice, admin_user_active, admin_user_reset]
