"""The portal over HTTP: sessions, CSRF, role checks, the officer's and the provider's
journeys through the forms, and escaping of hostile text."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.portal.conftest import PASSWORD, Portal
from tests.portal.helpers import application_form, decision_form

HOSTILE = "<script>alert(1)</script>"


def principal_of(reg: Any, username: str) -> Any:
    from registry.auth import Principal, Role

    row = reg.graph.read("users.by_username", username=username)[0]
    return Principal(
        user_id=row["id"],
        username=row["username"],
        role=Role(row["role"]),
        carrier=row["carrier"] or None,
        provider=row["provider"] or None,
    )


def register_provider(portal: Portal, username: str, name: str) -> str:
    from registry.admission import providers

    provider = providers.register_provider(
        portal.registry,
        None,
        {"name": name, "legal_form": "gGmbH", "email": "info@anbieter.example"},
        first_user={"username": username, "password": PASSWORD},
    )
    return str(provider["id"])


def submit(
    portal: Portal,
    username: str,
    receiving: str,
    sites: list[tuple[str, str, str]],
    groups: list[str],
    **over: Any,
) -> dict[str, Any]:
    """An application submitted through the service (setup for tests of other pages)."""
    from registry.admission.submission import submit_application
    from registry.api.schemas import ApplicationIn
    from tests.api.helpers import application, site

    me = principal_of(portal.registry, username)
    body = application(
        portal.registry.reference,
        receiving,
        [site(n, pc, pl, headquarters=i == 0) for i, (n, pc, pl) in enumerate(sites)],
        groups,
        provider={"id": me.provider},
        **over,
    )
    data = ApplicationIn.model_validate(body).model_dump(mode="python")
    return submit_application(portal.registry, me, data)


def decide_all(portal: Portal, officer: str, app: dict[str, Any]) -> None:
    from registry.admission.decisions import decide_application

    decide_application(
        portal.registry,
        principal_of(portal.registry, officer),
        app["id"],
        {
            "target_groups": {
                g: {"admit": True, "reason": "Uns fehlt diese Fachkompetenz."}
                for g in app["target_groups"]
            },
            "overrides": [],
            "version": app["version"],
        },
    )


# --------------------------------------------------------------------------- sessions


def test_login_sets_a_protected_session_cookie(portal: Portal) -> None:
    r = portal.login("officer.nord")
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("registry_session="))
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert r.headers["location"] == "/"
    home = portal.get("/")
    assert "Sachbearbeitung Zulassung" in home.text
    assert "Anträge auf Zulassung empfangen" in home.text


def test_wrong_password_is_shown_next_to_the_field(portal: Portal) -> None:
    portal.logout()
    portal.get("/login")
    r = portal.post("/login", {"username": "officer.nord", "password": "falsch-falsch-falsch"})
    assert r.status_code == 422
    assert "Benutzername oder Passwort falsch." in r.text
    assert 'href="#f-username"' in r.text  # the error summary links to the field
    assert 'aria-invalid="true"' in r.text


def test_protected_page_redirects_to_login_with_the_target(portal: Portal) -> None:
    portal.logout()
    r = portal.get("/inbox")
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Finbox"
    portal.get(r.headers["location"])
    r = portal.post("/login", {"username": "officer.nord", "password": PASSWORD, "next": "/inbox"})
    assert r.headers["location"] == "/inbox"


def test_login_never_redirects_off_site(portal: Portal) -> None:
    portal.logout()
    portal.get("/login")
    r = portal.post(
        "/login", {"username": "officer.nord", "password": PASSWORD, "next": "//evil.example/"}
    )
    assert r.headers["location"] == "/"


def test_form_without_csrf_token_is_rejected(portal: Portal) -> None:
    portal.logout()
    portal.get("/login")
    r = portal.post("/login", {"username": "officer.nord", "password": PASSWORD}, csrf=False)
    assert r.status_code == 403
    assert "Formular abgelaufen" in r.text
    portal.login("officer.nord")
    r = portal.post("/logout-everywhere", csrf=False)
    assert r.status_code == 403
    assert portal.get("/inbox").status_code == 200  # the session survived


def test_json_api_with_bearer_token_needs_no_csrf(portal: Portal) -> None:
    portal.logout()
    r = portal.client.post(
        "/api/v1/auth/token", json={"username": "officer.nord", "password": PASSWORD}
    )
    assert r.status_code == 200
    token = r.json()["access_token"]
    r = portal.client.post(
        "/api/v1/announcements",
        json={
            "carriers": ["drv-nord"],
            "target_groups": ["addiction"],
            "state": "Schleswig-Holstein",
            "text": "Wir suchen Anbieter für Suchterkrankungen.",
            "open_until": "2099-12-31",
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 201, r.text


def test_logout_and_logout_everywhere(portal: Portal) -> None:
    portal.login("cm.nord")
    old_cookie = portal.client.cookies.get("registry_session")
    r = portal.post("/logout-everywhere")
    assert r.status_code == 303
    portal.client.cookies.set("registry_session", old_cookie or "")
    assert portal.get("/search").status_code == 303  # the old session is void everywhere
    portal.login("cm.nord")
    r = portal.post("/logout")
    assert r.status_code == 303
    assert portal.get("/search").status_code == 303


# --------------------------------------------------------------------------- roles (DOMAIN §9)

PAGES = {
    "/inbox": {"officer.nord"},
    "/applications": {"officer.nord", "provider.roles"},
    "/applications/new": {"officer.nord", "provider.roles"},
    "/follow-ons": {"officer.nord"},
    "/notices": {"officer.nord", "strategist.nord"},
    "/announcements": {
        "officer.nord",
        "provider.roles",
        "cm.nord",
        "reader.nord",
        "strategist.nord",
        "admin",
    },
    "/announcements/new": {"officer.nord", "strategist.nord"},
    "/provider": {"provider.roles"},
    "/search": {"cm.nord", "reader.nord"},
    "/partners": {"cm.nord", "strategist.nord"},
    "/agreements": {"strategist.nord"},
    "/coverage": {"strategist.nord", "admin"},
    "/partners/new": {"cm.nord", "strategist.nord"},
    "/agreements/new": {"strategist.nord"},
    "/admin/users": {"admin"},
    "/admin/profile": {"admin"},
}
ROLES = ["officer.nord", "provider.roles", "cm.nord", "reader.nord", "strategist.nord", "admin"]


def test_each_page_renders_for_its_roles_and_is_refused_to_others(portal: Portal) -> None:
    # docs/rules.md §9: every page enforces the role on the server
    register_provider(portal, "provider.roles", "Rollen-Test gGmbH")
    portal.logout()
    for path in PAGES:
        r = portal.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
    for user in ROLES:
        portal.login(user)
        for path, allowed in PAGES.items():
            r = portal.get(path)
            expected = 200 if user in allowed else 403
            assert r.status_code == expected, (user, path, r.status_code)
            assert '<html lang="de">' in r.text


def test_application_of_another_carrier_is_not_found(portal: Portal) -> None:
    # docs/rules.md §9: a denied object reveals nothing (404)
    register_provider(portal, "provider.scope", "Scope Nord gGmbH")
    app = submit(
        portal, "provider.scope", "drv-nord", [("Lübeck", "23552", "Lübeck")], ["addiction"]
    )
    portal.login("officer.hessen")
    r = portal.get(f"/applications/{app['id']}")
    assert r.status_code == 404
    assert "Scope Nord" not in r.text
    register_provider(portal, "provider.other", "Andere gGmbH")
    portal.login("provider.other")
    assert portal.get(f"/applications/{app['id']}").status_code == 404


# --------------------------------------------------------------------------- provider journey


def test_provider_registers_and_applies_through_the_forms(portal: Portal) -> None:
    # rules A1-A4: the provider applies to one carrier, which leads as it is responsible
    portal.logout()
    portal.get("/register")
    r = portal.post(
        "/register",
        {
            "name": "Wegweiser Lübeck gGmbH",
            "legal_form": "gGmbH",
            "email": "info@wegweiser.example",
            "user.username": "wegweiser",
            "user.password": "sehr-geheimes-passwort",
            "user.password_repeat": "sehr-geheimes-passwort",
        },
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"].startswith("/applications/new")
    page = portal.get(r.headers["location"])
    assert "Ihre Organisation ist registriert" in page.text
    assert "Weg A" in page.text  # the qualification rules are explained, in words
    assert "Regel Q8" not in page.text  # a provider reads no rule codes (issue 17, item 2)
    ref = portal.registry.reference
    fields = application_form(
        ref, "drv-nord", [("Beratung Lübeck", "23552", "Lübeck")], ["addiction", "mental-health"]
    )
    r = portal.post("/applications/new", fields)
    assert r.status_code == 303, r.text
    detail = portal.get(r.headers["location"])
    assert detail.status_code == 200
    assert "Ihr Antrag ist eingereicht." in detail.text
    assert "eingereicht – Entscheidung ausstehend" in detail.text
    assert "Beratung Lübeck" in detail.text
    assert "Antrag bei DRV Nord eingereicht." in detail.text  # history, the carrier by name
    listing = portal.get("/applications")
    assert "Wegweiser Lübeck gGmbH" in listing.text


def test_registration_errors_are_next_to_their_fields(portal: Portal) -> None:
    portal.logout()
    portal.get("/register")
    r = portal.post(
        "/register",
        {
            "name": "",
            "legal_form": "e. V.",
            "email": "keine-adresse",
            "user.username": "neu",
            "user.password": "kurz",
            "user.password_repeat": "anders",
        },
    )
    assert r.status_code == 422
    assert 'href="#f-name"' in r.text and "Bitte ausfüllen." in r.text
    assert "Bitte eine gültige E-Mail-Adresse eingeben." in r.text
    assert "mindestens 12 Zeichen" in r.text
    assert "Die Passwörter stimmen nicht überein." in r.text
    assert "kurz" not in re.findall(r'value="([^"]*)"', r.text)  # passwords are not echoed


def test_application_form_shows_problems_and_keeps_the_input(portal: Portal) -> None:
    # rule A1: every site needs an address that resolves to a district
    register_provider(portal, "provider.form", "Formular gGmbH")
    portal.login("provider.form")
    portal.get("/applications/new")
    ref = portal.registry.reference
    fields = application_form(ref, "drv-nord", [("Ohne PLZ", "", "")], [])
    r = portal.post("/applications/new", fields)
    assert r.status_code == 422
    assert 'href="#f-sites-0-address-postal_code"' in r.text
    assert "Bitte eine Postleitzahl aus fünf Ziffern eingeben." in r.text
    assert 'href="#f-target_groups"' in r.text
    assert 'value="Ohne PLZ"' in r.text  # nothing typed is lost


def test_application_form_reports_shape_and_rule_problems_at_once(portal: Portal) -> None:
    # issue 17, item 8: a missing postal code (the form's shape) does not hide the rules' findings
    # (A1 one headquarters at most, Q8 case managers only for requested groups)
    register_provider(portal, "provider.once", "Einmal gGmbH")
    portal.login("provider.once")
    portal.get("/applications/new")
    ref = portal.registry.reference
    sites = [("Ohne PLZ", "", ""), ("Zweiter", "23552", "Lübeck")]
    fields = application_form(ref, "drv-nord", sites, ["addiction"])
    fields = [(k, True if k == "sites[1].headquarters" else v) for k, v in fields]
    fields = [
        (k, ["addiction", "neurological"] if k == "cm[0].target_groups" else v) for k, v in fields
    ]
    r = portal.post("/applications/new", fields)
    assert r.status_code == 422
    assert "Bitte eine Postleitzahl aus fünf Ziffern eingeben." in r.text
    assert "Nur ein Standort kann der Hauptsitz sein." in r.text
    assert (
        "»Neurologische Erkrankungen (neuropsychologische Kompetenz)« ist keine beantragte"
        in r.text
    )


def test_sites_are_added_and_checked_without_javascript(portal: Portal) -> None:
    register_provider(portal, "provider.sites", "Standorte gGmbH")
    portal.login("provider.sites")
    portal.get("/applications/new")
    ref = portal.registry.reference
    fields = application_form(
        ref, "drv-nord", [("Erster", "23552", "Lübeck")], ["addiction"], action="add_site"
    )
    r = portal.post("/applications/new", fields)
    assert r.status_code == 200
    assert 'name="sites[1].name"' in r.text and 'value="Erster"' in r.text
    fields = application_form(
        ref, "drv-nord", [("Erster", "23552", "Lübeck")], ["addiction"], action="check"
    )
    r = portal.post("/applications/new", fields)
    assert "Adresse erkannt" in r.text and "DRV Nord" in r.text  # rule A2


# --------------------------------------------------------------------------- officer journey


def test_officer_decides_through_the_form_and_the_provider_reads_it(portal: Portal) -> None:
    # rules A5, A6, A10: decision per target group with reasons, visible to the provider
    register_provider(portal, "provider.decide", "Entscheidung gGmbH")
    app = submit(
        portal,
        "provider.decide",
        "drv-nord",
        [("Kiel", "24103", "Kiel")],
        ["addiction", "oncology"],
    )
    portal.login("officer.nord")
    inbox = portal.get("/inbox")
    assert "Entscheidung gGmbH" in inbox.text
    detail = portal.get(f"/applications/{app['id']}")
    assert "Entscheidung speichern" in detail.text
    assert f'name="version" value="{app["version"]}"' in detail.text
    r = portal.post(
        f"/applications/{app['id']}/decision",
        decision_form({"addiction": (True, "")}, app["version"]),
    )
    assert r.status_code == 422
    assert 'href="#f-target_groups-addiction-reason"' in r.text
    assert 'href="#f-target_groups-oncology-admit"' in r.text
    r = portal.post(
        f"/applications/{app['id']}/decision",
        decision_form(
            {
                "addiction": (True, "Uns fehlt Kompetenz in der Suchthilfe."),
                "oncology": (False, "Kein Bedarf in der Region."),
            },
            app["version"],
        )
        + [("confirmed", "1")],  # as from the confirmation step (issue 17, item 7)
    )
    assert r.status_code == 303, r.text
    detail = portal.get(r.headers["location"])
    assert "Die Entscheidung ist gespeichert." in detail.text
    assert "Entscheidung speichern" not in detail.text
    portal.login("provider.decide")
    mine = portal.get(f"/applications/{app['id']}")
    assert "Uns fehlt Kompetenz in der Suchthilfe." in mine.text
    assert "Kein Bedarf in der Region." in mine.text
    assert "zugelassen" in mine.text and "abgelehnt" in mine.text


def test_a_blocking_finding_is_overridden_with_a_reason_through_the_form(portal: Portal) -> None:
    # rules Q1, A5: a blocking finding stops the admission unless overridden with a reason
    from tests.api.helpers import concept

    register_provider(portal, "provider.override", "Übersteuert gGmbH")
    ref = portal.registry.reference
    app = submit(
        portal,
        "provider.override",
        "drv-nord",
        [("Kiel", "24103", "Kiel")],
        ["addiction"],
        concept=concept(ref, missing=("crisis-intervention",)),
    )
    portal.login("officer.nord")
    detail = portal.get(f"/applications/{app['id']}")
    assert "blockierend" in detail.text and "Regelgrundlage:</span> Q1" in detail.text
    fields = decision_form({"addiction": (True, "Uns fehlt Kompetenz.")}, app["version"])
    r = portal.post(f"/applications/{app['id']}/decision", fields)
    assert r.status_code == 422
    assert "Blockierender Befund nach Q1" in r.text
    assert 'href="#f-overrides"' in r.text
    fields.append(("overrides[0].reason", "Krisenplan liegt uns schriftlich vor."))
    fields.append(("confirmed", "1"))  # as from the confirmation step (issue 17, item 7)
    r = portal.post(f"/applications/{app['id']}/decision", fields)
    assert r.status_code == 303, r.text
    assert "Krisenplan liegt uns schriftlich vor." in portal.get(r.headers["location"]).text


def test_a_stale_decision_shows_the_conflict(portal: Portal) -> None:
    # rule A11: one wins, the other is told to reload; nothing is overwritten
    register_provider(portal, "provider.stale", "Konflikt gGmbH")
    app = submit(portal, "provider.stale", "drv-nord", [("Kiel", "24103", "Kiel")], ["addiction"])
    portal.login("officer.nord")
    portal.get(f"/applications/{app['id']}")
    decide_all(portal, "officer.nord", app)  # someone else was faster
    r = portal.post(
        f"/applications/{app['id']}/decision",
        decision_form({"addiction": (False, "Abgelehnt.")}, app["version"]),
    )
    assert r.status_code == 409
    assert "inzwischen geändert, bitte neu laden" in r.text
    assert "Uns fehlt diese Fachkompetenz." in r.text  # the winner's decision stands


def test_follow_on_admission_and_notice_through_the_forms(portal: Portal) -> None:
    # rules A7, A8: the site's responsible carrier admits the follow-on; the others are notified
    register_provider(portal, "provider.follow", "Folge gGmbH")
    app = submit(
        portal,
        "provider.follow",
        "drv-nord",
        [("Lübeck", "23552", "Lübeck"), ("Frankfurt", "60311", "Frankfurt am Main")],
        ["addiction"],
    )
    decide_all(portal, "officer.nord", app)
    portal.login("officer.hessen")
    page = portal.get("/follow-ons")
    assert "Folge gGmbH" in page.text
    task_id = re.search(r'action="/follow-ons/([^"/]+)/admit"', page.text)
    assert task_id
    r = portal.post(f"/follow-ons/{task_id.group(1)}/admit", {"confirmed": "1"})
    assert r.status_code == 303
    assert "Die Folgezulassung ist erteilt." in portal.get(r.headers["location"]).text
    # its own admission is no notice to itself (issue 17, item 7)
    assert "Folge gGmbH" not in portal.get("/notices").text


def test_officer_suspends_a_site_with_a_reason(portal: Portal) -> None:
    # rule A9: suspend with a reason, by the carrier that issued the admission
    register_provider(portal, "provider.suspend", "Ruhend gGmbH")
    app = submit(portal, "provider.suspend", "drv-nord", [("Kiel", "24103", "Kiel")], ["addiction"])
    decide_all(portal, "officer.nord", app)
    portal.login("officer.nord")
    site_id = app["sites"][0]["id"]
    url = f"/applications/{app['id']}/sites/{site_id}/admission"
    r = portal.post(url, {f"site.{site_id}.action": "suspend", f"site.{site_id}.reason": ""})
    assert r.status_code == 422 and "Bitte ausfüllen." in r.text
    r = portal.post(
        url, {f"site.{site_id}.action": "suspend", f"site.{site_id}.reason": "Prüfung läuft."}
    )
    assert r.status_code == 303
    assert "ruhend" in portal.get(f"/applications/{app['id']}").text


def test_officer_publishes_an_announcement(portal: Portal) -> None:
    # rule A12
    portal.login("officer.nord")
    portal.get("/announcements/new")
    r = portal.post("/announcements/new", {"carriers": ["drv-nord"], "text": ""})
    assert r.status_code == 422
    assert 'href="#f-target_groups"' in r.text and 'href="#f-text"' in r.text
    r = portal.post(
        "/announcements/new",
        {
            "carriers": ["drv-nord"],
            "target_groups": ["hearing-impairment"],
            "state": "Hamburg",
            "text": "Gesucht: Beratung in Gebärdensprache.",
            "open_until": "2099-06-30",
        },
    )
    assert r.status_code == 303, r.text
    assert "Gesucht: Beratung in Gebärdensprache." in portal.get("/announcements").text


# --------------------------------------------------------------------------- directory


def test_case_manager_searches_and_prints(portal: Portal) -> None:
    # rules E1, E4, E6: admitted sites, nearest first, with the total; printable list
    register_provider(portal, "provider.search", "Suchbar gGmbH")
    app = submit(
        portal, "provider.search", "drv-nord", [("Rostock", "18055", "Rostock")], ["cardiology"]
    )
    decide_all(portal, "officer.nord", app)
    portal.login("cm.nord")
    r = portal.get("/search?postal_code=18057&target_group=cardiology")
    assert r.status_code == 200
    assert "Suchbar gGmbH" in r.text
    assert re.search(r"\d+ passende", r.text)
    printed = portal.get("/search/print?postal_code=18057&target_group=cardiology&person=Frau+X")
    assert printed.status_code == 200
    assert "Suchbar gGmbH" in printed.text and "Freie Wahl" in printed.text
    assert "Frau X" not in printed.text  # a name comes only by POST (issue 17, item 4)
    posted = portal.post(
        "/search/print",
        {"postal_code": "18057", "target_group": "cardiology", "person": "Frau X"},
    )
    assert posted.status_code == 200 and "Für: Frau X" in posted.text
    missing = portal.get("/search?postal_code=&place=")
    assert "Bitte die Postleitzahl des Wohnorts eingeben." in missing.text


# --------------------------------------------------------------------------- admin


def test_admin_creates_users_within_its_scope(portal: Portal) -> None:
    # docs/rules.md §9: an admin manages users in its scope
    portal.login("admin")
    portal.get("/admin/users")
    r = portal.post(
        "/admin/users",
        {
            "username": "cm.neu",
            "password": "ein-langes-passwort",
            "role": "case_manager",
            "carrier": "drv-nord",
        },
    )
    assert r.status_code == 303, r.text
    assert "cm.neu" in portal.get("/admin/users").text
    portal.login("admin.nord")
    portal.get("/admin/users")
    r = portal.post(
        "/admin/users",
        {
            "username": "cm.fremd",
            "password": "ein-langes-passwort",
            "role": "case_manager",
            "carrier": "drv-hessen",
        },
    )
    assert r.status_code == 422
    assert "nur Benutzer Ihres eigenen Trägers" in r.text
    assert "officer.hessen" not in portal.get("/admin/users").text


# --------------------------------------------------------------------------- escaping


@pytest.mark.parametrize("who", ["officer", "provider", "case_manager"])
def test_hostile_text_is_escaped_on_every_page_that_shows_it(portal: Portal, who: str) -> None:
    username = f"provider.hostile.{who}"
    register_provider(portal, username, HOSTILE)
    app = submit(
        portal,
        username,
        "drv-nord",
        [(HOSTILE, "23552", "Lübeck"), ("Frankfurt", "60311", "Frankfurt am Main")],
        ["addiction"],
    )
    pages: list[str] = []
    if who == "officer":
        portal.login("officer.nord")
        pages = ["/inbox", "/applications", f"/applications/{app['id']}"]
        decide_all(portal, "officer.nord", app)
        pages += [f"/applications/{app['id']}"]  # its own decision is no notice to itself
        portal.login("officer.hessen")
        pages_hessen = ["/follow-ons", "/inbox", f"/applications/{app['id']}"]
        for path in pages_hessen:
            _assert_escaped(portal.get(path))
        portal.login("officer.nord")
    elif who == "provider":
        portal.login(username)
        pages = ["/applications", f"/applications/{app['id']}", "/provider"]
    else:
        decide_all(portal, "officer.nord", app)
        portal.login("cm.nord")
        pages = [
            "/search?postal_code=23552&target_group=addiction",
            "/search/print?postal_code=23552&target_group=addiction",
        ]
    for path in pages:
        _assert_escaped(portal.get(path))


def _assert_escaped(r: Any) -> None:
    assert r.status_code == 200, r.text
    assert HOSTILE not in r.text, r.url
    assert HOSTILE not in r.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text, r.url


# --------------------------------------------------------------------------- network


def test_strategist_creates_a_partner_and_an_agreement_and_activates_it(portal: Portal) -> None:
    # rules N1, N3: a partner; an agreement is refused activation with the missing contents
    portal.login("strategist.nord")
    portal.get("/partners/new")
    r = portal.post("/partners/new", {"name": "", "type": "debt-counselling"})
    assert r.status_code == 422 and 'href="#f-name"' in r.text
    r = portal.post(
        "/partners/new",
        {
            "name": "Schuldnerberatung Kiel",
            "type": "debt-counselling",
            "services": "Schuldnerberatung, Budgetberatung",
            "target_groups": ["addiction"],
            "sites[0].name": "Beratungsstelle",
            "sites[0].address.postal_code": "24103",
            "sites[0].address.place": "Kiel",
            "sites[0].service_radius_km": "25",
            "contacts[0].name": "Frau Berg",
            "contacts[0].role": "Schuldnerberaterin",
            "contacts[0].email": "berg@schuldner.example",
        },
    )
    assert r.status_code == 303, r.text
    partner = portal.get(r.headers["location"])
    assert "Schuldnerberatung Kiel" in partner.text and "Frau Berg" in partner.text
    partner_id = r.headers["location"].rsplit("/", 1)[1]
    portal.get("/agreements/new")
    r = portal.post(
        "/agreements/new",
        {
            "title": "Kooperation Schulden und Sucht",
            "kind": "cooperation_agreement",
            "purpose": "general",
            "partners": [partner_id],
            "carriers": ["drv-nord"],
            "scope.level": "state",
            "scope.state": "Schleswig-Holstein",
            "valid_from": "2026-01-01",
            "contents.roles": "Die Beratung übernimmt die Schuldenregulierung.",
        },
    )
    assert r.status_code == 303, r.text
    location = r.headers["location"]
    agreement_id = location.split("/")[2].split("?")[0]
    detail = portal.get(location)
    assert "Der Entwurf ist angelegt." in detail.text
    r = portal.post(f"/agreements/{agreement_id}/activate", {"override_reason": ""})
    assert r.status_code == 422
    assert "es fehlen Inhalte. " in r.text and "(Regel N3)" not in r.text
    assert re.search(r'class="staff-details">.*N3', r.text)  # the rule, for staff only
    r = portal.post(
        f"/agreements/{agreement_id}/activate",
        {"override_reason": "Rest folgt im Frühjahr, Start ist dringend."},
    )
    assert r.status_code == 303, r.text
    active = portal.get(r.headers["location"])
    assert "in Kraft" in active.text and "Rest folgt im Frühjahr" in active.text
    assert "Kooperation Schulden und Sucht" in portal.get("/agreements").text


def test_coverage_table_lists_districts_and_gaps(portal: Portal) -> None:
    # rule N6: one row per district, gaps flagged
    portal.login("strategist.nord")
    r = portal.get("/coverage?target_group=hearing-impairment&nur_luecken=true")
    assert r.status_code == 200
    assert "Kreise ohne Angebot" in r.text and "Lücke" in r.text
    assert '<th scope="col">Kreis</th>' in r.text


def test_admin_edits_the_carrier_profile(portal: Portal) -> None:
    # rule Q0 and E6: contacts of the admin's carrier; the criteria only shown, nationally set
    portal.login("admin.nord")
    page = portal.get("/admin/profile")
    assert 'name="criteria.Q5"' not in page.text
    assert "Räume und Erreichbarkeit der Standorte" in page.text
    r = portal.post(
        "/admin/profile/drv-nord",
        {"contacts[0].name": "Herr Nord", "contacts[0].email": "keine-mail"},
    )
    assert r.status_code == 422 and 'href="#f-contacts-0-email"' in r.text
    r = portal.post(
        "/admin/profile/drv-nord",
        {"contacts[0].name": "Herr Nord", "contacts[0].email": "fallmanagement@drv-nord.example"},
    )
    assert r.status_code == 303, r.text
    page = portal.get(r.headers["location"])
    assert "Herr Nord" in page.text
    # a carrier's admin sees the national criteria but cannot change them
    page = portal.get("/admin/criteria")
    assert page.status_code == 200 and 'name="criteria.Q5"' not in page.text
    refused = portal.post("/admin/criteria", {"criteria.Q5": "advisory"})
    assert refused.status_code == 403
    # the sentence says why in words; the rule stands in the staff details line only
    assert "bundesweite" in refused.text and "Regelgrundlage:</span> Q0" in refused.text
    r = portal.post(
        "/admin/profile/drv-hessen", {"contacts[0].name": "X", "contacts[0].email": "x@y.example"}
    )
    assert r.status_code == 403


def test_national_admin_sets_the_criteria_severities(portal: Portal) -> None:
    # rule Q0: one national setting, labelled by what each rule checks
    portal.login("admin")
    page = portal.get("/admin/criteria")
    assert 'name="criteria.Q5"' in page.text and "Räume und Erreichbarkeit" in page.text
    r = portal.post("/admin/criteria", {"criteria.Q5": "advisory"})
    assert r.status_code == 303, r.text
    assert 'value="advisory" selected' in portal.get("/admin/criteria").text
    r = portal.post("/admin/criteria", {"criteria.Q5": "lenient"})
    assert r.status_code == 422
    assert portal.post("/admin/criteria", {}).status_code == 303  # back to the defaults


def test_new_staff_with_confirmed_introduction_through_the_form(portal: Portal) -> None:
    # rule Q3: a new hire without training is a Hinweis naming the latest start and the
    # provider's confirmation of the intensive introduction (checkbox on the form)
    from datetime import timedelta

    from registry import clock

    register_provider(portal, "provider.newhire", "Neueinstieg gGmbH")
    portal.login("provider.newhire")
    page = portal.get("/applications/new")
    assert 'name="cm[0].introduction_confirmed"' in page.text
    ref = portal.registry.reference
    joined = (clock.today() - timedelta(days=60)).isoformat()
    fields = [
        (k, v)
        for k, v in application_form(ref, "drv-nord", [("Kiel", "24103", "Kiel")], ["addiction"])
        if k not in ("cm[1].certificates", "cm[1].joined_on")
    ]
    fields += [("cm[1].joined_on", joined), ("cm[1].introduction_confirmed", True)]
    r = portal.post("/applications/new", fields)
    assert r.status_code == 303, r.text
    detail = portal.get(r.headers["location"])
    assert "bestätigt die intensive Einführung" in detail.text
    assert "Hinweis" in detail.text
