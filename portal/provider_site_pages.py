"""The provider's own pages (rule A15): the organisation with its sites, each site's details
(opening hours, ways of counselling, new cases, waiting time, accessibility; saving confirms
them) and the yearly confirmation of the data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from litestar import Response, get, post
from litestar.response import Template
from pydantic import ValidationError

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
from portal.lifecycle_pages import MESSAGES, PROVIDER
from portal.picker_choices import chosen_codes, searching
from registry.admission.providers import get_provider
from registry.api.security import allow
from registry.auth import Principal
from registry.context import Registry
from registry.errors import InvalidInput, NotFound
from registry.lifecycle.sites import confirm_site, get_site, update_site_details
from registry.lifecycle.tasks import list_tasks

# --------------------------------------------------------------------------- provider: sites


def _own_site(reg: Registry, me: Principal, site_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
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
    request: AnyRequest,
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
def site_edit(request: AnyRequest, site_id: str) -> Template:
    return _site_page(request, site_id)


@post(
    "/provider/sites/{site_id:str}", guards=[allow(PROVIDER)], status_code=200, sync_to_thread=True
)
def site_save(
    request: AnyRequest, reg: Registry, me: Principal, site_id: str, data: Form
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
def site_confirm(request: AnyRequest, reg: Registry, me: Principal, site_id: str) -> Response[Any]:
    """A15: "Daten bestätigen" - the site data is current (the directory shows the date)."""
    confirm_site(reg, me, me.provider or "", site_id)
    return see_other("/provider?hinweis=bestaetigt")


def provider_flags(reg: Registry, me: Principal) -> dict[str, dict[str, Any]]:
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
    return [provider_page, site_edit, site_save, site_confirm]
