"""The server-rendered German portal (Litestar + Jinja2).

Every page calls the same service functions as the JSON API, with the logged-in Principal: the
services decide what the user may see and do (docs/rules.md §9); the guards only keep roles off pages
they can never use. Every journey works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Mapping
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
from portal.base import carrier_name as _carrier_name
from portal.base import current_principal as _me
from portal.base import current_registry as _reg
from portal.base import error_page as _error_page
from portal.base import message_for as _message
from portal.base import target_group_label as _target_group_label
from portal.forms import Errors, Form, FormData, problems_of, value, values
from portal.session import clear_session, optional_principal, safe_next, set_session
from registry import notices as notice_service
from registry.admission.announcements import (
    confirm_announcement,
    create_announcement,
    list_announcements,
)
from registry.admission.providers import register_provider
from registry.api.security import allow
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Conflict, InvalidInput, NotFound, Problem

__all__ = ["_error_page", "_me", "_message", "_reg", "allow", "handlers"]


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
def login_submit(request: AnyRequest, data: Form) -> Response[Any]:
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
            token = login(_reg(request), username, password, client_address(request))
        except LoginThrottled as exc:
            errors.add(Problem("username", exc.message))
            status = 429
        except LoginFailed as exc:
            errors.add(Problem("username", exc.message))
        else:
            me = principal_from_token(_reg(request), token)
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
def logout(request: AnyRequest) -> Response[Any]:
    from registry.auth.service import logout as end_session

    me = optional_principal(request)
    if me is not None:  # the session ends on the server: a replayed cookie is refused
        end_session(_reg(request), me)
    response = see_other("/login?abgemeldet=1")
    clear_session(response)
    return response


@post("/logout-everywhere", status_code=200, sync_to_thread=True)
def logout_all(request: AnyRequest) -> Response[Any]:
    from registry.auth.service import logout_everywhere

    logout_everywhere(_reg(request), _me(request))
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
def register_submit(request: AnyRequest, data: Form) -> Response[Any]:
    from registry.api.admission import FirstUserIn
    from registry.api.schemas import ProviderIn
    from registry.auth import password_problems
    from registry.auth.service import login

    reg = _reg(request)
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


# --------------------------------------------------------------------------- notices


@get("/notices", guards=[allow(OFFICER, STRATEGIST)], sync_to_thread=True)
def notice_list(request: AnyRequest, hinweis: str | None = None) -> Template:
    reg, me = _reg(request), _me(request)
    open_notices = notice_service.list_notices(reg, me, False)
    done = notice_service.list_notices(reg, me, True)
    done.sort(key=lambda n: n["acknowledged_at"] or "", reverse=True)
    return page(
        request,
        "notices.html",
        title="Hinweise",
        open_notices=sorted(open_notices, key=lambda n: n["created_at"]),
        done=done[:20],
        message=_message(hinweis),
    )


@post(
    "/notices/{notice_id:str}/acknowledge",
    guards=[allow(OFFICER, STRATEGIST)],
    status_code=200,
    sync_to_thread=True,
)
def notice_acknowledge(request: AnyRequest, notice_id: str) -> Response[Any]:
    notice_service.acknowledge(_reg(request), _me(request), notice_id)
    return see_other("/notices?hinweis=bestaetigt")


# --------------------------------------------------------------------------- announcements

ANNOUNCEMENT_ANCHORS = {"carriers", "target_groups", "state", "districts", "text", "open_until"}


@get("/announcements", sync_to_thread=True)
def announcement_list(
    request: AnyRequest, alle: bool = False, hinweis: str | None = None
) -> Template:
    me = _me(request)
    confirming = me.carrier if me.role in (OFFICER, STRATEGIST) else None
    items = list_announcements(_reg(request), open_only=not alle, carrier=confirming)
    items.sort(key=lambda a: a["created_at"], reverse=True)
    return page(
        request,
        "announcements.html",
        title="Bekanntmachungen",
        items=items,
        show_all=alle,
        may_publish=me.role in (OFFICER, STRATEGIST),
        my_carrier=confirming or "",
        message=_message(hinweis),
    )


@post(
    "/announcements/{announcement_id:str}/confirm",
    guards=[allow(OFFICER, STRATEGIST)],
    status_code=200,
    sync_to_thread=True,
)
def announcement_confirm(request: AnyRequest, announcement_id: str) -> Response[Any]:
    """A12, N4: a named carrier confirms its part; the last confirmation publishes it."""
    confirm_announcement(_reg(request), _me(request), announcement_id)
    return see_other("/announcements?hinweis=beteiligung")


def _announcement_form(
    request: AnyRequest, form: FormData, *, status_code: int = 200, errors: Errors | None = None
) -> Template:
    ref = _reg(request).reference
    return page(
        request,
        "announcement_form.html",
        status_code=status_code,
        title="Bekanntmachung veröffentlichen",
        form=form,
        errors=errors or Errors(),
        carrier_list=ref.carriers,
        target_group_list=ref.target_groups,
        states=ref.states(),
    )


@get("/announcements/new", guards=[allow(OFFICER, STRATEGIST)], sync_to_thread=True)
def announcement_new(request: AnyRequest) -> Template:
    """A12; from a coverage gap (N6, N7) the form comes pre-filled with the target group and
    the district(s) of the gap (``?target_group=…&district=…``)."""
    reg, me = _reg(request), _me(request)
    query = request.query_params
    known = {t.code for t in reg.reference.target_groups}
    groups = [g for g in query.getall("target_group", []) if g in known]
    districts = [
        reg.reference.districts_by_key[k]
        for k in query.getall("district", [])
        if k in reg.reference.districts_by_key
    ][:50]
    form: dict[str, Any] = {"carriers": [me.carrier or ""]}
    if groups:
        form["target_groups"] = groups
    if districts:
        form["districts"] = ", ".join(d.key for d in districts)
        labels_ = ", ".join(_target_group_label(reg, g) for g in groups) or "Fallmanagement"
        names = ", ".join(d.name for d in districts)
        form["text"] = (
            f"Die {_carrier_name(reg, me.carrier)} sucht zugelassene Anbieter von Fallmanagement "
            f"für die Zielgruppe {labels_} in {names}. Bitte stellen Sie Ihren Antrag auf "
            "Zulassung über das Register."
        )
    return _announcement_form(request, form)


@post(
    "/announcements/new",
    guards=[allow(OFFICER, STRATEGIST)],
    status_code=200,
    sync_to_thread=True,
)
def announcement_create(request: AnyRequest, data: Form) -> Response[Any]:
    from registry.api.schemas import AnnouncementIn

    reg, me = _reg(request), _me(request)
    errors = Errors(anchors=ANNOUNCEMENT_ANCHORS, default="text")
    body = {
        "carriers": values(data, "carriers"),
        "target_groups": values(data, "target_groups"),
        "districts": [d for d in value(data, "districts").replace(",", " ").split() if d],
        "state": value(data, "state"),
        "text": value(data, "text"),
        "open_until": value(data, "open_until"),
    }
    try:
        parsed = AnnouncementIn.model_validate(body)
    except ValidationError as exc:
        errors.extend(problems_of(exc))
    else:
        try:
            create_announcement(reg, me, parsed.model_dump())
        except InvalidInput as exc:
            errors.extend(exc.problems)
        else:
            return see_other("/announcements?hinweis=veroeffentlicht")
    return _announcement_form(request, data, status_code=422, errors=errors)


# --------------------------------------------------------------------------- admin

USER_ANCHORS = {"username", "password", "role", "carrier", "provider"}


def _users_in_scope(reg: Registry, me: Principal) -> list[dict[str, Any]]:
    """The accounts an admin may see: all, or those of its own carrier (docs/rules.md §9)."""
    from registry.auth.service import list_users

    return [dict(u) for u in list_users(reg, me)]


def _users_page(
    request: AnyRequest,
    *,
    form: FormData | None = None,
    errors: Errors | None = None,
    status_code: int = 200,
    message: str = "",
) -> Template:
    reg, me = _reg(request), _me(request)
    carriers = [c for c in reg.reference.carriers if me.carrier in (None, c.id)]
    roles = [r for r in Role if me.carrier is None or r is not PROVIDER]
    return page(
        request,
        "admin_users.html",
        status_code=status_code,
        title="Benutzer",
        users=_users_in_scope(reg, me),
        form=form or {"carrier": me.carrier or ""},
        errors=errors or Errors(),
        carrier_list=carriers,
        roles=roles,
        message=message,
    )


@get("/admin/users", guards=[allow(ADMIN)], sync_to_thread=True)
def admin_users(request: AnyRequest, hinweis: str | None = None) -> Template:
    return _users_page(request, message=_message(hinweis))


@post("/admin/users", guards=[allow(ADMIN)], status_code=200, sync_to_thread=True)
def admin_user_create(request: AnyRequest, data: Form) -> Response[Any]:
    from registry.auth.service import add_user

    reg, me = _reg(request), _me(request)
    errors = Errors(anchors=USER_ANCHORS, default="username")
    carrier = value(data, "carrier") or None
    role = value(data, "role")
    if me.carrier is not None and carrier != me.carrier:
        errors.add(Problem("carrier", "Sie können nur Benutzer Ihres eigenen Trägers anlegen."))
    if me.carrier is not None and role == PROVIDER.value:
        errors.add(
            Problem("role", "Anbieter-Konten legt die trägerübergreifende Administration an.")
        )
    if not errors:
        try:
            add_user(
                reg,
                username=value(data, "username"),
                password=str(data.get("password") or ""),
                role=role,
                carrier=carrier if role != PROVIDER.value else None,
                provider=value(data, "provider") or None,
                actor=me,
            )
        except InvalidInput as exc:
            errors.extend(exc.problems)
        except Conflict as exc:
            errors.add(Problem("username", exc.message))
        else:
            return see_other("/admin/users?hinweis=angelegt")
    form = {k: v for k, v in data.items() if k != "password"}
    return _users_page(request, form=form, errors=errors, status_code=422)


CONTACT_ROWS = 3


def _profile_anchors() -> set[str]:
    names = {"contacts", "criteria"}
    for i in range(CONTACT_ROWS):
        names |= {f"contacts[{i}].{k}" for k in ("name", "phone", "email")}
    return names


def _profile_form(profile: Mapping[str, Any]) -> dict[str, Any]:
    form: dict[str, Any] = {}
    for i, contact in enumerate(profile.get("contacts") or []):
        for key in ("name", "phone", "email"):
            form[f"contacts[{i}].{key}"] = contact.get(key, "")
    return form


def _profile_page(
    request: AnyRequest,
    carrier_id: str,
    *,
    form: FormData | None = None,
    errors: Errors | None = None,
    status_code: int = 200,
    message: str = "",
) -> Template:
    from registry.lifecycle.carrier_profile import get_carrier_profile

    reg, me = _reg(request), _me(request)
    profile = get_carrier_profile(reg, me, carrier_id) if carrier_id else None
    return page(
        request,
        "admin_profile.html",
        status_code=status_code,
        title="Trägerprofil",
        carrier_id=carrier_id,
        profile=profile,
        form=form if form is not None else _profile_form(profile or {}),
        errors=errors or Errors(),
        contact_rows=CONTACT_ROWS,
        carrier_list=reg.reference.carriers,
        message=message,
    )


@get("/admin/profile", guards=[allow(ADMIN)], sync_to_thread=True)
def admin_profile(
    request: AnyRequest, carrier: str | None = None, hinweis: str | None = None
) -> Template:
    me = _me(request)
    carrier_id = me.carrier or carrier or ""
    if carrier_id and carrier_id not in _reg(request).reference.carriers_by_id:
        raise NotFound("Unbekannter Träger")
    message = "Das Trägerprofil ist gespeichert." if hinweis == "gespeichert" else ""
    return _profile_page(request, carrier_id, message=message)


@post(
    "/admin/profile/{carrier_id:str}", guards=[allow(ADMIN)], status_code=200, sync_to_thread=True
)
def admin_profile_save(request: AnyRequest, carrier_id: str, data: Form) -> Response[Any]:
    from registry.api.schemas import ProfileIn
    from registry.lifecycle.carrier_profile import put_carrier_profile

    reg, me = _reg(request), _me(request)
    if carrier_id not in reg.reference.carriers_by_id:
        raise NotFound("Unbekannter Träger")
    errors = Errors(anchors=_profile_anchors(), default="contacts")
    contacts = []
    for i in range(CONTACT_ROWS):
        row = {k: value(data, f"contacts[{i}].{k}") for k in ("name", "phone", "email")}
        if any(row.values()):
            contacts.append((i, row))
    body = {"contacts": [row for _, row in contacts]}
    try:
        parsed = ProfileIn.model_validate(body)
    except ValidationError as exc:
        for p in problems_of(exc):
            name = p.field
            if name.startswith("contacts[") and "]" in name:
                j = int(name[len("contacts[") : name.index("]")])
                name = f"contacts[{contacts[j][0]}]" + name[name.index("]") + 1 :]
            errors.add(Problem(name, p.message, p.rule))
    else:
        try:
            put_carrier_profile(reg, me, carrier_id, parsed.model_dump())
        except InvalidInput as exc:
            errors.extend(exc.problems)
        else:
            return see_other(f"/admin/profile?carrier={carrier_id}&hinweis=gespeichert")
    return _profile_page(request, carrier_id, form=data, errors=errors, status_code=422)


# --------------------------------------------------------------------------- the router


def handlers() -> list[Any]:
    return [
        home,
        login_form,
        login_submit,
        logout,
        logout_all,
        register_form,
        register_submit,
        notice_list,
        notice_acknowledge,
        announcement_list,
        announcement_confirm,
        announcement_new,
        announcement_create,
        admin_users,
        admin_user_create,
        admin_profile,
        admin_profile_save,
    ]
