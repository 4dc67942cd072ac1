"""The graph port: the one small interface every service uses.

Queries are referred to by name (``"admission.get_application"``); their text lives in
``registry/graph/queries/<area>.cypher`` and runs unchanged on both engines. Values crossing the
port are plain Python: str, int, float, bool, None, lists and dicts of those. Dates and times are
ISO-8601 strings (so both engines compare and sort them the same way).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
Row = dict[str, Any]


class GraphError(Exception):
    """A backend failure that is not the caller's fault."""


class ConstraintViolation(GraphError):
    """A uniqueness constraint was violated (becomes a domain conflict, 409)."""


class Tx(Protocol):
    def run(self, query_name: str, **params: Any) -> list[Row]:
        """Run a named query inside the unit of work."""
        ...


class GraphStore(Protocol):
    engine: str

    def read(self, query_name: str, **params: Any) -> list[Row]:
        """Run a named read-only query."""
        ...

    def write(self, work: Callable[[Tx], T]) -> T:
        """Run ``work`` as one unit of work: everything commits or nothing does.

        ``work`` may be retried by the backend, so it must be idempotent apart from its
        writes through ``tx``.
        """
        ...

    def apply_schema(self) -> list[str]:
        """Create or upgrade the schema; returns the migrations applied (empty when current)."""
        ...

    def schema_version(self) -> int: ...

    def health(self) -> dict[str, Any]: ...

    def close(self) -> None: ...
