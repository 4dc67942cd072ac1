"""The portal's further journeys in a real browser (Chromium via Playwright) against
``registry serve``, each page checked with axe-core: 0 serious or critical violations.

The screenshots of docs/portal.md are made by test_screenshots.py (``shots.py``)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import PASSWORD, login
from tests.browser.shots import PHONE, check, shoot  # noqa: F401 - test_maps imports shoot here


def api_token(page: Any, username: str) -> str:
    r = page.request.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    assert r.ok, r.text()
    return str(r.json()["access_token"])


def api_post(page: Any, username: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    token = api_token(page, username)
    r = page.request.post(path, data=body, headers={"Authorization": f"Bearer {token}"})
    assert r.ok, r.text()
    result: dict[str, Any] = r.json()
    return result


@pytest.fixture(scope="module")
def network(browser: Any, server: dict[str, Any]) -> dict[str, str]:
    """A partner in Kiel and an agreement in force with it, made through the API."""
    context = browser.new_context(base_url=server["base"], locale="de-DE")
    page = context.new_page()
    try:
        partner = api_post(
            page,
            "cm.nord",
            "/api/v1/partners",
            {
                "name": "Schuldnerberatung Kiel",
                "type": "debt-counselling",
                "sites": [
                    {
                        "name": "Beratungsstelle Holstenstraße",
                        "address": {"street": "Holstenstraße 1", "postal_code": "24103"},
                        "service_radius_km": 30,
                    }
                ],
                "services": ["Schuldnerberatung", "Budgetberatung"],
                "target_groups": ["addiction"],
                "contacts": [
                    {
                        "name": "Frau Jensen",
                        "role": "Beratung",
                        "email": "jensen@schuldnerberatung.example",
                        "reachability": "Mo–Do 9–12 Uhr",
                    }
                ],
            },
        )
        agreement = api_post(
            page,
            "strategist.nord",
            "/api/v1/agreements",
            {
                "kind": "cooperation_agreement",
                "title": "Kooperation Schuldnerberatung Kiel",
                "carriers": ["drv-nord"],
                "partners": [partner["id"]],
                "scope": {"level": "state", "state": "Schleswig-Holstein"},
                "valid_from": "2026-01-01",
                "contents": {"roles": "Die Beratungsstelle berät, die DRV steuert."},
            },
        )
        api_post(
            page,
            "strategist.nord",
            f"/api/v1/agreements/{agreement['id']}/activate",
            {"override_reason": "Erprobung im ersten Jahr"},
        )
        return {"partner": partner["id"], "agreement": agreement["id"]}
    finally:
        context.close()


# --------------------------------------------------------------------------- case manager


def test_case_manager_map_explanation_and_unmet_need(page: Any) -> None:
    # rules E1-E5, N7: map of the result, why a provider is not listed, unmet need in one click
    login(page, "cm.nord")
    page.goto("/search?postal_code=24105&target_group=addiction")
    assert page.locator("svg[role=img]").count() == 1
    check(page, "Suchergebnis mit Karte")
    with page.expect_navigation():
        page.get_by_role("link", name="Lotse Kiel e. V.").first.click()
    assert "Erscheint in der Liste an Stelle 1." in page.content()
    check(page, "Anbieterseite mit Erklärung (gelistet)")
    page.go_back()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Ein bestimmter Anbieter fehlt")).click()
    check(page, "Anbieter nicht in der Liste? (Suche)")
    page.get_by_label("Name des Anbieters").fill("Brücke")
    with page.expect_navigation():
        page.get_by_role("button", name="Anbieter suchen").click()
    check(page, "Anbieter nicht in der Liste? (Treffer)")
    with page.expect_navigation():
        page.get_by_role("link", name="Brücke Lübeck gGmbH").click()
    assert "Erscheint nicht in der Liste, weil:" in page.content()
    check(page, "Anbieterseite mit Erklärung (nicht gelistet)")
    page.goto("/search?postal_code=24105&target_group=hearing-impairment")
    check(page, "Suchergebnis leer mit Bedarfsmeldung")
    with page.expect_navigation():
        page.get_by_role("button", name="Ungedeckten Bedarf melden").click()
    assert "Der ungedeckte Bedarf ist erfasst" in page.content()
    check(page, "Suchergebnis nach Bedarfsmeldung")


def test_case_manager_partner_search_and_edit(page: Any, network: dict[str, str]) -> None:
    # rules E7, N1: partners near the person, nearest first; contacts kept current
    login(page, "cm.nord")
    page.goto("/partners/search")
    check(page, "Partnersuche")
    page.get_by_label("Postleitzahl des Wohnorts").fill("24105")
    with page.expect_navigation():
        page.get_by_role("button", name="Partner suchen").click()
    assert "Schuldnerberatung Kiel" in page.content()
    check(page, "Partnersuche mit Ergebnis und Karte")
    page.goto(f"/partners/{network['partner']}/edit")
    check(page, "Netzwerkpartner bearbeiten")
    page.locator("#f-contacts-0-phone").fill("0431 555")
    with page.expect_navigation():
        page.get_by_role("button", name="Änderungen speichern").click()
    assert "Die Änderungen sind gespeichert." in page.content()
    check(page, "Netzwerkpartner nach Änderung")
    page.goto("/overview")
    check(page, "Übersicht (Fallmanagement)")


def test_reader_sees_the_explanation_only(page: Any) -> None:
    # docs/rules.md §9: a rehabilitation facility searches and prints, nothing else
    login(page, "reader.nord")
    page.goto("/search?postal_code=24105&target_group=addiction")
    with page.expect_navigation():
        page.get_by_role("link", name="Lotse Kiel e. V.").first.click()
    assert "Rechtsform" not in page.content()
    check(page, "Anbieterseite (Rehabilitationseinrichtung)")
    page.goto("/overview")
    check(page, "Übersicht (Rehabilitationseinrichtung)")


# --------------------------------------------------------------------------- officer


def test_officer_contract_review_and_overview(page: Any) -> None:
    # rules A13, A14, E8
    login(page, "officer.nord")
    page.goto("/admissions")
    check(page, "Zulassungen unseres Trägers")
    page.goto("/admissions?vertrag=offen")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Vertrag erfassen")).first.click()
    check(page, "Vertrag erfassen")
    with page.expect_navigation():
        page.get_by_role("button", name="Vertrag erfassen").click()
    assert page.locator("#error-summary").is_visible()
    check(page, "Vertrag erfassen mit Fehlern")
    page.get_by_label("Unterschrieben am").fill("2025-03-01")
    page.get_by_label("Fassung des Mustervertrags").fill("2024-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Vertrag erfassen").click()
    assert "Der Vertrag ist erfasst" in page.content()
    page.goto("/admissions/reviews?within_days=3650")
    check(page, "Überprüfung der Zulassungen")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Ergebnis speichern")).first.click()
    check(page, "Überprüfung mit Fehlern")
    page.get_by_label(re.compile("bestätigen")).first.check()
    page.get_by_label("Begründung").first.fill("Besuch vor Ort: Räume und Team wie beantragt.")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Ergebnis speichern")).first.click()
    assert "Das Ergebnis der Überprüfung ist gespeichert" in page.content()
    page.goto("/overview")
    assert "Lotse Kiel e. V." in page.content()
    check(page, "Übersicht der zugelassenen Anbieter")


# --------------------------------------------------------------------------- provider


def test_provider_site_details_staff_and_draft(page: Any) -> None:
    # rules A15, A1: site details and confirmation, staff changes, a saved draft
    login(page, "anbieter.zugelassen")
    page.goto("/provider")
    check(page, "Unsere Organisation mit Aktionen")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Angaben bearbeiten")).first.click()
    check(page, "Standort bearbeiten")
    page.get_by_label("Sprechzeiten").fill("Mo–Fr 9–16 Uhr")
    page.get_by_label(re.compile("Wartezeit")).fill("500")
    with page.expect_navigation():
        page.get_by_role("button", name="Speichern und bestätigen").click()
    check(page, "Standort bearbeiten mit Fehler")
    page.get_by_label(re.compile("Wartezeit")).fill("2")
    page.get_by_label("per Video").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Speichern und bestätigen").click()
    assert "zugleich bestätigt" in page.content()
    page.goto("/provider")  # the save may stay on the site page to list its findings (A15)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Daten bestätigen")).first.click()
    assert "Die Daten des Standorts sind bestätigt." in page.content()

    page.goto("/provider/staff")
    check(page, "Fallmanager*innen")
    page.locator("#f-cm-name").fill("Clara Neumann")
    with page.expect_navigation():
        page.get_by_role("button", name="Eintragen").click()
    check(page, "Fallmanager*innen mit Fehlern")
    page.locator("#f-cm-degree").select_option("social-work")
    page.locator("#f-cm-counselling_years").fill("3")
    page.get_by_label(re.compile("DGCC\\)")).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Eintragen").click()
    assert "Die Fallmanager*in ist eingetragen." in page.content()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"Ändern\W+Clara Neumann")).click()
    check(page, "Fallmanager*in ändern")
    page.goto("/provider/staff")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"Austragen\W+Clara Neumann")).click()
    check(page, "Fallmanager*in austragen")
    with page.expect_navigation():
        page.get_by_role("button", name="Ja, Clara Neumann austragen").click()
    assert "Die Fallmanager*in ist ausgetragen." in page.content()

    page.goto("/applications/new")
    page.locator("#f-sites-0-name").fill("Neuer Standort Plön")
    with page.expect_navigation():
        page.get_by_role("button", name="Entwurf speichern").click()
    assert "Ihr Entwurf ist gespeichert." in page.content()
    assert page.locator("#f-sites-0-name").input_value() == "Neuer Standort Plön"
    check(page, "Antrag mit gespeichertem Entwurf")
    with page.expect_navigation():
        page.get_by_role("button", name="Entwurf verwerfen").click()
    assert "Der Entwurf ist gelöscht." in page.content()


# --------------------------------------------------------------------------- strategist


def test_strategist_agreement_versions_status_and_coverage_map(
    page: Any, network: dict[str, str]
) -> None:
    # rules N3-N6, N7, A12
    agreement = network["agreement"]
    login(page, "strategist.nord")
    page.goto(f"/agreements/{agreement}")
    check(page, "Vereinbarung in Kraft mit Aktionen")
    with page.expect_navigation():
        page.get_by_role("link", name="Ändern (neue Version)").click()
    check(page, "Vereinbarung ändern (neue Version)")
    page.locator("#f-contents-reaction_time_days").fill("5")
    with page.expect_navigation():
        page.get_by_role("button", name="Als neue Version speichern").click()
    assert "(Version 2)" in page.content()
    page.get_by_text("Version 1, in Kraft ab").click()  # open the earlier version
    check(page, "Vereinbarung mit zwei Versionen")
    with page.expect_navigation():
        page.get_by_role("button", name="Ausführen").click()
    check(page, "Vereinbarung: Aktion ohne Begründung")
    page.get_by_label("Vereinbarung aussetzen").check()
    page.locator("#f-status_reason").fill("Die Beratungsstelle zieht um.")
    with page.expect_navigation():
        page.get_by_role("button", name="Ausführen").click()
    assert "Die Vereinbarung ist ausgesetzt." in page.content()
    page.goto("/agreements/due?within_days=3650")
    check(page, "Vereinbarungen zur Überprüfung")
    page.goto("/notices")
    check(page, "Hinweise (Netzwerkarbeit)")

    page.goto("/coverage?target_group=hearing-impairment&land=Schleswig-Holstein")
    assert page.locator("svg[role=img] .map-marker").count() > 300
    check(page, "Abdeckung mit Karte")
    link = page.get_by_role("link", name=re.compile("Bekanntmachung starten")).first
    with page.expect_navigation():
        link.click()
    assert page.locator("#f-text").input_value().startswith("Die DRV Nord sucht")
    check(page, "Bekanntmachung aus einer Lücke")


def test_phone_width_has_no_horizontal_scrolling(browser: Any, server: dict[str, Any]) -> None:
    context = browser.new_context(base_url=server["base"], viewport=PHONE, locale="de-DE")
    page = context.new_page()
    try:
        login(page, "cm.nord")
        for path in (
            "/search?postal_code=24105&target_group=addiction",
            "/partners/search?postal_code=24105",
            "/overview",
        ):
            page.goto(path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (path, overflow)
    finally:
        context.close()
