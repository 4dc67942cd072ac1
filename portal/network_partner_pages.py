"""Network partners (rule N1): the list, a partner with its sites and contacts, a new partner,
and editing a partner (every site and contact, one empty row each to add; rows left empty or
marked \"entfernen\" are removed). The pages call ``registry.network`` with the logged-in user."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from litestar import Response, get, post
from litestar.response import Template
from pydantic import ValidationError

from portal.base import (
    CASE_MANAGER,
    STRATEGIST,
    AnyRequest,
    current_principal,
    current_registry,
    page,
    see_other,
)
from portal.forms import Errors, Form, FormData, checked, number, problems_of, value, values
from registry.api.security import allow
from registry.auth import Principal
from registry.context import Registry
from registry.errors import Conflict, InvalidInput, Problem
from registry.network.partners import create_partner, get_partner, list_partners, update_partner

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


def partner_type_labels(reg: Registry) -> dict[str, str]:
    return {t.code: t.label for t in reg.reference.partner_types}


def _partners_page(
    request: AnyRequest, q: str, type_: str, seite: int, message: str = ""
) -> Template:
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
        types=partner_type_labels(reg),
        message=message,
    )


@get("/partners", guards=[allow(CASE_MANAGER, STRATEGIST)], sync_to_thread=True)
def partner_list(
    request: AnyRequest,
    q: str = "",
    type: str = "",
    seite: int = 1,
    hinweis: str = "",  # noqa: A002
) -> Template:
    message = "Der Netzwerkpartner ist angelegt." if hinweis == "angelegt" else ""
    return _partners_page(request, q.strip()[:200], type, seite, message)


@get("/partners/{partner_id:str}", guards=[allow(CASE_MANAGER, STRATEGIST)], sync_to_thread=True)
def partner_detail(
    request: AnyRequest, reg: Registry, me: Principal, partner_id: str, hinweis: str = ""
) -> Template:
    partner = get_partner(reg, me, partner_id)
    return page(
        request,
        "partner.html",
        title=partner["name"],
        partner=partner,
        types=partner_type_labels(reg),
        message="Die Änderungen sind gespeichert." if hinweis == "geaendert" else "",
    )


def _partner_form(
    request: AnyRequest, form: FormData, *, errors: Errors | None = None, status_code: int = 200
) -> Template:
    reg = current_registry(request)
    return page(
        request,
        "partner_form.html",
        status_code=status_code,
        title="Netzwerkpartner anlegen",
        form=form,
        errors=errors or Errors(),
        type_options=list(partner_type_labels(reg).items()),
        target_group_list=reg.reference.target_groups,
    )


@get("/partners/new", guards=[allow(CASE_MANAGER, STRATEGIST)], sync_to_thread=True)
def partner_new(request: AnyRequest) -> Template:
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
def partner_create(request: AnyRequest, reg: Registry, me: Principal, data: Form) -> Response[Any]:
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


SITE_FIELDS = (
    "name",
    "address.street",
    "address.postal_code",
    "address.place",
    "service_radius_km",
)


CONTACT_FIELDS = ("name", "role", "email", "phone", "reachability")


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
        form[f"sites[{i}].service_radius_km"] = num_text(s.get("service_radius_km"))
    for i, contact in enumerate(partner.get("contacts") or []):
        for key in CONTACT_FIELDS:
            form[f"contacts[{i}].{key}"] = contact.get(key, "")
    return form


def num_text(n: Any) -> str:
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
    request: AnyRequest,
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
        type_options=list(partner_type_labels(reg).items()),
        target_group_list=reg.reference.target_groups,
    )


def _editable_partner(request: AnyRequest, partner_id: str) -> dict[str, Any]:
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
def partner_edit(request: AnyRequest, partner_id: str) -> Template:
    partner = _editable_partner(request, partner_id)
    return _partner_edit_page(request, partner, partner_form_values(partner))


@post(
    "/partners/{partner_id:str}/edit",
    guards=[allow(CASE_MANAGER, STRATEGIST)],
    status_code=200,
    sync_to_thread=True,
)
def partner_update(
    request: AnyRequest, reg: Registry, me: Principal, partner_id: str, data: Form
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


def handlers() -> list[Any]:
    return [partner_list, partner_detail, partner_new, partner_create, partner_edit, partner_update]
