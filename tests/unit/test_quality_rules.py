"""Rule A16, pure: complaint counts and yearly figures (counts only, no count above its total),
when a yearly report is owed and overdue, and the coordination of visits in one quarter."""

from __future__ import annotations

from datetime import date

from registry.quality import rules
from registry.quality.rules import PlannedVisit

TODAY = date(2026, 5, 12)
GROUPS = {"addiction", "mental-health"}


def _figures(**over: object) -> dict[str, object]:
    body: dict[str, object] = {
        "cases": {"addiction": 30, "mental-health": 12},
        "provision": {"in_person": 35, "outreach": 10, "remote": 8},
        "completed": 25,
        "goal_reached": 18,
        "return_to_work": 11,
    }
    body.update(over)
    return body


def _fields(problems: list[rules.Problem]) -> list[str]:
    assert all(p.rule == "A16" for p in problems)
    return [p.field for p in problems]


def test_complaint_is_a_count_by_category_and_month() -> None:
    # rule A16
    ok = {"month": "2026-04", "category": "waiting_time", "count": 3}
    assert rules.validate_complaint(ok, today=TODAY) == []
    assert rules.validate_complaint({**ok, "count": 0}, today=TODAY) == []
    assert rules.validate_complaint({**ok, "month": "2026-05"}, today=TODAY) == []


def test_complaint_refuses_every_other_field_by_name() -> None:
    # rule A16, docs/rules.md §10: no names, no case data
    body = {"month": "2026-04", "category": "other", "count": 1, "name": "Frau M.", "text": "…"}
    assert _fields(rules.validate_complaint(body, today=TODAY)) == ["name", "text"]
    assert _fields(rules.validate_complaint(["x"], today=TODAY)) == ["body"]


def test_complaint_month_category_and_count_are_checked() -> None:
    # rule A16
    base = {"month": "2026-04", "category": "other", "count": 1}
    for bad, field in (
        ({"month": "2026-06"}, "month"),  # in the future
        ({"month": "2026-13"}, "month"),
        ({"month": "April"}, "month"),
        ({"category": "Herr K."}, "category"),
        ({"count": -1}, "count"),
        ({"count": 1.5}, "count"),
        ({"count": True}, "count"),
        ({"count": "3"}, "count"),
    ):
        assert _fields(rules.validate_complaint({**base, **bad}, today=TODAY)) == [field], bad


def test_yearly_figures_counts_only_and_an_ended_year() -> None:
    # rule A16
    def check(year: int, body: object) -> list[str]:
        return _fields(
            rules.validate_yearly_figures(year, body, known_target_groups=GROUPS, today=TODAY)
        )

    assert check(2025, _figures()) == []
    assert check(2026, _figures()) == ["year"]  # not ended
    assert check(2025, _figures(notes="Familie K.")) == ["notes"]
    assert check(2025, _figures(cases={"oncology": 3})) == ["cases.oncology"]
    assert check(2025, _figures(provision={"video": 3})) == ["provision.video"]
    assert check(2025, _figures(completed=-2)) == ["completed"]
    assert check(2025, _figures(cases={"addiction": "30"})) == ["cases.addiction"]
    # provision may be left out (no kind reported), the outcomes may not
    body = _figures()
    del body["provision"], body["return_to_work"]
    assert check(2025, body) == ["return_to_work"]


def test_no_count_above_its_total() -> None:
    # rule A16: total = the cases of all groups; outcomes at most the completed cases
    def check(**over: object) -> list[str]:
        return _fields(
            rules.validate_yearly_figures(
                2025, _figures(**over), known_target_groups=GROUPS, today=TODAY
            )
        )

    assert check(completed=42) == []  # exactly the total
    assert check(completed=43) == ["completed"]
    assert check(provision={"in_person": 43}) == ["provision.in_person"]
    assert check(provision={"in_person": 42, "outreach": 42, "remote": 42}) == []  # kinds combine
    assert check(goal_reached=26) == ["goal_reached"]
    assert check(return_to_work=26, goal_reached=26) == ["goal_reached", "return_to_work"]
    assert check(cases={}, provision={}, completed=0, goal_reached=0, return_to_work=0) == []


def test_report_due_after_the_first_quarter_of_the_next_year() -> None:
    # rule A16
    assert rules.report_due(2025) == date(2026, 3, 31)
    assert not rules.is_report_overdue(2025, date(2026, 3, 31))
    assert rules.is_report_overdue(2025, date(2026, 4, 1))


def test_years_owed_since_the_admission_within_one_review_period() -> None:
    # rule A16: ended years without a report, from the admission's year, at most three back
    assert rules.years_owed(None, set(), TODAY) == []
    assert rules.years_owed(date(2026, 2, 1), set(), TODAY) == []
    assert rules.years_owed(date(2025, 11, 20), set(), TODAY) == [2025]
    assert rules.years_owed(date(2024, 6, 1), {2024}, TODAY) == [2025]
    assert rules.years_owed(date(2015, 1, 1), {2024}, TODAY) == [2023, 2025]
    assert "2025" in rules.missing_report_finding(2025)
    assert "31.03.2026" in rules.missing_report_finding(2025)


def test_visits_of_two_carriers_in_one_quarter_are_coordinated() -> None:
    # rule A16, Rahmenkonzept §8: "abzustimmen und bei Bedarf gemeinsam zu gestalten"
    nord = PlannedVisit("v1", date(2026, 4, 10), "drv-nord", frozenset({"drv-nord"}))
    joint = PlannedVisit("v2", date(2026, 6, 30), "drv-bund", frozenset({"drv-bund", "drv-hessen"}))
    later = PlannedVisit("v3", date(2026, 7, 1), "drv-nord", frozenset({"drv-nord"}))
    visits = [later, joint, nord]
    assert rules.coordinating_visits(date(2026, 5, 2), "drv-hessen", visits) == [nord]
    assert rules.coordinating_visits(date(2026, 5, 2), "drv-westfalen", visits) == [nord, joint]
    assert rules.coordinating_visits(date(2026, 5, 2), "drv-nord", visits) == [joint]
    assert rules.coordinating_visits(date(2026, 9, 30), "drv-hessen", visits) == [later]
    assert rules.quarter_label(date(2026, 5, 2)) == "2. Quartal 2026"


def test_visit_plan_and_record() -> None:
    # rule A16: invite only carriers that admitted a site; a short finding when done
    admitting = {"drv-nord", "drv-hessen"}
    assert rules.validate_visit_plan(date(2026, 6, 1), ["drv-hessen"], admitting, TODAY) == []
    assert _fields(rules.validate_visit_plan(date(2026, 6, 1), ["drv-bund"], admitting, TODAY)) == [
        "carriers[0]"
    ]
    assert _fields(rules.validate_visit_plan(date(2029, 1, 1), [], admitting, TODAY)) == [
        "planned_on"
    ]
    assert rules.validate_visit_done(date(2026, 5, 1), date(2026, 5, 2), "Gut.", TODAY) == []
    assert _fields(
        rules.validate_visit_done(date(2026, 5, 1), date(2026, 5, 13), "Gut.", TODAY)
    ) == ["done_on"]
    assert _fields(rules.validate_visit_done(date(2026, 5, 1), date(2026, 5, 2), " ", TODAY)) == [
        "finding"
    ]
    assert rules.visit_to_record(date(2026, 5, 12), TODAY)
    assert not rules.visit_to_record(date(2026, 5, 13), TODAY)
    assert rules.is_record_overdue(date(2026, 4, 11), TODAY)
    assert not rules.is_record_overdue(date(2026, 4, 12), TODAY)
