"""Start, login, logout and the provider's self-registration (docs/rules.md §9)."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post
from litestar.response import Template
from pydantic import ValidationError

from portal import application_form as appform
from portal.base import (
    ADMIN,
    CASE_MANAGER,
    OFFICER,
    PROVIDER,
    READER,
    STRATEGIST,
    AnyRequest,
    page,
    see_other,
)
from portal.forms import Errors, Form, problems_of, value
from portal.session import clear_session, optional_principal, safe_next, set_session
from registry.admission.providers import register_provider
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Conflict, InvalidInput, Problem

# --------------------------------------------------------------------------- start, login


CAPABILITIES: dict[Role, list[str]] = {
    OFFICER: [
        "Anträge auf Zulassung empfangen und sehen, welche an Ihren Träger weitergeleitet wurden.",
        "Anträge prüfen (Befunde mit Regel und Schwere) und als federführender Träger je "
        "Zielgruppe mit Begründung entscheiden.",
        "Folgezulassungen für Standorte in Ihrer Region erteilen.",
        "Hinweise anderer Träger bestätigen.",
        "Zulassungen Ihres Trägers ruhen lassen, wieder aufnehmen, widerrufen und regelmäßig "
        "überprüfen; Verträge mit zugelassenen Anbietern erfassen.",
        "Bekanntmachungen veröffentlichen.",
        "Die Übersicht der zugelassenen Anbieter Ihrer Region ausgeben (Seite, PDF, CSV).",
    ],
    PROVIDER: [
        "Einen Antrag auf Zulassung stellen – auch schrittweise mit gespeichertem Entwurf.",
        "Den Stand Ihrer Anträge verfolgen und jede Entscheidung mit Begründung lesen.",
        "Die Angaben Ihrer Standorte aktuell halten und einmal im Jahr bestätigen.",
        "Zu- und Abgänge Ihrer Fallmanager*innen melden.",
        "Offene Bekanntmachungen der Träger lesen.",
    ],
    CASE_MANAGER: [
        "Alle passenden zugelassenen Anbieter für eine versicherte Person finden, die nächsten "
        "zuerst, mit Karte, und die Liste zum Aushändigen drucken.",
        "Erfahren, warum ein bestimmter Anbieter nicht in der Liste steht.",
        "Ungedeckten Bedarf mit einem Klick melden, wenn nichts passt.",
        "Netzwerkpartner in der Nähe suchen und Partner und Ansprechpersonen pflegen.",
    ],
    READER: [
        "Alle passenden zugelassenen Anbieter finden und die Liste drucken, und die Übersicht "
        "der zugelassenen Anbieter Ihrer Region ausgeben – sonst nichts.",
    ],
    STRATEGIST: [
        "Netzwerkpartner und Kooperationsvereinbarungen pflegen: ändern, neue Versionen, "
        "aussetzen, beenden; sehen, welche zur Überprüfung fällig sind.",
        "Auf einer Karte sehen, wo Angebote fehlen (Abdeckung nach Kreis und Zielgruppe), und "
        "aus einer Lücke eine Bekanntmachung starten.",
        "Hinweise zu Vereinbarungen bestätigen und Bekanntmachungen veröffentlichen.",
    ],
    ADMIN: [
        "Benutzer anlegen und ihre Rollen sehen.",
        "Das Trägerprofil pflegen (Ansprechpersonen, Schweregrade der Kriterien).",
    ],
}


@get("/", exclude_from_auth=True, sync_to_thread=True)
def home(request: AnyRequest) -> Template:
    principal = optional_principal(request)
    caps = CAPABILITIES.get(principal.role, []) if principal else []
    return page(request, "home.html", title="Start", capabilities=caps, principal=principal)


@get("/login", exclude_from_auth=True, sync_to_thread=True)
def login_form(request: AnyRequest, next: str | None = None) -> Template:  # noqa: A002
    return page(request, "login.html", title="Anmelden", next=safe_next(next))


@post("/login", exclude_from_auth=True, status_code=200, sync_to_thread=True)
def login_submit(request: AnyRequest, reg: Registry, data: Form) -> Response[Any]:
    from registry.api.reference import client_address
    from registry.auth.service import LoginFailed, LoginThrottled, login, principal_from_token

    username = value(data, "username")
    password = str(data.get("password") or "")
    target = safe_next(value(data, "next"))
    errors = Errors(anchors={"username", "password"}, default="username")
    status = 422
    if not username:
        errors.add(Problem("username", "Bitte den Benutzernamen eingeben."))
    if not password:
        errors.add(Problem("password", "Bitte das Passwort eingeben."))
    if not errors:
        try:
            token = login(reg, username, password, client_address(request))
        except LoginThrottled as exc:
            errors.add(Problem("username", exc.message))
            status = 429
        except LoginFailed as exc:
            errors.add(Problem("username", exc.message))
        else:
            me = principal_from_token(reg, token)
            if me is not None and me.must_change_password:
                target = "/konto/passwort"
            response = see_other(target)
            set_session(response, request, token)
            return response
    return page(
        request,
        "login.html",
        status_code=status,
        title="Anmelden",
        errors=errors,
        form={"username": username},
        next=target,
    )


@post("/logout", exclude_from_auth=True, status_code=200, sync_to_thread=True)
def logout(request: AnyRequest, reg: Registry) -> Response[Any]:
    from registry.auth.service import logout as end_session

    me = optional_principal(request)
    if me is not None:  # the session ends on the server: a replayed cookie is refused
        end_session(reg, me)
    response = see_other("/login?abgemeldet=1")
    clear_session(response)
    return response


@post("/logout-everywhere", status_code=200, sync_to_thread=True)
def logout_all(request: AnyRequest, reg: Registry, me: Principal) -> Response[Any]:
    from registry.auth.service import logout_everywhere

    logout_everywhere(reg, me)
    response = see_other("/login?abgemeldet=alle")
    clear_session(response)
    return response


REGISTER_ANCHORS = {
    "name",
    "legal_form",
    "email",
    "phone",
    "website",
    "user.username",
    "user.password",
    "user.password_repeat",
}


@get("/register", exclude_from_auth=True, sync_to_thread=True)
def register_form(request: AnyRequest) -> Template:
    return page(request, "register.html", title="Als Anbieter registrieren")


@post("/register", exclude_from_auth=True, status_code=200, sync_to_thread=True)
def register_submit(request: AnyRequest, reg: Registry, data: Form) -> Response[Any]:
    from registry.api.admission import FirstUserIn
    from registry.api.schemas import ProviderIn
    from registry.auth import password_problems
    from registry.auth.service import login

    errors = Errors(anchors=REGISTER_ANCHORS, default="name")
    provider = {k: value(data, k) for k in appform.PROVIDER_FIELDS}
    user = {"username": value(data, "user.username"), "password": str(data.get("user.password"))}
    try:
        ProviderIn.model_validate(provider)
    except ValidationError as exc:
        errors.extend(problems_of(exc))
    try:
        FirstUserIn.model_validate(user)
    except ValidationError as exc:
        errors.extend(problems_of(exc, "user"))
    errors.extend(Problem("user.password", p) for p in password_problems(user["password"]))
    if user["password"] != str(data.get("user.password_repeat")):
        errors.add(Problem("user.password_repeat", "Die Passwörter stimmen nicht überein."))
    if not errors:
        try:
            register_provider(reg, None, provider, first_user=user)
        except InvalidInput as exc:
            errors.extend(exc.problems)
        except Conflict as exc:
            errors.add(Problem("user.username", exc.message))
        else:
            response = see_other("/applications/new?hinweis=registriert")
            set_session(response, request, login(reg, user["username"], user["password"]))
            return response
    form = {k: v for k, v in data.items() if "password" not in k}
    return page(
        request,
        "register.html",
        status_code=422,
        title="Als Anbieter registrieren",
        errors=errors,
        form=form,
    )


def handlers() -> list[Any]:
    return [home, login_form, login_submit, logout, logout_all, register_form, register_submit]
