"""Finding a partner near a person (E7): partner sites whose service radius reaches a place,
for case managers and strategists. Directory readers (rehabilitation facilities) search only
the provider directory (docs/rules.md §9: "nothing else")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from registry.auth import Principal
from registry.context import Registry
from registry.directory.eligibility import PartnerQuery
from registry.errors import Forbidden, InvalidInput, NotFound, Problem
from registry.geo import AmbiguousPlace, InvalidPostalCode, UnknownPostalCode
from registry.network.model import PARTNER_TYPES
from registry.network.shared import PARTNER_SEARCHERS, target_group_codes


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
    if principal.role not in PARTNER_SEARCHERS:
        raise Forbidden()
    problems: list[Problem] = []
    for i, code in enumerate(types):
        if code not in PARTNER_TYPES:
            problems.append(Problem(f"type[{i}]", f"Unbekannter Partnertyp: {code}", "E7"))
    known = target_group_codes(reg)
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
    result = reg.index.partners.search(query, page=page, page_size=page_size)
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
