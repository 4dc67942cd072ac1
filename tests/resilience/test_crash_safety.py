"""Crash safety (issue 9, item 4): SIGKILL the real server while it takes changes; nothing
acknowledged is lost, nothing is half-applied, the search index catches up with the graph.

The full-length run is ``python -m bench.crash`` (10 kills, 1,000 changes by default).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.resilience.crash_stream import run_crash_trials


@pytest.mark.slow
def test_sigkill_loses_no_acknowledged_change_and_leaves_none_half_applied(
    tmp_path: Path,
) -> None:
    # rules A5-A7 (decisions, follow-on tasks), A9 (suspend/resume/revoke/withdraw), A10 (one
    # decision event), A11 (versions), N3/N4 (agreements), E1/E5 (index = admitted sites)
    report = run_crash_trials(
        tmp_path / "data", trials=3, min_changes=200, workers=4, seed=7, count_outbox=False
    )
    summary = report.summary()
    assert report.trials == 3, summary
    assert report.changes >= 200, summary
    assert report.lost == [], summary
    assert report.half_applied == [], summary
    assert report.unexpected == [], summary
    # after each restart the server drained the outbox by itself; the directory search then
    # found exactly the admitted sites, and `registry check` compared index and graph
    assert report.index_mismatch == [], summary
    assert report.check_failures == [], summary


def test_server_drains_the_outbox_a_crash_left_behind(tmp_path: Path) -> None:
    # rule E5: a change committed just before a crash (outbox row written, index not yet
    # updated) reaches the index when the server starts again, without any new change
    from litestar.testing import TestClient

    from registry.app import create_app
    from registry.context import open_registry
    from registry.directory.projection import enqueue
    from registry.search.documents import AdmissionState, SiteDocument
    from registry.settings import Settings

    settings = Settings(data_dir=tmp_path, graph_buffer_pool_mb=512, secret_key="test")
    reg = open_registry(settings)
    try:
        reg.graph.apply_schema()
        # the index still shows a site the graph no longer admits (here: no longer has)
        ghost = SiteDocument(
            id="site-ghost",
            provider_id="prv-ghost",
            provider_name="Geist gGmbH",
            lat=54.32,
            lon=10.13,
            catchment_radius_km=50,
            admissions={"addiction": AdmissionState(status="admitted")},
        )
        reg.search.sites.upsert([ghost])
        reg.graph.write(lambda tx: enqueue(tx, "site", ["site-ghost"]))
        assert reg.graph.read("outbox.count")[0]["n"] == 1

        with TestClient(app=create_app(settings, registry=reg)):
            deadline = time.monotonic() + 30
            while reg.graph.read("outbox.count")[0]["n"] and time.monotonic() < deadline:
                time.sleep(0.05)
            assert reg.graph.read("outbox.count")[0]["n"] == 0
        assert reg.search.sites.get("site-ghost") is None
    finally:
        reg.close()
