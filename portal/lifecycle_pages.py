"""Portal pages of an admission's life after the decision (rules A13-A15).

Admissions officer: the carrier's admissions with "Vertrag ausstehend" and the contract form
(A13); admissions due for review with the review form (A14). Provider: the site details and the
yearly data confirmation, and the staff page (A15). Each page calls the same service functions
as the JSON API (``registry.lifecycle``, ``registry.admission``).
"""

from __future__ import annotations

import math
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
from portal.picker_choices import chosen_codes, searching
from registry.admission.providers import get_provider
from registry.api.security import allow
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Conflict, InvalidInput, NotFound, Problem
from registry.lifecycle.contracts import list_carrier_admissions, record_contract
from registry.lifecycle.reviews import due_for_review
from registry.lifecycle.sites import confirm_site, get_site, update_site_details
from registry.lifecycle.staff import (
    add_case_manager,
    list_case_managers,
    remove_case_manager,
    update_case_manager,
)
from registry.lifecycle.tasks import list_tasks

OFFICER = Role.ADMISSIONS_OFFICER
PROVIDER = Role.PROVIDER
PAGE_SIZE = 20

SITE_STATUSES = ("admitted", "suspended", "awaiting_follow_on", "revoked", "withdrawn", "refused")
REVIEW_OUTCOMES = {
    "confirmed": "bestätigen – die Zulassung bleibt bestehen",
    "suspended": "ruhen lassen",
    "revoked": "widerrufen",
}
MESSAGES = {
    "vertrag": "Der Vertrag ist erfasst.",
    "geprueft": "Das Ergebnis der Überprüfung ist gespeichert.",
    "standort": "Die Angaben zum Standort sind gespeichert und damit zugleich bestätigt.",
    "bestaetigt": "Die Daten des Standorts sind bestätigt.",
    "fm-neu": "Die Fallmanager*in ist eingetragen.",
    "fm-geaendert": "Die Angaben sind gespeichert.",
    "fm-entfernt": "Die Fallmanager*in ist ausgetragen.",
}
STAFF_CHECK = (
    "Nach jeder Änderung prüft das Register Zahl und Qualifikation Ihrer Fallmanager*innen für "
    "Ihre Zulassungen neu. Ein neuer blockierender Befund geht als Aufgabe an den federführenden "
    "Träger; Ihre Zulassung bleibt gültig, bis dieser entscheidet."
)


def _message(hinweis: str | None) -> str:
    text = MESSAGES.get(hinweis or "", "")
    if hinweis and hinweis.startswith("fm-"):
        text = f"{text} {STAFF_CHECK}"
    return text


# --------------------------------------------------------------------------- officer: A13


def _provider_names(reg: Any, me: Principal, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    from registry.admission.providers import get_provider

    out: dict[str, dict[str, Any]] = {}
    for provider_id in dict.fromkeys(ids):
        try:
            out[provider_id] = get_provider(reg, me, provider_id)
        except NotFound:
            continue
    return out


@get("/admissions", guards=[allow(OFFICER)], sync_to_thread=True)
def admission_list(
    request: Any,
    reg: Registry,
    me: Principal,
    status: str = "",
    vertrag: str = "",
    seite: int = 1,
    hinweis: str = "",
) -> Template:
    """The carrier's admissions, one line per site, with "Vertrag ausstehend" (A13)."""
    status = status if status in SITE_STATUSES else ""
    pending_only = vertrag == "offen"
    page_no = max(seite, 1)
    if pending_only:
        everything = list_carrier_admissions(reg, me, status or None, 1, 100_000)
        rows = [e for e in everything["results"] if e["contract_pending"]]
        total = len(rows)
        rows = rows[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]
    else:
        listed = list_carrier_admissions(reg, me, status or None, page_no, PAGE_SIZE)
        rows, total = listed["results"], listed["total"]
    query = "&".join(f"{k}={v}" for k, v in (("status", status), ("vertrag", vertrag)) if v)
    return page(
        request,
        "admissions.html",
        title="Zulassungen unseres Trägers",
        rows=rows,
        total=total,
        page_no=page_no,
        pages=max(1, math.ceil(total / PAGE_SIZE)),
        status=status,
        pending_only=pending_only,
        statuses=SITE_STATUSES,
        query=query,
        message=_message(hinweis),
    )


CONTRACT_ANCHORS = {"signed_on", "model_contract_version"}


def _contract_page(
    request: Any,
    provider_id: str,
    *,
    form: FormData | None = None,
    errors: Errors | None = None,
    status_code: int = 200,
) -> Template:
    from registry.admission.providers import get_provider

    reg, me = current_registry(request), current_principal(request)
    provider = get_provider(reg, me, provider_id)
    return page(
        request,
        "contract_form.html",
        status_code=status_code,
        title=f"Vertrag mit {provider['name']}",
        provider=provider,
        form=form or {},
        errors=errors or Errors(),
    )


@get("/providers/{provider_id:str}/contract", guards=[allow(OFFICER)], sync_to_thread=True)
def contract_form(request: Any, provider_id: str) -> Template:
    return _contract_page(request, provider_id)


@post(
    "/providers/{provider_id:str}/contract",
    guards=[allow(OFFICER)],
    status_code=200,
    sync_to_thread=True,
)
def contract_submit(
    request: Any, reg: Registry, me: Principal, provider_id: str, data: Form
) -> Response[Any]:
    from registry.api.schemas import ContractIn

    errors = Errors(anchors=CONTRACT_ANCHORS, default="signed_on")
    body = {
        "signed_on": value(data, "signed_on"),
        "model_contract_version": value(data, "model_contract_version"),
    }
    try:
        parsed = ContractIn.model_validate(body)
    except ValidationError as exc:
        errors.extend(problems_of(exc))
    else:
        try:
            record_contract(reg, me, provider_id, parsed.model_dump())
        except InvalidInput as exc:
            for p in exc.problems:
                if p.field in CONTRACT_ANCHORS:
                    errors.add(p)
                else:
                    errors.notice = p.message
                    errors.rules += [p.rule] if p.rule else []
        else:
            return see_other("/admissions?vertrag=offen&hinweis=vertrag")
    return _contract_page(request, provider_id, form=data, errors=errors, status_code=422)


# --------------------------------------------------------------------------- officer: A14


def _reviews_page(
    request: Any,
    within_days: int,
    *,
    form: FormData | None = None,
    errors: Errors | None = None,
    status_code: int = 200,
    message: str = "",
) -> Template:
    """The list; ``errors`` of a failed review carry the site id in their field names
    (``review.<site id>.reason``), so they land next to that site's form."""
    reg, me = current_registry(request), current_principal(request)
    due = due_for_review(reg, me, within_days)
    providers = _provider_names(reg, me, [d["provider_id"] for d in due])
    for d in due:
        provider = providers.get(d["provider_id"]) or {}
        d["provider_name"] = provider.get("name", d["provider_id"])
        site = next((s for s in provider.get("sites", []) if s["id"] == d["site_id"]), None)
        d["site"] = site
    from portal.quality_pages import review_records  # A16: the quality record of each provider

    quality = review_records(reg, me, [d["provider_id"] for d in due])
    return page(
        request,
        "reviews.html",
        status_code=status_code,
        title="Überprüfung der Zulassungen",
        due=due,
        within_days=within_days,
        outcomes=REVIEW_OUTCOMES,
        quality=quality,
        form=form or {},
        errors=errors or Errors(),
        message=message,
    )


@get("/admissions/reviews", guards=[allow(OFFICER)], sync_to_thread=True)
def review_list(request: Any, within_days: int = 90, hinweis: str = "") -> Template:
    return _reviews_page(request, max(0, min(within_days, 3650)), message=_message(hinweis))


@post(
    "/admissions/{site_id:str}/review",
    guards=[allow(OFFICER)],
    status_code=200,
    sync_to_thread=True,
)
def review_submit(
    request: Any, reg: Registry, me: Principal, site_id: str, data: Form
) -> Response[Any]:
    """A14: confirm, suspend or revoke, with a reason."""
    from registry.admission.site_admissions import review_site_admission
    from registry.api.schemas import ReviewIn

    prefix = f"review.{site_id}"
    errors = Errors(anchors={f"{prefix}.outcome", f"{prefix}.reason"}, default=f"{prefix}.outcome")
    body = {"outcome": value(data, f"{prefix}.outcome"), "reason": value(data, f"{prefix}.reason")}
    try:
        parsed = ReviewIn.model_validate(body)
    except ValidationError as exc:
        errors.extend(problems_of(exc, prefix))
    else:
        try:
            review_site_admission(reg, me, site_id, parsed.outcome, parsed.reason)
        except InvalidInput as exc:
            errors.extend(
                Problem(f"{prefix}.{p.field}" if p.field else prefix, p.message, p.rule)
                for p in exc.problems
            )
        except Conflict as exc:
            errors.add(Problem(f"{prefix}.outcome", exc.message))
        else:
            return see_other("/admissions/reviews?hinweis=geprueft")
    raw = value(data, "within_days")
    within = min(int(raw), 3650) if raw.isdigit() else 90
    return _reviews_page(request, within, form=data, errors=errors, status_code=422)


# --------------------------------------------------------------------------- provider: sites


def _own_site(reg: Any, me: Principal, site_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    from registry.admission.providers import get_provider

    provider = get_provider(reg, me, me.provider or "")
    site = next((s for s in provider["sites"] if s["id"] == site_id), None)
    if site is None:
        raise NotFound("Standort nicht gefunden")
    return provider, site


MODES = ("in_person", "home_visits", "phone", "video")
SITE_FACTS_BOOL = (
    "barrier_free",
    "public_transport",
    "rooms_for_individual_talks",
    "rooms_for_relatives",
)
SITE_ANCHORS = {
    "opening_hours",
    "counselling_modes",
    "accepts_new_cases",
    "waiting_time_weeks",
    "accessibility_notes",
    "description",
    "contact_email",
    "contact_phone",
    "languages",
    "catchment_radius_km",
    "outreach_radius_km",
    *SITE_FACTS_BOOL,
}


def _km(value_: Any) -> str:
    """A radius as the form shows it (German decimal comma, no trailing ",0")."""
    if value_ is None:
        return ""
    number_ = float(value_)
    text = f"{number_:g}"
    return text.replace(".", ",")


def _site_form(site: Mapping[str, Any]) -> dict[str, Any]:
    details: Mapping[str, Any] = site.get("details") or {}
    form: dict[str, Any] = {
        k: str(details.get(k) or "")
        for k in ("opening_hours", "accessibility_notes", "description")
    }
    form["contact_email"] = str(details.get("contact_email") or "")
    form["contact_phone"] = str(details.get("contact_phone") or "")
    modes = details.get("counselling_modes") or {"in_person": True}
    form["counselling_modes"] = [m for m in MODES if modes.get(m)]
    form["accepts_new_cases"] = "no" if details.get("accepts_new_cases") is False else "yes"
    form["waiting_time_weeks"] = str(details.get("waiting_time_weeks") or 0)
    # A15: the site's directory facts
    form["languages"] = ", ".join(site.get("languages") or [])
    form["catchment_radius_km"] = _km(site.get("catchment_radius_km"))
    outreach = site.get("outreach_radius_km")
    form["outreach_radius_km"] = _km(outreach) if outreach else ""
    for key in SITE_FACTS_BOOL:
        form[key] = "on" if site.get(key) else ""
    return form


def site_details_body(form: FormData) -> dict[str, Any]:
    chosen = set(values(form, "counselling_modes"))
    body: dict[str, Any] = {
        "opening_hours": value(form, "opening_hours"),
        "counselling_modes": {m: m in chosen for m in MODES},
        "accepts_new_cases": value(form, "accepts_new_cases") != "no",
        "waiting_time_weeks": number(form, "waiting_time_weeks") or 0,
        "accessibility_notes": value(form, "accessibility_notes"),
        "description": value(form, "description"),
        "contact_email": value(form, "contact_email"),
        "contact_phone": value(form, "contact_phone"),
    }
    if value(form, "facts") == "1":  # A15: the form with the directory facts (all of them)
        body |= {
            "languages": chosen_codes(form, "languages", lower=True),
            "catchment_radius_km": number(form, "catchment_radius_km"),
            "outreach_radius_km": number(form, "outreach_radius_km"),
            **{key: checked(form, key) for key in SITE_FACTS_BOOL},
        }
    return body


def _site_page(
    request: Any,
    site_id: str,
    *,
    form: FormData | None = None,
    errors: Errors | None = None,
    status_code: int = 200,
    findings: Sequence[Mapping[str, Any]] = (),
) -> Template:
    reg, me = current_registry(request), current_principal(request)
    provider, site = _own_site(reg, me, site_id)
    current = get_site(reg, me, me.provider or "", site_id)
    return page(
        request,
        "site_form.html",
        status_code=status_code,
        title=f"Standort {site['name']}",
        provider=provider,
        site=site,
        form=form if form is not None else _site_form(current),
        errors=errors or Errors(),
        findings=findings,
    )


@get("/provider/sites/{site_id:str}", guards=[allow(PROVIDER)], sync_to_thread=True)
def site_edit(request: Any, site_id: str) -> Template:
    return _site_page(request, site_id)


@post(
    "/provider/sites/{site_id:str}", guards=[allow(PROVIDER)], status_code=200, sync_to_thread=True
)
def site_save(
    request: Any, reg: Registry, me: Principal, site_id: str, data: Form
) -> Response[Any]:
    """A15: keep the site details and directory facts current; saving also confirms the data.
    A change a criterion looks at is shown to the issuing carriers; the page then lists the
    site's findings (Q5, the language advisory)."""
    from registry.api.lifecycle import SiteDetailsPatch

    _own_site(reg, me, site_id)
    if searching(data):  # a picker's "Suchen" without JavaScript: show the matches, save nothing
        return _site_page(request, site_id, form=data)
    errors = Errors(anchors=SITE_ANCHORS, default="opening_hours")
    try:
        parsed = SiteDetailsPatch.model_validate(site_details_body(data))
    except ValidationError as exc:
        errors.extend(problems_of(exc))
    else:
        try:
            saved = update_site_details(
                reg, me, me.provider or "", site_id, parsed.model_dump(exclude_unset=True)
            )
        except InvalidInput as exc:
            errors.extend(exc.problems)
        else:
            if saved.get("findings"):  # A15/Q5: show what the carriers are now told
                return _site_page(request, site_id, findings=saved["findings"])
            return see_other("/provider?hinweis=standort")
    return _site_page(request, site_id, form=data, errors=errors, status_code=422)


@post(
    "/provider/sites/{site_id:str}/confirm",
    guards=[allow(PROVIDER)],
    status_code=200,
    sync_to_thread=True,
)
def site_confirm(request: Any, reg: Registry, me: Principal, site_id: str) -> Response[Any]:
    """A15: "Daten bestätigen" - the site data is current (the directory shows the date)."""
    confirm_site(reg, me, me.provider or "", site_id)
    return see_other("/provider?hinweis=bestaetigt")


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
    request: Any,
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
def staff_list(request: Any, hinweis: str = "") -> Template:
    return _staff_page(request, message=_message(hinweis))


@post("/provider/staff", guards=[allow(PROVIDER)], status_code=200, sync_to_thread=True)
def staff_add(request: Any, reg: Registry, me: Principal, data: Form) -> Response[Any]:
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


def _one_cm(reg: Any, me: Principal, cm_id: str) -> dict[str, Any]:

    staff = list_case_managers(reg, me, me.provider or "")
    found = next((s for s in staff if s["id"] == cm_id), None)
    if found is None:
        raise NotFound("Fallmanager*in nicht gefunden")
    return found


def _cm_page(
    request: Any,
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
def staff_edit(request: Any, cm_id: str) -> Template:
    return _cm_page(request, cm_id)


@post("/provider/staff/{cm_id:str}", guards=[allow(PROVIDER)], status_code=200, sync_to_thread=True)
def staff_save(request: Any, reg: Registry, me: Principal, cm_id: str, data: Form) -> Response[Any]:
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
def staff_remove_confirm(request: Any, reg: Registry, me: Principal, cm_id: str) -> Template:
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
def staff_remove(request: Any, reg: Registry, me: Principal, cm_id: str) -> Response[Any]:
    """A15: a case manager left; the record is deleted (docs/rules.md §10)."""
    remove_case_manager(reg, me, me.provider or "", cm_id)
    return see_other("/provider/staff?hinweis=fm-entfernt")


def provider_flags(reg: Any, me: Principal) -> dict[str, dict[str, Any]]:
    """Per site of the provider: the open "stale data" item of the task inbox (A15), if any."""

    return {t["site_id"]: t for t in list_tasks(reg, me) if t.get("site_id")}


@get("/provider", guards=[allow(PROVIDER)], sync_to_thread=True)
def provider_page(
    request: AnyRequest, reg: Registry, me: Principal, hinweis: str | None = None
) -> Template:
    provider = get_provider(reg, me, me.provider or "")
    return page(
        request,
        "provider.html",
        title="Unsere Organisation",
        provider=provider,
        stale=provider_flags(reg, me),
        message=MESSAGES.get(hinweis or "", ""),
    )


def handlers() -> Sequence[Any]:
    return [
        provider_page,
        admission_list,
        contract_form,
        contract_submit,
        review_list,
        review_submit,
        site_edit,
        site_save,
        site_confirm,
        staff_list,
        staff_add,
        staff_edit,
        staff_save,
        staff_remove_confirm,
        staff_remove,
    ]
