"""A steady stream of writes on a small embedded buffer pool never fills it.

A 64 MB pool once filled after about 18 decisions and every later call failed with a 500. It was
blamed on committed pages waiting for a checkpoint; the memory was in fact held by the query
plans every connection cached (see `registry.graph.embedded._connect` and
tests/contract/test_embedded_pool.py).
"""

from __future__ import annotations

from pathlib import Path

from registry.admission.decisions import decide_application
from registry.admission.site_admissions import change_site_admission
from registry.admission.submission import submit_application
from registry.api.schemas import ApplicationIn
from registry.auth import Principal, Role
from registry.bootstrap import initialise
from registry.context import open_registry
from registry.settings import Settings
from tests.api.helpers import application, site


def test_many_writes_on_a_small_pool(tmp_path: Path) -> None:
    reg = open_registry(Settings(data_dir=tmp_path, graph_buffer_pool_mb=64, secret_key="x"))
    try:
        initialise(reg)
        officer = Principal("usr-1", "o", Role.ADMISSIONS_OFFICER, carrier="drv-nord")
        sites = []
        for i in range(40):
            body = application(
                reg.reference,
                "drv-nord",
                [site(f"Kiel {i}", "24103")],
                ["addiction"],
                provider={
                    "name": f"Anbieter {i}",
                    "legal_form": "e.V.",
                    "email": f"a{i}@x.example",
                },
            )
            app = submit_application(reg, officer, ApplicationIn.model_validate(body).model_dump())
            decided = decide_application(
                reg,
                officer,
                app["id"],
                {
                    "target_groups": {"addiction": {"admit": True, "reason": "Bedarf"}},
                    "overrides": [],
                    "version": app["version"],
                },
            )
            sites.append(decided["sites"][0]["id"])
        for n in range(120):
            sid = sites[n % len(sites)]
            change_site_admission(reg, officer, sid, "suspend", "Prüfung")
            view = change_site_admission(reg, officer, sid, "resume", "erledigt")
            assert view["admission_status"] == "admitted"
        assert reg.search.sites.count() == 40
    finally:
        reg.close()
