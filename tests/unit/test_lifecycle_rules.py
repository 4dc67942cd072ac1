"""Unit tests of A13–A15: contracts, reviews due, data confirmation, staff-change tasks."""

from __future__ import annotations

from datetime import date, datetime

from registry.admission.model import (
    Admission,
    AdmissionStatus,
    Contract,
    Finding,
    Periods,
    Severity,
    add_months,
)
from registry.lifecycle.rules import (
    carriers_with_contract_pending,
    confirmation_due,
    due_for_review,
    is_data_stale,
    staff_change_tasks,
    stale_data_task,
    validate_contract,
)

AS = AdmissionStatus
TODAY = date(2026, 6, 1)


def adm(site: str, carrier: str | None, status: AS, review: date | None = None) -> Admission:
    return Admission(site, "addiction", status, carrier or "drv-nord", carrier, TODAY, review)


def test_contract_pending_per_admitting_carrier() -> None:
    # rule A13
    admissions = [
        adm("luebeck", "drv-nord", AS.ADMITTED),
        adm("bremen", "drv-oldenburg-bremen", AS.SUSPENDED),
        adm("hannover", None, AS.AWAITING_FOLLOW_ON),
        adm("kassel", "drv-hessen", AS.REVOKED),
    ]
    contracts = [Contract("drv-nord", "p1", date(2026, 5, 1), "2026-1")]
    assert carriers_with_contract_pending("p1", admissions, contracts) == {"drv-oldenburg-bremen"}
    other_provider = [Contract("drv-oldenburg-bremen", "p2", date(2026, 5, 1), "2026-1")]
    assert carriers_with_contract_pending("p1", admissions, other_provider) == {
        "drv-nord",
        "drv-oldenburg-bremen",
    }


def test_contract_needs_date_and_version() -> None:
    # rule A13
    assert validate_contract(date(2026, 5, 1), "2026-1", TODAY) == []
    problems = validate_contract(date(2026, 7, 1), " ", TODAY)
    assert {(p.field, p.rule) for p in problems} == {
        ("signed_on", "A13"),
        ("model_contract_version", "A13"),
    }


def test_due_for_review_lists_the_carriers_admissions() -> None:
    # rule A14
    admissions = [
        adm("a", "drv-nord", AS.ADMITTED, date(2026, 8, 1)),
        adm("b", "drv-nord", AS.SUSPENDED, date(2026, 5, 1)),
        adm("c", "drv-nord", AS.ADMITTED, date(2027, 1, 1)),
        adm("d", "drv-nord", AS.REVOKED, date(2026, 5, 1)),
        adm("e", "drv-hessen", AS.ADMITTED, date(2026, 5, 1)),
    ]
    assert [a.site_id for a in due_for_review(admissions, "drv-nord", TODAY, 90)] == ["b", "a"]
    assert [a.site_id for a in due_for_review(admissions, "drv-nord", TODAY)] == ["b"]


def test_site_data_confirmed_every_twelve_months() -> None:
    # rule A15
    assert confirmation_due(date(2025, 6, 1)) == date(2026, 6, 1)
    assert not is_data_stale(date(2025, 6, 1), date(2020, 1, 1), TODAY)
    assert is_data_stale(date(2025, 5, 31), date(2020, 1, 1), TODAY)
    assert is_data_stale(None, date(2025, 1, 1), TODAY)
    assert not is_data_stale(None, date(2025, 1, 1), TODAY, Periods(data_confirmation_months=24))
    task = stale_data_task("p1", "luebeck", "Lübeck", "drv-nord", None, datetime(2026, 6, 1))
    assert (task.rule, task.carrier, task.site_id) == ("A15", "drv-nord", "luebeck")
    assert "nie bestätigt" in task.message


def test_new_staff_finding_becomes_task_for_lead() -> None:
    # rule A15: a task, never an automatic suspension
    finding = Finding("Q2", "qualified-count", Severity.BLOCKING, "Zu wenige.", "case_managers")
    (task,) = staff_change_tasks([finding], "drv-nord", "p1", "a1", datetime(2026, 6, 1))
    assert (task.kind, task.rule, task.carrier, task.application_id) == (
        "staff_finding",
        "Q2",
        "drv-nord",
        "a1",
    )
    assert "Zu wenige." in task.message


def test_add_months_clamps_to_month_end() -> None:
    # rule Q3 / rule A14 date arithmetic
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2025, 11, 15), 3) == date(2026, 2, 15)
    assert add_months(date(2025, 3, 1), -3) == date(2024, 12, 1)
