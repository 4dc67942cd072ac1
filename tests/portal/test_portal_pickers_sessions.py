"""Issue 17, items 1 and 3 over HTTP: pickers by name without JavaScript (the form's own
"Suchen" step shows the matches and saves nothing; the type-ahead's JSON), and work kept when a
session ends (a form posted after the end is kept over the login and sent again; the draft
saved automatically; staying signed in)."""

from __future__ import annotations

import html
import re
import time
from typing import Any

import pytest

from tests.portal.conftest import PASSWORD, Portal
from tests.portal.helpers import application_form
from tests.portal.test_portal import principal_of, register_provider

_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def _partners(portal: Portal, count: int) -> str:
    """``count`` partners named before it, then "Zwergenhilfe Plön" (last by name)."""
    from registry.network.partners import create_partner

    cm = principal_of(portal.registry, "strategist.nord")

    def body(name: str, postal: str, place: str) -> dict[str, Any]:
        return {
            "name": name,
            "type": "debt-counselling",
            "sites": [
                {
                    "name": f"Stelle {name}",
                    "address": {"street": "Hauptstraße 1", "postal_code": postal, "place": place},
                    "service_radius_km": 30,
                }
            ],
            "services": ["Schuldnerberatung"],
            "target_groups": ["addiction"],
            "contacts": [{"name": "Frau Berger", "role": "Beratung", "email": "b@example.org"}],
        }

    for i in range(count):
        create_partner(portal.registry, cm, body(f"Beratung {i:03d}", "24103", "Kiel"))
    made = create_partner(portal.registry, cm, body("Zwergenhilfe Plön", "24306", "Plön"))
    return str(made["id"])


def _agreement_fields(**over: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": "Zusammenarbeit mit der Zwergenhilfe",
        "kind": "cooperation_agreement",
        "purpose": "general",
        "carriers": ["drv-nord"],
        "scope.level": "districts",
        "valid_from": "2026-01-01",
        "contents.roles": "Rollen sind verteilt.",
    }
    fields.update(over)
    return fields


def _agreement_count(portal: Portal) -> int:
    from registry.network.agreement_reading import list_agreements

    me = principal_of(portal.registry, "strategist.nord")
    return len(list_agreements(portal.registry, me))


def test_partner_beyond_the_first_hundred_and_a_district_are_picked_by_name_without_js(
    portal: Portal,
) -> None:
    partner = _partners(portal, 101)
    portal.login("strategist.nord")
    form = portal.get("/agreements/new")
    assert form.status_code == 200
    assert "Netzwerkpartner suchen (Name oder Ort)" in form.text
    assert "Kreis suchen (Name)" in form.text and "Kreisschlüssel" not in form.text
    assert "Zwergenhilfe" not in form.text  # nothing is listed before a search
    before = _agreement_count(portal)

    # "Suchen" posts the whole form back: the matches appear, what was typed stays, nothing saved
    r = portal.post(
        "/agreements/new",
        _agreement_fields(_pick="partners", **{"_q.partners": "zwergen"}),
    )
    assert r.status_code == 200, r.text
    assert f'value="{partner}"' in r.text and "Zwergenhilfe Plön" in r.text
    assert "(Plön)" in r.text  # the partner's place beside its name
    assert "1 Treffer" in r.text
    assert 'value="Zusammenarbeit mit der Zwergenhilfe"' in r.text
    assert _agreement_count(portal) == before

    r = portal.post(
        "/agreements/new",
        _agreement_fields(
            partners=[partner], _pick="scope.districts", **{"_q.scope.districts": "Plo"}
        ),
    )
    assert r.status_code == 200
    assert 'value="01057"' in r.text and "Kreis Plön" in r.text
    assert re.search(rf'value="{partner}" checked', r.text)  # the partner stays chosen
    assert "01057" not in re.sub(r'value="01057"', "", r.text)  # the key is never shown
    assert _agreement_count(portal) == before

    r = portal.post("/agreements/new", _agreement_fields(**{"scope.districts": ["01057"]}))
    assert r.status_code == 422 and 'href="#f-partners"' in r.text  # no partner: said, linked
    assert "Beteiligte Netzwerkpartner" in r.text.split('id="f-partners"')[0]  # named in summary
    r = portal.post(
        "/agreements/new",
        _agreement_fields(partners=[partner], **{"scope.districts": ["01057"]}),
    )
    assert r.status_code == 303, r.text
    shown = portal.get(r.headers["location"])
    assert "Zwergenhilfe Plön" in shown.text
    assert _agreement_count(portal) == before + 1

    # the edit form shows the chosen partner and district by name
    edit = portal.get(r.headers["location"].split("?")[0] + "/edit")
    assert edit.status_code == 200
    assert re.search(rf'value="{partner}" checked', edit.text)
    assert re.search(r'value="01057" checked', edit.text) and "Kreis Plön" in edit.text


def test_type_ahead_answers_names_for_the_caller(portal: Portal) -> None:
    portal.login("strategist.nord")
    partners = portal.get("/auswahl/partner?q=Zwergen").json()
    assert partners["total"] == 1
    assert partners["choices"][0]["label"] == "Zwergenhilfe Plön"
    assert partners["choices"][0]["detail"] == "Plön"
    districts = portal.get("/auswahl/district?q=ebersberg").json()
    assert {"value": "09175", "label": "Landkreis Ebersberg", "detail": "Bayern"} in districts[
        "choices"
    ]
    languages = portal.get("/auswahl/language?q=T%C3%BCrk").json()
    assert languages["choices"] == [{"value": "tr", "label": "Türkisch", "detail": ""}]
    assert portal.get("/auswahl/language?q=").json()["total"] >= 19  # small: all on request
    assert portal.get("/auswahl/kreis?q=x").status_code == 404  # no such kind
    portal.login("reader.nord")  # a directory reader reads no partners
    assert portal.get("/auswahl/partner?q=Zwergen").json() == {"total": 0, "choices": []}
    portal.logout()
    assert portal.get("/auswahl/district?q=ebersberg").status_code in (303, 401)


def test_application_languages_are_picked_by_german_name_without_js(portal: Portal) -> None:
    from registry.admission.applications import list_applications

    register_provider(portal, "anbieter.sprachen", "Sprachbrücke gGmbH")
    portal.login("anbieter.sprachen")
    form = portal.get("/applications/new")
    assert "Sprache suchen (Name)" in form.text and "Kürzel" not in form.text
    assert re.search(r'name="sites\[0\]\.languages" value="de" checked', form.text)
    fields = application_form(
        portal.registry.reference, "drv-nord", [("Kiel", "24103", "Kiel")], ["addiction"]
    )
    searched = [(k, v) for k, v in fields if k not in ("action", "sites[0].languages")]
    searched += [("sites[0].languages", "de"), ("_q.sites[0].languages", "Türk")]
    searched += [("action", "pick")]
    r = portal.post("/applications/new", searched)
    assert r.status_code == 200
    assert re.search(r'name="sites\[0\]\.languages" value="tr">', r.text)
    assert "Türkisch" in r.text and 'value="Kiel"' in r.text  # the typed form is kept
    me = principal_of(portal.registry, "anbieter.sprachen")
    assert list_applications(portal.registry, me) == []  # nothing submitted

    chosen = [(k, v) for k, v in fields if k != "sites[0].languages"]
    chosen += [("sites[0].languages", ["de", "tr"])]
    r = portal.post("/applications/new", chosen)
    assert r.status_code == 303, r.text
    sites = portal.registry.graph.read("providers.sites_of_provider", provider_id=me.provider)
    assert sorted(sites[0]["languages"]) == ["de", "tr"]


def _expire(monkeypatch: pytest.MonkeyPatch, portal: Portal) -> None:
    import registry.auth

    later = time.time() + portal.registry.settings.session_idle_minutes * 60 + 60
    monkeypatch.setattr(registry.auth, "_now", lambda: later)


def test_a_form_posted_after_the_session_ended_is_kept_over_the_login_and_sent(
    portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    partner = _partner_id(portal)
    portal.login("strategist.nord")
    portal.get("/agreements/new")
    before = _agreement_count(portal)
    fields = _agreement_fields(
        title="Nach der Pause gespeichert",
        partners=[partner],
        **{"scope.districts": ["01057"]},
    )
    _expire(monkeypatch, portal)
    r = portal.post("/agreements/new", fields)
    assert r.status_code == 307  # the browser sends the same form to the keeping page
    keep = r.headers["location"]
    assert keep.startswith("/sitzung/aufbewahren")
    r = portal.post(keep, fields)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/sitzung/fortsetzen"
    monkeypatch.undo()
    assert _agreement_count(portal) == before  # nothing saved while logged out

    login = portal.get(r.headers["location"])
    assert "Ihre Eingaben sind aufbewahrt" in login.text
    r = portal.post(
        "/login",
        {"username": "strategist.nord", "password": PASSWORD, "next": "/sitzung/fortsetzen"},
    )
    assert r.status_code == 303 and r.headers["location"] == "/sitzung/fortsetzen"
    page = portal.get("/sitzung/fortsetzen")
    assert page.status_code == 200
    assert "Ihre Eingaben sind noch da" in page.text and "»Vereinbarung anlegen«" in page.text
    assert 'action="/agreements/new"' in page.text
    kept = [(html.unescape(k), html.unescape(v)) for k, v in _HIDDEN.findall(page.text)]
    assert ("title", "Nach der Pause gespeichert") in kept and ("partners", partner) in kept
    assert not any(k == "_csrf_token" and v == "" for k, v in kept)
    r = portal.post("/agreements/new", [(k, v) for k, v in kept if k != "_csrf_token"])
    assert r.status_code == 303, r.text
    assert "Nach der Pause gespeichert" in portal.get(r.headers["location"]).text
    assert _agreement_count(portal) == before + 1
    # shown once only
    assert "Keine aufbewahrten Eingaben" in portal.get("/sitzung/fortsetzen").text


def test_nothing_is_kept_from_the_search_without_a_session_or_for_another_user(
    portal: Portal, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the directory search (the insured person's data) is never kept
    portal.login("cm.nord")
    portal.get("/search")
    _expire(monkeypatch, portal)
    r = portal.post("/search/unmet-need", {"postal_code": "24103", "target_group": "addiction"})
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    # nor a password
    r = portal.post("/konto/passwort", {"current": PASSWORD, "new": "x" * 16, "repeat": "x" * 16})
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    # a script's request (autosave) after the end: a bare 401 that leaves the cookies alone, so
    # a login form loading meanwhile keeps its CSRF cookie
    r = portal.client.get(
        "/sitzung/verlaengern", headers={"X-Requested-With": "fetch"}, follow_redirects=False
    )
    assert r.status_code == 401 and "set-cookie" not in r.headers
    monkeypatch.undo()
    # a form sent to the keeping page without a session of this browser is not kept
    portal.logout()
    portal.get("/login")
    r = portal.post("/sitzung/aufbewahren?ziel=/agreements/new", {"title": "fremd"})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    # a kept form is offered to the same user only
    portal.login("strategist.nord")
    portal.get("/agreements/new")
    _expire(monkeypatch, portal)
    r = portal.post("/agreements/new", _agreement_fields(title="Nur für mich"))
    r = portal.post(r.headers["location"], _agreement_fields(title="Nur für mich"))
    monkeypatch.undo()
    portal.get("/login")
    r = portal.post("/login", {"username": "strategist.hessen", "password": PASSWORD})
    if r.status_code == 303:  # the user exists in this module's world only when created
        assert "Nur für mich" not in portal.get("/sitzung/fortsetzen").text


def _partner_id(portal: Portal) -> str:
    from registry.network.repository import NetworkRepository

    rows = portal.registry.repo(NetworkRepository).list_partners()
    return str(next(r["id"] for r in rows if r["name"] == "Zwergenhilfe Plön"))


def test_the_draft_is_saved_automatically_and_staying_signed_in_renews(portal: Portal) -> None:
    register_provider(portal, "anbieter.auto", "Autosave gGmbH")
    portal.login("anbieter.auto")
    portal.get("/applications/new")
    fields = application_form(
        portal.registry.reference, "drv-nord", [("Kiel Nord", "24103", "Kiel")], ["addiction"]
    )
    r = portal.post("/applications/new/entwurf", fields)
    assert r.status_code == 200, r.text
    saved = r.json()
    assert re.fullmatch(r"\d\d:\d\d", saved["saved_at"]) and saved["ok"] is True
    assert saved["remaining"] > saved["warn_after"] >= 0
    form = portal.get("/applications/new")
    assert "ist geladen" in form.text and 'value="Kiel Nord"' in form.text
    assert 'data-autosave="/applications/new/entwurf"' in form.text
    assert "data-autosave-status" in form.text
    renewed = portal.get("/sitzung/verlaengern")
    assert renewed.status_code == 200 and renewed.json()["ok"] is True
    assert "registry_session" in renewed.headers.get("set-cookie", "")
    portal.login("strategist.nord")  # drafts are the provider's
    assert portal.post("/applications/new/entwurf", fields).status_code == 403


def test_announcement_districts_are_picked_by_name(portal: Portal) -> None:
    from registry.admission.announcements import list_announcements

    portal.login("officer.nord")
    form = portal.get("/announcements/new")
    assert "Kreis suchen (Name)" in form.text and "Kreisschlüssel" not in form.text
    before = len(list_announcements(portal.registry, open_only=False))
    fields = {
        "carriers": ["drv-nord"],
        "target_groups": ["addiction"],
        "text": "Gesucht: Fallmanagement im Kreis Plön.",
        "open_until": "2099-06-30",
    }
    r = portal.post("/announcements/new", {**fields, "_pick": "districts", "_q.districts": "plon"})
    assert r.status_code == 200
    assert 'value="01057"' in r.text and "Kreis Plön" in r.text
    assert len(list_announcements(portal.registry, open_only=False)) == before  # nothing published
    r = portal.post("/announcements/new", {**fields, "districts": ["01057", "01055"]})
    assert r.status_code == 303, r.text
    made = list_announcements(portal.registry, open_only=False)
    assert len(made) == before + 1
    assert any(sorted(a.get("districts") or []) == ["01055", "01057"] for a in made)
