"""Use cases of the network part (DOMAIN.md §8, rules N1–N7, and the partner search of E7).

Each function loads the facts through the graph port, calls the pure rules of
`registry.network.agreements` and `registry.network.coverage`, and persists the outcome in one
unit of work together with its audit event, its notices (kind ``agreement``) and, for partners,
the outbox rows that keep the partner search (E7) current.

Who may do what (DOMAIN.md §9), as decided here:

* Partners are one shared network: case managers, network strategists and admins of any carrier
  read them. A partner is changed by the case managers and strategists of a carrier that works
  with it (listed in its ``carriers``; creating a partner adds the creator's carrier), and by
  admins (a carrier-scoped admin like its carrier's staff).
* Partner search (E7) is for case managers and strategists. Directory readers (rehabilitation
  facilities) search only the provider directory (§9: "nothing else").
* Agreements are the strategists' (N4). A strategist reads the agreements whose parties include
  its carrier or whose scope touches its region (federal carriers: every regional agreement;
  everyone: national ones); others are reported as not found. Creating and changing follow
  `agreements.may_manage`: national only DRV Bund, regional the carriers of the region and both
  federal carriers.
* Coverage and unmet-need counts (N6, N7): strategists and admins; recording an unmet need:
  case managers.

Expiry (N5, design decision): an active or suspended agreement whose ``valid_until`` has passed
is moved to ``expired`` lazily, by `expire_agreements`, which every agreement read (list, one,
due for review) calls first; it is a single read when nothing is due and may also be called
periodically (e.g. by the server's background loop or a CLI command). Coverage does not depend on
it: it counts only agreements in force on the day (`coverage.compute_coverage`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from registry import clock
from registry.audit import AuditRepository, record_event
from registry.auth import Principal, Role
from registry.context import Registry
from registry.directory.projection import enqueue, try_drain
from registry.errors import Conflict, Forbidden, InvalidInput, NotFound, Problem
from registry.graph.ports import Row, Tx
from registry.ids import new_id
from registry.network import agreements as rules
from registry.network import coverage as cov
from registry.network.model import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Contact,
    Partner,
    PartnerSite,
    Purpose,
    Scope,
    ScopeLevel,
    UnmetNeed,
)
from registry.network.model import Problem as RuleProblem
from registry.notices import NewNotice, NoticeRepository

PARTNER_EDITORS = (Role.CASE_MANAGER, Role.NETWORK_STRATEGIST, Role.ADMIN)
PARTNER_READERS = PARTNER_EDITORS
PARTNER_SEARCHERS = (Role.CASE_MANAGER, Role.NETWORK_STRATEGIST)
COVERAGE_READERS = (Role.NETWORK_STRATEGIST, Role.ADMIN)

_REACH_KEY = "network.reach"
_REACHED_KEY = "network.reached"
_DISTRICT_MAPS_KEY = "network.district_maps"
_MAX_REACHED_CACHE = 200_000

# --------------------------------------------------------------------------- small helpers


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def _iso(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def _problems(items: Iterable[RuleProblem]) -> list[Problem]:
    return [Problem(p.field, p.message, p.rule) for p in items]


@contextmanager
def _pure_rules() -> Iterator[None]:
    """The pure rules' errors -> the API's errors (422 / 409)."""
    try:
        yield
    except rules.ValidationFailed as exc:
        raise InvalidInput(_problems(exc.problems)) from exc
    except rules.IllegalTransition as exc:
        raise Conflict(exc.message) from exc


def _target_group_codes(reg: Registry) -> frozenset[str]:
    return frozenset(t.code for t in reg.reference.target_groups)


def _carrier_name(reg: Registry, carrier_id: str | None) -> str:
    if not carrier_id:
        return "der Administration"
    carrier = reg.reference.carriers_by_id.get(carrier_id)
    return carrier.name if carrier else carrier_id


def _district_maps(reg: Registry) -> tuple[dict[str, str], dict[str, str]]:
    """(district key -> responsible carrier, district key -> state name), from the reference,
    built once per Registry."""
    cached = reg.extras.get(_DISTRICT_MAPS_KEY)
    if cached is None:
        districts = reg.reference.districts
        cached = ({d.key: d.carrier for d in districts}, {d.key: d.state for d in districts})
        reg.extras[_DISTRICT_MAPS_KEY] = cached
    carriers: dict[str, str] = cached[0]
    states: dict[str, str] = cached[1]
    return carriers, states


def _require_carrier(principal: Principal) -> str:
    if not principal.carrier:
        raise Forbidden("Diese Aktion ist nur im Auftrag eines Trägers möglich.")
    return principal.carrier


def _resolve_address(
    reg: Registry, address: Mapping[str, Any], prefix: str, rule: str
) -> tuple[Any, list[Problem]]:
    """Geocode an address; problems name the field and rule instead of raising."""
    from registry.geo import AmbiguousPlace, GeocodingError

    try:
        resolved = reg.geocoder.resolve(
            str(address["postal_code"]),
            address.get("place") or None,
            address.get("street") or None,
        )
    except AmbiguousPlace as exc:
        return None, [
            Problem(
                f"{prefix}.place",
                "Die Postleitzahl ist ohne Ort nicht eindeutig; mögliche Orte: "
                + ", ".join(exc.candidates),
                rule,
            )
        ]
    except GeocodingError as exc:
        return None, [Problem(f"{prefix}.postal_code", exc.message, rule)]
    return resolved, []


# --------------------------------------------------------------------------- reach (A8/E7/N6)


def reach_context(reg: Registry) -> tuple[list[cov.District], cov.ReachIndex]:
    """The districts with their postal-code centroids and the `ReachIndex` over them, built
    once per Registry and kept in ``reg.extras`` (the reference data does not change while the
    registry runs)."""
    cached = reg.extras.get(_REACH_KEY)
    if cached is None:
        centroids: dict[str, set[tuple[float, float]]] = {}
        for place in reg.reference.postal_places:
            centroids.setdefault(place.district_key, set()).add((place.lat, place.lon))
        districts = [
            cov.District(
                key=d.key,
                name=d.name,
                state=d.state,
                carrier=d.carrier,
                centroids=tuple(sorted(centroids.get(d.key, ()))),
            )
            for d in reg.reference.districts
        ]
        cached = (districts, cov.ReachIndex(districts))
        reg.extras[_REACH_KEY] = cached
    districts_out: list[cov.District] = cached[0]
    index: cov.ReachIndex = cached[1]
    return districts_out, index


def reached_districts(
    reg: Registry, lat: float, lon: float, radius_km: float, district_key: str
) -> frozenset[str]:
    """The districts a radius around a point reaches (memoised: sites rarely move)."""
    cache: dict[tuple[float, float, float, str], frozenset[str]] = reg.extras.setdefault(
        _REACHED_KEY, {}
    )
    key = (lat, lon, radius_km, district_key)
    found = cache.get(key)
    if found is None:
        found = reach_context(reg)[1].reached(lat, lon, radius_km, district_key)
        if len(cache) >= _MAX_REACHED_CACHE:
            cache.clear()
        cache[key] = found
    return found


# --------------------------------------------------------------------------- partners (N1)


def _may_edit_partner(principal: Principal, carriers: Sequence[str]) -> bool:
    if principal.role not in PARTNER_EDITORS:
        return False
    if principal.role is Role.ADMIN and not principal.carrier:
        return True
    return principal.carrier is not None and principal.carrier in carriers


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
    reg: Registry, sites: Sequence[Mapping[str, Any]], existing: Mapping[str, Row]
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
        resolved, found = _resolve_address(reg, site["address"], f"sites[{i}].address", "N1")
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
    problems = _problems(
        rules.validate_partner(
            partner,
            known_target_groups=_target_group_codes(reg),
            known_carriers=set(reg.reference.carriers_by_id),
        )
    )
    if site_problems:
        problems = site_problems + [p for p in problems if not p.field.startswith("sites")]
    if problems:
        raise InvalidInput(problems)


def _partner_params(partner_id: str, values: Mapping[str, Any]) -> dict[str, Any]:
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


def _site_rows_for_db(partner_id: str, sites: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    keys = (
        "id",
        "name",
        "street",
        "postal_code",
        "place",
        "district_key",
        "lat",
        "lon",
        "service_radius_km",
    )
    return [{"partner_id": partner_id, **{k: s[k] for k in keys}} for s in sites]


def _link_partner(tx: Tx, params: Mapping[str, Any]) -> None:
    """The partner's carriers (WORKS_WITH) and target groups (SERVES) become exactly the
    listed ones."""
    ids = {"id": params["id"]}
    tx.run("network.unlink_partner_carriers", **ids, carriers=params["carriers"])
    tx.run("network.link_partner_carriers", **ids, carriers=params["carriers"])
    tx.run("network.unlink_partner_groups", **ids, target_groups=params["target_groups"])
    tx.run("network.link_partner_groups", **ids, target_groups=params["target_groups"])


def _ordered_groups(reg: Registry, codes: Iterable[str] | None) -> list[str]:
    """Target-group codes in the catalogue's order (DOMAIN.md §4), unknown codes last."""
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
    if principal.carrier and principal.carrier not in carriers:
        carriers.insert(0, principal.carrier)
    values["carriers"] = carriers
    partner_id = new_id("ptn")
    sites, geo_problems = _geocode_sites(reg, values.get("sites") or [], {})
    _check_partner(reg, _partner_fact(partner_id, values, sites), geo_problems)
    params = _partner_params(partner_id, values)
    now = clock.now_iso()

    def work(tx: Tx) -> None:
        tx.run("network.create_partner", **params, now=now)
        _link_partner(tx, params)
        if sites:
            tx.run("network.create_partner_sites", rows=_site_rows_for_db(partner_id, sites))
        record_event(
            tx,
            actor=principal,
            subject_type="partner",
            subject_id=partner_id,
            action="partner.created",
            data={"name": params["name"], "sites": [s["id"] for s in sites]},
        )
        enqueue(tx, "partner_site", [s["id"] for s in sites])

    reg.graph.write(work)
    try_drain(reg)
    return _partner_view(reg, partner_id)


def update_partner(
    reg: Registry, principal: Principal, partner_id: str, changes: Mapping[str, Any]
) -> dict[str, Any]:
    """N1: change a partner (PATCH: only the given fields). ``sites``, when given, is the new
    list of sites: an entry with the ``id`` of a current site changes it, one without an id is
    new, and current sites not listed are removed."""
    row = _partner_row(reg, principal, partner_id)
    if not _may_edit_partner(principal, row["carriers"] or []):
        raise Forbidden(
            "Nur Träger, die mit diesem Partner zusammenarbeiten, können ihn ändern (N1)."
        )
    current_sites = {
        s["id"]: s for s in reg.graph.read("network.sites_of_partners", partner_ids=[partner_id])
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
    geo_problems: list[Problem] = []
    if changes.get("sites") is not None:
        sites, geo_problems = _geocode_sites(reg, changes["sites"], current_sites)
    else:
        sites = [{**dict(s), "new": False} for s in current_sites.values()]
    _check_partner(reg, _partner_fact(partner_id, values, sites), geo_problems)
    params = _partner_params(partner_id, values)
    new_sites = [s for s in sites if s["new"]]
    kept_sites = [s for s in sites if not s["new"]]
    removed = sorted(set(current_sites) - {s["id"] for s in kept_sites})
    now = clock.now_iso()

    def work(tx: Tx) -> None:
        if not tx.run("network.update_partner", **params, version=row["version"], now=now):
            raise Conflict("Der Partner wurde inzwischen geändert; bitte neu laden.")
        _link_partner(tx, params)
        if removed:
            tx.run("network.delete_partner_sites", ids=removed, partner_id=partner_id)
        if kept_sites:
            kept_rows = _site_rows_for_db(partner_id, kept_sites)
            tx.run("network.update_partner_sites", rows=kept_rows)
            tx.run("network.unlink_partner_site_districts", rows=kept_rows)
            tx.run("network.link_partner_site_districts", rows=kept_rows)
        if new_sites:
            tx.run("network.create_partner_sites", rows=_site_rows_for_db(partner_id, new_sites))
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

    reg.graph.write(work)
    try_drain(reg)
    return _partner_view(reg, partner_id)


def _partner_row(reg: Registry, principal: Principal, partner_id: str) -> Row:
    if principal.role not in PARTNER_READERS:
        raise NotFound("Netzwerkpartner nicht gefunden")
    rows = reg.graph.read("network.get_partner", id=partner_id)
    if not rows:
        raise NotFound("Netzwerkpartner nicht gefunden")
    return rows[0]


def _site_view(reg: Registry, s: Row) -> dict[str, Any]:
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


def _partner_dict(reg: Registry, row: Row, sites: Sequence[Row]) -> dict[str, Any]:
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
    row = reg.graph.read("network.get_partner", id=partner_id)[0]
    sites = reg.graph.read("network.sites_of_partners", partner_ids=[partner_id])
    return _partner_dict(reg, row, sites)


def get_partner(reg: Registry, principal: Principal, partner_id: str) -> dict[str, Any]:
    row = _partner_row(reg, principal, partner_id)
    sites = reg.graph.read("network.sites_of_partners", partner_ids=[partner_id])
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
    from registry.directory.eligibility import fold

    if principal.role not in PARTNER_READERS:
        raise Forbidden()
    rows = reg.graph.read("network.list_partners", type=type or "", carrier=carrier or "")
    sites_by_partner: dict[str, list[Row]] = {}
    if rows:
        for s in reg.graph.read("network.sites_of_partners", partner_ids=[r["id"] for r in rows]):
            sites_by_partner.setdefault(s["partner_id"], []).append(s)
    words = fold(q or "").split()
    if words:

        def text_of(r: Row) -> str:
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


def search_partners(
    reg: Registry,
    principal: Principal,
    *,
    postal_code: str,
    place: str | None = None,
    types: Sequence[str] = (),
    target_groups: Sequence[str] = (),
    services: Sequence[str] = (),
    max_distance_km: float | None = None,
    q: str | None = None,
    page: int = 1,
    page_size: int = 20,
) -> dict[str, Any]:
    """E7: partner sites whose service radius reaches the place (and within the maximum
    distance), by type (any of), target groups and services (all of), and free text; nearest
    first, with the total."""
    from registry.directory.eligibility import PartnerQuery
    from registry.geo import AmbiguousPlace, InvalidPostalCode, UnknownPostalCode
    from registry.network.model import PARTNER_TYPES

    if principal.role not in PARTNER_SEARCHERS:
        raise Forbidden()
    problems: list[Problem] = []
    for i, code in enumerate(types):
        if code not in PARTNER_TYPES:
            problems.append(Problem(f"type[{i}]", f"Unbekannter Partnertyp: {code}", "E7"))
    known = _target_group_codes(reg)
    for i, code in enumerate(target_groups):
        if code not in known:
            problems.append(Problem(f"target_group[{i}]", f"Unbekannte Zielgruppe: {code}", "E7"))
    if problems:
        raise InvalidInput(problems)
    try:
        resolved = reg.geocoder.resolve(postal_code, place or None)
    except InvalidPostalCode as exc:
        raise InvalidInput.one("postal_code", exc.message, "E7") from exc
    except UnknownPostalCode as exc:
        raise NotFound(f"Unbekannte Postleitzahl {postal_code}") from exc
    except AmbiguousPlace as exc:
        raise InvalidInput.one(
            "place",
            "Die Postleitzahl ist ohne Ort nicht eindeutig; mögliche Orte: "
            + ", ".join(exc.candidates),
            "E7",
        ) from exc
    query = PartnerQuery(
        lat=float(resolved.lat),
        lon=float(resolved.lon),
        types=tuple(types),
        services=tuple(services),
        target_groups=tuple(target_groups),
        max_distance_km=max_distance_km,
        text=(q or "").strip(),
    )
    result = reg.search.partners.search(query, page=page, page_size=page_size)
    return {
        "total": result.total,
        "page": page,
        "page_size": page_size,
        "place": resolved.as_dict(),
        "results": [
            {
                "partner": {
                    "id": hit.doc.partner_id,
                    "name": hit.doc.name,
                    "type": hit.doc.type,
                    "services": list(hit.doc.services),
                    "target_groups": list(hit.doc.target_groups),
                    "contacts": [c.to_dict() for c in hit.doc.contacts],
                },
                "site": {
                    "id": hit.doc.id,
                    "name": hit.doc.site_name,
                    "address": hit.doc.address.to_dict(),
                },
                "distance_km": round(hit.distance_km, 1),
            }
            for hit in result.hits
        ],
    }


# --------------------------------------------------------------------------- agreements (N2–N5)


def _agreement_of(row: Row) -> Agreement:
    valid_from = _day(row["valid_from"])
    assert valid_from is not None
    return Agreement(
        id=row["id"],
        kind=AgreementKind(row["kind"]),
        purpose=Purpose(row["purpose"]),
        title=row["title"],
        carriers=tuple(sorted(row["carriers"] or ())),
        partners=tuple(sorted(row["partners"] or ())),
        scope=Scope(
            ScopeLevel(row["scope_level"]),
            frozenset(row["scope_districts"] or ()),
            row["scope_state"] or None,
        ),
        valid_from=valid_from,
        valid_until=_day(row["valid_until"]),
        contents=json.loads(row["contents"] or "{}"),
        status=AgreementStatus(row["status"]),
        version=int(row["version"]),
        override_reason=row["override_reason"] or None,
        next_review=_day(row["next_review"]),
        activated_on=_day(row["activated_on"]),
    )


def _agreement_params(a: Agreement) -> dict[str, Any]:
    snap = rules.snapshot(a)
    return {
        "id": a.id,
        "kind": a.kind.value,
        "purpose": a.purpose.value,
        "title": a.title,
        "carriers": list(a.carriers),
        "partners": list(a.partners),
        "scope_level": a.scope.level.value,
        "scope_districts": sorted(a.scope.districts),
        "scope_state": a.scope.state or "",
        "valid_from": _iso(a.valid_from),
        "valid_until": _iso(a.valid_until),
        "contents": json.dumps(snap["contents"], ensure_ascii=False, sort_keys=True),
        "status": a.status.value,
        "version": a.version,
        "override_reason": a.override_reason or "",
        "next_review": _iso(a.next_review),
        "activated_on": _iso(a.activated_on),
    }


def _audience(reg: Registry, a: Agreement) -> frozenset[str]:
    """The carriers an agreement concerns: its parties and every carrier told of it (N4)."""
    district_carrier, district_state = _district_maps(reg)
    return frozenset(
        rules.notified_carriers(
            a.scope,
            district_carrier=district_carrier,
            district_state=district_state,
            all_carriers=list(reg.reference.carriers_by_id),
            parties=a.carriers,
            acting_carrier=None,
        )
    )


def _may_read_agreement(reg: Registry, principal: Principal, a: Agreement) -> bool:
    return (
        principal.role is Role.NETWORK_STRATEGIST
        and principal.carrier is not None
        and principal.carrier in _audience(reg, a)
    )


def _check_may_manage(reg: Registry, principal: Principal, *scopes: Scope) -> str:
    """N4: national scopes only DRV Bund; regional ones the region's carriers and both federal
    carriers. Raises Forbidden (403) otherwise."""
    if principal.role is not Role.NETWORK_STRATEGIST:
        raise Forbidden("Vereinbarungen pflegt die strategische Netzwerkarbeit (N4).")
    carrier = _require_carrier(principal)
    kind = reg.reference.carrier(carrier).kind
    district_carrier, district_state = _district_maps(reg)
    for scope in scopes:
        if not rules.may_manage(
            carrier,
            kind,
            scope,
            district_carrier=district_carrier,
            district_state=district_state,
        ):
            if scope.level is ScopeLevel.NATIONAL:
                raise Forbidden("Bundesweite Vereinbarungen schließt nur die DRV Bund (N4).")
            raise Forbidden(
                "Regionale Vereinbarungen schließen die in der Region tätigen Träger (N4)."
            )
    return carrier


def _frame_problems(reg: Registry, a: Agreement) -> list[Problem]:
    """N2 for an agreement (parties, kind, scope, validity)."""
    partner_types = {
        r["id"]: r["type"] for r in reg.graph.read("network.partners_by_ids", ids=list(a.partners))
    }
    return _problems(
        rules.validate_agreement(
            a,
            partner_types=partner_types,
            known_carriers=set(reg.reference.carriers_by_id),
            known_districts=set(reg.reference.districts_by_key),
            known_states={s.name for s in reg.reference.states()},
        )
    )


def _notify(
    tx: Tx,
    reg: Registry,
    agreement: Agreement,
    message: str,
    acting_carrier: str | None,
    extra_scopes: Sequence[Scope] = (),
) -> list[str]:
    """N4: one agreement notice for every carrier the scope touches (federal carriers always),
    the parties, and, after a change of scope, the carriers of the previous scope too."""
    district_carrier, district_state = _district_maps(reg)
    carriers: set[str] = set()
    for scope in (agreement.scope, *extra_scopes):
        carriers.update(
            rules.notified_carriers(
                scope,
                district_carrier=district_carrier,
                district_state=district_state,
                all_carriers=list(reg.reference.carriers_by_id),
                parties=agreement.carriers,
                acting_carrier=acting_carrier,
            )
        )
    now = clock.now().isoformat()
    rows: list[NewNotice] = [
        {
            "id": new_id("ntc"),
            "carrier": carrier,
            "kind": "agreement",
            "subject_type": "agreement",
            "subject_id": agreement.id,
            "title": agreement.title,
            "message": message,
            "created_at": now,
        }
        for carrier in sorted(carriers)
    ]
    NoticeRepository.on(tx).create_many(rows)
    return sorted(carriers)


def _agreement_row(reg: Registry, agreement_id: str) -> Row:
    rows = reg.graph.read("network.get_agreement", id=agreement_id)
    if not rows:
        raise NotFound("Vereinbarung nicht gefunden")
    return rows[0]


def _visible_agreement(
    reg: Registry, principal: Principal, agreement_id: str
) -> tuple[Row, Agreement]:
    row = _agreement_row(reg, agreement_id)
    agreement = _agreement_of(row)
    if not _may_read_agreement(reg, principal, agreement):
        raise NotFound("Vereinbarung nicht gefunden")
    return row, agreement


def _link_agreement(tx: Tx, params: Mapping[str, Any], now: str) -> None:
    """The agreement's parties (PARTY_TO), partners (WITH_PARTNER) and scope (COVERS to
    districts or a state) become exactly the listed ones; a party that stays keeps its
    ``since``."""
    ids = {"id": params["id"]}
    tx.run("network.unlink_agreement_carriers", **ids, carriers=params["carriers"])
    tx.run("network.link_agreement_carriers", **ids, carriers=params["carriers"], now=now)
    tx.run("network.unlink_agreement_partners", **ids, partners=params["partners"])
    tx.run("network.link_agreement_partners", **ids, partners=params["partners"])
    districts = params["scope_districts"]
    tx.run("network.unlink_agreement_districts", **ids, scope_districts=districts)
    tx.run("network.link_agreement_districts", **ids, scope_districts=districts)
    tx.run("network.unlink_agreement_state", **ids, scope_state=params["scope_state"])
    if params["scope_state"]:
        tx.run("network.link_agreement_state", **ids, scope_state=params["scope_state"])


def _save(
    tx: Tx,
    agreement: Agreement,
    *,
    old_rev: str,
    status_reason: str,
    links: bool = False,
) -> None:
    """Save the agreement if unchanged since read; ``links``: its parties, partners or scope
    may have changed too (an edit), so the relationships are redrawn."""
    params = _agreement_params(agreement)
    now = clock.now_iso()
    if not tx.run(
        "network.save_agreement",
        **params,
        old_rev=old_rev,
        rev=new_id("rev"),
        now=now,
        status_reason=status_reason,
    ):
        raise Conflict("Die Vereinbarung wurde inzwischen geändert; bitte neu laden.")
    if links:
        _link_agreement(tx, params, now)


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _agreement_from_body(agreement_id: str, body: Mapping[str, Any]) -> Agreement:
    scope = body["scope"]
    valid_from = _as_date(body["valid_from"])
    assert valid_from is not None
    return Agreement(
        id=agreement_id,
        kind=AgreementKind(body["kind"]),
        purpose=Purpose(body.get("purpose") or "general"),
        title=str(body["title"]),
        carriers=tuple(body.get("carriers") or ()),
        partners=tuple(body.get("partners") or ()),
        scope=Scope.from_dict(scope),
        valid_from=valid_from,
        valid_until=_as_date(body.get("valid_until")),
        contents=dict(body.get("contents") or {}),
    )


def create_agreement(
    reg: Registry, principal: Principal, body: Mapping[str, Any]
) -> dict[str, Any]:
    """N2, N4: a new agreement, always a draft; the carriers of its region are told."""
    agreement_id = new_id("agr")
    try:
        agreement = _agreement_from_body(agreement_id, body)
    except ValueError as exc:
        raise InvalidInput.one("scope.level", "Unbekannte Ebene", "N2") from exc
    problems = _frame_problems(reg, agreement)
    if problems:
        raise InvalidInput(problems)
    carrier = _check_may_manage(reg, principal, agreement.scope)
    params = _agreement_params(agreement)
    now = clock.now_iso()
    message = (
        f"{_carrier_name(reg, carrier)} hat die Vereinbarung „{agreement.title}“ als Entwurf "
        "angelegt."
    )

    def work(tx: Tx) -> None:
        tx.run(
            "network.create_agreement",
            **params,
            now=now,
            rev=new_id("rev"),
            status_reason="",
        )
        tx.run("network.link_agreement_creator", id=agreement_id, created_by_carrier=carrier)
        _link_agreement(tx, params, now)
        record_event(
            tx,
            actor=principal,
            subject_type="agreement",
            subject_id=agreement_id,
            action="agreement.created",
            data={"version": agreement.version, "status": agreement.status.value},
        )
        _notify(tx, reg, agreement, message, carrier)

    reg.graph.write(work)
    return get_agreement(reg, principal, agreement_id)


def update_agreement(
    reg: Registry,
    principal: Principal,
    agreement_id: str,
    changes: Mapping[str, Any],
    override_reason: str | None = None,
) -> dict[str, Any]:
    """N2–N5: a draft changes in place; an active or suspended agreement gets a new version
    (the previous one is kept as an `AgreementVersion` snapshot) that must still meet N3 unless
    an override reason is given or was recorded."""
    row, current = _visible_agreement(reg, principal, agreement_id)
    _check_may_manage(reg, principal, current.scope)
    with _pure_rules():
        revision = rules.apply_changes(
            current,
            changes,
            today=clock.today(),
            override_reason=override_reason,
            known_target_groups=_target_group_codes(reg),
        )
    updated = revision.agreement
    problems = _frame_problems(reg, updated)
    if problems:
        raise InvalidInput(problems)
    carrier = _check_may_manage(reg, principal, current.scope, updated.scope)
    scope_changed = updated.scope != current.scope
    if revision.new_version:
        message = (
            f"{_carrier_name(reg, carrier)} hat die Vereinbarung „{updated.title}“ geändert "
            f"(neue Version {updated.version})."
        )
    else:
        message = ""  # design decision: editing a draft tells nobody (see module docstring)

    def work(tx: Tx) -> None:
        _save(tx, updated, old_rev=row["rev"], status_reason=row["status_reason"], links=True)
        if revision.new_version and revision.snapshot is not None:
            version_id = f"{agreement_id}|v{current.version}"
            tx.run(
                "network.create_agreement_version",
                id=version_id,
                agreement_id=agreement_id,
                version=current.version,
                snapshot=json.dumps(revision.snapshot, ensure_ascii=False, sort_keys=True),
                at=clock.now_iso(),
            )
            if principal.user_id:
                tx.run(
                    "network.link_agreement_version_author",
                    id=version_id,
                    actor=principal.user_id,
                )
        record_event(
            tx,
            actor=principal,
            subject_type="agreement",
            subject_id=agreement_id,
            action="agreement.new_version" if revision.new_version else "agreement.edited",
            reason=(updated.override_reason or "") if override_reason else "",
            data={
                "version": updated.version,
                "fields": sorted(changes),
                "scope_changed": scope_changed,
            },
        )
        if message:
            _notify(
                tx,
                reg,
                updated,
                message,
                carrier,
                extra_scopes=[current.scope] if scope_changed else [],
            )

    reg.graph.write(work)
    return get_agreement(reg, principal, agreement_id)


def activate_agreement(
    reg: Registry, principal: Principal, agreement_id: str, override_reason: str | None = None
) -> dict[str, Any]:
    """N3: a complete draft becomes active; an incomplete one only with a recorded reason.
    Without one the 422 lists every missing content (field, message, rule N3)."""
    row, current = _visible_agreement(reg, principal, agreement_id)
    carrier = _check_may_manage(reg, principal, current.scope)
    problems = _frame_problems(reg, current)
    if problems:
        raise InvalidInput(problems)
    with _pure_rules():
        active = rules.activate(
            current,
            today=clock.today(),
            override_reason=override_reason,
            known_target_groups=_target_group_codes(reg),
        )
    message = (
        f"{_carrier_name(reg, carrier)} hat die Vereinbarung „{active.title}“ in Kraft gesetzt."
    )
    if active.override_reason:
        message += f" Unvollständig aktiviert, Begründung: {active.override_reason}"

    def work(tx: Tx) -> None:
        _save(tx, active, old_rev=row["rev"], status_reason="")
        record_event(
            tx,
            actor=principal,
            subject_type="agreement",
            subject_id=agreement_id,
            action="agreement.activated",
            reason=active.override_reason or "",
            data={
                "version": active.version,
                "override": bool(active.override_reason),
                "next_review": _iso(active.next_review),
            },
        )
        _notify(tx, reg, active, message, carrier)

    reg.graph.write(work)
    return get_agreement(reg, principal, agreement_id)


_STATUS_ACTIONS = {
    "suspend": ("agreement.suspended", "ausgesetzt"),
    "resume": ("agreement.resumed", "wieder in Kraft gesetzt"),
    "terminate": ("agreement.terminated", "beendet"),
}


def change_agreement_status(
    reg: Registry, principal: Principal, agreement_id: str, action: str, reason: str
) -> dict[str, Any]:
    """N4: suspend, resume or terminate (each with a reason); the region's carriers are told.
    A terminated agreement stays readable with its versions (N5)."""
    if action not in _STATUS_ACTIONS:
        raise ValueError(action)
    row, current = _visible_agreement(reg, principal, agreement_id)
    carrier = _check_may_manage(reg, principal, current.scope)
    with _pure_rules():
        if action == "suspend":
            changed = rules.suspend(current, reason=reason)
        elif action == "resume":
            changed = rules.resume(current, reason=reason, today=clock.today())
        else:
            changed = rules.terminate(current, reason=reason)
    event, verb = _STATUS_ACTIONS[action]
    reason = reason.strip()
    message = (
        f"{_carrier_name(reg, carrier)} hat die Vereinbarung „{changed.title}“ {verb}. "
        f"Begründung: {reason}"
    )

    def work(tx: Tx) -> None:
        _save(
            tx,
            changed,
            old_rev=row["rev"],
            status_reason="" if action == "resume" else reason,
        )
        record_event(
            tx,
            actor=principal,
            subject_type="agreement",
            subject_id=agreement_id,
            action=event,
            reason=reason,
            data={"version": changed.version, "status": changed.status.value},
        )
        _notify(tx, reg, changed, message, carrier)

    reg.graph.write(work)
    return get_agreement(reg, principal, agreement_id)


def expire_agreements(reg: Registry) -> int:
    """N5: move active or suspended agreements past their ``valid_until`` to expired, each with
    an audit event (actor "system") and notices. Returns how many expired. Cheap when nothing
    is due (one read); safe to call concurrently (a lost race is skipped, not an error)."""
    today = clock.today()
    rows = reg.graph.read("network.agreements_past_end", today=today.isoformat())
    if not rows:
        return 0
    revs = {r["id"]: r["rev"] for r in rows}
    expired = rules.expire_due((_agreement_of(r) for r in rows), today)
    done = 0
    for agreement in expired:
        message = (
            f"Die Vereinbarung „{agreement.title}“ ist abgelaufen (Laufzeit bis "
            f"{_iso(agreement.valid_until)})."
        )

        def work(tx: Tx, agreement: Agreement = agreement, message: str = message) -> bool:
            if not tx.run(
                "network.save_agreement",
                **_agreement_params(agreement),
                old_rev=revs[agreement.id],
                rev=new_id("rev"),
                now=clock.now_iso(),
                status_reason="Laufzeit abgelaufen",
            ):
                return False  # changed meanwhile: the next call looks again
            record_event(
                tx,
                actor=None,
                subject_type="agreement",
                subject_id=agreement.id,
                action="agreement.expired",
                reason="Laufzeit abgelaufen",
                data={"version": agreement.version, "valid_until": _iso(agreement.valid_until)},
                carrier="",
            )
            _notify(tx, reg, agreement, message, None)
            return True

        if reg.graph.write(work):
            done += 1
    return done


def _agreement_summary(reg: Registry, row: Row, a: Agreement) -> dict[str, Any]:
    today = clock.today()
    review = rules.effective_next_review(a)
    return {
        "id": a.id,
        "kind": a.kind.value,
        "purpose": a.purpose.value,
        "title": a.title,
        "status": a.status.value,
        "version": a.version,
        "carriers": list(a.carriers),
        "partners": list(a.partners),
        "scope": a.scope.as_dict(),
        "valid_from": _iso(a.valid_from),
        "valid_until": _iso(a.valid_until) or None,
        "next_review": _iso(review) or None,
        "review_overdue": review is not None
        and review < today
        and a.status in (AgreementStatus.ACTIVE, AgreementStatus.SUSPENDED),
        "override_reason": a.override_reason,
        "status_reason": row["status_reason"] or None,
        "activated_on": _iso(a.activated_on) or None,
        "created_at": row["created_at"],
        "created_by_carrier": row["created_by_carrier"],
        "changed_at": row["changed_at"] or None,
    }


def list_agreements(
    reg: Registry, principal: Principal, status: str | None = None
) -> list[dict[str, Any]]:
    """The agreements the caller's carrier is concerned by (N4), newest first."""
    if principal.role is not Role.NETWORK_STRATEGIST:
        raise Forbidden()
    expire_agreements(reg)
    out = []
    for row in reg.graph.read("network.list_agreements", status=status or ""):
        a = _agreement_of(row)
        if _may_read_agreement(reg, principal, a):
            out.append(_agreement_summary(reg, row, a))
    return out


def get_agreement(reg: Registry, principal: Principal, agreement_id: str) -> dict[str, Any]:
    """One agreement with its parties, its versions (N5), its history and what N3 still
    misses."""
    expire_agreements(reg)
    row, a = _visible_agreement(reg, principal, agreement_id)
    out = _agreement_summary(reg, row, a)
    out["contents"] = json.loads(row["contents"] or "{}")
    out["missing_contents"] = [
        {"field": m.field, "message": m.message, "rule": m.rule}
        for m in rules.missing_contents(
            a.purpose, a.contents, known_target_groups=_target_group_codes(reg)
        )
    ]
    partners = {r["id"]: r for r in reg.graph.read("network.partners_by_ids", ids=list(a.partners))}
    out["parties"] = {
        "carriers": [{"id": c, "name": _carrier_name(reg, c)} for c in a.carriers],
        "partners": [
            {
                "id": p,
                "name": partners[p]["name"] if p in partners else "",
                "type": partners[p]["type"] if p in partners else "",
            }
            for p in a.partners
        ],
    }
    carrier = principal.carrier or ""
    kind = reg.reference.carrier(carrier).kind if carrier else ""
    district_carrier, district_state = _district_maps(reg)
    out["may_manage"] = bool(carrier) and rules.may_manage(
        carrier, kind, a.scope, district_carrier=district_carrier, district_state=district_state
    )
    versions = []
    for v in reg.graph.read("network.agreement_versions", agreement_id=agreement_id):
        snap = json.loads(v["snapshot"])
        versions.append(
            {
                "version": v["version"],
                "current": False,
                "effective_from": snap.get("activated_on"),
                "superseded_at": v["at"],
                "superseded_by": v["actor"],
                "snapshot": snap,
            }
        )
    versions.append(
        {
            "version": a.version,
            "current": True,
            "effective_from": _iso(a.activated_on) or None,
            "superseded_at": None,
            "superseded_by": None,
            "snapshot": rules.snapshot(a),
        }
    )
    out["versions"] = versions
    out["history"] = [
        {
            "at": e["at"],
            "actor": e["actor"],
            "carrier": e["carrier"] or None,
            "action": e["action"],
            "reason": e["reason"] or None,
            "data": json.loads(e["data"] or "{}"),
        }
        for e in reg.repo(AuditRepository).history("agreement", agreement_id)
    ]
    return out


def agreements_due_for_review(
    reg: Registry, principal: Principal, within_days: int = 90
) -> list[dict[str, Any]]:
    """N5: the caller's carrier's active or suspended agreements whose next review lies within
    the window or is past, earliest first."""
    carrier = _require_carrier(principal)
    if principal.role is not Role.NETWORK_STRATEGIST:
        raise Forbidden()
    expire_agreements(reg)
    rows = {
        r["id"]: r
        for r in reg.graph.read(
            "network.agreements_of_carrier", carrier=carrier, statuses=["active", "suspended"]
        )
    }
    due = rules.due_for_review(
        (_agreement_of(r) for r in rows.values()), carrier, clock.today(), within_days
    )
    out = []
    for item in due:
        summary = _agreement_summary(reg, rows[item.agreement.id], item.agreement)
        summary["next_review"] = _iso(item.next_review)
        summary["overdue"] = item.overdue
        out.append(summary)
    return out


# --------------------------------------------------------------------------- coverage (N6)


def _later_review(a: date | None, b: date | None) -> date | None:
    """The review date that keeps a site longest (None: no review date, stays)."""
    return None if a is None or b is None else max(a, b)


def admitted_sites(reg: Registry, target_group: str) -> list[cov.ProviderSite]:
    """The admitted sites of active providers for the group (E1), each once with the districts
    its catchment reaches (A8/E8/N6) and its admission's review date. A site holding more than
    one admission for the group (applications merged on it, A9) keeps the later review."""
    by_site: dict[str, cov.ProviderSite] = {}
    for r in reg.graph.read("network.admitted_sites_for_group", target_group=target_group):
        review = _day(r["review_due"])
        known = by_site.get(r["id"])
        if known is not None:
            review = _later_review(review, known.admitted[target_group])
        lat, lon = float(r["lat"]), float(r["lon"])
        radius = float(r["catchment_radius_km"])
        by_site[r["id"]] = cov.ProviderSite(
            id=r["id"],
            lat=lat,
            lon=lon,
            district_key=r["district_key"],
            catchment_radius_km=radius,
            admitted={target_group: review},
            reached_districts=reached_districts(reg, lat, lon, radius, r["district_key"]),
        )
    return list(by_site.values())


def coverage(
    reg: Registry, principal: Principal, target_group: str, lookahead_days: int = 0
) -> list[dict[str, Any]]:
    """N6/N7: one row per district of Germany for the target group, whatever the caller's
    carrier: admitted provider sites reaching it, partners with an agreement in force serving
    it, recorded unmet needs, what remains after the look-ahead, and gap flags."""
    if principal.role not in COVERAGE_READERS:
        raise Forbidden()
    if target_group not in _target_group_codes(reg):
        raise InvalidInput.one("target_group", f"Unbekannte Zielgruppe: {target_group}", "N6")
    districts, index = reach_context(reg)
    today = clock.today()

    sites = admitted_sites(reg, target_group)

    agreements = [
        _agreement_of(r)
        for r in reg.graph.read("network.agreements_in_status", statuses=["active"])
    ]
    partner_ids = sorted({p for a in agreements for p in a.partners})
    partners: list[Partner] = []
    if partner_ids:
        site_rows: dict[str, list[Row]] = {}
        for s in reg.graph.read("network.sites_of_partners", partner_ids=partner_ids):
            site_rows.setdefault(s["partner_id"], []).append(s)
        for p in reg.graph.read("network.partners_by_ids", ids=partner_ids):
            if not p["active"] or target_group not in (p["target_groups"] or []):
                continue
            partners.append(
                Partner(
                    id=p["id"],
                    name=p["name"],
                    type=p["type"],
                    target_groups=tuple(p["target_groups"] or ()),
                    sites=tuple(
                        PartnerSite(
                            name=s["name"],
                            lat=float(s["lat"]),
                            lon=float(s["lon"]),
                            service_radius_km=float(s["service_radius_km"]),
                            district_key=s["district_key"],
                            id=s["id"],
                            reached_districts=reached_districts(
                                reg,
                                float(s["lat"]),
                                float(s["lon"]),
                                float(s["service_radius_km"]),
                                s["district_key"],
                            ),
                        )
                        for s in site_rows.get(p["id"], [])
                    ),
                )
            )

    needs = {
        (r["district_key"], target_group): int(r["n"])
        for r in reg.graph.read("network.unmet_need_counts", target_group=target_group)
    }
    rows = cov.compute_coverage(
        districts,
        sites,
        partners,
        agreements,
        today=today,
        lookahead_days=lookahead_days,
        target_groups=[target_group],
        unmet_needs=needs,
        index=index,
    )
    return [row.as_api() for row in rows]


# --------------------------------------------------------------------------- unmet need (N7)


def record_unmet_need(
    reg: Registry, principal: Principal, payload: Mapping[str, Any]
) -> dict[str, Any]:
    """N7: a case manager records that nothing fits: carrier, district (from the postal code),
    target groups and the date, nothing else. A postal code spanning several districts counts
    for the district of its primary place (design decision: the body may not name a place).

    No audit event: the record must not be linkable to a user (DOMAIN.md §10: the unmet-need
    record is the only trace of a search, and it holds no personal data)."""
    from registry.geo import AmbiguousPlace, GeocodingError

    if principal.role is not Role.CASE_MANAGER:
        raise Forbidden("Ungedeckten Bedarf erfassen Fallmanagerinnen und Fallmanager (N7).")
    carrier = _require_carrier(principal)
    problems = cov.validate_unmet_need(payload, known_target_groups=_target_group_codes(reg))
    if problems:
        raise InvalidInput(_problems(problems))
    postal_code = str(payload["postal_code"]).strip()
    try:
        district_key = reg.geocoder.resolve(postal_code).district_key
    except AmbiguousPlace:
        district_key = reg.reference.places(postal_code)[0].district_key
    except GeocodingError as exc:
        raise InvalidInput.one("postal_code", exc.message, "N7") from exc
    groups = list(dict.fromkeys(payload["target_groups"]))
    need_id = new_id("need")
    today = clock.today().isoformat()

    def work(tx: Tx) -> None:
        tx.run(
            "network.create_unmet_need",
            id=need_id,
            carrier=carrier,
            district_key=district_key,
            on_date=today,
        )
        tx.run("network.link_unmet_need_groups", id=need_id, target_groups=groups)

    reg.graph.write(work)
    district = reg.reference.district(district_key)
    return {
        "id": need_id,
        "carrier": carrier,
        "district": {"key": district.key, "name": district.name},
        "target_groups": groups,
        "on_date": today,
    }


def unmet_need_counts(
    reg: Registry, principal: Principal, since: date | None = None
) -> list[dict[str, Any]]:
    """N7: recorded unmet needs per district and target group (optionally since a date), for
    strategists (e.g. to start an announcement, A12) and admins."""
    if principal.role not in COVERAGE_READERS:
        raise Forbidden()
    counts = cov.count_unmet_needs(_unmet_need_records(reg, since))
    out = []
    for (key, group), n in sorted(counts.items()):
        district = reg.reference.districts_by_key.get(key)
        out.append(
            {
                "district": {"key": key, "name": district.name if district else ""},
                "state": district.state if district else "",
                "responsible_carrier": district.carrier if district else "",
                "target_group": group,
                "count": n,
            }
        )
    return out


def _unmet_need_records(reg: Registry, since: date | None) -> list[UnmetNeed]:
    return [
        UnmetNeed(
            carrier=r["carrier"],
            district_key=r["district_key"],
            target_groups=tuple(r["target_groups"] or ()),
            recorded_on=date.fromisoformat(r["on_date"]),
        )
        for r in reg.graph.read("network.unmet_needs", since=_iso(since))
    ]


__all__ = [
    "activate_agreement",
    "agreements_due_for_review",
    "change_agreement_status",
    "coverage",
    "create_agreement",
    "create_partner",
    "expire_agreements",
    "get_agreement",
    "get_partner",
    "list_agreements",
    "list_partners",
    "reach_context",
    "reached_districts",
    "record_unmet_need",
    "search_partners",
    "unmet_need_counts",
    "update_agreement",
    "update_partner",
]
