"""Concurrency (issue 9, item 5): 16 clients at once against the real server; no 5xx, no lost
update, every invariant afterwards. And one deterministic stale-write case.

The full-length run is ``python -m bench.concurrency`` (a minute by default).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.resilience.concurrent_load import run_concurrency


@pytest.mark.slow
def test_sixteen_clients_lose_no_update_and_keep_every_invariant(tmp_path: Path) -> None:
    # rule A11: concurrent decisions on one application: exactly one 200, the others 409, the
    # winner's decision stored, versions monotonic; rule A9: racing suspend/revoke end in a
    # serial outcome (revoked stays revoked); rule A7: a follow-on task is admitted once;
    # rules E1/E5: afterwards `registry check` passes and the search finds the admitted sites
    stats = run_concurrency(tmp_path / "data", seconds=10, clients=16, seed=3)
    summary = stats.summary()
    assert stats.count_5xx == 0, stats.server_errors
    assert stats.transport_errors == [], summary
    assert stats.lost_updates == [], summary
    assert stats.version_regressions == [], summary
    assert stats.unexpected == [], summary
    assert stats.other_failures == [], summary
    # the races really happened (else the run proves nothing)
    assert stats.decision_races > 0 and stats.count_409 > 0, summary
    assert stats.site_races > 0, summary
    assert stats.search_found == stats.search_expected, summary


def test_a_stale_admission_change_gets_409_instead_of_overwriting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # rule A11 for rule A9: officer 1 reads the site (admitted) and prepares a suspension;
    # meanwhile officer 2 revokes it. Officer 1's write must not turn "revoked" (final) back
    # into "suspended": it gets 409 and nothing is overwritten.
    from litestar.testing import TestClient

    from registry.admission import site_admissions as service
    from registry.app import create_app
    from registry.auth import Principal, Role
    from registry.auth.service import add_user
    from registry.bootstrap import initialise
    from registry.context import open_registry
    from registry.settings import Settings
    from tests.api.conftest import PASSWORD, Api
    from tests.api.helpers import application, site

    settings = Settings(data_dir=tmp_path, graph_buffer_pool_mb=512, secret_key="test")
    reg = open_registry(settings)
    try:
        initialise(reg)
        user_id = add_user(
            reg,
            username="officer.nord",
            password=PASSWORD,
            role="admissions_officer",
            carrier="drv-nord",
        )
        with TestClient(app=create_app(settings, registry=reg)) as client:
            api = Api(client, reg)
            body = application(reg.reference, "drv-nord", [site("Kiel", "24103")], ["addiction"])
            r = api.post("/api/v1/applications", body, as_="officer.nord")
            assert r.status_code == 201, r.text
            app = r.json()
            decision = {
                "target_groups": {"addiction": {"admit": True, "reason": "Expertise fehlt uns."}},
                "version": app["version"],
            }
            r = api.post(f"/api/v1/applications/{app['id']}/decision", decision, as_="officer.nord")
            assert r.status_code == 200, r.text
            site_id = r.json()["sites"][0]["id"]

            other = Principal(user_id, "officer.nord", Role.ADMISSIONS_OFFICER, "drv-nord")
            real = service.reached_carriers
            raced: list[dict[str, Any]] = []

            def revoke_meanwhile(*args: Any, **kwargs: Any) -> Any:
                if not raced:  # between officer 1's read and its write
                    monkeypatch.setattr(service, "reached_carriers", real)
                    raced.append(
                        service.change_site_admission(
                            reg, other, site_id, "revoke", "Widerruf durch Kollegin"
                        )
                    )
                return real(*args, **kwargs)

            monkeypatch.setattr(service, "reached_carriers", revoke_meanwhile)
            r = api.post(
                f"/api/v1/admissions/{site_id}/suspend",
                {"reason": "Beschwerde wird geprüft"},
                as_="officer.nord",
            )
            assert raced and raced[0]["admission_status"] == "revoked"
            assert r.status_code == 409, r.text
            final = api.get(f"/api/v1/applications/{app['id']}", as_="officer.nord").json()
            assert final["sites"][0]["target_group_status"] == {"addiction": "revoked"}
            suspended = [e for e in final["history"] if e["action"] == "admission.suspended"]
            assert suspended == []  # rule A10: no event for a change that did not happen
    finally:
        reg.close()
