"""The facts ``registry check`` verifies (``check.cypher``): the only code naming those queries.

Read only. Each fact is the whole of one kind of node or relationship, read by walking the
graph model, as plain rows; :func:`registry.check.find_violations` judges them without a
database.
"""

from __future__ import annotations

from typing import Any, TypedDict, cast

from registry.graph.repository import Repository

Rows = list[dict[str, Any]]


class CheckFacts(TypedDict):
    """The rows of every fact (the fields of :class:`registry.check.Facts`)."""

    carriers: Rows
    districts: Rows
    providers: Rows
    sites: Rows
    site_districts: Rows
    provider_sites: Rows
    applications: Rows
    admissions: Rows
    follow_ons: Rows
    notices: Rows
    agreements: Rows
    announcements: Rows
    partners: Rows
    partner_sites: Rows
    cardinality: Rows  # label, relation, id, n: relationships a node must have once, n != 1


#: the facts, by the name :class:`registry.check.Facts` gives them, and the query reading each
QUERIES = {
    "carriers": "check.carriers",
    "districts": "check.districts",
    "providers": "check.providers",
    "sites": "check.sites",
    "site_districts": "check.site_districts",
    "provider_sites": "check.provider_sites",
    "applications": "check.applications",
    "admissions": "check.admissions",
    "follow_ons": "check.follow_ons",
    "notices": "check.notices",
    "agreements": "check.agreements",
    "announcements": "check.announcements",
    "partners": "check.partners",
    "partner_sites": "check.partner_sites",
    "cardinality": "check.cardinality",
}


class CheckRepository(Repository):
    def facts(self) -> CheckFacts:
        """Every fact of :data:`QUERIES`, by name."""
        return cast(CheckFacts, {name: self._rows(query) for name, query in QUERIES.items()})

    def pending_outbox(self) -> int:
        """Outbox rows not yet applied to the search index."""
        row = self._one("check.outbox_count")
        return int(row["n"]) if row else 0


class InMemoryCheckRepository(CheckRepository):
    """Facts a test sets directly (``facts`` by name, ``pending``)."""

    def __init__(self, facts: dict[str, Rows] | None = None, pending: int = 0) -> None:
        self.rows = {name: list((facts or {}).get(name, [])) for name in QUERIES}
        self.pending = pending

    def facts(self) -> CheckFacts:
        return cast(CheckFacts, {name: list(rows) for name, rows in self.rows.items()})

    def pending_outbox(self) -> int:
        return self.pending
