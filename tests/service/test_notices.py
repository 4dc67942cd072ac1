"""Notice use cases on the fakes (no database): who reads which notices, acknowledging once,
overdue notices (rules A8, N4)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from registry import clock
from registry.audit import AuditRepository, InMemoryAuditRepository
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Conflict, Forbidden, InvalidInput, NotFound
from registry.notices import (
    InMemoryNoticeRepository,
    NewNotice,
    NoticeRepository,
    acknowledge,
    acknowledge_many,
    list_notices,
)
from tests.service.conftest import fake_registry, shared_fakes

OFFICER_NORD = Principal("u-of-nord", "officer.nord", Role.ADMISSIONS_OFFICER, "drv-nord")
OFFICER_NORD_2 = Principal("u-of-nord-2", "officer2.nord", Role.ADMISSIONS_OFFICER, "drv-nord")
STRATEGIST_NORD = Principal("u-st-nord", "strategist.nord", Role.NETWORK_STRATEGIST, "drv-nord")
OFFICER_HESSEN = Principal("u-of-hessen", "officer.hessen", Role.ADMISSIONS_OFFICER, "drv-hessen")
CASE_MANAGER_NORD = Principal("u-cm-nord", "cm.nord", Role.CASE_MANAGER, "drv-nord")


@pytest.fixture
def reg(tmp_path: Path) -> Iterator[Registry]:
    yield fake_registry(tmp_path, shared_fakes())
    clock.reset()


def _notices(reg: Registry) -> InMemoryNoticeRepository:
    fake: InMemoryNoticeRepository = reg.fakes[NoticeRepository]
    return fake


def _notice(notice_id: str, carrier: str, kind: str, days_ago: int = 0) -> NewNotice:
    return {
        "id": notice_id,
        "carrier": carrier,
        "kind": kind,
        "subject_type": "application" if kind == "admission" else "agreement",
        "subject_id": f"subj-{notice_id}",
        "title": f"Betreff {notice_id}",
        "message": "Bitte zur Kenntnis nehmen.",
        "created_at": (clock.now() - timedelta(days=days_ago)).isoformat(),
    }


def _seed(reg: Registry) -> None:
    _notices(reg).create_many(
        [
            _notice("n-adm-old", "drv-nord", "admission", days_ago=30),
            _notice("n-adm-new", "drv-nord", "admission", days_ago=1),
            _notice("n-agr", "drv-nord", "agreement", days_ago=2),
            _notice("n-hessen", "drv-hessen", "admission", days_ago=3),
        ]
    )


def test_each_role_reads_its_carriers_notices_of_its_kind_newest_first(reg: Registry) -> None:
    _seed(reg)
    assert [n["id"] for n in list_notices(reg, OFFICER_NORD)] == ["n-adm-new", "n-adm-old"]
    assert [n["id"] for n in list_notices(reg, STRATEGIST_NORD)] == ["n-agr"]
    assert [n["id"] for n in list_notices(reg, OFFICER_HESSEN)] == ["n-hessen"]
    with pytest.raises(Forbidden):
        list_notices(reg, CASE_MANAGER_NORD)


def test_unacknowledged_notices_show_their_age_and_become_overdue(reg: Registry) -> None:
    _seed(reg)
    by_id = {n["id"]: n for n in list_notices(reg, OFFICER_NORD)}
    assert by_id["n-adm-old"]["age_days"] == 30
    assert reg.settings.notice_overdue_days < 30
    assert by_id["n-adm-old"]["overdue"] is True
    assert by_id["n-adm-new"]["overdue"] is False
    assert by_id["n-adm-new"]["subject"] == {
        "type": "application",
        "id": "subj-n-adm-new",
        "title": "Betreff n-adm-new",
    }


def test_acknowledging_records_who_and_when_once(reg: Registry) -> None:
    _seed(reg)
    result = acknowledge(reg, OFFICER_NORD, "n-adm-old")
    assert result["id"] == "n-adm-old"
    stored = _notices(reg).notices["n-adm-old"]
    assert (stored["acknowledged_at"], stored["acknowledged_by"]) == (
        result["acknowledged_at"],
        OFFICER_NORD.user_id,
    )
    audit: InMemoryAuditRepository = reg.fakes[AuditRepository]
    assert [(e["action"], e["subject_id"]) for e in audit.events] == [
        ("notice.acknowledged", "n-adm-old")
    ]
    # another officer of the same carrier finds it done, not open
    with pytest.raises(Conflict):
        acknowledge(reg, OFFICER_NORD_2, "n-adm-old")
    assert len(audit.events) == 1
    assert [n["id"] for n in list_notices(reg, OFFICER_NORD, acknowledged=False)] == ["n-adm-new"]
    done = list_notices(reg, OFFICER_NORD, acknowledged=True)
    assert [(n["id"], n["overdue"]) for n in done] == [("n-adm-old", False)]


@pytest.mark.parametrize(
    ("who", "notice_id"),
    [
        (OFFICER_HESSEN, "n-adm-old"),  # another carrier's notice
        (STRATEGIST_NORD, "n-adm-old"),  # an admission notice is not a strategist's
        (OFFICER_NORD, "n-agr"),  # an agreement notice is not an officer's
        (OFFICER_NORD, "n-unbekannt"),
    ],
)
def test_a_notice_outside_ones_carrier_and_kind_is_not_found(
    reg: Registry, who: Principal, notice_id: str
) -> None:
    _seed(reg)
    with pytest.raises(NotFound):
        acknowledge(reg, who, notice_id)
    assert not any(n["acknowledged_at"] for n in _notices(reg).notices.values())


def test_several_notices_are_acknowledged_at_once(reg: Registry) -> None:
    # issue 17, item 7: acknowledging in bulk; a colleague's earlier acknowledgement is skipped
    _seed(reg)
    acknowledge(reg, OFFICER_NORD_2, "n-adm-old")
    result = acknowledge_many(reg, OFFICER_NORD, ["n-adm-old", "n-adm-new", "n-adm-new"])
    assert result["acknowledged"] == ["n-adm-new"]
    assert result["already"] == 1
    assert list_notices(reg, OFFICER_NORD, acknowledged=False) == []
    audit: InMemoryAuditRepository = reg.fakes[AuditRepository]
    assert [e["subject_id"] for e in audit.events] == ["n-adm-old", "n-adm-new"]


def test_a_bulk_acknowledgement_with_a_foreign_notice_changes_nothing(reg: Registry) -> None:
    _seed(reg)
    with pytest.raises(NotFound):
        acknowledge_many(reg, OFFICER_NORD, ["n-adm-new", "n-hessen"])
    with pytest.raises(InvalidInput):
        acknowledge_many(reg, OFFICER_NORD, [])
    assert not any(n["acknowledged_at"] for n in _notices(reg).notices.values())
