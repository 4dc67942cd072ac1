"""Journeys in a real browser (Chromium via Playwright) against ``registry serve``, each page
checked with axe-core: 0 serious or critical violations (WCAG 2.1 AA / BITV 2.0)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import PASSWORD, axe_check, login


def assert_accessible(page: Any, name: str) -> None:
    bad = axe_check(page, name)
    assert bad == [], f"{name}: {bad}"


def test_login_form_works_with_the_keyboard_only(page: Any) -> None:
    page.goto("/login")
    assert_accessible(page, "Anmelden")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Zum Inhalt springen"  # the skip link comes first
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # visible focus
    page.keyboard.press("Enter")  # skip to the content
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "username":
            break
    assert page.evaluate("document.activeElement.name") == "username"
    page.keyboard.type("officer.nord")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type("falsches-passwort-123")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # the error summary takes the focus and links to the field
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert_accessible(page, "Anmelden mit Fehler")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "f-username"
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Sachbearbeitung Zulassung" in page.content()


def test_officer_inbox_application_decision(page: Any, server: dict[str, Any]) -> None:
    # rules A5, A10: the lead's officer decides per target group with reasons
    app_id = server["applications"]["anbieter.offen"]
    login(page, "officer.nord")
    assert_accessible(page, "Start (Zulassung)")
    with page.expect_navigation():
        page.get_by_role("link", name="Eingang").first.click()
    assert_accessible(page, "Eingang")
    page.get_by_role("link", name="Brücke Lübeck gGmbH").first.click()
    page.wait_for_url(f"**/applications/{app_id}")
    assert_accessible(page, "Antrag (Zulassung, vor Entscheidung)")
    with page.expect_navigation():
        page.get_by_role("button", name="Entscheidung speichern").click()
    assert page.locator("#error-summary").is_visible()
    assert_accessible(page, "Antrag mit Fehlern der Entscheidung")
    for code in ("addiction", "mental-health"):
        page.locator(f"#f-target_groups-{code}-admit-yes").check()
        page.locator(f"#f-target_groups-{code}-reason").fill(
            "Uns fehlt Fachkompetenz für diese Zielgruppe in Lübeck."
        )
    with page.expect_navigation():
        page.get_by_role("button", name="Entscheidung speichern").click()
    assert_accessible(page, "Entscheidung bestätigen (Zulassung)")
    with page.expect_navigation():  # what cannot be undone is confirmed (issue 17, item 7)
        page.get_by_role("button", name="Entscheidung endgültig speichern").click()
    assert "Die Entscheidung ist gespeichert." in page.content()
    assert_accessible(page, "Antrag (Zulassung, entschieden)")
    for path, name in (
        ("/applications", "Antragsliste"),
        ("/follow-ons", "Folgezulassungen"),
        ("/notices", "Hinweise"),
        ("/announcements", "Bekanntmachungen"),
        ("/announcements/new", "Bekanntmachung veröffentlichen"),
    ):
        page.goto(path)
        assert_accessible(page, name)


def test_provider_follows_status_and_reads_the_decision(page: Any, server: dict[str, Any]) -> None:
    # rule A10: the provider sees each decision and reason about its own application
    app_id = server["applications"]["anbieter.zugelassen"]
    login(page, "anbieter.zugelassen")
    with page.expect_navigation():
        page.get_by_role("link", name="Meine Anträge").first.click()
    assert_accessible(page, "Meine Anträge (Anbieter)")
    page.get_by_role("link", name="Lotse Kiel e. V.").click()
    page.wait_for_url(f"**/applications/{app_id}")
    content = page.content()
    assert "Uns fehlt diese Fachkompetenz in der Region." in content
    assert "zugelassen" in content
    assert_accessible(page, "Antrag (Anbieter)")
    page.goto("/applications/new")
    assert_accessible(page, "Antrag auf Zulassung (Formular)")
    page.goto("/provider")
    assert_accessible(page, "Unsere Organisation")


def test_case_manager_searches_and_prints(page: Any) -> None:
    # rules E4, E6: all fitting providers nearest first; a clean printed list
    login(page, "cm.nord")
    page.goto("/search")
    assert_accessible(page, "Anbietersuche")
    page.get_by_label("Postleitzahl des Wohnorts").fill("24105")
    page.get_by_label("Abhängigkeitserkrankungen").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Suchen").click()
    assert "Lotse Kiel e. V." in page.content()
    assert_accessible(page, "Suchergebnis")
    with page.expect_navigation():
        page.get_by_role("button", name="Liste zum Drucken").click()
    assert "Freie Wahl" in page.content()
    assert_accessible(page, "Druckliste")
    page.emulate_media(media="print")
    assert not page.locator(".no-print").first.is_visible()


@pytest.mark.parametrize(
    ("user", "paths"),
    [
        (None, ["/", "/register"]),
        ("strategist.nord", ["/partners", "/agreements", "/coverage?nur_luecken=true"]),
        ("admin", ["/admin/users", "/admin/profile?carrier=drv-nord"]),
        ("reader.nord", ["/search"]),
    ],
)
def test_other_pages_are_accessible(page: Any, user: str | None, paths: list[str]) -> None:
    if user:
        login(page, user)
    for path in paths:
        page.goto(path)
        assert_accessible(page, f"{path} ({user or 'ohne Anmeldung'})")


def test_strategist_partner_and_agreement(page: Any) -> None:
    # rules N1, N3: a partner through the form; activation refused with the missing contents
    login(page, "strategist.nord")
    page.goto("/partners/new")
    assert_accessible(page, "Netzwerkpartner anlegen")
    page.locator("#f-name").fill("Jobcenter Kiel")
    page.locator("#f-type").select_option("jobcenter")
    page.get_by_label("Leistungen").fill("Arbeitsvermittlung, Qualifizierung")
    page.locator("#f-target_groups-6").check()
    page.get_by_label("Name des Standorts").fill("Jobcenter Kiel Mitte")
    page.locator("#f-sites-0-address-postal_code").fill("24103")
    page.get_by_label("Einzugsbereich in km").fill("20")
    page.locator("#f-contacts-0-name").fill("Herr Petersen")
    page.locator("#f-contacts-0-role").fill("Teamleitung")
    page.locator("#f-contacts-0-email").fill("petersen@jobcenter.example")
    with page.expect_navigation():
        page.get_by_role("button", name="Anlegen").click()
    assert "/partners/" in page.url and "/new" not in page.url
    assert "Herr Petersen" in page.content()
    assert_accessible(page, "Netzwerkpartner")
    page.goto("/agreements/new")
    assert_accessible(page, "Vereinbarung anlegen")
    page.locator("#f-title").fill("Zusammenarbeit Jobcenter Kiel")
    page.locator("#f-kind").select_option("cooperation_agreement")
    # the partner picker (issue 17, item 1): type part of the name, tick the match
    page.get_by_label("Netzwerkpartner suchen (Name oder Ort)").fill("Jobcenter Kiel")
    page.locator("#f-partners").get_by_role("checkbox", name="Jobcenter Kiel").first.check()
    page.locator("#f-scope-level").select_option("state")
    page.locator("#f-scope-state").select_option("Schleswig-Holstein")
    page.locator("#f-valid_from").fill("2026-01-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Entwurf anlegen").click()
    assert "Der Entwurf ist angelegt." in page.content()
    assert_accessible(page, "Vereinbarung (Entwurf)")
    with page.expect_navigation():
        page.get_by_role("button", name="In Kraft setzen").click()
    assert "es fehlen Inhalte. " in page.content()
    assert_accessible(page, "Vereinbarung mit fehlenden Inhalten")


def test_pages_fit_a_phone_sized_screen(browser: Any, server: dict[str, Any]) -> None:
    context = browser.new_context(
        base_url=server["base"], viewport={"width": 360, "height": 740}, locale="de-DE"
    )
    page = context.new_page()
    try:
        login(page, "officer.nord")
        for path in (
            "/inbox",
            "/applications",
            f"/applications/{server['applications']['anbieter.offen']}",
        ):
            page.goto(path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (path, overflow)
    finally:
        context.close()
