"""The portal's account pages (issue 14, finding 5): one's own password (and the change an
admin's reset demands at the next login), and the notice before an idle session ends."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Response, get, post
from litestar.response import Template

from portal.base import AnyRequest, message_for, page, see_other
from portal.forms import Errors, Form
from portal.session import set_session
from registry.api.security import ANY_ROLE, allow
from registry.auth import Principal
from registry.auth.service import change_password
from registry.context import Registry
from registry.errors import InvalidInput, Problem


@get("/konto/passwort", guards=[allow(*ANY_ROLE)], sync_to_thread=True)
def password_form(request: AnyRequest, me: Principal, hinweis: str | None = None) -> Template:
    return page(
        request,
        "account_password.html",
        title="Passwort ändern",
        forced=me.must_change_password,
        message=message_for(hinweis),
    )


@post("/konto/passwort", guards=[allow(*ANY_ROLE)], status_code=200, sync_to_thread=True)
def password_save(request: AnyRequest, reg: Registry, me: Principal, data: Form) -> Response[Any]:
    errors = Errors(anchors={"current", "new", "repeat"}, default="current")
    current = str(data.get("current") or "")
    new = str(data.get("new") or "")
    if new != str(data.get("repeat") or ""):
        errors.add(Problem("repeat", "Die Passwörter stimmen nicht überein."))
    if not errors:
        try:
            token = change_password(reg, me, current, new)
        except InvalidInput as exc:
            errors.extend(exc.problems)
        else:
            response = see_other("/konto/passwort?hinweis=passwort")
            set_session(response, request, token)  # a new session, a new CSRF token
            return response
    return page(
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
    return page(request, "session_notice.html", title="Sitzung läuft ab")


def handlers() -> Sequence[Any]:
    return [password_form, password_save, session_notice]
