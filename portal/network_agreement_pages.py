"""Cooperation agreements (rules N2-N5): the list, an agreement with its versions and history,
activating a draft, and a new agreement (partners and districts picked by name). The pages call
``registry.network`` with the logged-in user."""

from __future__ import annotations

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
from portal.forms import Errors, Form, FormData, number, problems_of, value, values
from portal.picker_choices import chosen_codes, searching
from registry.api.security import allow
from registry.auth import Principal
from registry.context import Registry
from registry.errors import InvalidInput, Problem
from registry.network.agreement_drafts import create_agreement
from registry.network.agreement_reading import (
    agreements_due_for_review,
    get_agreement,
    list_agreements,
)
from registry.network.agreement_status import activate_agreement

KINDS = {
    "cooperation_agreement": "Kooperationsvereinbarung",
    "letter_of_intent": "Absichtserklärung",
    "procedure_agreement": "Verfahrensabsprache",
}


PURPOSES = {
    "general": "Zusammenarbeit allgemein",
    "referral": "nur Zuweisung ins Fallmanagement",
}


AGREEMENT_STATUS = {
    "draft": "Entwurf",
    "active": "in Kraft",
    "suspended": "ausgesetzt",
    "terminated": "beendet",
    "expired": "abgelaufen",
}


CHANNELS = {"digital": "digital", "phone": "Telefon", "written": "schriftlich"}


SCOPE_LEVELS = {"districts": "einzelne Kreise", "state": "ein Bundesland", "national": "bundesweit"}


AGREEMENT_ANCHORS = {
    "kind",
    "purpose",
    "title",
    "carriers",
    "partners",
    "scope",
    "scope.level",
    "scope.state",
    "scope.districts",
    "valid_from",
    "valid_until",
    "contents",
    "contents.roles",
    "contents.target_groups",
    "contents.services",
    "contents.contacts",
    "contents.reaction_time_days",
    "contents.channels",
    "contents.common_documents",
    "contents.documentation",
    "contents.data_protection",
    "contents.review",
    "contents.review.interval_months",
    "contents.review.next_review",
    "contents.target_group_criteria",
    "contents.transmission",
    "contents.informing_target_group",
}


@get("/agreements", guards=[allow(STRATEGIST)], sync_to_thread=True)
def agreement_list(
    request: AnyRequest, reg: Registry, me: Principal, status: str = "", hinweis: str = ""
) -> Template:
    status = status if status in AGREEMENT_STATUS else ""
    items = list_agreements(reg, me, status or None)
    due = agreements_due_for_review(reg, me, 90)
    return page(
        request,
        "agreements.html",
        title="Kooperationsvereinbarungen",
        items=items,
        due=due,
        status=status,
        statuses=AGREEMENT_STATUS,
        kinds=KINDS,
        me_carrier=me.carrier or "",
        message="Die Einladung ist abgelehnt; die Beteiligten sind informiert."
        if hinweis == "abgelehnt"
        else "",
    )


def agreement_page(
    request: AnyRequest,
    agreement_id: str,
    *,
    errors: Errors | None = None,
    form: FormData | None = None,
    status_code: int = 200,
    message: str = "",
) -> Template:
    reg = current_registry(request)
    agreement = get_agreement(reg, current_principal(request), agreement_id)
    return page(
        request,
        "agreement.html",
        status_code=status_code,
        title=agreement["title"],
        agreement=agreement,
        status_actions=_status_actions(agreement),
        history_actions=HISTORY_ACTIONS,
        content_labels=CONTENT_LABELS,
        kinds=KINDS,
        purposes=PURPOSES,
        statuses=AGREEMENT_STATUS,
        channels=CHANNELS,
        errors=errors or Errors(),
        form=form or {},
        message=message,
    )


HISTORY_ACTIONS = {
    "agreement.created": "als Entwurf angelegt",
    "agreement.edited": "Entwurf geändert",
    "agreement.activated": "in Kraft gesetzt",
    "agreement.new_version": "neue Version",
    "agreement.suspended": "ausgesetzt",
    "agreement.resumed": "wieder in Kraft gesetzt",
    "agreement.terminated": "beendet",
    "agreement.expired": "abgelaufen",
    "agreement.invitation_accepted": "Einladung angenommen",
    "agreement.invitation_declined": "Einladung abgelehnt",
}


CONTENT_LABELS = {
    "roles": "Rollen",
    "target_groups": "Zielgruppen",
    "services": "Leistungen",
    "contacts": "Feste Ansprechpersonen",
    "reaction_time_days": "Reaktionszeit in Tagen",
    "channels": "Kontaktwege",
    "common_documents": "Gemeinsame Unterlagen",
    "documentation": "Dokumentation von Verlauf und Ergebnis",
    "data_protection": "Datenschutz, Sozialdatenschutz und Sozialgeheimnis",
    "review": "Regelmäßige Überprüfung",
    "target_group_criteria": "Kriterien der Zielgruppe",
    "transmission": "Übermittlung der Zuweisung",
    "informing_target_group": "Information der Zielgruppe",
}


def _status_actions(agreement: dict[str, Any]) -> list[tuple[str, str]]:
    """The status changes open to the strategist (rule N4), as (action, label)."""
    if not agreement.get("may_manage"):
        return []
    status = agreement["status"]
    if status == "active":
        return [("suspend", "aussetzen"), ("terminate", "beenden")]
    if status == "suspended":
        return [("resume", "wieder in Kraft setzen"), ("terminate", "beenden")]
    return []


@get("/agreements/{agreement_id:str}", guards=[allow(STRATEGIST)], sync_to_thread=True)
def agreement_detail(request: AnyRequest, agreement_id: str, hinweis: str = "") -> Template:
    messages = {
        "angelegt": "Der Entwurf ist angelegt.",
        "zugesagt": "Ihr Träger ist jetzt Vertragspartei dieser Vereinbarung.",
        "aktiviert": "Die Vereinbarung ist in Kraft.",
        "geaendert": "Die Änderung ist gespeichert.",
        "suspend": "Die Vereinbarung ist ausgesetzt. Die Träger der Region sind informiert.",
        "resume": "Die Vereinbarung ist wieder in Kraft. Die Träger der Region sind informiert.",
        "terminate": "Die Vereinbarung ist beendet; sie bleibt mit ihren Versionen lesbar. "
        "Die Träger der Region sind informiert.",
    }
    return agreement_page(request, agreement_id, message=messages.get(hinweis, ""))


@post(
    "/agreements/{agreement_id:str}/activate",
    guards=[allow(STRATEGIST)],
    status_code=200,
    sync_to_thread=True,
)
def agreement_activate(
    request: AnyRequest, reg: Registry, me: Principal, agreement_id: str, data: Form
) -> Response[Any]:
    reason = value(data, "override_reason") or None
    errors = Errors(anchors={"override_reason"}, default="override_reason")
    try:
        activate_agreement(reg, me, agreement_id, reason)
    except InvalidInput as exc:
        if any(p.rule == "N4" for p in exc.problems):
            errors.notice = (
                "Die Vereinbarung kann nicht in Kraft treten: eine Einladung an einen Träger ist "
                "noch offen. Sie tritt erst nach dessen Zusage oder Absage in Kraft."
            )
        else:
            errors.notice = (
                "Die Vereinbarung kann nicht in Kraft treten: es fehlen Inhalte. "
                "Ergänzen Sie sie, oder aktivieren Sie mit einer Begründung."
            )
        errors.extend(exc.problems)
    else:
        return see_other(f"/agreements/{agreement_id}?hinweis=aktiviert")
    return agreement_page(request, agreement_id, errors=errors, form=data, status_code=422)


def agreement_form_page(
    request: AnyRequest, form: FormData, *, errors: Errors | None = None, status_code: int = 200
) -> Template:
    reg = current_registry(request)
    return page(
        request,
        "agreement_form.html",
        status_code=status_code,
        title="Vereinbarung anlegen",
        form=form,
        errors=errors or Errors(),
        kind_options=list(KINDS.items()),
        purpose_options=list(PURPOSES.items()),
        level_options=list(SCOPE_LEVELS.items()),
        channel_options=list(CHANNELS.items()),
        carrier_options=[(c.id, c.name) for c in reg.reference.carriers],
        state_options=[(s.name, s.name) for s in reg.reference.states()],
        target_group_options=[(t.code, t.label) for t in reg.reference.target_groups],
    )


def default_scope(reg: Registry, carrier_id: str) -> dict[str, str]:
    """The scope a new agreement starts with, complete so that the defaults alone never make an
    error (issue 17, item 8): a federal carrier's nationwide, a regional carrier's first state
    its region names ("Schleswig-Holstein, Hamburg und …" -> Schleswig-Holstein)."""
    carrier = reg.reference.carriers_by_id.get(carrier_id)
    if carrier is None or carrier.kind == "federal":
        return {"scope.level": "national"}
    named = [(carrier.region.find(s.name), s.name) for s in reg.reference.states()]
    found = sorted((at, name) for at, name in named if at >= 0)
    return {"scope.level": "state", "scope.state": found[0][1]} if found else {}


@get("/agreements/new", guards=[allow(STRATEGIST)], sync_to_thread=True)
def agreement_new(request: AnyRequest, reg: Registry, me: Principal) -> Template:
    carrier = me.carrier or ""
    return agreement_form_page(
        request,
        {
            "carriers": [carrier],
            "purpose": "general",
            **default_scope(reg, carrier),
        },
    )


def _texts(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def agreement_body(form: FormData) -> dict[str, Any]:
    contents: dict[str, Any] = {}
    for key in (
        "roles",
        "documentation",
        "data_protection",
        "target_group_criteria",
        "transmission",
        "informing_target_group",
    ):
        if value(form, f"contents.{key}"):
            contents[key] = value(form, f"contents.{key}")
    for key in ("services", "common_documents"):
        if _texts(value(form, f"contents.{key}")):
            contents[key] = _texts(value(form, f"contents.{key}"))
    if values(form, "contents.target_groups"):
        contents["target_groups"] = values(form, "contents.target_groups")
    if values(form, "contents.channels"):
        contents["channels"] = values(form, "contents.channels")
    if number(form, "contents.reaction_time_days"):
        contents["reaction_time_days"] = number(form, "contents.reaction_time_days")
    review: dict[str, Any] = {}
    if number(form, "contents.review.interval_months"):
        review["interval_months"] = number(form, "contents.review.interval_months")
    if value(form, "contents.review.next_review"):
        review["next_review"] = value(form, "contents.review.next_review")
    if review:
        contents["review"] = review
    contact = {
        k: value(form, f"contents.contacts[0].{k}") for k in ("name", "role", "email", "phone")
    }
    if contact["name"]:
        contents["contacts"] = [contact]
    level = value(form, "scope.level")
    scope: dict[str, Any] = {"level": level}
    if level == "state":
        scope["state"] = value(form, "scope.state")
    elif level == "districts":
        scope["districts"] = chosen_codes(form, "scope.districts")
    return {
        "kind": value(form, "kind"),
        "purpose": value(form, "purpose") or "general",
        "title": value(form, "title"),
        "carriers": values(form, "carriers"),
        "partners": values(form, "partners"),
        "scope": scope,
        "valid_from": value(form, "valid_from"),
        "valid_until": value(form, "valid_until") or None,
        "contents": contents,
    }


@post("/agreements/new", guards=[allow(STRATEGIST)], status_code=200, sync_to_thread=True)
def agreement_create(
    request: AnyRequest, reg: Registry, me: Principal, data: Form
) -> Response[Any]:
    from registry.api.network_schemas import AgreementIn

    if searching(data):  # a picker's "Suchen" without JavaScript: show the matches, save nothing
        return agreement_form_page(request, data)
    errors = Errors(anchors=AGREEMENT_ANCHORS, default="title")
    try:
        parsed = AgreementIn.model_validate(agreement_body(data))
    except ValidationError as exc:
        errors.extend(contacts_to_anchor(problems_of(exc)))
    else:
        try:
            created = create_agreement(reg, me, parsed.model_dump(mode="json", exclude_none=True))
        except InvalidInput as exc:
            errors.extend(exc.problems)
        else:
            return see_other(f"/agreements/{created['id']}?hinweis=angelegt")
    return agreement_form_page(request, data, errors=errors, status_code=422)


def contacts_to_anchor(problems: list[Problem]) -> list[Problem]:
    return [
        Problem(p.field.replace("contacts[0]", "contacts"), p.message, p.rule) for p in problems
    ]


def handlers() -> list[Any]:
    return [agreement_list, agreement_detail, agreement_activate, agreement_new, agreement_create]
