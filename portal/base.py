"""The portal's base: templates, page rendering, redirects, error pages, navigation, dependencies.

Every page module of the portal builds on this module and nothing else of the portal's pages;
``portal.routes`` collects the pages into the portal's Router. Handlers receive the registry
(``reg``) and the logged-in user (``me``) as Litestar dependencies (``DEPENDENCIES``).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from litestar import Request, Response
from litestar.di import Provide
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.template.config import TemplateConfig

from portal import labels
from portal.forms import Errors, field_id
from portal.maps import shape_points
from portal.picker_choices import picker_state
from portal.session import clear_session, keep_on_expiry, optional_principal, session_state
from registry.api.security import MUST_CHANGE_PASSWORD, registry_of
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound

_HERE = Path(__file__).resolve().parent
STATIC_DIR = _HERE / "static"
log = logging.getLogger("registry.portal")

AnyRequest = Request[Any, Any, Any]

OFFICER = Role.ADMISSIONS_OFFICER
PROVIDER = Role.PROVIDER
CASE_MANAGER = Role.CASE_MANAGER
READER = Role.DIRECTORY_READER
STRATEGIST = Role.NETWORK_STRATEGIST
ADMIN = Role.ADMIN

PAGE_SIZE = 20

# --------------------------------------------------------------------------- templates


def _engine_setup(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    env.globals.update(
        field_id=field_id,
        labels=labels,
        fval=lambda form, name, default="": _form_value(form, name, default),
        flist=lambda form, name: _form_list(form, name),
        map_shape=shape_points,
        counselling_modes=labels.counselling_modes,
        picker_state=picker_state,
    )
    env.filters.update(
        de_date=labels.de_date,
        de_datetime=labels.de_datetime,
        de_number=labels.de_number,
        days=labels.days,
        days_ago=labels.days_ago,
    )
    env.trim_blocks = True
    env.lstrip_blocks = True


def _form_value(form: Mapping[str, Any] | None, name: str, default: str = "") -> str:
    if not form:
        return default
    raw = form.get(name, default)
    if isinstance(raw, list):
        return str(raw[-1]) if raw else default
    return "" if raw is None else str(raw)


def _form_list(form: Mapping[str, Any] | None, name: str) -> list[str]:
    if not form:
        return []
    raw = form.get(name)
    if raw is None:
        return []
    return [str(v) for v in raw] if isinstance(raw, list) else [str(raw)]


def portal_template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(
        directory=_HERE / "templates",
        engine=JinjaTemplateEngine,
        engine_callback=_engine_setup,
    )


# --------------------------------------------------------------------------- navigation

NAV: dict[Role, list[tuple[str, str]]] = {
    OFFICER: [
        ("/inbox", "Eingang"),
        ("/applications", "Anträge"),
        ("/follow-ons", "Folgezulassungen"),
        ("/admissions", "Zulassungen"),
        ("/notices", "Hinweise"),
        ("/announcements", "Bekanntmachungen"),
        ("/overview", "Übersicht"),
    ],
    PROVIDER: [
        ("/applications", "Meine Anträge"),
        ("/applications/new", "Neuer Antrag"),
        ("/provider", "Unsere Organisation"),
        ("/provider/staff", "Fallmanager*innen"),
        ("/announcements", "Bekanntmachungen"),
    ],
    CASE_MANAGER: [
        ("/search", "Anbietersuche"),
        ("/partners/search", "Partnersuche"),
        ("/partners", "Netzwerkpartner"),
        ("/network/around", "Netz um einen Kreis"),
        ("/overview", "Übersicht"),
    ],
    READER: [("/search", "Anbietersuche"), ("/overview", "Übersicht")],
    STRATEGIST: [
        ("/partners", "Netzwerkpartner"),
        ("/partners/search", "Partnersuche"),
        ("/agreements", "Vereinbarungen"),
        ("/coverage", "Abdeckung"),
        ("/network/around", "Netz um einen Kreis"),
        ("/notices", "Hinweise"),
        ("/announcements", "Bekanntmachungen"),
    ],
    ADMIN: [
        ("/admin/users", "Benutzer"),
        ("/admin/profile", "Trägerprofil"),
        ("/admin/criteria", "Kriterien"),
        ("/coverage", "Abdeckung"),
        ("/overview", "Übersicht"),
    ],
}

# --------------------------------------------------------------------------- dependencies


def current_principal(request: AnyRequest) -> Principal:
    """The logged-in user (the auth middleware put it on the scope); else to the login page."""
    user = request.scope.get("user")
    if not isinstance(user, Principal):
        raise NotAuthorizedException("Anmeldung erforderlich")
    return user


def current_registry(request: AnyRequest) -> Registry:
    return registry_of(request)


DEPENDENCIES: dict[str, Provide] = {
    "reg": Provide(current_registry, sync_to_thread=False),
    "me": Provide(current_principal, sync_to_thread=False),
}

# --------------------------------------------------------------------------- pages


def page(
    request: AnyRequest,
    template: str,
    *,
    status_code: int = 200,
    title: str = "",
    **context: Any,
) -> Template:
    """Render a page with the layout's context: the user, the navigation, reference labels."""
    principal = context.pop("principal", None) or optional_principal(request)
    reg = registry_of(request)
    ref = reg.reference
    nav = NAV.get(principal.role, []) if principal else []
    context.setdefault("errors", Errors())
    context.setdefault("form", {})
    cookies, session = session_state(request) if principal else ([], {})
    return Template(
        template_name=template,
        status_code=status_code,
        cookies=cookies,
        context={
            **session,
            "title": title,
            "principal": principal,
            "role_label": labels.role_label(principal.role) if principal else "",
            "carrier_name": carrier_name(reg, principal.carrier) if principal else "",
            "nav": nav,
            "path": request.url.path,
            "carriers": {c.id: c.name for c in ref.carriers},
            "target_groups": {t.code: t.label for t in ref.target_groups},
            **context,
        },
    )


def target_group_label(reg: Registry, code: str) -> str:
    return next((t.label for t in reg.reference.target_groups if t.code == code), code)


def carrier_name(reg: Registry, carrier_id: str | None) -> str:
    if not carrier_id:
        return ""
    carrier = reg.reference.carriers_by_id.get(carrier_id)
    return carrier.name if carrier else carrier_id


def see_other(path: str) -> Redirect:
    return Redirect(path=path, status_code=303)


def paging(items: Sequence[Any], page_no: int, size: int = PAGE_SIZE) -> dict[str, Any]:
    pages = max(1, math.ceil(len(items) / size))
    current = min(max(page_no, 1), pages)
    start = (current - 1) * size
    return {
        "rows": list(items[start : start + size]),
        "page": current,
        "pages": pages,
        "total": len(items),
    }


MESSAGES = {
    "beteiligung": "Die Beteiligung Ihres Trägers ist bestätigt. Die Bekanntmachung erscheint, "
    "sobald alle genannten Träger bestätigt haben.",
    "eingereicht": "Ihr Antrag ist eingereicht.",
    "entschieden": "Die Entscheidung ist gespeichert.",
    "zugelassen": "Die Folgezulassung ist erteilt.",
    "bestaetigt": "Der Hinweis ist bestätigt.",
    "geaendert": "Die Zulassung ist geändert.",
    "zurueckgezogen": "Der Antrag ist zurückgezogen.",
    "registriert": "Ihre Organisation ist registriert und Sie sind angemeldet. Jetzt können Sie "
    "einen Antrag auf Zulassung stellen.",
    "veroeffentlicht": "Die Bekanntmachung ist veröffentlicht.",
    "angelegt": "Der Benutzer ist angelegt.",
    "aktiviert": "Das Konto ist wieder aktiv; bisherige Sitzungen bleiben beendet.",
    "deaktiviert": "Das Konto ist deaktiviert; alle seine Sitzungen sind beendet.",
    "passwort": "Ihr Passwort ist geändert; Ihre anderen Sitzungen sind beendet.",
    "entwurf": "Ihr Entwurf ist gespeichert. Sie können sich abmelden und später hier "
    "weitermachen; eingereicht ist der Antrag erst mit »Antrag einreichen«.",
    "verworfen": "Der Entwurf ist gelöscht.",
}


def message_for(hinweis: str | None) -> str:
    """The confirmation a page shows after a redirect with ``?hinweis=...``."""
    return MESSAGES.get(hinweis or "", "")


# --------------------------------------------------------------------------- errors


def error_page(
    request: AnyRequest, status: int, heading: str, message: str, rules: Sequence[str] = ()
) -> Response[Any]:
    """The portal's error page; ``rules``: the rule codes behind it, shown to staff only."""
    return page(
        request,
        "error.html",
        status_code=status,
        title=heading,
        heading=heading,
        message=message,
        rules=[r for r in rules if r],
    )


def _not_authorized(request: AnyRequest, exc: Exception) -> Response[Any]:
    kept = keep_on_expiry(request)  # a form posted after the session ended is kept (issue 17)
    if kept is not None:
        return kept
    target = request.url.path if request.method == "GET" else "/"
    if request.url.query:
        target += "?" + request.url.query
    response = Redirect(path="/login", query_params={"next": target}, status_code=303)
    clear_session(response)
    return response


def _permission_denied(request: AnyRequest, exc: PermissionDeniedException) -> Response[Any]:
    if exc.detail == MUST_CHANGE_PASSWORD:  # after an admin's reset: the password first
        return Redirect(path="/konto/passwort", status_code=303)
    if "CSRF" in str(exc.detail):
        return error_page(
            request,
            403,
            "Formular abgelaufen",
            "Das Formular war veraltet oder unvollständig. Bitte laden Sie die Seite neu und "
            "senden Sie es noch einmal.",
        )
    return error_page(
        request, 403, "Nicht erlaubt", "Diese Seite ist für Ihre Rolle nicht vorgesehen."
    )


def _domain_error(request: AnyRequest, exc: DomainError) -> Response[Any]:
    """The portal's one mapping of the domain errors, by their class (they carry no status)."""
    if isinstance(exc, NotFound):
        return error_page(request, 404, "Nicht gefunden", exc.message)
    if isinstance(exc, Forbidden):
        return error_page(request, 403, "Nicht erlaubt", exc.message, [exc.rule or ""])
    if isinstance(exc, Conflict):
        return error_page(request, 409, "Inzwischen geändert", exc.message)
    if isinstance(exc, InvalidInput):
        text = " ".join(p.message for p in exc.problems) or exc.message
        rules = [p.rule or "" for p in exc.problems]
        return error_page(request, 422, "Ungültige Eingabe", text, rules)
    return error_page(request, 400, "Fehler", exc.message)


def _http_error(request: AnyRequest, exc: HTTPException) -> Response[Any]:
    if exc.status_code == 404:
        return error_page(request, 404, "Nicht gefunden", "Diese Seite gibt es nicht.")
    if exc.status_code == 405:
        return error_page(request, 405, "Nicht möglich", "Diese Aktion ist hier nicht möglich.")
    if exc.status_code == 413:
        return error_page(request, 413, "Zu groß", "Die gesendeten Daten sind zu umfangreich.")
    if exc.status_code < 500:
        return error_page(request, exc.status_code, "Fehler", "Die Anfrage ist ungültig.")
    return error_page(
        request, exc.status_code, "Technischer Fehler", "Bitte versuchen Sie es später erneut."
    )


def _validation_error(request: AnyRequest, exc: ValidationException) -> Response[Any]:
    return error_page(
        request, 400, "Ungültige Anfrage", "Die Angaben in der Adresse sind ungültig."
    )


def _internal_error(request: AnyRequest, exc: Exception) -> Response[Any]:
    log.exception("portal error on %s %s", request.method, request.url.path)
    return error_page(request, 500, "Technischer Fehler", "Bitte versuchen Sie es später erneut.")


PORTAL_EXCEPTION_HANDLERS: dict[Any, Any] = {
    NotAuthorizedException: _not_authorized,
    PermissionDeniedException: _permission_denied,
    ValidationException: _validation_error,
    DomainError: _domain_error,
    HTTPException: _http_error,
    Exception: _internal_error,
}
