"""Issue 17, item 5: the maps over HTTP, as a browser without JavaScript gets them. The list and
the coverage table stay complete, the SVG picture stays, and the interactive map's data (a JSON
data block, the vendored scripts and the district file) is served from the package."""

from __future__ import annotations

import json
import re

import pytest

from tests.portal.conftest import Portal
from tests.portal.test_portal import decide_all, register_provider, submit

SITES = [
    ("Kiel Mitte", "24103", "Kiel"),
    ("Kiel Nord", "24106", "Kiel"),
    ("Kiel Ost", "24143", "Kiel"),
]


def data_block(html: str, fig_id: str) -> dict:
    match = re.search(
        rf'<script type="application/json" id="{fig_id}-data">(.*?)</script>', html, re.DOTALL
    )
    assert match, f"no data block for {fig_id}"
    return dict(json.loads(match.group(1)))


@pytest.fixture(scope="module")
def admitted(portal: Portal) -> None:
    """A provider admitted for oncology with three sites in Kiel."""
    register_provider(portal, "provider.karte", "Kartenhaus gGmbH")
    app = submit(portal, "provider.karte", "drv-nord", SITES, ["oncology"])
    decide_all(portal, "officer.nord", app)


def test_result_page_without_javascript_keeps_the_whole_list(
    portal: Portal, admitted: None
) -> None:
    portal.login("cm.nord")
    r = portal.get("/search?postal_code=24105&target_group=oncology")
    assert r.status_code == 200
    html = r.text
    entries = re.findall(r'<li class="result">', html)
    assert len(entries) == 3  # every site in the numbered list
    for name, _, _ in SITES:
        assert name in html
    # the picture without JavaScript: the SVG with a marker per site and the place
    assert html.count('class="map-marker map-site"') == 3
    assert 'class="map-marker map-place"' in html
    # the interactive map's data: numbers as in the list, coordinates, no inline script
    data = data_block(html, "karte")
    sites = [m for m in data["markers"] if m["kind"] == "site"]
    assert [m["label"] for m in sites] == ["1", "2", "3"]
    assert all(53.0 < m["lat"] < 55.0 and 9.0 < m["lon"] < 11.5 for m in sites)
    assert "Kartenhaus gGmbH" in sites[0]["title"]
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.DOTALL)
    assert all("src=" in attrs or 'type="application/json"' in attrs for attrs, _ in scripts)
    for src in (
        "/static/vendor/leaflet/leaflet.js",
        "/static/vendor/markercluster/leaflet.markercluster.js",
        "/static/map.js",
    ):
        assert f'src="{src}"' in html
        assert portal.get(src).status_code == 200


def test_coverage_page_without_javascript_keeps_the_whole_table(
    portal: Portal, admitted: None
) -> None:
    portal.login("strategist.nord")
    r = portal.get("/coverage?target_group=oncology")
    assert r.status_code == 200
    html = r.text
    table = html.split('<table class="coverage">', 1)[1].split("</table>", 1)[0]
    assert table.count('<th scope="row">') == 400  # every district in the table
    # the choropleth's data: one entry per district, keyed by its AGS, with its kind
    data = data_block(html, "abdeckungskarte")
    kinds = {m["key"]: m["kind"] for m in data["markers"]}
    assert len(kinds) == 400
    assert kinds["01002"] == "covered" and kinds["09162"] == "gap"
    # the legend of the picture is there without JavaScript, the map's legend only with it
    assert 'data-legend="picture">' in html
    assert re.search(r'data-legend="live" hidden>', html)
    # the state filter reaches the map; the table narrows, the map keeps all districts
    r = portal.get("/coverage?target_group=oncology&land=Schleswig-Holstein")
    assert 'data-focus-state="Schleswig-Holstein"' in r.text
    assert len(data_block(r.text, "abdeckungskarte")["markers"]) == 400


def test_district_file_has_every_district_with_name_and_boundary(portal: Portal) -> None:
    r = portal.get("/static/districts.geo.json")
    assert r.status_code == 200
    geo = r.json()
    keys = {f["properties"]["key"]: f for f in geo["features"]}
    reference = {d.key: d for d in portal.registry.reference.districts}
    assert set(keys) == set(reference)
    for key, feature in keys.items():
        assert feature["properties"]["name"] == reference[key].name
        polygons = feature["geometry"]["coordinates"]
        assert polygons and all(len(ring) >= 4 for polygon in polygons for ring in polygon)
    assert "GeoBasis-DE / BKG" in geo["licence"]
    assert len(r.content) < 1_500_000
