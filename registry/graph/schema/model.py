"""The graph model as the committed embedded DDL declares it: node tables with their columns and
keys, relationship tables with the pairs of node tables they join and their properties.

The embedded engine's schema is strict, so its DDL (``embedded/NNN_*.cypher``) is the one
declaration of the model, and this module is its one reader. :class:`Replay` applies the
statements of the migrations in order, as the engine would: ``CREATE NODE TABLE``,
``CREATE REL TABLE [GROUP]``, ``ALTER TABLE … ADD/DROP/RENAME`` (columns, ``FROM … TO`` pairs,
the table), ``DROP TABLE``. A statement the engine would reject on the model so far (a table
twice, an unknown table or column, a node table without primary key or still joined by a
relationship) is refused. Data statements (``MATCH …``, ``CREATE (…)``, ``UNWIND …``) and data
steps change no table and are skipped; any other statement is refused. Every identifier is
checked against ``[A-Za-z_][A-Za-z0-9_]*`` and every type against the five types we use, since
the backup renders query text from these names and converts values by these types.

Users: the backup renders ``queries/backup.cypher`` from :func:`ddl_schema`; the Cypher lint
builds Neo4j's ``dbSchema`` from it and checks each Neo4j migration against the model *during*
that migration (``ddl_schema(version, during=True)``: what the migration drops later is still
there for its backfill statements); a structural test checks it for id properties.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from registry.graph.schema import STEP_PREFIX, migrations, parse_migration

TYPES = frozenset({"STRING", "INT64", "DOUBLE", "BOOLEAN", "STRING[]"})
_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_NAME = r"(`[^`]*`|\w+)"  # as written; _ident() admits plain names only
_CREATE_TABLE = re.compile(
    rf"^CREATE\s+(NODE|REL)\s+TABLE\s+(GROUP\s+)?(IF\s+NOT\s+EXISTS\s+)?{_NAME}\s*\(", re.I
)
_ALTER_TABLE = re.compile(rf"^ALTER\s+TABLE\s+{_NAME}\s+(.*)$", re.I | re.S)
_DROP_TABLE = re.compile(rf"^DROP\s+TABLE\s+(IF\s+EXISTS\s+)?{_NAME}$", re.I)
_DDL = re.compile(r"^(CREATE\s+(NODE|REL)\b|ALTER\s+TABLE\b|DROP\s+TABLE\b)", re.I)
_DATA = re.compile(r"^((OPTIONAL\s+)?MATCH|UNWIND|MERGE|WITH|FOREACH)\b|^CREATE\s*\(", re.I)
_FROM_TO = re.compile(rf"^FROM\s+{_NAME}\s+TO\s+{_NAME}$", re.I)
_PRIMARY_KEY = re.compile(rf"^PRIMARY\s+KEY\s*\(\s*{_NAME}\s*\)$", re.I)
_MULTIPLICITY = re.compile(r"^(ONE|MANY)_(ONE|MANY)$", re.I)
_COLUMN = re.compile(rf"^{_NAME}\s+(.+)$", re.S)
_COLUMN_TAIL = re.compile(r"\s+(DEFAULT|PRIMARY\s+KEY)\b", re.I)
_INLINE_KEY = re.compile(r"^\s+PRIMARY\s+KEY\b", re.I)
_ADD_PAIR = re.compile(rf"^ADD\s+(IF\s+NOT\s+EXISTS\s+)?FROM\s+{_NAME}\s+TO\s+{_NAME}$", re.I)
_DROP_PAIR = re.compile(rf"^DROP\s+(IF\s+EXISTS\s+)?FROM\s+{_NAME}\s+TO\s+{_NAME}$", re.I)
_ADD_COLUMN = re.compile(r"^ADD\s+(IF\s+NOT\s+EXISTS\s+)?(.+)$", re.I | re.S)
_DROP_COLUMN = re.compile(rf"^DROP\s+(IF\s+EXISTS\s+)?{_NAME}$", re.I)
_RENAME_TABLE = re.compile(rf"^RENAME\s+TO\s+{_NAME}$", re.I)
_RENAME_COLUMN = re.compile(rf"^RENAME\s+{_NAME}\s+TO\s+{_NAME}$", re.I)
_COMMENT = re.compile(r"^COMMENT\s+IS\s+", re.I)
_DROPS = re.compile(r"^(DROP|RENAME)\b", re.I)


class SchemaError(ValueError):
    """A DDL statement that cannot be read, or that the engine would reject on the model so far."""


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

    ``name`` is the label when the table joins one pair; in a table of several pairs (a group)
    it is ``<label>_<source>`` when each source appears once, else ``<label>_<source>_<target>``.
    """

    label: str
    source: str
    target: str
    name: str = ""
    columns: tuple[tuple[str, str], ...] = ()  # relationship properties, the same for each pair

    def __post_init__(self) -> None:
        if not self.name:
            object.__setattr__(self, "name", self.label)

    @property
    def types(self) -> dict[str, str]:
        return dict(self.columns)


@dataclass(frozen=True)
class Schema:
    nodes: tuple[NodeTable, ...]  # sorted by label
    rels: tuple[RelTable, ...]  # one per pair, sorted by name

    def node(self, label: str) -> NodeTable | None:
        return next((n for n in self.nodes if n.label == label), None)

    def rel(self, name: str) -> RelTable | None:
        return next((r for r in self.rels if r.name == name), None)

    @property
    def labels(self) -> list[str]:
        return [n.label for n in self.nodes]

    @property
    def rel_labels(self) -> dict[str, tuple[RelTable, ...]]:
        """Relationship type → its pairs (sorted by type, then by name)."""
        out: dict[str, list[RelTable]] = {}
        for r in self.rels:
            out.setdefault(r.label, []).append(r)
        return {k: tuple(v) for k, v in sorted(out.items())}

    @property
    def property_keys(self) -> list[str]:
        """Every column of a node or relationship table, sorted."""
        tables: Iterable[NodeTable | RelTable] = (*self.nodes, *self.rels)
        return sorted({name for t in tables for name, _ in t.columns})


def _ident(name: str) -> str:
    if not _PLAIN.match(name):
        raise SchemaError(f"unexpected identifier in the DDL: {name!r}")
    return name


def _type(name: str, statement: str) -> str:
    upper = "".join(name.split()).upper()
    if upper not in TYPES:
        raise SchemaError(f"unexpected column type {name!r} in: {statement[:80]}")
    return upper


def _split_top_level(body: str) -> list[str]:
    """Split at commas outside parentheses, brackets and quotes."""
    parts: list[str] = []
    depth = 0
    quote = ""
    start = 0
    for i, ch in enumerate(body):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(body[start:i].strip())
            start = i + 1
    parts.append(body[start:].strip())
    return [p for p in parts if p]


def _body(statement: str, open_paren: int) -> str:
    """The text inside the parenthesis opened at ``open_paren``, which must end the statement."""
    depth = 0
    quote = ""
    for i in range(open_paren, len(statement)):
        ch = statement[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"`":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                if statement[i + 1 :].strip():
                    raise SchemaError(f"text after the table definition: {statement[:80]}")
                return statement[open_paren + 1 : i]
    raise SchemaError(f"unbalanced parentheses: {statement[:80]}")


def _column(item: str, statement: str) -> tuple[str, str, bool]:
    """(name, type, inline primary key) of a column definition ``name TYPE [DEFAULT …]``."""
    match = _COLUMN.match(item.strip())
    if not match:
        raise SchemaError(f"cannot read column {item!r} in: {statement[:80]}")
    spec = match.group(2)
    tail = _COLUMN_TAIL.search(spec)
    column_type = spec[: tail.start()] if tail else spec
    if len(_split_top_level(column_type)) != 1:
        raise SchemaError(f"cannot read the type of column {item!r} in: {statement[:80]}")
    primary = bool(tail and _INLINE_KEY.match(spec[tail.start() :]))
    return _ident(match.group(1)), _type(column_type, statement), primary


@dataclass
class _Table:
    rel: bool
    columns: dict[str, str] = field(default_factory=dict)
    key: str = ""  # node tables
    pairs: list[tuple[str, str]] = field(default_factory=list)  # relationship tables


class Replay:
    """The engine's catalogue, replayed: apply DDL statements in order, then read :meth:`schema`."""

    def __init__(self) -> None:
        self._tables: dict[str, _Table] = {}

    def apply(self, statement: str, *, keep_dropped: bool = False) -> None:
        """Apply one statement of a migration; data statements and steps change nothing.

        With ``keep_dropped`` nothing is dropped or renamed and a table created again keeps what
        it had: the model *during* a migration, whose data statements still read what it drops.
        """
        text = " ".join(statement.split())
        if match := _CREATE_TABLE.match(text):
            self._create(match, text, union=keep_dropped)
        elif match := _ALTER_TABLE.match(text):
            action = match.group(2).strip()
            if not (keep_dropped and _DROPS.match(action)):
                self._alter(_ident(match.group(1)), action, text)
        elif match := _DROP_TABLE.match(text):
            if not keep_dropped:
                self._drop(_ident(match.group(2)), bool(match.group(1)), text)
        elif _DDL.match(text):
            raise SchemaError(f"cannot read DDL statement: {text[:80]}")
        elif not (text.startswith(STEP_PREFIX) or _DATA.match(text)):
            raise SchemaError(f"statement the schema reader does not understand: {text[:80]}")

    def schema(self) -> Schema:
        nodes = [
            NodeTable(label, t.key, tuple(t.columns.items()))
            for label, t in sorted(self._tables.items())
            if not t.rel
        ]
        rels: list[RelTable] = []
        for label, t in self._tables.items():
            if not t.rel:
                continue
            sources = [source for source, _ in t.pairs]
            for source, target in t.pairs:
                if len(t.pairs) == 1:
                    name = label
                elif sources.count(source) == 1:
                    name = f"{label}_{source}"
                else:
                    name = f"{label}_{source}_{target}"
                rels.append(RelTable(label, source, target, name, tuple(t.columns.items())))
        names = [r.name for r in rels]
        if clash := {n for n in names if names.count(n) > 1}:
            raise SchemaError(f"relationship tables named alike: {', '.join(sorted(clash))}")
        return Schema(tuple(nodes), tuple(sorted(rels, key=lambda r: r.name)))

    def _node_table(self, name: str, statement: str) -> None:
        table = self._tables.get(name)
        if table is None or table.rel:
            raise SchemaError(f"unknown node table {name} in: {statement[:80]}")

    def _create(self, match: re.Match[str], statement: str, *, union: bool) -> None:
        rel = match.group(1).upper() == "REL"
        name = _ident(match.group(4))
        old = self._tables.get(name)
        if old is not None and not union:
            if match.group(3):
                return
            raise SchemaError(f"table {name} exists already: {statement[:80]}")
        if match.group(2) and not rel:
            raise SchemaError(f"a node table is no group: {statement[:80]}")
        table = _Table(rel)
        for item in _split_top_level(_body(statement, match.end() - 1)):
            if rel and _MULTIPLICITY.match(item):
                continue
            if rel and (pair := _FROM_TO.match(item)):
                if table.columns:
                    raise SchemaError(f"FROM … TO after a property: {statement[:80]}")
                source, target = _ident(pair.group(1)), _ident(pair.group(2))
                self._node_table(source, statement)
                self._node_table(target, statement)
                table.pairs.append((source, target))
            elif not rel and (key := _PRIMARY_KEY.match(item)):
                table.key = _ident(key.group(1))
            else:
                column, column_type, primary = _column(item, statement)
                if column in table.columns:
                    raise SchemaError(f"column {column} twice in table {name}")
                table.columns[column] = column_type
                if primary and rel:
                    raise SchemaError(f"a relationship table has no primary key: {statement[:80]}")
                table.key = column if primary else table.key
        if rel and not table.pairs:
            raise SchemaError(f"relationship table {name} joins no tables: {statement[:80]}")
        if not rel and table.key not in table.columns:
            raise SchemaError(f"table {name} has no primary key among its columns")
        if old is not None:  # union: the table as it was and as it is created again
            if old.rel != rel:
                raise SchemaError(f"table {name} created again as another kind of table")
            table.columns = {**old.columns, **table.columns}
            table.pairs = old.pairs + [p for p in table.pairs if p not in old.pairs]
            table.key = old.key or table.key
        self._tables[name] = table

    def _alter(self, name: str, action: str, statement: str) -> None:
        table = self._tables.get(name)
        if table is None:
            raise SchemaError(f"ALTER TABLE on unknown table {name}: {statement[:80]}")
        columns = table.columns
        if match := _ADD_PAIR.match(action) or _DROP_PAIR.match(action):
            if not table.rel:
                raise SchemaError(f"FROM … TO on node table {name}: {statement[:80]}")
            pair = (_ident(match.group(2)), _ident(match.group(3)))
            if action.upper().startswith("ADD"):
                self._node_table(pair[0], statement)
                self._node_table(pair[1], statement)
                if pair not in table.pairs:
                    table.pairs.append(pair)
                elif not match.group(1):
                    raise SchemaError(f"{name} joins {pair[0]} to {pair[1]} already")
            elif pair in table.pairs:
                table.pairs.remove(pair)
            elif not match.group(1):
                raise SchemaError(f"{name} does not join {pair[0]} to {pair[1]}")
        elif match := _DROP_COLUMN.match(action):
            column = _ident(match.group(2))
            if column == table.key:
                raise SchemaError(f"{column} is the primary key of {name}: {statement[:80]}")
            if column in columns:
                del columns[column]
            elif not match.group(1):
                raise SchemaError(f"{name} has no property {column} to drop")
        elif match := _ADD_COLUMN.match(action):
            column, column_type, primary = _column(match.group(2), statement)
            if primary:
                raise SchemaError(f"a primary key cannot be added: {statement[:80]}")
            if column not in columns:
                columns[column] = column_type
            elif not match.group(1):
                raise SchemaError(f"{name} has property {column} already")
        elif match := _RENAME_TABLE.match(action):
            new = _ident(match.group(1))
            if new in self._tables:
                raise SchemaError(f"table {new} exists already: {statement[:80]}")
            self._tables[new] = self._tables.pop(name)
            for other in self._tables.values():
                other.pairs = [
                    (new if a == name else a, new if b == name else b) for a, b in other.pairs
                ]
        elif match := _RENAME_COLUMN.match(action):
            old, new = _ident(match.group(1)), _ident(match.group(2))
            if old not in columns or new in columns:
                raise SchemaError(f"cannot rename property {old} of {name} to {new}")
            table.columns = {new if k == old else k: v for k, v in columns.items()}
            table.key = new if table.key == old else table.key
        elif not _COMMENT.match(action):
            raise SchemaError(f"cannot read ALTER TABLE statement: {statement[:80]}")

    def _drop(self, name: str, if_exists: bool, statement: str) -> None:
        table = self._tables.get(name)
        if table is None:
            if if_exists:
                return
            raise SchemaError(f"DROP TABLE of unknown table {name}: {statement[:80]}")
        if not table.rel:
            users = sorted(
                label for label, t in self._tables.items() if any(name in p for p in t.pairs)
            )
            if users:
                raise SchemaError(f"node table {name} is still joined by {', '.join(users)}")
        del self._tables[name]


def parse_schema(texts: Iterable[str]) -> Schema:
    """The model declared by DDL texts (migration files or single statements), applied in order."""
    replay = Replay()
    for text in texts:
        for statement in parse_migration(text):
            replay.apply(statement)
    return replay.schema()


def ddl_schema(until: int | None = None, *, during: bool = False) -> Schema:
    """The model after the committed embedded migrations (up to migration ``until``).

    With ``during``, the model while migration ``until`` runs: all before it, plus what it
    creates and adds, nothing it drops or renames (its data statements still read that).
    """
    if during and until is None:
        raise ValueError("during needs the version of the migration")
    replay = Replay()
    for migration in migrations("embedded"):
        if until is not None and migration.version > until:
            break
        for statement in migration.statements:
            replay.apply(statement, keep_dropped=during and migration.version == until)
    return replay.schema()
