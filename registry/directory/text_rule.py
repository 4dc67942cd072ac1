"""The text matching of rules E3 and E7 (docs/rules.md section 7): folding, tokens, query terms
and the fuzzy prefix match, standard library only.

Text matching (rule E3, and E7's services and free text) -- TEXT_RULE
---------------------------------------------------------------------
1. Folding (`fold`): Unicode case folding (so "ß" -> "ss"), compatibility decomposition (NFKD)
   with all combining marks dropped (so "ä" -> "a", "é" -> "e"), then the German digraphs
   "ae" -> "a", "oe" -> "o", "ue" -> "u" (so "Gebärdensprache", "Gebaerdensprache" and
   "gebardensprache" all fold to "gebardensprache").
2. Tokens (`tokens`): the maximal runs of letters and digits of the folded text.
   A document's tokens come from its `search_text` (sites: provider name, site name, place,
   description, accessibility notes, and the labels and everyday words of the site's ADMITTED
   target groups from reference data, `documents.target_group_text`: "Sucht" finds a site
   admitted for addiction; partners: name, site name, place, services).
3. Query terms (`query_terms`): the tokens of each word of the query, each with a light German
   suffix stripping (`stem`): the first of the endings "ern", "en", "er", "es", "em", "e", "n",
   "s" that the token ends with is removed if at least 4 characters remain
   ("Beratungen" -> "beratung", "Menschen" -> "mensch", "Sucht" -> "sucht").
4. A term matches a document when some token of the document has a prefix within edit distance
   k of the term, where k = 1 for terms of 5 or more characters and k = 0 otherwise; the edit
   distance counts insertions, deletions, substitutions and swaps of two adjacent characters
   (optimal string alignment). So k = 0 is a plain prefix match ("Sucht" finds
   "Suchtberatung"), and k = 1 tolerates one typo ("Sucjt", "Gebärdensprahe").
5. The text filter holds when every query term matches (AND). An empty query filters nothing.

The embedded tantivy index stores exactly these tokens and asks for exactly these terms with a
prefix fuzzy query of the same distance, so its candidates are a superset of what rule 4 keeps.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# --------------------------------------------------------------------------- text rule

_WORD = re.compile(r"[^\W_]+")
_SUFFIXES = ("ern", "en", "er", "es", "em", "e", "n", "s")
_MIN_STEM = 4
_FUZZY_MIN_LENGTH = 5


# The combining diacritical marks of U+0300-U+036F (all of them combining, except U+034F, the
# grapheme joiner): removed by one regular expression instead of a per-character test.
_COMMON_MARKS = re.compile("[\u0300-\u034e\u0350-\u036f]")


def _without_marks(decomposed: str) -> str:
    """Drop every combining character (the definition); a fast path for Latin text."""
    stripped = _COMMON_MARKS.sub("", decomposed)
    if stripped.isascii():  # nothing left that could be combining
        return stripped
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Step 1 of TEXT_RULE: case folding, accents dropped, German digraphs reduced."""
    plain = _without_marks(unicodedata.normalize("NFKD", text.casefold()))
    return plain.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def tokens(text: str) -> list[str]:
    """Step 2 of TEXT_RULE: the tokens of a text, in order (duplicates kept)."""
    return _WORD.findall(fold(text))


def stem(token: str) -> str:
    """Step 3 of TEXT_RULE: light German suffix stripping of a folded query token."""
    for suffix in _SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= _MIN_STEM:
            return token[: -len(suffix)]
    return token


def fuzzy_distance(term: str) -> int:
    """Step 4 of TEXT_RULE: the edit distance a query term tolerates."""
    return 1 if len(term) >= _FUZZY_MIN_LENGTH else 0


@lru_cache(maxsize=4096)
def query_terms(text: str) -> tuple[tuple[str, str], ...]:
    """Step 3 of TEXT_RULE: (word as typed, term) for every term of a query, terms unique."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for word in _WORD.findall(text):
        for token in tokens(word):
            term = stem(token)
            if term not in seen:
                seen.add(term)
                out.append((word, term))
    return tuple(out)


@dataclass(frozen=True)
class _FoldedText:
    joined: str  # " tok1 tok2 ... " for fast prefix tests
    tokens: tuple[str, ...]  # unique tokens


@lru_cache(maxsize=65536)
def _folded(text: str) -> _FoldedText:
    unique = tuple(dict.fromkeys(tokens(text)))
    return _FoldedText(" " + " ".join(unique) + " ", unique)


def _within_one(q: str, p: str) -> bool:
    """Optimal-string-alignment distance of q and p is at most 1."""
    lq, lp = len(q), len(p)
    if lq - lp > 1 or lp - lq > 1:
        return False
    n = min(lq, lp)
    i = 0
    while i < n and q[i] == p[i]:
        i += 1
    if i == n:
        return True
    if lq == lp:
        if q[i + 1 :] == p[i + 1 :]:
            return True
        return i + 1 < lq and q[i] == p[i + 1] and q[i + 1] == p[i] and q[i + 2 :] == p[i + 2 :]
    if lq > lp:
        return q[i + 1 :] == p[i:]
    return q[i:] == p[i + 1 :]


def _token_has_close_prefix(term: str, token: str) -> bool:
    lt = len(term)
    for length in (lt - 1, lt, lt + 1):
        if 0 < length <= len(token) and _within_one(term, token[:length]):
            return True
    return False


def term_matches(term: str, text: str) -> bool:
    """Step 4 of TEXT_RULE: does a (folded, stemmed) query term match a document text?"""
    folded = _folded(text)
    if " " + term in folded.joined:
        return True
    if fuzzy_distance(term) == 0:
        return False
    return any(_token_has_close_prefix(term, token) for token in folded.tokens)


def text_matches(query: str, text: str) -> list[str]:
    """Step 5 of TEXT_RULE: the words of the query that do not match (empty: the text fits)."""
    return [word for word, term in query_terms(query) if not term_matches(term, text)]
