"""The provider's case managers (rules A15, Q2-Q4, Q8): list, add, change and remove them; after
every change the register re-checks number and qualification for the provider's admissions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from litestar import Response, get, post
from litestar.response import Template
from pydantic import ValidationError

from portal import labels
from portal.base import AnyRequest, current_principal, current_registry, page, see_other
from portal.forms import (
    Errors,
    Form,
    FormData,
    checked,
    number,
    problems_of,
    value,
    values,
)
from portal.lifecycle_pages import PROVIDER, STAFF_CHECK, lifecycle_message
from portal.picker_choices import chosen_codes, searching
from registry.api.security import allow
from registry.auth import Principal
from registry.context import Registry
from registry.errors import Conflict, InvalidInput, NotFound, Problem
from registry.lifecycle.staff import (
    add_case_manager,
    list_case_managers,
    remove_case_manager,
    update_case_manager,
)

# --------------------------------------------------------------------------- provider: staff


CM_TEXT = ("name", "degree", "competence_evidence")
CM_NUMBERS = ("counselling_years", "social_law_units", "counselling_units", "total_units")
CM_DATES = ("joined_on", "training_started_on")
PREFIX = "cm"


def cm_body(form: FormData, prefix: str = PREFIX) -> dict[str, Any]:
    """The body of ``add_case_manager`` / ``update_case_manager`` from the staff form; a number
    left empty counts as 0 and a date left empty as none (the whole record is sent)."""
    body: dict[str, Any] = {k: value(form, f"{prefix}.{k}") for k in CM_TEXT}
    for key in CM_NUMBERS:
        body[key] = number(form, f"{prefix}.{key}") or 0
    for key in CM_DATES:
        body[key] = value(form, f"{prefix}.{key}") or None
    body["introduction_confirmed"] = checked(form, f"{prefix}.introduction_confirmed")
    body["certificates"] = values(form, f"{prefix}.certificates")
    body["target_groups"] = values(form, f"{prefix}.target_groups")
    body["languages"] = chosen_codes(form, f"{prefix}.languages", lower=True) or ["de"]
    return body


def cm_form(cm: Mapping[str, Any], prefix: str = PREFIX) -> dict[str, Any]:
    form: dict[str, Any] = {}
    for key in (*CM_TEXT, *CM_DATES):
        form[f"{prefix}.{key}"] = str(cm.get(key) or "")
    for key in CM_NUMBERS:
        n = cm.get(key)
        form[f"{prefix}.{key}"] = "" if not n else labels.de_number(n)
    form[f"{prefix}.introduction_confirmed"] = "on" if cm.get("introduction_confirmed") else ""
    form[f"{prefix}.certificates"] = list(cm.get("certificates") or [])
    form[f"{prefix}.target_groups"] = list(cm.get("target_groups") or [])
    form[f"{prefix}.languages"] = ", ".join(cm.get("languages") or ["de"])
    return form


def _cm_anchors(prefix: str = PREFIX) -> set[str]:
    names = {prefix, "staff"}
    for key in (
        *CM_TEXT,
        *CM_NUMBERS,
        *CM_DATES,
        "certificates",
        "target_groups",
        "languages",
        "introduction_confirmed",
    ):
        names.add(f"{prefix}.{key}")
    return names


def _cm_problem(p: Problem, prefix: str = PREFIX) -> Problem:
    field = p.field
    if field.startswith("target_groups["):
        field = "target_groups"
    return Problem(f"{prefix}.{field}" if field else prefix, p.message, p.rule)


def _staff_page(
    request: AnyRequest,
    *,
    form: FormData | None = None,
    errors: Errors | None = None,
    status_code: int = 200,
    message: str = "",
) -> Template:
    reg, me = current_registry(request), current_principal(request)
    staff = list_case_managers(reg, me, me.provider or "")
    return page(
        request,
        "staff.html",
        status_code=status_code,
        title="Unsere Fallmanager*innen",
        staff=sorted(staff, key=lambda s: s["name"].casefold()),
        form=form if form is not None else {"cm.languages": "de"},
        errors=errors or Errors(),
        message=message,
        target_group_list=reg.reference.target_groups,
    )


@get("/provider/staff", guards=[allow(PROVIDER)], sync_to_thread=True)
def staff_list(request: AnyRequest, hinweis: str = "") -> Template:
    return _staff_page(request, message=lifecycle_message(hinweis))


@post("/provider/staff", guards=[allow(PROVIDER)], status_code=200, sync_to_thread=True)
def staff_add(request: AnyRequest, reg: Registry, me: Principal, data: Form) -> Response[Any]:
    """A15: report a case manager who joined."""
    from registry.api.schemas import CaseManagerIn

    if searching(data):  # a picker's "Suchen" without JavaScript: show the matches, save nothing
        return _staff_page(request, form=data)
    errors = Errors(anchors=_cm_anchors(), default="cm.name")
    try:
        parsed = CaseManagerIn.model_validate(cm_body(data))
    except ValidationError as exc:
        errors.extend(problems_of(exc, PREFIX))
    else:
        try:
            add_case_manager(reg, me, me.provider or "", parsed.model_dump())
        except InvalidInput as exc:
            errors.extend(_cm_problem(p) for p in exc.problems)
        except Conflict as exc:
            errors.add(Problem("cm.name", exc.message))
        else:
            return see_other("/provider/staff?hinweis=fm-neu")
    return _staff_page(request, form=data, errors=errors, status_code=422)


def _one_cm(reg: Registry, me: Principal, cm_id: str) -> dict[str, Any]:

    staff = list_case_managers(reg, me, me.provider or "")
    found = next((s for s in staff if s["id"] == cm_id), None)
    if found is None:
        raise NotFound("Fallmanager*in nicht gefunden")
    return found


def _cm_page(
    request: AnyRequest,
    cm_id: str,
    *,
    form: FormData | None = None,
    errors: Errors | None = None,
    status_code: int = 200,
) -> Template:
    reg, me = current_registry(request), current_principal(request)
    cm = _one_cm(reg, me, cm_id)
    return page(
        request,
        "staff_edit.html",
        status_code=status_code,
        title=f"Fallmanager*in {cm['name']}",
        cm=cm,
        form=form if form is not None else cm_form(cm),
        errors=errors or Errors(),
        target_group_list=reg.reference.target_groups,
    )


@get("/provider/staff/{cm_id:str}", guards=[allow(PROVIDER)], sync_to_thread=True)
def staff_edit(request: AnyRequest, cm_id: str) -> Template:
    return _cm_page(request, cm_id)


@post("/provider/staff/{cm_id:str}", guards=[allow(PROVIDER)], status_code=200, sync_to_thread=True)
def staff_save(
    request: AnyRequest, reg: Registry, me: Principal, cm_id: str, data: Form
) -> Response[Any]:
    """A15: a change (e.g. a new qualification); the whole record is sent."""
    from registry.api.schemas import CaseManagerPatch

    _one_cm(reg, me, cm_id)
    if searching(data):  # a picker's "Suchen" without JavaScript: show the matches, save nothing
        return _cm_page(request, cm_id, form=data)
    errors = Errors(anchors=_cm_anchors(), default="cm.name")
    try:
        parsed = CaseManagerPatch.model_validate(cm_body(data))
    except ValidationError as exc:
        errors.extend(problems_of(exc, PREFIX))
    else:
        try:
            update_case_manager(
                reg, me, me.provider or "", cm_id, parsed.model_dump(exclude_unset=True)
            )
        except InvalidInput as exc:
            errors.extend(_cm_problem(p) for p in exc.problems)
        except Conflict as exc:
            errors.add(Problem("cm.name", exc.message))
        else:
            return see_other("/provider/staff?hinweis=fm-geaendert")
    return _cm_page(request, cm_id, form=data, errors=errors, status_code=422)


@get("/provider/staff/{cm_id:str}/remove", guards=[allow(PROVIDER)], sync_to_thread=True)
def staff_remove_confirm(request: AnyRequest, reg: Registry, me: Principal, cm_id: str) -> Template:
    cm = _one_cm(reg, me, cm_id)
    return page(
        request,
        "staff_remove.html",
        title=f"{cm['name']} austragen",
        cm=cm,
        staff_check=STAFF_CHECK,
    )


@post(
    "/provider/staff/{cm_id:str}/remove",
    guards=[allow(PROVIDER)],
    status_code=200,
    sync_to_thread=True,
)
def staff_remove(request: AnyRequest, reg: Registry, me: Principal, cm_id: str) -> Response[Any]:
    """A15: a case manager left; the record is deleted (docs/rules.md §10)."""
    remove_case_manager(reg, me, me.provider or "", cm_id)
    return see_other("/provider/staff?hinweis=fm-entfernt")


def handlers() -> Sequence[Any]:
    return [staff_list, staff_add, staff_edit, staff_save, staff_remove_confirm, staff_remove]
