"""Contract of the graph port: the same operations on every backend.

The embedded backend always runs; Neo4j runs when REGISTRY_TEST_NEO4J_URL is set (with
REGISTRY_TEST_NEO4J_USER / _PASSWORD / _DATABASE), and is skipped with the reason otherwise.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.graph.ports import ConstraintViolation, GraphStore
from registry.graph.schema import latest_version

NEO4J_URL = os.environ.get("REGISTRY_TEST_NEO4J_URL", "")


def _backends() -> list[object]:
    return [
        "embedded",
        pytest.param(
            "neo4j",
            marks=pytest.mark.skipif(
                not NEO4J_URL, reason="REGISTRY_TEST_NEO4J_URL not set: no Neo4j server available"
            ),
        ),
    ]


@pytest.fixture(params=_backends())
def graph(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    store: GraphStore
    if request.param == "embedded":
        from registry.graph.embedded import EmbeddedGraph

        store = EmbeddedGraph(tmp_path / "graph", buffer_pool_mb=64)
    else:
        from registry.graph.neo4j import Neo4jGraph

        store = Neo4jGraph(
            NEO4J_URL,
            os.environ.get("REGISTRY_TEST_NEO4J_USER", "neo4j"),
            os.environ.get("REGISTRY_TEST_NEO4J_PASSWORD", ""),
            os.environ.get("REGISTRY_TEST_NEO4J_DATABASE", "neo4j"),
        )
    store.apply_schema()
    yield store
    store.close()


def test_schema_is_versioned_and_idempotent(graph: GraphStore) -> None:
    assert graph.schema_version() == latest_version(graph.engine)
    assert graph.apply_schema() == []


def test_write_commits_and_read_returns_plain_rows(graph: GraphStore) -> None:
    rows = [{"code": "x-test", "label": "X", "description": "d"}]
    graph.write(lambda tx: tx.run("reference.upsert_target_groups", rows=rows))
    found = [
        r["props"] for r in graph.read("backup.nodes_targetgroup") if r["props"]["code"] == "x-test"
    ]
    assert found == rows


def test_failed_unit_of_work_leaves_nothing(graph: GraphStore) -> None:
    def work(tx):  # type: ignore[no-untyped-def]
        tx.run(
            "reference.upsert_target_groups",
            rows=[{"code": "y-test", "label": "Y", "description": "d"}],
        )
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        graph.write(work)
    assert not [r for r in graph.read("backup.nodes_targetgroup") if r["props"]["code"] == "y-test"]


def test_duplicate_primary_key_is_a_constraint_violation(graph: GraphStore) -> None:
    params = dict(
        id="usr-dup",
        username="dup",
        password_hash="h",
        role="admin",
        carrier="",
        provider="",
        now="2026-01-01T00:00:00+00:00",
    )
    graph.write(lambda tx: tx.run("users.create", **params))
    with pytest.raises(ConstraintViolation):
        graph.write(lambda tx: tx.run("users.create", **params))


def test_concurrent_writers_are_serialised(graph: GraphStore) -> None:
    graph.write(
        lambda tx: tx.run(
            "users.create",
            id="usr-c",
            username="c",
            password_hash="h",
            role="admin",
            carrier="",
            provider="",
            now="2026-01-01T00:00:00+00:00",
        )
    )
    errors: list[BaseException] = []

    def bump() -> None:
        try:
            for _ in range(10):
                graph.write(lambda tx: tx.run("users.bump_token_epoch", id="usr-c"))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert graph.read("users.by_id", id="usr-c")[0]["token_epoch"] == 40


def test_lists_and_dates_as_strings_round_trip(graph: GraphStore) -> None:
    from registry.admission.repository import AdmissionRepository

    carriers = [
        {"id": cid, "name": cid, "kind": "regional", "region": ""}
        for cid in ("drv-nord", "drv-bund")
    ]
    graph.write(lambda tx: tx.run("reference.upsert_carriers", rows=carriers))
    graph.write(
        lambda tx: AdmissionRepository(tx).create_announcement(
            {
                "id": "ann-1",
                "carriers": ["drv-nord", "drv-bund"],
                "target_groups": ["addiction"],
                "districts": ["01001"],
                "state": "",
                "text": "Gesucht",
                "open_until": "2027-01-31",
                "now": "2026-11-25T10:00:00+00:00",
                "created_by": "usr-1",
                "confirmed_carrier": "drv-nord",
            }
        )
    )
    open_rows = graph.read("admission.announcements", today="2027-01-31")
    closed_rows = graph.read("admission.announcements", today="2027-02-01")
    # The carriers joining are edges now (issue 12): a set, listed in any order.
    assert [sorted(r["carriers"]) for r in open_rows] == [["drv-bund", "drv-nord"]]
    assert [r["open_until"] for r in open_rows] == ["2027-01-31"]
    assert closed_rows == []
    # A12 with N4: the author's carrier has confirmed, DRV Bund not yet; published once it has
    assert [r["pending"] for r in open_rows] == [["drv-bund"]]
    assert not AdmissionRepository(graph).announcement_exists("ann-1")
    assert not graph.write(
        lambda tx: AdmissionRepository(tx).confirm_announcement("ann-1", "drv-hessen")
    )
    assert graph.write(lambda tx: AdmissionRepository(tx).confirm_announcement("ann-1", "drv-bund"))
    assert graph.read("admission.announcements", today="")[0]["pending"] == []
    assert AdmissionRepository(graph).announcement_exists("ann-1")
