"""Portal pages of the network (rules N1-N7): partners, agreements, coverage.

The pages call the use cases of ``registry.network`` with the logged-in Principal, like the
API does.
"""

from __future__ import annotations

import math
from typing import Any

from litestar import Response, get, post
from litestar.response import Template
from pydantic import ValidationError

from portal.base import current_principal, current_registry, page, see_other
from portal.forms import Errors, Form, FormData, number, problems_of, value, values
from portal.picker_choices import chosen_codes, searching
from registry.api.security import allow
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import InvalidInput, Problem
from registry.network.agreement_drafts import create_agreement
from registry.network.agreement_reading import (
    agreements_due_for_review,
    get_agreement,
    list_agreements,
)
from registry.network.agreement_status import activate_agreement
from registry.network.coverage_report import coverage
from registry.network.partners import create_partner, get_partner, list_partners

CASE_MANAGER = Role.CASE_MANAGER
STRATEGIST = Role.NETWORK_STRATEGIST
ADMIN = Role.ADMIN

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

PARTNER_ANCHORS = {
    "name",
    "type",
    "services",
    "target_groups",
    "sites",
    "sites[0].name",
    "sites[0].address.street",
    "sites[0].address.postal_code",
    "sites[0].address.place",
    "sites[0].service_radius_km",
    "contacts",
    "contacts[0].name",
    "contacts[0].role",
    "contacts[0].email",
    "contacts[0].phone",
    "contacts[0].reachability",
}
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


def _type_labels(reg: Any) -> dict[str, str]:
    return {t.code: t.label for t in reg.reference.partner_types}


# --------------------------------------------------------------------------- partners (N1, E7)


def _partners_page(request: Any, q: str, type_: str, seite: int, message: str = "") -> Template:
    reg, me = current_registry(request), current_principal(request)
    result = list_partners(
        reg, me, type=type_ or None, q=q or None, page=max(seite, 1), page_size=20
    )
    pages = max(1, math.ceil(result["total"] / 20))
    return page(
        request,
        "partners.html",
        title="Netzwerkpartner",
        result=result,
        q=q,
        type_=type_,
        page_no=max(seite, 1),
        pages=pages,
        types=_type_labels(reg),
        message=message,
    )


@get("/partners", guards=[allow(CASE_MANAGER, STRATEGIST)], sync_to_thread=True)
def partner_list(
    request: Any,
    q: str = "",
    type: str = "",
    seite: int = 1,
    hinweis: str = "",  # noqa: A002
) -> Template:
    message = "Der Netzwerkpartner ist angelegt." if hinweis == "angelegt" else ""
    return _partners_page(request, q.strip()[:200], type, seite, message)


@get("/partners/{partner_id:str}", guards=[allow(CASE_MANAGER, STRATEGIST)], sync_to_thread=True)
def partner_detail(
    request: Any, reg: Registry, me: Principal, partner_id: str, hinweis: str = ""
) -> Template:
    partner = get_partner(reg, me, partner_id)
    return page(
        request,
        "partner.html",
        title=partner["name"],
        partner=partner,
        types=_type_labels(reg),
        message="Die Änderungen sind gespeichert." if hinweis == "geaendert" else "",
    )


def _partner_form(
    request: Any, form: FormData, *, errors: Errors | None = None, status_code: int = 200
) -> Template:
    reg = current_registry(request)
    return page(
        request,
        "partner_form.html",
        status_code=status_code,
        title="Netzwerkpartner anlegen",
        form=form,
        errors=errors or Errors(),
        type_options=list(_type_labels(reg).items()),
        target_group_list=reg.reference.target_groups,
    )


@get("/partners/new", guards=[allow(CASE_MANAGER, STRATEGIST)], sync_to_thread=True)
def partner_new(request: Any) -> Template:
    return _partner_form(request, {"sites[0].service_radius_km": "30"})


def partner_body(form: FormData) -> dict[str, Any]:
    site: dict[str, Any] = {
        "name": value(form, "sites[0].name"),
        "address": {
            "street": value(form, "sites[0].address.street"),
            "postal_code": value(form, "sites[0].address.postal_code"),
            "place": value(form, "sites[0].address.place"),
        },
        "service_radius_km": number(form, "sites[0].service_radius_km") or "",
    }
    contact = {
        k: value(form, f"contacts[0].{k}")
        for k in ("name", "role", "email", "phone", "reachability")
    }
    return {
        "name": value(form, "name"),
        "type": value(form, "type"),
        "sites": [site],
        "services": [s.strip() for s in value(form, "services").split(",") if s.strip()],
        "target_groups": values(form, "target_groups"),
        "contacts": [contact] if contact["name"] else [],
    }


@post(
    "/partners/new", guards=[allow(CASE_MANAGER, STRATEGIST)], status_code=200, sync_to_thread=True
)
def partner_create(request: Any, reg: Registry, me: Principal, data: Form) -> Response[Any]:
    from registry.api.network_schemas import PartnerIn

    errors = Errors(anchors=PARTNER_ANCHORS, default="name")
    try:
        parsed = PartnerIn.model_validate(partner_body(data))
    except ValidationError as exc:
        errors.extend(problems_of(exc))
    else:
        try:
            created = create_partner(reg, me, parsed.model_dump())
        except InvalidInput as exc:
            errors.extend(exc.problems)
        else:
            return see_other(f"/partners/{created['id']}")
    return _partner_form(request, data, errors=errors, status_code=422)


# --------------------------------------------------------------------------- agreements (N2-N5)


@get("/agreements", guards=[allow(STRATEGIST)], sync_to_thread=True)
def agreement_list(
    request: Any, reg: Registry, me: Principal, status: str = "", hinweis: str = ""
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


def _agreement_page(
    request: Any,
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
def agreement_detail(request: Any, agreement_id: str, hinweis: str = "") -> Template:
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
    return _agreement_page(request, agreement_id, message=messages.get(hinweis, ""))


@post(
    "/agreements/{agreement_id:str}/activate",
    guards=[allow(STRATEGIST)],
    status_code=200,
    sync_to_thread=True,
)
def agreement_activate(
    request: Any, reg: Registry, me: Principal, agreement_id: str, data: Form
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
    return _agreement_page(request, agreement_id, errors=errors, form=data, status_code=422)


def _agreement_form(
    request: Any, form: FormData, *, errors: Errors | None = None, status_code: int = 200
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


def default_scope(reg: Any, carrier_id: str) -> dict[str, str]:
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
def agreement_new(request: Any, reg: Registry, me: Principal) -> Template:
    carrier = me.carrier or ""
    return _agreement_form(
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
def agreement_create(request: Any, reg: Registry, me: Principal, data: Form) -> Response[Any]:
    from registry.api.network_schemas import AgreementIn

    if searching(data):  # a picker's "Suchen" without JavaScript: show the matches, save nothing
        return _agreement_form(request, data)
    errors = Errors(anchors=AGREEMENT_ANCHORS, default="title")
    try:
        parsed = AgreementIn.model_validate(agreement_body(data))
    except ValidationError as exc:
        errors.extend(_contacts_to_anchor(problems_of(exc)))
    else:
        try:
            created = create_agreement(reg, me, parsed.model_dump(mode="json", exclude_none=True))
        except InvalidInput as exc:
            errors.extend(exc.problems)
        else:
            return see_other(f"/agreements/{created['id']}?hinweis=angelegt")
    return _agreement_form(request, data, errors=errors, status_code=422)


def _contacts_to_anchor(problems: list[Problem]) -> list[Problem]:
    return [
        Problem(p.field.replace("contacts[0]", "contacts"), p.message, p.rule) for p in problems
    ]


# --------------------------------------------------------------------------- coverage (N6, N7)


@get("/coverage", guards=[allow(STRATEGIST, ADMIN)], sync_to_thread=True)
def coverage_page(
    request: Any,
    reg: Registry,
    me: Principal,
    target_group: str = "",
    lookahead_days: int = 0,
    nur_luecken: bool = False,
    land: str = "",
) -> Template:
    codes_ = [t.code for t in reg.reference.target_groups]
    target_group = target_group if target_group in codes_ else codes_[0]
    lookahead = max(0, min(lookahead_days, 3650))
    rows = coverage(reg, me, target_group, lookahead)
    gaps = sum(1 for r in rows if r.get("gap"))
    opening = sum(1 for r in rows if r.get("gap_opens"))
    coverage_map = coverage_map_of(reg, rows)
    needs = sorted(
        (r for r in rows if r["unmet_needs"]),
        key=lambda r: (-r["unmet_needs"], r["district"]["name"]),
    )
    further = further_needs(reg, me, target_group) if needs else {}
    states = sorted({r["state"] for r in rows})
    land = land if land in states else ""
    if nur_luecken:
        rows = [r for r in rows if r.get("gap") or r.get("gap_opens")]
    if land:
        rows = [r for r in rows if r["state"] == land]
    rows.sort(key=lambda r: (r["state"], r["district"]["name"]))
    return page(
        request,
        "coverage.html",
        title="Abdeckung",
        rows=rows,
        needs=needs,
        further_needs=further,
        map=coverage_map,
        target_group=target_group,
        lookahead=lookahead,
        only_gaps=nur_luecken,
        land=land,
        states=states,
        gaps=gaps,
        opening=opening,
        target_group_list=reg.reference.target_groups,
        may_announce=me.role in (Role.ADMISSIONS_OFFICER, STRATEGIST),
        may_see_network=me.role in (CASE_MANAGER, STRATEGIST),
    )


def needs_text(language: str, outreach: bool, barrier_free: bool) -> str:
    """Rule N7: the case's non-personal needs of unmet-need records, in German ("" for none)."""
    from portal.labels import language_label

    parts = []
    if language:
        parts.append(f"Sprache {language_label(language)}")
    if outreach:
        parts.append("aufsuchende Beratung")
    if barrier_free:
        parts.append("barrierefrei")
    return ", ".join(parts)


def further_needs(reg: Any, me: Any, target_group: str) -> dict[str, list[str]]:
    """Rule N7: per district key, the recorded needs beyond the target group, most often first
    ("3 × Sprache Türkisch"), so that strategists see which offer is missing."""
    from registry.network.unmet_need import unmet_need_counts

    out: dict[str, list[str]] = {}
    for row in unmet_need_counts(reg, me):
        if row["target_group"] != target_group:
            continue
        texts = [
            f"{n['count']} × {text}"
            for n in row["needs"]
            if (text := needs_text(n["language"], n["outreach"], n["barrier_free"]))
        ]
        if texts:
            out[row["district"]["key"]] = texts
    return out


def coverage_kind(row: dict[str, Any]) -> str:
    """How a district is drawn on the coverage map (rule N6)."""
    if row.get("gap"):
        return "gap"
    if row.get("gap_opens"):
        return "gap-opens"
    if row["provider_sites"]:
        return "covered"
    return "partners"


def coverage_map_of(reg: Any, rows: list[dict[str, Any]]) -> Any:
    """Every district as a marker at its centroid: a square for a gap, a triangle where a gap
    opens within the look-ahead, a filled circle (larger with more provider sites) where
    providers reach it, a hollow circle where only partners serve it; a ring marks recorded
    unmet need (N7)."""
    from portal import maps
    from registry.words import count

    markers = []
    for r in rows:
        district = reg.reference.districts_by_key.get(r["district"]["key"])
        if district is None:
            continue
        n = int(r["provider_sites"])
        markers.append(
            maps.Marker(
                district.lat,
                district.lon,
                coverage_kind(r),
                title=f"{district.name}: {count(n, 'Anbieter-Standort', 'Anbieter-Standorte')}, "
                f"{r['partners']} Partner"
                + (
                    f", {count(r['unmet_needs'], 'Meldung', 'Meldungen')} ungedeckten Bedarfs"
                    if r["unmet_needs"]
                    else ""
                ),
                ring=bool(r["unmet_needs"]),
                scale=1.0 if n <= 1 else (1.3 if n <= 3 else 1.6),
                key=r["district"]["key"],
            )
        )
    return maps.draw(markers, size=5.5)


def handlers() -> list[Any]:
    return [
        partner_list,
        partner_new,
        partner_create,
        partner_detail,
        agreement_list,
        agreement_new,
        agreement_create,
        agreement_detail,
        agreement_activate,
        coverage_page,
    ]
