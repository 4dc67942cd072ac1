"""What every agreement use case does (N2–N5): an agreement read from and saved to the
repository, who may read or act on it, the frame checks and the notices to carriers.

Agreements are the strategists' (N4). A strategist reads the agreements that name its carrier
(as a party or invited) or whose scope touches its region (federal carriers: every regional
agreement; everyone: national ones); others are reported as not found. Being informed gives no
right to act: only a strategist of a party edits, activates, suspends, resumes or ends an
agreement (`check_party`: the carrier's PARTY_TO, read from the graph), others get 403. Which
scopes a carrier may make agreements for (creating one, or changing its scope) still follows
`agreements.may_manage`: national only DRV Bund, regional the carriers of the region and both
federal carriers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from registry import clock
from registry.auth import Principal, Role
from registry.context import Registry
from registry.dates import day, iso
from registry.errors import Conflict, Forbidden, NotFound, Problem
from registry.graph.ports import Tx
from registry.ids import new_id
from registry.network import agreement_frame_rules, responsibility_rules, version_rules
from registry.network.model import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Purpose,
    Scope,
    ScopeLevel,
)
from registry.network.parties import Standing
from registry.network.repository import AgreementRow, AgreementValues, NetworkRepository
from registry.network.shared import district_maps, require_carrier
from registry.notices import NewNotice, NoticeRepository


def agreement_of(row: AgreementRow) -> Agreement:
    valid_from = day(row["valid_from"])
    assert valid_from is not None
    invited = tuple(sorted(set(row["invited"] or ())))
    return Agreement(
        id=row["id"],
        kind=AgreementKind(row["kind"]),
        purpose=Purpose(row["purpose"]),
        title=row["title"],
        carriers=tuple(sorted({*(row["carriers"] or ()), *invited})),
        invited=invited,
        partners=tuple(sorted(row["partners"] or ())),
        scope=Scope(
            ScopeLevel(row["scope_level"]),
            frozenset(row["scope_districts"] or ()),
            row["scope_state"] or None,
        ),
        valid_from=valid_from,
        valid_until=day(row["valid_until"]),
        contents=json.loads(row["contents"] or "{}"),
        status=AgreementStatus(row["status"]),
        version=int(row["version"]),
        override_reason=row["override_reason"] or None,
        next_review=day(row["next_review"]),
        activated_on=day(row["activated_on"]),
    )


def agreement_values(a: Agreement) -> AgreementValues:
    snap = version_rules.snapshot(a)
    return {
        "id": a.id,
        "kind": a.kind.value,
        "purpose": a.purpose.value,
        "title": a.title,
        "carriers": list(a.parties),
        "invited": list(a.invited),
        "partners": list(a.partners),
        "scope_level": a.scope.level.value,
        "scope_districts": sorted(a.scope.districts),
        "scope_state": a.scope.state or "",
        "valid_from": iso(a.valid_from),
        "valid_until": iso(a.valid_until),
        "contents": json.dumps(snap["contents"], ensure_ascii=False, sort_keys=True),
        "status": a.status.value,
        "version": a.version,
        "override_reason": a.override_reason or "",
        "next_review": iso(a.next_review),
        "activated_on": iso(a.activated_on),
    }


def _audience(reg: Registry, a: Agreement) -> frozenset[str]:
    """The carriers an agreement concerns: its parties and every carrier told of it (N4)."""
    district_carrier, district_state = district_maps(reg)
    return frozenset(
        responsibility_rules.notified_carriers(
            a.scope,
            district_carrier=district_carrier,
            district_state=district_state,
            all_carriers=list(reg.reference.carriers_by_id),
            parties=a.carriers,
            acting_carrier=None,
        )
    )


def may_read_agreement(reg: Registry, principal: Principal, a: Agreement) -> bool:
    return (
        principal.role is Role.NETWORK_STRATEGIST
        and principal.carrier is not None
        and principal.carrier in _audience(reg, a)
    )


def standing(reg: Registry, principal: Principal, agreement_id: str) -> Standing:
    """Rule N4: how the caller's carrier stands to the agreement, from its relationships."""
    if principal.role is not Role.NETWORK_STRATEGIST or not principal.carrier:
        return Standing.NONE
    row = reg.repo(NetworkRepository).carrier_standing(
        agreement_id=agreement_id, carrier=principal.carrier
    )
    if row["party_to"]:
        return Standing.PARTY
    if row["invited_to"]:
        return Standing.INVITED
    return Standing.NONE


def check_party(reg: Registry, principal: Principal, agreement_id: str) -> str:
    """Rule N4: only a strategist of a party acts on an agreement (the caller has already been
    allowed to read it). Returns the caller's carrier; raises Forbidden (403) otherwise."""
    carrier = require_carrier(principal)
    found = standing(reg, principal, agreement_id)
    if found is Standing.PARTY:
        return carrier
    if found is Standing.INVITED:
        raise Forbidden(
            "Ihr Träger ist zu dieser Vereinbarung eingeladen: erst nach der Zusage kann er "
            "sie bearbeiten.",
            rule="N4",
        )
    raise Forbidden("Nur Vertragsparteien bearbeiten eine Vereinbarung.", rule="N4")


def check_may_manage(reg: Registry, principal: Principal, *scopes: Scope) -> str:
    """N4: which scopes a carrier may make agreements for (creating one, changing its scope):
    national scopes only DRV Bund; regional ones the region's carriers and both federal
    carriers. Raises Forbidden (403) otherwise."""
    if principal.role is not Role.NETWORK_STRATEGIST:
        raise Forbidden("Vereinbarungen pflegt die strategische Netzwerkarbeit.", rule="N4")
    carrier = require_carrier(principal)
    kind = reg.reference.carrier(carrier).kind
    district_carrier, district_state = district_maps(reg)
    for scope in scopes:
        if not responsibility_rules.may_manage(
            carrier,
            kind,
            scope,
            district_carrier=district_carrier,
            district_state=district_state,
        ):
            if scope.level is ScopeLevel.NATIONAL:
                raise Forbidden("Bundesweite Vereinbarungen schließt nur die DRV Bund.", rule="N4")
            raise Forbidden(
                "Regionale Vereinbarungen schließen die in der Region tätigen Träger.", rule="N4"
            )
    return carrier


def frame_problems(reg: Registry, a: Agreement) -> list[Problem]:
    """N2 for an agreement (parties, kind, scope, validity)."""
    partner_types = {
        r["id"]: r["type"] for r in reg.repo(NetworkRepository).partners_by_ids(list(a.partners))
    }
    return list(
        agreement_frame_rules.validate_agreement(
            a,
            partner_types=partner_types,
            known_carriers=set(reg.reference.carriers_by_id),
            known_districts=set(reg.reference.districts_by_key),
            known_states={s.name for s in reg.reference.states()},
        )
    )


def notify(
    tx: Tx,
    reg: Registry,
    agreement: Agreement,
    message: str,
    acting_carrier: str | None,
    extra_scopes: Sequence[Scope] = (),
) -> list[str]:
    """N4: one agreement notice for every carrier the scope touches (federal carriers always),
    the parties, and, after a change of scope, the carriers of the previous scope too."""
    district_carrier, district_state = district_maps(reg)
    carriers: set[str] = set()
    for scope in (agreement.scope, *extra_scopes):
        carriers.update(
            responsibility_rules.notified_carriers(
                scope,
                district_carrier=district_carrier,
                district_state=district_state,
                all_carriers=list(reg.reference.carriers_by_id),
                parties=agreement.carriers,
                acting_carrier=acting_carrier,
            )
        )
    return notify_carriers(tx, reg, agreement, message, carriers)


def notify_carriers(
    tx: Tx, reg: Registry, agreement: Agreement, message: str, carriers: Iterable[str]
) -> list[str]:
    """One agreement notice for each of these carriers (e.g. the carriers newly invited)."""
    now = clock.now().isoformat()
    told = sorted(set(carriers))
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
        for carrier in told
    ]
    reg.repo(NoticeRepository, tx).create_many(rows)
    return told


def agreement_row(reg: Registry, agreement_id: str) -> AgreementRow:
    row = reg.repo(NetworkRepository).get_agreement(agreement_id)
    if row is None:
        raise NotFound("Vereinbarung nicht gefunden")
    return row


def visible_agreement(
    reg: Registry, principal: Principal, agreement_id: str
) -> tuple[AgreementRow, Agreement]:
    row = agreement_row(reg, agreement_id)
    agreement = agreement_of(row)
    if not may_read_agreement(reg, principal, agreement):
        raise NotFound("Vereinbarung nicht gefunden")
    return row, agreement


def save(
    reg: Registry,
    tx: Tx,
    agreement: Agreement,
    *,
    old_rev: str,
    status_reason: str,
    links: bool = False,
) -> None:
    """Save the agreement if unchanged since read; ``links``: its parties, partners or scope
    may have changed too (an edit), so the relationships are redrawn."""
    if not reg.repo(NetworkRepository, tx).save_agreement(
        agreement_values(agreement),
        old_rev=old_rev,
        rev=new_id("rev"),
        now=clock.now_iso(),
        status_reason=status_reason,
        links=links,
    ):
        raise Conflict("Die Vereinbarung wurde inzwischen geändert; bitte neu laden.")
