"""German words for codes, for what the registry itself renders for people (the printed list
as HTML and PDF, the overview as PDF and CSV). The portal's labels re-use these, so a page and
a printout never name one thing differently. People see labels, never codes (issue 17, item 2).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

LANGUAGES = {
    "de": "Deutsch",
    "en": "Englisch",
    "tr": "Türkisch",
    "ar": "Arabisch",
    "ru": "Russisch",
    "pl": "Polnisch",
    "uk": "Ukrainisch",
    "fa": "Persisch",
    "fr": "Französisch",
    "es": "Spanisch",
    "it": "Italienisch",
    "ro": "Rumänisch",
    "ku": "Kurdisch",
    "sq": "Albanisch",
    "hr": "Kroatisch",
    "sr": "Serbisch",
    "el": "Griechisch",
    "vi": "Vietnamesisch",
    "dgs": "Deutsche Gebärdensprache",
}

COUNSELLING_MODES = {
    "in_person": "persönlich vor Ort",
    "home_visits": "Hausbesuche",
    "phone": "telefonisch",
    "video": "per Video",
}


def language_label(code: str) -> str:
    """ "Türkisch" for "tr"; an unknown code is shown as it was entered (free languages)."""
    return LANGUAGES.get(code, code)


def language_list(codes: Iterable[str]) -> str:
    return ", ".join(language_label(c) for c in codes)


def counselling_list(codes: Iterable[str]) -> str:
    return ", ".join(COUNSELLING_MODES.get(c, c) for c in codes)


def count(n: int, one: str, many: str) -> str:
    """A number with the right German form: ``count(1, "passender Standort", "passende
    Standorte")`` is "1 passender Standort", with 0 or 2 "… passende Standorte"."""
    return f"{n} {one if n == 1 else many}"


def joined(*parts: object, sep: str = ", ") -> str:
    """Non-empty parts joined: "Frau Jensen, Leitung", never "Frau Jensen, , Leitung"."""
    return sep.join(str(p).strip() for p in parts if p is not None and str(p).strip())


def group_label(code: str) -> str:
    """ "Abhängigkeitserkrankungen" for "addiction" (the reference's label); unknown as given."""
    return _names().get(code, code)


def carrier_name(carrier_id: str) -> str:
    """ "DRV Nordbayern" for "drv-nordbayern"; unknown as given."""
    return _names().get(carrier_id, carrier_id)


def plain(text: object) -> str:
    """A message in words: the carrier ids and target-group codes it names become their labels
    ("drv-nordbayern" -> "DRV Nordbayern", "addiction" -> "Abhängigkeitserkrankungen"). For
    texts stored before they were written with labels (events, notices) and for rules that know
    only codes; e-mail and web addresses (info@drv-nord.de) stay as they are."""
    if not text:
        return ""
    return _code_pattern().sub(lambda m: _names()[m.group(0)], str(text))


@cache
def _names() -> dict[str, str]:
    from registry.reference import load_reference

    ref = load_reference()
    names = {c.id: c.name for c in ref.carriers}
    names.update({t.code: t.label for t in ref.target_groups})
    return names


@cache
def _code_pattern() -> re.Pattern[str]:
    codes = "|".join(re.escape(code) for code in sorted(_names(), key=len, reverse=True))
    return re.compile(rf"(?<![\w@./-])(?:{codes})(?![\w@-])(?!\.\w)")
