"""Full backup and restore of the graph as JSON Lines (``registry export`` / ``registry import``).

File format, one JSON object per line, keys sorted, UTF-8, no insignificant whitespace::

    {"format":"registry-backup","type":"header","version":1}
    {"label":"Admission","props":{...every column...},"type":"node"}
    ...
    {"from":"<key>","label":"HAS_SITE","to":"<key>","type":"rel"}

Nodes come first, sorted by label and then by primary key; relationships follow, sorted by label,
then source key, then target key. Values are normalised to their column type (STRING, INT64,
DOUBLE, BOOLEAN, STRING[]), so the same graph gives the same bytes on either engine and an import
of an export followed by an export gives a byte-identical file.

Where the queries come from, and why that is safe: every statement used here is a named query of
``registry/graph/queries/backup.cypher``, a committed file like every other query file. That file
is *generated* by :func:`render_queries` from the committed embedded DDL
(``registry/graph/schema/embedded/*.cypher``): table names, column names, column types and primary
keys are parsed from our own ``CREATE NODE TABLE`` / ``CREATE REL TABLE`` / ``ALTER TABLE ... ADD``
statements, every identifier is checked against ``[A-Za-z_][A-Za-z0-9_]*`` and every type against
the five types we use, and nothing from a backup file or any other input ever becomes query text:
the file's content only reaches the queries as parameters, after its labels and property names
were checked against the parsed schema. A test asserts that the committed ``backup.cypher`` equals
the rendering of the current DDL, so a new table or column cannot be forgotten by the backup;
regenerate with ``python -m registry.backup render > registry/graph/queries/backup.cypher``.

Consistency: the export reads every table inside one unit of work. On the embedded engine that
unit holds the write lock, so the file is a point-in-time snapshot even while the server runs
(writers wait for the few seconds it takes). On Neo4j the transaction is read-committed; for a
point-in-time copy of a busy Neo4j use ``neo4j-admin database dump`` as well (docs/operations.md).

Import writes into an empty graph: one that holds at most what ``registry init`` creates (schema
version, carriers, districts, postal places, target groups). It refuses a graph with any other
content unless ``force`` is given, which replaces everything. The whole import is one unit of
work (all or nothing); afterwards the search index is rebuilt from the graph
(:func:`registry.directory.projection.reindex`), which also discharges exported outbox rows.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from registry.context import Registry
from registry.errors import Conflict, InvalidInput, Problem
from registry.graph.ports import Tx

log = logging.getLogger("registry.backup")

FORMAT = "registry-backup"
FORMAT_VERSION = 1
BATCH = 1000

_SCHEMA_DIR = Path(__file__).resolve().parent / "graph" / "schema" / "embedded"
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_TYPES = frozenset({"STRING", "INT64", "DOUBLE", "BOOLEAN", "STRING[]"})
_NODE = re.compile(
    r"^CREATE\s+NODE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s*\((.*)\)$", re.IGNORECASE | re.S
)
_REL = re.compile(
    r"^CREATE\s+REL\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s*\((.*)\)$", re.IGNORECASE | re.S
)
_BACKFILL = re.compile(r"^MATCH\s.*\sCREATE\s+\(\w+\)-\[:\w+\]->\(\w+\)$", re.IGNORECASE | re.S)
_PAIR = re.compile(r"^FROM\s+(\w+)\s+TO\s+(\w+)$", re.IGNORECASE)
_ALTER = re.compile(
    r"^ALTER\s+TABLE\s+(\w+)\s+ADD\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s+(STRING\[\]|\w+)"
    r"(?:\s+DEFAULT\s+.*)?$",
    re.IGNORECASE | re.S,
)
_PRIMARY = re.compile(r"^PRIMARY\s+KEY\s*\(\s*(\w+)\s*\)$", re.IGNORECASE)
_COLUMN = re.compile(r"^(\w+)\s+(STRING\[\]|\w+)$")

#: tables that ``registry init`` fills; they may be present in the graph an import goes into
INIT_TABLES = frozenset({"Meta", "Carrier", "District", "PostalPlace", "TargetGroup"})
INIT_RELS = frozenset({"RESPONSIBLE_FOR"})


# --------------------------------------------------------------------------- schema from DDL


@dataclass(frozen=True)
class NodeTable:
    label: str
    key: str
    columns: tuple[tuple[str, str], ...]  # (name, type) in DDL order

    @property
    def types(self) -> dict[str, str]:
        return dict(self.columns)


@dataclass(frozen=True)
class RelTable:
    """One (label, source table, target table) pair. A relationship table with several FROM/TO
    pairs gives one RelTable per pair, ``name``d ``<label>_<source>``; otherwise name = label."""

    label: str
    source: str
    target: str
    name: str = ""

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.label)


@dataclass(frozen=True)
class Schema:
    nodes: tuple[NodeTable, ...]  # sorted by label
    rels: tuple[RelTable, ...]  # sorted by label

    def node(self, label: str) -> NodeTable | None:
        return next((n for n in self.nodes if n.label == label), None)

    def rel(self, name: str) -> RelTable | None:
        return next((r for r in self.rels if r.name == name), None)


def _ident(name: str) -> str:
    if not _IDENT.match(name):
        raise ValueError(f"unexpected identifier in the DDL: {name!r}")
    return name


def _type(name: str) -> str:
    upper = name.upper()
    if upper not in _TYPES:
        raise ValueError(f"unexpected column type in the DDL: {name!r}")
    return upper


def _statements(text: str) -> list[str]:
    body = "\n".join(ln for ln in text.splitlines() if not ln.strip().startswith("//"))
    return [" ".join(s.split()) for s in body.split(";") if s.strip()]


def parse_schema(texts: Iterable[str]) -> Schema:
    """The node and relationship tables declared by DDL texts (applied in the given order)."""
    columns: dict[str, list[tuple[str, str]]] = {}
    keys: dict[str, str] = {}
    rels: dict[str, RelTable] = {}
    for text in texts:
        for statement in _statements(text):
            if m := _NODE.match(statement):
                label = _ident(m.group(1))
                cols: list[tuple[str, str]] = []
                for part in (p.strip() for p in m.group(2).split(",")):
                    if pk := _PRIMARY.match(part):
                        keys[label] = _ident(pk.group(1))
                    elif col := _COLUMN.match(part):
                        cols.append((_ident(col.group(1)), _type(col.group(2))))
                    else:
                        raise ValueError(f"cannot read column {part!r} of {label}")
                columns.setdefault(label, cols)
            elif m := _REL.match(statement):
                label = _ident(m.group(1))
                parts = [p.strip() for p in m.group(2).split(",")]
                pairs = [_PAIR.match(p) for p in parts]
                if not all(pairs):
                    raise ValueError(f"relationship properties are not backed up: {statement}")
                for pair in pairs:
                    assert pair is not None
                    source, target = _ident(pair.group(1)), _ident(pair.group(2))
                    name = label if len(pairs) == 1 else f"{label}_{source}"
                    rels.setdefault(name, RelTable(label, source, target, name))
            elif _BACKFILL.match(statement):
                continue  # a data migration that links existing nodes, not a table
            elif m := _ALTER.match(statement):
                label, name = _ident(m.group(1)), _ident(m.group(2))
                if label not in columns:
                    raise ValueError(f"ALTER of unknown table {label}")
                if name not in dict(columns[label]):
                    columns[label].append((name, _type(m.group(3))))
            else:
                raise ValueError(f"statement the backup does not understand: {statement[:80]}")
    nodes = []
    for label in sorted(columns):
        if label not in keys:
            raise ValueError(f"table {label} has no primary key")
        nodes.append(NodeTable(label, keys[label], tuple(columns[label])))
    for rel in rels.values():
        if rel.source not in columns or rel.target not in columns:
            raise ValueError(f"relationship {rel.label} joins unknown tables")
    return Schema(tuple(nodes), tuple(rels[k] for k in sorted(rels)))


def ddl_schema() -> Schema:
    """The schema of the committed embedded DDL (the source of truth for tables and columns)."""
    paths = sorted(_SCHEMA_DIR.glob("*.cypher"))
    return parse_schema(p.read_text(encoding="utf-8") for p in paths)


def _qname(label: str) -> str:
    return label.lower()


def render_queries(schema: Schema) -> str:
    """The text of ``registry/graph/queries/backup.cypher`` for a schema."""
    out = [
        "// GENERATED by `python -m registry.backup render` from registry/graph/schema/embedded/.",
        "// Do not edit: a test compares this file with the rendering of the current DDL.",
        "// Backup and restore of every table (registry/backup.py explains why this is safe).",
        "",
    ]
    for t in schema.nodes:
        q = _qname(t.label)
        cols = [c for c, _ in t.columns]
        fields = ", ".join(f"{c}: n.{c}" for c in cols)
        values = ", ".join(f"{c}: r.{c}" for c in cols)
        out += [
            f"// name: nodes_{q}",
            f"MATCH (n:{t.label})",
            f"RETURN {{{fields}}} AS props",
            "",
            f"// name: count_{q}",
            f"MATCH (n:{t.label})",
            "RETURN count(n) AS n",
            "",
            f"// name: wipe_{q}",
            f"MATCH (n:{t.label})",
            "DETACH DELETE n",
            "",
            f"// name: restore_{q}",
            "UNWIND $rows AS r",
            f"CREATE (n:{t.label} {{{values}}})",
            "",
        ]
    for r in schema.rels:
        q = _qname(r.name)
        source, target = schema.node(r.source), schema.node(r.target)
        assert source is not None and target is not None
        out += [
            f"// name: rels_{q}",
            f"MATCH (a:{r.source})-[:{r.label}]->(b:{r.target})",
            f"RETURN a.{source.key} AS source, b.{target.key} AS target",
            "",
            f"// name: count_rels_{q}",
            f"MATCH (a:{r.source})-[e:{r.label}]->(b:{r.target})",
            "RETURN count(e) AS n",
            "",
            f"// name: restore_rels_{q}",
            "UNWIND $rows AS r",
            f"MATCH (a:{r.source} {{{source.key}: r.source}})",
            f"MATCH (b:{r.target} {{{target.key}: r.target}})",
            f"CREATE (a)-[:{r.label}]->(b)",
            "",
        ]
    return "\n".join(out)


# --------------------------------------------------------------------------- values


def _coerce(value: Any, kind: str) -> Any:
    """A value in its column's type (both engines give back the same Python value)."""
    if value is None:
        return None
    if kind == "STRING":
        return value if isinstance(value, str) else str(value)
    if kind == "INT64":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"expected an integer, got {value!r}")
        if isinstance(value, float) and not value.is_integer():
            raise TypeError(f"expected an integer, got {value!r}")
        return int(value)
    if kind == "DOUBLE":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypeError(f"expected a number, got {value!r}")
        return float(value)
    if kind == "BOOLEAN":
        if not isinstance(value, bool):
            raise TypeError(f"expected true or false, got {value!r}")
        return value
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"expected a list of strings, got {value!r}")
    return list(value)


def _normalise(table: NodeTable, props: dict[str, Any]) -> dict[str, Any]:
    return {name: _coerce(props.get(name), kind) for name, kind in table.columns}


def _line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# --------------------------------------------------------------------------- export


@dataclass(frozen=True)
class Snapshot:
    nodes: dict[str, list[dict[str, Any]]]  # label -> normalised props, sorted by key
    rels: dict[str, list[tuple[str, str]]]  # label -> (source key, target key), sorted


def read_snapshot(reg: Registry, schema: Schema | None = None) -> Snapshot:
    """Every node and relationship, read in one unit of work (see module docstring)."""
    schema = schema or ddl_schema()

    def work(tx: Tx) -> Snapshot:
        nodes: dict[str, list[dict[str, Any]]] = {}
        for t in schema.nodes:
            rows = [_normalise(t, r["props"]) for r in tx.run(f"backup.nodes_{_qname(t.label)}")]
            rows.sort(key=lambda p: str(p[t.key]))
            nodes[t.label] = rows
        rels: dict[str, list[tuple[str, str]]] = {}
        for r in schema.rels:
            pairs = [
                (str(x["source"]), str(x["target"]))
                for x in tx.run(f"backup.rels_{_qname(r.name)}")
            ]
            rels[r.name] = sorted(pairs)
        return Snapshot(nodes, rels)

    return reg.graph.write(work)


def snapshot_lines(snapshot: Snapshot) -> Iterator[str]:
    """The lines of the backup file (without line ends), in their fixed order."""
    yield _line({"type": "header", "format": FORMAT, "version": FORMAT_VERSION})
    for label in sorted(snapshot.nodes):
        for props in snapshot.nodes[label]:
            yield _line({"type": "node", "label": label, "props": props})
    for label in sorted(snapshot.rels):
        for source, target in snapshot.rels[label]:
            yield _line({"type": "rel", "label": label, "from": source, "to": target})


def export_graph(reg: Registry, path: Path) -> dict[str, Any]:
    """Write a full backup to ``path`` (0600, replaced atomically); returns counts and seconds."""
    started = time.perf_counter()
    snapshot = read_snapshot(reg)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
        for line in snapshot_lines(snapshot):
            fh.write(line)
            fh.write("\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    result = {
        "nodes": sum(len(v) for v in snapshot.nodes.values()),
        "rels": sum(len(v) for v in snapshot.rels.values()),
        "seconds": round(time.perf_counter() - started, 3),
    }
    log.info("backup exported", extra={"fields": {"event": "backup.export", **result}})
    return result


# --------------------------------------------------------------------------- import


def _problem(line_no: int, message: str) -> Problem:
    return Problem(field=f"Zeile {line_no}", message=message)


def parse_backup(lines: Iterable[str], schema: Schema) -> Snapshot:
    """Read and validate a backup; raises InvalidInput naming the first bad lines."""
    nodes: dict[str, list[dict[str, Any]]] = {t.label: [] for t in schema.nodes}
    rels: dict[str, list[tuple[str, str]]] = {r.name: [] for r in schema.rels}
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
            if obj.get("version") != FORMAT_VERSION:
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
                values = _normalise(table, props)
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
            rels[rel.name].append((source, target))
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
        for source, target in rels[r.name]:
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
    found = []
    for t in schema.nodes:
        if t.label in INIT_TABLES:
            continue
        n = int(reg.graph.read(f"backup.count_{_qname(t.label)}")[0]["n"])
        if n:
            found.append(f"{n} {t.label}")
    for r in schema.rels:
        if r.name in INIT_RELS:
            continue
        n = int(reg.graph.read(f"backup.count_rels_{_qname(r.name)}")[0]["n"])
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


def import_graph(reg: Registry, path: Path, *, force: bool = False) -> dict[str, Any]:
    """Restore a backup into an empty graph (or, with ``force``, replace the graph's content)."""
    started = time.perf_counter()
    schema = ddl_schema()
    if not path.is_file():
        raise InvalidInput.one("file", f"Datei {path} nicht gefunden")
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

    def work(tx: Tx) -> None:
        for t in schema.nodes:  # DETACH DELETE also removes the relationships
            tx.run(f"backup.wipe_{_qname(t.label)}")
        for t in schema.nodes:
            for batch in _batches(snapshot.nodes[t.label]):
                tx.run(f"backup.restore_{_qname(t.label)}", rows=batch)
        for r in schema.rels:
            rows = [{"source": s, "target": d} for s, d in snapshot.rels[r.name]]
            for batch in _batches(rows):
                tx.run(f"backup.restore_rels_{_qname(r.name)}", rows=batch)

    reg.graph.write(work)
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
        "graph_seconds": round(graph_seconds, 3),
        "seconds": round(time.perf_counter() - started, 3),
    }
    log.info("backup imported", extra={"fields": {"event": "backup.import", **result}})
    return result


def main(argv: list[str] | None = None) -> int:
    """``python -m registry.backup render``: print backup.cypher for the current DDL."""
    args = sys.argv[1:] if argv is None else argv
    if args != ["render"]:
        print("usage: python -m registry.backup render", file=sys.stderr)
        return 2
    sys.stdout.write(render_queries(ddl_schema()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
