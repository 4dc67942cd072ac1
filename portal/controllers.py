"""The server-rendered German portal (Litestar + Jinja2).

Every page calls the same service functions as the JSON API, with the logged-in Principal: the
services decide what the user may see and do (docs/rules.md §9); the guards only keep roles off pages
they can never use. Every journey works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from litestar import Response, get, post
from litestar.response import Template
from pydantic import ValidationError

from portal import application_form as appform
from portal import labels
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
from portal.base import message as _message
from portal.base import paging as _paging
from portal.base import target_group_label as _target_group_label
from portal.forms import Errors, Form, FormData, problems_of, value, values
from portal.session import clear_session, optional_principal, safe_next, set_session
from registry import notices as notice_service
from registry.admission.announcements import (
    confirm_announcement,
    create_announcement,
    list_announcements,
)
from registry.admission.applications import get_application, list_applications, withdraw_application
from registry.admission.decisions import admit_follow_on, decide_application, list_follow_ons
from registry.admission.providers import get_provider, register_provider
from registry.admission.site_admissions import change_site_admission
from registry.admission.submission import submit_application
from registry.api.security import allow
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Conflict, Forbidden, InvalidInput, NotFound, Problem

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


# --------------------------------------------------------------------------- officer inbox


def _follow_ons_with_context(
    reg: Registry, principal: Principal, status: str | None
) -> list[dict[str, Any]]:
    tasks = list_follow_ons(reg, principal, status)
    apps: dict[str, dict[str, Any] | None] = {}
    for task in tasks:
        app_id = task["application_id"]
        if app_id not in apps:
            try:
                apps[app_id] = get_application(reg, principal, app_id)
            except NotFound:
                apps[app_id] = None
        app = apps[app_id]
        task["provider_name"] = app["provider"]["name"] if app else ""
        site = next((s for s in (app or {}).get("sites", []) if s["id"] == task["site_id"]), None)
        task["site"] = site
        task["lead_carrier"] = app["lead_carrier"] if app else ""
    return tasks


@get("/inbox", guards=[allow(OFFICER)], sync_to_thread=True)
def inbox(request: AnyRequest) -> Template:
    reg, me = _reg(request), _me(request)
    apps = list_applications(reg, me)
    open_apps = [a for a in apps if a["status"] == "submitted"]
    follow_ons = _follow_ons_with_context(reg, me, "open")
    open_notices = notice_service.list_notices(reg, me, False)
    counts = {
        "received": sum(1 for a in open_apps if a["received_by_us"]),
        "forwarded": sum(1 for a in open_apps if a["forwarded_to_us"]),
        "lead": sum(1 for a in open_apps if a["we_lead"]),
        "overdue": sum(1 for a in open_apps if a["we_lead"] and a["overdue"]),
        "follow_ons": len(follow_ons),
        "follow_ons_overdue": sum(1 for t in follow_ons if t["overdue"]),
        "notices": len(open_notices),
    }
    to_decide = sorted((a for a in open_apps if a["we_lead"]), key=lambda a: a["submitted_at"])[:10]
    return page(
        request,
        "inbox.html",
        title="Eingang",
        counts=counts,
        to_decide=to_decide,
        follow_ons=follow_ons[:10],
        notices=open_notices[:10],
        tasks=_lifecycle_tasks(reg, me),
    )


def _lifecycle_tasks(reg: Registry, me: Principal) -> list[dict[str, Any]]:
    """The one task inbox of the lifecycle service (A13-A15): reviews due, staff-change
    findings, stale data, contracts pending."""
    from registry.lifecycle.tasks import list_tasks

    return list_tasks(reg, me)


VIEWS = {
    "received": ("Eingegangen bei uns", "received_by_us"),
    "forwarded": ("An uns weitergeleitet", "forwarded_to_us"),
    "lead": ("Wir sind federführend", "we_lead"),
}
STATUS_FILTERS = ("submitted", "decided", "refused", "withdrawn")


@get("/applications", guards=[allow(OFFICER, PROVIDER)], sync_to_thread=True)
def application_list(
    request: AnyRequest,
    status: str | None = None,
    view: str | None = None,
    seite: int = 1,
) -> Template:
    reg, me = _reg(request), _me(request)
    status = status if status in STATUS_FILTERS else None
    view = view if view in VIEWS and me.role is OFFICER else None
    apps = list_applications(reg, me, status)
    if view:
        apps = [a for a in apps if a[VIEWS[view][1]]]
    apps.sort(key=lambda a: a["submitted_at"], reverse=True)
    query = "&".join(f"{k}={v}" for k, v in (("status", status), ("view", view)) if v)
    return page(
        request,
        "applications.html",
        title="Anträge" if me.role is OFFICER else "Meine Anträge",
        paging=_paging(apps, seite),
        status=status,
        view=view,
        views=VIEWS,
        statuses=STATUS_FILTERS,
        query=query,
    )


# --------------------------------------------------------------------------- application detail


def _override_rows(app: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per distinct blocking finding (rule, target group) the officer may override."""
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for f in app.get("findings", []):
        if f["severity"] != "blocking":
            continue
        key = (f["rule"], f.get("target_group") or "")
        if key in seen:
            continue
        seen.add(key)
        rows.append({"rule": key[0], "target_group": key[1], "messages": []})
    for f in app.get("findings", []):
        for row in rows:
            if f["severity"] == "blocking" and (f["rule"], f.get("target_group") or "") == (
                row["rule"],
                row["target_group"],
            ):
                row["messages"].append(f["message"])
    return rows


def _decision_anchors(app: Mapping[str, Any], overrides: int) -> set[str]:
    names = {"decision", "overrides"}
    for code in app["target_groups"]:
        names |= {f"target_groups.{code}.admit", f"target_groups.{code}.reason"}
    names |= {f"overrides[{i}].reason" for i in range(overrides)}
    return names


def _may_decide(me: Principal, app: Mapping[str, Any]) -> bool:
    return me.role is OFFICER and me.carrier == app["lead_carrier"] and app["status"] == "submitted"


def _may_act_on_site(me: Principal, site: Mapping[str, Any]) -> bool:
    return (
        me.role is OFFICER
        and me.carrier == site["responsible_carrier"]
        and site["admission_status"] in ("admitted", "suspended")
    )


def _application_page(
    request: AnyRequest,
    app: dict[str, Any],
    *,
    status_code: int = 200,
    errors: Errors | None = None,
    form: FormData | None = None,
    site_errors: dict[str, Errors] | None = None,
    message: str = "",
) -> Template:
    me = _me(request)
    sections = {s.code: s.label for s in _reg(request).reference.concept_sections}
    return page(
        request,
        "application.html",
        status_code=status_code,
        title=f"Antrag von {app['provider']['name']}",
        app=app,
        may_decide=_may_decide(me, app),
        may_act=[s["id"] for s in app["sites"] if _may_act_on_site(me, s)],
        override_rows=_override_rows(app),
        errors=errors or Errors(),
        site_errors=site_errors or {},
        form=form or {},
        sections=sections,
        message=message,
        is_provider=me.role is PROVIDER,
    )


@get("/applications/{application_id:str}", guards=[allow(OFFICER, PROVIDER)], sync_to_thread=True)
def application_detail(
    request: AnyRequest, application_id: str, hinweis: str | None = None
) -> Template:
    app = get_application(_reg(request), _me(request), application_id)
    return _application_page(request, app, message=_message(hinweis))


def decision_body(
    form: FormData, app: Mapping[str, Any], rows: Sequence[Mapping[str, Any]]
) -> tuple[dict[str, Any], list[int]]:
    """The body of ``decide_application`` and, per override sent, the form row it came from."""
    groups: dict[str, Any] = {}
    for code in app["target_groups"]:
        choice = value(form, f"target_groups.{code}.admit")
        entry: dict[str, Any] = {"reason": value(form, f"target_groups.{code}.reason")}
        if choice in ("yes", "no"):
            entry["admit"] = choice == "yes"
        groups[code] = entry
    overrides: list[dict[str, Any]] = []
    origin: list[int] = []
    for i, row in enumerate(rows):
        reason = value(form, f"overrides[{i}].reason")
        if reason:
            item: dict[str, Any] = {"rule": row["rule"], "reason": reason}
            if row["target_group"]:
                item["target_group"] = row["target_group"]
            overrides.append(item)
            origin.append(i)
    version = value(form, "version")
    return {"target_groups": groups, "overrides": overrides, "version": version or 0}, origin


def _remap_overrides(problems: Sequence[Problem], origin: Sequence[int]) -> list[Problem]:
    out = []
    for p in problems:
        name = p.field
        if name.startswith("overrides[") and "]" in name:
            try:
                j = int(name[len("overrides[") : name.index("]")])
                name = f"overrides[{origin[j]}]" + name[name.index("]") + 1 :]
            except (ValueError, IndexError):
                name = "overrides"
        out.append(Problem(name, p.message, p.rule))
    return out


@post(
    "/applications/{application_id:str}/decision",
    guards=[allow(OFFICER)],
    status_code=200,
    sync_to_thread=True,
)
def application_decide(request: AnyRequest, application_id: str, data: Form) -> Response[Any]:
    from registry.api.schemas import DecisionIn

    reg, me = _reg(request), _me(request)
    app = get_application(reg, me, application_id)
    rows = _override_rows(app)
    errors = Errors(anchors=_decision_anchors(app, len(rows)), default="overrides")
    body, origin = decision_body(data, app, rows)
    try:
        parsed = DecisionIn.model_validate(body)
    except ValidationError as exc:
        errors.extend(_remap_overrides(problems_of(exc), origin))
    else:
        try:
            decide_application(reg, me, application_id, parsed.model_dump())
        except InvalidInput as exc:
            errors.extend(_remap_overrides(exc.problems, origin))
        except Conflict:
            fresh = get_application(reg, me, application_id)
            errors.notice = (
                "Der Antrag wurde inzwischen geändert, bitte neu laden. Ihre Entscheidung wurde "
                "nicht gespeichert; unten sehen Sie den aktuellen Stand (Regel A11)."
            )
            return _application_page(request, fresh, status_code=409, errors=errors)
        else:
            return see_other(f"/applications/{application_id}?hinweis=entschieden")
    return _application_page(request, app, status_code=422, errors=errors, form=data)


@post(
    "/applications/{application_id:str}/sites/{site_id:str}/admission",
    guards=[allow(OFFICER)],
    status_code=200,
    sync_to_thread=True,
)
def site_admission_action(
    request: AnyRequest, application_id: str, site_id: str, data: Form
) -> Response[Any]:
    from registry.api.schemas import ReasonIn

    reg, me = _reg(request), _me(request)
    app = get_application(reg, me, application_id)
    if not any(s["id"] == site_id for s in app["sites"]):
        raise NotFound("Standort nicht gefunden")
    prefix = f"site.{site_id}"
    errors = Errors(anchors={f"{prefix}.action", f"{prefix}.reason", f"{prefix}.target_groups"})
    errors.default = f"{prefix}.action"
    action = value(data, f"{prefix}.action")
    if action not in labels.ACTIONS:
        errors.add(Problem(f"{prefix}.action", "Bitte eine Aktion wählen."))
    groups = values(data, f"{prefix}.target_groups")
    try:
        parsed = ReasonIn.model_validate(
            {"reason": value(data, f"{prefix}.reason"), "target_groups": groups or None}
        )
    except ValidationError as exc:
        errors.extend(problems_of(exc, prefix))
    if not errors:
        try:
            change_site_admission(reg, me, site_id, action, parsed.reason, parsed.target_groups)
        except InvalidInput as exc:
            errors.extend(
                Problem(f"{prefix}.{p.field}" if p.field else prefix, p.message, p.rule)
                for p in exc.problems
            )
        except Conflict as exc:
            errors.add(Problem(f"{prefix}.action", exc.message))
        else:
            return see_other(f"/applications/{application_id}?hinweis=geaendert#standorte")
    return _application_page(
        request, app, status_code=422, form=data, site_errors={site_id: errors}
    )


@post(
    "/applications/{application_id:str}/withdraw",
    guards=[allow(PROVIDER)],
    status_code=200,
    sync_to_thread=True,
)
def application_withdraw(request: AnyRequest, application_id: str, data: Form) -> Response[Any]:
    reg, me = _reg(request), _me(request)
    reason = value(data, "withdraw.reason")
    errors = Errors(anchors={"withdraw.reason"}, default="withdraw.reason")
    if not reason:
        errors.add(Problem("withdraw.reason", "Bitte einen Grund angeben."))
    else:
        try:
            withdraw_application(reg, me, application_id, reason)
        except InvalidInput as exc:
            errors.extend(Problem("withdraw.reason", p.message, p.rule) for p in exc.problems)
        except Conflict as exc:
            errors.add(Problem("withdraw.reason", exc.message))
        else:
            return see_other(f"/applications/{application_id}?hinweis=zurueckgezogen")
    app = get_application(reg, me, application_id)
    return _application_page(request, app, status_code=422, errors=errors, form=data)


# --------------------------------------------------------------------------- new application


def _application_form_page(
    request: AnyRequest,
    form: FormData,
    *,
    status_code: int = 200,
    errors: Errors | None = None,
    checks: dict[int, dict[str, Any]] | None = None,
    message: str = "",
    has_draft: bool = False,
) -> Template:
    reg, me = _reg(request), _me(request)
    ref = reg.reference
    sites, cms = appform.counts(form)
    has_draft = has_draft or value(form, "has_draft") == "1"
    return page(
        request,
        "application_form.html",
        status_code=status_code,
        title="Antrag auf Zulassung",
        form=form,
        errors=errors or Errors(),
        site_count=sites,
        cm_count=cms,
        checks=checks or {},
        carrier_list=ref.carriers,
        target_group_list=ref.target_groups,
        concept_sections=ref.concept_sections,
        announcements=list_announcements(reg, open_only=True),
        with_provider_fields=me.role is OFFICER,
        message=message,
        may_save_draft=me.role is PROVIDER,
        has_draft=has_draft,
    )


@get("/applications/new", guards=[allow(PROVIDER, OFFICER)], sync_to_thread=True)
def application_new(request: AnyRequest, hinweis: str | None = None) -> Template:
    from registry.admission import drafts

    reg, me = _reg(request), _me(request)
    message = _message(hinweis)
    if me.role is PROVIDER:
        draft = drafts.load_draft(reg, me)
        if draft is not None:
            form, saved_at = draft
            if not message:
                message = (
                    f"Ihr Entwurf vom {labels.de_datetime(saved_at)} ist geladen. Prüfen und "
                    "ergänzen Sie ihn, dann reichen Sie den Antrag ein."
                )
            return _application_form_page(request, form, message=message, has_draft=True)
    return _application_form_page(request, appform.initial_form(), message=message)


def _check_addresses(reg: Registry, form: FormData) -> dict[int, dict[str, Any]]:
    """Rule A1/A2: resolve each site's address to its district and responsible carrier."""
    from registry.geo import GeocodingError

    out: dict[int, dict[str, Any]] = {}
    sites, _ = appform.counts(form)
    for i in range(sites):
        p = f"sites[{i}].address"
        postal = value(form, f"{p}.postal_code")
        if not postal:
            continue
        try:
            place = reg.geocoder.resolve(
                postal, value(form, f"{p}.place") or None, value(form, f"{p}.street") or None
            )
        except GeocodingError as exc:
            out[i] = {"ok": False, "text": exc.message}
            continue
        out[i] = {
            "ok": True,
            "text": f"{place.postal_code} {place.place}: {place.district_name} "
            f"({place.state}); zuständig ist die {_carrier_name(reg, place.responsible_carrier)}.",
        }
    return out


@post("/applications/new", guards=[allow(PROVIDER, OFFICER)], status_code=200, sync_to_thread=True)
def application_submit(request: AnyRequest, data: Form) -> Response[Any]:
    from registry.admission import drafts
    from registry.api.schemas import ApplicationIn, ProviderIn

    reg, me = _reg(request), _me(request)
    action = value(data, "action") or "submit"
    if action in ("draft", "discard_draft"):
        if me.role is not PROVIDER:
            raise Forbidden("Entwürfe speichern nur Anbieter.")
        if action == "draft":
            drafts.save_draft(reg, me, data)
            return see_other("/applications/new?hinweis=entwurf")
        drafts.delete_draft(reg, me)
        return see_other("/applications/new?hinweis=verworfen")
    if action != "submit" and action != "check":
        return _application_form_page(request, appform.apply_action(data, action))
    if action == "check":
        return _application_form_page(request, data, checks=_check_addresses(reg, data))
    sections = [s.code for s in reg.reference.concept_sections]
    sites, cms = appform.counts(data)
    errors = Errors(anchors=appform.anchors(sites, cms, sections), default="receiving_carrier")
    body = appform.application_body(
        data, provider_id=me.provider if me.role is PROVIDER else None, concept_codes=sections
    )

    def add(problems: Sequence[Problem]) -> None:
        errors.extend(Problem(appform.to_form_field(p.field), p.message, p.rule) for p in problems)

    if me.role is OFFICER:
        try:
            ProviderIn.model_validate(body["provider"])
        except ValidationError as exc:
            add(problems_of(exc, "provider"))
    try:
        parsed = ApplicationIn.model_validate(body)
    except ValidationError as exc:
        add([p for p in problems_of(exc) if not p.field.startswith("provider")])
    else:
        if not errors:
            try:
                result = submit_application(reg, me, parsed.model_dump(mode="python"))
            except InvalidInput as exc:
                add(exc.problems)
            else:
                if me.role is PROVIDER:
                    drafts.delete_draft(reg, me)
                return see_other(f"/applications/{result['id']}?hinweis=eingereicht")
    return _application_form_page(
        request, data, status_code=422, errors=errors, checks=_check_addresses(reg, data)
    )


@get("/provider", guards=[allow(PROVIDER)], sync_to_thread=True)
def provider_page(request: AnyRequest, hinweis: str | None = None) -> Template:
    from portal import lifecycle_pages

    reg, me = _reg(request), _me(request)
    provider = get_provider(reg, me, me.provider or "")
    return page(
        request,
        "provider.html",
        title="Unsere Organisation",
        provider=provider,
        stale=lifecycle_pages.provider_flags(reg, me),
        message=lifecycle_pages.MESSAGES.get(hinweis or "", ""),
    )


# --------------------------------------------------------------------------- follow-ons, notices


@get("/follow-ons", guards=[allow(OFFICER)], sync_to_thread=True)
def follow_on_list(
    request: AnyRequest, status: str | None = "open", hinweis: str | None = None
) -> Template:
    status = status if status in ("open", "done", "cancelled") else "open"
    tasks = _follow_ons_with_context(_reg(request), _me(request), status)
    tasks.sort(key=lambda t: t["created_at"])
    return page(
        request,
        "follow_ons.html",
        title="Folgezulassungen",
        tasks=tasks,
        status=status,
        message=_message(hinweis),
    )


@post(
    "/follow-ons/{task_id:str}/admit", guards=[allow(OFFICER)], status_code=200, sync_to_thread=True
)
def follow_on_admit(request: AnyRequest, task_id: str) -> Response[Any]:
    admit_follow_on(_reg(request), _me(request), task_id)
    return see_other("/follow-ons?hinweis=zugelassen")


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
        inbox,
        application_list,
        application_new,
        application_submit,
        application_detail,
        application_decide,
        site_admission_action,
        application_withdraw,
        provider_page,
        follow_on_list,
        follow_on_admit,
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
