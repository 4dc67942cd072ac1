"""The application for admission (rule A1-A4, A9): the form a provider (or an officer on paper)
fills in, the address check, the provider's server-side draft, and the submission.

The form's fields and their mapping to the API's input model live in ``portal.application_form``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Response, get, post
from litestar.response import Template
from pydantic import ValidationError

from portal import application_form as appform
from portal import labels
from portal.base import (
    OFFICER,
    PROVIDER,
    AnyRequest,
    carrier_name,
    current_principal,
    current_registry,
    message_for,
    page,
    see_other,
)
from portal.forms import Errors, Form, FormData, problems_of, value
from registry.admission.announcements import list_announcements
from registry.admission.submission import problems_of_unfinished, submit_application
from registry.api.security import allow
from registry.auth import Principal
from registry.context import Registry
from registry.errors import Forbidden, InvalidInput, Problem

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
    reg, me = current_registry(request), current_principal(request)
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
def application_new(
    request: AnyRequest, reg: Registry, me: Principal, hinweis: str | None = None
) -> Template:
    from registry.admission import drafts

    message = message_for(hinweis)
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
            f"({place.state}); zuständig ist die {carrier_name(reg, place.responsible_carrier)}.",
        }
    return out


@post("/applications/new", guards=[allow(PROVIDER, OFFICER)], status_code=200, sync_to_thread=True)
def application_submit(
    request: AnyRequest, reg: Registry, me: Principal, data: Form
) -> Response[Any]:
    from registry.admission import drafts
    from registry.api.schemas import ApplicationIn, ProviderIn

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
    parsed: ApplicationIn | None = None
    try:
        parsed = ApplicationIn.model_validate(body)
    except ValidationError as exc:
        add([p for p in problems_of(exc) if not p.field.startswith("provider")])
    if errors:
        # the rule problems too, not only once the form is well-formed (issue 17, item 8)
        add(problems_of_unfinished(reg, body))
    elif parsed is not None:
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


def handlers() -> list[Any]:
    return [application_new, application_submit]
