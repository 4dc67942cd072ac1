"""§3, Q0: a carrier's profile: its contact persons.

Readable by everyone. ``PUT`` replaces the contacts and is allowed for an admin of that carrier or
an unscoped admin; an admin of another carrier gets 403 (the profile is readable by everyone, so
there is nothing to hide). The profile shows the national criteria setting read-only (rule Q0:
the criteria are the same for every carrier; ``registry.admission.national_criteria``): a
``PUT`` may send it back unchanged, any other value is refused with 422 naming ``criteria`` and
rule Q0.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from registry.admission.common import national_severities
from registry.audit import record_event
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Forbidden, InvalidInput, NotFound, Problem
from registry.graph.ports import Tx
from registry.lifecycle.repository import LifecycleRepository
from registry.reference_repository import ReferenceRepository

CRITERIA_READ_ONLY = (
    "Die Schweregrade der Kriterien gelten bundesweit für alle Träger gleich; "
    "ein Trägerprofil enthält nur die Ansprechpersonen. Die bundesweite Administration "
    "pflegt die Schweregrade unter »Kriterien«."
)


def load_profile(reg: Registry, carrier_id: str) -> dict[str, Any]:
    """The stored profile of a carrier (``{}`` if never set); an unknown carrier is 404."""
    profile = reg.repo(ReferenceRepository).carrier_profile(carrier_id)
    if profile is None:
        raise NotFound("Unbekannter Träger")
    return profile


def _profile_view(reg: Registry, carrier_id: str, profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "carrier": carrier_id,
        "contacts": list(profile.get("contacts") or []),
        "criteria": {rule: s.value for rule, s in national_severities(reg).items()},
    }


def get_carrier_profile(reg: Registry, principal: Principal, carrier_id: str) -> dict[str, Any]:
    """§3: a carrier's contact persons (and, read-only, the national criteria of Q0)."""
    return _profile_view(reg, carrier_id, load_profile(reg, carrier_id))


def put_carrier_profile(
    reg: Registry, principal: Principal, carrier_id: str, body: Mapping[str, Any]
) -> dict[str, Any]:
    """§3: replace the contacts. Criteria other than the national setting: 422 (Q0)."""
    if principal.role is not Role.ADMIN:
        raise Forbidden("Das Trägerprofil pflegt die Administration.")
    existing = load_profile(reg, carrier_id)
    if principal.carrier and principal.carrier != carrier_id:
        raise Forbidden("Sie pflegen nur das Profil Ihres eigenen Trägers.")
    sent = body.get("criteria")
    if sent:
        national = {rule: s.value for rule, s in national_severities(reg).items()}
        if any(national.get(rule) != value for rule, value in dict(sent).items()):
            raise InvalidInput([Problem("criteria", CRITERIA_READ_ONLY, "Q0")])
    profile = {k: v for k, v in existing.items() if k != "criteria"}
    profile["contacts"] = [dict(c) for c in body.get("contacts") or []]

    def work(tx: Tx) -> None:
        reg.repo(LifecycleRepository, tx).set_carrier_profile(
            carrier_id, json.dumps(profile, ensure_ascii=False, sort_keys=True)
        )
        record_event(
            tx,
            actor=principal,
            subject_type="carrier",
            subject_id=carrier_id,
            action="carrier.profile_changed",
            carrier=carrier_id,
            data={"contacts": len(profile["contacts"])},
        )

    reg.unit_of_work(work)
    return _profile_view(reg, carrier_id, profile)
