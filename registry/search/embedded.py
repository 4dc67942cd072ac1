"""The embedded search backend: tantivy indexes in a local directory.

How the directory (sites) answers: every document is also held in memory as columns
(`registry.search.columns.SiteColumns`), and the columnar exact check decides rules E1-E3 and
orders by E4 for all of them at once. tantivy is asked only when the case has free text: its
candidates (below) narrow the rows on which `text_rule.text_matches` runs.

How partner sites answer, and what the site candidates are:

1. Candidates from tantivy, a superset of the answer: exact terms in a `tags` field for what
   must hold exactly (admitted target groups, active, languages, flags; for partners: active,
   type, target groups), an f64 range box on lat/lon around the place that contains every point
   within R km, where R is the smallest of the largest radius in the index (catchment, outreach
   or service radius, kept from an aggregation after every commit) and the case's maximum
   distance, and one prefix fuzzy term query per free-text term on the `text` field, which holds
   the document's tokens as `text_rule.tokens` makes them (TEXT_RULE).
2. The exact decision: `eligibility.evaluate_partner` on every candidate.
3. Exact order by `eligibility.rank_key` (distance, name, id), then the page; total is the count
   of all fitting documents.

The index machinery (generations, cache, writes, rebuild) is `registry.search.tantivy_index`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import tantivy

from registry.directory.eligibility import (
    Case,
    Evaluation,
    PartnerQuery,
    evaluate,
    evaluate_partner,
)
from registry.search.columns import ColumnarSiteSearch, Rows, SiteColumns
from registry.search.documents import (
    PartnerDocument,
    SiteDocument,
    partner_tags,
    site_tags,
)
from registry.search.ports import (
    PARTNERS,
    SITES,
    Health,
    partner_query_tags,
    partner_search_radius,
    site_query_tags,
    site_search_radius,
)
from registry.search.tantivy_index import EmbeddedIndex, Generation, field_max


class EmbeddedSiteIndex(ColumnarSiteSearch, EmbeddedIndex[SiteDocument, Case]):
    """The directory: rules E1-E5.

    Every document is also held as columns (`registry.search.columns.SiteColumns`, built on
    first use or by `preload`, then replaced with every write and swapped with a rebuild's
    generation): the search decides on them; tantivy is asked only to narrow free text.
    """

    name = SITES

    def _site_columns(self, query: Case) -> SiteColumns:
        state = self._live()
        columns = state.columns
        if columns is None:
            columns = self._load_columns(state)
        return columns

    def _load_columns(self, state: Generation[SiteDocument]) -> SiteColumns:
        with self._lock:  # writes wait; they replace the columns once these exist
            if state.columns is None:
                searcher = state.index.searcher()
                addresses: list[Any] = []
                if searcher.num_docs:
                    result = searcher.search(
                        tantivy.Query.all_query(), limit=searcher.num_docs, count=False
                    )
                    addresses = [address for _score, address in result.hits]
                state.columns = SiteColumns.from_docs(self._docs(state, searcher, addresses))
            return state.columns

    def _text_rows(self, query: Case, columns: SiteColumns) -> Rows | None:
        state = self._live()
        searcher, addresses = self._retrieve(query, state)
        if not addresses:
            return columns.rows_of_keys(())
        keys = cast(list[int], searcher.fast_field_values("key", addresses))
        return columns.rows_of_keys(keys)

    def _changed(
        self, state: Generation[SiteDocument], kept: list[SiteDocument], removed: list[str]
    ) -> None:
        if state.columns is not None:
            state.columns = state.columns.replaced(kept, removed)

    def _rebuilt(self, state: Generation[SiteDocument]) -> None:
        state.columns = SiteColumns.from_docs(state.cache.values())

    def preload(self) -> int:
        """Load every document into the columns (and the cache); the first search otherwise
        does it (about 1-2 s for 50k sites)."""
        return len(self._site_columns(_ANY_CASE))

    def _add_fields(self, builder: tantivy.SchemaBuilder) -> None:
        builder.add_float_field("catchment_radius_km", fast=True)
        builder.add_float_field("outreach_radius_km", fast=True)

    def _fill(self, tdoc: tantivy.Document, doc: SiteDocument) -> None:
        tdoc.add_float("catchment_radius_km", float(doc.catchment_radius_km))
        tdoc.add_float("outreach_radius_km", float(doc.outreach_radius_km or 0.0))
        for tag in site_tags(doc):
            tdoc.add_text("tags", tag)

    def _from_dict(self, data: dict[str, Any]) -> SiteDocument:
        return SiteDocument.from_dict(data)

    def _belongs(self, doc: SiteDocument) -> bool:
        return doc.has_admission

    def _radii(self, searcher: tantivy.Searcher) -> tuple[float, float]:
        return field_max(searcher, "catchment_radius_km"), field_max(searcher, "outreach_radius_km")

    def _clauses(self, query: Case, state: Generation[SiteDocument]) -> list[tantivy.Query] | None:
        clauses = [self._term(self._schema, "tags", t) for t in site_query_tags(query)]
        radius = site_search_radius(query, state.max_radius, state.max_outreach)
        clauses.extend(self._box(query.lat, query.lon, radius))
        clauses.extend(self._text(query.text))
        return clauses

    def _evaluate(self, doc: SiteDocument, query: Case) -> Evaluation[SiteDocument]:
        return evaluate(doc, query)


_ANY_CASE = Case(lat=0.0, lon=0.0, target_groups=("-",))


class EmbeddedPartnerIndex(EmbeddedIndex[PartnerDocument, PartnerQuery]):
    """Network partner sites: rule E7."""

    name = PARTNERS

    def _add_fields(self, builder: tantivy.SchemaBuilder) -> None:
        builder.add_float_field("service_radius_km", fast=True)

    def _fill(self, tdoc: tantivy.Document, doc: PartnerDocument) -> None:
        tdoc.add_float("service_radius_km", float(doc.service_radius_km))
        for tag in partner_tags(doc):
            tdoc.add_text("tags", tag)

    def _from_dict(self, data: dict[str, Any]) -> PartnerDocument:
        return PartnerDocument.from_dict(data)

    def _belongs(self, doc: PartnerDocument) -> bool:
        return True

    def _radii(self, searcher: tantivy.Searcher) -> tuple[float, float]:
        return field_max(searcher, "service_radius_km"), 0.0

    def _clauses(
        self, query: PartnerQuery, state: Generation[PartnerDocument]
    ) -> list[tantivy.Query] | None:
        required, any_of = partner_query_tags(query)
        clauses = [self._term(self._schema, "tags", t) for t in required]
        if any_of:
            clauses.append(
                tantivy.Query.boolean_query(
                    [(tantivy.Occur.Should, self._term(self._schema, "tags", t)) for t in any_of]
                )
            )
        radius = partner_search_radius(query, state.max_radius)
        clauses.extend(self._box(query.lat, query.lon, radius))
        for service in query.services:
            clauses.extend(self._text(service))
        clauses.extend(self._text(query.text))
        return clauses

    def _evaluate(self, doc: PartnerDocument, query: PartnerQuery) -> Evaluation[PartnerDocument]:
        return evaluate_partner(doc, query)


class EmbeddedSearch:
    """The embedded backend: both indexes under one directory."""

    def __init__(self, directory: Path | str) -> None:
        base = Path(directory)
        self._sites = EmbeddedSiteIndex(base / SITES)
        try:
            self._partners = EmbeddedPartnerIndex(base / PARTNERS)
        except BaseException:
            self._sites.close()
            raise

    @property
    def sites(self) -> EmbeddedSiteIndex:
        return self._sites

    @property
    def partners(self) -> EmbeddedPartnerIndex:
        return self._partners

    def health(self) -> Health:
        parts = [self._sites.health(), self._partners.health()]
        return Health(all(p.ok for p in parts), "embedded", "; ".join(p.detail for p in parts))

    def close(self) -> None:
        self._sites.close()
        self._partners.close()
