"""Issue 17, items 1 and 3 in a real browser: a partner just created is picked in a new
agreement by typing its name (with JavaScript, and with JavaScript off through the form's own
"Suchen" step), a district and the language "Türkisch" by name; a session that ends during a
long form loses nothing (the form is kept over the login and saved), the draft saves itself,
the warning before the end keeps the person signed in. axe-core on every picker state."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import PASSWORD, axe_check, login

SECRET = "browser-test-secret"  # REGISTRY_SECRET_KEY of the browser tests' server


def assert_accessible(page: Any, name: str) -> None:
    bad = axe_check(page, name)
    assert bad == [], f"{name}: {bad}"


@pytest.fixture
def no_js_page(browser: Any, server: dict[str, Any]) -> Iterator[Any]:
    context = browser.new_context(
        base_url=server["base"], locale="de-DE", java_script_enabled=False
    )
    pg = context.new_page()
    yield pg
    context.close()


def _new_partner(page: Any, name: str, postal: str, place: str) -> None:
    """Create a partner through the portal's form (the strategist's first step)."""
    page.goto("/partners/new")
    page.locator("#f-name").fill(name)
    page.locator("#f-type").select_option(index=1)
    page.locator("#f-services").fill("Lotsendienst, Beratung")
    page.locator("#f-target_groups").get_by_label("Abhängigkeitserkrankungen").check()
    page.locator("#f-sites-0-name").fill(f"Beratungsstelle {name}")
    page.locator("#f-sites-0-address-street").fill("Markt 1")
    page.locator("#f-sites-0-address-postal_code").fill(postal)
    page.locator("#f-sites-0-address-place").fill(place)
    page.locator("#f-sites-0-service_radius_km").fill("25")
    page.locator("#f-contacts-0-name").fill("Frau Lorenz")
    page.locator("#f-contacts-0-role").fill("Beratung")
    page.locator("#f-contacts-0-email").fill("beratung@partner.example")
    with page.expect_navigation():
        page.get_by_role("button", name="Anlegen").click()
    assert "/partners/new" not in page.url, page.inner_text("main")


def _agreement_basics(page: Any, title: str) -> None:
    page.locator("#f-title").fill(title)
    page.locator("#f-kind").select_option("cooperation_agreement")
    page.locator("#f-scope-level").select_option("districts")
    page.locator("#f-valid_from").fill("2026-01-01")
    page.locator("#f-contents-roles").fill("Die Beratungsstelle berät, die DRV steuert.")


def test_a_new_partner_and_a_district_are_picked_by_typing_their_names(page: Any) -> None:
    login(page, "strategist.nord")
    _new_partner(page, "Lotsenhaus Preetz", "24211", "Preetz")
    page.goto("/agreements/new")
    _agreement_basics(page, "Kooperation Lotsenhaus")
    # the server's answer to "Suchen" (the step without JavaScript), checked as a page state
    page.get_by_label("Netzwerkpartner suchen (Name oder Ort)").fill("Lotsen")
    with page.expect_navigation():
        page.evaluate(
            "() => { const b = document.querySelector('#f-partners [data-picker-button]');"
            " b.form.requestSubmit(b); }"
        )
    assert page.locator("#f-title").input_value() == "Kooperation Lotsenhaus"
    assert "Treffer" in page.locator("#f-partners").inner_text()
    assert_accessible(page, "Vereinbarung anlegen: Treffer der Suche ohne JavaScript")
    page.get_by_label("Netzwerkpartner suchen (Name oder Ort)").fill("Lotsenh")
    match = page.get_by_role("checkbox", name=re.compile("Lotsenhaus Preetz"))
    match.wait_for()
    assert_accessible(page, "Vereinbarung anlegen: Partner-Auswahl mit Treffern")
    match.check()
    page.get_by_label("Kreis suchen (Name)").fill("Plön")
    district = page.get_by_role("checkbox", name=re.compile("Kreis Plön"))
    district.wait_for()
    district.check()
    assert "01057" not in page.inner_text("main")  # the key is never shown
    assert_accessible(page, "Vereinbarung anlegen: Kreis gewählt")
    with page.expect_navigation():
        page.get_by_role("button", name="Entwurf anlegen").click()
    text = page.inner_text("main")
    assert "Kooperation Lotsenhaus" in text and "Lotsenhaus Preetz" in text, text


def test_without_javascript_suchen_lists_the_matches_and_keeps_the_form(no_js_page: Any) -> None:
    page = no_js_page
    login(page, "strategist.nord")
    _new_partner(page, "Wegweiser Eutin", "23701", "Eutin")
    page.goto("/agreements/new")
    _agreement_basics(page, "Kooperation Wegweiser")
    page.get_by_label("Netzwerkpartner suchen (Name oder Ort)").fill("wegweiser")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"Suchen\W+Beteiligte Netzwerkpartner")).click()
    assert page.locator("#f-title").input_value() == "Kooperation Wegweiser"  # kept
    assert "Treffer" in page.inner_text("main")
    page.get_by_role("checkbox", name=re.compile("Wegweiser Eutin")).check()
    page.get_by_label("Kreis suchen (Name)").fill("Ostholstein")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"Suchen\W+Kreise")).click()
    assert page.get_by_role("checkbox", name=re.compile("Wegweiser Eutin")).is_checked()
    page.get_by_role("checkbox", name=re.compile("Kreis Ostholstein")).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Entwurf anlegen").click()
    text = page.inner_text("main")
    assert "Kooperation Wegweiser" in text and "Wegweiser Eutin" in text, text


def _expire_session(page: Any) -> None:
    """Replace the session cookie by the same session, expired (signed like the server does)."""
    cookie = next(c for c in page.context.cookies() if c["name"] == "registry_session")
    payload, _ = cookie["value"].split(".", 1)
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["x"] = int(time.time()) - 60
    raw = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    sig = hmac.new(SECRET.encode(), raw.encode(), hashlib.sha256).digest()
    signed = raw + "." + base64.urlsafe_b64encode(sig).rstrip(b"=").decode()
    page.context.add_cookies([{**cookie, "value": signed}])


def test_language_by_name_autosave_and_a_session_end_during_the_application(page: Any) -> None:
    login(page, "anbieter.zugelassen")
    page.goto("/applications/new")
    page.locator("#f-sites-0-name").fill("Beratung am Hafen")
    page.locator("#f-sites-0-name").press("Tab")
    search = page.locator("#f-sites-0-languages-q")
    search.fill("Türk")
    turkish = page.locator("#f-sites-0-languages").get_by_role("checkbox", name="Türkisch")
    turkish.wait_for()
    turkish.check()
    assert "tr" not in page.locator("#f-sites-0-languages").inner_text().split()
    status = page.locator("[data-autosave-status]")
    page.wait_for_function(
        "() => /Entwurf gespeichert um \\d\\d:\\d\\d Uhr/"
        ".test(document.querySelector('[data-autosave-status]').textContent)"
    )
    assert status.get_attribute("role") == "status"
    assert_accessible(page, "Antrag: Sprache gewählt, Entwurf automatisch gespeichert")

    # the warning before the end keeps the person signed in without leaving the page
    page.evaluate("window.portalSession.renewed({warn_after: 0, remaining: 300, ends: ''})")
    stay = page.get_by_role("button", name="Angemeldet bleiben")
    stay.wait_for()
    assert "fünf Minuten" in page.locator("#session-warning").inner_text()
    assert_accessible(page, "Antrag: Hinweis vor dem Ende der Sitzung")
    stay.click()
    page.get_by_text(re.compile("Sie bleiben angemeldet")).wait_for()
    assert page.locator("#f-sites-0-name").input_value() == "Beratung am Hafen"

    # the session ends while typing: saving leads to the login, and afterwards the form is saved
    page.locator("#f-sites-0-address-place").fill("Lübeck")
    _expire_session(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Entwurf speichern").click()
    assert "/login" in page.url
    assert "Ihre Eingaben sind aufbewahrt" in page.content()
    page.get_by_label("Benutzername").fill("anbieter.zugelassen")
    page.get_by_label("Passwort").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Anmelden", exact=True).click()
    assert "Ihre Eingaben sind noch da" in page.content(), page.url + page.inner_text("main")
    assert_accessible(page, "Eingaben nach neuer Anmeldung")
    with page.expect_navigation():
        page.get_by_role("button", name="Eingaben jetzt senden").click()
    assert "Ihr Entwurf ist gespeichert." in page.content()
    assert page.locator("#f-sites-0-name").input_value() == "Beratung am Hafen"
    assert page.locator("#f-sites-0-address-place").input_value() == "Lübeck"
    assert (
        page.locator("#f-sites-0-languages").get_by_role("checkbox", name="Türkisch").is_checked()
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Entwurf verwerfen").click()
