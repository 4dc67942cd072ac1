"""Unmet need (docs/rules.md §8, rule N7), as pure computation: what a recorded unmet need may
contain (no free text, nothing about a person) and the counts per district and target group.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping

from registry.errors import Problem
from registry.network.model import TARGET_GROUP_CODES, UnmetNeed


def count_unmet_needs(records: Iterable[UnmetNeed]) -> dict[tuple[str, str], int]:
    """Rule N7: counts per (district key, target group)."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for record in records:
        for group in set(record.target_groups):
            counts[(record.district_key, group)] += 1
    return dict(counts)


# --- unmet need (N7) -----------------------------------------------------------------------------

UNMET_NEED_FIELDS: frozenset[str] = frozenset(
    {"postal_code", "target_groups", "language", "outreach", "barrier_free"}
)


def is_language_code(value: object) -> bool:
    """Rule N7: a language as the search takes it - an ISO 639 code of two or three lowercase
    letters ("tr", "dgs"); never free text."""
    return (
        isinstance(value, str)
        and 2 <= len(value) <= 3
        and value.isascii()
        and value.isalpha()
        and value.islower()
    )


def count_unmet_need_needs(
    records: Iterable[UnmetNeed],
) -> dict[tuple[str, str], dict[tuple[str, bool, bool], int]]:
    """Rule N7: per (district key, target group), how many records asked for each combination of
    the case's non-personal needs (language, outreach, barrier-free): "Turkish-speaking addiction
    counselling is missing in Bonn"."""
    counts: dict[tuple[str, str], dict[tuple[str, bool, bool], int]] = defaultdict(dict)
    for record in records:
        needs = (record.language, record.outreach, record.barrier_free)
        for group in set(record.target_groups):
            cell = counts[(record.district_key, group)]
            cell[needs] = cell.get(needs, 0) + 1
    return dict(counts)


def validate_unmet_need(
    payload: object, *, known_target_groups: Collection[str] = TARGET_GROUP_CODES
) -> list[Problem]:
    """Rule N7: a recorded unmet need is ``{"postal_code", "target_groups"}`` and, optionally,
    the case's non-personal needs ``language`` (a language code), ``outreach`` and
    ``barrier_free`` (booleans). Any other field is refused by name ("Feld nicht erlaubt"): no
    free text, nothing about a person. The postal code has five digits; target groups are a
    non-empty list of known codes."""
    rule = "N7"
    if not isinstance(payload, Mapping):
        return [Problem("body", "Erwartet wird ein Objekt mit postal_code und target_groups", rule)]
    problems: list[Problem] = []
    for key in sorted(str(k) for k in payload if k not in UNMET_NEED_FIELDS):
        problems.append(Problem(key, "Feld nicht erlaubt", rule))

    postal_code = payload.get("postal_code")
    if postal_code is None:
        problems.append(Problem("postal_code", "Postleitzahl fehlt", rule))
    elif not (
        isinstance(postal_code, str)
        and len(postal_code.strip()) == 5
        and postal_code.strip().isascii()
        and postal_code.strip().isdigit()
    ):
        problems.append(Problem("postal_code", "Postleitzahl muss fünfstellig sein", rule))

    groups = payload.get("target_groups")
    if groups is None or (isinstance(groups, list | tuple) and not groups):
        problems.append(Problem("target_groups", "Mindestens eine Zielgruppe ist anzugeben", rule))
    elif not isinstance(groups, list | tuple):
        problems.append(Problem("target_groups", "Zielgruppen müssen eine Liste sein", rule))
    else:
        for i, code in enumerate(groups):
            if not isinstance(code, str) or code not in known_target_groups:
                problems.append(
                    Problem(f"target_groups[{i}]", f"Unbekannte Zielgruppe: {code}", rule)
                )
    language = payload.get("language")
    if language not in (None, "") and not is_language_code(language):
        problems.append(Problem("language", "Sprache als Sprachkürzel angeben, z. B. »tr«", rule))
    for key in ("outreach", "barrier_free"):
        if payload.get(key) is not None and not isinstance(payload.get(key), bool):
            problems.append(Problem(key, "Erwartet wird ja oder nein (true/false)", rule))
    return problems
