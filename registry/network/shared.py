"""What the network use cases share: who may act, reference look-ups and address resolution."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Forbidden, Problem

PARTNER_EDITORS = (Role.CASE_MANAGER, Role.NETWORK_STRATEGIST, Role.ADMIN)
PARTNER_READERS = PARTNER_EDITORS
PARTNER_SEARCHERS = (Role.CASE_MANAGER, Role.NETWORK_STRATEGIST)
COVERAGE_READERS = (Role.NETWORK_STRATEGIST, Role.ADMIN)


def target_group_codes(reg: Registry) -> frozenset[str]:
    return frozenset(t.code for t in reg.reference.target_groups)


def carrier_name(reg: Registry, carrier_id: str | None) -> str:
    if not carrier_id:
        return "der Administration"
    carrier = reg.reference.carriers_by_id.get(carrier_id)
    return carrier.name if carrier else carrier_id


def district_maps(reg: Registry) -> tuple[dict[str, str], dict[str, str]]:
    """(district key -> responsible carrier, district key -> state name), from the reference."""
    districts = reg.reference.districts
    return {d.key: d.carrier for d in districts}, {d.key: d.state for d in districts}


def require_carrier(principal: Principal) -> str:
    if not principal.carrier:
        raise Forbidden("Diese Aktion ist nur im Auftrag eines Trägers möglich.")
    return principal.carrier


def resolve_address(
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
