"""The demo data generator (``registry seed demo``): deterministic, every state, every role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PROVIDERS = 8  # the first eight providers take each scenario once


# Imported before any patch below: importing it while registry.auth.hash_password is patched
# would bind the patched function, and MonkeyPatch.undo would "restore" that.
import registry.auth.service  # noqa: E402, F401


def _fast_hash(password: str) -> str:
    return "test-hash:" + password


def _snapshot(reg: Any) -> dict[str, Any]:
    providers = reg.graph.read("providers.list")
    apps = reg.graph.read("admission.list_applications", provider_id="", status="", carrier="")
    admissions: list[dict[str, Any]] = []
    for p in providers:
        admissions += reg.graph.read("admission.admissions_of_provider", provider_id=p["id"])
    return {
        "providers": [(p["id"], p["name"]) for p in providers],
        "applications": sorted((a["id"], a["provider_id"], a["status"]) for a in apps),
        "admissions": sorted((a["site_id"], a["target_group"], a["status"]) for a in admissions),
        "users": {(u["username"], u["role"], u["carrier"]) for u in reg.graph.read("users.list")},
        "outbox": reg.graph.read("outbox.count"),
        "quality": _quality(reg, [p["id"] for p in providers]),
    }


def _quality(reg: Any, provider_ids: list[str]) -> dict[str, Any]:
    """Visits, complaint counts and yearly reports (A16), read through the quality repository;
    the years each provider still owes (the "missing report" task)."""
    from registry import clock
    from registry.quality.figures import owed_reports
    from registry.quality.repository import QualityRepository

    repo = reg.repo(QualityRepository)
    visits, complaints, reports, owed = [], [], [], []
    two_carriers = 0
    for pid in provider_ids:
        two_carriers += len(repo.admitting_carriers(pid)) > 1
        for v in repo.visits(pid):
            visits.append(
                (
                    v["id"],
                    pid,
                    v["planned_on"],
                    v["done_on"],
                    v["finding"],
                    v["planner"],
                    tuple(v["joined"]),
                    tuple(v["invited"]),
                )
            )
        complaints += [
            (pid, c["carrier"], c["month"], c["category"], c["count"]) for c in repo.complaints(pid)
        ]
        for r in repo.reports(pid):
            reports.append(
                (
                    pid,
                    r["year"],
                    tuple(sorted(r["cases"].items())),
                    r["completed"],
                    r["goal_reached"],
                    r["return_to_work"],
                    r["in_person"],
                    r["outreach"],
                    r["remote"],
                )
            )
        owed += [(pid, o.year) for o in owed_reports(reg, pid, clock.today())]
    return {
        "visits": sorted(visits),
        "complaints": sorted(complaints),
        "reports": sorted(reports),
        "owed": sorted(owed),
        "two_carriers": two_carriers,
    }


def _run(data_dir: Path) -> tuple[str, dict[str, Any]]:
    from registry.bootstrap import initialise
    from registry.context import open_registry
    from registry.settings import Settings
    from seed.demo.run import seed_demo

    reg = open_registry(Settings(data_dir=data_dir, graph_buffer_pool_mb=128))
    try:
        initialise(reg)
        message = seed_demo(reg, providers=PROVIDERS, seed=7, password="demo-passwort-2026")
        return message, _snapshot(reg)
    finally:
        reg.close()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[tuple[str, dict[str, Any]]]]:
    # The generator creates ~90 users through add_user; the memory-hard hash (argon2, ~0.1 s
    # each) is replaced here only to keep the test fast.
    patch = pytest.MonkeyPatch()
    patch.setattr("registry.auth.hash_password", _fast_hash)
    patch.setattr("registry.auth.service.hash_password", _fast_hash)
    try:
        yield [_run(tmp_path_factory.mktemp("demo-a")), _run(tmp_path_factory.mktemp("demo-b"))]
    finally:
        patch.undo()


def test_same_seed_gives_the_same_data(runs: list[tuple[str, dict[str, Any]]]) -> None:
    (_, first), (_, second) = runs
    assert len(first["providers"]) == PROVIDERS
    assert first["providers"] == second["providers"]
    assert first["applications"] == second["applications"]
    assert first["admissions"] == second["admissions"]
    assert first["quality"] == second["quality"]


def test_every_application_and_admission_status_occurs(
    runs: list[tuple[str, dict[str, Any]]],
) -> None:
    # rules A5 (submitted, decided, refused), A9 (withdrawn, suspended, revoked), A7 (follow-on)
    _, snap = runs[0]
    assert {status for _, _, status in snap["applications"]} == {
        "submitted",
        "decided",
        "refused",
        "withdrawn",
    }
    assert {status for _, _, status in snap["admissions"]} == {
        "pending",
        "awaiting_follow_on",
        "admitted",
        "suspended",
        "revoked",
        "withdrawn",
        "refused",
    }


def test_visits_in_every_state_complaints_and_figures(
    runs: list[tuple[str, dict[str, Any]]],
) -> None:
    # rule A16: planned ahead, planned with an invited second carrier, joined, due and not
    # recorded yet, done with a finding; complaint counts; two years of figures
    from datetime import date

    from registry import clock

    message, snap = runs[0]
    quality = snap["quality"]
    today = clock.today().isoformat()
    visits = quality["visits"]
    done = [v for v in visits if v[3]]
    assert done and all(v[4] for v in done)  # a short finding
    open_ = [v for v in visits if not v[3]]
    assert any(v[2] > today for v in open_)  # planned in the future
    assert any(v[2] <= today for v in open_)  # its day has come, not recorded yet
    if quality["two_carriers"]:  # where a provider has two admitting carriers
        assert any(v[6] for v in open_)  # a second carrier joined
        assert any(v[7] for v in open_)  # a second carrier invited (not joined yet)
    assert quality["complaints"] and all(1 <= c[4] <= 3 for c in quality["complaints"])
    last = date.fromisoformat(today).year - 1
    years = {r[1] for r in quality["reports"]}
    assert last in years and years <= {last - 2, last - 1, last}
    for _, _, cases, completed, goal, work, *provision in quality["reports"]:
        total = sum(n for _, n in cases)
        assert completed <= total and goal <= completed and work <= completed
        assert all(n <= total for n in provision)
    # a provider with figures that still owes the latest year (task and finding)
    reporting = {r[0] for r in quality["reports"]}
    assert any(pid in reporting and year == last for pid, year in quality["owed"])
    assert "Qualität: " in message and "Hospitationen" in message


def test_every_role_has_a_user_for_every_carrier(
    runs: list[tuple[str, dict[str, Any]]],
) -> None:
    from registry.reference import load_reference
    from seed.demo.users import CARRIER_ROLES, carrier_suffix

    _, snap = runs[0]
    users = snap["users"]
    assert ("admin", "admin", "") in users
    assert any(name == "anbieter.demo" and role == "provider" for name, role, _ in users)
    for carrier in load_reference().carriers:
        for prefix, role in CARRIER_ROLES:
            assert (f"{prefix}.{carrier_suffix(carrier.id)}", role.value, carrier.id) in users
    assert {role for _, role, _ in users} == {
        "admin",
        "admissions_officer",
        "case_manager",
        "directory_reader",
        "network_strategist",
        "provider",
    }


def test_search_index_is_drained(runs: list[tuple[str, dict[str, Any]]]) -> None:
    message, snap = runs[0]
    assert snap["outbox"][0]["n"] == 0
    assert message.startswith("Demodaten angelegt: 8 Anbieter")


def test_second_run_adds_providers_without_error(tmp_path: Path) -> None:
    from registry.bootstrap import initialise
    from registry.context import open_registry
    from registry.settings import Settings
    from seed.demo.run import seed_demo

    patch = pytest.MonkeyPatch()
    patch.setattr("registry.auth.hash_password", _fast_hash)
    patch.setattr("registry.auth.service.hash_password", _fast_hash)
    reg = open_registry(Settings(data_dir=tmp_path, graph_buffer_pool_mb=128))
    try:
        initialise(reg)
        seed_demo(reg, providers=1, seed=3)
        names = {p["name"] for p in reg.graph.read("providers.list")}
        message = seed_demo(reg, providers=1, seed=3)
        after = {p["name"] for p in reg.graph.read("providers.list")}
    finally:
        reg.close()
        patch.undo()
    assert names < after and len(after) == 2
    assert message.startswith("Demo-Benutzer waren schon vorhanden")
