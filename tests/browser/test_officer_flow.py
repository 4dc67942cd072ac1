"""Issue 17, items 7, 8 and 10 in a real browser: an officer reads the evidence before the
decision form and confirms what cannot be undone (decision, revocation, follow-on admission), a
follow-on carrier reads the lead's reasons, inbox tasks name their provider, notices are
acknowledged several at once; the error summary names and reaches each field, "Adresse prüfen"
returns to its result; unknown addresses get the German page. axe-core on every new state."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from tests.browser.conftest import PASSWORD, axe_check, login

REASON = "Uns fehlt Fachkompetenz für diese Zielgruppe an der Küste."


def assert_accessible(page: Any, name: str) -> None:
    bad = axe_check(page, name)
    assert bad == [], f"{name}: {bad}"


def _api(base: str, method: str, path: str, body: Any, token: str = "") -> Any:
    request = urllib.request.Request(
        base + path,
        method=method,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"}
        | ({"Authorization": f"Bearer {token}"} if token else {}),
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


@pytest.fixture(scope="module")
def flow(server: dict[str, Any]) -> dict[str, str]:
    """A provider of its own with an application for a site in Flensburg (DRV Nord decides)
    and one in Kassel (DRV Hessen admits it afterwards), made through the JSON API."""
    from registry.reference import load_reference
    from tests.api.helpers import application, site

    base = server["base"]
    provider = _api(
        base,
        "POST",
        "/api/v1/providers",
        {
            "name": "Förde Fallmanagement gGmbH",
            "legal_form": "gGmbH",
            "email": "info@foerde.example",
            "user": {"username": "anbieter.foerde", "password": PASSWORD},
        },
    )
    token = _api(
        base, "POST", "/api/v1/auth/token", {"username": "anbieter.foerde", "password": PASSWORD}
    )["access_token"]
    body = application(
        load_reference(),
        "drv-nord",
        [site("Förde Flensburg", "24937", "Flensburg", headquarters=True), site("Kassel", "34117")],
        ["addiction"],
        provider={"id": provider["id"]},
    )
    app = _api(base, "POST", "/api/v1/applications", body, token)
    return {"application": app["id"], "provider": provider["id"]}


def test_officer_reads_then_confirms_decision_follow_on_and_revocation(
    page: Any, flow: dict[str, str]
) -> None:
    app_id = flow["application"]
    login(page, "officer.nord")
    page.goto("/inbox")
    # every task is a link that names its provider
    tasks = page.locator("h2:has-text('Aufgaben') + table")
    if tasks.count():
        for link in tasks.locator("tbody tr").all():
            assert link.locator("a").count() == 1
    page.get_by_role("link", name="Förde Fallmanagement gGmbH").first.click()
    page.wait_for_url(f"**/applications/{app_id}")
    # the evidence comes before the decision form
    form_y = page.locator("#entscheiden").bounding_box()["y"]
    for heading in ("#standorte", "#fallmanager", "#konzept", "#befunde"):
        assert page.locator(heading).bounding_box()["y"] < form_y, heading
    page.locator("#f-target_groups-addiction-admit-yes").check()
    page.locator("#f-target_groups-addiction-reason").fill(REASON)
    with page.expect_navigation():
        page.get_by_role("button", name="Entscheidung speichern").click()
    assert page.get_by_role("heading", name="Entscheidung bestätigen").is_visible()
    assert REASON in page.content()
    assert_accessible(page, "Entscheidung bestätigen")
    with page.expect_navigation():  # back: the form again, with what was typed
        page.get_by_role("button", name="Zurück und ändern").click()
    assert page.locator("#f-target_groups-addiction-reason").input_value() == REASON
    with page.expect_navigation():
        page.get_by_role("button", name="Entscheidung speichern").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Entscheidung endgültig speichern").click()
    assert "Die Entscheidung ist gespeichert." in page.content()

    # the follow-on carrier reads the lead's reasons and confirms its admission
    login(page, "officer.hessen")
    page.goto("/follow-ons")
    row = page.locator("tr", has_text="Förde Fallmanagement gGmbH")
    row.locator("summary").click()
    assert REASON in row.inner_text()
    assert_accessible(page, "Folgezulassungen mit Begründung des federführenden Trägers")
    with page.expect_navigation():
        row.get_by_role("button", name="Zulassen").click()
    assert page.get_by_role("heading", name="Folgezulassung bestätigen").is_visible()
    assert REASON in page.content() and "DRV Nord" in page.content()
    assert_accessible(page, "Folgezulassung bestätigen")
    with page.expect_navigation():
        page.get_by_role("button", name="Folgezulassung erteilen").click()
    assert "Die Folgezulassung ist erteilt." in page.content()

    # the lead revokes its own site: asked first
    login(page, "officer.nord")
    page.goto(f"/applications/{app_id}")
    card = page.locator("article", has_text="Förde Flensburg")
    card.locator("summary", has_text="Zulassung dieses Standorts ändern").click()
    card.get_by_label("Aktion").select_option("revoke")
    card.get_by_label("Begründung").fill("Der Standort ist geschlossen.")
    with page.expect_navigation():
        card.get_by_role("button", name="Ausführen").click()
    assert page.get_by_role("heading", name="Widerruf bestätigen").is_visible()
    assert_accessible(page, "Widerruf bestätigen")
    with page.expect_navigation():
        page.get_by_role("button", name="Zulassung widerrufen").click()
    assert "Die Zulassung ist geändert." in page.content()

    # DRV Hessen is told (the lead changed what its follow-on rests on) and acknowledges
    login(page, "officer.hessen")
    page.goto("/notices")
    assert_accessible(page, "Hinweise mit Auswahl")
    boxes = page.locator("input[name='notices']")
    assert boxes.count() >= 1
    for i in range(boxes.count()):
        boxes.nth(i).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Ausgewählte bestätigen").click()
    assert "bestätigt" in page.locator(".flash").inner_text()
    assert "Keine Hinweise zu bestätigen." in page.content()


def test_error_summary_names_and_reaches_each_field(page: Any) -> None:
    login(page, "anbieter.offen")
    page.goto("/applications/new")
    with page.expect_navigation():
        page.get_by_role("button", name="Antrag einreichen").click()
    summary = page.locator("#error-summary")
    link = summary.get_by_role("link", name="Standort 1 – Postleitzahl")
    assert link.count() >= 1
    assert_accessible(page, "Antrag mit Fehlern (Felder benannt)")
    link.first.click()
    assert page.evaluate("document.activeElement.id") == "f-sites-0-address-postal_code"
    # »Adresse prüfen« returns to its result, not to the top of the page
    page.locator("#f-sites-0-address-postal_code").fill("24103")
    with page.expect_navigation():
        page.get_by_role("button", name="Adresse prüfen").first.click()
    assert page.url.endswith("#f-sites-0-check")
    result = page.locator("#f-sites-0-check")
    assert "Adresse erkannt" in result.inner_text()
    assert page.evaluate("window.scrollY") > 0
    box = result.bounding_box()
    viewport = page.viewport_size
    assert -1 < box["y"] < viewport["height"]  # scrolled to the result (subpixel)


def test_unknown_address_and_icon(page: Any, server: dict[str, Any]) -> None:
    login(page, "officer.nord")
    response = page.goto("/gibt-es-nicht")
    assert response.status == 404
    assert page.get_by_role("heading", name="Seite nicht gefunden").is_visible()
    assert page.get_by_role("navigation", name="Hauptnavigation").is_visible()
    assert_accessible(page, "Seite nicht gefunden")
    icon = page.request.get(server["base"] + "/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"] == "image/x-icon"
