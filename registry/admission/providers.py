"""A provider organisation registers (or an officer creates it), and who may read a provider
with its sites and their admissions. Registration confers no admission (A1 starts with an
application)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from registry import clock
from registry.admission import status_rules
from registry.admission.model import AdmissionStatus
from registry.admission.provider_repository import ProviderRepository
from registry.admission.repository import AdmissionRepository
from registry.audit import append_event
from registry.auth import Principal, Role
from registry.auth.repository import UserRepository
from registry.context import Registry
from registry.errors import Conflict, Forbidden, InvalidInput, NotFound, Problem
from registry.graph.ports import Tx
from registry.ids import new_id, sequential_id

# Self-registration says only that a name cannot be used (issue 14, finding 6): not whether an
# account has it, nor in which spelling (names are compared normalised, see registry.auth.names).
USERNAME_UNAVAILABLE = "Dieser Benutzername ist nicht verfügbar. Bitte wählen Sie einen anderen."


def create_provider(tx: Tx, provider_id: str, data: Mapping[str, Any]) -> None:
    """Within a unit of work: the provider organisation's node."""
    ProviderRepository.on(tx).create(
        {
            "id": provider_id,
            "name": data["name"],
            "legal_form": data["legal_form"],
            "email": data["email"],
            "phone": data.get("phone", ""),
            "website": data.get("website", ""),
        },
        now=clock.now_iso(),
    )


def register_provider(
    reg: Registry,
    principal: Principal | None,
    data: Mapping[str, Any],
    *,
    first_user: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A provider organisation registers itself (with its first user), or an officer/admin
    creates it. Self-registration creates the organisation and its provider account only; it
    confers no admission."""
    if principal is not None and principal.role not in (Role.ADMISSIONS_OFFICER, Role.ADMIN):
        raise Forbidden("Anbieter werden von Zulassungsstellen oder der Administration angelegt.")
    provider_id = new_id("prv")
    user_fields: dict[str, str] | None = None
    if first_user is not None:
        from registry.auth import hash_password, password_problems

        problems = [Problem("user.password", p) for p in password_problems(first_user["password"])]
        if problems:
            raise InvalidInput(problems)
        if reg.repo(UserRepository).by_username(first_user["username"]) is not None:
            raise InvalidInput.one("user.username", USERNAME_UNAVAILABLE)
        user_fields = {
            "id": new_id("usr"),
            "username": first_user["username"],
            "password_hash": hash_password(first_user["password"]),
        }

    def work(tx: Tx) -> None:
        create_provider(tx, provider_id, data)
        if user_fields:
            users = reg.repo(UserRepository, tx)
            if users.by_username(user_fields["username"]) is not None:
                raise Conflict(USERNAME_UNAVAILABLE)
            users.create(
                {
                    "id": user_fields["id"],
                    "username": user_fields["username"],
                    "password_hash": user_fields["password_hash"],
                    "role": "provider",
                    "carrier": "",
                    "provider": provider_id,
                    "created_at": clock.now_iso(),
                }
            )
        append_event(
            tx,
            id=sequential_id("evt"),
            at=clock.now().isoformat(),
            actor=principal.user_id if principal else (user_fields or {}).get("id", "self"),
            carrier=(principal.carrier or "") if principal else "",
            subject_type="provider",
            subject_id=provider_id,
            action="provider.registered",
            reason="",
            data=json.dumps({"name": data["name"]}, ensure_ascii=False),
        )

    reg.unit_of_work(work)
    return get_provider(reg, None, provider_id)


def may_read_provider(principal: Principal | None, provider_id: str) -> bool:
    if principal is None:
        return True
    if principal.role is Role.PROVIDER:
        return principal.provider == provider_id
    return principal.role in (
        Role.ADMISSIONS_OFFICER,
        Role.CASE_MANAGER,
        Role.NETWORK_STRATEGIST,
        Role.ADMIN,
    )


def get_provider(reg: Registry, principal: Principal | None, provider_id: str) -> dict[str, Any]:
    """The provider with its sites, each with the status of its admissions per group."""
    providers = reg.repo(ProviderRepository)
    row = providers.get(provider_id)
    if row is None or not may_read_provider(principal, provider_id):
        raise NotFound("Anbieter nicht gefunden")
    out: dict[str, Any] = dict(row)
    by_site: dict[str, dict[str, str]] = {}
    for a in reg.repo(AdmissionRepository).admissions_of_provider(provider_id):
        by_site.setdefault(a["site_id"], {})[a["target_group"]] = a["status"]
    out["sites"] = [
        {
            "id": s["id"],
            "name": s["name"],
            "address": {
                "street": s["street"],
                "postal_code": s["postal_code"],
                "place": s["place"],
            },
            "district_key": s["district_key"],
            "responsible_carrier": s["responsible_carrier"],
            "catchment_radius_km": s["catchment_radius_km"],
            "outreach_radius_km": s["outreach_radius_km"],
            "languages": s["languages"],
            "barrier_free": s["barrier_free"],
            "public_transport": s["public_transport"],
            "confirmed_on": s["confirmed_on"] or None,
            "details": json.loads(s["details"] or "{}"),
            "target_group_status": by_site.get(s["id"], {}),
            "admission_status": status_rules.site_status(
                AdmissionStatus(v) for v in by_site.get(s["id"], {}).values()
            ).value,
        }
        for s in providers.sites_of_provider(provider_id)
    ]
    return out


def providers_named(reg: Registry, name: str, limit: int = 20) -> list[dict[str, str]]:
    """Providers whose name contains every word of ``name`` (case and umlauts folded), by
    name; provider names are public (``GET /providers/{id}`` answers everyone)."""
    from registry.directory.text_rule import fold

    words = fold(name).split()
    if not words:
        return []
    found = [
        {"id": r["id"], "name": r["name"]}
        for r in reg.repo(ProviderRepository).all_providers()
        if all(w in fold(r["name"] or "") for w in words)
    ]
    return found[:limit]
