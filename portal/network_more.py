"""More portal pages of the network (rules N1-N5): editing partners and their contacts,
editing agreements (a draft in place, an agreement in force as a new version), suspending,
resuming and terminating them with a reason, and the agreements due for review.

The pages call the use cases of ``registry.network`` with the logged-in Principal, like the
API does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from litestar import Response, get, post
from litestar.response import Template
from pydantic import ValidationError

from portal.base import current_principal, current_registry, page, see_other
from portal.forms import Errors, Form, FormData, checked, number, problems_of, value, values
from portal.network_pages import (
    AGREEMENT_ANCHORS,
    AGREEMENT_STATUS,
    KINDS,
    _agreement_form,
    _agreement_page,
    _contacts_to_anchor,
    _type_labels,
    agreement_body,
)
from portal.picker_choices import searching
from registry.api.security import allow
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Conflict, InvalidInput, Problem
from registry.network.agreement_drafts import update_agreement
from registry.network.agreement_invitations import accept_invitation, decline_invitation
from registry.network.agreement_reading import agreements_due_for_review, get_agreement
from registry.network.agreement_status import change_agreement_status
from registry.network.partners import get_partner, update_partner

CASE_MANAGER = Role.CASE_MANAGER
STRATEGIST = Role.NETWORK_STRATEGIST

SITE_FIELDS = (
    "name",
    "address.street",
    "address.postal_code",
    "address.place",
    "service_radius_km",
)
CONTACT_FIELDS = ("name", "role", "email", "phone", "reachability")
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


# --------------------------------------------------------------------------- partner edit (N1)


def partner_form_values(partner: Mapping[str, Any]) -> dict[str, Any]:
    """The edit form filled with a partner: every site and contact, plus one empty row each."""
    form: dict[str, Any] = {
        "name": partner["name"],
        "type": partner["type"],
        "services": ", ".join(partner.get("services") or []),
        "target_groups": list(partner.get("target_groups") or []),
        "active": "on" if partner.get("active", True) else "",
        "site_count": str(len(partner.get("sites") or []) + 1),
        "contact_count": str(len(partner.get("contacts") or []) + 1),
    }
    for i, s in enumerate(partner.get("sites") or []):
        address = s.get("address") or {}
        form[f"sites[{i}].id"] = s["id"]
        form[f"sites[{i}].name"] = s["name"]
        form[f"sites[{i}].address.street"] = address.get("street", "")
        form[f"sites[{i}].address.postal_code"] = address.get("postal_code", "")
        form[f"sites[{i}].address.place"] = address.get("place", "")
        form[f"sites[{i}].service_radius_km"] = _num(s.get("service_radius_km"))
    for i, contact in enumerate(partner.get("contacts") or []):
        for key in CONTACT_FIELDS:
            form[f"contacts[{i}].{key}"] = contact.get(key, "")
    return form


def _num(n: Any) -> str:
    if n is None:
        return ""
    f = float(n)
    return str(int(f)) if f.is_integer() else str(f).replace(".", ",")


def _count(form: FormData, name: str, top: int = 200) -> int:
    try:
        return max(0, min(int(value(form, name) or 0), top))
    except ValueError:
        return 0


def partner_patch_body(form: FormData) -> tuple[dict[str, Any], list[int], list[int]]:
    """The PATCH body and, per site and contact sent, the form row it came from. A row marked
    "entfernen" or left empty is not sent: a site not sent is removed (see update_partner)."""
    sites: list[dict[str, Any]] = []
    site_rows: list[int] = []
    for i in range(_count(form, "site_count")):
        p = f"sites[{i}]"
        if checked(form, f"{p}.remove"):
            continue
        if not any(
            value(form, f"{p}.{k}") for k in ("name", "address.postal_code", "address.street")
        ):
            continue
        site: dict[str, Any] = {
            "name": value(form, f"{p}.name"),
            "address": {
                "street": value(form, f"{p}.address.street"),
                "postal_code": value(form, f"{p}.address.postal_code"),
                "place": value(form, f"{p}.address.place"),
            },
            "service_radius_km": number(form, f"{p}.service_radius_km") or "",
        }
        if value(form, f"{p}.id"):
            site["id"] = value(form, f"{p}.id")
        sites.append(site)
        site_rows.append(i)
    contacts: list[dict[str, Any]] = []
    contact_rows: list[int] = []
    for i in range(_count(form, "contact_count")):
        p = f"contacts[{i}]"
        if checked(form, f"{p}.remove"):
            continue
        row = {k: value(form, f"{p}.{k}") for k in CONTACT_FIELDS}
        if not any(row.values()):
            continue
        contacts.append(row)
        contact_rows.append(i)
    body = {
        "name": value(form, "name"),
        "type": value(form, "type"),
        "services": [s.strip() for s in value(form, "services").split(",") if s.strip()],
        "target_groups": values(form, "target_groups"),
        "active": checked(form, "active"),
        "sites": sites,
        "contacts": contacts,
    }
    return body, site_rows, contact_rows


_ROW = re.compile(r"^(sites|contacts)\[(\d+)\](.*)$")


def remap_rows(problems: Sequence[Problem], sites: list[int], contacts: list[int]) -> list[Problem]:
    """Problems name the index in the body; the page shows them at the form row."""
    out = []
    for p in problems:
        match = _ROW.match(p.field)
        field = p.field
        if match:
            origin = sites if match.group(1) == "sites" else contacts
            j = int(match.group(2))
            field = (
                f"{match.group(1)}[{origin[j]}]{match.group(3)}"
                if j < len(origin)
                else match.group(1)
            )
        out.append(Problem(field, p.message, p.rule))
    return out


def _partner_anchors(sites: int, contacts: int) -> set[str]:
    names = {"name", "type", "services", "target_groups", "active", "sites", "contacts"}
    for i in range(sites):
        names |= {f"sites[{i}]"} | {f"sites[{i}].{k}" for k in SITE_FIELDS}
    for i in range(contacts):
        names |= {f"contacts[{i}]"} | {f"contacts[{i}].{k}" for k in CONTACT_FIELDS}
    return names


def _partner_edit_page(
    request: Any,
    partner: Mapping[str, Any],
    form: FormData,
    *,
    errors: Errors | None = None,
    status_code: int = 200,
) -> Template:
    reg = current_registry(request)
    return page(
        request,
        "partner_edit.html",
        status_code=status_code,
        title=f"{partner['name']} bearbeiten",
        partner=partner,
        form=form,
        errors=errors or Errors(),
        site_count=_count(form, "site_count"),
        contact_count=_count(form, "contact_count"),
        type_options=list(_type_labels(reg).items()),
        target_group_list=reg.reference.target_groups,
    )


def _editable_partner(request: Any, partner_id: str) -> dict[str, Any]:
    from registry.errors import Forbidden

    partner: dict[str, Any] = get_partner(
        current_registry(request), current_principal(request), partner_id
    )
    if not partner.get("may_edit"):
        raise Forbidden(
            "Diesen Partner pflegen die Träger, die mit ihm zusammenarbeiten.", rule="N1"
        )
    return partner


@get(
    "/partners/{partner_id:str}/edit",
    guards=[allow(CASE_MANAGER, STRATEGIST)],
    sync_to_thread=True,
)
def partner_edit(request: Any, partner_id: str) -> Template:
    partner = _editable_partner(request, partner_id)
    return _partner_edit_page(request, partner, partner_form_values(partner))


@post(
    "/partners/{partner_id:str}/edit",
    guards=[allow(CASE_MANAGER, STRATEGIST)],
    status_code=200,
    sync_to_thread=True,
)
def partner_update(
    request: Any, reg: Registry, me: Principal, partner_id: str, data: Form
) -> Response[Any]:
    """N1: change the partner, its sites and contacts (case managers keep the network current,
    Rahmenkonzept §6.2)."""
    from registry.api.network_schemas import PartnerPatch

    partner = _editable_partner(request, partner_id)
    form = dict(data)
    if value(data, "action") == "add_site":
        form["site_count"] = str(_count(data, "site_count") + 1)
        return _partner_edit_page(request, partner, form)
    if value(data, "action") == "add_contact":
        form["contact_count"] = str(_count(data, "contact_count") + 1)
        return _partner_edit_page(request, partner, form)
    errors = Errors(
        anchors=_partner_anchors(_count(data, "site_count"), _count(data, "contact_count")),
        default="name",
    )
    body, site_rows, contact_rows = partner_patch_body(data)
    try:
        parsed = PartnerPatch.model_validate(body)
    except ValidationError as exc:
        errors.extend(remap_rows(problems_of(exc), site_rows, contact_rows))
    else:
        try:
            update_partner(reg, me, partner_id, parsed.model_dump(exclude_unset=True))
        except InvalidInput as exc:
            errors.extend(remap_rows(exc.problems, site_rows, contact_rows))
        except Conflict as exc:
            errors.notice = exc.message
        else:
            return see_other(f"/partners/{partner_id}?hinweis=geaendert")
    return _partner_edit_page(request, partner, data, errors=errors, status_code=422)


# --------------------------------------------------------------------------- agreement edit (N2-N5)


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
    form["contents.reaction_time_days"] = _num(contents.get("reaction_time_days"))
    review = contents.get("review") or {}
    form["contents.review.interval_months"] = _num(review.get("interval_months"))
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
    request: Any,
    agreement: Mapping[str, Any],
    form: FormData,
    *,
    errors: Errors | None = None,
    status_code: int = 200,
) -> Template:
    page = _agreement_form(request, form, errors=errors, status_code=status_code)
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


def _manageable(request: Any, agreement_id: str) -> dict[str, Any]:
    from registry.errors import Forbidden

    agreement: dict[str, Any] = get_agreement(
        current_registry(request), current_principal(request), agreement_id
    )
    if not agreement.get("may_manage"):
        raise Forbidden("Diese Vereinbarung bearbeiten nur ihre Vertragsparteien.", rule="N4")
    return agreement


@get("/agreements/{agreement_id:str}/edit", guards=[allow(STRATEGIST)], sync_to_thread=True)
def agreement_edit(request: Any, agreement_id: str) -> Template:
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
    request: Any, reg: Registry, me: Principal, agreement_id: str, data: Form
) -> Response[Any]:
    from registry.api.network_schemas import AgreementPatch

    agreement = _manageable(request, agreement_id)
    if searching(data):  # a picker's "Suchen" without JavaScript: show the matches, save nothing
        return _agreement_edit_page(request, agreement, data)
    errors = Errors(anchors=AGREEMENT_ANCHORS | {"override_reason"}, default="title")
    try:
        parsed = AgreementPatch.model_validate(agreement_patch_body(data, agreement))
    except ValidationError as exc:
        errors.extend(_contacts_to_anchor(problems_of(exc)))
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
            errors.extend(_contacts_to_anchor(exc.problems))
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
    request: Any, reg: Registry, me: Principal, agreement_id: str, data: Form
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
    request: Any, reg: Registry, me: Principal, agreement_id: str
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
    request: Any, reg: Registry, me: Principal, agreement_id: str
) -> Response[Any]:
    """N4: a strategist of an invited carrier declines; the invitation is removed."""
    decline_invitation(reg, me, agreement_id)
    return see_other("/agreements?hinweis=abgelehnt")


def np_agreement_page(request: Any, agreement_id: str, errors: Errors, form: FormData) -> Template:
    page: Template = _agreement_page(
        request, agreement_id, errors=errors, form=form, status_code=422
    )
    return page


@get("/agreements/due", guards=[allow(STRATEGIST)], sync_to_thread=True)
def agreements_due(request: Any, reg: Registry, me: Principal, within_days: int = 90) -> Template:
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


def handlers() -> Sequence[Any]:
    return [
        partner_edit,
        partner_update,
        agreements_due,
        agreement_edit,
        agreement_update,
        agreement_status,
        agreement_accept,
        agreement_decline,
    ]
