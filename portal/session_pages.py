"""Work is not lost when a session ends (issue 17, item 3).

* ``GET /sitzung/verlaengern``: "Angemeldet bleiben" in the warning before an idle session ends
  (``portal/static/portal.js``) renews the session without leaving the page; JSON.
* ``POST /sitzung/aufbewahren``: a form posted after the session ended arrives here (a 307 from
  the portal's not-authorised answer, ``portal.session.keep_on_expiry``); it is kept in memory
  for the same user's next login, and the browser goes to the login.
* ``GET /sitzung/fortsetzen``: after that login, the kept form once, to be sent again.
* ``POST /applications/new/entwurf``: the application draft saved automatically while the
  provider types (``portal/static/autosave.js``); JSON with the time it was saved.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from litestar import Request, Response, get, post
from litestar.response import Template

from portal.base import PROVIDER, page, see_other
from portal.forms import Form
from portal.session import (
    CONTINUE_PATH,
    KEPT_COOKIE,
    clear_session,
    ended_session_user,
    keep_form,
    kept_cookie,
    may_keep,
    safe_next,
    session_state,
    take_kept_form,
)
from registry import dates
from registry.api.security import ANY_ROLE, allow
from registry.auth import Principal
from registry.context import Registry

AnyRequest = Request[Any, Any, Any]

# what a person calls the form a kept path belongs to (no paths or ids shown)
FORM_NAMES = (
    (re.compile(r"^/applications/new$"), "Antrag auf Zulassung"),
    (re.compile(r"^/agreements/new$"), "Vereinbarung anlegen"),
    (re.compile(r"^/agreements/[^/]+/edit$"), "Vereinbarung bearbeiten"),
    (re.compile(r"^/partners/new$"), "Netzwerkpartner anlegen"),
    (re.compile(r"^/partners/[^/]+/edit$"), "Netzwerkpartner bearbeiten"),
    (re.compile(r"^/provider/sites/[^/]+$"), "Standort bearbeiten"),
    (re.compile(r"^/provider/staff(/[^/]+)?$"), "Fallmanager*innen"),
    (re.compile(r"^/announcements/new$"), "Bekanntmachung"),
)


def form_name(path: str) -> str:
    return next((name for pattern, name in FORM_NAMES if pattern.match(path)), "")


def _session_json(request: AnyRequest, **extra: Any) -> Response[dict[str, Any]]:
    cookies, state = session_state(request)
    return Response(
        {
            **extra,
            "ends": state.get("session_ends", ""),
            "remaining": state.get("session_remaining", 0),
            "warn_after": state.get("session_warn_after", 0),
        },
        cookies=cookies,
        headers={"Cache-Control": "no-store"},
    )


@get("/sitzung/verlaengern", guards=[allow(*ANY_ROLE)], sync_to_thread=True)
def session_renew(request: AnyRequest) -> Response[dict[str, Any]]:
    """Stay signed in: the session's idle time starts again."""
    return _session_json(request, ok=True)


@post("/sitzung/aufbewahren", exclude_from_auth=True, status_code=303, sync_to_thread=True)
def session_keep(request: AnyRequest, data: Form, ziel: str = "") -> Response[Any]:
    """Keep the form posted after the session ended (CSRF checked as for every form), then log
    in again. Nothing is kept without a genuine session of this browser or for a path that is
    never kept (the directory search)."""
    target = safe_next(ziel)
    user = ended_session_user(request)
    if user is None or not may_keep(target) or target == "/":
        response: Response[Any] = see_other("/login")
        clear_session(response)
        return response
    key = keep_form(user, target, data)
    response = see_other(f"/login?next={CONTINUE_PATH}")
    clear_session(response)
    response.cookies.append(kept_cookie(key))
    return response


@get(CONTINUE_PATH, guards=[allow(*ANY_ROLE)], sync_to_thread=True)
def session_continue(request: AnyRequest, me: Principal) -> Response[Any]:
    """The kept form, once: "Eingaben jetzt senden" posts it to where it was going."""
    kept = take_kept_form(request.cookies.get(KEPT_COOKIE), me.user_id)
    fields: list[tuple[str, str]] = []
    if kept is not None:
        fields = [(name, v) for name, values in kept.form.items() for v in values]
    filled = sum(1 for name, v in fields if v.strip() and not name.startswith(("_", "action")))
    response: Template = page(
        request,
        "session_continue.html",
        title="Ihre Eingaben",
        kept=kept,
        fields=fields,
        filled=filled,
        form_title=form_name(kept.path) if kept else "",
    )
    response.delete_cookie(KEPT_COOKIE, path="/")
    return response


@post("/applications/new/entwurf", guards=[allow(PROVIDER)], status_code=200, sync_to_thread=True)
def draft_autosave(
    request: AnyRequest, reg: Registry, me: Principal, data: Form
) -> Response[dict[str, Any]]:
    """The application draft saved while the provider types (the same draft as "Entwurf
    speichern"); answers when it was saved and when the session now ends."""
    from registry.admission import drafts

    try:
        saved = drafts.save_draft(reg, me, data)
    except ValueError:
        return Response({"ok": False, "message": "Der Entwurf ist zu groß."}, status_code=413)
    return _session_json(request, ok=True, saved_at=_clock_time(saved))


def _clock_time(iso: str) -> str:
    """HH:MM of an ISO timestamp, in German time."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return ""
    return dates.clock_time(moment)


def handlers() -> Sequence[Any]:
    return [session_renew, session_keep, session_continue, draft_autosave]
