"""What the network use cases share: who may act, dates as stored, the pure rules' errors as
the registry's errors, reference look-ups and address resolution."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any

from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Conflict, Forbidden, InvalidInput, Problem
from registry.network import rule_errors
from registry.network.model import Problem as RuleProblem

PARTNER_EDITORS = (Role.CASE_MANAGER, Role.NETWORK_STRATEGIST, Role.ADMIN)
PARTNER_READERS = PARTNER_EDITORS
PARTNER_SEARCHERS = (Role.CASE_MANAGER, Role.NETWORK_STRATEGIST)
COVERAGE_READERS = (Role.NETWORK_STRATEGIST, Role.ADMIN)

_DISTRICT_MAPS_KEY = "network_district_maps"


def day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


def iso(value: date | None) -> str:
    return value.isoformat() if value is not None else ""


def rule_problems(items: Iterable[RuleProblem]) -> list[Problem]:
    return [Problem(p.field, p.message, p.rule) for p in items]


@contextmanager
def pure_rules() -> Iterator[None]:
    """The pure rules' errors -> the API's errors (422 / 409)."""
    try:
        yield
    except rule_errors.ValidationFailed as exc:
        raise InvalidInput(rule_problems(exc.problems)) from exc
    except rule_errors.IllegalTransition as exc:
        raise Conflict(exc.message) from exc


def target_group_codes(reg: Registry) -> frozenset[str]:
    return frozenset(t.code for t in reg.reference.target_groups)


def carrier_name(reg: Registry, carrier_id: str | None) -> str:
    if not carrier_id:
        return "der Administration"
    carrier = reg.reference.carriers_by_id.get(carrier_id)
    return carrier.name if carrier else carrier_id


def district_maps(reg: Registry) -> tuple[dict[str, str], dict[str, str]]:
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
