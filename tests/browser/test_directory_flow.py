"""The directory search as a person uses it (issue 17, items 4, 6 and 9), in Chromium with
axe-core on every new page state: after a search focus and view are on the result count, on a
phone the form is folded away; printing with the insured person's name posts it (it is in no
address and no server log) and the PDF prints it with "–"; the unmet need keeps the search's
filters and counts once even after going back and sending it again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

from tests.browser.conftest import AXE_RESULTS, axe_check, login
from tests.pdf_text import embedded_fonts, pdf_text

NAME = "Zoë Çelik-Øster – Probe"


def assert_accessible(page: Any, name: str) -> None:
    """axe-core: no violation of any impact (not only the serious ones)."""
    axe_check(page, name)
    assert AXE_RESULTS[name] == [], f"{name}: {AXE_RESULTS[name]}"


@pytest.fixture
def phone(browser: Any, server: dict[str, Any]) -> Iterator[Any]:
    context = browser.new_context(
        base_url=server["base"],
        viewport={"width": 360, "height": 740},
        locale="de-DE",
        bypass_csp=True,  # axe-core is injected as an inline script (the pages keep their CSP)
    )
    pg = context.new_page()
    yield pg
    context.close()


def _search(
    page: Any, postal_code: str = "24105", group: str = "Abhängigkeitserkrankungen"
) -> None:
    page.goto("/search")
    page.get_by_label("Postleitzahl des Wohnorts").fill(postal_code)
    page.get_by_label(group).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Suchen").click()


def _active(page: Any) -> dict[str, str]:
    return dict(
        page.evaluate(
            """() => { const e = document.activeElement;
                return {tag: e.tagName, id: e.id || '', href: e.getAttribute('href') || '',
                        text: (e.textContent || '').trim().slice(0, 80)}; }"""
        )
    )


def test_after_a_search_focus_is_on_the_count_and_the_phone_form_is_folded(phone: Any) -> None:
    # issue 17 item 6: from the count the first result is a few Tab presses away
    page = phone
    login(page, "cm.nord")
    _search(page)
    assert page.url.endswith("#treffer")
    active = _active(page)
    assert (active["tag"], active["id"]) == ("H2", "treffer"), active
    assert "passender Standort" in active["text"]
    box = page.locator("#treffer").bounding_box()
    assert box is not None and 0 <= box["y"] < 740  # in view
    assert page.locator("details.search-fold").evaluate("d => d.open") is False
    assert not page.get_by_label("Postleitzahl des Wohnorts").is_visible()
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 0
    )
    presses = 0
    while not _active(page)["href"].startswith("/search/providers/"):
        page.keyboard.press("Tab")
        presses += 1
        assert presses <= 6, _active(page)
    assert_accessible(page, "Suchergebnis am Telefon (Formular eingeklappt)")
    page.locator("details.search-fold > summary").click()
    assert page.get_by_label("Postleitzahl des Wohnorts").input_value() == "24105"
    assert_accessible(page, "Suchergebnis am Telefon (Formular aufgeklappt)")


def test_without_javascript_the_fragment_leads_to_the_count(
    browser: Any, server: dict[str, Any]
) -> None:
    context = browser.new_context(
        base_url=server["base"], locale="de-DE", java_script_enabled=False
    )
    page = context.new_page()
    try:
        login(page, "cm.nord")
        _search(page)
        assert page.url.endswith("#treffer")
        assert page.evaluate("document.querySelector(':target').id") == "treffer"
        page.keyboard.press("Tab")  # sequential focus starts at the fragment's target
        assert _active(page)["id"] == "f-person"
    finally:
        context.close()


def _server_log(tmp_path_factory: pytest.TempPathFactory) -> str:
    logs = list(tmp_path_factory.getbasetemp().glob("browser-registry*/server.log"))
    assert logs, "server log not found"
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in logs)


def test_printing_with_a_name_posts_it_and_leaks_it_nowhere(
    page: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # issue 17 item 4, docs/rules.md §10
    addresses: list[str] = []
    page.on("request", lambda request: addresses.append(request.url))
    login(page, "cm.nord")
    _search(page)
    page.get_by_label("Name der versicherten Person (freiwillig, nur für den Ausdruck)").fill(NAME)
    with page.expect_navigation():
        page.get_by_role("button", name="Liste zum Drucken").click()
    assert f"Für: {NAME}" in page.locator("main").inner_text()
    assert page.url.endswith("/search/print")
    assert "nicht in der Adresse" in page.content()
    assert_accessible(page, "Druckliste mit Name (per POST)")
    # the bytes as the server sent them (Chromium wraps a shown PDF in its viewer page)
    answers: list[tuple[str, bytes]] = []

    def keep(route: Any) -> None:
        response = route.fetch()
        answers.append((response.headers.get("content-type", ""), response.body()))
        route.fulfill(response=response)

    page.route("**/search/print", keep)
    try:
        with page.expect_download(timeout=5000):
            page.get_by_role("button", name="Liste als PDF").click()
    except Exception:  # noqa: BLE001 - the browser may show the PDF instead of saving it
        pass
    assert answers, "the PDF was not requested"
    kind, pdf = answers[-1]
    assert kind == "application/pdf"
    text = pdf_text(pdf)
    assert f"Für: {NAME}" in text and "Lotse Kiel e. V. – Standort Kiel" in text
    assert any("DejaVuSans" in f for f in embedded_fonts(pdf))
    secrets = ("Çelik", quote("Çelik"), quote_plus(NAME), "%C3%87elik")
    leaked = [a for a in addresses if any(s in a for s in secrets)]
    assert leaked == []
    log = _server_log(tmp_path_factory)
    assert "Çelik" not in log and "\\u00c7elik" not in log and "%C3%87elik" not in log


def test_unmet_need_twice_counts_once_and_keeps_the_filters(page: Any) -> None:
    # issue 17 item 9, rule N7
    login(page, "cm.nord")
    page.goto("/search?postal_code=24105&target_group=oncology&max_distance_km=35&outreach=true")
    with page.expect_navigation():
        page.get_by_role("button", name="Ungedeckten Bedarf melden").click()
    assert "max_distance_km=35" in page.url and "outreach=true" in page.url
    assert "Der ungedeckte Bedarf ist erfasst" in page.content()
    page.locator("details.search-fold > summary").click()
    assert page.get_by_label("Höchstens so weit entfernt (km)").input_value() == "35"
    assert_accessible(page, "Bedarf gemeldet, Suche mit denselben Filtern")
    page.go_back()
    with page.expect_navigation():
        page.get_by_role("button", name="Ungedeckten Bedarf melden").click()
    assert "schon erfasst" in page.content()
    assert "max_distance_km=35" in page.url
    assert_accessible(page, "Bedarf ein zweites Mal gesendet")
    login(page, "strategist.nord")
    page.goto("/coverage?target_group=oncology#bedarf")
    row = page.locator("#bedarf + table tbody tr", has_text="Kiel")
    assert row.locator("td").first.inner_text().strip() == "1"
