"""The outbox of pending search-index updates (its queries, ``outbox.cypher``).

A change that can affect the directory writes an outbox row in the same unit of work; after the
commit the row is applied to the index (:mod:`registry.directory.projection`).
"""

from __future__ import annotations

from typing import TypedDict, cast

from registry.graph.repository import Repository


class OutboxRow(TypedDict):
    id: str
    kind: str  # "site" or "partner_site"
    ref_id: str
    created_at: str


class OutboxRepository(Repository):
    def add(self, rows: list[OutboxRow]) -> None:
        self._rows("outbox.add", rows=rows)

    def pending(self, limit: int) -> list[OutboxRow]:
        return cast(list[OutboxRow], self._rows("outbox.pending", limit=limit))

    def remove(self, rows: list[dict[str, str]]) -> None:
        """Remove rows (id, created_at) unless they were queued again meanwhile."""
        self._rows("outbox.remove", rows=rows)

    def clear(self) -> None:
        self._rows("outbox.clear")

    def count(self) -> int:
        return int(self._rows("outbox.count")[0]["n"])


class InMemoryOutboxRepository(OutboxRepository):
    def __init__(self) -> None:
        self.rows: dict[str, OutboxRow] = {}

    def add(self, rows: list[OutboxRow]) -> None:
        for row in rows:
            self.rows[row["id"]] = row

    def pending(self, limit: int) -> list[OutboxRow]:
        ordered = sorted(self.rows.values(), key=lambda r: (r["created_at"], r["id"]))
        return ordered[:limit]

    def remove(self, rows: list[dict[str, str]]) -> None:
        for row in rows:
            found = self.rows.get(row["id"])
            if found is not None and found["created_at"] == row["created_at"]:
                del self.rows[row["id"]]

    def clear(self) -> None:
        self.rows.clear()

    def count(self) -> int:
        return len(self.rows)
