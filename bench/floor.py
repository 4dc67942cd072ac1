"""The floor: a brute-force numpy scan over every site, answering the benchmark's cases.

No index, no cleverness: for each case every site document's hard facts are compared at once
(flags, target groups and languages as bit masks, the outreach flag), the haversine distance
of **all** sites is computed, each site's own catchment (and outreach radius and the case's
maximum distance) applied, the free-text rule (`text_rule.text_matches`) run on the sites
left, and all fitting sites sorted by distance, then provider name and id. Written
independently of `registry/search/columns.py` on purpose: it is the yardstick, not a copy.

What may be prepared once (as any scan would): the arrays, the bit vocabulary and each site's
rank in the name order.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from registry.directory.eligibility import Case
from registry.directory.text_rule import text_matches
from registry.distance import EARTH_RADIUS_KM
from registry.search.documents import SiteDocument


@dataclass(frozen=True)
class FloorAnswer:
    total: int
    ids: list[str]


class Floor:
    def __init__(self, docs: Iterable[SiteDocument]) -> None:
        self.docs = [d for d in docs if d.has_admission]
        docs_ = self.docs
        self.ids = [d.id for d in docs_]
        self.groups = {
            g: i for i, g in enumerate(sorted({g for d in docs_ for g in d.target_groups}))
        }
        self.langs = {
            lang: i
            for i, lang in enumerate(sorted({x.casefold() for d in docs_ for x in d.languages}))
        }
        if len(self.groups) > 64 or len(self.langs) > 64:
            raise ValueError("the floor keeps one 64-bit word per mask")
        self.group_mask = np.array(
            [sum(1 << self.groups[g] for g in d.target_groups) for d in docs_], dtype=np.uint64
        )
        self.lang_mask = np.array(
            [sum(1 << self.langs[x] for x in {y.casefold() for y in d.languages}) for d in docs_],
            dtype=np.uint64,
        )
        self.active = np.array([d.provider_active and d.site_active for d in docs_], dtype=bool)
        self.barrier_free = np.array([d.barrier_free for d in docs_], dtype=bool)
        self.public_transport = np.array([d.public_transport for d in docs_], dtype=bool)
        self.lat = np.radians(np.array([d.lat for d in docs_], dtype=np.float64))
        self.lon = np.radians(np.array([d.lon for d in docs_], dtype=np.float64))
        self.cos_lat = np.cos(self.lat)
        self.catchment = np.array([d.catchment_radius_km for d in docs_], dtype=np.float64)
        self.outreach = np.array([d.outreach_radius_km or 0.0 for d in docs_], dtype=np.float64)
        by_name = sorted(
            range(len(docs_)),
            key=lambda i: (docs_[i].provider_name.casefold(), docs_[i].provider_name, docs_[i].id),
        )
        self.name_rank = np.empty(len(docs_), dtype=np.int64)
        self.name_rank[by_name] = np.arange(len(docs_))

    def search(self, case: Case, limit: int = 20) -> FloorAnswer:
        want_groups = 0
        for g in case.target_groups:
            if g not in self.groups:
                return FloorAnswer(0, [])
            want_groups |= 1 << self.groups[g]
        want_langs = 0
        for lang in case.languages:
            if lang.casefold() not in self.langs:
                return FloorAnswer(0, [])
            want_langs |= 1 << self.langs[lang.casefold()]
        wg, wl = np.uint64(want_groups), np.uint64(want_langs)
        mask = self.active & ((self.group_mask & wg) == wg)
        if want_langs:
            mask &= (self.lang_mask & wl) == wl
        if case.barrier_free:
            mask &= self.barrier_free
        if case.public_transport:
            mask &= self.public_transport
        # haversine over every site
        lat1, lon1 = math.radians(case.lat), math.radians(case.lon)
        a = (
            np.sin((self.lat - lat1) / 2) ** 2
            + math.cos(lat1) * self.cos_lat * np.sin((self.lon - lon1) / 2) ** 2
        )
        dist = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
        mask &= dist <= self.catchment
        if case.max_distance_km is not None:
            mask &= dist <= case.max_distance_km
        if case.outreach:
            mask &= (self.outreach > 0) & (dist <= self.outreach)
        rows = np.flatnonzero(mask)
        if case.text:
            docs, text = self.docs, case.text
            rows = np.array(
                [r for r in rows.tolist() if not text_matches(text, docs[r].search_text)],
                dtype=np.intp,
            )
        order = rows[np.lexsort((self.name_rank[rows], dist[rows]))]
        return FloorAnswer(int(rows.size), [self.ids[r] for r in order[:limit].tolist()])
