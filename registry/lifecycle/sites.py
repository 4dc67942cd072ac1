"""A15: the provider keeps its sites' directory facts current and confirms them.

``confirm`` and every edit of the site details set ``confirmed_on`` to today and re-index the
site; unconfirmed data is flagged in the task inbox (:mod:`registry.lifecycle.tasks`), never
hidden. The directory shows "confirmed on".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from registry import clock
from registry.admission.common import periods_of
from registry.admission.repository import ProviderRepository, SiteRow
from registry.audit import record_event
from registry.auth import Principal, Role
from registry.context import Registry
from registry.directory.projection import enqueue, try_drain
from registry.errors import NotFound
from registry.graph.ports import Tx
from registry.lifecycle import rules
from registry.lifecycle.common import day_of, site_rows


def _own_site(reg: Registry, principal: Principal, provider_id: str, site_id: str) -> SiteRow:
    if principal.role is not Role.PROVIDER or principal.provider != provider_id:
        raise NotFound("Standort nicht gefunden")
    rows = site_rows(reg, [site_id])
    if not rows or rows[0]["provider_id"] != provider_id:
        raise NotFound("Standort nicht gefunden")
    return rows[0]


def _site_view(reg: Registry, site_id: str) -> dict[str, Any]:
    row = site_rows(reg, [site_id])[0]
    confirmed = day_of(row["confirmed_on"])
    due = rules.confirmation_due(confirmed, periods_of(reg)) if confirmed else None
    return {
        "id": row["id"],
        "provider_id": row["provider_id"],
        "name": row["name"],
        "confirmed_on": row["confirmed_on"] or None,
        "confirmation_due": due.isoformat() if due else None,
        "details": json.loads(row["details"] or "{}"),
    }


def _save_site(
    reg: Registry,
    principal: Principal,
    provider_id: str,
    site_id: str,
    action: str,
    details: Mapping[str, Any] | None,
) -> dict[str, Any]:
    today = clock.today().isoformat()

    def work(tx: Tx) -> None:
        providers = reg.repo(ProviderRepository, tx)
        if details is not None:
            providers.update_site_details(
                site_id, json.dumps(details, ensure_ascii=False, sort_keys=True)
            )
        providers.confirm_site(site_id, today)
        record_event(
            tx,
            actor=principal,
            subject_type="site",
            subject_id=site_id,
            action=action,
            data={"provider_id": provider_id, "confirmed_on": today},
        )
        enqueue(tx, "site", [site_id])

    reg.graph.write(work)
    try_drain(reg)
    return _site_view(reg, site_id)


def confirm_site(
    reg: Registry, principal: Principal, provider_id: str, site_id: str
) -> dict[str, Any]:
    """A15: the provider confirms its site data as current (the directory shows the date)."""
    _own_site(reg, principal, provider_id, site_id)
    return _save_site(reg, principal, provider_id, site_id, "site.confirmed", None)


def update_site_details(
    reg: Registry,
    principal: Principal,
    provider_id: str,
    site_id: str,
    patch: Mapping[str, Any],
) -> dict[str, Any]:
    """A15: the provider edits what helps insured persons choose; an edit confirms the data."""
    site = _own_site(reg, principal, provider_id, site_id)
    details: dict[str, Any] = json.loads(site["details"] or "{}")
    for key, value in patch.items():
        if isinstance(value, Mapping) and isinstance(details.get(key), Mapping):
            details[key] = {**details[key], **value}
        else:
            details[key] = value
    return _save_site(reg, principal, provider_id, site_id, "site.details_changed", details)
