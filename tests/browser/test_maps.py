"""Issue 17, item 5: maps people can use. The result map and the coverage map in a real browser
(Debian's Chromium via Playwright): zoom with keys and buttons, pan with the arrow keys, district
names, clustered markers that lead to their list entry, the coverage choropleth that follows the
target-group and state filters; axe-core on every map state (0 violations of any impact)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import PASSWORD, axe_check, login
from tests.browser.test_journeys_more import shoot  # PORTAL_SCREENSHOTS=<folder> only

READY = "figure[data-map][data-ready=true]"


def live_map(page: Any) -> Any:
    page.wait_for_selector(READY, timeout=15000)
    return page.locator(READY).first


def zoom_of(fig: Any) -> float:
    return float(fig.get_attribute("data-zoom"))


def center_of(fig: Any) -> tuple[float, float]:
    lat, lon = fig.get_attribute("data-center").split(",")
    return float(lat), float(lon)


def wait_attr_change(page: Any, fig_id: str, attr: str, old: str) -> None:
    page.wait_for_function(
        "([id, attr, old]) => document.getElementById(id).getAttribute(attr) !== old",
        arg=[fig_id, attr, old],
        timeout=15000,
    )


def no_violations(page: Any, name: str) -> None:
    violations = axe_check(page, name)
    assert violations == [], violations
    from tests.browser.conftest import AXE_RESULTS

    assert AXE_RESULTS[name] == [], AXE_RESULTS[name]  # not even minor or moderate ones


@pytest.fixture(scope="module")
def partners_in_kiel(browser: Any, server: dict[str, Any]) -> list[str]:
    """Five partner sites a few kilometres apart in Kiel, made through the API: close enough to
    cluster on the map at a lower zoom."""
    context = browser.new_context(base_url=server["base"], locale="de-DE")
    page = context.new_page()
    try:
        r = page.request.post(
            "/api/v1/auth/token", data={"username": "cm.nord", "password": PASSWORD}
        )
        assert r.ok, r.text()
        headers = {"Authorization": f"Bearer {r.json()['access_token']}"}
        ids = []
        for n, postal_code in enumerate(("24103", "24105", "24106", "24114", "24116"), start=1):
            r = page.request.post(
                "/api/v1/partners",
                headers=headers,
                data={
                    "name": f"Kartenpartner {n}",
                    "type": "integration-service",
                    "sites": [
                        {
                            "name": f"Beratungsstelle {n}",
                            "address": {"street": f"Kartenweg {n}", "postal_code": postal_code},
                            "service_radius_km": 30,
                        }
                    ],
                    "services": ["Beratung"],
                    "target_groups": ["addiction"],
                    "contacts": [
                        {
                            "name": f"Frau Karte {n}",
                            "role": "Beratung",
                            "email": f"k{n}@partner.example",
                        }
                    ],
                },
            )
            assert r.ok, r.text()
            ids.append(str(r.json()["id"]))
        return ids
    finally:
        context.close()


def test_result_map_zooms_pans_names_districts_and_opens_the_list_entry(page: Any) -> None:
    login(page, "cm.nord")
    page.goto("/search?postal_code=24105&target_group=addiction")
    fig = live_map(page)
    fig_id = fig.get_attribute("id")
    # the static picture gives way to the interactive map, the list stays
    assert page.locator(".map__svg").is_hidden()
    assert page.locator(f"#{fig_id}-help").is_visible()
    # district names: labels at this zoom, the full name on hover
    shown = page.locator(".leaflet-tooltip.map-label:not(.map-label--hidden)")
    assert shown.filter(has_text=re.compile(r"^Kiel$")).count() == 1
    page.locator("path.district-01002").hover()
    assert page.locator(".leaflet-tooltip.map-tip", has_text="Kiel, Landeshauptstadt").count() == 1
    # the person's place and the numbered marker of the one result
    assert page.locator(".leaflet-marker-icon.map-place").count() == 1
    assert shown.filter(has_text="Wohnort").count() == 1
    marker = page.get_by_role("button", name=re.compile(r"1\. Lotse Kiel e\. V\."))
    assert marker.count() == 1
    # keyboard: the map takes focus, + zooms in, arrows pan, - zooms out
    canvas = page.locator(".map__canvas")
    canvas.focus()
    zoom = zoom_of(fig)
    before = str(fig.get_attribute("data-zoom"))
    page.keyboard.press("Equal")  # the + key
    wait_attr_change(page, fig_id, "data-zoom", before)
    assert zoom_of(fig) > zoom
    lat, lon = center_of(fig)
    before = str(fig.get_attribute("data-center"))
    page.keyboard.press("ArrowRight")
    wait_attr_change(page, fig_id, "data-center", before)
    assert center_of(fig)[1] > lon and abs(center_of(fig)[0] - lat) < 0.01
    before = str(fig.get_attribute("data-center"))
    page.keyboard.press("ArrowUp")
    wait_attr_change(page, fig_id, "data-center", before)
    assert center_of(fig)[0] > lat
    zoom = zoom_of(fig)
    before = str(fig.get_attribute("data-zoom"))
    page.keyboard.press("Minus")
    wait_attr_change(page, fig_id, "data-zoom", before)
    assert zoom_of(fig) < zoom
    # the buttons do the same
    zoom = zoom_of(fig)
    before = str(fig.get_attribute("data-zoom"))
    page.get_by_role("button", name="Vergrößern", exact=True).click()
    wait_attr_change(page, fig_id, "data-zoom", before)
    assert zoom_of(fig) > zoom
    zoom = zoom_of(fig)
    before = str(fig.get_attribute("data-zoom"))
    page.get_by_role("button", name="Verkleinern", exact=True).click()
    wait_attr_change(page, fig_id, "data-zoom", before)
    assert zoom_of(fig) < zoom
    no_violations(page, "Karte: Suchergebnis (interaktiv)")
    shoot(page, "karte-suchergebnis")
    # a marker leads to its entry of the numbered list: by click and by the Enter key
    marker.click()
    page.wait_for_function("() => document.activeElement?.tagName === 'LI'", timeout=15000)
    focused = page.evaluate(
        "() => [document.activeElement.tagName, document.activeElement.className,"
        " document.activeElement.querySelector('h3').textContent]"
    )
    assert focused[0] == "LI" and "result--current" in focused[1]
    assert "Lotse Kiel e. V." in focused[2]
    canvas.focus()
    marker.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.activeElement?.classList.contains('result--current')", timeout=15000
    )
    no_violations(page, "Karte: Suchergebnis mit gewähltem Eintrag")


def test_partner_markers_cluster_and_each_opens_its_entry(
    page: Any, partners_in_kiel: list[str]
) -> None:
    login(page, "cm.nord")
    page.goto("/partners/search?postal_code=24105")
    fig = live_map(page)
    fig_id = fig.get_attribute("id")
    # zoomed out, the nearby partner sites form a group
    for _ in range(4):
        page.get_by_role("button", name="Verkleinern", exact=True).click()
    page.wait_for_selector(".map-cluster", timeout=15000)
    cluster = page.locator(".leaflet-marker-icon.map-cluster").first
    assert re.search(r"Gruppe mit \d+ Einträgen der Liste", cluster.inner_text())
    no_violations(page, "Karte: Partner in Gruppen")
    shoot(page, "karte-partner-gruppen")
    # a group is a button: Enter zooms in towards its members
    zoom = str(fig.get_attribute("data-zoom"))
    cluster.focus()
    page.keyboard.press("Enter")
    wait_attr_change(page, fig_id, "data-zoom", zoom)
    assert float(str(fig.get_attribute("data-zoom"))) > float(zoom)
    # zoomed in, each number is its own button and leads to the entry with that number
    page.wait_for_selector(".leaflet-marker-icon.map-pin", timeout=15000)
    pins = page.locator(".leaflet-marker-icon.map-pin")
    assert pins.count() >= 2
    pin = pins.first
    number = int(pin.locator("[aria-hidden=true]").inner_text())
    pin.click()
    page.wait_for_function("() => document.activeElement?.tagName === 'LI'", timeout=15000)
    entry = page.evaluate(
        "() => { const li = document.activeElement; const ol = li.parentElement;"
        " return [li.tagName, Array.from(ol.children).indexOf(li) + ol.start]; }"
    )
    assert entry == ["LI", number]
    no_violations(page, "Karte: Partner einzeln")


def test_coverage_choropleth_follows_target_group_state_and_lookahead(page: Any) -> None:
    login(page, "strategist.nord")
    page.goto("/coverage?target_group=addiction")
    fig = live_map(page)
    kiel = page.locator("path.district-01002")
    assert "district--covered" in str(kiel.get_attribute("class"))  # Lotse Kiel is admitted
    fill_covered = kiel.get_attribute("fill")
    assert page.locator("path.district").count() == 400
    assert page.locator("[data-legend=live]").is_visible()
    assert page.locator("[data-legend=picture]").is_hidden()
    kiel.hover()
    assert page.locator(".leaflet-tooltip.map-tip", has_text="Kiel, Landeshauptstadt").count() == 1
    no_violations(page, "Karte: Abdeckung (Abhängigkeit)")
    shoot(page, "karte-abdeckung")
    # another target group through the page's filter: Kiel becomes a gap, the colours follow
    page.locator("#f-target_group").select_option("hearing-impairment")
    with page.expect_navigation():
        page.get_by_role("button", name="Anzeigen").click()
    fig = live_map(page)
    kiel = page.locator("path.district-01002")
    assert "district--gap" in str(kiel.get_attribute("class"))
    assert kiel.get_attribute("fill") != fill_covered
    assert "Hörbehinderung" in str(fig.get_attribute("data-map-title"))
    # the state filter frames the state and dims the others; the names show at that zoom
    page.locator("#f-land").select_option("Schleswig-Holstein")
    with page.expect_navigation():
        page.get_by_role("button", name="Anzeigen").click()
    fig = live_map(page)
    lat, lon = center_of(fig)
    assert 53.3 < lat < 55.1 and 8.3 < lon < 11.5
    assert "district--dim" in str(page.locator("path.district-09162").get_attribute("class"))
    assert "district--dim" not in str(kiel.get_attribute("class"))
    shown = page.locator(".leaflet-tooltip.map-label:not(.map-label--hidden)")
    assert shown.filter(has_text=re.compile(r"^Kiel$")).count() == 1
    assert shown.filter(has_text="Kreis Nordfriesland").count() == 1
    no_violations(page, "Karte: Abdeckung Schleswig-Holstein")
    shoot(page, "karte-abdeckung-land")
    # the look-ahead: its legend entry appears, the map keeps every district
    page.locator("#f-lookahead").fill("365")
    with page.expect_navigation():
        page.get_by_role("button", name="Anzeigen").click()
    live_map(page)
    assert page.locator("[data-legend=live]", has_text="in den nächsten 365 Tagen").is_visible()
    assert page.locator("path.district").count() == 400
    no_violations(page, "Karte: Abdeckung mit Vorausschau")


def test_maps_run_under_the_pages_content_security_policy(
    browser: Any, server: dict[str, Any]
) -> None:
    """Without bypass_csp (which the other tests need for axe): the vendored scripts, the data
    block and the district file load under the page's own policy, with no violation."""
    context = browser.new_context(base_url=server["base"], locale="de-DE")
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    try:
        login(page, "strategist.nord")
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation',"
            " e => console.log('Content Security violation ' + e.violatedDirective))"
        )
        page.goto("/coverage?target_group=addiction")
        live_map(page)
        assert page.locator("path.district").count() == 400
        assert refused == []
    finally:
        context.close()
