"""A16 visits (Hospitationen): an officer of a carrier that admitted a site of the provider
plans a visit (date, carriers invited, note); every admitting carrier sees it and can join; a
carrier taking part records it as done with a short finding.

Coordination (Rahmenkonzept §8: "abzustimmen und bei Bedarf gemeinsam zu gestalten"): when a
carrier plans a visit in a quarter in which another carrier already plans one to the same
provider, both are told of each other by a notice, and the answer lists the other visits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from registry import clock
from registry.audit import record_event
from registry.auth import Principal
from registry.context import Registry
from registry.dates import german
from registry.errors import Conflict, Forbidden, InvalidInput, NotFound
from registry.graph.ports import Tx
from registry.ids import new_id
from registry.notices import NewNotice, NoticeRepository
from registry.quality import rules
from registry.quality.common import admitting_officer, carrier_name, reader
from registry.quality.repository import QualityRepository, VisitRow

VISIT_NOT_FOUND = "Hospitation nicht gefunden"


def _planned(v: VisitRow) -> rules.PlannedVisit:
    return rules.PlannedVisit(
        id=v["id"],
        planned_on=date.fromisoformat(v["planned_on"]),
        planner=v["planner"],
        participants=frozenset({v["planner"], *v["joined"]}),
        done=bool(v["done_on"]),
    )


def visit_view(reg: Registry, v: VisitRow, *, for_provider: bool = False) -> dict[str, Any]:
    """A visit as the API shows it; the provider sees when and who, not the carriers' note
    and finding."""
    carriers = [{"id": v["planner"], "name": carrier_name(reg, v["planner"]), "role": "planned"}]
    carriers += [{"id": c, "name": carrier_name(reg, c), "role": "joined"} for c in v["joined"]]
    if not for_provider:
        carriers += [
            {"id": c, "name": carrier_name(reg, c), "role": "invited"} for c in v["invited"]
        ]
    return {
        "id": v["id"],
        "planned_on": v["planned_on"],
        "done_on": v["done_on"] or None,
        "status": "done" if v["done_on"] else "planned",
        "carriers": carriers,
        "note": None if for_provider else v["note"],
        "finding": None if for_provider else (v["finding"] or None),
        "created_at": v["created_at"],
        "done_at": v["done_at"] or None,
    }


def _coordination_notices(
    reg: Registry,
    provider_id: str,
    provider_name: str,
    new: VisitRow,
    others: Sequence[rules.PlannedVisit],
) -> list[NewNotice]:
    now = clock.now().isoformat()
    planner = carrier_name(reg, new["planner"])
    planned_on = date.fromisoformat(new["planned_on"])
    quarter = rules.quarter_label(planned_on)
    notices: list[NewNotice] = []

    def notice(carrier: str, message: str) -> NewNotice:
        return {
            "id": new_id("ntc"),
            "carrier": carrier,
            "kind": "admission",
            "subject_type": "provider",
            "subject_id": provider_id,
            "title": provider_name,
            "message": message,
            "created_at": now,
        }

    together = "Bitte abstimmen und bei Bedarf gemeinsam gestalten (Rahmenkonzept § 8)."
    for o in others:
        notices.append(
            notice(
                o.planner,
                f"{planner} plant am {german(planned_on)} eine Hospitation bei »{provider_name}« – "
                f"im {quarter}, in dem Sie am {german(o.planned_on)} eine Hospitation planen. "
                + together,
            )
        )
    lines = "; ".join(f"{carrier_name(reg, o.planner)} am {german(o.planned_on)}" for o in others)
    notices.append(
        notice(
            new["planner"],
            f"Im {quarter} sind bereits Hospitationen bei »{provider_name}« geplant: {lines}. "
            + together,
        )
    )
    return notices


def plan_visit(
    reg: Registry, principal: Principal, provider_id: str, payload: Mapping[str, Any]
) -> dict[str, Any]:
    """Plan a visit: ``planned_on`` (date), ``carriers`` (invited, each a carrier that admitted
    a site of the provider; the planner's own carrier is left out), ``note``."""
    carrier = admitting_officer(reg, principal, provider_id)
    repo = reg.repo(QualityRepository)
    planned_on: date = payload["planned_on"]
    invited = [c for c in dict.fromkeys(payload.get("carriers") or []) if c != carrier]
    problems = rules.validate_visit_plan(
        planned_on, invited, set(repo.admitting_carriers(provider_id)), clock.today()
    )
    if problems:
        raise InvalidInput(problems)
    provider_name = repo.provider_name(provider_id) or ""
    existing = [_planned(v) for v in repo.visits(provider_id)]
    others = rules.coordinating_visits(planned_on, carrier, [v for v in existing if not v.done])
    visit_id = new_id("vis")
    now = clock.now().isoformat()
    row: VisitRow = {
        "id": visit_id,
        "planned_on": planned_on.isoformat(),
        "note": str(payload.get("note") or ""),
        "done_on": "",
        "finding": "",
        "created_at": now,
        "done_at": "",
        "planner": carrier,
        "joined": [],
        "invited": sorted(invited),
    }

    def work(tx: Tx) -> None:
        reg.repo(QualityRepository, tx).create_visit(
            id=visit_id,
            provider_id=provider_id,
            carrier=carrier,
            planned_on=row["planned_on"],
            note=row["note"],
            invited=row["invited"],
            user_id=principal.user_id,
            now=now,
        )
        if others:
            reg.repo(NoticeRepository, tx).create_many(
                _coordination_notices(reg, provider_id, provider_name, row, others)
            )
        record_event(
            tx,
            actor=principal,
            subject_type="provider",
            subject_id=provider_id,
            action="visit.planned",
            data={"visit_id": visit_id, "planned_on": row["planned_on"], "invited": invited},
        )

    reg.unit_of_work(work)
    view = visit_view(reg, row)
    view["coordination"] = [
        {
            "visit_id": o.id,
            "planned_on": o.planned_on.isoformat(),
            "carrier": o.planner,
            "carrier_name": carrier_name(reg, o.planner),
        }
        for o in others
    ]
    return view


def _visit(reg: Registry, provider_id: str, visit_id: str) -> VisitRow:
    found = reg.repo(QualityRepository).visits(provider_id, visit_id)
    if not found:
        raise NotFound(VISIT_NOT_FOUND)
    return found[0]


def join_visit(
    reg: Registry, principal: Principal, provider_id: str, visit_id: str
) -> dict[str, Any]:
    """An admitting carrier (invited or not) takes part in a planned visit."""
    carrier = admitting_officer(reg, principal, provider_id)
    visit = _visit(reg, provider_id, visit_id)
    if visit["done_on"]:
        raise Conflict("Die Hospitation ist bereits abgeschlossen.")
    if carrier == visit["planner"] or carrier in visit["joined"]:
        raise Conflict("Ihr Träger nimmt an dieser Hospitation bereits teil.")
    now = clock.now().isoformat()

    def work(tx: Tx) -> None:
        if not reg.repo(QualityRepository, tx).join_visit(visit_id, carrier, now):
            raise Conflict("Die Hospitation wurde inzwischen geändert; bitte neu laden.")
        record_event(
            tx,
            actor=principal,
            subject_type="provider",
            subject_id=provider_id,
            action="visit.joined",
            data={"visit_id": visit_id},
        )

    reg.unit_of_work(work)
    return visit_view(reg, _visit(reg, provider_id, visit_id))


def record_done(
    reg: Registry,
    principal: Principal,
    provider_id: str,
    visit_id: str,
    done_on: date,
    finding: str,
) -> dict[str, Any]:
    """A carrier taking part (planner or joined) records the visit as done, with a short
    finding (no personal data of insured persons, §10)."""
    carrier = admitting_officer(reg, principal, provider_id)
    visit = _visit(reg, provider_id, visit_id)
    if carrier != visit["planner"] and carrier not in visit["joined"]:
        raise Forbidden("Das Ergebnis erfassen die teilnehmenden Träger; bitte zuerst beitreten.")
    if visit["done_on"]:
        raise Conflict("Die Hospitation ist bereits als durchgeführt erfasst.")
    finding = finding.strip()
    problems = rules.validate_visit_done(
        date.fromisoformat(visit["planned_on"]), done_on, finding, clock.today()
    )
    if problems:
        raise InvalidInput(problems)
    now = clock.now().isoformat()

    def work(tx: Tx) -> None:
        if not reg.repo(QualityRepository, tx).record_done(
            visit_id, done_on.isoformat(), finding, now
        ):
            raise Conflict("Die Hospitation ist bereits als durchgeführt erfasst.")
        record_event(
            tx,
            actor=principal,
            subject_type="provider",
            subject_id=provider_id,
            action="visit.done",
            data={"visit_id": visit_id, "done_on": done_on.isoformat()},
        )

    reg.unit_of_work(work)
    return visit_view(reg, _visit(reg, provider_id, visit_id))


def list_visits(reg: Registry, principal: Principal, provider_id: str) -> list[dict[str, Any]]:
    """The provider's visits, for its admitting carriers and for the provider itself."""
    carrier = reader(reg, principal, provider_id)
    return [
        visit_view(reg, v, for_provider=not carrier)
        for v in reg.repo(QualityRepository).visits(provider_id)
    ]


def invitable_carriers(
    reg: Registry, principal: Principal, provider_id: str
) -> list[dict[str, str]]:
    """The other carriers that admitted a site of the provider (whom a visit can invite)."""
    carrier = admitting_officer(reg, principal, provider_id)
    return [
        {"id": c, "name": carrier_name(reg, c)}
        for c in reg.repo(QualityRepository).admitting_carriers(provider_id)
        if c != carrier
    ]
