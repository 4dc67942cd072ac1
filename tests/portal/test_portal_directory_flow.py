"""The directory's print and unmet-need flows over HTTP (issue 17, items 2, 4, 6 and 9): the
insured person's name travels only in a POST body and is neither stored nor logged; the page
and the PDF show labels, German plurals, whether a site takes new cases and its accessibility
notes; the unmet need keeps the search's filters and counts once per form."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.pdf_text import embedded_fonts, pdf_text
from tests.portal.conftest import Portal
from tests.portal.test_portal import decide_all, principal_of, register_provider, submit

NAME = "Zoë Çelik-Øster – »Test«"
SEARCH = "postal_code=24105&target_group=addiction"


@pytest.fixture(scope="module")
def kiel(portal: Portal) -> Iterator[dict[str, str]]:
    """One admitted provider in Kiel (languages de, tr) whose site takes no new cases and has
    accessibility notes (kept by the provider, rule A15)."""
    provider = register_provider(portal, "anbieter.flow", "Wegweiser Kiel e. V.")
    app = submit(
        portal, "anbieter.flow", "drv-nord", [("Kiel Nord", "24103", "Kiel")], ["addiction"]
    )
    decide_all(portal, "officer.nord", app)
    site = portal.registry.graph.read("providers.sites_of_provider", provider_id=provider)[0]["id"]
    portal.login("anbieter.flow")
    portal.get(f"/provider/sites/{site}")
    r = portal.post(
        f"/provider/sites/{site}",
        {
            "opening_hours": "Mo–Fr 9–12 Uhr",
            "counselling_modes": ["in_person"],
            "accepts_new_cases": "no",
            "accessibility_notes": "Rampe am Hintereingang, Klingel in 90 cm Höhe",
        },
    )
    assert r.status_code == 303, r.text
    yield {"provider": provider, "site": site}


def _form(html: str, action: str, method: str = "post") -> str:
    match = re.search(
        rf'<form method="{method}" action="{re.escape(action)}".*?</form>', html, re.S
    )
    assert match is not None, f"no {method} form to {action}"
    return match.group(0)


def _fields(form: str) -> list[tuple[str, str]]:
    found = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    return [(k, html.unescape(v)) for k, v in found]


def test_search_page_folds_the_form_jumps_to_the_count_and_says_labels(
    portal: Portal, kiel: dict[str, str]
) -> None:
    # issue 17 items 2 and 6: one result reads "1 passender Standort"; the form folds into a
    # summary naming the search in words; the form and pager lead to the result count
    portal.login("cm.nord")
    first = portal.get("/search")
    assert "<details" not in first.text  # before a search the form is open
    r = portal.get(f"/search?{SEARCH}&language=tr")
    assert r.status_code == 200
    assert re.search(r'<h2 id="treffer" tabindex="-1"[^>]*>1 passender Standort</h2>', r.text)
    assert (
        '<details class="search-fold">' in r.text
        and '<details class="search-fold" open' not in r.text
    )
    summary = re.search(r"<summary>(.*?)</summary>", r.text, re.S)
    assert summary is not None
    assert "Türkisch" in summary.group(1) and "Abhängigkeitserkrankungen" in summary.group(1)
    assert 'action="/search#treffer"' in r.text
    assert "Sprachen: Deutsch, Türkisch" in r.text and ">tr<" not in r.text
    assert "Nimmt zurzeit keine neuen Fälle an." in r.text
    assert "Hinweise zur Barrierefreiheit: Rampe am Hintereingang" in r.text
    bad = portal.get("/search?postal_code=24&target_group=addiction")
    assert "<details" not in bad.text  # with an error the form stays open


def test_print_sends_the_name_by_post_only_and_never_logs_it(
    portal: Portal, kiel: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    # issue 17 item 4, docs/rules.md §10: the name is in no address, no log, no storage
    portal.login("cm.nord")
    page = portal.get(f"/search?{SEARCH}")
    form = _form(page.text, "/search/print")
    assert 'name="person"' in form and "nicht in der Adresse" in page.text
    assert "/search/print?" not in page.text  # no link carries the search to a GET print
    fields = [(k, v) for k, v in _fields(form) if k != "_csrf_token"]
    assert ("postal_code", "24105") in fields
    caplog.set_level(logging.DEBUG)
    r = portal.post("/search/print", [*fields, ("person", NAME), ("format", "html")])
    assert r.status_code == 200, r.text
    assert "no-store" in r.headers.get("cache-control", "")
    assert f"Für: {NAME}".replace("»", "»") in r.text.replace("&#34;", '"')
    assert "Nimmt zurzeit keine neuen Fälle an." in r.text
    assert "Hinweise zur Barrierefreiheit: Rampe am Hintereingang" in r.text
    assert "1 passender Standort" in r.text
    assert NAME not in str(r.url)
    pdf = portal.post("/search/print", [*fields, ("person", NAME), ("format", "pdf")])
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "no-store" in pdf.headers.get("cache-control", "")
    text = pdf_text(pdf.content)
    assert f"Für: {NAME}" in text
    assert "Wegweiser Kiel e. V. – Kiel Nord" in text  # "–", not "?"
    assert "?" not in text.replace("https?", "")
    assert "Nimmt zurzeit keine neuen Fälle an." in text
    assert "Sprachen: Deutsch, Türkisch" in text
    assert "Hinweise zur Barrierefreiheit: Rampe am Hintereingang" in text
    assert any("DejaVuSans" in f for f in embedded_fonts(pdf.content))
    # a letter the PDF font lacks prints as "□" and is named in no log (fpdf2 would warn)
    other = portal.post("/search/print", [*fields, ("person", "Li 王"), ("format", "pdf")])
    assert "Für: Li □" in pdf_text(other.content)
    logged = "\n".join(
        f"{rec.getMessage()} {rec.__dict__.get('fields', '')} {rec.args}" for rec in caplog.records
    )
    assert caplog.records  # the access log did write its lines
    assert "Çelik" not in logged and "Zo%C3%AB" not in logged
    assert "王" not in logged and "738b" not in logged.lower()
    # nothing about the person is stored: the graph has no trace of the name
    rows = portal.registry.graph.read("providers.sites_of_provider", provider_id=kiel["provider"])
    assert "Çelik" not in str(rows)


def test_get_print_without_a_name_still_works_and_ignores_a_name_in_the_address(
    portal: Portal, kiel: dict[str, str]
) -> None:
    portal.login("cm.nord")
    r = portal.get(f"/search/print?{SEARCH}&person=Frau+Adresse")
    assert r.status_code == 200
    assert "Wegweiser Kiel e. V." in r.text and "Freie Wahl" in r.text
    assert "Frau Adresse" not in r.text
    bad = portal.post("/search/print", [("postal_code", "2410"), ("format", "pdf")])
    assert bad.status_code == 422 and "Postleitzahl" in bad.text
    portal.login("officer.nord")
    portal.get("/inbox")
    assert portal.post("/search/print", [("postal_code", "24105")]).status_code == 403


def test_unmet_need_keeps_the_filters_and_counts_once(portal: Portal, kiel: dict[str, str]) -> None:
    # issue 17 item 9, rule N7: back on the same search afterwards; the same form twice counts once
    from registry.network.unmet_need import unmet_need_counts

    def kiel_count() -> int:
        counts = unmet_need_counts(
            portal.registry, principal_of(portal.registry, "strategist.nord")
        )
        return sum(
            c["count"]
            for c in counts
            if c["district"]["name"].startswith("Kiel") and c["target_group"] == "oncology"
        )

    portal.login("cm.nord")
    query = "postal_code=24105&target_group=oncology&max_distance_km=40&public_transport=true"
    page = portal.get(f"/search?{query}")
    assert "0 passende Standorte" in page.text
    form = _form(page.text, "/search/unmet-need")
    fields = _fields(form)
    names = {k for k, _ in fields}
    assert names == {"_csrf_token", "einmal", "suche", "postal_code", "target_group"}
    before = kiel_count()
    first = portal.post("/search/unmet-need", [(k, v) for k, v in fields if k != "_csrf_token"])
    assert first.status_code == 303
    location = first.headers["location"]
    back = dict(parse_qsl(urlsplit(location).query))
    assert back["max_distance_km"] == "40" and back["public_transport"] == "true"
    assert location.endswith("#treffer")
    done = portal.get(location)
    assert "Der ungedeckte Bedarf ist erfasst" in done.text
    assert 'value="40"' in done.text  # the search form still holds the filters
    again = portal.post("/search/unmet-need", [(k, v) for k, v in fields if k != "_csrf_token"])
    assert again.status_code == 303
    assert "schon erfasst" in portal.get(again.headers["location"]).text
    assert kiel_count() == before + 1
    forged = [(k, "1.x.y" if k == "einmal" else v) for k, v in fields if k != "_csrf_token"]
    r = portal.post("/search/unmet-need", forged)
    assert r.status_code == 422 and "neu" in r.text
    assert kiel_count() == before + 1


def test_overview_csv_and_refusal_show_labels(portal: Portal, kiel: dict[str, str]) -> None:
    # issue 17 item 2: "Türkisch" not "tr" in the CSV; a carrier's name, not its id
    portal.login("cm.nord")
    csv = portal.get("/api/v1/directory/overview?carrier=drv-nord&format=csv")
    assert csv.status_code == 200
    row = next(line for line in csv.text.splitlines() if "Wegweiser" in line)
    assert "Deutsch, Türkisch" in row and ";de, tr;" not in row
    other = portal.get("/api/v1/directory/overview?carrier=drv-hessen")
    assert other.status_code == 422
    assert "DRV Nord" in other.text and "drv-nord." not in other.text
