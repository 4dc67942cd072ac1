"""Changing cooperation agreements (rules N2-N5): editing a draft in place or an agreement in
force as a new version, suspending, resuming and terminating with a reason, accepting or
declining an invitation, and the agreements due for review."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Response, get, post
from litestar.response import Template
from pydantic import ValidationError

from portal.base import (
    STRATEGIST,
    AnyRequest,
    current_principal,
    current_registry,
    page,
    see_other,
)
from portal.forms import Errors, Form, FormData, problems_of, value
from portal.network_agreement_pages import (
    AGREEMENT_ANCHORS,
    AGREEMENT_STATUS,
    KINDS,
    agreement_body,
    agreement_form_page,
    agreement_page,
    contacts_to_anchor,
)
from portal.network_partner_pages import num_text
from portal.picker_choices import searching
from registry.api.security import allow
from registry.auth import Principal
from registry.context import Registry
from registry.errors import Conflict, InvalidInput, Problem
from registry.network.agreement_drafts import update_agreement
from registry.network.agreement_invitations import accept_invitation, decline_invitation
from registry.network.agreement_reading import (
    agreements_due_for_review,
    get_agreement,
)
from registry.network.agreement_status import change_agreement_status

STATUS_ACTIONS = {
    "suspend": ("Aussetzen", "Die Vereinbarung ist ausgesetzt."),
    "resume": ("Wieder in Kraft setzen", "Die Vereinbarung ist wieder in Kraft."),
    "terminate": (
        "Beenden",
        "Die Vereinbarung ist beendet. Sie bleibt mit ihren Versionen lesbar.",
    ),
}


CONTENT_TEXTS = (
    "roles",
    "documentation",
    "data_protection",
    "target_group_criteria",
    "transmission",
    "informing_target_group",
)


def agreement_form_values(a: Mapping[str, Any]) -> dict[str, Any]:
    """The agreement form filled with an agreement (the first fixed contact is editable here;
    further ones are kept as they are)."""
    contents = a.get("contents") or {}
    scope = a.get("scope") or {}
    form: dict[str, Any] = {
        "title": a["title"],
        "kind": a["kind"],
        "purpose": a["purpose"],
        "carriers": list(a.get("carriers") or []),
        "partners": list(a.get("partners") or []),
        "scope.level": scope.get("level", ""),
        "scope.state": scope.get("state") or "",
        "scope.districts": ", ".join(scope.get("districts") or []),
        "valid_from": a.get("valid_from") or "",
        "valid_until": a.get("valid_until") or "",
    }
    for key in CONTENT_TEXTS:
        raw = contents.get(key)
        form[f"contents.{key}"] = "\n".join(raw) if isinstance(raw, list) else (raw or "")
    for key in ("services", "common_documents"):
        form[f"contents.{key}"] = ", ".join(contents.get(key) or [])
    form["contents.target_groups"] = list(contents.get("target_groups") or [])
    form["contents.channels"] = list(contents.get("channels") or [])
    form["contents.reaction_time_days"] = num_text(contents.get("reaction_time_days"))
    review = contents.get("review") or {}
    form["contents.review.interval_months"] = num_text(review.get("interval_months"))
    form["contents.review.next_review"] = review.get("next_review") or ""
    first = (contents.get("contacts") or [{}])[0]
    for key in ("name", "role", "email", "phone"):
        form[f"contents.contacts[0].{key}"] = first.get(key, "")
    return form


def agreement_patch_body(form: FormData, current: Mapping[str, Any]) -> dict[str, Any]:
    """The PATCH body: every field of the form; a content left empty is removed (None)."""
    full = agreement_body(form)
    contents: dict[str, Any] = {key: None for key in _CONTENT_KEYS}
    contents.update(full["contents"])
    extra = list((current.get("contents") or {}).get("contacts") or [])[1:]
    if contents.get("contacts") is not None or extra:
        contents["contacts"] = [*(contents.get("contacts") or []), *extra] or None
    full["contents"] = contents
    if value(form, "override_reason"):
        full["override_reason"] = value(form, "override_reason")
    return full


_CONTENT_KEYS = (
    *CONTENT_TEXTS,
    "target_groups",
    "services",
    "contacts",
    "reaction_time_days",
    "channels",
    "common_documents",
    "review",
)


def _agreement_edit_page(
    request: AnyRequest,
    agreement: Mapping[str, Any],
    form: FormData,
    *,
    errors: Errors | None = None,
    status_code: int = 200,
) -> Template:
    page = agreement_form_page(request, form, errors=errors, status_code=status_code)
    assert page.context is not None
    draft = agreement["status"] == "draft"
    page.context.update(
        title=f"{agreement['title']} bearbeiten",
        heading=f"Vereinbarung bearbeiten: {agreement['title']}",
        form_action=f"/agreements/{agreement['id']}/edit",
        submit_label="Entwurf speichern" if draft else "Als neue Version speichern",
        agreement=agreement,
        intro=(
            "Ein Entwurf wird an Ort und Stelle geändert."
            if draft
            else f"Die Vereinbarung ist {AGREEMENT_STATUS.get(agreement['status'], '')}: "
            f"Ihre Änderung wird Version {agreement['version'] + 1}, die ab heute gilt; Version "
            f"{agreement['version']} bleibt lesbar. Die Träger der Region werden informiert "
            "und die neue Version muss alle nötigen Inhalte haben."
        ),
        show_override=not draft,
    )
    return page


def _manageable(request: AnyRequest, agreement_id: str) -> dict[str, Any]:
    from registry.errors import Forbidden

    agreement: dict[str, Any] = get_agreement(
        current_registry(request), current_principal(request), agreement_id
    )
    if not agreement.get("may_manage"):
        raise Forbidden("Diese Vereinbarung bearbeiten nur ihre Vertragsparteien.", rule="N4")
    return agreement


@get("/agreements/{agreement_id:str}/edit", guards=[allow(STRATEGIST)], sync_to_thread=True)
def agreement_edit(request: AnyRequest, agreement_id: str) -> Template:
    agreement = _manageable(request, agreement_id)
    if agreement["status"] not in ("draft", "active", "suspended"):
        raise Conflict("Eine beendete oder abgelaufene Vereinbarung kann nicht geändert werden.")
    return _agreement_edit_page(request, agreement, agreement_form_values(agreement))


@post(
    "/agreements/{agreement_id:str}/edit",
    guards=[allow(STRATEGIST)],
    status_code=200,
    sync_to_thread=True,
)
def agreement_update(
    request: AnyRequest, reg: Registry, me: Principal, agreement_id: str, data: Form
) -> Response[Any]:
    from registry.api.network_schemas import AgreementPatch

    agreement = _manageable(request, agreement_id)
    if searching(data):  # a picker's "Suchen" without JavaScript: show the matches, save nothing
        return _agreement_edit_page(request, agreement, data)
    errors = Errors(anchors=AGREEMENT_ANCHORS | {"override_reason"}, default="title")
    try:
        parsed = AgreementPatch.model_validate(agreement_patch_body(data, agreement))
    except ValidationError as exc:
        errors.extend(contacts_to_anchor(problems_of(exc)))
    else:
        changes = parsed.model_dump(mode="json", exclude_unset=True)
        override = changes.pop("override_reason", None)
        try:
            update_agreement(reg, me, agreement_id, changes, override_reason=override)
        except InvalidInput as exc:
            if any(p.rule == "N3" for p in exc.problems):
                errors.notice = (
                    "Die neue Version ist unvollständig. Ergänzen Sie die Inhalte oder "
                    "geben Sie eine Begründung an, warum sie trotzdem gelten soll."
                )
            errors.extend(contacts_to_anchor(exc.problems))
        except Conflict as exc:
            errors.notice = exc.message
        else:
            return see_other(f"/agreements/{agreement_id}?hinweis=geaendert")
    return _agreement_edit_page(request, agreement, data, errors=errors, status_code=422)


@post(
    "/agreements/{agreement_id:str}/status",
    guards=[allow(STRATEGIST)],
    status_code=200,
    sync_to_thread=True,
)
def agreement_status(
    request: AnyRequest, reg: Registry, me: Principal, agreement_id: str, data: Form
) -> Response[Any]:
    """N4: suspend, resume or terminate, each with a reason; the region's carriers are told."""
    from registry.api.network_schemas import AgreementReasonIn

    _manageable(request, agreement_id)  # rule N4: parties only, before the form is read
    action = value(data, "status_action")
    errors = Errors(anchors={"status_action", "status_reason"}, default="status_action")
    if action not in STATUS_ACTIONS:
        errors.add(Problem("status_action", "Bitte eine Aktion wählen."))
    try:
        parsed = AgreementReasonIn.model_validate({"reason": value(data, "status_reason")})
    except ValidationError:
        errors.add(Problem("status_reason", "Bitte eine Begründung angeben.", "N4"))
    if not errors:
        try:
            change_agreement_status(reg, me, agreement_id, action, parsed.reason)
        except InvalidInput as exc:
            errors.extend(Problem("status_reason", p.message, p.rule) for p in exc.problems)
        except Conflict as exc:
            errors.add(Problem("status_action", exc.message))
        else:
            return see_other(f"/agreements/{agreement_id}?hinweis={action}")
    return np_agreement_page(request, agreement_id, errors, data)


@post(
    "/agreements/{agreement_id:str}/accept",
    guards=[allow(STRATEGIST)],
    status_code=200,
    sync_to_thread=True,
)
def agreement_accept(
    request: AnyRequest, reg: Registry, me: Principal, agreement_id: str
) -> Response[Any]:
    """N4: a strategist of an invited carrier accepts; its carrier becomes a party."""
    accept_invitation(reg, me, agreement_id)
    return see_other(f"/agreements/{agreement_id}?hinweis=zugesagt")


@post(
    "/agreements/{agreement_id:str}/decline",
    guards=[allow(STRATEGIST)],
    status_code=200,
    sync_to_thread=True,
)
def agreement_decline(
    request: AnyRequest, reg: Registry, me: Principal, agreement_id: str
) -> Response[Any]:
    """N4: a strategist of an invited carrier declines; the invitation is removed."""
    decline_invitation(reg, me, agreement_id)
    return see_other("/agreements?hinweis=abgelehnt")


def np_agreement_page(
    request: AnyRequest, agreement_id: str, errors: Errors, form: FormData
) -> Template:
    page: Template = agreement_page(
        request, agreement_id, errors=errors, form=form, status_code=422
    )
    return page


@get("/agreements/due", guards=[allow(STRATEGIST)], sync_to_thread=True)
def agreements_due(
    request: AnyRequest, reg: Registry, me: Principal, within_days: int = 90
) -> Template:
    """N5: the carrier's agreements whose next review lies within the window or is past."""
    within = max(0, min(within_days, 3650))
    due = agreements_due_for_review(reg, me, within)
    return page(
        request,
        "agreements_due.html",
        title="Vereinbarungen zur Überprüfung",
        due=due,
        within_days=within,
        kinds=KINDS,
        statuses=AGREEMENT_STATUS,
    )


def handlers() -> list[Any]:
    return [
        agreement_edit,
        agreement_update,
        agreement_status,
        agreement_accept,
        agreement_decline,
        agreements_due,
    ]
