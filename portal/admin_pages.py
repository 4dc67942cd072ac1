"""The administration's pages: users of the carrier (or of every carrier) and the carrier's
profile (contact persons, severities of the criteria)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Response, get, post
from litestar.response import Template
from pydantic import ValidationError

from portal.base import (
    ADMIN,
    PROVIDER,
    AnyRequest,
    current_principal,
    current_registry,
    message_for,
    page,
    see_other,
)
from portal.forms import Errors, Form, FormData, problems_of, value
from registry.api.security import allow
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Conflict, InvalidInput, NotFound, Problem

# --------------------------------------------------------------------------- admin

USER_ANCHORS = {"username", "password", "role", "carrier", "provider"}


def _users_in_scope(reg: Registry, me: Principal) -> list[dict[str, Any]]:
    """The accounts an admin may see: all, or those of its own carrier (docs/rules.md §9)."""
    from registry.auth.service import list_users

    return [dict(u) for u in list_users(reg, me)]


def users_page(
    request: AnyRequest,
    *,
    form: FormData | None = None,
    errors: Errors | None = None,
    status_code: int = 200,
    message: str = "",
) -> Template:
    reg, me = current_registry(request), current_principal(request)
    carriers = [c for c in reg.reference.carriers if me.carrier in (None, c.id)]
    roles = [r for r in Role if me.carrier is None or r is not PROVIDER]
    return page(
        request,
        "admin_users.html",
        status_code=status_code,
        title="Benutzer",
        users=_users_in_scope(reg, me),
        form=form or {"carrier": me.carrier or ""},
        errors=errors or Errors(),
        carrier_list=carriers,
        roles=roles,
        message=message,
    )


@get("/admin/users", guards=[allow(ADMIN)], sync_to_thread=True)
def admin_users(request: AnyRequest, hinweis: str | None = None) -> Template:
    return users_page(request, message=message_for(hinweis))


@post("/admin/users", guards=[allow(ADMIN)], status_code=200, sync_to_thread=True)
def admin_user_create(
    request: AnyRequest, reg: Registry, me: Principal, data: Form
) -> Response[Any]:
    from registry.auth.service import add_user

    errors = Errors(anchors=USER_ANCHORS, default="username")
    carrier = value(data, "carrier") or None
    role = value(data, "role")
    if me.carrier is not None and carrier != me.carrier:
        errors.add(Problem("carrier", "Sie können nur Benutzer Ihres eigenen Trägers anlegen."))
    if me.carrier is not None and role == PROVIDER.value:
        errors.add(
            Problem("role", "Anbieter-Konten legt die trägerübergreifende Administration an.")
        )
    if not errors:
        try:
            add_user(
                reg,
                username=value(data, "username"),
                password=str(data.get("password") or ""),
                role=role,
                carrier=carrier if role != PROVIDER.value else None,
                provider=value(data, "provider") or None,
                actor=me,
            )
        except InvalidInput as exc:
            errors.extend(exc.problems)
        except Conflict as exc:
            errors.add(Problem("username", exc.message))
        else:
            return see_other("/admin/users?hinweis=angelegt")
    form = {k: v for k, v in data.items() if k != "password"}
    return users_page(request, form=form, errors=errors, status_code=422)


CONTACT_ROWS = 3


def _profile_anchors() -> set[str]:
    names = {"contacts", "criteria"}
    for i in range(CONTACT_ROWS):
        names |= {f"contacts[{i}].{k}" for k in ("name", "phone", "email")}
    return names


def _profile_form(profile: Mapping[str, Any]) -> dict[str, Any]:
    form: dict[str, Any] = {}
    for i, contact in enumerate(profile.get("contacts") or []):
        for key in ("name", "phone", "email"):
            form[f"contacts[{i}].{key}"] = contact.get(key, "")
    return form


def _profile_page(
    request: AnyRequest,
    carrier_id: str,
    *,
    form: FormData | None = None,
    errors: Errors | None = None,
    status_code: int = 200,
    message: str = "",
) -> Template:
    from registry.lifecycle.carrier_profile import get_carrier_profile

    reg, me = current_registry(request), current_principal(request)
    profile = get_carrier_profile(reg, me, carrier_id) if carrier_id else None
    return page(
        request,
        "admin_profile.html",
        status_code=status_code,
        title="Trägerprofil",
        carrier_id=carrier_id,
        profile=profile,
        form=form if form is not None else _profile_form(profile or {}),
        errors=errors or Errors(),
        contact_rows=CONTACT_ROWS,
        carrier_list=reg.reference.carriers,
        message=message,
    )


@get("/admin/profile", guards=[allow(ADMIN)], sync_to_thread=True)
def admin_profile(
    request: AnyRequest,
    reg: Registry,
    me: Principal,
    carrier: str | None = None,
    hinweis: str | None = None,
) -> Template:
    carrier_id = me.carrier or carrier or ""
    if carrier_id and carrier_id not in reg.reference.carriers_by_id:
        raise NotFound("Unbekannter Träger")
    message = "Das Trägerprofil ist gespeichert." if hinweis == "gespeichert" else ""
    return _profile_page(request, carrier_id, message=message)


@post(
    "/admin/profile/{carrier_id:str}", guards=[allow(ADMIN)], status_code=200, sync_to_thread=True
)
def admin_profile_save(
    request: AnyRequest, reg: Registry, me: Principal, carrier_id: str, data: Form
) -> Response[Any]:
    from registry.api.schemas import ProfileIn
    from registry.lifecycle.carrier_profile import put_carrier_profile

    if carrier_id not in reg.reference.carriers_by_id:
        raise NotFound("Unbekannter Träger")
    errors = Errors(anchors=_profile_anchors(), default="contacts")
    contacts = []
    for i in range(CONTACT_ROWS):
        row = {k: value(data, f"contacts[{i}].{k}") for k in ("name", "phone", "email")}
        if any(row.values()):
            contacts.append((i, row))
    body = {"contacts": [row for _, row in contacts]}
    try:
        parsed = ProfileIn.model_validate(body)
    except ValidationError as exc:
        for p in problems_of(exc):
            name = p.field
            if name.startswith("contacts[") and "]" in name:
                j = int(name[len("contacts[") : name.index("]")])
                name = f"contacts[{contacts[j][0]}]" + name[name.index("]") + 1 :]
            errors.add(Problem(name, p.message, p.rule))
    else:
        try:
            put_carrier_profile(reg, me, carrier_id, parsed.model_dump())
        except InvalidInput as exc:
            errors.extend(exc.problems)
        else:
            return see_other(f"/admin/profile?carrier={carrier_id}&hinweis=gespeichert")
    return _profile_page(request, carrier_id, form=data, errors=errors, status_code=422)


@post(
    "/admin/users/{user_id:str}/active", guards=[allow(ADMIN)], status_code=200, sync_to_thread=True
)
def admin_user_active(
    request: AnyRequest, reg: Registry, me: Principal, user_id: str, data: Form
) -> Response[Any]:
    """Deactivate (its sessions end at once) or reactivate an account of the admin's scope."""
    from registry.auth.service import get_user, set_user_active

    get_user(reg, me, user_id)  # 404 outside the admin's scope
    active = str(data.get("active") or "") == "ja"
    set_user_active(reg, me, user_id, active)
    return see_other("/admin/users?hinweis=" + ("aktiviert" if active else "deaktiviert"))


@post(
    "/admin/users/{user_id:str}/reset", guards=[allow(ADMIN)], status_code=200, sync_to_thread=True
)
def admin_user_reset(request: AnyRequest, reg: Registry, me: Principal, user_id: str) -> Template:
    """A one-time password, shown on this page only; the user changes it at the next login."""
    from registry.auth.service import get_user, reset_password

    user = get_user(reg, me, user_id)
    one_time = reset_password(reg, me, user_id)
    return users_page(
        request,
        message=(
            f"Einmalpasswort für {user['username']}: {one_time} – nur jetzt sichtbar. "
            "Bitte auf sicherem Weg weitergeben; bei der nächsten Anmeldung muss es geändert "
            "werden. Alle Sitzungen des Kontos sind beendet."
        ),
    )


def handlers() -> list[Any]:
    return [
        admin_users,
        admin_user_create,
        admin_user_active,
        admin_user_reset,
        admin_profile,
        admin_profile_save,
    ]
