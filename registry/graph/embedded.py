"""Embedded graph backend: the ladybug database (an embedded Cypher engine) on local disk.

One process owns the database files. ladybug allows a single write transaction at a time and
fails a second one at once, so writes are serialised by a lock; reads run concurrently, each
thread with its own connection.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import ladybug

from registry.graph.ports import ConstraintViolation, GraphError, Row
from registry.graph.queries import query
from registry.graph.schema import migrations

T = TypeVar("T")


class DatabaseLocked(GraphError):
    """Another process (usually the running server) holds the embedded database."""


def _rows(result: Any) -> list[Row]:
    if isinstance(result, list):  # several statements: the last one's rows
        for earlier in result[:-1]:
            earlier.close()
        result = result[-1]
    try:
        names = result.get_column_names()
        out: list[Row] = []
        while result.has_next():
            out.append(dict(zip(names, result.get_next(), strict=True)))
        return out
    finally:
        result.close()  # an open result pins buffer-pool pages


def _translate(exc: Exception) -> Exception:
    text = str(exc)
    if "duplicated primary key" in text.lower() or "violates" in text.lower():
        return ConstraintViolation(text)
    return GraphError(text)


class _EmbeddedTx:
    def __init__(self, conn: ladybug.Connection) -> None:
        self._conn = conn

    def run(self, query_name: str, **params: Any) -> list[Row]:
        return self.run_text(query(query_name), params)

    def run_text(self, text: str, params: dict[str, Any] | None = None) -> list[Row]:
        try:
            return _rows(self._conn.execute(text, params or {}))
        except RuntimeError as exc:
            raise _translate(exc) from exc


class EmbeddedGraph:
    engine = "embedded"

    def __init__(self, directory: Path, buffer_pool_mb: int = 512) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "registry.lbug"
        try:
            self._db = ladybug.Database(
                str(self.path), buffer_pool_size=buffer_pool_mb * 1024 * 1024
            )
        except RuntimeError as exc:
            if "lock" in str(exc).lower():
                raise DatabaseLocked(
                    f"Die eingebettete Datenbank {self.path} wird von einem anderen Prozess genutzt."
                ) from exc
            raise
        self._write_lock = threading.Lock()
        self._local = threading.local()
        self._read_conns: list[ladybug.Connection] = []
        self._write_conn = ladybug.Connection(self._db)

    def _read_conn(self) -> ladybug.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = ladybug.Connection(self._db)
            self._local.conn = conn
            with self._write_lock:
                self._read_conns.append(conn)
        return conn

    def read(self, query_name: str, **params: Any) -> list[Row]:
        return _EmbeddedTx(self._read_conn()).run(query_name, **params)

    def write(self, work: Callable[[Any], T]) -> T:
        with self._write_lock:
            conn = self._write_conn
            conn.execute("BEGIN TRANSACTION")
            try:
                result = work(_EmbeddedTx(conn))
            except BaseException:
                with contextlib.suppress(RuntimeError):  # a failed statement ended it already
                    conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except RuntimeError as exc:
                raise _translate(exc) from exc
            return result

    def schema_version(self) -> int:
        tx = _EmbeddedTx(self._read_conn())
        try:
            rows = tx.run_text("MATCH (m:Meta {key: 'schema_version'}) RETURN m.value AS v")
        except GraphError:
            return 0
        return int(rows[0]["v"]) if rows else 0

    def apply_schema(self) -> list[str]:
        applied: list[str] = []
        current = self.schema_version()
        for migration in migrations(self.engine):
            if migration.version <= current:
                continue
            with self._write_lock:
                tx = _EmbeddedTx(self._write_conn)
                for statement in migration.statements:  # DDL runs in its own transactions
                    tx.run_text(statement)
                tx.run_text(
                    "MERGE (m:Meta {key: 'schema_version'}) SET m.value = $v",
                    {"v": str(migration.version)},
                )
            applied.append(f"{migration.version:03d}_{migration.name}")
        return applied

    def health(self) -> dict[str, Any]:
        try:
            _EmbeddedTx(self._read_conn()).run_text("RETURN 1 AS ok")
            return {"engine": "ladybug", "ok": True, "schema_version": self.schema_version()}
        except GraphError as exc:
            return {"engine": "ladybug", "ok": False, "error": str(exc)}

    def close(self) -> None:
        """Close every connection and the database, releasing the file lock."""
        with self._write_lock:
            for conn in self._read_conns:
                conn.close()
            self._read_conns.clear()
            self._write_conn.close()
            self._db.close()
