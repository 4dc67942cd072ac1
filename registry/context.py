"""The running registry: its configuration and open backends, passed to every service."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

# the field types are imported at run time: Litestar resolves them when a handler names a
# ``Registry`` parameter
from registry.auth.throttle import LoginThrottle
from registry.geo import Geocoder
from registry.graph import open_graph
from registry.graph.ports import GraphStore, Tx
from registry.graph.repository import QueryRunner, Repository
from registry.reach import Reach
from registry.reference import Reference
from registry.search.ports import SearchBackend
from registry.settings import Settings

R = TypeVar("R", bound=Repository)
T = TypeVar("T")


@dataclass
class Registry:
    settings: Settings
    graph: GraphStore
    reference: Reference
    geocoder: Geocoder
    #: None when opened without search (``open_registry(with_search=False)``); see ``index``
    search: SearchBackend | None = None
    #: failed logins per name and address (issue 14), made on first use (registry.auth.service)
    login_throttle: LoginThrottle | None = None
    #: the reach of the reference geography, built on first use (registry.reach)
    reach: Reach | None = None
    #: a bulk job (the demo generator) drains the search outbox once at its end, not per commit
    defer_index: bool = False
    #: fakes a use-case test installed, by repository class (see registry.graph.repository)
    fakes: dict[type, Any] = field(default_factory=dict)

    @property
    def index(self) -> SearchBackend:
        """The search backend, for code that needs one."""
        if self.search is None:
            raise RuntimeError("registry opened without a search index")
        return self.search

    def repo(self, kind: type[R], source: Tx | GraphStore | QueryRunner | None = None) -> R:
        """The ``kind`` repository on a unit of work (``source``) or, without one, for reads."""
        fake = self.fakes.get(kind)
        if fake is not None:
            return fake
        return kind.on(source if source is not None else self.graph)

    def unit_of_work(self, work: Callable[[Tx], T]) -> T:
        """Run ``work`` as one unit of work: everything it writes through the repositories it
        makes on the ``Tx`` (``reg.repo(Kind, tx)``) commits, or nothing does. The one way use
        cases open a transaction; only ``registry/graph/`` and the repositories touch the graph
        (``tests/unit/test_layering.py``). ``work`` may be retried, so it must be idempotent
        apart from its writes."""
        return self.graph.write(work)

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
    reg = Registry(
        settings=settings,
        graph=graph,
        reference=reference,
        geocoder=make_geocoder(settings.geocoder, reference),
    )
    if with_search:
        from registry.search import open_search

        reg.search = open_search(
            settings.search_url, settings.data_dir, settings.search_key or None
        )
    owner_only(settings.data_dir)
    return reg
