"""Open the search backend the configuration selects (embedded unless a Meilisearch URL is set)."""

from __future__ import annotations

from typing import Any

from registry.settings import Settings


def open_search(settings: Settings) -> Any:
    if settings.embedded_search:
        from registry.search.embedded import EmbeddedSearch

        return EmbeddedSearch(settings.data_dir / "search")
    from registry.search.meilisearch import MeilisearchSearch

    return MeilisearchSearch(settings.search_url, settings.search_key or None)
