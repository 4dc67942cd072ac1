"""docs/rules.md is the project's own rulebook (issue 15, item 11): it lists every rule code the
code and the tests use, each with its source passage, and nothing points outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "docs" / "rules.md"
NAMED = re.compile(r"\b(?:rule|rules|Regel|Regeln|Rule)\s+([AQEN]\d{1,2})\b")
#: in the code also a quoted code (``Problem(..., "Q0")``); tests quote unknown codes on purpose
QUOTED = re.compile(r"\"([AQEN]\d{1,2})\"")


def _used_codes() -> set[str]:
    used: set[str] = set()
    for folder in ("registry", "portal", "seed", "tests"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in {".py", ".html", ".cypher", ".md"} or not path.is_file():
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            used |= set(NAMED.findall(text))
            if folder != "tests":
                used |= set(QUOTED.findall(text))
    return used


def _rows() -> dict[str, str]:
    rows = {}
    for line in RULES.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"^\| \*\*([AQEN]\d{1,2})\*\* \| ([^|]+) \| (.+) \|$", line):
            rows[m.group(1)] = m.group(2)
    return rows


def test_every_rule_code_in_use_is_in_the_rulebook_with_its_source() -> None:
    # rule Q0, rule Q3, rule Q8 (and every other code): listed with a source passage
    rows = _rows()
    expected = (
        {f"A{i}" for i in range(1, 17)}
        | {f"Q{i}" for i in range(9)}
        | {f"E{i}" for i in range(1, 9)}
        | {f"N{i}" for i in range(1, 8)}
    )
    assert set(rows) == expected
    assert _used_codes() <= set(rows)
    sourced = re.compile(r"\b(RK|FK|CU|KiT) §?\d|design decision|A8|module 5")
    assert all(sourced.search(source) for source in rows.values()), rows


def test_nothing_points_outside_the_repository_for_the_rules() -> None:
    for folder in ("README.md", "docs", "registry", "portal", "seed"):
        base = ROOT / folder
        paths = [base] if base.is_file() else [p for p in base.rglob("*") if p.is_file()]
        for path in paths:
            if path.suffix not in {".py", ".html", ".cypher", ".md", ".json", ".csv", ""}:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            assert "../shared" not in text, path
            assert "shared/DOMAIN" not in text, path
    assert "docs/rules.md" in (ROOT / "README.md").read_text(encoding="utf-8")
