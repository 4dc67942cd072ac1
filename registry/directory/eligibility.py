"""Which providers and partners fit a case: docs/rules.md section 7, rules E1-E5 and E7.

Pure rules: standard library, the project's one distance function (`registry.distance`) and
the document types of the search read model (themselves standard-library dataclasses). Every
search backend retrieves candidates its own way and then asks `evaluate` / `evaluate_partner`
for the exact decision, so all backends and the `explain` endpoint agree by construction.

`evaluate` never stops at the first failing rule: it returns every failing rule with the fact
that failed, in German, for the explain page.

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Generic, TypeVar

from registry.dates import iso
from registry.distance import distance_km
from registry.search.documents import (
    ADMITTED,
    AWAITING_FOLLOW_ON,
    PENDING,
    REFUSED,
    REVOKED,
    SUSPENDED,
    WITHDRAWN,
    PartnerDocument,
    SiteDocument,
)

__all__ = [
    "Case",
    "Evaluation",
    "PartnerQuery",
    "Reason",
    "evaluate",
    "evaluate_partner",
    "fits",
    "fold",
    "fuzzy_distance",
    "query_terms",
    "rank",
    "stem",
    "term_matches",
    "text_matches",
    "tokens",
]

D = TypeVar("D", SiteDocument, PartnerDocument)


# --------------------------------------------------------------------------- inputs / outputs


@dataclass(frozen=True, kw_only=True)
class Case:
    """What a directory search asks (docs/rules.md section 7). No data of the insured person."""

    lat: float
    lon: float
    target_groups: tuple[str, ...]
    languages: tuple[str, ...] = ()
    barrier_free: bool = False
    public_transport: bool = False
    outreach: bool = False
    max_distance_km: float | None = None
    text: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "target_groups", tuple(dict.fromkeys(self.target_groups)))
        object.__setattr__(self, "languages", tuple(dict.fromkeys(self.languages)))
        if not self.target_groups:
            raise ValueError("Mindestens eine Zielgruppe angeben.")
        if self.max_distance_km is not None and self.max_distance_km < 0:
            raise ValueError("Die Höchstentfernung darf nicht negativ sein.")


@dataclass(frozen=True, kw_only=True)
class PartnerQuery:
    """What a partner search asks (rule E7). `types`: any of them; the rest: all required."""

    lat: float
    lon: float
    types: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    max_distance_km: float | None = None
    text: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "types", tuple(dict.fromkeys(self.types)))
        object.__setattr__(self, "services", tuple(s for s in self.services if s.strip()))
        object.__setattr__(self, "target_groups", tuple(dict.fromkeys(self.target_groups)))
        if self.max_distance_km is not None and self.max_distance_km < 0:
            raise ValueError("Die Höchstentfernung darf nicht negativ sein.")


@dataclass(frozen=True)
class Reason:
    """One failing rule and the fact that failed, in German."""

    rule: str
    message: str


@dataclass(frozen=True)
class Evaluation(Generic[D]):
    doc: D
    eligible: bool
    distance_km: float
    reasons: tuple[Reason, ...] = field(default=())


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


# --------------------------------------------------------------------------- formatting


def _number(value: float) -> str:
    """German number: '30' for whole numbers, else one decimal with a comma."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}".replace(".", ",")


def _distance(value: float, limit: float) -> str:
    """A distance that reads as beyond `limit` when it is (more decimals near the limit)."""
    for digits in (1, 2, 3):
        text = f"{value:.{digits}f}"
        if float(text) > limit:
            break
    return text.replace(".", ",")


# --------------------------------------------------------------------------- rules E1-E5


def _admission_reasons(doc: SiteDocument, case: Case) -> list[Reason]:
    reasons: list[Reason] = []
    carrier = doc.responsible_carrier or "den zuständigen Träger"
    for group in case.target_groups:
        state = doc.admissions.get(group)
        if state is None:
            reasons.append(
                Reason("E1", f"Zielgruppe {group} ist für diesen Standort nicht zugelassen")
            )
            continue
        status, since = state.status, iso(state.since)
        if status == ADMITTED:
            continue
        if status == SUSPENDED:
            text = (
                f"Zielgruppe {group} ist seit {since} ausgesetzt"
                if since
                else (f"Zielgruppe {group} ist ausgesetzt")
            )
            reasons.append(Reason("E5", text))
        elif status == REVOKED:
            when = f" am {since}" if since else ""
            reasons.append(Reason("E5", f"Zulassung für Zielgruppe {group} wurde{when} widerrufen"))
        elif status == WITHDRAWN:
            when = f" am {since}" if since else ""
            reasons.append(
                Reason(
                    "E5",
                    f"Zulassung für Zielgruppe {group} wurde{when} vom Anbieter zurückgezogen",
                )
            )
        elif status == AWAITING_FOLLOW_ON:
            reasons.append(
                Reason(
                    "E5",
                    f"Standort wartet auf die Folgezulassung durch {carrier} (Zielgruppe {group})",
                )
            )
        elif status == PENDING:
            text = f"Über die Zulassung für Zielgruppe {group} ist noch nicht entschieden"
            reasons.append(Reason("E1", text + (f" (beantragt am {since})" if since else "")))
        elif status == REFUSED:
            when = f" am {since}" if since else ""
            reasons.append(Reason("E1", f"Zulassung für Zielgruppe {group} wurde{when} abgelehnt"))
    return reasons


def evaluate(doc: SiteDocument, case: Case) -> Evaluation[SiteDocument]:
    """Rules E1-E5 for one site and one case: eligible, distance and every failing rule."""
    dist = distance_km(case.lat, case.lon, doc.lat, doc.lon)
    reasons: list[Reason] = []
    # E1: active provider and site, an admission for every requested target group.
    if not doc.provider_active:
        reasons.append(Reason("E1", f"Anbieter {doc.provider_name} ist nicht aktiv"))
    if not doc.site_active:
        reasons.append(Reason("E1", "Standort ist nicht aktiv"))
    reasons.extend(_admission_reasons(doc, case))
    # E2: catchment area, maximum distance, outreach.
    if dist > doc.catchment_radius_km:
        reasons.append(
            Reason(
                "E2",
                f"Einzugsgebiet {_number(doc.catchment_radius_km)} km, der Wohnort liegt "
                f"{_distance(dist, doc.catchment_radius_km)} km entfernt",
            )
        )
    if case.max_distance_km is not None and dist > case.max_distance_km:
        reasons.append(
            Reason(
                "E2",
                f"Höchstentfernung {_number(case.max_distance_km)} km, der Standort liegt "
                f"{_distance(dist, case.max_distance_km)} km entfernt",
            )
        )
    if case.outreach:
        radius = doc.outreach_radius_km or 0.0
        if radius <= 0:
            reasons.append(Reason("E2", "Standort bietet keine aufsuchende Beratung an"))
        elif dist > radius:
            reasons.append(
                Reason(
                    "E2",
                    f"Aufsuchende Beratung bis {_number(radius)} km, der Wohnort liegt "
                    f"{_distance(dist, radius)} km entfernt",
                )
            )
    # E3: languages, barrier-free, public transport, free text.
    if case.languages:
        offered = {lang.casefold() for lang in doc.languages}
        for lang in case.languages:
            if lang.casefold() not in offered:
                reasons.append(Reason("E3", f"Sprache {lang} wird am Standort nicht angeboten"))
    if case.barrier_free and not doc.barrier_free:
        reasons.append(Reason("E3", "Standort ist nicht barrierefrei"))
    if case.public_transport and not doc.public_transport:
        reasons.append(
            Reason("E3", "Standort ist nicht mit öffentlichen Verkehrsmitteln erreichbar")
        )
    if case.text:
        for word in text_matches(case.text, doc.search_text):
            reasons.append(
                Reason("E3", f"Suchbegriff „{word}“ kommt in den Angaben des Standorts nicht vor")
            )
    return Evaluation(doc, not reasons, dist, tuple(reasons))


def fits(doc: SiteDocument, case: Case) -> float | None:
    """Rules E1–E5 as a yes/no answer for the search's hot path: the distance when the site
    fits, else None. The same decision as ``evaluate(doc, case).eligible`` (a property test
    checks it), but it stops at the first failing rule and writes no reason texts."""
    if not (doc.provider_active and doc.site_active):
        return None
    admissions = doc.admissions
    for group in case.target_groups:
        state = admissions.get(group)
        if state is None or state.status != ADMITTED:
            return None
    dist = distance_km(case.lat, case.lon, doc.lat, doc.lon)
    if dist > doc.catchment_radius_km:
        return None
    if case.max_distance_km is not None and dist > case.max_distance_km:
        return None
    if case.outreach:
        radius = doc.outreach_radius_km or 0.0
        if radius <= 0 or dist > radius:
            return None
    if case.languages:
        offered = {lang.casefold() for lang in doc.languages}
        if any(lang.casefold() not in offered for lang in case.languages):
            return None
    if (case.barrier_free and not doc.barrier_free) or (
        case.public_transport and not doc.public_transport
    ):
        return None
    if case.text and text_matches(case.text, doc.search_text):
        return None
    return dist


# --------------------------------------------------------------------------- rule E7


def evaluate_partner(doc: PartnerDocument, query: PartnerQuery) -> Evaluation[PartnerDocument]:
    """Rule E7 for one partner site: type, services, target groups, service radius, distance."""
    dist = distance_km(query.lat, query.lon, doc.lat, doc.lon)
    reasons: list[Reason] = []
    if not doc.active:
        reasons.append(Reason("E7", f"Partner {doc.name} ist nicht aktiv"))
    if query.types and doc.type not in query.types:
        reasons.append(
            Reason("E7", f"Art {doc.type} ist nicht gesucht (gesucht: {', '.join(query.types)})")
        )
    for service in query.services:
        if not any(not text_matches(service, offered) for offered in doc.services):
            reasons.append(Reason("E7", f"Leistung „{service}“ wird nicht angeboten"))
    for group in query.target_groups:
        if group not in doc.target_groups:
            reasons.append(Reason("E7", f"Zielgruppe {group} wird nicht unterstützt"))
    if dist > doc.service_radius_km:
        reasons.append(
            Reason(
                "E7",
                f"Einzugsbereich {_number(doc.service_radius_km)} km, der Wohnort liegt "
                f"{_distance(dist, doc.service_radius_km)} km entfernt",
            )
        )
    if query.max_distance_km is not None and dist > query.max_distance_km:
        reasons.append(
            Reason(
                "E7",
                f"Höchstentfernung {_number(query.max_distance_km)} km, der Standort liegt "
                f"{_distance(dist, query.max_distance_km)} km entfernt",
            )
        )
    if query.text:
        for word in text_matches(query.text, doc.search_text):
            reasons.append(
                Reason("E7", f"Suchbegriff „{word}“ kommt in den Angaben des Partners nicht vor")
            )
    return Evaluation(doc, not reasons, dist, tuple(reasons))


# --------------------------------------------------------------------------- rule E4


def rank_key(evaluation: Evaluation[D]) -> tuple[float, str, str, str]:
    """E4 order: distance, then provider (partner) name, then id. Nothing else."""
    name = evaluation.doc.sort_name
    return (evaluation.distance_km, name.casefold(), name, evaluation.doc.id)


def rank(evaluations: Iterable[Evaluation[D]]) -> list[Evaluation[D]]:
    """Rule E4: the eligible ones, nearest first, ties by provider name, then site id."""
    return sorted((e for e in evaluations if e.eligible), key=rank_key)


def search_all(docs: Sequence[SiteDocument], case: Case) -> list[Evaluation[SiteDocument]]:
    """The reference answer: every document evaluated, the eligible ones ranked (E1-E5)."""
    return rank(evaluate(d, case) for d in docs)
