"""Site identity (docs/rules.md rule A9): a provider's site is one place and exists once.

A site is found again by its normalised address. `address_key` is the one normaliser: the
admission service uses it to refer a new application to a site the provider already has, and the
schema migration uses it to merge duplicates that were created before the rule held. It is pure:
no I/O, no clock, no graph.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["address_key"]

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
# "Str." / "str" / "strasse" at the end of a word (after folding) all mean "Straße".
_STREET = re.compile(r"str(?:asse\b|\.|\b)")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def _fold(text: str) -> str:
    """Casefold, spell umlauts and ß out, drop remaining diacritics."""
    folded = (text or "").casefold().translate(_UMLAUTS)
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _compact(text: str) -> str:
    """Only letters and digits: whitespace and punctuation carry no identity."""
    return _NON_ALNUM.sub("", text)


def address_key(street: str, postal_code: str, place: str) -> str:
    """The identity of an address: street, postal code and place, normalised.

    Case-, umlaut-, ß-, whitespace- and punctuation-insensitive; "Str." equals "Straße":
    ``address_key("Hauptstr. 5", "10115", "Berlin") == address_key("HAUPTSTRASSE 5 ", "10115",
    "berlin")``.
    """
    street_key = _compact(_STREET.sub("strasse", _fold(street)))
    postal_key = "".join(ch for ch in (postal_code or "") if ch.isdigit())
    place_key = _compact(_fold(place))
    return f"{street_key}|{postal_key}|{place_key}"
