"""One tantivy index in a local directory, in generations: the generic base of the embedded
search backend (`registry.search.embedded` holds its site and partner indexes).

Layout under the directory given to `EmbeddedSearch` (the app passes $REGISTRY_DATA_DIR/search)::

    sites/CURRENT            "<generation dir> <schema version>", replaced atomically
    sites/gen-<hex>/         the tantivy index that CURRENT names
    partners/...             the same for partner sites

Candidates are read from an in-memory cache keyed by a 63-bit key of the id (a fast field), so
a search parses no JSON once warm; a miss reads the stored JSON. Writes hold one lock per index
(tantivy allows one writer), commit, reload the reader and then update the cache and the
columns (a new snapshot, assigned at once).

`rebuild` builds a new generation directory while searches keep using the current one, then
replaces CURRENT (os.replace), swaps the in-memory state (cache and columns included) in one
assignment and removes the old directory. Writes wait for a running rebuild.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
import uuid
from abc import abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, cast

import tantivy

from registry.directory.eligibility import Evaluation
from registry.directory.text_rule import fuzzy_distance, query_terms, tokens
from registry.distance import bounding_box
from registry.search.columns import SiteColumns
from registry.search.documents import (
    doc_key,
)
from registry.search.ports import (
    DocT,
    Health,
    Progress,
    QueryT,
    RankedSearch,
    SearchError,
)

#: bump when the tantivy schema or the text rule changes: older generations are not opened.
SCHEMA_VERSION = "2"  # 2: search_text holds the admitted groups' words (E3)
_TEXT_ANALYZER = "registry_folded"
_WRITER_HEAP = 50_000_000
_BATCH_PROGRESS = 1000


def _analyzer() -> tantivy.TextAnalyzer:
    # The text field receives tokens already folded by text_rule.tokens, joined by spaces:
    # the analyzer only splits them again (no length limit, no further filtering), so the index
    # holds exactly the tokens the rule matches against.
    return tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()


@dataclass
class Generation(Generic[DocT]):
    """One open generation. Replaced as a whole by rebuild; never mutated but for the cache."""

    path: Path
    index: tantivy.Index
    writer: Any  # tantivy.IndexWriter; None once closed
    cache: dict[int, DocT]
    max_radius: float
    max_outreach: float
    #: sites: every document as columns (registry.search.columns); None until first needed
    columns: SiteColumns | None = None


class EmbeddedIndex(RankedSearch[DocT, QueryT]):
    """One tantivy index; subclasses say what is indexed and how a query is built."""

    name: str

    def __init__(self, directory: Path | str) -> None:
        self._dir = Path(directory)
        self._dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._closed = False
        #: True when an existing index could not be used and an empty one replaced it.
        self.needs_rebuild = False
        self._schema = self._build_schema()
        self._state: Generation[DocT] = self._open_current()

    # ------------------------------------------------------------------ subclass hooks

    @abstractmethod
    def _add_fields(self, builder: tantivy.SchemaBuilder) -> None: ...

    @abstractmethod
    def _fill(self, tdoc: tantivy.Document, doc: DocT) -> None: ...

    @abstractmethod
    def _from_dict(self, data: dict[str, Any]) -> DocT: ...

    @abstractmethod
    def _belongs(self, doc: DocT) -> bool: ...

    @abstractmethod
    def _clauses(self, query: QueryT, state: Generation[DocT]) -> list[tantivy.Query] | None:
        """Must-clauses for the candidates; None when nothing can fit."""

    @abstractmethod
    def _evaluate(self, doc: DocT, query: QueryT) -> Evaluation[DocT]: ...

    @abstractmethod
    def _radii(self, searcher: tantivy.Searcher) -> tuple[float, float]: ...

    def _changed(self, state: Generation[DocT], kept: list[DocT], removed: list[str]) -> None:
        """After a committed write: `kept` documents replaced or added, `removed` ids gone."""

    def _rebuilt(self, state: Generation[DocT]) -> None:
        """After a rebuild committed `state` (its cache holds every document), before the swap."""

    # ------------------------------------------------------------------ schema and files

    def _build_schema(self) -> tantivy.Schema:
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", tokenizer_name="raw", index_option="basic")
        builder.add_unsigned_field("key", fast=True)
        builder.add_text_field("tags", tokenizer_name="raw", index_option="basic")
        builder.add_text_field("text", tokenizer_name=_TEXT_ANALYZER, index_option="basic")
        builder.add_float_field("lat", indexed=True, fast=True)
        builder.add_float_field("lon", indexed=True, fast=True)
        builder.add_bytes_field("doc", stored=True)
        self._add_fields(builder)
        return builder.build()

    def _open_generation(self, path: Path, *, create: bool) -> Generation[DocT]:
        if create:
            path.mkdir(parents=True, exist_ok=False)
        try:
            index = tantivy.Index(self._schema, path=str(path), reuse=not create)
            index.register_tokenizer(_TEXT_ANALYZER, _analyzer())
            index.config_reader(reload_policy="Manual")
            writer = index.writer(heap_size=_WRITER_HEAP, num_threads=1)
        except (OSError, ValueError) as exc:
            raise SearchError(
                f"Suchindex {self.name} in {path} lässt sich nicht öffnen: {exc}"
            ) from exc
        state: Generation[DocT] = Generation(path, index, writer, {}, 0.0, 0.0)
        self._refresh_radii(state)
        return state

    def _read_pointer(self) -> str | None:
        pointer = self._dir / "CURRENT"
        try:
            name, version = pointer.read_text(encoding="utf-8").split()
        except (OSError, ValueError):
            return None
        if version != SCHEMA_VERSION or not (self._dir / name).is_dir():
            return None
        return name

    def _write_pointer(self, name: str) -> None:
        tmp = self._dir / f"CURRENT.{uuid.uuid4().hex}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(f"{name} {SCHEMA_VERSION}\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self._dir / "CURRENT")
        with contextlib.suppress(OSError):
            dir_fd = os.open(self._dir, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)

    def _remove_stale(self, keep: str) -> None:
        for entry in self._dir.iterdir():
            if entry.name == keep or entry.name == "CURRENT":
                continue
            if entry.name.startswith("gen-") and entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            elif entry.name.startswith("CURRENT.") and entry.name.endswith(".tmp"):
                entry.unlink(missing_ok=True)

    def _open_current(self) -> Generation[DocT]:
        """Open the generation CURRENT names; else start an empty one.

        An index written with another schema version, or one that cannot be opened, is replaced
        by an empty generation and reported by `health` until the next `rebuild` (the index is
        a projection of the graph: `registry reindex` restores it).
        """
        had_pointer = (self._dir / "CURRENT").exists()
        name = self._read_pointer()
        state: Generation[DocT] | None = None
        if name is not None:
            try:
                state = self._open_generation(self._dir / name, create=False)
            except SearchError:
                state = None
        if state is None:
            self.needs_rebuild = had_pointer
            name = f"gen-{uuid.uuid4().hex}"
            state = self._open_generation(self._dir / name, create=True)
            self._write_pointer(name)
        assert name is not None
        self._remove_stale(keep=name)
        return state

    # ------------------------------------------------------------------ helpers

    def _live(self) -> Generation[DocT]:
        if self._closed:
            raise SearchError(f"Suchindex {self.name} ist geschlossen")
        return self._state

    def _refresh_radii(self, state: Generation[DocT]) -> None:
        state.max_radius, state.max_outreach = self._radii(state.index.searcher())

    def _tantivy_doc(self, doc: DocT) -> tantivy.Document:
        tdoc = tantivy.Document()
        tdoc.add_text("id", doc.id)
        tdoc.add_unsigned("key", doc_key(doc.id))
        tdoc.add_float("lat", float(doc.lat))
        tdoc.add_float("lon", float(doc.lon))
        tdoc.add_text("text", " ".join(dict.fromkeys(tokens(doc.search_text))))
        tdoc.add_bytes("doc", json.dumps(doc.to_dict(), separators=(",", ":")).encode("utf-8"))
        self._fill(tdoc, doc)
        return tdoc

    def _load(self, searcher: tantivy.Searcher, address: tantivy.DocAddress) -> DocT:
        raw = searcher.doc(address).get_first("doc")
        if not isinstance(raw, bytes):
            raise SearchError(f"Suchindex {self.name}: gespeichertes Dokument fehlt")
        return self._from_dict(json.loads(raw))

    def _docs(
        self, state: Generation[DocT], searcher: tantivy.Searcher, addresses: Sequence[Any]
    ) -> list[DocT]:
        if not addresses:
            return []
        keys = cast(list[int], searcher.fast_field_values("key", list(addresses)))
        cache = state.cache
        out: list[DocT] = []
        for key, address in zip(keys, addresses, strict=True):
            doc = cache.get(key)
            if doc is None:
                # setdefault: never overwrite a newer document a writer put there meanwhile.
                doc = cache.setdefault(key, self._load(searcher, address))
            out.append(doc)
        return out

    @staticmethod
    def _term(schema: tantivy.Schema, field: str, value: str) -> tantivy.Query:
        return tantivy.Query.term_query(schema, field, value, index_option="basic")

    def _box(self, lat: float, lon: float, radius_km: float) -> list[tantivy.Query]:
        lat_min, lat_max, lon_min, lon_max = bounding_box(lat, lon, radius_km)
        ft = tantivy.FieldType.Float
        clauses = [tantivy.Query.range_query(self._schema, "lat", ft, lat_min, lat_max)]
        if lon_min is not None and lon_max is not None:
            clauses.append(tantivy.Query.range_query(self._schema, "lon", ft, lon_min, lon_max))
        return clauses

    def _text(self, text: str) -> list[tantivy.Query]:
        return [
            tantivy.Query.fuzzy_term_query(
                self._schema,
                "text",
                term,
                distance=fuzzy_distance(term),
                transposition_cost_one=True,
                prefix=True,
            )
            for _word, term in query_terms(text)
        ]

    def _commit(self, state: Generation[DocT]) -> None:
        state.writer.commit()
        state.index.reload()
        self._refresh_radii(state)

    # ------------------------------------------------------------------ the port

    def upsert(self, docs: Iterable[DocT]) -> None:
        """Insert or replace by id. A site without any admitted target group is removed."""
        with self._lock:
            state = self._live()
            batch = list({d.id: d for d in docs}.values())
            if not batch:
                return
            writer = state.writer
            kept: list[DocT] = []
            for doc in batch:
                writer.delete_documents_by_term("id", doc.id)
                if self._belongs(doc):
                    writer.add_document(self._tantivy_doc(doc))
                    kept.append(doc)
            self._commit(state)
            for doc in batch:
                state.cache.pop(doc_key(doc.id), None)
            for doc in kept:
                state.cache[doc_key(doc.id)] = doc
            kept_ids = {d.id for d in kept}
            self._changed(state, kept, [d.id for d in batch if d.id not in kept_ids])

    def delete(self, ids: Iterable[str]) -> None:
        with self._lock:
            state = self._live()
            unique = list(dict.fromkeys(ids))
            if not unique:
                return
            for doc_id in unique:
                state.writer.delete_documents_by_term("id", doc_id)
            self._commit(state)
            for doc_id in unique:
                state.cache.pop(doc_key(doc_id), None)
            self._changed(state, [], unique)

    def get(self, doc_id: str) -> DocT | None:
        state = self._live()
        searcher = state.index.searcher()
        result = searcher.search(self._term(self._schema, "id", doc_id), limit=1, count=False)
        docs = self._docs(state, searcher, [address for _score, address in result.hits])
        return docs[0] if docs else None

    def count(self) -> int:
        return int(self._live().index.searcher().num_docs)

    def preload(self) -> int:
        """Fill the document cache from the index (about 1-2 s for 50k sites).

        Optional: without it the cache fills as searches touch documents, and the first
        searches after opening parse stored JSON. Safe to run in a background thread.
        """
        state = self._live()
        searcher = state.index.searcher()
        total = searcher.num_docs
        if total == 0:
            return 0
        result = searcher.search(tantivy.Query.all_query(), limit=total, count=False)
        return len(self._docs(state, searcher, [address for _score, address in result.hits]))

    def _retrieve(
        self, query: QueryT, state: Generation[DocT]
    ) -> tuple[tantivy.Searcher, list[Any]]:
        """The addresses of the documents tantivy retrieves for a query (a superset)."""
        searcher = state.index.searcher()
        total = searcher.num_docs
        if total == 0:
            return searcher, []
        clauses = self._clauses(query, state)
        if clauses is None:
            return searcher, []
        if not clauses:
            tquery = tantivy.Query.all_query()
        elif len(clauses) == 1:
            tquery = clauses[0]
        else:
            tquery = tantivy.Query.boolean_query([(tantivy.Occur.Must, c) for c in clauses])
        result = searcher.search(tquery, limit=total, count=False)
        return searcher, [address for _score, address in result.hits]

    def candidates(self, query: QueryT) -> list[DocT]:
        """The documents tantivy retrieves for a query (a superset of the answer)."""
        state = self._live()
        searcher, addresses = self._retrieve(query, state)
        return self._docs(state, searcher, addresses)

    def rebuild(self, docs: Iterable[DocT], progress: Progress | None = None) -> int:
        with self._lock:
            old = self._live()
            name = f"gen-{uuid.uuid4().hex}"
            new = self._open_generation(self._dir / name, create=True)
            written = 0
            try:
                seen: set[str] = set()
                for doc in docs:
                    if not self._belongs(doc):
                        continue
                    if doc.id in seen:
                        new.writer.delete_documents_by_term("id", doc.id)
                    seen.add(doc.id)
                    new.writer.add_document(self._tantivy_doc(doc))
                    new.cache[doc_key(doc.id)] = doc
                    written += 1
                    if progress is not None and written % _BATCH_PROGRESS == 0:
                        progress(written)
                self._commit(new)
                self._rebuilt(new)
            except BaseException:
                self._discard(new)
                raise
            self._write_pointer(name)
            self._state = new  # searches from now on use the new generation
            self.needs_rebuild = False
            self._discard(old)
            if progress is not None:
                progress(written)
            return int(new.index.searcher().num_docs)

    def _discard(self, state: Generation[DocT]) -> None:
        writer, state.writer = state.writer, None
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.wait_merging_threads()
        shutil.rmtree(state.path, ignore_errors=True)

    def health(self) -> Health:
        try:
            count = self.count()
        except Exception as exc:  # health reports, never raises
            return Health(False, "embedded", f"{self.name}: {exc}")
        if self.needs_rebuild:
            return Health(False, "embedded", f"{self.name}: Index unbrauchbar, Neuaufbau nötig")
        return Health(True, "embedded", f"{self.name}: {count} Dokumente")

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            writer, self._state.writer = self._state.writer, None
            if writer is not None:
                with contextlib.suppress(Exception):
                    writer.wait_merging_threads()


def field_max(searcher: tantivy.Searcher, field: str) -> float:
    if searcher.num_docs == 0:
        return 0.0
    result = searcher.aggregate(tantivy.Query.all_query(), {"m": {"max": {"field": field}}})
    value = result.get("m", {}).get("value")
    return 0.0 if value is None else float(value)
