"""The code scan of issue 17, item 2: what a person sees of a page (no scripts, attribute values
or staff details lines) and the codes, ids, keys, Python values and wrong plurals that must not be
in it. Used by the HTTP crawl (tests/portal/test_no_codes.py) and by every page the browser tests
check (tests/browser/conftest.py ``axe_check``)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any


def reference() -> Any:
    from registry.reference import load_reference

    return load_reference()


def _language_codes() -> list[str]:
    from portal.labels import LANGUAGES

    return sorted(LANGUAGES, key=len, reverse=True)


_WORD_L = r"(?<![\w@./-])"
_WORD_R = r"(?![\w@-])"
_LANG = "|".join(_language_codes())
_PLURALS = [
    "Standorte",
    "Standorten",
    "Tage",
    "Tagen",
    "Kreise",
    "Kreisen",
    "Monate",
    "Monaten",
    "Jahre",
    "Jahren",
    "Wochen",
    "Stunden",
    "Minuten",
    "Anträge",
    "Anträgen",
    "Einträge",
    "Einträgen",
    "Ergebnisse",
    "Ergebnissen",
    "Vereinbarungen",
    "Zulassungen",
    "Aufgaben",
    "Hinweise",
    "Hinweisen",
    "Beschwerden",
    "Hospitationen",
    "Sprachen",
    "Zielgruppen",
    "Anbietern",
    "Partnern",
    "Personen",
    "Fälle",
    "Fällen",
    "Benutzern",
    "Bekanntmachungen",
    "Überprüfungen",
    "Treffern",
    "Berichte",
    "Berichten",
    "Jahresberichte",
    "Regionen",
    "Trägern",
    "Meldungen",
    "Seiten",
]


def _checks() -> list[tuple[str, re.Pattern[str]]]:
    ref = reference()
    groups = "|".join(re.escape(t.code) for t in ref.target_groups)
    carriers = "|".join(re.escape(c.id) for c in ref.carriers)
    return [
        ("Zielgruppen-Code", re.compile(rf"{_WORD_L}(?:{groups}){_WORD_R}")),
        ("Träger-Kennung", re.compile(rf"{_WORD_L}(?:{carriers}|drv-[a-z]+){_WORD_R}(?!\.[a-z])")),
        (
            "Sprachcodes als Liste",
            re.compile(rf"(?<![\w-])(?:{_LANG})(?:\s*,\s*(?:{_LANG}))+(?![\w-])"),
        ),
        ("Sprachcode", re.compile(rf"Sprachen?:\s*(?:{_LANG})(?![\w-])")),
        (
            "Regel-Code außerhalb der Detailzeile",
            re.compile(r"(?<![\w/.-])(?:A1[0-6]|A[1-9]|Q[0-9]|E[1-9]|N[1-9])(?![\w-])"),
        ),
        ("Schlüssel (snake_case)", re.compile(rf"{_WORD_L}[a-z][a-z0-9]*(?:_[a-z0-9]+)+{_WORD_R}")),
        (
            "Python-Wert",
            re.compile(r"(?<![\w-])(?:None|True|False)(?![\w-])|\[\]|\{\}|\['|'\]|\{'"),
        ),
        ("leere Aufzählung", re.compile(r",\s*,|\(\s*\)|:\s*,")),
        (
            "falscher Plural",
            re.compile(
                r"(?<![\d.,])\b1[^\S\n]+(?:[A-Za-zÄÖÜäöüß*]+[^\S\n]+)?(?:[A-Za-zÄÖÜäöüß*]+-)?(?:"
                + "|".join(re.escape(p) for p in _PLURALS)
                + r")(?![\wäöüß])"
            ),
        ),
        ("falscher Fall nach »vor«", re.compile(r"\bvor[^\S\n]+(?:0|[2-9]|\d{2,})[^\S\n]+Tage\b")),
    ]


CHECKS = _checks()


def problems(text: str) -> list[str]:
    """What the scan finds in visible text: 'kind: «token»' per finding."""
    found: list[str] = []
    for kind, pattern in CHECKS:
        for match in pattern.finditer(text):
            start, end = match.span()
            context = text[max(0, start - 40) : end + 40].replace("\n", " ")
            found.append(f"{kind}: «{match.group(0)}» in «…{context}…»")
    return found


class Visible(HTMLParser):
    """The text a person sees: no scripts, styles, attribute values or staff details lines."""

    SKIP = {"script", "style", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
    INLINE = {"a", "abbr", "b", "bdi", "cite", "code", "data", "em", "i", "mark", "q", "small"}
    INLINE |= {"span", "strong", "sub", "sup", "time"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []  # the open tags inside a skipped element
        self.links: list[str] = []
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self._collect(tag, a)
        if tag in self.VOID:
            self.parts.append("\n")
            return
        classes = a.get("class", "").split()
        if self.skipping or tag in self.SKIP or "staff-details" in classes:
            self.skipping.append(tag)
        if tag not in self.INLINE:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        if tag == "select":
            self._select = None
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()
        if tag not in self.INLINE:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)

    def _collect(self, tag: str, a: dict[str, str]) -> None:
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"method": a.get("method", "get").lower(), "action": a.get("action", "")}
            self._form["fields"] = []
            self.forms.append(self._form)
        elif self._form is not None and tag in {"input", "select", "textarea"} and a.get("name"):
            kind = a.get("type", "text")
            fields: list[tuple[str, str, str]] = self._form["fields"]
            if tag == "select":
                self._select = a["name"]
            elif kind in {"checkbox", "radio"}:
                if "checked" in a:
                    fields.append((a["name"], a.get("value", "on"), kind))
            elif kind not in {"submit", "button"}:
                fields.append((a["name"], a.get("value", ""), kind))
        elif tag == "option" and self._form is not None and self._select:
            fields = self._form["fields"]
            first = not any(name == self._select for name, _, _ in fields)
            if "selected" in a or first:
                if not first:
                    fields[:] = [f for f in fields if f[0] != self._select]
                fields.append((self._select, a.get("value", ""), "select"))

    @property
    def text(self) -> str:
        return re.sub(r"[ \t\r\f\v]+", " ", "".join(self.parts))


def visible(html: str) -> Visible:
    parser = Visible()
    parser.feed(html)
    parser.close()
    return parser
