"""Portal pages of quality assurance (rule A16): the review page shows the quality record with
what is newer than the last review highlighted, per carrier and in total, and a chart of the
yearly figures; the quality page's forms for officers and the provider."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from registry import clock
from tests.portal.conftest import Portal
from tests.portal.test_portal import decide_all, principal_of, register_provider, submit


@pytest.fixture(scope="module")
def world(portal: Portal) -> Iterator[dict[str, Any]]:
    """A provider in Kiel admitted by DRV Nord, with a visit done, complaints, two years of
    figures, and a review after which one more complaint came in."""
    from registry.admission.site_admissions import review_site_admission
    from registry.quality import complaints, figures, visits

    reg = portal.registry
    provider = register_provider(portal, "anbieter.qs", "Qualität Kiel gGmbH")
    app = submit(portal, "anbieter.qs", "drv-nord", [("Kiel QS", "24103", "Kiel")], ["addiction"])
    decide_all(portal, "officer.nord", app)
    nord = principal_of(reg, "officer.nord")
    me = principal_of(reg, "anbieter.qs")
    month = (clock.today().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    visit = visits.plan_visit(reg, nord, provider, {"planned_on": clock.today(), "note": ""})
    visits.record_done(reg, nord, provider, visit["id"], clock.today(), "Räume geeignet.")
    complaints.record_complaints(
        reg, nord, provider, {"month": month, "category": "waiting_time", "count": 2}
    )
    year = clock.today().year
    for y, cases in ((year - 2, 20), (year - 1, 30)):
        figures.report_figures(
            reg,
            me,
            provider,
            y,
            {
                "cases": {"addiction": cases},
                "provision": {"in_person": cases},
                "completed": cases // 2,
                "goal_reached": cases // 4,
                "return_to_work": cases // 5,
            },
        )
    site = reg.graph.read("providers.sites_of_provider", provider_id=provider)[0]["id"]
    review_site_admission(reg, nord, site, "confirmed", "Unauffällig.")
    clock.shift(timedelta(seconds=2))
    complaints.record_complaints(
        reg, nord, provider, {"month": month, "category": "reachability", "count": 1}
    )
    yield {"provider": provider, "site": site, "month": month, "year": year}


def test_review_page_shows_the_quality_record(portal: Portal, world: dict[str, Any]) -> None:
    # rule A16, A14: the review shows the record since the last review, and a chart
    portal.login("officer.nord")
    r = portal.get("/admissions/reviews?within_days=3650")
    assert r.status_code == 200
    page = r.text
    start = page.index("Qualität Kiel gGmbH")
    card = page[start : page.index("</section>", start)]
    assert "Qualitätssicherung: Hospitationen" in card
    assert "Letzte Überprüfung Ihres Trägers" in card
    # per carrier and in total; what came after the review is marked new
    assert re.search(
        r"<th scope=\"row\">DRV Nord</th><td>3</td><td><mark class=\"new\">1</mark>", card
    )
    assert "Insgesamt" in card
    assert "Erreichbarkeit" in card and "Wartezeit" in card  # labels, never codes
    assert "waiting_time" not in card and "reachability" not in card
    # the chart of the yearly figures: server-side SVG with German labels
    assert "<svg" in card and "berufliche Wiedereingliederung" in card
    assert "Jahreszahlen von Qualität Kiel gGmbH" in card
    assert str(world["year"] - 1) in card and "Räume geeignet." in card
    assert f'href="/providers/{world["provider"]}/quality"' in card


def test_quality_page_forms(portal: Portal, world: dict[str, Any]) -> None:
    # rule A16: officers enter complaint counts (nothing else), plan visits; the provider its
    # figures, refused above their totals
    provider = world["provider"]
    portal.login("officer.nord")
    r = portal.get(f"/providers/{provider}/quality")
    assert r.status_code == 200 and "Beschwerden erfassen" in r.text
    r = portal.post(
        f"/providers/{provider}/quality/complaints",
        {"month": world["month"], "category": "other", "count": "-3"},
    )
    assert r.status_code == 422 and 'href="#f-count"' in r.text
    r = portal.post(
        f"/providers/{provider}/quality/complaints",
        {"month": world["month"], "category": "other", "count": "1"},
    )
    assert r.status_code == 303
    assert "Die Anzahl der Beschwerden ist gespeichert" in portal.get(r.headers["location"]).text
    day = (clock.today() + timedelta(days=20)).isoformat()
    r = portal.post(f"/providers/{provider}/quality/visits", {"planned_on": day, "note": "Räume"})
    assert r.status_code == 303
    # another carrier's officer, that admitted nothing of this provider: not found
    portal.login("officer.hessen")
    assert portal.get(f"/providers/{provider}/quality").status_code == 404

    portal.login("anbieter.qs")
    r = portal.get(f"/providers/{provider}/quality")
    assert r.status_code == 200 and "Jahreszahlen melden" in r.text
    assert "Wartezeit" not in r.text  # the provider sees totals, not categories
    last = str(world["year"] - 3)
    body = {
        "year": last,
        "cases.addiction": "10",
        "completed": "12",
        "goal_reached": "1",
        "return_to_work": "1",
    }
    r = portal.post(f"/providers/{provider}/quality/figures", body)
    assert r.status_code == 422 and 'href="#f-completed"' in r.text
    r = portal.post(f"/providers/{provider}/quality/figures", {**body, "completed": "8"})
    assert r.status_code == 303
    assert "Die Jahreszahlen sind gespeichert" in portal.get(r.headers["location"]).text
