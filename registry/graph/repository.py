"""The seam between use cases and the graph: area repositories.

Every area (admission, lifecycle, directory, network, auth, …) has a ``repository.py`` (the
admission area also a ``provider_repository.py``) whose repository class is the only code that
names that area's queries. It takes and returns typed read
models and has an in-memory fake of the same interface, so use cases are tested without a
database (``tests/service/``).

A repository is made for one unit of work (``reg.repo(Kind, tx)`` inside
``reg.unit_of_work(work)``, :meth:`registry.context.Registry.unit_of_work`) or for plain reads
(``reg.repo(Kind)``); :meth:`registry.context.Registry.repo` makes them, and returns a registered
fake instead when a test installed one. Nothing outside this package and the repositories calls
the graph or names a query (``tests/unit/test_layering.py``).
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar, cast

from registry.graph.ports import GraphStore, Row, Tx


class QueryRunner(Protocol):
    def run(self, query_name: str, **params: Any) -> list[Row]: ...


class _Reads:
    """Plain reads outside a unit of work, with the interface of a unit of work."""

    def __init__(self, graph: GraphStore) -> None:
        self._graph = graph

    def run(self, query_name: str, **params: Any) -> list[Row]:
        return self._graph.read(query_name, **params)


def query_runner(source: Tx | GraphStore | QueryRunner) -> QueryRunner:
    """A unit of work runs queries itself; a graph store is adapted to do the same for reads."""
    if isinstance(source, _Reads) or not hasattr(source, "read"):
        return cast(QueryRunner, source)
    return _Reads(cast(GraphStore, source))


R = TypeVar("R", bound="Repository")


class Repository:
    """Base of the area repositories: holds the unit of work (or the graph for reads)."""

    def __init__(self, source: Tx | GraphStore | QueryRunner) -> None:
        self._runner = query_runner(source)

    @classmethod
    def on(cls: type[R], source: Tx | GraphStore | QueryRunner) -> R:
        """This repository on a unit of work, or the fake a use-case test installed in it."""
        fake = getattr(source, "fakes", {}).get(cls)
        return cast(R, fake) if fake is not None else cls(source)

    def _rows(self, query_name: str, **params: Any) -> list[Row]:
        return self._runner.run(query_name, **params)

    def _one(self, query_name: str, **params: Any) -> Row | None:
        rows = self._runner.run(query_name, **params)
        return rows[0] if rows else None


class NoGraph:
    """The graph of a use-case test: every query must go through a (fake) repository.

    ``write`` runs the unit of work with a transaction that carries the installed fakes
    (:meth:`Repository.on` finds them) and refuses to run queries, so a use case that still
    names a query fails loudly instead of silently needing a database.
    """

    engine = "none"

    def __init__(self, fakes: dict[type, Any] | None = None) -> None:
        self.fakes: dict[type, Any] = fakes if fakes is not None else {}

    class _Tx:
        def __init__(self, fakes: dict[type, Any]) -> None:
            self.fakes = fakes

        def run(self, query_name: str, **params: Any) -> list[Row]:
            raise AssertionError(f"query {query_name} run outside a repository")

    def read(self, query_name: str, **params: Any) -> list[Row]:
        raise AssertionError(f"query {query_name} read outside a repository")

    def write(self, work: Any) -> Any:
        return work(self._Tx(self.fakes))

    def apply_schema(self) -> list[str]:
        return []

    def schema_version(self) -> int:
        return 0

    def health(self) -> dict[str, Any]:
        return {"engine": self.engine, "ok": True}

    def close(self) -> None:
        return None
