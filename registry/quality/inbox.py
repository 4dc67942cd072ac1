"""A16 items of the task inbox (``GET /tasks``, :mod:`registry.lifecycle.tasks`).

For a carrier: ``visit`` — a planned visit it is invited to (join and coordinate, until the
day), and a visit it takes part in whose day has come (record it as done with a finding;
overdue 30 days after the day). For a provider: ``yearly_report`` — an ended year not yet
reported (due by the end of the next year's first quarter, overdue after it). Ids are stable:
``visit:<visit id>``, ``yearly_report:<provider id>:<year>``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from registry import clock
from registry.context import Registry
from registry.dates import german, midnight
from registry.quality import rules
from registry.quality.common import carrier_name
from registry.quality.figures import owed_reports
from registry.quality.repository import QualityRepository


def _item(
    *,
    id: str,  # noqa: A002 - the public field name
    kind: str,
    provider_id: str,
    message: str,
    created_at: datetime,
    overdue: bool,
    now: datetime,
    due_on: date,
    visit_id: str | None = None,
) -> dict[str, Any]:
    return {
        "id": id,
        "kind": kind,
        "rule": rules.RULE,
        "provider_id": provider_id,
        "application_id": None,
        "site_id": None,
        "visit_id": visit_id,
        "message": message,
        "created_at": created_at.isoformat(),
        "age_days": max((now - created_at).days, 0),
        "overdue": overdue,
        "due_on": due_on.isoformat(),
    }


def carrier_items(reg: Registry, carrier: str, now: datetime) -> list[dict[str, Any]]:
    today = now.date()
    items = []
    for v in reg.repo(QualityRepository).open_visits_of_carrier(carrier):
        planned_on = date.fromisoformat(v["planned_on"])
        provider = v["provider_name"]
        if v["invited_since"]:
            if planned_on < today:
                continue  # the day has passed without this carrier
            message = (
                f"{carrier_name(reg, v['planner'])} plant am {german(planned_on)} eine Hospitation "
                f"bei »{provider}« und lädt Ihren Träger ein: bitte abstimmen und bei Bedarf "
                "teilnehmen (Rahmenkonzept §8)."
            )
            created, overdue = clock.parse(v["invited_since"]), False
        elif rules.visit_to_record(planned_on, today):
            message = (
                f"Hospitation bei »{provider}« am {german(planned_on)}: bitte als durchgeführt "
                "erfassen, mit einem kurzen Ergebnis."
            )
            created = midnight(planned_on)
            overdue = rules.is_record_overdue(planned_on, today)
        else:
            continue
        items.append(
            _item(
                id=f"visit:{v['id']}",
                kind="visit",
                provider_id=v["provider_id"],
                visit_id=v["id"],
                message=message,
                created_at=min(created, now),
                overdue=overdue,
                now=now,
                due_on=planned_on,
            )
        )
    return items


def provider_items(reg: Registry, provider_id: str, now: datetime) -> list[dict[str, Any]]:
    items = []
    for o in owed_reports(reg, provider_id, now.date()):
        items.append(
            _item(
                id=f"yearly_report:{provider_id}:{o.year}",
                kind="yearly_report",
                provider_id=provider_id,
                message=(
                    f"Bitte melden Sie Ihre Jahreszahlen {o.year} (Fälle nach Zielgruppe, Art "
                    "der Erbringung, abgeschlossene Fälle, Zielerreichung, berufliche "
                    f"Wiedereingliederung) bis {german(o.due)}."
                ),
                created_at=midnight(date(o.year + 1, 1, 1)),
                overdue=o.overdue,
                now=now,
                due_on=o.due,
            )
        )
    return items
