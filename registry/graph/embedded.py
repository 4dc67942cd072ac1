"""Embedded graph backend: the ladybug database (an embedded Cypher engine) on local disk.

One process owns the database files. ladybug allows a single write transaction at a time and
fails a second one at once, so writes are serialised by a lock; reads run concurrently, each
thread with its own connection.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import ladybug

from registry.graph.ports import ConstraintViolation, GraphError, Row
from registry.graph.queries import query
from registry.graph.schema import apply_migrations

T = TypeVar("T")


CHECKPOINT_EVERY = 100
"""Committed changes wait in the write-ahead log until a checkpoint writes them to the data file;
checkpointing every so many commits (and once more when the pool is full) keeps the log short.
What used to fill small pools was not this but cached query plans (see `_connect`)."""


def _pool_full(exc: Exception) -> bool:
    return "buffer pool is full" in str(exc)


def _connect(db: ladybug.Database) -> ladybug.Connection:
    """A connection that keeps no physical plan of a finished query.

    ladybug caches the physical plan of every prepared statement a connection ran (and the
    Python driver prepares every parameterised query once per connection and keeps it). A
    cached plan keeps the buffer-pool memory its operators allocated (hash tables, sort and
    result tables) until the statement is destroyed: neither a checkpoint nor eviction frees
    it. With hundreds of named queries, each on every thread's read connection, that pinned memory
    grew with the number of threads and distinct queries run until the pool was full ("buffer
    pool is full and no memory could be freed"), even right after a successful checkpoint.
    Without the plan cache each execution plans again (~15 µs more for a primary-key read,
    measured) and frees its memory when its result is closed.
    """
    conn = ladybug.Connection(db)
    _rows(conn.execute("CALL enable_cached_prepared_statement='NONE'"))
    return conn


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


def _owner_only(directory: Path) -> None:
    """Issue 14: the graph's directory 0700 and its files 0600 (ladybug creates them with the
    process umask; ``registry.context`` also narrows the umask for the files it adds later)."""
    with contextlib.suppress(OSError):
        directory.chmod(0o700)
    for path in directory.rglob("*"):
        with contextlib.suppress(OSError):
            path.chmod(0o700 if path.is_dir() else 0o600)


class EmbeddedGraph:
    engine = "embedded"

    def __init__(self, directory: Path, buffer_pool_mb: int = 512) -> None:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
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
        _owner_only(directory)
        self._write_lock = threading.Lock()
        self._commits = 0
        self._local = threading.local()
        self._read_conns: list[ladybug.Connection] = []
        self._write_conn = _connect(self._db)
        # A checkpoint also runs when the write-ahead log exceeds a threshold (16 MB by
        # default); a small pool gets a proportionally smaller one.
        threshold = max(1, min(16, buffer_pool_mb // 16)) * 1024 * 1024
        _rows(self._write_conn.execute(f"CALL checkpoint_threshold={int(threshold)}"))

    def _read_conn(self) -> ladybug.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = _connect(self._db)
            self._local.conn = conn
            with self._write_lock:
                self._read_conns.append(conn)
        return conn

    def read(self, query_name: str, **params: Any) -> list[Row]:
        try:
            return _EmbeddedTx(self._read_conn()).run(query_name, **params)
        except GraphError as exc:
            if not _pool_full(exc):
                raise
            self._drop_read_conn()  # a connection whose query failed may still pin pages
            self.checkpoint()
            return _EmbeddedTx(self._read_conn()).run(query_name, **params)

    def _drop_read_conn(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            return
        self._local.conn = None
        with self._write_lock:
            if conn in self._read_conns:
                self._read_conns.remove(conn)
        conn.close()

    def checkpoint(self, attempts: int = 5) -> None:
        """Write committed changes into the database files, releasing their buffer pages.
        A read running in another thread can make it fail; it is tried a few times."""
        for attempt in range(attempts):
            with self._write_lock:
                if self._checkpoint_locked():
                    return
            time.sleep(0.05 * (attempt + 1))

    def _checkpoint_locked(self) -> bool:
        try:
            self._write_conn.execute("CHECKPOINT")
            return True
        except RuntimeError:  # a running read may delay it to the next one
            return False

    def write(self, work: Callable[[Any], T]) -> T:
        try:
            return self._write_once(work)
        except GraphError as exc:
            if not _pool_full(exc):
                raise
            self.checkpoint()  # then once more
            return self._write_once(work)

    def _write_once(self, work: Callable[[Any], T]) -> T:
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
            self._commits += 1
            if self._commits % CHECKPOINT_EVERY == 0:
                self._checkpoint_locked()
            return result

    def schema_version(self) -> int:
        tx = _EmbeddedTx(self._read_conn())
        try:
            rows = tx.run_text("MATCH (m:Meta {key: 'schema_version'}) RETURN m.value AS v")
        except GraphError:
            return 0
        return int(rows[0]["v"]) if rows else 0

    def execute_statement(self, text: str, params: dict[str, Any] | None = None) -> list[Row]:
        """Run one statement in its own transaction (DDL, migrations)."""
        with self._write_lock:
            return _EmbeddedTx(self._write_conn).run_text(text, params)

    def apply_schema(self, until: int | None = None) -> list[str]:
        applied = apply_migrations(
            self.engine, execute=self.execute_statement, write=self.write, until=until
        )
        if applied:
            # ladybug 0.22 crashes on a MERGE ... SET that creates a node of a table whose
            # columns were dropped earlier in the same session (006 drops many) unless a
            # checkpoint came in between.
            self.checkpoint()
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
