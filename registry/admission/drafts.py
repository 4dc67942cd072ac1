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
from registry.admission.draft_repository import DraftRepository
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Forbidden
from registry.graph.ports import Tx

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

    def work(tx: Tx) -> None:
        reg.repo(DraftRepository, tx).save(
            {
                "id": draft_id,
                "provider_id": principal.provider or "",
                "user_id": principal.user_id,
                "form": text,
                "saved_at": now,
            }
        )

    reg.unit_of_work(work)
    return now


def load_draft(reg: Registry, principal: Principal) -> tuple[dict[str, Any], str] | None:
    """The provider's draft form and when it was saved, or None."""
    draft = reg.repo(DraftRepository).get(_draft_id(principal))
    if draft is None:
        return None
    form = json.loads(draft["form"] or "{}")
    return (form if isinstance(form, dict) else {}), str(draft["saved_at"] or "")


def delete_draft(reg: Registry, principal: Principal) -> None:
    draft_id = _draft_id(principal)
    reg.unit_of_work(lambda tx: reg.repo(DraftRepository, tx).delete(draft_id))
