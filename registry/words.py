"""German words for codes, for what the registry itself renders for people (the printed list
as HTML and PDF, the overview as PDF and CSV). The portal's labels re-use these, so a page and
a printout never name one thing differently. People see labels, never codes (issue 17, item 2).
"""

from __future__ import annotations

from collections.abc import Iterable

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
