"""Unmet need (N7): a case manager records that nothing fits; strategists and admins read the
counts per district and target group (e.g. to start an announcement, A12)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from registry import clock
from registry.auth import Principal, Role
from registry.context import Registry
from registry.dates import iso
from registry.errors import Forbidden, InvalidInput
from registry.geo import AmbiguousPlace, GeocodingError
from registry.graph.ports import Tx
from registry.ids import new_id
from registry.network import unmet_need_rules
from registry.network.model import UnmetNeed
from registry.network.repository import NetworkRepository
from registry.network.shared import COVERAGE_READERS, require_carrier, target_group_codes


def record_unmet_need(
    reg: Registry, principal: Principal, payload: Mapping[str, Any]
) -> dict[str, Any]:
    """N7: a case manager records that nothing fits: carrier, district (from the postal code),
    target groups, the date and the case's non-personal needs (language, outreach,
    barrier-free), nothing else. A postal code spanning several districts counts
    for the district of its primary place (design decision: the body may not name a place).

    No audit event: the record must not be linkable to a user (docs/rules.md §10: the unmet-need
    record is the only trace of a search, and it holds no personal data)."""
    if principal.role is not Role.CASE_MANAGER:
        raise Forbidden("Ungedeckten Bedarf erfassen Fallmanagerinnen und Fallmanager.", rule="N7")
    carrier = require_carrier(principal)
    problems = unmet_need_rules.validate_unmet_need(
        payload, known_target_groups=target_group_codes(reg)
    )
    if problems:
        raise InvalidInput(list(problems))
    postal_code = str(payload["postal_code"]).strip()
    try:
        district_key = reg.geocoder.resolve(postal_code).district_key
    except AmbiguousPlace:
        district_key = reg.reference.places(postal_code)[0].district_key
    except GeocodingError as exc:
        raise InvalidInput.one("postal_code", exc.message, "N7") from exc
    groups = list(dict.fromkeys(payload["target_groups"]))
    language = str(payload.get("language") or "")
    outreach = bool(payload.get("outreach") or False)
    barrier_free = bool(payload.get("barrier_free") or False)
    need_id = new_id("need")
    today = clock.today().isoformat()

    def work(tx: Tx) -> None:
        reg.repo(NetworkRepository, tx).record_unmet_need(
            id=need_id,
            carrier=carrier,
            district_key=district_key,
            on_date=today,
            target_groups=groups,
            language=language,
            outreach=outreach,
            barrier_free=barrier_free,
        )

    reg.unit_of_work(work)
    district = reg.reference.district(district_key)
    return {
        "id": need_id,
        "carrier": carrier,
        "district": {"key": district.key, "name": district.name},
        "target_groups": groups,
        "on_date": today,
        "language": language,
        "outreach": outreach,
        "barrier_free": barrier_free,
    }


def unmet_need_counts(
    reg: Registry, principal: Principal, since: date | None = None
) -> list[dict[str, Any]]:
    """N7: recorded unmet needs per district and target group (optionally since a date), for
    strategists (e.g. to start an announcement, A12) and admins."""
    if principal.role not in COVERAGE_READERS:
        raise Forbidden()
    records = _unmet_need_records(reg, since)
    counts = unmet_need_rules.count_unmet_needs(records)
    needs = unmet_need_rules.count_unmet_need_needs(records)
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
                "needs": [
                    {"language": lang, "outreach": out_, "barrier_free": bf, "count": c}
                    for (lang, out_, bf), c in sorted(
                        needs.get((key, group), {}).items(), key=lambda kv: (-kv[1], kv[0])
                    )
                ],
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
            language=str(r.get("language") or ""),
            outreach=bool(r.get("outreach") or False),
            barrier_free=bool(r.get("barrier_free") or False),
        )
        for r in reg.repo(NetworkRepository).unmet_needs(since=iso(since))
    ]
