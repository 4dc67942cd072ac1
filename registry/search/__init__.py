"""The search read model (port, documents, embedded tantivy and Meilisearch backends).

Importing this package loads neither tantivy nor the Meilisearch client: `open_search` imports
the backend it needs.
"""

from __future__ import annotations

from pathlib import Path

from registry.search.documents import (
    Address,
    AdmissionState,
    Contact,
    PartnerDocument,
    SiteDocument,
)
from registry.search.ports import (
    Health,
    Hit,
    SearchBackend,
    SearchError,
    SearchIndex,
    SearchResult,
)

__all__ = [
    "Address",
    "AdmissionState",
    "Contact",
    "Health",
    "Hit",
    "PartnerDocument",
    "SearchBackend",
    "SearchError",
    "SearchIndex",
    "SearchResult",
    "SiteDocument",
    "open_search",
]


def open_search(
    url: str | None,
    data_dir: Path | str,
    api_key: str | None = None,
    index_prefix: str = "registry_",
) -> SearchBackend:
    """The backend `REGISTRY_SEARCH_URL` selects.

    None or "" (or "embedded"): tantivy under `<data_dir>/search`. "http(s)://...": Meilisearch
    at that address with `api_key` (`REGISTRY_SEARCH_KEY`), indexes named
    `<index_prefix>sites` and `<index_prefix>partners`.
    """
    if not url or url == "embedded":
        from registry.search.embedded import EmbeddedSearch

        return EmbeddedSearch(Path(data_dir) / "search")
    if url.startswith(("http://", "https://")):
        from registry.search.meilisearch import MeilisearchSearch

        return MeilisearchSearch(url, api_key, index_prefix=index_prefix)
    raise ValueError(f"REGISTRY_SEARCH_URL nicht unterstützt: {url!r}")
