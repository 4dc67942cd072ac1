"""A provider's application draft ("Entwurf speichern"), kept server-side in the graph.

Design decision (documented in docs/portal.md): one draft per provider organisation, holding the
posted form as JSON (``PortalDraft``, migration ``004_portal``). Saving replaces it, submitting
the application deletes it. A draft is no application: no rule runs on it, no carrier sees it,
and it is not in the audit trail (it is the provider's scratch pad; the audit trail records
state changes of the register, rule A10). Only a provider user acts on its own draft.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from registry import clock
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Forbidden

MAX_DRAFT_CHARS = 400_000
SKIPPED = {"_csrf_token", "action"}


def _draft_id(principal: Principal) -> str:
    if principal.role is not Role.PROVIDER or not principal.provider:
        raise Forbidden("Entwürfe speichern nur Anbieter.")
    return f"draft:{principal.provider}"


def save_draft(reg: Registry, principal: Principal, form: Mapping[str, Any]) -> str:
    """Store the form as the provider's draft; returns the time it was saved."""
    draft_id = _draft_id(principal)
    kept = {k: v for k, v in form.items() if k not in SKIPPED}
    text = json.dumps(kept, ensure_ascii=False, sort_keys=True)
    if len(text) > MAX_DRAFT_CHARS:
        raise ValueError("draft too large")
    now = clock.now_iso()
    reg.graph.write(
        lambda tx: tx.run(
            "portal.save_draft",
            id=draft_id,
            provider_id=principal.provider,
            user_id=principal.user_id,
            form=text,
            now=now,
        )
    )
    return now


def load_draft(reg: Registry, principal: Principal) -> tuple[dict[str, Any], str] | None:
    """The provider's draft form and when it was saved, or None."""
    rows = reg.graph.read("portal.get_draft", id=_draft_id(principal))
    if not rows:
        return None
    form = json.loads(rows[0]["form"] or "{}")
    return (form if isinstance(form, dict) else {}), str(rows[0]["saved_at"] or "")


def delete_draft(reg: Registry, principal: Principal) -> None:
    draft_id = _draft_id(principal)
    reg.graph.write(lambda tx: tx.run("portal.delete_draft", id=draft_id))
