"""The graph model as the committed embedded DDL declares it: node tables with their columns and
keys, relationship tables with their endpoints and properties.

The embedded engine's schema is strict, so its DDL (``embedded/NNN_*.cypher``, applied in order:
CREATE NODE/REL TABLE, ALTER TABLE … ADD/DROP, DROP TABLE) is the one declaration of the model.
The backup renders its queries from it, the Cypher lint builds Neo4j's ``dbSchema`` from it and a
structural test checks it for id properties. Data statements of a migration (MATCH …, steps) are
skipped. Every identifier is checked against ``[A-Za-z_][A-Za-z0-9_]*`` and every type against the
five types we use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent / "embedded"
_FILE = re.compile(r"^(\d{3})_([a-z0-9_]+)\.cypher$")
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TYPES = frozenset({"STRING", "INT64", "DOUBLE", "BOOLEAN", "STRING[]"})
_NODE = re.compile(
    r"^CREATE\s+NODE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s*\((.*)\)$", re.IGNORECASE | re.S
)
_REL = re.compile(
    r"^CREATE\s+REL\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s*\((.*)\)$", re.IGNORECASE | re.S
)
_DATA = re.compile(r"^MATCH\s.*\s(CREATE|MERGE|SET)\s.*$", re.IGNORECASE | re.S)
_PAIR = re.compile(r"^FROM\s+(\w+)\s+TO\s+(\w+)$", re.IGNORECASE)
_ADD = re.compile(
    r"^ALTER\s+TABLE\s+(\w+)\s+ADD\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s+(STRING\[\]|\w+)"
    r"(?:\s+DEFAULT\s+.*)?$",
    re.IGNORECASE | re.S,
)
_DROP_COLUMN = re.compile(
    r"^ALTER\s+TABLE\s+(\w+)\s+DROP\s+(?:IF\s+EXISTS\s+)?(\w+)$", re.IGNORECASE | re.S
)
_DROP_TABLE = re.compile(r"^DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(\w+)$", re.IGNORECASE | re.S)
_PRIMARY = re.compile(r"^PRIMARY\s+KEY\s*\(\s*(\w+)\s*\)$", re.IGNORECASE)
_COLUMN = re.compile(r"^(\w+)\s+(STRING\[\]|\w+)$")


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
    """One (label, source table, target table) pair of a relationship table.

    ``name`` is the label when the table joins one pair; in a table of several pairs it is
    ``<label>_<source>`` when each source appears once, else ``<label>_<source>_<target>``.
    """

    label: str
    source: str
    target: str
    name: str = ""
    columns: tuple[tuple[str, str], ...] = ()  # relationship properties

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.label)

    @property
    def types(self) -> dict[str, str]:
        return dict(self.columns)


@dataclass(frozen=True)
class Schema:
    nodes: tuple[NodeTable, ...]  # sorted by label
    rels: tuple[RelTable, ...]  # sorted by name

    def node(self, label: str) -> NodeTable | None:
        return next((n for n in self.nodes if n.label == label), None)

    def rel(self, name: str) -> RelTable | None:
        return next((r for r in self.rels if r.name == name), None)

    @property
    def rel_labels(self) -> dict[str, tuple[RelTable, ...]]:
        out: dict[str, list[RelTable]] = {}
        for r in self.rels:
            out.setdefault(r.label, []).append(r)
        return {k: tuple(v) for k, v in sorted(out.items())}


def _ident(name: str) -> str:
    if not _IDENT.match(name):
        raise ValueError(f"unexpected identifier in the DDL: {name!r}")
    return name


def _type(name: str) -> str:
    upper = name.upper()
    if upper not in TYPES:
        raise ValueError(f"unexpected column type in the DDL: {name!r}")
    return upper


def _statements(text: str) -> list[str]:
    body = "\n".join(ln for ln in text.splitlines() if not ln.strip().startswith("//"))
    return [" ".join(s.split()) for s in body.split(";") if s.strip()]


def _rel_tables(statement: str, label: str, body: str) -> list[RelTable]:
    pairs: list[tuple[str, str]] = []
    columns: list[tuple[str, str]] = []
    for part in (p.strip() for p in body.split(",")):
        if pair := _PAIR.match(part):
            if columns:
                raise ValueError(f"FROM/TO after a property: {statement}")
            pairs.append((_ident(pair.group(1)), _ident(pair.group(2))))
        elif col := _COLUMN.match(part):
            columns.append((_ident(col.group(1)), _type(col.group(2))))
        else:
            raise ValueError(f"cannot read {part!r} of relationship {label}")
    if not pairs:
        raise ValueError(f"relationship {label} joins nothing")
    sources = [s for s, _ in pairs]
    out = []
    for source, target in pairs:
        if len(pairs) == 1:
            name = label
        elif sources.count(source) == 1:
            name = f"{label}_{source}"
        else:
            name = f"{label}_{source}_{target}"
        out.append(RelTable(label, source, target, name, tuple(columns)))
    return out


def parse_schema(texts: Iterable[str]) -> Schema:
    """The node and relationship tables declared by DDL texts (applied in the given order)."""
    columns: dict[str, list[tuple[str, str]]] = {}
    keys: dict[str, str] = {}
    rels: dict[str, list[RelTable]] = {}  # by label
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
                rels.setdefault(label, _rel_tables(statement, label, m.group(2)))
            elif m := _DROP_TABLE.match(statement):
                label = _ident(m.group(1))
                columns.pop(label, None)
                keys.pop(label, None)
                rels.pop(label, None)
            elif m := _ADD.match(statement):
                label, name = _ident(m.group(1)), _ident(m.group(2))
                if label not in columns:
                    raise ValueError(f"ALTER of unknown table {label}")
                if name not in dict(columns[label]):
                    columns[label].append((name, _type(m.group(3))))
            elif m := _DROP_COLUMN.match(statement):
                label, name = _ident(m.group(1)), _ident(m.group(2))
                if label not in columns:
                    raise ValueError(f"ALTER of unknown table {label}")
                columns[label] = [c for c in columns[label] if c[0] != name]
            elif _DATA.match(statement):
                continue  # a data migration (backfill), not a table
            else:
                raise ValueError(
                    f"statement the schema reader does not understand: {statement[:80]}"
                )
    nodes = []
    for label in sorted(columns):
        if label not in keys:
            raise ValueError(f"table {label} has no primary key")
        nodes.append(NodeTable(label, keys[label], tuple(columns[label])))
    flat = [r for group in rels.values() for r in group]
    for rel in flat:
        if rel.source not in columns or rel.target not in columns:
            raise ValueError(f"relationship {rel.label} joins unknown tables")
    return Schema(tuple(nodes), tuple(sorted(flat, key=lambda r: r.name)))


def ddl_schema(until: int | None = None) -> Schema:
    """The model declared by the committed embedded DDL (up to migration ``until``)."""
    paths = []
    for path in sorted(SCHEMA_DIR.glob("*.cypher")):
        match = _FILE.match(path.name)
        if match and (until is None or int(match.group(1)) <= until):
            paths.append(path)
    return parse_schema(p.read_text(encoding="utf-8") for p in paths)
