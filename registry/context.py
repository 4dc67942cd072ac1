"""The running registry: its configuration and open backends, passed to every service."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from registry.graph import open_graph
from registry.graph.ports import GraphStore, Tx
from registry.graph.repository import QueryRunner, Repository
from registry.settings import Settings

R = TypeVar("R", bound=Repository)


@dataclass
class Registry:
    settings: Settings
    graph: GraphStore
    search: Any = None  # registry.search.ports.SearchIndex
    geocoder: Any = None  # registry.geo.Geocoder
    reference: Any = None  # registry.reference.Reference
    extras: dict[str, Any] = field(default_factory=dict)
    #: fakes a use-case test installed, by repository class (see registry.graph.repository)
    fakes: dict[type, Any] = field(default_factory=dict)

    def repo(self, kind: type[R], source: Tx | GraphStore | QueryRunner | None = None) -> R:
        """The ``kind`` repository on a unit of work (``source``) or, without one, for reads."""
        fake = self.fakes.get(kind)
        if fake is not None:
            return fake
        return kind.on(source if source is not None else self.graph)

    def close(self) -> None:
        if self.search is not None:
            self.search.close()
        self.graph.close()


def owner_only(data_dir: Path) -> None:
    """Issue 14: the data directory and every directory in it 0700, every file 0600 (the
    graph, the search index, the secret key, the admin channel); symlinks are left alone."""
    if not data_dir.is_dir():
        return
    for path in [data_dir, *data_dir.rglob("*")]:
        if path.is_symlink():
            continue
        with contextlib.suppress(OSError):
            path.chmod(0o700 if path.is_dir() else 0o600)


def open_registry(settings: Settings, *, with_search: bool = True) -> Registry:
    """Open every backend the configuration selects. The data directory is the owner's only:
    the process umask becomes 077 (the engines keep adding files: log, checkpoints, index
    segments) and what is there already is narrowed to 0700 / 0600."""
    from registry.geo import make_geocoder
    from registry.reference import load_reference

    os.umask(0o077)
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    owner_only(settings.data_dir)
    reference = load_reference()
    graph = open_graph(settings)
    reg = Registry(settings=settings, graph=graph, reference=reference)
    reg.geocoder = make_geocoder(settings.geocoder, reference)
    if with_search:
        from registry.search import open_search

        reg.search = open_search(
            settings.search_url, settings.data_dir, settings.search_key or None
        )
    owner_only(settings.data_dir)
    return reg
