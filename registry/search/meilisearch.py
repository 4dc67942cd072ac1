"""The production search backend: Meilisearch, through the official `meilisearch` client.

Two indexes, `<prefix>sites` and `<prefix>partners`. The primary key is `key`, the hex form of
`documents.doc_key(id)` (Meilisearch allows only [A-Za-z0-9_-] in ids; ours may hold other
characters). Each stored document is `doc.to_dict()` plus `key`, `tags` (documents.site_tags /
partner_tags) and `_geo: {lat, lng}`.

A search asks Meilisearch for the candidates, a superset of the answer: a filter on the required
tags and `_geoRadius(lat, lng, metres)` with the radius of `ports.site_search_radius` (the largest
radius in the index comes from the facet stats of that field), sorted by `_geoPoint(lat, lng):asc`.
Free text is NOT sent as `q`: Meilisearch's typo rules differ from TEXT_RULE, so the exact
decision, text included, is the columnar exact check of `registry.search.columns` on the
candidates (partners: `eligibility.evaluate_partner` on each), as in the embedded backend;
both backends therefore give identical answers.

Every write returns a task; it is awaited and checked (`wait_for_task` does not raise on a failed
task: `_wait` does). `rebuild` fills a fresh index and swaps it with the live one in one task.
"""

from __future__ import annotations

import math
import threading
import uuid
from abc import abstractmethod
from collections.abc import Iterable, Sequence
from typing import Any

import meilisearch
from meilisearch.errors import MeilisearchApiError, MeilisearchError
from meilisearch.models.task import TaskInfo

from registry.directory.eligibility import (
    Case,
    Evaluation,
    PartnerQuery,
    evaluate,
    evaluate_partner,
)
from registry.search.columns import ColumnarSiteSearch, SiteColumns
from registry.search.documents import (
    PartnerDocument,
    SiteDocument,
    doc_key,
    partner_tags,
    site_tags,
)
from registry.search.ports import (
    PARTNERS,
    SITES,
    DocT,
    Health,
    Progress,
    QueryT,
    RankedSearch,
    SearchError,
    partner_query_tags,
    partner_search_radius,
    site_query_tags,
    site_search_radius,
)

_BATCH = 1000
_PAGE = 1000
_MAX_TOTAL_HITS = 1_000_000
_TASK_TIMEOUT_MS = 120_000


def _key(doc_id: str) -> str:
    return format(doc_key(doc_id), "016x")


def _quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _geo_radius_filter(lat: float, lon: float, radius_km: float) -> str:
    # Meilisearch measures with haversine on its own earth radius: widen a little so that the
    # candidate set is never smaller than what the exact rule (geopy great_circle) keeps.
    metres = math.ceil(radius_km * 1000.0 * 1.001) + 1
    return f"_geoRadius({lat!r}, {lon!r}, {metres})"


class MeilisearchIndex(RankedSearch[DocT, QueryT]):
    """One Meilisearch index; subclasses say what is stored and how a query is filtered."""

    name: str
    radius_field: str

    def __init__(self, client: meilisearch.Client, uid: str) -> None:
        self._client = client
        self.uid = uid
        # Writes wait for a running rebuild in this process (a write to the live index during
        # a rebuild would be lost by the swap). Run one writer process per server.
        self._write_lock = threading.RLock()
        self._ensure(uid)

    # ------------------------------------------------------------------ subclass hooks

    @abstractmethod
    def _tags(self, doc: DocT) -> list[str]: ...

    @abstractmethod
    def _from_dict(self, data: dict[str, Any]) -> DocT: ...

    @abstractmethod
    def _belongs(self, doc: DocT) -> bool: ...

    @abstractmethod
    def _filter(self, query: QueryT, max_radius: float) -> list[str | list[str]]: ...

    @abstractmethod
    def _evaluate(self, doc: DocT, query: QueryT) -> Evaluation[DocT]: ...

    @abstractmethod
    def _point(self, query: QueryT) -> tuple[float, float]: ...

    # ------------------------------------------------------------------ plumbing

    def _settings(self) -> dict[str, Any]:
        return {
            "filterableAttributes": ["id", "tags", "_geo", self.radius_field],
            "sortableAttributes": ["_geo"],
            "pagination": {"maxTotalHits": _MAX_TOTAL_HITS},
        }

    def _wait(self, info: TaskInfo) -> None:
        try:
            task = self._client.wait_for_task(info.task_uid, timeout_in_ms=_TASK_TIMEOUT_MS)
        except MeilisearchError as exc:
            raise SearchError(f"Meilisearch: Aufgabe {info.task_uid} unbeantwortet: {exc}") from exc
        if task.status != "succeeded":
            raise SearchError(
                f"Meilisearch: Aufgabe {task.uid} ({task.type}) ist {task.status}: {task.error}"
            )

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except MeilisearchError as exc:
            raise SearchError(f"Meilisearch: {what} fehlgeschlagen: {exc}") from exc

    def _exists(self, uid: str) -> bool:
        try:
            self._client.get_index(uid)
        except MeilisearchApiError as exc:
            if exc.code == "index_not_found":
                return False
            raise SearchError(f"Meilisearch: Index {uid}: {exc}") from exc
        except MeilisearchError as exc:
            raise SearchError(f"Meilisearch: Index {uid}: {exc}") from exc
        return True

    def _ensure(self, uid: str) -> None:
        """Create the index (primary key `key`) if missing; apply the settings (idempotent)."""
        if not self._exists(uid):
            self._wait(
                self._call("Index anlegen", self._client.create_index, uid, {"primaryKey": "key"})
            )
        index = self._client.index(uid)
        self._wait(self._call("Einstellungen", index.update_settings, self._settings()))

    def _body(self, doc: DocT) -> dict[str, Any]:
        body = doc.to_dict()
        body["key"] = _key(doc.id)
        body["tags"] = self._tags(doc)
        body["_geo"] = {"lat": doc.lat, "lng": doc.lon}
        return body

    def _add(self, uid: str, docs: Sequence[DocT]) -> None:
        if docs:
            index = self._client.index(uid)
            body = [self._body(d) for d in docs]
            self._wait(self._call("Dokumente schreiben", index.add_documents, body, "key"))

    def _max_radius(self) -> float:
        result = self._call(
            "Suche",
            self._client.index(self.uid).search,
            "",
            {"limit": 0, "facets": [self.radius_field]},
        )
        stats = (result.get("facetStats") or {}).get(self.radius_field) or {}
        value = stats.get("max")
        return 0.0 if value is None else float(value)

    # ------------------------------------------------------------------ the port

    def upsert(self, docs: Iterable[DocT]) -> None:
        """Insert or replace by id. A site without any admitted target group is removed."""
        batch = list({d.id: d for d in docs}.values())
        gone = [_key(d.id) for d in batch if not self._belongs(d)]
        kept = [d for d in batch if self._belongs(d)]
        with self._write_lock:
            for start in range(0, len(kept), _BATCH):
                self._add(self.uid, kept[start : start + _BATCH])
            if gone:
                index = self._client.index(self.uid)
                self._wait(self._call("Dokumente löschen", index.delete_documents, gone))

    def delete(self, ids: Iterable[str]) -> None:
        keys = [_key(i) for i in dict.fromkeys(ids)]
        if keys:
            with self._write_lock:
                index = self._client.index(self.uid)
                self._wait(self._call("Dokumente löschen", index.delete_documents, keys))

    def get(self, doc_id: str) -> DocT | None:
        try:
            found = self._client.index(self.uid).get_document(_key(doc_id))
        except MeilisearchApiError as exc:
            if exc.code == "document_not_found":
                return None
            raise SearchError(f"Meilisearch: Dokument lesen fehlgeschlagen: {exc}") from exc
        except MeilisearchError as exc:
            raise SearchError(f"Meilisearch: Dokument lesen fehlgeschlagen: {exc}") from exc
        return self._from_dict(dict(found))

    def count(self) -> int:
        stats = self._call("Statistik", self._client.index(self.uid).get_stats)
        return int(stats.number_of_documents)

    def candidates(self, query: QueryT) -> list[DocT]:
        """The documents Meilisearch retrieves for a query (a superset of the answer)."""
        max_radius = self._max_radius()
        lat, lon = self._point(query)
        options: dict[str, Any] = {
            "filter": self._filter(query, max_radius),
            "sort": [f"_geoPoint({lat!r}, {lon!r}):asc"],
            "hitsPerPage": _PAGE,
        }
        index = self._client.index(self.uid)
        out: list[DocT] = []
        page = 1
        while True:
            result = self._call("Suche", index.search, "", {**options, "page": page})
            out.extend(self._from_dict(hit) for hit in result.get("hits", []))
            if page >= int(result.get("totalPages") or 0):
                break
            page += 1
        return out

    def rebuild(self, docs: Iterable[DocT], progress: Progress | None = None) -> int:
        """Fill a fresh index, then swap it with the live one (one task), then drop the old."""
        with self._write_lock:
            return self._rebuild(docs, progress)

    def _rebuild(self, docs: Iterable[DocT], progress: Progress | None) -> int:
        tmp = f"{self.uid}__rebuild_{uuid.uuid4().hex[:12]}"
        self._ensure(tmp)
        try:
            written = 0
            batch: list[DocT] = []
            for doc in docs:
                if not self._belongs(doc):
                    continue
                batch.append(doc)
                if len(batch) >= _BATCH:
                    self._add(tmp, batch)
                    written += len(batch)
                    batch = []
                    if progress is not None:
                        progress(written)
            self._add(tmp, batch)
            written += len(batch)
            self._ensure(self.uid)
            swap = [{"indexes": [self.uid, tmp]}]
            self._wait(self._call("Index tauschen", self._client.swap_indexes, swap))
        finally:
            # after the swap `tmp` holds the old content; before it, the half-built one.
            self._wait(self._call("Index löschen", self._client.delete_index, tmp))
        if progress is not None:
            progress(written)
        return self.count()

    def health(self) -> Health:
        try:
            healthy = self._client.is_healthy()
            count = self.count() if healthy else 0
        except Exception as exc:  # health reports, never raises
            return Health(False, "meilisearch", f"{self.name}: {exc}")
        if not healthy:
            return Health(False, "meilisearch", f"{self.name}: Server nicht verfügbar")
        return Health(True, "meilisearch", f"{self.name}: {count} Dokumente")

    def close(self) -> None:
        """Nothing to release: the client holds no open connection of its own."""

    def drop(self) -> None:
        """Delete the index on the server (tests and `registry` maintenance only)."""
        self._wait(self._call("Index löschen", self._client.delete_index, self.uid))


class MeilisearchSiteIndex(ColumnarSiteSearch, MeilisearchIndex[SiteDocument, Case]):
    """The directory on Meilisearch: its candidates are decided and ordered by the same
    columnar exact check as the embedded index's documents (`registry.search.columns`)."""

    name = SITES
    radius_field = "catchment_radius_km"

    def _site_columns(self, query: Case) -> SiteColumns:
        return SiteColumns.from_docs(self.candidates(query))

    def _settings(self) -> dict[str, Any]:
        settings = super()._settings()
        settings["filterableAttributes"].append("outreach_radius_km")
        return settings

    def _tags(self, doc: SiteDocument) -> list[str]:
        return site_tags(doc)

    def _from_dict(self, data: dict[str, Any]) -> SiteDocument:
        return SiteDocument.from_dict(data)

    def _belongs(self, doc: SiteDocument) -> bool:
        return doc.has_admission

    def _point(self, query: Case) -> tuple[float, float]:
        return query.lat, query.lon

    def _max_outreach(self) -> float:
        result = self._call(
            "Suche",
            self._client.index(self.uid).search,
            "",
            {"limit": 0, "facets": ["outreach_radius_km"]},
        )
        stats = (result.get("facetStats") or {}).get("outreach_radius_km") or {}
        value = stats.get("max")
        return 0.0 if value is None else float(value)

    def _filter(self, query: Case, max_radius: float) -> list[str | list[str]]:
        max_outreach = self._max_outreach() if query.outreach else 0.0
        radius = site_search_radius(query, max_radius, max_outreach)
        clauses: list[str | list[str]] = [f"tags = {_quote(t)}" for t in site_query_tags(query)]
        clauses.append(_geo_radius_filter(query.lat, query.lon, radius))
        return clauses

    def _evaluate(self, doc: SiteDocument, query: Case) -> Evaluation[SiteDocument]:
        return evaluate(doc, query)


class MeilisearchPartnerIndex(MeilisearchIndex[PartnerDocument, PartnerQuery]):
    name = PARTNERS
    radius_field = "service_radius_km"

    def _tags(self, doc: PartnerDocument) -> list[str]:
        return partner_tags(doc)

    def _from_dict(self, data: dict[str, Any]) -> PartnerDocument:
        return PartnerDocument.from_dict(data)

    def _belongs(self, doc: PartnerDocument) -> bool:
        return True

    def _point(self, query: PartnerQuery) -> tuple[float, float]:
        return query.lat, query.lon

    def _filter(self, query: PartnerQuery, max_radius: float) -> list[str | list[str]]:
        required, any_of = partner_query_tags(query)
        clauses: list[str | list[str]] = [f"tags = {_quote(t)}" for t in required]
        if any_of:
            clauses.append([f"tags = {_quote(t)}" for t in any_of])
        radius = partner_search_radius(query, max_radius)
        clauses.append(_geo_radius_filter(query.lat, query.lon, radius))
        return clauses

    def _evaluate(self, doc: PartnerDocument, query: PartnerQuery) -> Evaluation[PartnerDocument]:
        return evaluate_partner(doc, query)


class MeilisearchSearch:
    """The Meilisearch backend: both indexes on one server."""

    def __init__(
        self,
        url: str,
        api_key: str | None = None,
        *,
        index_prefix: str = "registry_",
        timeout_s: int = 30,
    ) -> None:
        self._client = meilisearch.Client(url, api_key, timeout=timeout_s)
        self._sites = MeilisearchSiteIndex(self._client, f"{index_prefix}{SITES}")
        self._partners = MeilisearchPartnerIndex(self._client, f"{index_prefix}{PARTNERS}")

    @property
    def sites(self) -> MeilisearchSiteIndex:
        return self._sites

    @property
    def partners(self) -> MeilisearchPartnerIndex:
        return self._partners

    def health(self) -> Health:
        parts = [self._sites.health(), self._partners.health()]
        return Health(all(p.ok for p in parts), "meilisearch", "; ".join(p.detail for p in parts))

    def close(self) -> None:
        self._sites.close()
        self._partners.close()
