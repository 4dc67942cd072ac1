"""Portal pages of an admission's life after the decision, for the admissions officer (A13, A14).

The carrier's admissions with "Vertrag ausstehend" and the contract form (A13); admissions due
for review with the review form (A14). The provider's side is in ``provider_site_pages`` (site
details, A15) and ``staff_pages`` (case managers); both use this module's confirmations
(``lifecycle_message``). Each page calls the same service functions as the JSON API.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from litestar import Response, get, post
from litestar.response import Template
from pydantic import ValidationError

from portal.base import AnyRequest, current_principal, current_registry, page, see_other
from portal.forms import (
    Errors,
    Form,
    FormData,
    problems_of,
    value,
)
from registry.admission.providers import get_provider
from registry.api.security import allow
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Conflict, InvalidInput, NotFound, Problem
from registry.lifecycle.contracts import list_carrier_admissions, record_contract
from registry.lifecycle.reviews import due_for_review

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


def lifecycle_message(hinweis: str | None) -> str:
    """The confirmation after a redirect with ``?hinweis=...`` on the lifecycle pages."""
    text = MESSAGES.get(hinweis or "", "")
    if hinweis and hinweis.startswith("fm-"):
        text = f"{text} {STAFF_CHECK}"
    return text


# --------------------------------------------------------------------------- officer: A13


def _provider_names(reg: Registry, me: Principal, ids: Sequence[str]) -> dict[str, dict[str, Any]]:

    out: dict[str, dict[str, Any]] = {}
    for provider_id in dict.fromkeys(ids):
        try:
            out[provider_id] = get_provider(reg, me, provider_id)
        except NotFound:
            continue
    return out


@get("/admissions", guards=[allow(OFFICER)], sync_to_thread=True)
def admission_list(
    request: AnyRequest,
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
        message=lifecycle_message(hinweis),
    )


CONTRACT_ANCHORS = {"signed_on", "model_contract_version"}


def _contract_page(
    request: AnyRequest,
    provider_id: str,
    *,
    form: FormData | None = None,
    errors: Errors | None = None,
    status_code: int = 200,
) -> Template:

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
def contract_form(request: AnyRequest, provider_id: str) -> Template:
    return _contract_page(request, provider_id)


@post(
    "/providers/{provider_id:str}/contract",
    guards=[allow(OFFICER)],
    status_code=200,
    sync_to_thread=True,
)
def contract_submit(
    request: AnyRequest, reg: Registry, me: Principal, provider_id: str, data: Form
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
    request: AnyRequest,
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
def review_list(request: AnyRequest, within_days: int = 90, hinweis: str = "") -> Template:
    return _reviews_page(
        request, max(0, min(within_days, 3650)), message=lifecycle_message(hinweis)
    )


@post(
    "/admissions/{site_id:str}/review",
    guards=[allow(OFFICER)],
    status_code=200,
    sync_to_thread=True,
)
def review_submit(
    request: AnyRequest, reg: Registry, me: Principal, site_id: str, data: Form
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


def handlers() -> Sequence[Any]:
    return [admission_list, contract_form, contract_submit, review_list, review_submit]
