"""A14 on the fakes: admissions due for review, per carrier, earliest first."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from registry import clock
from registry.errors import Forbidden
from registry.lifecycle.reviews import due_for_review
from tests.service.lifecycle_world import (
    CASE_MANAGER,
    OFFICER_HESSEN,
    OFFICER_NORD,
    World,
    world,
)


def _set_review_due(w: World, site_id: str, due: str) -> None:
    """The review date the decision set, moved (as a confirmed review would move it)."""
    for row in w.admissions.admission_rows.values():
        if row["site_id"] == site_id:
            row["review_due"] = due


def test_a_review_36_months_ahead_is_not_due_until_the_window_reaches_it(
    tmp_path: Path,
) -> None:
    w = world(tmp_path)
    a = w.admitted()
    (admission,) = w.admissions.admissions_of_provider(a.provider_id)
    # A14: the review date is set at the decision, 36 months later by default
    assert admission["review_due"][:4] == str(clock.today().year + 3)
    assert due_for_review(w.reg, OFFICER_NORD) == []
    (due,) = due_for_review(w.reg, OFFICER_NORD, within_days=3 * 366)
    assert due["site_id"] == a.site_id and due["overdue"] is False


def test_due_reviews_are_listed_earliest_first_and_overdue_once_passed(tmp_path: Path) -> None:
    w = world(tmp_path)
    first = w.admitted("Beratung Eins")
    second = w.admitted("Beratung Zwei")
    today = clock.today()
    _set_review_due(w, first.site_id, (today + timedelta(days=30)).isoformat())
    _set_review_due(w, second.site_id, (today - timedelta(days=2)).isoformat())

    listed = due_for_review(w.reg, OFFICER_NORD)
    assert [(d["site_id"], d["overdue"]) for d in listed] == [
        (second.site_id, True),
        (first.site_id, False),
    ]
    assert {d["carrier"] for d in listed} == {"drv-nord"}
    # a narrower window leaves out what lies beyond it
    assert [d["site_id"] for d in due_for_review(w.reg, OFFICER_NORD, within_days=10)] == [
        second.site_id
    ]
    # another carrier's region: nothing to review
    assert due_for_review(w.reg, OFFICER_HESSEN) == []


def test_a_review_entering_the_window_with_the_clock(tmp_path: Path) -> None:
    w = world(tmp_path)
    a = w.admitted()
    (admission,) = w.admissions.admissions_of_provider(a.provider_id)
    clock.shift(timedelta(days=3 * 365 - 60))
    (due,) = due_for_review(w.reg, OFFICER_NORD)
    assert due["review_due"] == admission["review_due"] and due["overdue"] is False


def test_only_officers_list_reviews(tmp_path: Path) -> None:
    w = world(tmp_path)
    with pytest.raises(Forbidden):
        due_for_review(w.reg, CASE_MANAGER)
