"""Every page state of the portal, role by role, for docs/screenshots (issue 17).

Runs only with ``PORTAL_SCREENSHOTS=<folder>``; each state is checked with axe-core (0 serious or
critical violations) and saved at desktop (1280 px) and phone (360 px) width by ``shots.shoot``.
The list of states (slug and German page name) is written to ``var/screenshots.json`` for the
table in docs/portal.md::

    PORTAL_SCREENSHOTS=docs/screenshots .venv/bin/pytest -rs tests/browser/test_screenshots.py
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import PASSWORD, ROOT, axe_check, login
from tests.browser.shots import SHOTS, shoot
from tests.browser.test_journeys_more import (
    api_post,
    api_token,
    network,  # noqa: F401 - a fixture used below
)
from tests.browser.test_pickers_sessions import _expire_session

pytestmark = pytest.mark.skipif(
    not SHOTS, reason="Screenshots nur mit PORTAL_SCREENSHOTS=<Ordner> (z. B. docs/screenshots)"
)

MAP_READY = "figure[data-map][data-ready=true]"
STATES: list[dict[str, str]] = []  # in the order taken: role, name, slug


class Shots:
    """Check a page state with axe, save it, and remember what failed (asserted at the end, so
    one failing state does not hide the screenshots of the others)."""

    def __init__(self, page: Any, role: str) -> None:
        self.page = page
        self.role = role
        self.failures: list[str] = []

    def __call__(self, name: str, slug: str, *, with_map: bool = False) -> None:
        if with_map:
            self.page.wait_for_selector(MAP_READY, timeout=15000)
            self.page.locator(".leaflet-container").first.wait_for(state="visible")
        bad = axe_check(self.page, name)  # every violation is kept in AXE_RESULTS / var/axe.json
        if bad:
            self.failures.append(f"{name}: {bad}")
        shoot(self.page, slug)
        STATES.append({"role": self.role, "name": name, "slug": slug})

    def done(self) -> None:
        assert self.failures == [], self.failures


@pytest.fixture(scope="module", autouse=True)
def _write_states() -> Iterator[None]:
    yield
    out = ROOT / "var" / "screenshots.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(STATES, ensure_ascii=False, indent=2), encoding="utf-8")


def _go(page: Any, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status < 400, (path, response and response.status)


@pytest.fixture(scope="module")
def follow_on(browser: Any, server: dict[str, Any]) -> dict[str, str]:
    """A provider with sites in Flensburg (DRV Nord decides) and Kassel (DRV Hessen follows),
    admitted by DRV Nord through the API: DRV Hessen has a follow-on to confirm."""
    from registry.reference import load_reference
    from tests.api.helpers import application, site

    context = browser.new_context(base_url=server["base"], locale="de-DE")
    page = context.new_page()
    try:
        r = page.request.post(
            "/api/v1/providers",
            data={
                "name": "Nordlicht Fallmanagement gGmbH",
                "legal_form": "gGmbH",
                "email": "info@nordlicht.example",
                "user": {"username": "anbieter.nordlicht", "password": PASSWORD},
            },
        )
        assert r.ok, r.text()
        body = application(
            load_reference(),
            "drv-nord",
            [site("Nordlicht Flensburg", "24937", "Flensburg", headquarters=True)]
            + [site("Nordlicht Kassel", "34117")],
            ["addiction"],
            provider={"id": r.json()["id"]},
        )
        app = api_post(page, "anbieter.nordlicht", "/api/v1/applications", body)
        token = api_token(page, "officer.nord")
        r = page.request.get(
            f"/api/v1/applications/{app['id']}", headers={"Authorization": f"Bearer {token}"}
        )
        assert r.ok, r.text()
        api_post(
            page,
            "officer.nord",
            f"/api/v1/applications/{app['id']}/decision",
            {
                "target_groups": {
                    "addiction": {"admit": True, "reason": "Uns fehlt Fachkompetenz an der Küste."}
                },
                "overrides": [],
                "version": r.json()["version"],
            },
        )
        return {"application": str(app["id"])}
    finally:
        context.close()


def _provider_id(page: Any, application_id: str) -> str:
    token = api_token(page, "officer.nord")
    r = page.request.get(
        f"/api/v1/applications/{application_id}", headers={"Authorization": f"Bearer {token}"}
    )
    assert r.ok, r.text()
    provider = r.json()["provider"]
    return str(provider["id"] if isinstance(provider, dict) else provider)


# --------------------------------------------------------------------------- everyone


def test_everyone(page: Any) -> None:
    shot = Shots(page, "everyone")
    _go(page, "/")
    shot("Start (ohne Anmeldung)", "home-signed-out")
    _go(page, "/register")
    shot("Registrieren", "register")
    _go(page, "/login")
    shot("Anmelden", "login")
    page.get_by_label("Benutzername").fill("officer.nord")
    page.get_by_label("Passwort").fill("falsch")
    with page.expect_navigation():
        page.get_by_role("button", name="Anmelden", exact=True).click()
    shot("Anmelden mit Fehler", "login-error")
    login(page, "officer.nord")
    response = page.goto("/gibt-es-nicht")
    assert response is not None and response.status == 404
    shot("Seite nicht gefunden", "not-found")
    shot.done()


# --------------------------------------------------------------------------- admissions officer


def test_admissions_officer(page: Any, server: dict[str, Any], follow_on: dict[str, str]) -> None:
    shot = Shots(page, "admissions officer")
    login(page, "officer.nord")
    _go(page, "/")
    shot("Start (Zulassung)", "officer-home")
    _go(page, "/inbox")
    shot("Eingang", "officer-inbox")
    _go(page, "/applications")
    shot("Antragsliste", "officer-applications")
    _go(page, f"/applications/{server['applications']['anbieter.offen']}")
    shot("Antrag mit Nachweisen und Entscheidungsformular", "officer-application-decision-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Entscheidung speichern").click()
    shot("Antrag: Entscheidung mit Fehlern", "officer-application-decision-errors")
    for group in ("addiction", "mental-health"):
        page.locator(f"#f-target_groups-{group}-admit-yes").check()
        page.locator(f"#f-target_groups-{group}-reason").fill(
            "Uns fehlt diese Fachkompetenz in der Region."
        )
    with page.expect_navigation():
        page.get_by_role("button", name="Entscheidung speichern").click()
    assert page.get_by_role("heading", name="Entscheidung bestätigen").is_visible()
    shot("Entscheidung bestätigen", "officer-decision-confirm")  # not saved: others decide it
    _go(page, f"/applications/{server['applications']['anbieter.zugelassen']}")
    shot("Antrag entschieden", "officer-application-decided")
    _go(page, "/admissions")
    shot("Zulassungen unseres Trägers", "officer-admissions")
    provider = _provider_id(page, server["applications"]["anbieter.zugelassen"])
    _go(page, f"/providers/{provider}/contract")
    shot("Vertrag erfassen", "officer-contract-form")
    _go(page, "/admissions/reviews?within_days=3650")
    shot("Überprüfung der Zulassungen", "officer-reviews")
    _go(page, f"/providers/{provider}/quality")
    shot("Qualität eines Anbieters (Zulassung)", "officer-quality")
    _go(page, "/announcements")
    shot("Bekanntmachungen", "officer-announcements")
    _go(page, "/announcements/new")
    shot("Bekanntmachung veröffentlichen", "officer-announcement-form")
    _go(page, "/overview")
    shot("Übersicht der zugelassenen Anbieter", "officer-overview")
    _go(page, "/konto/passwort")
    shot("Passwort ändern", "account-password")

    login(page, "officer.hessen")
    _go(page, "/follow-ons")
    row = page.locator("tr", has_text="Nordlicht Fallmanagement gGmbH")
    row.locator("summary").first.click()
    shot("Folgezulassungen mit Begründung des federführenden Trägers", "officer-follow-ons")
    with page.expect_navigation():
        row.get_by_role("button", name="Zulassen").click()
    shot("Folgezulassung bestätigen", "officer-follow-on-confirm")
    _go(page, "/notices")
    shot("Hinweise mit Auswahl zum Bestätigen", "officer-notices")
    shot.done()


# --------------------------------------------------------------------------- provider


def test_provider(page: Any, server: dict[str, Any]) -> None:
    shot = Shots(page, "provider")
    login(page, "anbieter.zugelassen")
    _go(page, "/")
    shot("Start (Anbieter)", "provider-home")
    _go(page, "/applications")
    shot("Meine Anträge", "provider-applications")
    _go(page, f"/applications/{server['applications']['anbieter.zugelassen']}")
    shot("Antrag (Anbieter)", "provider-application")
    _go(page, "/provider")
    shot("Unsere Organisation", "provider-organisation")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Angaben bearbeiten")).first.click()
    shot("Standort bearbeiten", "provider-site-form")
    _go(page, "/provider/staff")
    shot("Fallmanager*innen", "provider-staff")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^Ändern\W")).first.click()
    shot("Fallmanager*in ändern", "provider-staff-edit")
    _go(page, "/provider/staff")
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^Austragen\W")).first.click()
    shot("Fallmanager*in austragen (Rückfrage)", "provider-staff-remove")
    provider = _provider_id(page, server["applications"]["anbieter.zugelassen"])
    _go(page, f"/providers/{provider}/quality")
    shot("Qualität (Anbieter)", "provider-quality")

    _go(page, "/applications/new")
    shot("Antrag auf Zulassung (Formular)", "provider-application-form")
    page.evaluate("window.portalSession.renewed({warn_after: 0, remaining: 300, ends: ''})")
    page.get_by_role("button", name="Angemeldet bleiben").wait_for()
    shot("Hinweis vor dem Ende der Sitzung", "session-warning")
    page.get_by_role("button", name="Angemeldet bleiben").click()
    page.get_by_text(re.compile("Sie bleiben angemeldet")).wait_for()
    page.locator("#f-sites-0-name").fill("Beratung am Hafen")
    page.locator("#f-sites-0-languages-q").fill("Türk")
    turkish = page.locator("#f-sites-0-languages").get_by_role("checkbox", name="Türkisch")
    turkish.wait_for()
    page.locator("#f-sites-0-languages").scroll_into_view_if_needed()
    shot("Antrag: Sprache nach Namen wählen", "provider-application-language-picker")
    turkish.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Antrag einreichen").click()
    assert page.locator("#error-summary").is_visible()
    page.evaluate("window.scrollTo(0, 0)")
    shot("Antrag mit Fehlerübersicht", "provider-application-errors")

    page.locator("#f-sites-0-address-place").fill("Lübeck")
    _expire_session(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Entwurf speichern").click()
    assert "Ihre Eingaben sind aufbewahrt" in page.content()
    shot("Anmelden nach Ablauf der Sitzung (Eingaben aufbewahrt)", "session-kept-login")
    page.get_by_label("Benutzername").fill("anbieter.zugelassen")
    page.get_by_label("Passwort").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Anmelden", exact=True).click()
    assert "Ihre Eingaben sind noch da" in page.content()
    shot("Eingaben nach neuer Anmeldung", "session-kept-after-login")
    with page.expect_navigation():
        page.get_by_role("button", name="Eingaben jetzt senden").click()
    assert "Ihr Entwurf ist gespeichert." in page.content()
    shot("Antrag mit gespeichertem Entwurf", "provider-application-draft")
    with page.expect_navigation():
        page.get_by_role("button", name="Entwurf verwerfen").click()
    shot.done()


# --------------------------------------------------------------------------- case manager


def test_case_manager(page: Any, network: dict[str, str]) -> None:  # noqa: F811
    shot = Shots(page, "case manager")
    login(page, "cm.nord")
    _go(page, "/")
    shot("Start (Fallmanagement)", "case-manager-home")
    _go(page, "/search")
    shot("Anbietersuche", "search")
    page.get_by_label("Postleitzahl des Wohnorts").fill("24105")
    page.get_by_label("Abhängigkeitserkrankungen").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Suchen").click()
    shot("Suchergebnis mit Karte", "search-results-map", with_map=True)
    page.locator("details.search-fold > summary").click()
    shot("Suchergebnis, Suchformular aufgeklappt", "search-results-form-open", with_map=True)
    page.get_by_label("Name der versicherten Person (freiwillig, nur für den Ausdruck)").fill(
        "Erika Muster"
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Liste zum Drucken").click()
    shot("Druckliste mit Name (per POST)", "print-list-with-name")
    _go(page, "/search/print?postal_code=24105&target_group=addiction")
    shot("Druckliste", "print-list")
    _go(page, "/search?postal_code=24105&target_group=addiction")
    with page.expect_navigation():
        page.get_by_role("link", name="Lotse Kiel e. V.").first.click()
    shot("Anbieterseite, gelistet", "provider-page-listed")
    _go(page, "/search/providers")
    shot("Ein bestimmter Anbieter fehlt (Suche)", "missing-provider-search")
    page.get_by_label("Name des Anbieters").fill("Brücke")
    with page.expect_navigation():
        page.get_by_role("button", name="Anbieter suchen").click()
    shot("Ein bestimmter Anbieter fehlt (Treffer)", "missing-provider-matches")
    with page.expect_navigation():
        page.get_by_role("link", name="Brücke Lübeck gGmbH").click()
    shot("Anbieterseite, warum nicht gelistet", "provider-page-not-listed")
    _go(page, "/search?postal_code=24105&target_group=hearing-impairment")
    shot("Suchergebnis leer mit Bedarfsmeldung", "search-empty-unmet-need")
    with page.expect_navigation():
        page.get_by_role("button", name="Ungedeckten Bedarf melden").click()
    assert "Der ungedeckte Bedarf ist erfasst" in page.content()
    shot("Bedarf gemeldet", "search-unmet-need-reported")
    _go(page, "/partners/search")
    shot("Partnersuche", "partner-search")
    _go(page, "/partners/search?postal_code=24105")
    shot("Partnersuche mit Ergebnis und Karte", "partner-search-map", with_map=True)
    _go(page, f"/partners/{network['partner']}")
    shot("Netzwerkpartner", "partner-detail")
    _go(page, f"/partners/{network['partner']}/edit")
    shot("Netzwerkpartner bearbeiten", "partner-edit")
    _go(page, "/network/around?district=01002&target_group=addiction")
    shot("Netz um einen Kreis", "network-around")
    _go(page, "/overview")
    shot("Übersicht (Fallmanagement)", "case-manager-overview")
    shot.done()


def test_directory_reader(page: Any) -> None:
    shot = Shots(page, "directory reader")
    login(page, "reader.nord")
    _go(page, "/")
    shot("Start (Rehabilitationseinrichtung)", "reader-home")
    _go(page, "/search?postal_code=24105&target_group=addiction")
    with page.expect_navigation():
        page.get_by_role("link", name="Lotse Kiel e. V.").first.click()
    shot("Anbieterseite (Rehabilitationseinrichtung)", "reader-provider-page")
    _go(page, "/overview")
    shot("Übersicht (Rehabilitationseinrichtung)", "reader-overview")
    shot.done()


# --------------------------------------------------------------------------- network strategist


def test_network_strategist(page: Any, network: dict[str, str]) -> None:  # noqa: F811
    shot = Shots(page, "network strategist")
    login(page, "strategist.nord")
    _go(page, "/")
    shot("Start (Netzwerkarbeit)", "strategist-home")
    _go(page, "/partners")
    shot("Netzwerkpartner", "partners")
    _go(page, "/partners/new")
    shot("Netzwerkpartner anlegen", "partner-form")
    _go(page, "/agreements")
    shot("Vereinbarungen", "agreements")
    _go(page, "/agreements/new")
    shot("Vereinbarung anlegen", "agreement-form")
    page.get_by_label("Netzwerkpartner suchen (Name oder Ort)").fill("Schuldner")
    match = page.get_by_role("checkbox", name=re.compile("Schuldnerberatung Kiel"))
    match.first.wait_for()
    page.get_by_label("Netzwerkpartner suchen (Name oder Ort)").scroll_into_view_if_needed()
    shot("Vereinbarung anlegen: Partner nach Namen suchen (Treffer)", "agreement-form-pickers")
    match.first.check()
    page.get_by_label("Kreis suchen (Name)").fill("Plön")
    district = page.get_by_role("checkbox", name=re.compile("Kreis Plön")).first
    district.wait_for()
    district.check()
    with page.expect_navigation():
        page.get_by_role("button", name="Entwurf anlegen").click()
    shot("Vereinbarung anlegen mit Fehlern", "agreement-form-errors")
    _go(page, f"/agreements/{network['agreement']}")
    shot("Vereinbarung in Kraft mit Aktionen", "agreement-detail")
    _go(page, f"/agreements/{network['agreement']}/edit")
    shot("Vereinbarung ändern (neue Version)", "agreement-edit")
    _go(page, "/agreements/due?within_days=3650")
    shot("Vereinbarungen zur Überprüfung", "agreements-due")
    _go(page, "/notices")
    shot("Hinweise (Netzwerkarbeit)", "strategist-notices")
    _go(page, "/coverage?target_group=addiction")
    shot("Abdeckung mit Karte", "coverage-map", with_map=True)
    _go(page, "/coverage?target_group=hearing-impairment&land=Schleswig-Holstein")
    shot("Abdeckung eines Landes mit Karte", "coverage-map-state", with_map=True)
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile("Bekanntmachung starten")).first.click()
    shot("Bekanntmachung aus einer Lücke", "announcement-from-gap")
    _go(page, "/network/around?district=01002&target_group=addiction")
    shot("Netz um einen Kreis (Netzwerkarbeit)", "strategist-network-around")
    shot.done()


# --------------------------------------------------------------------------- admin


def test_admin(page: Any) -> None:
    shot = Shots(page, "admin")
    login(page, "admin")
    _go(page, "/")
    shot("Start (Verwaltung)", "admin-home")
    _go(page, "/admin/users")
    shot("Benutzer", "admin-users")
    _go(page, "/admin/profile")
    shot("Trägerprofil", "admin-profile")
    _go(page, "/admin/criteria")
    shot("Kriterien", "admin-criteria")
    shot.done()


def test_states_have_distinct_ascii_slugs() -> None:
    slugs = [s["slug"] for s in STATES]
    assert len(slugs) == len(set(slugs)), slugs
    assert all(re.fullmatch(r"[a-z0-9-]+", s) for s in slugs)
    if SHOTS:
        for slug in slugs:
            assert Path(SHOTS, f"{slug}-phone.png").exists(), slug
