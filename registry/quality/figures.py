"""A16 yearly figures: the provider reports per ended year its cases by target group, the kind
of provision, completed cases, goal reached and return to work (Rahmenkonzept §8), counts only
and validated (no count above its total). Reporting a year again replaces that year's report.

A year the provider owes (it held an admission in force, the year has ended) and has not
reported is a task for the provider; after the first quarter of the next year it is overdue,
and then also an advisory finding on the provider's next review (A14)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from registry import clock
from registry.audit import record_event
from registry.auth import Principal
from registry.context import Registry
from registry.dates import day
from registry.errors import InvalidInput, NotFound
from registry.graph.ports import Tx
from registry.quality import rules
from registry.quality.common import NOT_FOUND, own_provider
from registry.quality.repository import QualityRepository, ReportRow, ReportValues


def figures_view(r: ReportRow) -> dict[str, Any]:
    """A year's report as reported (API.md), with when it was reported."""
    return {
        "cases": dict(sorted(r["cases"].items())),
        "provision": {
            "in_person": r["in_person"],
            "outreach": r["outreach"],
            "remote": r["remote"],
        },
        "completed": r["completed"],
        "goal_reached": r["goal_reached"],
        "return_to_work": r["return_to_work"],
        "reported_at": r["reported_at"],
    }


def report_figures(
    reg: Registry, principal: Principal, provider_id: str, year: int, payload: Mapping[str, Any]
) -> dict[str, Any]:
    own_provider(principal, provider_id)
    repo = reg.repo(QualityRepository)
    if repo.provider_name(provider_id) is None:
        raise NotFound(NOT_FOUND)
    groups = {t.code for t in reg.reference.target_groups}
    problems = rules.validate_yearly_figures(
        year, payload, known_target_groups=groups, today=clock.today()
    )
    if problems:
        raise InvalidInput(problems)
    provision = payload.get("provision") or {}
    values: ReportValues = {
        "in_person": int(provision.get("in_person", 0)),
        "outreach": int(provision.get("outreach", 0)),
        "remote": int(provision.get("remote", 0)),
        "completed": int(payload["completed"]),
        "goal_reached": int(payload["goal_reached"]),
        "return_to_work": int(payload["return_to_work"]),
    }
    cases = {str(k): int(v) for k, v in payload["cases"].items()}
    now = clock.now().isoformat()

    def work(tx: Tx) -> None:
        reg.repo(QualityRepository, tx).save_report(
            provider_id=provider_id,
            year=year,
            values=values,
            cases=cases,
            user_id=principal.user_id,
            now=now,
        )
        record_event(
            tx,
            actor=principal,
            subject_type="provider",
            subject_id=provider_id,
            action="yearly_figures.reported",
            data={"year": year},
        )

    reg.unit_of_work(work)
    row: ReportRow = {**values, "year": year, "reported_at": now, "cases": cases}
    return {"year": year, **figures_view(row)}


@dataclass(frozen=True)
class OwedReport:
    year: int
    due: date
    overdue: bool


def owed_reports(reg: Registry, provider_id: str, today: date) -> list[OwedReport]:
    """The ended years the provider has not reported (within one review period)."""
    repo = reg.repo(QualityRepository)
    since = day(repo.admitted_since(provider_id))
    reported = {r["year"] for r in repo.reports(provider_id)}
    return [
        OwedReport(y, rules.report_due(y), rules.is_report_overdue(y, today))
        for y in rules.years_owed(since, reported, today)
    ]
