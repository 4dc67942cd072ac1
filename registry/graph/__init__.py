"""Graph layer: one port (:mod:`registry.graph.ports`), an embedded and a Neo4j backend."""

from __future__ import annotations

from registry.graph.ports import GraphStore
from registry.settings import Settings


def open_graph(settings: Settings) -> GraphStore:
    """Open the backend the configuration selects (embedded unless a Neo4j URL is set)."""
    if settings.embedded_graph:
        from registry.graph.embedded import EmbeddedGraph

        return EmbeddedGraph(settings.data_dir / "graph", settings.graph_buffer_pool_mb)
    from registry.graph.neo4j import Neo4jGraph

    return Neo4jGraph(
        settings.graph_url,
        settings.graph_user,
        settings.graph_password,
        settings.graph_database,
    )
