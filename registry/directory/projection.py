"""The directory read model: graph (source of truth) -> search documents, and its outbox.

Every committed change that can affect the directory adds an outbox row (``site:<id>`` or
``partner_site:<id>``) in the same unit of work. After the commit the outbox is drained into the
search index; if the index is down the rows stay and a later drain (the server retries every
few seconds, and ``registry reindex`` rebuilds everything) catches up. Nothing acknowledged is
lost.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from registry.admission.provider_repository import ProviderRepository, ProviderRow, SiteRow
from registry.admission.repository import AdmissionRepository, AdmissionRow
from registry.clock import now
from registry.dates import day
from registry.directory.outbox import OutboxRepository, OutboxRow
from registry.graph.ports import Tx
from registry.network.repository import NetworkRepository
from registry.search.documents import (
    Address,
    AdmissionState,
    Contact,
    PartnerDocument,
    SiteDocument,
)

if TYPE_CHECKING:  # the registry holds the graph whose migrations enqueue projections
    from registry.context import Registry

log = logging.getLogger("registry.projection")

BATCH = 500


def enqueue(tx: Tx, kind: str, ref_ids: Iterable[str]) -> None:
    """Within a unit of work: mark sites or partners whose documents must be rewritten."""
    stamp = now().isoformat()
    rows: list[OutboxRow] = [
        {"id": f"{kind}:{ref}", "kind": kind, "ref_id": ref, "created_at": stamp}
        for ref in sorted(set(ref_ids))
    ]
    if rows:
        OutboxRepository.on(tx).add(rows)


def site_documents_from_rows(
    sites: Sequence[SiteRow],
    providers: Mapping[str, ProviderRow],
    admissions: Sequence[AdmissionRow],
) -> list[SiteDocument]:
    by_site: dict[str, dict[str, AdmissionState]] = {}
    for a in admissions:
        by_site.setdefault(a["site_id"], {})[a["target_group"]] = AdmissionState(
            status=a["status"], since=day(a["changed_at"])
        )
    docs = []
    for s in sites:
        provider: Mapping[str, Any] = providers.get(s["provider_id"]) or {}
        details: dict[str, Any] = json.loads(s["details"] or "{}")
        modes = details.get("counselling_modes") or {}
        docs.append(
            SiteDocument(
                id=s["id"],
                provider_id=s["provider_id"],
                provider_name=provider.get("name", ""),
                provider_email=provider.get("email") or None,
                provider_phone=details.get("contact_phone") or provider.get("phone") or None,
                provider_website=provider.get("website") or None,
                provider_active=bool(provider.get("active", False)),
                site_name=s["name"],
                site_active=bool(s["active"]),
                address=Address(street=s["street"], postal_code=s["postal_code"], place=s["place"]),
                district_key=s["district_key"],
                responsible_carrier=s["responsible_carrier"],
                lat=float(s["lat"]),
                lon=float(s["lon"]),
                catchment_radius_km=float(s["catchment_radius_km"]),
                outreach_radius_km=s["outreach_radius_km"],
                languages=tuple(s["languages"] or ()),
                barrier_free=bool(s["barrier_free"]),
                public_transport=bool(s["public_transport"]),
                admissions=by_site.get(s["id"], {}),
                opening_hours=details.get("opening_hours", ""),
                counselling_modes=tuple(k for k, v in sorted(modes.items()) if v),
                accepts_new_cases=bool(details.get("accepts_new_cases", True)),
                waiting_time_weeks=details.get("waiting_time_weeks"),
                accessibility_notes=details.get("accessibility_notes", ""),
                confirmed_on=day(s["confirmed_on"]),
                description=details.get("description", ""),
            )
        )
    return docs


def load_site_documents(reg: Registry, site_ids: list[str]) -> list[SiteDocument]:
    """Documents of the given sites as the graph has them now (indexed or not)."""
    if not site_ids:
        return []
    sites = reg.repo(ProviderRepository).sites(site_ids)
    provider_ids = sorted({s["provider_id"] for s in sites})
    providers = {p["id"]: p for p in reg.repo(ProviderRepository).get_many(provider_ids)}
    admissions = reg.repo(AdmissionRepository).admissions_of_sites(site_ids)
    return site_documents_from_rows(sites, providers, admissions)


def load_partner_documents(reg: Registry, site_ids: list[str]) -> list[PartnerDocument]:
    """Documents of the given partner sites (rule E7)."""
    if not site_ids:
        return []
    docs = []
    for row in reg.repo(NetworkRepository).partner_site_documents(site_ids):
        contacts = json.loads(row["contacts"] or "[]")
        docs.append(
            PartnerDocument(
                id=row["id"],
                partner_id=row["partner_id"],
                name=row["name"],
                type=row["type"],
                site_name=row["site_name"],
                services=tuple(row["services"] or ()),
                target_groups=tuple(sorted(row["target_groups"] or ())),
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                service_radius_km=float(row["service_radius_km"]),
                address=Address(
                    street=row["street"], postal_code=row["postal_code"], place=row["place"]
                ),
                contacts=tuple(Contact.from_dict(c) for c in contacts),
                active=bool(row["active"]),
            )
        )
    return docs


def _apply(reg: Registry, kind: str, ref_ids: list[str]) -> None:
    if kind == "site":
        docs = load_site_documents(reg, ref_ids)
        keep = [d for d in docs if d.has_admission]
        keep_ids = {d.id for d in keep}
        if keep:
            reg.index.sites.upsert(keep)
        drop = [i for i in ref_ids if i not in keep_ids]
        if drop:
            reg.index.sites.delete(drop)
    elif kind == "partner_site":
        pdocs = load_partner_documents(reg, ref_ids)
        live = [d for d in pdocs if d.active]
        if live:
            reg.index.partners.upsert(live)
        live_ids = {d.id for d in live}
        gone = [i for i in ref_ids if i not in live_ids]
        if gone:
            reg.index.partners.delete(gone)


def _remove_outbox_rows(reg: Registry, rows: list[dict[str, Any]]) -> None:
    reg.unit_of_work(lambda tx: reg.repo(OutboxRepository, tx).remove(rows))


_DRAIN_LOCK = threading.Lock()


def drain(reg: Registry, limit: int = 2000) -> int:
    """Apply pending outbox rows to the search index; returns how many were applied.

    Safe to call at any time and from several places: a row is removed only if it was not
    re-queued meanwhile (its ``created_at`` still matches). Drains of one process run one at a
    time: two overlapping drains could otherwise apply an older document after a newer one
    (drain A loads site X, drain B loads and applies X's newer state, A applies its stale one).
    """
    if reg.search is None:
        return 0
    with _DRAIN_LOCK:
        return _drain(reg, limit)


def _drain(reg: Registry, limit: int) -> int:
    applied = 0
    while True:
        rows = reg.repo(OutboxRepository).pending(limit)
        if not rows:
            return applied
        for kind in ("site", "partner_site"):
            refs = [r["ref_id"] for r in rows if r["kind"] == kind]
            for i in range(0, len(refs), BATCH):
                _apply(reg, kind, refs[i : i + BATCH])
        done = [{"id": r["id"], "created_at": r["created_at"]} for r in rows]
        _remove_outbox_rows(reg, done)
        applied += len(rows)
        if len(rows) < limit:
            return applied


#: Set when a drain after a commit failed: the server's background task (registry.app)
#: retries every few seconds until one succeeds; it also drains once when the server starts
#: (rows a crash left between a commit and its drain).
drain_failed = threading.Event()


def try_drain(reg: Registry) -> None:
    """Drain after a commit; an index failure is logged and left for the retry loop."""
    if reg.defer_index:
        return  # a bulk job (the demo generator) drains once at its end; the outbox keeps all
    try:
        drain(reg)
    except Exception:  # noqa: BLE001 - the change is committed; the outbox keeps it
        drain_failed.set()
        log.warning("search index not updated now; the outbox will retry", exc_info=True)


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for i in range(0, len(ids), BATCH):
        yield ids[i : i + BATCH]


def reindex(reg: Registry, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild both indexes from the graph; searches keep answering meanwhile.

    Reads the site, provider and admission tables whole (one query each): on the embedded
    engine a filter on an id list scans the table anyway, so batches would cost a scan each.
    """
    sites = reg.repo(ProviderRepository).all_sites()
    providers = {p["id"]: p for p in reg.repo(ProviderRepository).all_providers()}
    admissions = reg.repo(AdmissionRepository).all_admissions()
    partner_ids = reg.repo(NetworkRepository).partner_site_ids()
    total = len(sites) + len(partner_ids)
    reg.unit_of_work(lambda tx: reg.repo(OutboxRepository, tx).clear())
    docs = site_documents_from_rows(sites, providers, admissions)
    done = 0

    def site_docs() -> Iterator[SiteDocument]:
        nonlocal done
        for doc in docs:
            done += 1
            if progress and done % BATCH == 0:
                progress(done, total)
            if doc.has_admission:
                yield doc

    def partner_docs() -> Iterator[PartnerDocument]:
        nonlocal done
        for chunk in _chunks(partner_ids):
            yield from (d for d in load_partner_documents(reg, chunk) if d.active)
            done += len(chunk)
            if progress:
                progress(done, total)

    count = reg.index.sites.rebuild(site_docs())
    count += reg.index.partners.rebuild(partner_docs())
    if progress:
        progress(total, total)
    return count
