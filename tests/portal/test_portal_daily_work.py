"""Issue 17, items 7, 8 and 10 over HTTP: officers read before they decide and confirm what cannot
be undone; tasks and notices that name their provider, leave out one's own actions and are
acknowledged in bulk; forms that name every problem at once; the odds and ends (404 page,
favicon, CSV charset, the Q8 finding, a final application, a refused provider's next steps)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from tests.portal.conftest import Portal
from tests.portal.helpers import application_form, decision_form
from tests.portal.test_portal import decide_all, principal_of, register_provider, submit

REASON = "Uns fehlt Kompetenz in der Suchthilfe."


def _decision_fields(app: dict[str, Any], **extra: str) -> list[tuple[str, Any]]:
    fields = decision_form({g: (True, REASON) for g in app["target_groups"]}, app["version"])
    fields += list(extra.items())
    return fields


def _status(portal: Portal, app_id: str, officer: str = "officer.nord") -> str:
    from registry.admission.applications import get_application

    me = principal_of(portal.registry, officer)
    return str(get_application(portal.registry, me, app_id)["status"])


# --------------------------------------------------------------------------- item 7


def test_the_application_page_shows_the_evidence_before_the_decision_form(portal: Portal) -> None:
    register_provider(portal, "p.evidence", "Beleg gGmbH")
    app = submit(portal, "p.evidence", "drv-nord", [("Kiel", "24103", "Kiel")], ["addiction"])
    portal.login("officer.nord")
    html = portal.get(f"/applications/{app['id']}").text
    form_at = html.index(f'action="/applications/{app["id"]}/decision"')
    for heading in ('id="standorte"', 'id="fallmanager"', 'id="konzept"', 'id="befunde"'):
        assert html.index(heading) < form_at, heading


def test_a_decision_is_saved_only_after_a_confirmation_step(portal: Portal) -> None:
    register_provider(portal, "p.confirm", "Bestätigt gGmbH")
    app = submit(portal, "p.confirm", "drv-nord", [("Kiel", "24103", "Kiel")], ["addiction"])
    portal.login("officer.nord")
    portal.get(f"/applications/{app['id']}")
    r = portal.post(f"/applications/{app['id']}/decision", _decision_fields(app))
    assert r.status_code == 200
    assert "Entscheidung bestätigen" in r.text
    assert REASON in r.text  # what is about to be saved, to read once more
    assert 'name="confirmed" value="1"' in r.text
    assert _status(portal, app["id"]) == "submitted"  # nothing saved yet
    r = portal.post(f"/applications/{app['id']}/decision", _decision_fields(app, confirmed="1"))
    assert r.status_code == 303, r.text
    assert _status(portal, app["id"]) == "decided"


def test_revoking_a_site_asks_for_confirmation_first(portal: Portal) -> None:
    register_provider(portal, "p.revoke", "Widerruf gGmbH")
    app = submit(portal, "p.revoke", "drv-nord", [("Kiel", "24103", "Kiel")], ["addiction"])
    decide_all(portal, "officer.nord", app)
    portal.login("officer.nord")
    portal.get(f"/applications/{app['id']}")
    site_id = app["sites"][0]["id"]
    url = f"/applications/{app['id']}/sites/{site_id}/admission"
    fields = {f"site.{site_id}.action": "revoke", f"site.{site_id}.reason": "Vertrag gekündigt."}
    r = portal.post(url, fields)
    assert r.status_code == 200
    assert "Widerruf bestätigen" in r.text and "Vertrag gekündigt." in r.text
    assert "widerrufen" not in portal.get(f"/applications/{app['id']}").text.split("Verlauf")[0]
    r = portal.post(url, {**fields, "confirmed": "1"})
    assert r.status_code == 303, r.text
    assert "widerrufen" in portal.get(f"/applications/{app['id']}").text


def _follow_on(portal: Portal, username: str, name: str) -> tuple[dict[str, Any], str]:
    register_provider(portal, username, name)
    app = submit(
        portal,
        username,
        "drv-nord",
        [("Lübeck", "23552", "Lübeck"), ("Frankfurt", "60311", "Frankfurt am Main")],
        ["addiction"],
    )
    decide_all(portal, "officer.nord", app)
    from registry.admission.decisions import list_follow_ons

    hessen = principal_of(portal.registry, "officer.hessen")
    (task,) = [
        t
        for t in list_follow_ons(portal.registry, hessen, "open")
        if t["application_id"] == app["id"]
    ]
    portal.login("officer.hessen")
    return app, str(task["id"])


def test_a_follow_on_carrier_reads_the_leads_reasons_and_confirms_its_admission(
    portal: Portal,
) -> None:
    app, task_id = _follow_on(portal, "p.follow", "Folgeprüfung gGmbH")
    listing = portal.get("/follow-ons").text
    assert "Uns fehlt diese Fachkompetenz." in listing  # the lead's reason, in the list
    r = portal.post(f"/follow-ons/{task_id}/admit")
    assert r.status_code == 200
    assert "Folgezulassung bestätigen" in r.text
    assert "Uns fehlt diese Fachkompetenz." in r.text
    assert "DRV Nord" in r.text  # the lead, by its name
    open_tasks = portal.get("/follow-ons").text
    assert task_id in open_tasks  # still open
    r = portal.post(f"/follow-ons/{task_id}/admit", {"confirmed": "1"})
    assert r.status_code == 303, r.text
    assert task_id not in portal.get("/follow-ons").text


def test_every_inbox_task_is_a_link_naming_its_provider(portal: Portal) -> None:
    register_provider(portal, "p.task", "Aufgaben gGmbH")
    app = submit(portal, "p.task", "drv-nord", [("Kiel", "24103", "Kiel")], ["addiction"])
    decide_all(portal, "officer.nord", app)  # a contract is now pending (A13)
    portal.login("officer.nord")
    html = portal.get("/inbox").text
    tasks = html[html.index("<h2>Aufgaben</h2>") :]
    rows = re.findall(r"<tr>(.*?)</tr>", tasks, re.S)[1:]
    assert rows
    for row in rows:
        link = re.search(r'<a href="([^"]+)">(.*?)</a>', row, re.S)
        assert link, row
    assert any("Aufgaben gGmbH" in re.sub(r"<[^>]+>", "", r) for r in rows)
    assert re.search(r'<a href="/providers/[^"]+/contract">[^<]*Aufgaben gGmbH', tasks)


def test_a_carriers_own_decision_is_not_among_its_notices(portal: Portal) -> None:
    register_provider(portal, "p.own", "Eigene gGmbH")
    app = submit(portal, "p.own", "drv-nord", [("Kiel", "24103", "Kiel")], ["addiction"])
    portal.login("officer.nord")
    portal.get(f"/applications/{app['id']}")
    r = portal.post(f"/applications/{app['id']}/decision", _decision_fields(app, confirmed="1"))
    assert r.status_code == 303, r.text
    assert "Eigene gGmbH" not in portal.get("/notices").text
    from registry.notices import list_notices

    bund = replace(principal_of(portal.registry, "officer.nord"), carrier="drv-bund")
    assert any(n["subject"]["title"] == "Eigene gGmbH" for n in list_notices(portal.registry, bund))


def _notices_for(portal: Portal, carrier: str, titles: list[str]) -> None:
    from registry import clock
    from registry.ids import new_id
    from registry.notices import NewNotice, NoticeRepository

    rows: list[NewNotice] = [
        {
            "id": new_id("ntc"),
            "carrier": carrier,
            "kind": "admission",
            "subject_type": "application",
            "subject_id": "app-unknown",
            "title": title,
            "message": f"{title} ist zugelassen.",
            "created_at": clock.now().isoformat(),
        }
        for title in titles
    ]
    portal.registry.graph.write(lambda tx: NoticeRepository.on(tx).create_many(rows))


def test_notices_are_acknowledged_in_bulk(portal: Portal) -> None:
    _notices_for(portal, "drv-hessen", ["Sammel 1 gGmbH", "Sammel 2 gGmbH", "Sammel 3 gGmbH"])
    portal.login("officer.hessen")
    page = portal.get("/notices").text
    ids = re.findall(r'name="notices" value="([^"]+)"', page)
    assert len(ids) == 3
    r = portal.post("/notices/acknowledge", {"scope": "selected"})
    assert r.status_code == 422 and "Bitte mindestens einen Hinweis auswählen." in r.text
    r = portal.post("/notices/acknowledge", [("scope", "selected"), ("notices", ids[:2])])
    assert r.status_code == 303, r.text
    page = portal.get(r.headers["location"]).text
    assert "2 Hinweise sind bestätigt." in page
    left = re.findall(r'name="notices" value="([^"]+)"', page)
    assert set(left) == set(ids[2:])
    shown = re.findall(r'name="shown" value="([^"]+)"', page)
    r = portal.post("/notices/acknowledge", [("scope", "all"), ("shown", shown)])
    assert r.status_code == 303
    assert "Keine Hinweise zu bestätigen." in portal.get("/notices").text


def test_one_notice_is_acknowledged_from_its_row(portal: Portal) -> None:
    hostile = "<script>alert(1)</script>"
    _notices_for(portal, "drv-nord", ["Einzeln gGmbH", hostile])
    portal.login("officer.nord")
    page = portal.get("/notices").text
    for path in ("/notices", "/inbox"):
        html = portal.get(path).text
        assert hostile not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    row = next(r for r in page.split("<tr>") if "Einzeln gGmbH" in r)
    notice_id = re.findall(r'formaction="/notices/([^"/]+)/acknowledge"', row)[0]
    r = portal.post(f"/notices/{notice_id}/acknowledge")
    assert r.status_code == 303
    assert "Der Hinweis ist bestätigt." in portal.get(r.headers["location"]).text


# --------------------------------------------------------------------------- item 8


def test_the_error_summary_names_each_field_and_links_to_it(portal: Portal) -> None:
    register_provider(portal, "p.summary", "Zusammenfassung gGmbH")
    portal.login("p.summary")
    portal.get("/applications/new")
    ref = portal.registry.reference
    fields = application_form(ref, "drv-nord", [("Kiel", "", "Kiel")], ["addiction"])
    r = portal.post("/applications/new", fields)
    assert r.status_code == 422
    summary = r.text[r.text.index('id="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    link = re.search(r'<a href="#f-sites-0-address-postal_code">(.*?)</a>', summary, re.S)
    assert link, summary
    assert "Standort 1 – Postleitzahl" in re.sub(r"<[^>]+>", "", link.group(1))


def test_address_check_returns_to_its_result(portal: Portal) -> None:
    register_provider(portal, "p.check", "Adressprüfung gGmbH")
    portal.login("p.check")
    page = portal.get("/applications/new").text
    assert 'formaction="/applications/new#f-sites-0-check"' in page
    ref = portal.registry.reference
    fields = application_form(ref, "drv-nord", [("Kiel", "24103", "Kiel")], ["addiction"])
    fields = [(k, v) for k, v in fields if k != "action"] + [("action", "check")]
    r = portal.post("/applications/new", fields)
    result = r.text[r.text.index('id="f-sites-0-check"') :]
    assert result.index("Adresse erkannt") < result.index("</div>")


def test_form_shape_and_rule_problems_are_reported_together(portal: Portal) -> None:
    # the admit choice of one group missing (form shape) and a blocking finding of the other
    # group not overridden (rule A5): both at once, not one after the other
    from tests.api.helpers import concept

    register_provider(portal, "p.layers", "Schichten gGmbH")
    ref = portal.registry.reference
    app = submit(
        portal,
        "p.layers",
        "drv-nord",
        [("Kiel", "24103", "Kiel")],
        ["addiction", "oncology"],
        concept=concept(ref, missing=("crisis-intervention",)),
    )
    portal.login("officer.nord")
    portal.get(f"/applications/{app['id']}")
    fields = decision_form({"addiction": (True, REASON)}, app["version"])
    fields.append(("target_groups.oncology.reason", "Noch offen."))
    r = portal.post(f"/applications/{app['id']}/decision", fields)
    assert r.status_code == 422
    assert 'href="#f-target_groups-oncology-admit"' in r.text
    assert "Blockierender Befund nach Q1" in r.text


def _selected(html: str, field_id: str) -> str:
    select = html[html.index(f'id="{field_id}"') :]
    select = select[: select.index("</select>")]
    match = re.search(r'<option value="([^"]*)" selected', select)
    return match.group(1) if match else ""


def test_the_agreement_forms_defaults_make_no_error(portal: Portal) -> None:
    from portal.network_agreement_pages import default_scope

    portal.login("strategist.nord")
    portal.get("/partners/new")
    r = portal.post(
        "/partners/new",
        {
            "name": "Suchtberatung Vorgabe",
            "type": "debt-counselling",
            "services": "Schuldnerberatung",
            "target_groups": ["addiction"],
            "sites[0].name": "Beratungsstelle",
            "sites[0].address.postal_code": "24103",
            "sites[0].service_radius_km": "25",
            "contacts[0].name": "Frau Vorgabe",
            "contacts[0].role": "Beraterin",
            "contacts[0].email": "vorgabe@beratung.example",
        },
    )
    assert r.status_code == 303, r.text
    partner_id = r.headers["location"].rsplit("/", 1)[1]
    html = portal.get("/agreements/new").text
    level, state = _selected(html, "f-scope-level"), _selected(html, "f-scope-state")
    assert (level, state) == ("state", "Schleswig-Holstein")  # complete: a state is chosen
    r = portal.post(
        "/agreements/new",
        {
            "title": "Nur das Nötigste",
            "kind": "cooperation_agreement",
            "purpose": _selected(html, "f-purpose"),
            "partners": [partner_id],
            "carriers": ["drv-nord"],
            "scope.level": level,
            "scope.state": state,
            "valid_from": "2026-01-01",
        },
    )
    assert r.status_code == 303, r.text
    assert default_scope(portal.registry, "drv-bund") == {"scope.level": "national"}


def test_draft_comes_before_submit(portal: Portal) -> None:
    register_provider(portal, "p.buttons", "Knöpfe gGmbH")
    portal.login("p.buttons")
    page = portal.get("/applications/new").text
    assert page.index(">Entwurf speichern<") < page.index(">Antrag einreichen<")


# --------------------------------------------------------------------------- item 10


def test_an_unknown_address_gets_a_german_page_with_navigation(portal: Portal) -> None:
    portal.login("officer.nord")
    r = portal.get("/gibt-es-nicht")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "Seite nicht gefunden" in r.text
    assert 'aria-label="Hauptnavigation"' in r.text
    api = portal.get("/api/v1/gibt-es-nicht")
    assert api.status_code == 404
    assert api.headers["content-type"].startswith("application/json")
    portal.logout()
    r = portal.get("/gibt-es-nicht")
    assert r.status_code == 404 and "Seite nicht gefunden" in r.text


def test_the_favicon_is_served(portal: Portal) -> None:
    portal.logout()
    r = portal.get("/favicon.ico")
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert r.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert 'rel="icon"' in portal.get("/login").text


def test_the_csv_overview_names_one_charset(portal: Portal) -> None:
    portal.login("officer.nord")
    r = portal.get("/api/v1/directory/overview?format=csv")
    assert r.status_code == 200
    assert r.headers["content-type"].lower().count("charset") == 1


def test_the_q8_checklist_names_the_deciding_carrier(portal: Portal) -> None:
    register_provider(portal, "p.q8", "Checkliste gGmbH")
    sites = [("Frankfurt", "60311", "Frankfurt am Main")]
    app = submit(portal, "p.q8", "drv-bund", sites, ["addiction"])  # forwarded (A3)
    (finding,) = [f for f in app["findings"] if f["code"] == "competence-checklist"]
    assert "DRV Hessen" in finding["message"]  # the carrier that decides, by its name
    assert "drv-hessen" not in finding["message"]


def test_a_final_application_offers_no_withdrawal_and_a_refusal_says_what_next(
    portal: Portal,
) -> None:
    from registry.admission.decisions import decide_application

    register_provider(portal, "p.refused", "Abgelehnt gGmbH")
    app = submit(portal, "p.refused", "drv-nord", [("Kiel", "24103", "Kiel")], ["addiction"])
    decide_application(
        portal.registry,
        principal_of(portal.registry, "officer.nord"),
        app["id"],
        {
            "target_groups": {"addiction": {"admit": False, "reason": "Kein Bedarf."}},
            "overrides": [],
            "version": app["version"],
        },
    )
    portal.login("p.refused")
    html = portal.get(f"/applications/{app['id']}").text
    assert "Antrag zurückziehen" not in html
    assert "Wie geht es weiter?" in html
    assert 'href="/applications/new"' in html


def test_times_are_shown_in_german_time_with_german_dates(portal: Portal) -> None:
    # issue 17, item 8: one German format, and the clock time people live in (stored: UTC)
    from datetime import datetime
    from zoneinfo import ZoneInfo

    register_provider(portal, "p.times", "Uhrzeit gGmbH")
    app = submit(portal, "p.times", "drv-nord", [("Kiel", "24103", "Kiel")], ["addiction"])
    portal.login("p.times")
    html = portal.get(f"/applications/{app['id']}").text
    stored = datetime.fromisoformat(app["history"][0]["at"])
    local = stored.astimezone(ZoneInfo("Europe/Berlin"))
    assert local.strftime("%d.%m.%Y, %H:%M Uhr") in html
    assert stored.strftime("%d.%m.%Y, %H:%M Uhr") not in html
    assert local.strftime("%d.%m.%Y") in html and stored.date().isoformat() not in html
