"""Keeping the shared network of partners current (N1): create, change, read, list.

Partners are one shared network: case managers, network strategists and admins of any carrier
read them. A partner is changed by the case managers and strategists of a carrier that works
with it (listed in its ``carriers``; creating a partner adds the creator's carrier), and by
admins (a carrier-scoped admin like its carrier's staff). Rule N4: a carrier adds or removes
only itself from ``carriers`` (422 naming the field otherwise); a carrier that does not yet
work with a partner joins it by adding itself. Every change writes the outbox rows
that keep the partner search (E7) current, in the same unit of work as its audit event.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from registry import clock
from registry.audit import record_event
from registry.auth import Principal, Role
from registry.context import Registry
from registry.directory.projection import enqueue, try_drain
from registry.directory.text_rule import fold
from registry.errors import Conflict, Forbidden, InvalidInput, NotFound, Problem
from registry.graph.ports import Tx
from registry.ids import new_id
from registry.network import parties, partner_rules
from registry.network.model import Contact, Partner, PartnerSite
from registry.network.repository import (
    NetworkRepository,
    PartnerRow,
    PartnerSiteRow,
    PartnerValues,
)
from registry.network.shared import (
    PARTNER_EDITORS,
    PARTNER_READERS,
    resolve_address,
    target_group_codes,
)


def _may_edit_partner(principal: Principal, carriers: Sequence[str]) -> bool:
    if principal.role not in PARTNER_EDITORS:
        return False
    if principal.role is Role.ADMIN and not principal.carrier:
        return True
    return principal.carrier is not None and principal.carrier in carriers


def _joins(principal: Principal, carriers: Sequence[str], changes: Mapping[str, Any]) -> bool:
    """Rule N4: a change that only adds the caller's own carrier to the partner's carriers (a
    carrier starts working with a partner of the shared network)."""
    given = {k for k, v in changes.items() if v is not None}
    return (
        principal.role in PARTNER_EDITORS
        and principal.carrier is not None
        and given == {"carriers"}
        and set(changes["carriers"]) == {*carriers, principal.carrier}
    )


def _contacts_json(contacts: Sequence[Mapping[str, Any]]) -> str:
    rows = [
        {
            "name": str(c.get("name") or ""),
            "role": str(c.get("role") or ""),
            "email": str(c.get("email") or ""),
            "phone": str(c.get("phone") or ""),
            "reachability": str(c.get("reachability") or ""),
        }
        for c in contacts
    ]
    return json.dumps(rows, ensure_ascii=False)


def _geocode_sites(
    reg: Registry, sites: Sequence[Mapping[str, Any]], existing: Mapping[str, PartnerSiteRow]
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Resolve each site's address; keep the id of a known site, mint one for a new site."""
    problems: list[Problem] = []
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, site in enumerate(sites):
        site_id = site.get("id") or ""
        if site_id:
            if site_id not in existing:
                problems.append(
                    Problem(f"sites[{i}].id", "Unbekannter Standort dieses Partners", "N1")
                )
                continue
            if site_id in seen:
                problems.append(Problem(f"sites[{i}].id", "Standort doppelt genannt", "N1"))
                continue
            seen.add(site_id)
        resolved, found = resolve_address(reg, site["address"], f"sites[{i}].address", "N1")
        problems.extend(found)
        if resolved is None:
            continue
        rows.append(
            {
                "id": site_id or new_id("psite"),
                "new": not site_id,
                "name": str(site.get("name") or ""),
                "street": str(site["address"].get("street") or ""),
                "postal_code": resolved.postal_code,
                "place": resolved.place,
                "district_key": resolved.district_key,
                "lat": float(resolved.lat),
                "lon": float(resolved.lon),
                "service_radius_km": float(site.get("service_radius_km") or 0.0),
            }
        )
    return rows, problems


def _partner_fact(
    partner_id: str, values: Mapping[str, Any], sites: Sequence[Mapping[str, Any]]
) -> Partner:
    return Partner(
        id=partner_id,
        name=str(values["name"]),
        type=str(values["type"]),
        sites=tuple(
            PartnerSite(
                name=s["name"],
                lat=s["lat"],
                lon=s["lon"],
                service_radius_km=s["service_radius_km"],
                district_key=s["district_key"],
                id=s["id"],
            )
            for s in sites
        ),
        services=tuple(values["services"]),
        target_groups=tuple(values["target_groups"]),
        contacts=tuple(
            Contact(
                name=str(c.get("name") or ""),
                role=str(c.get("role") or ""),
                email=str(c.get("email") or ""),
                phone=str(c.get("phone") or ""),
                reachability=str(c.get("reachability") or ""),
            )
            for c in values["contacts"]
        ),
        carriers=tuple(values["carriers"]),
    )


def _check_partner(reg: Registry, partner: Partner, site_problems: list[Problem]) -> None:
    """N1 on the partner. When addresses failed to resolve (`site_problems`), those replace the
    site checks (the partner's site list then lacks the failed sites, so indexes would shift)."""
    problems = list(
        partner_rules.validate_partner(
            partner,
            known_target_groups=target_group_codes(reg),
            known_carriers=set(reg.reference.carriers_by_id),
        )
    )
    if site_problems:
        problems = site_problems + [p for p in problems if not p.field.startswith("sites")]
    if problems:
        raise InvalidInput(problems)


def _partner_values(partner_id: str, values: Mapping[str, Any]) -> PartnerValues:
    return {
        "id": partner_id,
        "name": str(values["name"]),
        "type": str(values["type"]),
        "services": [str(s) for s in values["services"]],
        "target_groups": list(dict.fromkeys(values["target_groups"])),
        "carriers": list(dict.fromkeys(values["carriers"])),
        "contacts": _contacts_json(values["contacts"]),
        "active": bool(values.get("active", True)),
    }


def _site_rows(partner_id: str, sites: Sequence[Mapping[str, Any]]) -> list[PartnerSiteRow]:
    return [
        {
            "id": s["id"],
            "partner_id": partner_id,
            "name": s["name"],
            "street": s["street"],
            "postal_code": s["postal_code"],
            "place": s["place"],
            "district_key": s["district_key"],
            "lat": s["lat"],
            "lon": s["lon"],
            "service_radius_km": s["service_radius_km"],
        }
        for s in sites
    ]


def _ordered_groups(reg: Registry, codes: Iterable[str] | None) -> list[str]:
    """Target-group codes in the catalogue's order (docs/rules.md §4), unknown codes last."""
    order = {t.code: i for i, t in enumerate(reg.reference.target_groups)}
    return sorted(set(codes or ()), key=lambda c: (order.get(c, len(order)), c))


def create_partner(reg: Registry, principal: Principal, body: Mapping[str, Any]) -> dict[str, Any]:
    """N1: a new partner with its sites (geocoded) and contacts. The creator's carrier is added
    to the carriers that work with it, so that its staff may keep it current."""
    if principal.role not in PARTNER_EDITORS:
        raise Forbidden(
            "Netzwerkpartner pflegen Fallmanagement, Netzwerkarbeit und Administration."
        )
    values = dict(body)
    carriers = list(values.get("carriers") or [])
    # rule N4: a carrier adds only itself; the creator's carrier works with the new partner
    consent = parties.partner_carrier_problems([], carriers, principal.carrier)
    if consent:
        raise InvalidInput(list(consent))
    if principal.carrier and principal.carrier not in carriers:
        carriers.insert(0, principal.carrier)
    values["carriers"] = carriers
    partner_id = new_id("ptn")
    sites, geo_problems = _geocode_sites(reg, values.get("sites") or [], {})
    _check_partner(reg, _partner_fact(partner_id, values, sites), geo_problems)
    params = _partner_values(partner_id, values)
    now = clock.now_iso()

    def work(tx: Tx) -> None:
        reg.repo(NetworkRepository, tx).create_partner(
            params, sites=_site_rows(partner_id, sites), now=now
        )
        record_event(
            tx,
            actor=principal,
            subject_type="partner",
            subject_id=partner_id,
            action="partner.created",
            data={"name": params["name"], "sites": [s["id"] for s in sites]},
        )
        enqueue(tx, "partner_site", [s["id"] for s in sites])

    reg.unit_of_work(work)
    try_drain(reg)
    return _partner_view(reg, partner_id)


def update_partner(
    reg: Registry, principal: Principal, partner_id: str, changes: Mapping[str, Any]
) -> dict[str, Any]:
    """N1: change a partner (PATCH: only the given fields). ``sites``, when given, is the new
    list of sites: an entry with the ``id`` of a current site changes it, one without an id is
    new, and current sites not listed are removed."""
    row = _partner_row(reg, principal, partner_id)
    if not _may_edit_partner(principal, row["carriers"] or []) and not _joins(
        principal, row["carriers"] or [], changes
    ):
        raise Forbidden(
            "Nur Träger, die mit diesem Partner zusammenarbeiten, können ihn ändern.", rule="N1"
        )
    current_sites = {
        s["id"]: s for s in reg.repo(NetworkRepository).sites_of_partners([partner_id])
    }
    values: dict[str, Any] = {
        "name": row["name"],
        "type": row["type"],
        "services": list(row["services"] or []),
        "target_groups": _ordered_groups(reg, row["target_groups"]),
        "carriers": sorted(row["carriers"] or []),
        "contacts": json.loads(row["contacts"] or "[]"),
        "active": bool(row["active"]),
    }
    for key in ("name", "type", "services", "target_groups", "carriers", "contacts", "active"):
        if key in changes and changes[key] is not None:
            values[key] = changes[key]
    # rule N4: a carrier adds or removes only itself from the carriers working with the partner
    consent = parties.partner_carrier_problems(
        row["carriers"] or [], values["carriers"], principal.carrier
    )
    if consent:
        raise InvalidInput(list(consent))
    geo_problems: list[Problem] = []
    if changes.get("sites") is not None:
        sites, geo_problems = _geocode_sites(reg, changes["sites"], current_sites)
    else:
        sites = [{**dict(s), "new": False} for s in current_sites.values()]
    _check_partner(reg, _partner_fact(partner_id, values, sites), geo_problems)
    params = _partner_values(partner_id, values)
    new_sites = [s for s in sites if s["new"]]
    kept_sites = [s for s in sites if not s["new"]]
    removed = sorted(set(current_sites) - {s["id"] for s in kept_sites})
    now = clock.now_iso()

    def work(tx: Tx) -> None:
        if not reg.repo(NetworkRepository, tx).update_partner(
            params,
            version=row["version"],
            now=now,
            removed_site_ids=removed,
            kept_sites=_site_rows(partner_id, kept_sites),
            new_sites=_site_rows(partner_id, new_sites),
        ):
            raise Conflict("Der Partner wurde inzwischen geändert; bitte neu laden.")
        record_event(
            tx,
            actor=principal,
            subject_type="partner",
            subject_id=partner_id,
            action="partner.changed",
            data={
                "fields": sorted(k for k, v in changes.items() if v is not None),
                "sites_added": [s["id"] for s in new_sites],
                "sites_removed": removed,
            },
        )
        enqueue(tx, "partner_site", [*current_sites, *(s["id"] for s in sites)])

    reg.unit_of_work(work)
    try_drain(reg)
    return _partner_view(reg, partner_id)


def _partner_row(reg: Registry, principal: Principal, partner_id: str) -> PartnerRow:
    if principal.role not in PARTNER_READERS:
        raise NotFound("Netzwerkpartner nicht gefunden")
    row = reg.repo(NetworkRepository).get_partner(partner_id)
    if row is None:
        raise NotFound("Netzwerkpartner nicht gefunden")
    return row


def _site_view(reg: Registry, s: PartnerSiteRow) -> dict[str, Any]:
    district = reg.reference.districts_by_key.get(s["district_key"])
    return {
        "id": s["id"],
        "name": s["name"],
        "address": {"street": s["street"], "postal_code": s["postal_code"], "place": s["place"]},
        "district": {"key": s["district_key"], "name": district.name if district else ""},
        "state": district.state if district else "",
        "lat": s["lat"],
        "lon": s["lon"],
        "service_radius_km": s["service_radius_km"],
    }


def _partner_dict(
    reg: Registry, row: PartnerRow, sites: Sequence[PartnerSiteRow]
) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "type": row["type"],
        "services": list(row["services"] or []),
        "target_groups": _ordered_groups(reg, row["target_groups"]),
        "contacts": json.loads(row["contacts"] or "[]"),
        "carriers": sorted(row["carriers"] or []),
        "active": bool(row["active"]),
        "version": row["version"],
        "changed_at": row["changed_at"],
        "sites": [_site_view(reg, s) for s in sites],
    }


def _partner_view(reg: Registry, partner_id: str) -> dict[str, Any]:
    repo = reg.repo(NetworkRepository)
    row = repo.get_partner(partner_id)
    if row is None:
        raise NotFound("Netzwerkpartner nicht gefunden")
    sites = repo.sites_of_partners([partner_id])
    return _partner_dict(reg, row, sites)


def get_partner(reg: Registry, principal: Principal, partner_id: str) -> dict[str, Any]:
    row = _partner_row(reg, principal, partner_id)
    sites = reg.repo(NetworkRepository).sites_of_partners([partner_id])
    out = _partner_dict(reg, row, sites)
    out["may_edit"] = _may_edit_partner(principal, out["carriers"])
    return out


def list_partners(
    reg: Registry,
    principal: Principal,
    *,
    type: str | None = None,  # noqa: A002 - the API's parameter name
    q: str | None = None,
    carrier: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> dict[str, Any]:
    """All partners (shared network), by name; ``type`` and ``carrier`` filter exactly, ``q``
    narrows by words of name, services and places (case and umlaut folded)."""
    if principal.role not in PARTNER_READERS:
        raise Forbidden()
    repo = reg.repo(NetworkRepository)
    rows = repo.list_partners(type=type or "", carrier=carrier or "")
    sites_by_partner: dict[str, list[PartnerSiteRow]] = {}
    if rows:
        for s in repo.sites_of_partners([r["id"] for r in rows]):
            sites_by_partner.setdefault(s["partner_id"], []).append(s)
    words = fold(q or "").split()
    if words:

        def text_of(r: PartnerRow) -> str:
            parts = [r["name"], *(r["services"] or [])]
            for s in sites_by_partner.get(r["id"], []):
                parts.extend((s["name"], s["place"], s["postal_code"]))
            return fold(" ".join(parts))

        rows = [r for r in rows if all(w in text_of(r) for w in words)]
    start = (page - 1) * page_size
    chosen = rows[start : start + page_size]
    return {
        "total": len(rows),
        "page": page,
        "page_size": page_size,
        "results": [_partner_dict(reg, r, sites_by_partner.get(r["id"], [])) for r in chosen],
    }
