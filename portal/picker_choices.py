"""The choices of the portal's pickers (issue 17, item 1): partners, districts and languages by
name, never by code.

A picker field posts the chosen codes as repeated values of its field (checkboxes); the search
box beside it (``_q.<field>``) is only a query. Without JavaScript the form's "Suchen" button
posts the whole form back to its own page, which shows it again with the matches of the query
as further checkboxes; with JavaScript ``portal/static/picker.js`` asks ``/auswahl/<kind>`` while
the person types. This module knows the choices; ``portal.pickers`` serves them. It imports no
page module of the portal (the layout's template setup uses it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import pass_context

from portal import labels
from registry.api.security import registry_of
from registry.auth import Principal
from registry.context import Registry
from registry.directory.text_rule import fold
from registry.errors import DomainError

KINDS = ("partner", "district", "language")
QUERY_PREFIX = "_q."
PICK_FIELD = "_pick"
MATCH_LIMIT = 20
SHOW_ALL_UP_TO = 30  # an empty query lists every choice of a kind this small (the languages)

_SPLIT = re.compile(r"[\s,;]+")


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str
    detail: str = ""

    def as_json(self) -> dict[str, str]:
        return {"value": self.value, "label": self.label, "detail": self.detail}


def query_field(name: str) -> str:
    """The search box of a picker field: ``partners`` -> ``_q.partners``."""
    return QUERY_PREFIX + name


def searching(form: Mapping[str, Any]) -> bool:
    """The form was sent with a picker's "Suchen" button: show it again, save nothing. (The
    application form's buttons share the field ``action``; its picker sends ``pick``.)"""
    return bool(form.get(PICK_FIELD)) or form.get("action") == "pick"


def chosen_codes(form: Mapping[str, Any] | None, name: str, *, lower: bool = False) -> list[str]:
    """The codes a picker field was sent with: repeated values (checkboxes) or one text of
    codes separated by commas (older forms, drafts, the API's tests) - both in order, once."""
    if not form:
        return []
    raw = form.get(name)
    items = raw if isinstance(raw, list) else ([] if raw is None else [raw])
    out: list[str] = []
    for item in items:
        for part in _SPLIT.split(str(item)):
            code = part.lower() if lower else part
            if code and code not in out:
                out.append(code)
    return out


def _rank(query: str, choices: list[Choice]) -> list[Choice]:
    words = fold(query).split()
    if not words:
        return choices
    hits = []
    for c in choices:
        text = fold(f"{c.label} {c.detail}")
        if all(w in text for w in words) or fold(c.value) == fold(query.strip()):
            starts = fold(c.label).startswith(words[0])
            hits.append((0 if starts else 1, c))
    return [c for _, c in sorted(hits, key=lambda h: (h[0], fold(h[1].label)))]


def _districts(reg: Registry) -> list[Choice]:
    return [
        Choice(d.key, d.name, d.state)
        for d in sorted(reg.reference.districts, key=lambda d: fold(d.name))
    ]


def _languages() -> list[Choice]:
    return sorted(
        (Choice(code, label) for code, label in labels.LANGUAGES.items()),
        key=lambda c: (c.value != "de", fold(c.label)),
    )


def _partner_choice(partner: Mapping[str, Any]) -> Choice:
    places: list[str] = []
    for site in partner.get("sites") or []:
        place = (site.get("address") or {}).get("place") or ""
        if place and place not in places:
            places.append(place)
    return Choice(str(partner["id"]), str(partner["name"]), ", ".join(places[:3]))


def search(
    reg: Registry, principal: Principal | None, kind: str, query: str, limit: int = MATCH_LIMIT
) -> tuple[list[Choice], int]:
    """The choices of a kind matching the query (words of the name, umlauts folded), best first,
    at most ``limit``, and how many matched in all. An empty query matches nothing, except for
    a kind small enough to be shown whole."""
    query = query.strip()[:100]
    if kind == "partner":
        if principal is None or not query:
            return [], 0
        from registry.network.partners import list_partners

        try:
            result = list_partners(reg, principal, q=query, page=1, page_size=limit)
        except DomainError:
            return [], 0
        found = [_partner_choice(p) for p in result["results"]]
        return _rank(query, found) or found, int(result["total"])
    if kind == "district":
        pool = _districts(reg)
    elif kind == "language":
        pool = _languages()
    else:
        return [], 0
    if not query:
        return (pool, len(pool)) if len(pool) <= SHOW_ALL_UP_TO else ([], 0)
    hits = _rank(query, pool)
    return hits[:limit], len(hits)


def labelled(
    reg: Registry, principal: Principal | None, kind: str, codes: list[str]
) -> list[Choice]:
    """The chosen codes with their names (a code without a name keeps it, so nothing chosen is
    dropped silently)."""
    if kind == "district":
        known = reg.reference.districts_by_key
        return [
            Choice(k, known[k].name, known[k].state) if k in known else Choice(k, k) for k in codes
        ]
    if kind == "language":
        return [Choice(c, labels.language_label(c)) for c in codes]
    if kind == "partner":
        from registry.network.partners import get_partner

        out = []
        for code in codes:
            try:
                out.append(
                    _partner_choice(get_partner(reg, principal, code))
                    if principal
                    else Choice(code, code)
                )
            except DomainError:
                out.append(Choice(code, "Unbekannter Netzwerkpartner"))
        return out
    return [Choice(c, c) for c in codes]


@pass_context
def picker_state(ctx: Any, kind: str, name: str) -> dict[str, Any]:
    """For the picker macro (``_picker.html``): what is chosen, the query and its matches."""
    form = ctx.get("form") or {}
    request = ctx.get("request")
    principal = ctx.get("principal")
    if request is None:
        return {
            "chosen": [],
            "query": "",
            "matches": [],
            "total": 0,
            "searched": False,
            "more": False,
        }
    reg = registry_of(request)
    codes = chosen_codes(form, name, lower=kind == "language")
    raw_query = form.get(query_field(name), "")
    query = str(raw_query[-1] if isinstance(raw_query, list) and raw_query else raw_query or "")
    searched = searching(form) and (bool(query.strip()) or kind == "language")
    matches: list[Choice] = []
    total = 0
    more = False
    if searched:
        found, total = search(reg, principal, kind, query)
        matches = [c for c in found if c.value not in codes]
        more = total > len(found)
    return {
        "chosen": labelled(reg, principal, kind, codes),
        "query": query,
        "matches": matches,
        "total": total,
        "searched": searched,
        "more": more,
    }
