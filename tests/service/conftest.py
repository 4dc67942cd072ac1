"""Use-case tests on the repositories' in-memory fakes: no database (cosmicpython's unit tier).

:func:`fake_registry` builds a registry whose graph refuses every query (``NoGraph``): a use
case passes only if all its reads and writes go through the repositories installed as fakes.
:func:`shared_fakes` gives the fakes every area's use cases touch (audit trail, notices,
outbox); an area's tests add their own repository's fake. Shared by the areas' helpers: add,
don't replace.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from registry.audit import AuditRepository, InMemoryAuditRepository
from registry.context import Registry
from registry.directory.outbox import InMemoryOutboxRepository, OutboxRepository
from registry.geo import make_geocoder
from registry.graph.repository import NoGraph
from registry.notices import InMemoryNoticeRepository, NoticeRepository
from registry.reference import load_reference
from registry.settings import Settings


def shared_fakes() -> dict[type, Any]:
    """Fresh fakes of the shared repositories: audit trail, notices, outbox."""
    return {
        AuditRepository: InMemoryAuditRepository(),
        NoticeRepository: InMemoryNoticeRepository(),
        OutboxRepository: InMemoryOutboxRepository(),
    }


def fake_registry(tmp_path: Path, fakes: dict[type, Any]) -> Registry:
    """A registry on the given fakes, with the reference data and the offline geocoder."""
    reference = load_reference()
    reg = Registry(
        settings=Settings(data_dir=tmp_path),
        graph=NoGraph(fakes),
        reference=reference,
        geocoder=make_geocoder("gazetteer", reference),
        fakes=fakes,
    )
    return reg
