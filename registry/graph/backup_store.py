"""The graph side of the backup (``registry.backup``, ``registry.backup_restore``): the only code
naming ``backup.cypher``'s queries (and the migration count the upgrade of an old backup reports),
and the scratch graph an old backup is upgraded in.

The backup code above decides what to read and write, table by table; it reaches the graph only
through a :class:`BackupRepository` or a runner (``run(tx, name, **params)``) handed to it here.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from registry.graph.ports import Row, Tx
from registry.graph.repository import Repository

T = TypeVar("T")
#: a runner of one backup statement by its short name (``nodes_site``, ``restore_rels_x``)
Runner = Callable[..., list[Row]]


class BackupRepository(Repository):
    """``backup.cypher``'s statements by their short name (generated from the DDL)."""

    def named(self, name: str, **params: Any) -> list[Row]:
        return self._rows(f"backup.{name}", **params)

    def count(self, name: str) -> int:
        """A ``count_*`` statement's number."""
        return int(self._rows(f"backup.{name}")[0]["n"])

    def site_merges(self) -> int:
        """How many sites migration 006 merged (A9), for the upgrade report."""
        return int(self._rows("migration.count_site_merges")[0]["n"])


def read_named(tx: Tx, name: str, **params: Any) -> list[Row]:
    """The runner of the current schema's backup statements on a unit of work."""
    return BackupRepository(tx).named(name, **params)


def upgrade_in_scratch(
    old_version: int,
    old_queries: dict[str, str],
    restore: Callable[[Tx, Runner], None],
    read_back: Callable[[Tx, Runner], T],
) -> tuple[T, list[str], int]:
    """Restore an old backup into a scratch embedded graph of schema ``old_version`` (statements
    from ``old_queries``, rendered from our own DDL of that version), upgrade it with the
    migrations ``registry init`` runs and read it back. Returns what ``read_back`` read, the
    migrations applied and the sites merged."""
    from registry.graph.embedded import EmbeddedGraph

    def run_old(tx: Any, name: str, **params: Any) -> list[Row]:
        return tx.run_text(old_queries[name], params)

    with tempfile.TemporaryDirectory(prefix="registry-upgrade-") as scratch:
        graph = EmbeddedGraph(Path(scratch), buffer_pool_mb=256)
        try:
            graph.apply_schema(until=old_version)
            graph.write(lambda tx: restore(tx, run_old))
            applied = graph.apply_schema()
            merged = BackupRepository(graph).site_merges()
            upgraded = graph.write(lambda tx: read_back(tx, read_named))
        finally:
            graph.close()
    return upgraded, applied, merged
