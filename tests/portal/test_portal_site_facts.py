"""Portal: the provider's site form keeps the site's directory facts current (A15, Q5)."""

from __future__ import annotations

from typing import Any

from tests.portal.conftest import Portal
from tests.portal.test_portal_more import world  # noqa: F401, F811 - the module's fixture


def test_provider_changes_site_facts_and_sees_the_findings(
    portal: Portal,
    world: dict[str, Any],  # noqa: F811
) -> None:
    # rule A15/Q5: the site form has the directory facts; a change re-runs Q5 and shows findings
    site = world["kiel_site"]
    portal.login("anbieter.kiel")
    page = portal.get(f"/provider/sites/{site}")
    assert "Räume für Gespräche mit Angehörigen vorhanden" in page.text
    assert "Einzugsgebiet: Radius in km" in page.text and 'name="facts"' in page.text
    form = {
        "facts": "1",
        "opening_hours": "Mo–Fr 9–16 Uhr",
        "accepts_new_cases": "yes",
        "waiting_time_weeks": "1",
        "languages": "de, tr, xx1",
        "catchment_radius_km": "0",
        "rooms_for_individual_talks": "on",
        "public_transport": "on",
        "barrier_free": "on",
    }
    r = portal.post(f"/provider/sites/{site}", form)
    assert r.status_code == 422
    assert "höchstens 500 km" in r.text and "Sprachcode" in r.text
    form |= {"languages": "de, ar", "catchment_radius_km": "40,5"}
    r = portal.post(f"/provider/sites/{site}", form)
    assert r.status_code == 200, r.text
    assert "Gespeichert – Hinweise zu diesem Standort" in r.text
    assert "Zulassungsrelevant:" in r.text and "Angehörigen" in r.text
    assert 'value="40,5"' in r.text
    # back as it was: rooms for relatives again
    form["rooms_for_relatives"] = "on"
    r = portal.post(f"/provider/sites/{site}", form)
    assert r.status_code in (200, 303)
