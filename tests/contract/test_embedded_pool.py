"""The embedded graph's buffer pool holds no memory for queries that have finished.

ladybug caches the physical plan of every prepared statement a connection has run, and with it
the buffer-pool memory the plan's operators allocated (aggregation hash tables, sort and result
tables); neither a checkpoint nor eviction releases it. Each read thread has its own
connection, so the pinned memory grew with threads x distinct queries until a small pool was
full for good (commit 7b2e72d moved the API tests to a 256 MB pool because of it). The
connections of `registry.graph.embedded` keep no plans; these tests fill a 32 MB pool many times
over with distinct statements and fail with "buffer pool is full" without that.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from registry.graph.embedded import EmbeddedGraph, _EmbeddedTx

ROWS = 20_000
GROUPS = 97


def _grouping(n: int) -> str:
    # a distinct text per n: each is a statement of its own, with its own plan
    return (
        "MATCH (t:PoolProbe) WHERE t.grp >= $lo "
        "WITH t.grp AS grp, count(*) AS c, collect(t.name) AS names "
        f"RETURN grp, c, size(names) AS n ORDER BY c DESC, grp /* statement {n} */"
    )


def _expected(lo: int) -> int:
    return sum(1 for i in range(1, ROWS + 1) if i % GROUPS >= lo)


@pytest.fixture
def graph(tmp_path: Path):  # type: ignore[no-untyped-def]
    store = EmbeddedGraph(tmp_path / "graph", buffer_pool_mb=32)
    _EmbeddedTx(store._write_conn).run_text(
        "CREATE NODE TABLE PoolProbe(id INT64, grp INT64, name STRING, PRIMARY KEY(id))"
    )
    store.write(
        lambda tx: tx.run_text(
            "UNWIND range(1, $rows) AS i "
            "CREATE (:PoolProbe {id: i, grp: i % $groups, name: 'name ' + string(i)})",
            {"rows": ROWS, "groups": GROUPS},
        )
    )
    yield store
    store.close()


def test_distinct_statements_on_the_write_connection(graph: EmbeddedGraph) -> None:
    for n in range(150):
        lo = n % 50
        rows = graph.write(lambda tx, n=n, lo=lo: tx.run_text(_grouping(n), {"lo": lo}))
        assert sum(r["c"] for r in rows) == _expected(lo)
        assert all(r["c"] == r["n"] for r in rows)


def test_distinct_statements_on_read_connections_of_many_threads(graph: EmbeddedGraph) -> None:
    failures: list[BaseException] = []
    totals: dict[int, int] = {}

    def reader(worker: int) -> None:
        tx = _EmbeddedTx(graph._read_conn())  # this thread's own read connection
        try:
            for n in range(worker * 40, worker * 40 + 40):
                rows = tx.run_text(_grouping(n), {"lo": n % 50})
                totals[n] = sum(r["c"] for r in rows)
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=reader, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    assert totals == {n: _expected(n % 50) for n in range(160)}
