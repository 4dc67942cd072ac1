"""Neo4j backend (production), written against the official ``neo4j`` driver.

One driver per application, ``verify_connectivity()`` at start, ``database_`` always set,
managed transactions (``execute_write``) for units of work so the driver can retry them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, LiteralString, TypeVar, cast

import neo4j
from neo4j.exceptions import ConstraintError, Neo4jError

from registry.graph.ports import ConstraintViolation, GraphError, Row
from registry.graph.queries import query
from registry.graph.schema import apply_migrations

T = TypeVar("T")


def _plain(value: Any) -> Any:
    if hasattr(value, "iso_format"):
        return value.iso_format()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


class _Neo4jTx:
    def __init__(self, tx: neo4j.ManagedTransaction) -> None:
        self._tx = tx

    def run(self, query_name: str, **params: Any) -> list[Row]:
        try:
            result = self._tx.run(query(query_name), params)
            return [{k: _plain(v) for k, v in rec.items()} for rec in result]
        except ConstraintError as exc:
            raise ConstraintViolation(str(exc)) from exc


class Neo4jGraph:
    engine = "neo4j"

    def __init__(self, url: str, user: str, password: str, database: str) -> None:
        self._database = database
        self._driver = neo4j.GraphDatabase.driver(url, auth=(user, password))
        self._driver.verify_connectivity()

    def read(self, query_name: str, **params: Any) -> list[Row]:
        try:
            records, _, _ = self._driver.execute_query(
                query(query_name),
                params,
                database_=self._database,
                routing_=neo4j.RoutingControl.READ,
            )
        except Neo4jError as exc:
            raise GraphError(str(exc)) from exc
        return [{k: _plain(v) for k, v in rec.items()} for rec in records]

    def write(self, work: Callable[[Any], T]) -> T:
        with self._driver.session(database=self._database) as session:
            try:
                return session.execute_write(lambda tx: work(_Neo4jTx(tx)))
            except ConstraintError as exc:
                raise ConstraintViolation(str(exc)) from exc

    def schema_version(self) -> int:
        records, _, _ = self._driver.execute_query(
            "MATCH (m:Meta {key: 'schema_version'}) RETURN m.value AS v",
            database_=self._database,
        )
        return int(records[0]["v"]) if records else 0

    def execute_statement(self, text: str, params: dict[str, Any] | None = None) -> list[Row]:
        """Run one statement in its own transaction (schema, migrations)."""
        records, _, _ = self._driver.execute_query(
            cast(LiteralString, text), params or {}, database_=self._database
        )
        return [dict(r) for r in records]

    def apply_schema(self, until: int | None = None) -> list[str]:
        return apply_migrations(
            self.engine, execute=self.execute_statement, write=self.write, until=until
        )

    def health(self) -> dict[str, Any]:
        try:
            self._driver.verify_connectivity()
            return {"engine": "neo4j", "ok": True, "schema_version": self.schema_version()}
        except Exception as exc:  # noqa: BLE001 - health reports every failure
            return {"engine": "neo4j", "ok": False, "error": str(exc)}

    def close(self) -> None:
        self._driver.close()
