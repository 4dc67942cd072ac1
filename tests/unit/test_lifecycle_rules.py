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
)
from registry.dates import add_months
from registry.lifecycle.rules import (
    IssuedAdmission,
    PendingFollowOn,
    carriers_with_contract_pending,
    confirmation_due,
    due_for_review,
    escalated_follow_ons,
    follow_on_carriers_to_tell,
    is_data_stale,
    issuing_carriers,
    language_finding,
    site_change_findings,
    staff_change_tasks,
    stale_data_task,
    unspoken_languages,
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
    (task,) = staff_change_tasks([finding], ["drv-nord"], "p1", "a1", datetime(2026, 6, 1))
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


def test_a15_staff_finding_is_a_task_for_every_issuing_carrier() -> None:
    # rule A15: the lead and each follow-on carrier that issued an affected admission
    carriers = issuing_carriers("drv-nord", ["drv-hessen", None, "drv-nord", "", "drv-hessen"])
    assert carriers == ["drv-nord", "drv-hessen"]
    finding = Finding("Q2", "qualified-count", Severity.BLOCKING, "Zu wenige.", "case_managers")
    tasks = staff_change_tasks([finding], carriers, "p1", "a1", datetime(2026, 6, 1))
    assert [(t.carrier, t.rule, t.kind) for t in tasks] == [
        ("drv-nord", "Q2", "staff_finding"),
        ("drv-hessen", "Q2", "staff_finding"),
    ]


def test_a15_a_site_language_no_case_manager_speaks_is_advisory() -> None:
    # rule A15: advisory, never a refusal
    assert unspoken_languages(["de", "tr", "ar"], [["de"], ["ar", "en"]]) == ["tr"]
    assert unspoken_languages(["de"], [["de"]]) == []
    assert language_finding("s1", "Lübeck", []) is None
    finding = language_finding("s1", "Lübeck", ["tr"])
    assert finding is not None and finding.severity is Severity.ADVISORY
    assert (finding.rule, finding.subject, finding.field) == ("Q5", "s1", "languages")


def test_a15_q5_site_change_findings_new_and_gone() -> None:
    # rule A15/Q5: a change of a site's facts re-runs Q5; new and gone findings by identity
    rooms = Finding("Q5", "rooms-relatives-missing", Severity.BLOCKING, "x", "f", subject="s1")
    bus = Finding("Q5", "public-transport-missing", Severity.ADVISORY, "y", "f", subject="s1")
    new, gone = site_change_findings([bus], [rooms])
    assert new == [rooms] and gone == [bus]
    assert site_change_findings([rooms], [rooms]) == ([], [])


def test_a7_overdue_follow_on_is_escalated_to_the_lead() -> None:
    # rule A7: past the overdue date (follow_on_days) the lead gets a task naming carrier and site
    now = datetime(2026, 6, 30)
    old = PendingFollowOn("f1", "a1", "s-kassel", "drv-hessen", datetime(2026, 6, 1))
    fresh = PendingFollowOn("f2", "a1", "s-bonn", "drv-rheinland", datetime(2026, 6, 25))
    other_lead = PendingFollowOn("f3", "a2", "s-x", "drv-hessen", datetime(2026, 5, 1))
    periods = Periods(follow_on_days=14)
    due = escalated_follow_ons([fresh, other_lead, old], {"a1"}, "drv-nord", now, periods)
    assert due == [old]
    # exactly at the limit it is not yet overdue
    edge = PendingFollowOn("f4", "a1", "s-y", "drv-hessen", datetime(2026, 6, 16))
    assert escalated_follow_ons([edge], {"a1"}, "drv-nord", now, periods) == []


def test_a9_lead_suspension_tells_every_follow_on_issuer_of_that_group() -> None:
    # rule A9: same application and group, issued by another carrier, in force
    admissions = [
        IssuedAdmission("s-lub", "addiction", "a1", "drv-nord", "suspended"),
        IssuedAdmission("s-kas", "addiction", "a1", "drv-hessen", "admitted"),
        IssuedAdmission("s-kas", "mental-health", "a1", "drv-hessen", "admitted"),
        IssuedAdmission("s-bon", "addiction", "a1", "drv-rheinland", "revoked"),
        IssuedAdmission("s-oth", "addiction", "a2", "drv-hessen", "admitted"),
    ]
    told = follow_on_carriers_to_tell([("s-lub", "addiction")], "a1", "drv-nord", admissions)
    assert [(m.issued_by, m.site_id, m.target_group) for m in told] == [
        ("drv-hessen", "s-kas", "addiction")
    ]
