"""`registry export` / `registry import` / `registry check` on real data (issue 9, parts 4 and 6).

The embedded leg always runs. The Neo4j leg (restore an embedded backup into Neo4j, export it
again, compare bytes: the move to production) runs when REGISTRY_TEST_NEO4J_URL is set, and is
skipped with the reason otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from registry.backup import export_graph, render_queries
from registry.backup_restore import import_graph
from registry.check import InvariantsViolated, run_check
from registry.context import Registry, open_registry
from registry.errors import Conflict, InvalidInput
from registry.graph.schema.model import ddl_schema, parse_schema
from registry.settings import Settings
from tests.api.conftest import PASSWORD, USERS, Api
from tests.api.helpers import application, site

NEO4J_URL = os.environ.get("REGISTRY_TEST_NEO4J_URL", "")
ROOT = Path(__file__).resolve().parents[2]
USED_USERS = ("officer.nord", "officer.hessen", "officer.bund", "admin")
REASON = "Wir benötigen externe Expertise für diese Zielgruppe, die wir selbst nicht vorhalten."


def _settings(data_dir: Path, **over: Any) -> Settings:
    return Settings(data_dir=data_dir, graph_buffer_pool_mb=128, secret_key="backup-test", **over)


def _fresh(data_dir: Path, *, init: bool = False, **over: Any) -> Registry:
    """A new registry: schema only, or (init) also the reference data as `registry init` does."""
    from registry.bootstrap import initialise

    reg = open_registry(_settings(data_dir, **over))
    if init:
        initialise(reg)
    else:
        reg.graph.apply_schema()
    return reg


def _decide(api: Api, app: dict[str, Any], as_: str, **groups: bool) -> Any:
    body = {
        "target_groups": {
            g: {"admit": ok, "reason": REASON if ok else "Kein Bedarf in der Region."}
            for g, ok in groups.items()
        },
        "version": app["version"],
    }
    r = api.post(f"/api/v1/applications/{app['id']}/decision", body, as_=as_)
    assert r.status_code == 200, r.text
    return r.json()


def _populate(reg: Registry) -> None:
    """Users, a forwarded application with a follow-on, a refused group, a suspension."""
    from registry.app import create_app
    from registry.auth.service import add_user

    for username in USED_USERS:
        role, carrier, provider = USERS[username]
        add_user(
            reg, username=username, password=PASSWORD, role=role, carrier=carrier, provider=provider
        )
    with TestClient(app=create_app(reg.settings, registry=reg)) as client:
        api = Api(client, reg)
        ref = reg.reference
        body = application(
            ref,
            "drv-bund",
            [site("Kassel", "34117"), site("Lübeck", "23556", headquarters=True)],
            ["addiction"],
        )
        r = api.post("/api/v1/applications", body, as_="officer.bund")
        assert r.status_code == 201, r.text
        _decide(api, r.json(), "officer.nord", addiction=True)  # Kassel awaits DRV Hessen (A7)
        body = application(
            ref,
            "drv-hessen",
            [site("Fulda", "36037", headquarters=True)],
            ["addiction", "oncology"],
            provider={"name": "Hessen Lotse e.V.", "legal_form": "e.V.", "email": "a@l.example"},
        )
        r = api.post("/api/v1/applications", body, as_="officer.hessen")
        assert r.status_code == 201, r.text
        decided = _decide(api, r.json(), "officer.hessen", addiction=True, oncology=False)
        fulda = decided["sites"][0]["id"]
        r = api.post(
            f"/api/v1/admissions/{fulda}/suspend",
            {"reason": "Beschwerde wird geprüft"},
            as_="officer.hessen",
        )
        assert r.status_code == 200, r.text


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    reg = _fresh(tmp_path_factory.mktemp("source"), init=True)
    _populate(reg)
    yield reg
    reg.close()


@pytest.fixture(scope="module")
def backup(source: Registry, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("backup") / "registry.jsonl"
    export_graph(source, path)
    return path


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    """A registry with the schema and nothing else (for imports that must be refused)."""
    reg = _fresh(tmp_path_factory.mktemp("empty"))
    yield reg
    reg.close()


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --------------------------------------------------------------------------- queries from DDL


def test_backup_queries_are_the_rendering_of_the_committed_ddl() -> None:
    # a new table or column without a regenerated backup.cypher fails here
    committed = (ROOT / "registry/graph/queries/backup.cypher").read_text(encoding="utf-8")
    assert committed == render_queries(ddl_schema()), (
        "regenerate: python -m registry.backup render > registry/graph/queries/backup.cypher"
    )


def test_every_table_and_added_column_of_the_ddl_is_backed_up() -> None:
    schema = ddl_schema()
    labels = {t.label for t in schema.nodes}
    assert {"User", "Event", "Notice", "Task", "Outbox", "Meta", "Admission"} <= labels
    # issue 12: every association is a relationship (docs/architecture.md, "The graph model")
    assert {
        "RESPONSIBLE_FOR",
        "OPERATES",
        "LOCATED_IN",
        "HAS_ADMISSION",
        "FOR_GROUP",
        "UNDER",
        "ISSUED_BY",
        "PARTY_TO",
        "WITH_PARTNER",
        "COVERS",
        "HAS_SITE",
        "HAS_VERSION",
        "CONTRACTED",
        "LOGGED",
    } <= {r.label for r in schema.rels}
    assert not {"IN_DISTRICT", "PARTNER_SITE"} & {r.label for r in schema.rels}
    # a relationship table with several FROM/TO pairs is backed up pair by pair
    assert {r.name for r in schema.rels if r.label == "LOGGED"} == {
        "LOGGED_Application",
        "LOGGED_Agreement",
        "LOGGED_Provider",
        "LOGGED_Partner",
    }
    # ... named by source and target where a source appears twice
    assert {r.name for r in schema.rels if r.label == "COVERS"} == {
        "COVERS_Agreement_District",
        "COVERS_Agreement_State",
        "COVERS_Announcement_District",
        "COVERS_Announcement_State",
    }
    # relationship properties are backed up with the relationship
    contracted = schema.rel("CONTRACTED")
    assert contracted is not None and "signed_on" in contracted.types
    agreement = schema.node("Agreement")
    assert agreement is not None and "rev" in agreement.types  # from ALTER TABLE ... ADD
    user = schema.node("User")
    assert user is not None and user.types["password_hash"] == "STRING"


@pytest.mark.parametrize(
    "ddl",
    [
        "CREATE NODE TABLE X(a MAP(STRING, STRING), PRIMARY KEY(a));",
        "CREATE NODE TABLE `X y`(a STRING, PRIMARY KEY(a));",
        "CREATE NODE TABLE X(a STRING);",
        "COPY X FROM 'x.csv';",
    ],
)
def test_the_ddl_parser_refuses_what_it_does_not_understand(ddl: str) -> None:
    with pytest.raises(ValueError):
        parse_schema([ddl])


# --------------------------------------------------------------------------- export / import


def test_export_holds_users_with_hashes_audit_trail_notices_and_relationships(
    backup: Path,
) -> None:
    records = _records(backup)
    assert records[0] == {"format": "registry-backup", "type": "header", "version": 2}
    labels = {r["label"] for r in records[1:]}
    for label in ["User", "Event", "Notice", "Admission", "FollowOnTask", "Meta", "OPERATES"]:
        assert label in labels
    users = [r["props"] for r in records if r.get("label") == "User"]
    assert len(users) == len(USED_USERS) and all(u["password_hash"] for u in users)
    assert oct(backup.stat().st_mode & 0o777) == "0o600"  # password hashes inside
    # deterministic order: nodes by label then key, then relationships
    nodes = [r for r in records if r["type"] == "node"]
    schema = ddl_schema()

    def node_key(r: dict[str, Any]) -> tuple[str, str]:
        table = schema.node(r["label"])
        assert table is not None
        return (r["label"], r["props"][table.key])

    assert nodes == sorted(nodes, key=node_key)
    assert records[-1]["type"] == "rel"


def test_import_then_export_gives_a_byte_identical_file(backup: Path, tmp_path: Path) -> None:
    target = _fresh(tmp_path / "target", init=True)  # what `registry init` leaves is "empty"
    try:
        result = import_graph(target, backup)
        assert result["indexed"] >= 1 and result["replaced"] is False
        again = tmp_path / "again.jsonl"
        export_graph(target, again)
        assert again.read_bytes() == backup.read_bytes()
        # rule A2/A6/A7: the restored graph keeps every invariant, its index is rebuilt
        assert "Invarianten erfüllt" in run_check(target)
        # the users can log in with their restored password hashes
        from registry.auth.service import login

        assert login(target, "officer.nord", PASSWORD)
        # a graph with content is refused; --force replaces it
        with pytest.raises(Conflict, match="nicht leer"):
            import_graph(target, backup)
        assert import_graph(target, backup, force=True)["replaced"] is True
        export_graph(target, again)
        assert again.read_bytes() == backup.read_bytes()
    finally:
        target.close()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"type":"node","label":"Nope","props":{"id":"x"}}', "unbekannte Knotenart"),
        ('{"type":"node","label":"User","props":{"id":"u","evil":"x"}}', "unbekannte Felder"),
        ('{"type":"node","label":"User","props":{"id":"u","active":"yes"}}', "true or false"),
        ('{"type":"rel","label":"OPERATES","from":"nobody","to":"nowhere"}', "ohne Knoten"),
        (
            '{"type":"rel","label":"CONTRACTED","from":"x","to":"y","props":{"evil":"1"}}',
            "unbekannte Felder",
        ),
        ("{not json", "kein gültiges JSON"),
    ],
)
def test_a_damaged_backup_is_refused_and_nothing_is_written(
    backup: Path, empty: Registry, tmp_path: Path, line: str, message: str
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(backup.read_text(encoding="utf-8") + line + "\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as info:
        import_graph(empty, bad)
    assert any(message in p.message for p in info.value.problems)
    assert empty.graph.read("backup.count_user")[0]["n"] == 0


def test_a_file_that_is_no_backup_is_refused(empty: Registry, tmp_path: Path) -> None:
    bad = tmp_path / "other.jsonl"
    bad.write_text('{"hello": "world"}\n', encoding="utf-8")
    with pytest.raises(InvalidInput):
        import_graph(empty, bad)


def test_a_backup_of_another_schema_version_is_refused(
    backup: Path, empty: Registry, tmp_path: Path
) -> None:
    version = str(empty.graph.schema_version())
    lines = backup.read_text(encoding="utf-8").splitlines()
    changed = [
        ln.replace(f'"value":"{version}"', '"value":"999"')
        if '"key":"schema_version"' in ln
        else ln
        for ln in lines
    ]
    old = tmp_path / "old.jsonl"
    old.write_text("\n".join(changed) + "\n", encoding="utf-8")
    with pytest.raises(Conflict, match="Schemaversion 999"):
        import_graph(empty, old)
    assert empty.graph.read("backup.count_user")[0]["n"] == 0


def test_pending_outbox_rows_are_consumed_by_the_rebuilt_index(
    source: Registry, tmp_path: Path
) -> None:
    # rule E1: a backup taken before the index caught up still restores a complete index
    from registry.directory.projection import enqueue

    sites = [r["site_id"] for r in source.graph.read("check.admissions")]
    source.graph.write(lambda tx: enqueue(tx, "site", sites))
    path = tmp_path / "pending.jsonl"
    try:
        export_graph(source, path)
    finally:
        from registry.directory.projection import drain

        drain(source)
    assert any(r.get("label") == "Outbox" for r in _records(path))
    target = _fresh(tmp_path / "t")
    try:
        import_graph(target, path)
        assert target.graph.read("outbox.count")[0]["n"] == 0
        assert "Invarianten erfüllt" in run_check(target)
    finally:
        target.close()


# --------------------------------------------------------------------------- check on a graph


def test_check_reports_a_missing_index_entry_and_a_forged_admission(
    backup: Path, tmp_path: Path
) -> None:
    from registry.directory.projection import reindex

    target = _fresh(tmp_path / "t")
    try:
        import_graph(target, backup)
        admitted = sorted(
            {
                r["site_id"]
                for r in target.graph.read("check.admissions")
                if r["status"] == "admitted"
            }
        )
        target.search.sites.delete(admitted[:1])
        with pytest.raises(InvariantsViolated) as info:
            run_check(target)
        # rule E1: every admitted site is findable
        assert [(v.rule, v.subject) for v in info.value.violations] == [
            ("E1", f"Standort {admitted[0]}")
        ]
        reindex(target)
        real = next(r for r in target.graph.read("check.admissions") if r["status"] == "admitted")
        props = next(
            r["props"]
            for r in _records(backup)
            if r.get("label") == "Admission" and r["props"]["id"] == real["id"]
        )

        def forge(tx: Any) -> None:  # an admission issued by a carrier not responsible
            tx.run("backup.restore_admission", rows=[{**props, "id": "adm-forged"}])
            for name, source, target_key in [
                ("has_admission", real["site_id"], "adm-forged"),
                ("for_group", "adm-forged", real["target_group"]),
                ("under", "adm-forged", real["application_id"]),
                ("issued_by", "adm-forged", "drv-bayern-sued"),
            ]:
                rows = [{"source": source, "target": target_key}]
                tx.run(f"backup.restore_rels_{name}", rows=rows)

        target.graph.write(forge)
        with pytest.raises(InvariantsViolated) as info:
            run_check(target)
        # rule A6/A7: only the site's responsible carrier issues its admission
        assert [v.rule for v in info.value.violations] == ["A6/A7"]
        assert "drv-bayern-sued" in str(info.value)
    finally:
        target.close()


# --------------------------------------------------------------------------- while serving


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_export_and_check_work_while_the_server_holds_the_database(
    backup: Path, tmp_path: Path
) -> None:
    from registry.cli import run_operation

    data = tmp_path / "served"
    port = _free_port()
    env = {
        **os.environ,
        "REGISTRY_DATA_DIR": str(data),
        "REGISTRY_SECRET_KEY": "backup-test",
        "REGISTRY_GRAPH_BUFFER_POOL_MB": "128",
    }
    # the command line restores (init, import, reindex) in its own process
    done = subprocess.run(
        [sys.executable, "-m", "registry.cli", "import", str(backup)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Wiederhergestellt" in done.stdout
    server = subprocess.Popen(
        [sys.executable, "-m", "registry.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not (data / "admin.json").exists():
            assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.1)
        settings = _settings(data)
        out = tmp_path / "live.jsonl"
        message = run_operation("export", {"file": str(out)}, settings)
        assert "ausgeführt vom laufenden Server" in message
        assert out.read_bytes() == backup.read_bytes()
        assert "Invarianten erfüllt" in run_operation("check", {"file": ""}, settings)
    finally:
        server.terminate()
        server.wait(timeout=30)


# --------------------------------------------------------------------------- to Neo4j


@pytest.mark.skipif(not NEO4J_URL, reason="REGISTRY_TEST_NEO4J_URL not set: no Neo4j server")
def test_an_embedded_backup_moves_to_neo4j_byte_identically(backup: Path, tmp_path: Path) -> None:
    target = _fresh(
        tmp_path / "neo4j",
        graph_url=NEO4J_URL,
        graph_user=os.environ.get("REGISTRY_TEST_NEO4J_USER", "neo4j"),
        graph_password=os.environ.get("REGISTRY_TEST_NEO4J_PASSWORD", ""),
        graph_database=os.environ.get("REGISTRY_TEST_NEO4J_DATABASE", "neo4j"),
    )
    try:
        import_graph(target, backup, force=True)
        again = tmp_path / "from-neo4j.jsonl"
        export_graph(target, again)
        assert again.read_bytes() == backup.read_bytes()
        assert "Invarianten erfüllt" in run_check(target)
    finally:
        target.close()
        shutil.rmtree(tmp_path / "neo4j", ignore_errors=True)
