"""Names people type (issue 14, finding 9): usernames normalised (NFKC, case-folded) so that
look-alikes such as ``Admin`` beside ``admin`` are one name, and names refused that hide what
they show: control characters, bidirectional overrides and zero-width characters."""

from __future__ import annotations

import unicodedata

# bidirectional embeddings, overrides, isolates and marks
_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# zero-width and invisible joiners/spaces (most are format characters, Cf, anyway)
_INVISIBLE = set("\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff\u180e\u00ad\u034f")


def hidden_character(text: str) -> str | None:
    """The first character that hides what a name shows (control, bidi, zero-width, format),
    as ``U+XXXX``; None when there is none."""
    for ch in text:
        category = unicodedata.category(ch)
        if ch in _BIDI or ch in _INVISIBLE or category in ("Cc", "Cf", "Co", "Cs", "Cn"):
            return f"U+{ord(ch):04X}"
    return None


def hidden_character_message(text: str) -> str | None:
    found = hidden_character(text)
    if found is None:
        return None
    return (
        f"Der Name enthält ein unsichtbares oder steuerndes Zeichen ({found}): "
        "Steuerzeichen, Richtungswechsel und Zeichen ohne Breite sind nicht erlaubt."
    )


def normalize_username(username: str) -> str:
    """The form in which a username is stored, compared and looked up: NFKC, case-folded,
    NFKC again (case folding can denormalise), trimmed."""
    folded = unicodedata.normalize("NFKC", username).casefold()
    return unicodedata.normalize("NFKC", folded).strip()
