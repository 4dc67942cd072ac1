"""The running registry: its configuration and open backends, passed to every service."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from registry.graph import open_graph
from registry.graph.ports import GraphStore
from registry.settings import Settings


@dataclass
class Registry:
    settings: Settings
    graph: GraphStore
    search: Any = None  # registry.search.ports.SearchIndex
    geocoder: Any = None  # registry.geo.Geocoder
    reference: Any = None  # registry.reference.Reference
    extras: dict[str, Any] = field(default_factory=dict)

    def close(self) -> None:
        if self.search is not None:
            self.search.close()
        self.graph.close()


def open_registry(settings: Settings, *, with_search: bool = True) -> Registry:
    """Open every backend the configuration selects."""
    from registry.geo import make_geocoder
    from registry.reference import load_reference

    reference = load_reference()
    graph = open_graph(settings)
    reg = Registry(settings=settings, graph=graph, reference=reference)
    reg.geocoder = make_geocoder(settings.geocoder, reference)
    if with_search:
        from registry.search import open_search

        reg.search = open_search(
            settings.search_url, settings.data_dir, settings.search_key or None
        )
    return reg
