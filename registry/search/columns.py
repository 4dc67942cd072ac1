"""The columnar exact check of the directory search: rules E1-E4 on arrays.

`SiteColumns` holds the hard facts of a set of site documents as numpy arrays, one row per
document, rows sorted by latitude: coordinates (and the sine and cosine of the latitude),
catchment and outreach radii, the admitted target groups and the casefolded languages as bit
masks, and the flags active (provider and site), barrier-free and public transport. A snapshot
is never changed: `replaced` returns a new one, so a search works on one consistent snapshot
while a writer prepares the next.

`SiteColumns.fitting` and `ranked` answer a case for all rows at once, exactly as `eligibility.fits` / `evaluate` would
row by row (the property tests in tests/unit/test_columns.py and the search contract check it):

1. the flags and masks (E1, E3 without text; E2's "offers outreach"): vector comparisons;
2. the latitude band that can hold a fitting site (the smallest of the largest catchment, the
   largest outreach radius when asked, the case's maximum distance): two binary searches;
3. the great-circle distance of the remaining rows with numpy, the formula of
   `registry.distance.distance_km` term by term. numpy's sine, cosine and arctangent may differ
   from the C library's in the last bits, so no decision rests on that difference: a row whose
   numpy distance lies within `TOLERANCE_KM` (1 mm; the rounding error of the formula is below
   1e-9 km anywhere on earth) of its limit (catchment, maximum distance, outreach radius) is
   decided with `distance_km` itself;
4. free text (E3), which arrays cannot express: `text_rule.text_matches` on the rows left,
   optionally narrowed first by rows a backend's text index says may match (a superset);
5. the E4 order, only as far as the page needs it: the rows that can be on the page are those
   within 2 x TOLERANCE_KM of the page's last numpy distance; they are ranked by
   `eligibility.rank_key` with their `distance_km`, so order, ties (provider name, then id) and
   the reported distances are exactly the rules'. The total counts every fitting row.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from registry.directory.eligibility import Case, Evaluation
from registry.directory.text_rule import text_matches
from registry.distance import EARTH_RADIUS_KM, distance_km
from registry.search.documents import ADMITTED, SiteDocument, doc_key
from registry.search.ports import Hit, SearchResult, page_slice

#: numpy distances this close to a limit are decided with `registry.distance.distance_km`.
TOLERANCE_KM = 1e-6

_ACTIVE = np.uint8(1)
_BARRIER_FREE = np.uint8(2)
_PUBLIC_TRANSPORT = np.uint8(4)
_WORD = 64
_MASK64 = (1 << _WORD) - 1

Floats = npt.NDArray[np.float64]
Words = npt.NDArray[np.uint64]
Rows = npt.NDArray[np.intp]


def _words(bits: int, width: int) -> list[int]:
    return [(bits >> (_WORD * w)) & _MASK64 for w in range(width)]


def _width(vocabulary: Mapping[str, int]) -> int:
    return max(1, -(-len(vocabulary) // _WORD))


def _extend(vocabulary: dict[str, int], codes: Iterable[str]) -> None:
    for code in codes:
        if code not in vocabulary:
            vocabulary[code] = len(vocabulary)


def _bits(vocabulary: Mapping[str, int], codes: Iterable[str]) -> int:
    out = 0
    for code in codes:
        out |= 1 << vocabulary[code]
    return out


def _admitted(doc: SiteDocument) -> list[str]:
    return [g for g, a in doc.admissions.items() if a.status == ADMITTED]


def _languages(doc: SiteDocument) -> set[str]:
    return {lang.casefold() for lang in doc.languages}


def _tie(doc: SiteDocument) -> tuple[str, str, str]:
    return (doc.provider_name.casefold(), doc.provider_name, doc.id)


def _flags(doc: SiteDocument) -> int:
    flags = 0
    if doc.provider_active and doc.site_active:
        flags |= int(_ACTIVE)
    if doc.barrier_free:
        flags |= int(_BARRIER_FREE)
    if doc.public_transport:
        flags |= int(_PUBLIC_TRANSPORT)
    return flags


@dataclass(frozen=True)
class Ranked:
    """One page of a columnar answer: the total and the page's documents with distances."""

    total: int
    hits: list[tuple[SiteDocument, float]]


class SiteColumns:
    """An immutable columnar snapshot of site documents (see the module docstring)."""

    __slots__ = (
        "catchment",
        "cos_lat",
        "docs",
        "flags",
        "group_bits",
        "groups",
        "keys",
        "language_bits",
        "languages",
        "lat",
        "lon",
        "max_catchment",
        "max_outreach",
        "outreach",
        "row_of",
        "sin_lat",
        "ties",
    )

    def __init__(
        self,
        docs: list[SiteDocument],
        group_bits: dict[str, int],
        language_bits: dict[str, int],
        columns: Mapping[str, Any],
        ties: list[tuple[str, str, str]] | None = None,
    ) -> None:
        self.docs = docs
        self.group_bits = group_bits
        self.language_bits = language_bits
        self.lat: Floats = columns["lat"]
        self.lon: Floats = columns["lon"]
        self.sin_lat: Floats = columns["sin_lat"]
        self.cos_lat: Floats = columns["cos_lat"]
        self.catchment: Floats = columns["catchment"]
        self.outreach: Floats = columns["outreach"]
        self.groups: Words = columns["groups"]
        self.languages: Words = columns["languages"]
        self.flags: npt.NDArray[np.uint8] = columns["flags"]
        self.keys: npt.NDArray[np.uint64] = columns["keys"]
        #: rank_key's tie-breakers per row: (casefolded provider name, provider name, id)
        self.ties = ties if ties is not None else [_tie(d) for d in docs]
        self.row_of: dict[int, int] = dict(zip(self.keys.tolist(), range(len(docs)), strict=True))
        n = len(docs)
        self.max_catchment = float(self.catchment.max()) if n else 0.0
        self.max_outreach = float(self.outreach.max()) if n else 0.0

    # ------------------------------------------------------------------ building

    @classmethod
    def empty(cls) -> SiteColumns:
        return cls.from_docs([])

    @classmethod
    def from_docs(cls, docs: Iterable[SiteDocument]) -> SiteColumns:
        """A snapshot of these documents (the last one wins for a repeated id)."""
        unique = list({d.id: d for d in docs}.values())
        return cls._build(unique, {}, {})

    @classmethod
    def _build(
        cls,
        docs: list[SiteDocument],
        group_bits: dict[str, int],
        language_bits: dict[str, int],
    ) -> SiteColumns:
        docs = sorted(docs, key=lambda d: d.lat)
        admitted = [_admitted(d) for d in docs]
        spoken = [_languages(d) for d in docs]
        group_bits, language_bits = dict(group_bits), dict(language_bits)
        for groups, languages in zip(admitted, spoken, strict=True):
            _extend(group_bits, groups)
            _extend(language_bits, sorted(languages))
        g_width, l_width = _width(group_bits), _width(language_bits)
        n = len(docs)
        lat = np.fromiter((d.lat for d in docs), dtype=np.float64, count=n)
        lat_rad = np.radians(lat)
        columns: dict[str, Any] = {
            "lat": lat,
            "lon": np.fromiter((d.lon for d in docs), dtype=np.float64, count=n),
            "sin_lat": np.sin(lat_rad),
            "cos_lat": np.cos(lat_rad),
            "catchment": np.fromiter(
                (d.catchment_radius_km for d in docs), dtype=np.float64, count=n
            ),
            "outreach": np.fromiter(
                (d.outreach_radius_km or 0.0 for d in docs), dtype=np.float64, count=n
            ),
            "groups": np.array(
                [_words(_bits(group_bits, g), g_width) for g in admitted], dtype=np.uint64
            ).reshape(n, g_width),
            "languages": np.array(
                [_words(_bits(language_bits, s), l_width) for s in spoken], dtype=np.uint64
            ).reshape(n, l_width),
            "flags": np.fromiter((_flags(d) for d in docs), dtype=np.uint8, count=n),
            "keys": np.fromiter((doc_key(d.id) for d in docs), dtype=np.uint64, count=n),
        }
        return cls(docs, group_bits, language_bits, columns)

    def replaced(self, upserts: Iterable[SiteDocument], deletes: Iterable[str]) -> SiteColumns:
        """A new snapshot: documents replaced or added by id, ids removed (unknown ids ignored).

        Reuses the rows that did not change (no Python work per unchanged row), so an update
        costs a few array copies, not a rebuild.
        """
        added = list({d.id: d for d in upserts}.values())
        gone = {doc_key(i) for i in deletes} | {doc_key(d.id) for d in added}
        drop = [self.row_of[k] for k in gone if k in self.row_of]
        if not added and not drop:
            return self
        keep = np.ones(len(self.docs), dtype=bool)
        keep[drop] = False
        fresh = SiteColumns._build(added, self.group_bits, self.language_bits)
        g_width, l_width = fresh.groups.shape[1], fresh.languages.shape[1]
        kept_rows = np.flatnonzero(keep)
        merged_lat = np.concatenate((self.lat[kept_rows], fresh.lat))
        order = np.argsort(merged_lat, kind="stable")

        def merge(old: npt.NDArray[Any], new: npt.NDArray[Any]) -> npt.NDArray[Any]:
            return np.concatenate((old[kept_rows], new))[order]

        def widen(words: Words, width: int) -> Words:
            if words.shape[1] == width:
                return words
            out = np.zeros((words.shape[0], width), dtype=np.uint64)
            out[:, : words.shape[1]] = words
            return out

        kept = kept_rows.tolist()
        all_docs = [self.docs[r] for r in kept] + fresh.docs
        all_ties = [self.ties[r] for r in kept] + fresh.ties
        columns = {
            "lat": merged_lat[order],
            "lon": merge(self.lon, fresh.lon),
            "sin_lat": merge(self.sin_lat, fresh.sin_lat),
            "cos_lat": merge(self.cos_lat, fresh.cos_lat),
            "catchment": merge(self.catchment, fresh.catchment),
            "outreach": merge(self.outreach, fresh.outreach),
            "groups": merge(widen(self.groups, g_width), fresh.groups),
            "languages": merge(widen(self.languages, l_width), fresh.languages),
            "flags": merge(self.flags, fresh.flags),
            "keys": merge(self.keys, fresh.keys),
        }
        positions = order.tolist()
        docs = [all_docs[i] for i in positions]
        ties = [all_ties[i] for i in positions]
        return SiteColumns(docs, fresh.group_bits, fresh.language_bits, columns, ties)

    # ------------------------------------------------------------------ reading

    def __len__(self) -> int:
        return len(self.docs)

    def get(self, doc_id: str) -> SiteDocument | None:
        row = self.row_of.get(doc_key(doc_id))
        if row is None:
            return None
        doc = self.docs[row]
        return doc if doc.id == doc_id else None

    def rows_of_keys(self, keys: Iterable[int]) -> Rows:
        """The rows of documents given by `documents.doc_key` (unknown keys ignored), sorted."""
        row_of = self.row_of
        found = [row for key in keys if (row := row_of.get(key)) is not None]
        return np.unique(np.array(found, dtype=np.intp))

    # ------------------------------------------------------------------ rules E1-E4

    def _requirement(self, vocabulary: Mapping[str, int], codes: Iterable[str]) -> int | None:
        bits = 0
        for code in codes:
            bit = vocabulary.get(code)
            if bit is None:
                return None  # no row has it
            bits |= 1 << bit
        return bits

    def search_radius(self, case: Case) -> float:
        """The radius around the place that holds every row that can fit."""
        radius = self.max_catchment
        if case.outreach:
            radius = min(radius, self.max_outreach)
        if case.max_distance_km is not None:
            radius = min(radius, case.max_distance_km)
        return max(radius, 0.0)

    def fitting(self, case: Case, text_rows: Rows | None = None) -> tuple[Rows, Floats]:
        """The rows that fit the case (rules E1-E3) and their numpy distances, unordered.

        `text_rows`: rows that may match the case's free text (a superset, sorted), or None;
        the text rule itself is applied here either way.
        """
        nothing = (np.empty(0, dtype=np.intp), np.empty(0, dtype=np.float64))
        if not self.docs:
            return nothing
        groups = self._requirement(self.group_bits, case.target_groups)
        languages = self._requirement(
            self.language_bits, (lang.casefold() for lang in case.languages)
        )
        if groups is None or languages is None:
            return nothing
        # the latitude band: every fitting row lies within the search radius of the place
        radius = self.search_radius(case)
        dlat = math.degrees(radius / EARTH_RADIUS_KM) * 1.0001 + 1e-6
        lo = int(np.searchsorted(self.lat, case.lat - dlat, side="left"))
        hi = int(np.searchsorted(self.lat, case.lat + dlat, side="right"))
        if lo >= hi:
            return nothing
        band = slice(lo, hi)
        required = int(_ACTIVE)
        if case.barrier_free:
            required |= int(_BARRIER_FREE)
        if case.public_transport:
            required |= int(_PUBLIC_TRANSPORT)
        flags = self.flags[band]
        mask = (flags & np.uint8(required)) == np.uint8(required)
        for column, bits in ((self.groups, groups), (self.languages, languages)):
            for w, word in enumerate(_words(bits, column.shape[1])):
                if word:
                    want = np.uint64(word)
                    mask &= (column[band, w] & want) == want
        if case.outreach:
            mask &= self.outreach[band] > 0.0
        rows = np.flatnonzero(mask) + lo
        if text_rows is not None:
            rows = np.intersect1d(rows, text_rows, assume_unique=True)
        if rows.size == 0:
            return nothing
        # E2: distance (registry.distance.distance_km, term by term) against each row's limit
        p1 = math.radians(case.lat)
        sin_p1, cos_p1 = math.sin(p1), math.cos(p1)
        sin_p2, cos_p2 = self.sin_lat[rows], self.cos_lat[rows]
        dlon = np.radians(self.lon[rows] - case.lon)
        cos_dl, sin_dl = np.cos(dlon), np.sin(dlon)
        central = np.arctan2(
            np.sqrt((cos_p2 * sin_dl) ** 2 + (cos_p1 * sin_p2 - sin_p1 * cos_p2 * cos_dl) ** 2),
            sin_p1 * sin_p2 + cos_p1 * cos_p2 * cos_dl,
        )
        dist = EARTH_RADIUS_KM * central
        limit = self.catchment[rows]
        if case.max_distance_km is not None:
            limit = np.minimum(limit, case.max_distance_km)
        if case.outreach:
            limit = np.minimum(limit, self.outreach[rows])
        keep = dist <= limit - TOLERANCE_KM
        unsure = np.flatnonzero(~keep & (dist <= limit + TOLERANCE_KM))
        for i in unsure.tolist():
            doc = self.docs[int(rows[i])]
            keep[i] = distance_km(case.lat, case.lon, doc.lat, doc.lon) <= float(limit[i])
        rows, dist = rows[keep], dist[keep]
        if case.text and rows.size:
            docs = self.docs
            text = case.text
            matches = [not text_matches(text, docs[r].search_text) for r in rows.tolist()]
            chosen = np.array(matches, dtype=bool)
            rows, dist = rows[chosen], dist[chosen]
        return rows, dist

    def _exact(self, case: Case, rows: Iterable[int]) -> list[tuple[float, str, str, str, int]]:
        """`eligibility.rank_key` of these rows with the rules' own distance, sorted."""
        out = []
        for row in rows:
            doc = self.docs[row]
            folded, name, doc_id = self.ties[row]
            dist = distance_km(case.lat, case.lon, doc.lat, doc.lon)
            out.append((dist, folded, name, doc_id, row))
        out.sort()
        return out

    def ranked(self, case: Case, start: int, stop: int, text_rows: Rows | None = None) -> Ranked:
        """Rule E4: the total and the fitting rows at positions start..stop-1 of the order."""
        rows, dist = self.fitting(case, text_rows)
        total = int(rows.size)
        if start >= total or stop <= start:
            return Ranked(total, [])
        if stop < total:
            # every row that can be among the first `stop` in the exact order
            bound = np.partition(dist, stop - 1)[stop - 1]
            rows = rows[dist <= bound + 2 * TOLERANCE_KM]
        ordered = self._exact(case, rows.tolist())[start:stop]
        return Ranked(total, [(self.docs[r[4]], r[0]) for r in ordered])

    def evaluations(
        self, case: Case, text_rows: Rows | None = None
    ) -> list[Evaluation[SiteDocument]]:
        """Every fitting document, ordered by rule E4, with the rules' distance."""
        rows, _dist = self.fitting(case, text_rows)
        return [Evaluation(self.docs[r[4]], True, r[0]) for r in self._exact(case, rows.tolist())]


def decide_all(docs: Sequence[SiteDocument], case: Case) -> list[Evaluation[SiteDocument]]:
    """The columnar answer over a plain list of documents (every row a candidate)."""
    return SiteColumns.from_docs(docs).evaluations(case)


class ColumnarSiteSearch:
    """The site search of every backend: `SiteColumns` decides and orders (rules E1-E4).

    A backend says which columns to decide on (`_site_columns`: the embedded index keeps all
    its documents as columns; Meilisearch builds them from its candidates) and may narrow free
    text by its own text index (`_text_rows`, a superset of the rows whose text matches).
    """

    def _site_columns(self, query: Case) -> SiteColumns:
        raise NotImplementedError

    def _text_rows(self, query: Case, columns: SiteColumns) -> Rows | None:
        return None

    def _decide_on(self, query: Case) -> tuple[SiteColumns, Rows | None]:
        columns = self._site_columns(query)
        text_rows = self._text_rows(query, columns) if query.text and len(columns) else None
        return columns, text_rows

    def search(self, query: Case, page: int = 1, page_size: int = 20) -> SearchResult[SiteDocument]:
        page_slice((), page, page_size)  # validates the paging parameters
        columns, text_rows = self._decide_on(query)
        start = (page - 1) * page_size
        answer = columns.ranked(query, start, start + page_size, text_rows)
        hits = [Hit(doc, distance) for doc, distance in answer.hits]
        return SearchResult(total=answer.total, hits=hits, page=page, page_size=page_size)

    def evaluations(self, query: Case) -> list[Evaluation[SiteDocument]]:
        """All fitting documents, decided by the rules and ordered by rule E4."""
        columns, text_rows = self._decide_on(query)
        return columns.evaluations(query, text_rows)
