"""Portal pages of admissions (rules A1-A11): the officer's inbox, the applications (list, detail,
the lead carrier's decision, withdrawal), the actions on a site's admission and the follow-on
admissions.

Every page calls the same use cases as the JSON API with the logged-in Principal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from litestar import Response, get, post
from litestar.response import Template
from pydantic import ValidationError

from portal import labels
from portal.base import (
    OFFICER,
    PROVIDER,
    AnyRequest,
    current_principal,
    current_registry,
    message_for,
    page,
    paging,
    see_other,
)
from portal.confirm import (
    already_reported,
    decision_step,
    editable,
    follow_on_step,
    is_confirmed,
    readable_decision,
    revoke_step,
    wants_edit,
)
from portal.forms import Errors, Form, FormData, problems_of, value, values
from registry import notices as notice_service
from registry.admission.applications import get_application, list_applications, withdraw_application
from registry.admission.decisions import admit_follow_on, decide_application, list_follow_ons
from registry.admission.site_admissions import change_site_admission
from registry.api.security import allow
from registry.auth import Principal
from registry.context import Registry
from registry.errors import Conflict, InvalidInput, NotFound, Problem

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
        task["decision"] = app["decision"] if app else None  # the lead's reasons (issue 17)
    return tasks


@get("/inbox", guards=[allow(OFFICER)], sync_to_thread=True)
def inbox(request: AnyRequest, reg: Registry, me: Principal) -> Template:
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
    reg: Registry,
    me: Principal,
    status: str | None = None,
    view: str | None = None,
    seite: int = 1,
) -> Template:
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
        paging=paging(apps, seite),
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
    me = current_principal(request)
    sections = {s.code: s.label for s in current_registry(request).reference.concept_sections}
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
    request: AnyRequest,
    reg: Registry,
    me: Principal,
    application_id: str,
    hinweis: str | None = None,
) -> Template:
    app = get_application(reg, me, application_id)
    return _application_page(request, app, message=message_for(hinweis))


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
def application_decide(
    request: AnyRequest, reg: Registry, me: Principal, application_id: str, data: Form
) -> Response[Any]:
    from registry.api.schemas import DecisionIn

    app = get_application(reg, me, application_id)
    if wants_edit(data):  # back from the confirmation: the form again, as typed
        return _application_page(request, app, form=editable(data))
    rows = _override_rows(app)
    errors = Errors(anchors=_decision_anchors(app, len(rows)), default="overrides")
    body, origin = decision_body(data, app, rows)
    decision: dict[str, Any] = readable_decision(body, int(app["version"]))
    try:
        decision = DecisionIn.model_validate(body).model_dump()
    except ValidationError as exc:
        errors.extend(_remap_overrides(problems_of(exc), origin))
    shape = [anchor for anchor, _ in errors.summary]
    try:  # the rules too, on what can be read: every problem at once (issue 17, item 8)
        decide_application(reg, me, application_id, decision, dry_run=True)
        if not errors and is_confirmed(data):
            decide_application(reg, me, application_id, decision)
    except InvalidInput as exc:
        errors.extend(
            p
            for p in _remap_overrides(exc.problems, origin)
            if not already_reported(shape, p.field)
        )
    except Conflict:
        fresh = get_application(reg, me, application_id)
        errors.notice = (
            "Der Antrag wurde inzwischen geändert, bitte neu laden. Ihre Entscheidung wurde "
            "nicht gespeichert; unten sehen Sie den aktuellen Stand."
        )
        return _application_page(request, fresh, status_code=409, errors=errors)
    else:
        if not errors and is_confirmed(data):
            return see_other(f"/applications/{application_id}?hinweis=entschieden")
        if not errors:  # valid: read it once more, then confirm (issue 17, item 7)
            return decision_step(request, app, decision, data)
    return _application_page(request, app, status_code=422, errors=errors, form=data)


@post(
    "/applications/{application_id:str}/sites/{site_id:str}/admission",
    guards=[allow(OFFICER)],
    status_code=200,
    sync_to_thread=True,
)
def site_admission_action(
    request: AnyRequest, reg: Registry, me: Principal, application_id: str, site_id: str, data: Form
) -> Response[Any]:
    from registry.api.schemas import ReasonIn

    app = get_application(reg, me, application_id)
    site = next((s for s in app["sites"] if s["id"] == site_id), None)
    if site is None:
        raise NotFound("Standort nicht gefunden")
    if wants_edit(data):  # back from the confirmation: the form again, as typed
        return _application_page(request, app, form=editable(data))
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
        ask = action == "revoke" and not is_confirmed(data)  # final: asked first (issue 17)
        try:
            change_site_admission(
                reg, me, site_id, action, parsed.reason, parsed.target_groups, dry_run=ask
            )
        except InvalidInput as exc:
            errors.extend(
                Problem(f"{prefix}.{p.field}" if p.field else prefix, p.message, p.rule)
                for p in exc.problems
            )
        except Conflict as exc:
            errors.add(Problem(f"{prefix}.action", exc.message))
        else:
            if ask:
                return revoke_step(
                    request, app, site, parsed.target_groups or [], parsed.reason, data
                )
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
def application_withdraw(
    request: AnyRequest, reg: Registry, me: Principal, application_id: str, data: Form
) -> Response[Any]:
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


# --------------------------------------------------------------------------- follow-ons (A6)


@get("/follow-ons", guards=[allow(OFFICER)], sync_to_thread=True)
def follow_on_list(
    request: AnyRequest,
    reg: Registry,
    me: Principal,
    status: str | None = "open",
    hinweis: str | None = None,
) -> Template:
    status = status if status in ("open", "done", "cancelled") else "open"
    tasks = _follow_ons_with_context(reg, me, status)
    tasks.sort(key=lambda t: t["created_at"])
    return page(
        request,
        "follow_ons.html",
        title="Folgezulassungen",
        tasks=tasks,
        status=status,
        message=message_for(hinweis),
    )


@post(
    "/follow-ons/{task_id:str}/admit", guards=[allow(OFFICER)], status_code=200, sync_to_thread=True
)
def follow_on_admit(
    request: AnyRequest, reg: Registry, me: Principal, task_id: str, data: Form
) -> Response[Any]:
    if not is_confirmed(data):  # first the lead's decision and reasons (issue 17, item 7)
        task = next(
            (t for t in _follow_ons_with_context(reg, me, None) if t["id"] == task_id), None
        )
        if task is None:
            raise NotFound("Folgezulassung nicht gefunden")
        if task["status"] != "open":
            raise Conflict("Diese Folgezulassung ist bereits erledigt.")
        return follow_on_step(request, task, data)
    admit_follow_on(reg, me, task_id)
    return see_other("/follow-ons?hinweis=zugelassen")


def handlers() -> list[Any]:
    return [
        inbox,
        application_list,
        application_detail,
        application_decide,
        site_admission_action,
        application_withdraw,
        follow_on_list,
        follow_on_admit,
    ]
