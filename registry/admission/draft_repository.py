"""The provider's application draft in the graph (``portal.cypher``): the only code naming
those queries. A draft is ``(d:PortalDraft)-[:CONCERNS]->(:Provider)``, its last saver
``(:User)-[:AUTHORED]->(d)``; the form is JSON text, read whole."""

from __future__ import annotations

from typing import TypedDict, cast

from registry.graph.repository import Repository


class DraftRow(TypedDict):
    id: str
    provider_id: str
    user_id: str  # who saved it last
    form: str  # the posted form as JSON
    saved_at: str


class DraftRepository(Repository):
    def get(self, draft_id: str) -> DraftRow | None:
        return cast(DraftRow | None, self._one("portal.get_draft", id=draft_id))

    def save(self, draft: DraftRow) -> None:
        """Create or replace the draft; its saver becomes its only author."""
        self._rows(
            "portal.save_draft",
            id=draft["id"],
            provider_id=draft["provider_id"],
            user_id=draft["user_id"],
            form=draft["form"],
            now=draft["saved_at"],
        )

    def delete(self, draft_id: str) -> None:
        self._rows("portal.delete_draft", id=draft_id)


class InMemoryDraftRepository(DraftRepository):
    def __init__(self) -> None:
        self.drafts: dict[str, DraftRow] = {}

    def get(self, draft_id: str) -> DraftRow | None:
        found = self.drafts.get(draft_id)
        return None if found is None else cast(DraftRow, dict(found))

    def save(self, draft: DraftRow) -> None:
        self.drafts[draft["id"]] = cast(DraftRow, dict(draft))

    def delete(self, draft_id: str) -> None:
        self.drafts.pop(draft_id, None)
