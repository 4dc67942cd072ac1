"""The search port: a read model of the directory and of the network partners.

One protocol, `SearchIndex[DocT, QueryT]`, used twice per backend:

* `backend.sites`:    `SearchIndex[SiteDocument, Case]`            (rules E1-E5)
* `backend.partners`: `SearchIndex[PartnerDocument, PartnerQuery]` (rule E7)

Every backend retrieves candidates its own way (a superset) and then decides each candidate with
`registry.directory.eligibility` and orders with its E4 key, so all backends give the same answer
as evaluating every document. `total` counts all fitting documents, before paging.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from registry.search.documents import PartnerDocument, SiteDocument

if TYPE_CHECKING:  # eligibility imports the documents: no import cycle at run time
    from registry.directory.eligibility import Case, Evaluation, PartnerQuery

DocT = TypeVar("DocT", SiteDocument, PartnerDocument)
QueryT = TypeVar("QueryT", "Case", "PartnerQuery")
QueryT_contra = TypeVar("QueryT_contra", "Case", "PartnerQuery", contravariant=True)
T = TypeVar("T")

#: rebuild progress: called with the number of documents written so far.
Progress = Callable[[int], None]

SITES = "sites"
PARTNERS = "partners"


class SearchError(RuntimeError):
    """The search backend failed (unreachable, a failed task, a corrupt index)."""


@dataclass(frozen=True)
class Hit(Generic[DocT]):
    doc: DocT
    distance_km: float


@dataclass(frozen=True)
class SearchResult(Generic[DocT]):
    total: int
    hits: list[Hit[DocT]]
    page: int = 1
    page_size: int = 20


@dataclass(frozen=True)
class Health:
    ok: bool
    backend: str
    detail: str = ""


class SearchIndex(Protocol[DocT, QueryT_contra]):
    """One index (sites or partners) of one backend."""

    name: str

    def upsert(self, docs: Iterable[DocT]) -> None:
        """Insert or replace documents by id; visible to searches when this returns."""
        ...

    def delete(self, ids: Iterable[str]) -> None:
        """Remove documents by id; unknown ids are ignored."""
        ...

    def search(
        self, query: QueryT_contra, page: int = 1, page_size: int = 20
    ) -> SearchResult[DocT]:
        """All fitting documents, ordered by rule E4, one page of them, and the total."""
        ...

    def get(self, doc_id: str) -> DocT | None: ...

    def count(self) -> int: ...

    def rebuild(self, docs: Iterable[DocT], progress: Progress | None = None) -> int:
        """Replace the whole content atomically; searches meanwhile answer from the old index.

        Returns the number of documents in the new index.
        """
        ...

    def health(self) -> Health: ...

    def close(self) -> None: ...


class SearchBackend(Protocol):
    """Both indexes of one backend."""

    @property
    def sites(self) -> SearchIndex[SiteDocument, Case]: ...

    @property
    def partners(self) -> SearchIndex[PartnerDocument, PartnerQuery]: ...

    def health(self) -> Health: ...

    def close(self) -> None: ...


def page_slice(items: Sequence[T], page: int, page_size: int) -> Sequence[T]:
    """Validate paging parameters and cut one page (pages start at 1)."""
    if page < 1:
        raise ValueError("Die Seite muss mindestens 1 sein.")
    if page_size < 1:
        raise ValueError("Die Seitengröße muss mindestens 1 sein.")
    start = (page - 1) * page_size
    return items[start : start + page_size]


def site_query_tags(case: Case) -> list[str]:
    """The tags (documents.site_tags) a site must carry to possibly fit a case (all required)."""
    tags = [f"tg:{group}" for group in case.target_groups]
    tags.append("flag:active")
    tags.extend(f"lang:{lang.casefold()}" for lang in case.languages)
    if case.barrier_free:
        tags.append("flag:barrier_free")
    if case.public_transport:
        tags.append("flag:public_transport")
    if case.outreach:
        tags.append("flag:outreach")
    return list(dict.fromkeys(tags))


def partner_query_tags(query: PartnerQuery) -> tuple[list[str], list[str]]:
    """(all required, at least one required) tags for a partner query (documents.partner_tags)."""
    required = ["flag:active", *(f"tg:{group}" for group in query.target_groups)]
    return list(dict.fromkeys(required)), [f"type:{t}" for t in query.types]


def site_search_radius(case: Case, max_catchment: float, max_outreach: float) -> float:
    """The radius around the place that holds every site that can fit (for candidate retrieval)."""
    radius = max_catchment
    if case.outreach:
        radius = min(radius, max_outreach)
    if case.max_distance_km is not None:
        radius = min(radius, case.max_distance_km)
    return max(radius, 0.0)


def partner_search_radius(query: PartnerQuery, max_service_radius: float) -> float:
    radius = max_service_radius
    if query.max_distance_km is not None:
        radius = min(radius, query.max_distance_km)
    return max(radius, 0.0)


class RankedSearch(ABC, Generic[DocT, QueryT]):
    """What every backend shares: its candidates (a superset, the backend's own retrieval) are
    decided by the rules and ordered by rule E4; paging comes after, so the total is exact."""

    @abstractmethod
    def candidates(self, query: QueryT) -> list[DocT]: ...

    @abstractmethod
    def _evaluate(self, doc: DocT, query: QueryT) -> Evaluation[DocT]: ...

    def _fits(self, doc: DocT, query: QueryT) -> float | None:
        """The distance of a fitting document, else None (the search's hot path)."""
        evaluation = self._evaluate(doc, query)
        return evaluation.distance_km if evaluation.eligible else None

    def evaluations(self, query: QueryT) -> list[Evaluation[DocT]]:
        """All fitting documents, decided by the rules and ordered by rule E4."""
        from registry.directory.eligibility import Evaluation, rank_key

        fitting = []
        for doc in self.candidates(query):
            distance = self._fits(doc, query)
            if distance is not None:
                fitting.append(Evaluation(doc, True, distance))
        fitting.sort(key=rank_key)
        return fitting

    def search(self, query: QueryT, page: int = 1, page_size: int = 20) -> SearchResult[DocT]:
        ranked = self.evaluations(query)
        hits = [Hit(e.doc, e.distance_km) for e in page_slice(ranked, page, page_size)]
        return SearchResult(total=len(ranked), hits=hits, page=page, page_size=page_size)
