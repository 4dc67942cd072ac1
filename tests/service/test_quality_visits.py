"""Use-case tests of A16 visits on the repositories' fakes: who may plan, join and record,
coordination notices in one quarter, the visit items of the task inbox."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from registry import clock
from registry.errors import Conflict, Forbidden, InvalidInput, NotFound
from registry.notices import NoticeRepository
from registry.quality import inbox, visits
from tests.service.quality_world import PROVIDER, PROVIDER_USER, officer, quality_world

NORD, HESSEN, WESTFALEN = officer("drv-nord"), officer("drv-hessen"), officer("drv-westfalen")


def _quarter_start() -> date:
    today = clock.today()
    month = ((today.month - 1) // 3 + 1) * 3 + 1
    return date(today.year + (month > 12), (month - 1) % 12 + 1, 1)


def test_only_admitting_carriers_plan_and_see_visits(tmp_path: Path) -> None:
    # rule A16, §9: the carrier must have admitted a site of the provider; others: 404
    reg, _ = quality_world(tmp_path)
    day = _quarter_start()
    with pytest.raises(NotFound):
        visits.plan_visit(reg, WESTFALEN, PROVIDER, {"planned_on": day})
    with pytest.raises(NotFound):
        visits.list_visits(reg, WESTFALEN, PROVIDER)
    with pytest.raises(Forbidden):
        visits.plan_visit(reg, PROVIDER_USER, PROVIDER, {"planned_on": day})
    with pytest.raises(InvalidInput):
        visits.plan_visit(reg, NORD, PROVIDER, {"planned_on": day, "carriers": ["drv-westfalen"]})
    v = visits.plan_visit(
        reg, NORD, PROVIDER, {"planned_on": day, "carriers": ["drv-hessen", "drv-nord"]}
    )
    assert [(c["id"], c["role"]) for c in v["carriers"]] == [
        ("drv-nord", "planned"),
        ("drv-hessen", "invited"),
    ]
    assert [x["id"] for x in visits.list_visits(reg, PROVIDER_USER, PROVIDER)] == [v["id"]]


def test_invited_carrier_joins_then_records_after_the_day(tmp_path: Path) -> None:
    # rule A16: the invitation is a visit task; joining answers it; the day brings a task to record
    reg, _ = quality_world(tmp_path)
    day = _quarter_start()
    v = visits.plan_visit(reg, NORD, PROVIDER, {"planned_on": day, "carriers": ["drv-hessen"]})
    items = inbox.carrier_items(reg, "drv-hessen", clock.now())
    assert [(i["kind"], i["visit_id"]) for i in items] == [("visit", v["id"])]
    assert inbox.carrier_items(reg, "drv-nord", clock.now()) == []  # its day has not come
    with pytest.raises(Forbidden):  # not taking part yet
        visits.record_done(reg, HESSEN, PROVIDER, v["id"], clock.today(), "Gut.")
    visits.join_visit(reg, HESSEN, PROVIDER, v["id"])
    with pytest.raises(Conflict):
        visits.join_visit(reg, HESSEN, PROVIDER, v["id"])
    with pytest.raises(Conflict):
        visits.join_visit(reg, NORD, PROVIDER, v["id"])
    assert inbox.carrier_items(reg, "drv-hessen", clock.now()) == []

    clock.shift(timedelta(days=(day - clock.today()).days + 31))
    items = inbox.carrier_items(reg, "drv-hessen", clock.now())
    assert [i["visit_id"] for i in items] == [v["id"]] and items[0]["overdue"] is True
    done = visits.record_done(reg, HESSEN, PROVIDER, v["id"], day, "Konzept umgesetzt.")
    assert done["status"] == "done" and done["finding"] == "Konzept umgesetzt."
    with pytest.raises(Conflict):
        visits.record_done(reg, NORD, PROVIDER, v["id"], day, "Noch einmal.")
    assert inbox.carrier_items(reg, "drv-nord", clock.now()) == []


def test_two_carriers_in_one_quarter_get_notices(tmp_path: Path) -> None:
    # rule A16, §8: a second visit in the same quarter tells both carriers of each other
    reg, _ = quality_world(tmp_path)
    start = _quarter_start()
    first = visits.plan_visit(reg, NORD, PROVIDER, {"planned_on": start})
    second = visits.plan_visit(reg, HESSEN, PROVIDER, {"planned_on": start + timedelta(days=30)})
    assert [c["visit_id"] for c in second["coordination"]] == [first["id"]]
    notices = reg.fakes[NoticeRepository]
    for carrier, other in (("drv-nord", "DRV Hessen"), ("drv-hessen", "DRV Nord")):
        rows = notices.of_carrier(carrier, ["admission"], False)
        assert len(rows) == 1 and other in rows[0]["message"], carrier
        assert rows[0]["subject_type"] == "provider" and rows[0]["subject_id"] == PROVIDER
    # taking part already: no coordination needed
    visits.join_visit(reg, HESSEN, PROVIDER, first["id"])
    third = visits.plan_visit(reg, HESSEN, PROVIDER, {"planned_on": start + timedelta(days=60)})
    assert third["coordination"] == []
