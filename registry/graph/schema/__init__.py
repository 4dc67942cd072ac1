"""Versioned schema migrations, one folder per engine.

``<engine>/NNN_<name>.cypher`` holds statements separated by lines that end in ``;``. Every
statement is idempotent (``IF NOT EXISTS``), and the applied version is kept in the graph
(``Meta {key: 'schema_version'}``), so ``registry init`` creates or upgrades and a second run
changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_FOLDER = Path(__file__).resolve().parent
_FILE = re.compile(r"^(\d{3})_([a-z0-9_]+)\.cypher$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


def migrations(engine: str) -> list[Migration]:
    found: list[Migration] = []
    for path in sorted((_FOLDER / engine).glob("*.cypher")):
        match = _FILE.match(path.name)
        if not match:
            continue
        text = "\n".join(
            ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("//")
        )
        statements = tuple(s.strip() for s in text.split(";") if s.strip())
        found.append(Migration(int(match.group(1)), match.group(2), statements))
    return found


def latest_version(engine: str) -> int:
    return max((m.version for m in migrations(engine)), default=0)
