"""Restore of a full backup of the graph (``registry import``; the format and the export are
``registry.backup``).

Import writes into an empty graph: one that holds at most what ``registry init`` creates (schema
version, carriers, districts, postal places, target groups). It refuses a graph with any other
content unless ``force`` is given, which replaces everything. The whole import is one unit of
work (all or nothing); afterwards the search index is rebuilt from the graph
(:func:`registry.directory.projection.reindex`), which also discharges exported outbox rows.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from registry.backup import (
    BATCH,
    FORMAT,
    FORMAT_VERSION,
    OLD_FORMAT_VERSIONS,
    Rel,
    Snapshot,
    log,
    normalise,
    query_name,
    read_tables,
    render_queries,
)
from registry.context import Registry
from registry.errors import Conflict, InvalidInput, Problem
from registry.graph.backup_store import BackupRepository, read_named, upgrade_in_scratch
from registry.graph.schema.model import Schema, ddl_schema

#: tables that ``registry init`` fills; they may be present in the graph an import goes into
INIT_TABLES = frozenset({"Meta", "Carrier", "District", "PostalPlace", "State", "TargetGroup"})
INIT_RELS = frozenset({"RESPONSIBLE_FOR", "IN_STATE", "LOCATED_IN_PostalPlace"})


# --------------------------------------------------------------------------- import


def _problem(line_no: int, message: str) -> Problem:
    return Problem(field=f"Zeile {line_no}", message=message)


def backup_format_version(path: Path) -> int | None:
    """The format version in a backup's header line (None if there is no readable header)."""
    with path.open(encoding="utf-8") as fh:
        for raw in fh:
            if raw.strip():
                try:
                    obj = json.loads(raw)
                except ValueError:
                    return None
                version = obj.get("version") if isinstance(obj, dict) else None
                return version if isinstance(version, int) else None
    return None


def parse_backup(
    lines: Iterable[str], schema: Schema, *, version: int = FORMAT_VERSION
) -> Snapshot:
    """Read and validate a backup of format ``version``; raises InvalidInput naming bad lines."""
    nodes: dict[str, list[dict[str, Any]]] = {t.label: [] for t in schema.nodes}
    rels: dict[str, list[Rel]] = {r.name: [] for r in schema.rels}
    problems: list[Problem] = []
    header_seen = False
    for line_no, raw in enumerate(lines, start=1):
        if len(problems) >= 20:
            break
        text = raw.strip()
        if not text:
            continue
        try:
            obj = json.loads(text)
        except ValueError:
            problems.append(_problem(line_no, "kein gültiges JSON"))
            continue
        if not isinstance(obj, dict):
            problems.append(_problem(line_no, "kein JSON-Objekt"))
            continue
        kind = obj.get("type")
        if not header_seen:
            if kind != "header" or obj.get("format") != FORMAT:
                problems.append(_problem(line_no, "keine Sicherung dieses Registers (Kopfzeile)"))
                break
            if obj.get("version") != version:
                problems.append(
                    _problem(line_no, f"Sicherungsformat {obj.get('version')} nicht unterstützt")
                )
                break
            header_seen = True
            continue
        label = obj.get("label")
        if kind == "node":
            table = schema.node(label) if isinstance(label, str) else None
            props = obj.get("props")
            if table is None or not isinstance(props, dict):
                problems.append(_problem(line_no, f"unbekannte Knotenart {label!r}"))
                continue
            unknown = sorted(set(props) - set(table.types))
            if unknown:
                problems.append(_problem(line_no, f"unbekannte Felder {unknown} bei {label}"))
                continue
            try:
                values = normalise(table, props)
            except TypeError as exc:
                problems.append(_problem(line_no, f"{label}: {exc}"))
                continue
            if not isinstance(values[table.key], str) or not values[table.key]:
                problems.append(_problem(line_no, f"{label} ohne Schlüssel {table.key}"))
                continue
            nodes[table.label].append(values)
        elif kind == "rel":
            rel = schema.rel(label) if isinstance(label, str) else None
            source, target = obj.get("from"), obj.get("to")
            if rel is None or not isinstance(source, str) or not isinstance(target, str):
                problems.append(_problem(line_no, f"unbekannte Beziehung {label!r}"))
                continue
            raw_props = obj.get("props") or {}
            unknown = sorted(set(raw_props) - set(rel.types)) if isinstance(raw_props, dict) else []
            if not isinstance(raw_props, dict) or unknown:
                problems.append(_problem(line_no, f"unbekannte Felder {unknown} bei {label}"))
                continue
            try:
                rels[rel.name].append((source, target, normalise(rel, raw_props)))
            except TypeError as exc:
                problems.append(_problem(line_no, f"{label}: {exc}"))
        else:
            problems.append(_problem(line_no, f"unbekannter Zeilentyp {kind!r}"))
    if not header_seen and not problems:
        problems.append(_problem(1, "leere Datei: keine Kopfzeile"))
    for t in schema.nodes:
        seen: set[str] = set()
        for props in nodes[t.label]:
            key = props[t.key]
            if key in seen:
                problems.append(Problem(field=t.label, message=f"Schlüssel {key} doppelt"))
            seen.add(key)
    for r in schema.rels:
        sources = {p[_key(schema, r.source)] for p in nodes[r.source]}
        targets = {p[_key(schema, r.target)] for p in nodes[r.target]}
        for source, target, _props in rels[r.name]:
            if source not in sources or target not in targets:
                problems.append(
                    Problem(field=r.name, message=f"Beziehung {source} -> {target} ohne Knoten")
                )
                break
    if problems:
        raise InvalidInput(problems[:20], "Die Sicherung kann nicht eingelesen werden.")
    return Snapshot(nodes, rels)


def _key(schema: Schema, label: str) -> str:
    table = schema.node(label)
    assert table is not None
    return table.key


def _batches(rows: list[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(rows), BATCH):
        yield rows[i : i + BATCH]


def _existing_content(reg: Registry, schema: Schema) -> list[str]:
    backups = reg.repo(BackupRepository)
    found = []
    for t in schema.nodes:
        if t.label in INIT_TABLES:
            continue
        n = backups.count(f"count_{query_name(t.label)}")
        if n:
            found.append(f"{n} {t.label}")
    for r in schema.rels:
        if r.name in INIT_RELS:
            continue
        n = backups.count(f"count_rels_{query_name(r.name)}")
        if n:
            found.append(f"{n} {r.name}")
    return found


def _schema_version_of(snapshot: Snapshot) -> int | None:
    for props in snapshot.nodes.get("Meta", []):
        if props.get("key") == "schema_version":
            try:
                return int(props.get("value") or "")
            except ValueError:
                return None
    return None


def _restore(tx: Any, schema: Schema, snapshot: Snapshot, run: Any) -> None:
    for t in schema.nodes:  # DETACH DELETE also removes the relationships
        run(tx, f"wipe_{query_name(t.label)}")
    for t in schema.nodes:
        for batch in _batches(snapshot.nodes[t.label]):
            run(tx, f"restore_{query_name(t.label)}", rows=batch)
    for r in schema.rels:
        rows = [{"source": s, "target": d, **props} for s, d, props in snapshot.rels[r.name]]
        for batch in _batches(rows):
            run(tx, f"restore_rels_{query_name(r.name)}", rows=batch)


def upgrade_old_backup(path: Path, format_version: int) -> tuple[Snapshot, dict[str, Any]]:
    """Read a backup written by an earlier release: restore it into a scratch embedded graph of
    its own schema version, upgrade that with the migrations ``registry init`` runs (so an old
    backup and an old data directory are upgraded by the same code) and read it back."""
    from registry.graph.queries import parse_named_blocks

    if format_version not in OLD_FORMAT_VERSIONS:
        raise InvalidInput.one("file", f"Sicherungsformat {format_version} nicht unterstützt")
    # format 1 carries the schema version in its Meta node; read with that schema
    with path.open(encoding="utf-8") as fh:
        probe = parse_backup(fh, ddl_schema(until=5), version=format_version)
    old_version = _schema_version_of(probe)
    if old_version is None or old_version > 5:
        raise InvalidInput.one("file", "Sicherung ohne lesbare Schemaversion")
    old_schema = ddl_schema(until=old_version)
    with path.open(encoding="utf-8") as fh:
        snapshot = parse_backup(fh, old_schema, version=format_version)
    # queries for the old tables, rendered from our own committed DDL of that version (the
    # same generator as backup.cypher; nothing from the file becomes query text)
    old_queries = parse_named_blocks(render_queries(old_schema))
    started = time.perf_counter()
    upgraded, applied, merged = upgrade_in_scratch(
        old_version,
        old_queries,
        lambda tx, run_old: _restore(tx, old_schema, snapshot, run_old),
        lambda tx, run: read_tables(tx, ddl_schema(), run),
    )
    report = {
        "upgraded_from": old_version,
        "migrations": applied,
        "merged_sites": int(merged),
        "upgrade_seconds": round(time.perf_counter() - started, 3),
    }
    return upgraded, report


def import_graph(reg: Registry, path: Path, *, force: bool = False) -> dict[str, Any]:
    """Restore a backup into an empty graph (or, with ``force``, replace the graph's content).

    A backup of an earlier format is upgraded first (:func:`upgrade_old_backup`)."""
    started = time.perf_counter()
    schema = ddl_schema()
    if not path.is_file():
        raise InvalidInput.one("file", f"Datei {path} nicht gefunden")
    upgrade: dict[str, Any] = {}
    format_version = backup_format_version(path)
    if format_version is not None and format_version != FORMAT_VERSION:
        snapshot, upgrade = upgrade_old_backup(path, format_version)
    else:
        with path.open(encoding="utf-8") as fh:
            snapshot = parse_backup(fh, schema)
    version = _schema_version_of(snapshot)
    current = reg.graph.schema_version()
    if version != current:
        raise Conflict(
            f"Die Sicherung hat Schemaversion {version}, die Datenbank {current}. "
            "Erst die Installation, aus der die Sicherung stammt, aktualisieren (registry init) "
            "und neu exportieren."
        )
    existing = _existing_content(reg, schema)
    if existing and not force:
        raise Conflict(
            "Die Datenbank ist nicht leer ("
            + ", ".join(existing[:6])
            + (" …" if len(existing) > 6 else "")
            + "). Import nur in eine leere Datenbank, oder mit --force alles ersetzen."
        )

    reg.unit_of_work(lambda tx: _restore(tx, schema, snapshot, read_named))
    graph_seconds = time.perf_counter() - started
    indexed = 0
    if reg.search is not None:
        from registry.directory.projection import reindex

        indexed = reindex(reg)
    result = {
        "nodes": sum(len(v) for v in snapshot.nodes.values()),
        "rels": sum(len(v) for v in snapshot.rels.values()),
        "indexed": indexed,
        "replaced": bool(existing),
        **upgrade,
        "graph_seconds": round(graph_seconds, 3),
        "seconds": round(time.perf_counter() - started, 3),
    }
    log.info("backup imported", extra={"fields": {"event": "backup.import", **result}})
    return result
