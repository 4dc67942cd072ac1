"""Named Cypher queries, loaded once from the ``*.cypher`` files of this folder.

A file holds several queries, each introduced by a line ``// name: <name>``; the full name is
``<file stem>.<name>``. The texts are constants of the code base: user input only ever reaches
them as parameters.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import LiteralString, cast

_HEADER = re.compile(r"^//\s*name:\s*([a-z0-9_]+)\s*$", re.MULTILINE)
_FOLDER = Path(__file__).resolve().parent


def parse_named_blocks(text: str) -> dict[str, str]:
    """Split a ``.cypher`` text into ``{name: statement}`` by its ``// name:`` headers."""
    blocks: dict[str, str] = {}
    matches = list(_HEADER.finditer(text))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        body = text[match.end() : end].strip()
        lines = [ln for ln in body.splitlines() if not ln.strip().startswith("//")]
        statement = "\n".join(lines).strip().rstrip(";")
        if match.group(1) in blocks:
            raise ValueError(f"duplicate query name {match.group(1)}")
        blocks[match.group(1)] = statement
    return blocks


@lru_cache(maxsize=1)
def all_queries() -> dict[str, LiteralString]:
    queries: dict[str, LiteralString] = {}
    for path in sorted(_FOLDER.glob("*.cypher")):
        for name, statement in parse_named_blocks(path.read_text(encoding="utf-8")).items():
            queries[f"{path.stem}.{name}"] = cast(LiteralString, statement)
    return queries


def query(name: str) -> LiteralString:
    try:
        return all_queries()[name]
    except KeyError:
        raise KeyError(f"unknown query {name!r}") from None
