"""§3, Q0: a carrier's profile, its contact persons and criteria severities.

Readable by everyone. ``PUT`` replaces contacts and criteria (omitted: defaults) and is allowed
for an admin of that carrier or an unscoped admin; an admin of another carrier gets 403 (the
profile is readable by everyone, so there is nothing to hide).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from registry.admission import criteria
from registry.admission.common import rules
from registry.admission.model import Severity
from registry.audit import record_event
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Forbidden, NotFound
from registry.graph.ports import Tx
from registry.lifecycle.repository import LifecycleRepository
from registry.reference_repository import ReferenceRepository


def load_profile(reg: Registry, carrier_id: str) -> dict[str, Any]:
    """The stored profile of a carrier (``{}`` if never set); an unknown carrier is 404."""
    profile = reg.repo(ReferenceRepository).carrier_profile(carrier_id)
    if profile is None:
        raise NotFound("Unbekannter Träger")
    return profile


def severities(reg: Registry, carrier_id: str) -> dict[str, Severity]:
    """Q0: the carrier's criteria settings over the default set."""
    return criteria.effective_severities(load_profile(reg, carrier_id).get("criteria") or {})


def _profile_view(carrier_id: str, profile: Mapping[str, Any]) -> dict[str, Any]:
    effective = criteria.effective_severities(profile.get("criteria") or {})
    return {
        "carrier": carrier_id,
        "contacts": list(profile.get("contacts") or []),
        "criteria": {rule: severity.value for rule, severity in effective.items()},
    }


def get_carrier_profile(reg: Registry, principal: Principal, carrier_id: str) -> dict[str, Any]:
    """§3: a carrier's contact persons and criteria settings, readable by everyone."""
    return _profile_view(carrier_id, load_profile(reg, carrier_id))


def put_carrier_profile(
    reg: Registry, principal: Principal, carrier_id: str, body: Mapping[str, Any]
) -> dict[str, Any]:
    """§3, Q0: replace the contacts and criteria severities (omitted: defaults)."""
    if principal.role is not Role.ADMIN:
        raise Forbidden("Das Trägerprofil pflegt die Administration.")
    existing = load_profile(reg, carrier_id)
    if principal.carrier and principal.carrier != carrier_id:
        raise Forbidden("Sie pflegen nur das Profil Ihres eigenen Trägers.")
    settings: dict[str, str] = dict(body.get("criteria") or {})
    with rules:
        criteria.effective_severities(settings)
    profile = {
        **existing,
        "contacts": [dict(c) for c in body.get("contacts") or []],
        "criteria": settings,
    }

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
            data={"criteria": settings, "contacts": len(profile["contacts"])},
        )

    reg.graph.write(work)
    return _profile_view(carrier_id, profile)
