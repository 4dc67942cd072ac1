"""Use-case tests of A16 complaints, yearly figures and the quality record on the fakes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from registry import clock
from registry.errors import Forbidden, InvalidInput, NotFound
from registry.quality import complaints, figures, inbox, record
from tests.service.quality_world import (
    OTHER_PROVIDER_USER,
    PROVIDER,
    PROVIDER_USER,
    officer,
    quality_world,
)

NORD, HESSEN, WESTFALEN = officer("drv-nord"), officer("drv-hessen"), officer("drv-westfalen")


def _figures(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "cases": {"addiction": 10},
        "provision": {"in_person": 8, "remote": 4},
        "completed": 6,
        "goal_reached": 4,
        "return_to_work": 3,
    }
    body.update(over)
    return body


def _month() -> str:
    return (clock.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


def test_complaints_counts_only_by_admitting_officers(tmp_path: Path) -> None:
    # rule A16, §10
    reg, repo = quality_world(tmp_path)
    body = {"month": _month(), "category": "waiting_time", "count": 2}
    with pytest.raises(NotFound):
        complaints.record_complaints(reg, WESTFALEN, PROVIDER, body)
    with pytest.raises(Forbidden):
        complaints.record_complaints(reg, PROVIDER_USER, PROVIDER, body)
    with pytest.raises(InvalidInput) as exc:
        complaints.record_complaints(reg, NORD, PROVIDER, {**body, "person": "Frau M."})
    assert [(p.field, p.rule) for p in exc.value.problems] == [("person", "A16")]
    complaints.record_complaints(reg, NORD, PROVIDER, body)
    complaints.record_complaints(reg, NORD, PROVIDER, {**body, "count": 3})  # corrects it
    assert [(c["carrier"], c["count"]) for c in repo.complaints(PROVIDER)] == [("drv-nord", 3)]


def test_provider_reports_its_own_figures(tmp_path: Path) -> None:
    # rule A16: the provider reports; no count above its total; another provider: 404
    reg, repo = quality_world(tmp_path)
    year = clock.today().year - 1
    with pytest.raises(NotFound):
        figures.report_figures(reg, OTHER_PROVIDER_USER, PROVIDER, year, _figures())
    with pytest.raises(Forbidden):
        figures.report_figures(reg, NORD, PROVIDER, year, _figures())
    with pytest.raises(InvalidInput) as exc:
        figures.report_figures(reg, PROVIDER_USER, PROVIDER, year, _figures(completed=11))
    assert [p.field for p in exc.value.problems] == ["completed"]
    out = figures.report_figures(reg, PROVIDER_USER, PROVIDER, year, _figures())
    assert out["provision"] == {"in_person": 8, "outreach": 0, "remote": 4}
    assert [r["year"] for r in repo.reports(PROVIDER)] == [year]


def test_missing_report_is_a_task_and_overdue_an_advisory_finding(tmp_path: Path) -> None:
    # rule A16
    reg, _ = quality_world(tmp_path, admitted_since="2024-06-01T10:00:00+00:00")
    now = datetime(2026, 2, 10, 9, tzinfo=clock.now().tzinfo)
    items = inbox.provider_items(reg, PROVIDER, now)
    assert [(i["kind"], i["due_on"], i["overdue"]) for i in items] == [
        ("yearly_report", "2025-03-31", True),
        ("yearly_report", "2026-03-31", False),
    ]
    clock.shift(now - clock.now())
    q = record.quality_record(reg, NORD, PROVIDER)
    assert [f["field"] for f in q["findings"]] == ["yearly_figures.2024"]
    figures.report_figures(reg, PROVIDER_USER, PROVIDER, 2024, _figures())
    assert [i["id"] for i in inbox.provider_items(reg, PROVIDER, now)] == [
        f"yearly_report:{PROVIDER}:2025"
    ]
    assert record.quality_record(reg, NORD, PROVIDER)["findings"] == []


def test_record_highlights_what_is_newer_than_the_last_review(tmp_path: Path) -> None:
    # rule A16, A14: per carrier and in total; the provider sees monthly totals only
    reg, repo = quality_world(tmp_path)
    month = _month()
    complaints.record_complaints(
        reg, NORD, PROVIDER, {"month": month, "category": "waiting_time", "count": 2}
    )
    repo.reviews[PROVIDER] = {"drv-nord": clock.now().isoformat()}
    clock.shift(timedelta(seconds=5))
    complaints.record_complaints(
        reg, HESSEN, PROVIDER, {"month": month, "category": "other", "count": 1}
    )
    q = record.quality_record(reg, NORD, PROVIDER)
    assert (
        q["last_review"] == date.fromisoformat(repo.reviews[PROVIDER]["drv-nord"][:10]).isoformat()
    )
    assert [(c["carrier"], c["new"]) for c in q["complaints"]] == [
        ("drv-hessen", True),
        ("drv-nord", False),
    ]
    summary = q["summary"]["complaints"]
    assert summary["total"] == 3 and summary["new"] == 1
    assert {e["carrier_name"]: (e["total"], e["new"]) for e in summary["by_carrier"]} == {
        "DRV Nord": (2, 0),
        "DRV Hessen": (1, 1),
    }
    q = record.quality_record(reg, HESSEN, PROVIDER)
    assert q["last_review"] is None and q["summary"]["complaints"]["new"] == 3
    own = record.quality_record(reg, PROVIDER_USER, PROVIDER)
    assert own["complaints"] == [{"month": month, "count": 3}]
    with pytest.raises(NotFound):
        record.quality_record(reg, OTHER_PROVIDER_USER, PROVIDER)
    with pytest.raises(NotFound):
        record.quality_record(reg, WESTFALEN, PROVIDER)
