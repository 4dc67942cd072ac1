"""The portal's further journeys over HTTP: "why is this provider not listed?", unmet need in one
click, partner search, maps, the carrier overview, contracts and reviews, site details and staff,
application drafts, editing partners and agreements, the coverage map and announcements from a
gap. Each page: allowed roles, refused roles, a successful submission, errors next to the field,
hostile text escaped."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.portal.conftest import PASSWORD, Portal
from tests.portal.test_portal import decide_all, principal_of, register_provider, submit

HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _assert_escaped(text: str) -> None:
    assert HOSTILE not in text
    assert ESCAPED in text


@pytest.fixture(scope="module")
def world(portal: Portal) -> Iterator[dict[str, Any]]:
    """One admitted provider in Kiel, one only applied in Lübeck, a partner in Kiel, an
    agreement draft, and a case manager and strategist of another carrier."""
    from registry.auth.service import add_user
    from registry.network.partners import create_partner

    reg = portal.registry
    for username, role, carrier in (
        ("cm.hessen", "case_manager", "drv-hessen"),
        ("strategist.hessen", "network_strategist", "drv-hessen"),
        ("strategist.bund", "network_strategist", "drv-bund"),
    ):
        add_user(reg, username=username, password=PASSWORD, role=role, carrier=carrier)
    kiel = register_provider(portal, "anbieter.kiel", "Lotse Kiel e. V.")
    admitted = submit(
        portal, "anbieter.kiel", "drv-nord", [("Kiel Mitte", "24103", "Kiel")], ["addiction"]
    )
    decide_all(portal, "officer.nord", admitted)
    luebeck = register_provider(portal, "anbieter.luebeck", f"Brücke {HOSTILE} gGmbH")
    submit(portal, "anbieter.luebeck", "drv-nord", [("Lübeck", "23552", "Lübeck")], ["addiction"])
    cm = principal_of(reg, "cm.nord")
    partner = create_partner(
        reg,
        cm,
        {
            "name": f"Schuldnerberatung {HOSTILE} Kiel",
            "type": "debt-counselling",
            "sites": [
                {
                    "name": "Beratungsstelle Kiel",
                    "address": {"street": "Holstenstraße 1", "postal_code": "24103", "place": ""},
                    "service_radius_km": 30,
                }
            ],
            "services": ["Schuldnerberatung"],
            "target_groups": ["addiction"],
            "contacts": [{"name": "Frau Jensen", "role": "Beratung", "email": "j@example.org"}],
        },
    )
    kiel_sites = portal.registry.graph.read("providers.sites_of_provider", provider_id=kiel)
    yield {
        "kiel": kiel,
        "kiel_site": kiel_sites[0]["id"],
        "kiel_app": admitted["id"],
        "luebeck": luebeck,
        "partner": partner["id"],
    }


def _agreement(portal: Portal, title: str) -> str:
    from registry.network.agreement_drafts import create_agreement

    created = create_agreement(
        portal.registry,
        principal_of(portal.registry, "strategist.nord"),
        {
            "kind": "cooperation_agreement",
            "purpose": "general",
            "title": title,
            "carriers": ["drv-nord"],
            "partners": [_partner_id(portal)],
            "scope": {"level": "state", "state": "Schleswig-Holstein"},
            "valid_from": "2026-01-01",
            "contents": {"roles": "Rollen sind verteilt."},
        },
    )
    return str(created["id"])


def _partner_id(portal: Portal) -> str:
    from registry.network.repository import NetworkRepository

    rows = portal.registry.repo(NetworkRepository).list_partners()
    return str(next(r["id"] for r in rows if r["name"].startswith("Schuldnerberatung")))


# --------------------------------------------------------------------------- roles


def test_new_pages_render_for_their_roles_and_are_refused_to_others(
    portal: Portal, world: dict[str, Any]
) -> None:
    # docs/rules.md §9: every page enforces the role on the server
    agreement = _agreement(portal, "Rollenprüfung")
    site = world["kiel_site"]
    pages: dict[str, tuple[set[str], str]] = {
        f"/search/providers/{world['kiel']}": ({"cm.nord", "reader.nord"}, "officer.nord"),
        "/search/providers": ({"cm.nord", "reader.nord"}, "strategist.nord"),
        "/partners/search": ({"cm.nord", "strategist.nord"}, "reader.nord"),
        "/overview": ({"officer.nord", "cm.nord", "reader.nord", "admin"}, "anbieter.kiel"),
        "/admissions": ({"officer.nord"}, "cm.nord"),
        "/admissions/reviews": ({"officer.nord"}, "strategist.nord"),
        f"/providers/{world['kiel']}/contract": ({"officer.nord"}, "anbieter.kiel"),
        f"/provider/sites/{site}": ({"anbieter.kiel"}, "officer.nord"),
        "/provider/staff": ({"anbieter.kiel"}, "cm.nord"),
        f"/partners/{world['partner']}/edit": ({"cm.nord", "strategist.nord"}, "reader.nord"),
        "/agreements/due": ({"strategist.nord"}, "cm.nord"),
        f"/agreements/{agreement}/edit": ({"strategist.nord"}, "officer.nord"),
    }
    expected: dict[str, list[tuple[str, int]]] = {}
    for path, (allowed, refused) in pages.items():
        for username in allowed:
            expected.setdefault(username, []).append((path, 200))
        expected.setdefault(refused, []).append((path, 403))
    for username, checks in sorted(expected.items()):  # one login per user: hashing is slow
        portal.login(username)
        for path, status in checks:
            r = portal.get(path)
            assert r.status_code == status, (path, username, r.status_code)
            assert ("<h1>" in r.text) if status == 200 else ("Nicht erlaubt" in r.text)
    portal.logout()
    assert portal.get("/overview").status_code == 303  # to the login page


# --------------------------------------------------------------------------- directory


def test_provider_page_explains_why_a_provider_is_or_is_not_listed(
    portal: Portal, world: dict[str, Any]
) -> None:
    # rules E1, E4, E5: the explanation uses the same search parameters and names each rule
    portal.login("cm.nord")
    query = "postal_code=24105&target_group=addiction"
    r = portal.get(f"/search?{query}")
    assert r.status_code == 200
    link = f"/search/providers/{world['kiel']}?{query}"
    assert link.replace("&", "&amp;") in r.text  # a result links to the provider page
    detail = portal.get(link)
    assert "Erscheint in der Liste an Stelle 1." in detail.text
    assert "Rechtsform" in detail.text  # case managers read the provider (§9)
    lookup = portal.get(f"/search/providers?{query}&anbieter=br%C3%BCcke")
    assert f"/search/providers/{world['luebeck']}?{query}".replace("&", "&amp;") in lookup.text
    _assert_escaped(lookup.text)
    why = portal.get(f"/search/providers/{world['luebeck']}?{query}")
    assert "Erscheint nicht in der Liste, weil:" in why.text
    # the failing rule's code only in the staff details line (issue 17, item 2)
    assert re.search(r'class="staff-details">.*?Regelgrundlage:</span> [^<]*E[15]', why.text)
    assert "<strong>Regel E" not in why.text
    _assert_escaped(why.text)
    empty = portal.get(f"/search/providers?{query}&anbieter=")
    assert empty.status_code == 200
    assert 'href="#f-anbieter"' in empty.text  # the error links to its field
    bad = portal.get(f"/search/providers/{world['kiel']}?postal_code=2410&target_group=addiction")
    assert "Bitte eine Postleitzahl aus fünf Ziffern eingeben." in bad.text
    assert 'aria-invalid="true"' in bad.text
    portal.login("reader.nord")
    reader = portal.get(link)
    assert "Erscheint in der Liste an Stelle 1." in reader.text
    assert "Rechtsform" not in reader.text  # a reader searches and prints, nothing else (§9)
    assert portal.get("/search/providers/unbekannt?" + query).status_code == 404


def test_search_results_come_with_a_map(portal: Portal, world: dict[str, Any]) -> None:
    # rule E4: the map shows the same numbered sites as the list
    portal.login("cm.nord")
    r = portal.get("/search?postal_code=24105&target_group=addiction")
    assert '<svg viewBox="' in r.text and 'role="img"' in r.text
    assert 'class="map-marker map-place"' in r.text
    assert re.search(r'<g class="map-marker map-site">\s*<title>1\. Lotse Kiel', r.text)


def test_unmet_need_is_recorded_in_one_click_with_nothing_but_place_and_groups(
    portal: Portal, world: dict[str, Any]
) -> None:
    # rule N7: carrier, district, target groups, date - nothing else
    from registry.network.unmet_need import unmet_need_counts

    portal.login("cm.nord")
    query = "postal_code=24105&target_group=hearing-impairment&q=Geb%C3%A4rdensprache"
    r = portal.get(f"/search?{query}")
    assert "0 passende Standorte" in r.text
    assert 'action="/search/unmet-need"' in r.text
    form = re.search(r'<form method="post" action="/search/unmet-need".*?</form>', r.text, re.S)
    assert form is not None
    sent = re.findall(r'name="([^"]+)"', form.group(0))
    # recorded: postal code and groups; "suche" only leads back, "einmal" counts the form once
    assert set(sent) == {"_csrf_token", "einmal", "suche", "postal_code", "target_group"}
    token = re.search(r'name="einmal" value="([^"]+)"', form.group(0))
    assert token is not None
    r = portal.post(
        "/search/unmet-need",
        {
            "postal_code": "24105",
            "target_group": ["hearing-impairment"],
            "einmal": token.group(1),
        },
    )
    assert r.status_code == 303
    assert r.headers["location"].startswith("/search?postal_code=24105")
    done = portal.get(r.headers["location"])
    assert "Der ungedeckte Bedarf ist erfasst: Kiel" in done.text
    assert 'action="/search/unmet-need"' not in done.text  # one click, not two
    counts = unmet_need_counts(portal.registry, principal_of(portal.registry, "strategist.nord"))
    assert {"target_group": "hearing-impairment", "count": 1} in [
        {"target_group": c["target_group"], "count": c["count"]}
        for c in counts
        if c["district"]["name"].startswith("Kiel")
    ]
    fresh = re.search(r'name="einmal" value="([^"]+)"', portal.get(f"/search?{query}").text)
    assert fresh is not None
    bad = portal.post("/search/unmet-need", {"postal_code": "24105", "einmal": fresh.group(1)})
    assert bad.status_code == 422
    assert "Zielgruppe" in bad.text
    portal.login("reader.nord")
    portal.get("/search")
    assert portal.post("/search/unmet-need", {"postal_code": "24105"}).status_code == 403


def test_n7_bedarf_melden_carries_language_outreach_and_barrier_free(
    portal: Portal, world: dict[str, Any]
) -> None:
    # rule N7 (issue 15): the one-click form carries the search's non-personal needs
    from registry.network.unmet_need import unmet_need_counts

    portal.login("cm.nord")
    query = "postal_code=24105&target_group=visual-impairment&language=tr&outreach=true"
    r = portal.get(f"/search?{query}&barrier_free=true")
    form = re.search(r'<form method="post" action="/search/unmet-need".*?</form>', r.text, re.S)
    assert form is not None
    sent = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(0)))
    assert (sent["language"], sent["outreach"], sent["barrier_free"]) == ("tr", "true", "true")
    assert "Sprache Türkisch, aufsuchende Beratung, barrierefrei" in form.group(0)
    r = portal.post(
        "/search/unmet-need",
        {
            "postal_code": "24105",
            "target_group": ["visual-impairment"],
            "language": "tr",
            "outreach": "true",
            "barrier_free": "true",
            "einmal": sent["einmal"],
        },
    )
    assert r.status_code == 303 and "language=tr" in r.headers["location"]
    counts = unmet_need_counts(portal.registry, principal_of(portal.registry, "strategist.nord"))
    (kiel,) = [
        c
        for c in counts
        if c["district"]["name"].startswith("Kiel") and c["target_group"] == "visual-impairment"
    ]
    assert kiel["needs"] == [{"language": "tr", "outreach": True, "barrier_free": True, "count": 1}]
    portal.login("strategist.nord")
    page = portal.get("/coverage?target_group=visual-impairment")
    assert "1 × Sprache Türkisch, aufsuchende Beratung, barrierefrei" in page.text


def test_partner_search_nearest_first_with_errors_next_to_the_fields(
    portal: Portal, world: dict[str, Any]
) -> None:
    # rule E7: partner sites whose service radius reaches the place, nearest first
    portal.login("cm.nord")
    r = portal.get("/partners/search?postal_code=24105&type=debt-counselling")
    assert r.status_code == 200
    assert "1 passender Partner-Standort" in r.text
    assert re.search(r"<strong>\d+(,\d)? km</strong> entfernt", r.text)
    assert "Frau Jensen" in r.text and 'role="img"' in r.text
    _assert_escaped(r.text)
    far = portal.get("/partners/search?postal_code=80331")
    assert "0 passende Partner-Standorte" in far.text
    bad = portal.get("/partners/search?postal_code=abc&max_distance_km=-3")
    assert 'href="#f-postal_code"' in bad.text and 'href="#f-max_distance_km"' in bad.text
    unknown = portal.get("/partners/search?postal_code=24105&type=zauberei")
    assert "Unbekannter Partnertyp" in unknown.text


def test_overview_page_links_to_csv_and_pdf(portal: Portal, world: dict[str, Any]) -> None:
    # rule E8: the admitted providers valid in the region, by target group
    portal.login("officer.nord")
    r = portal.get("/overview")
    assert "Lotse Kiel e. V." in r.text
    assert "/api/v1/directory/overview?carrier=drv-nord&amp;format=csv" in r.text
    csv = portal.get("/api/v1/directory/overview?carrier=drv-nord&format=csv")
    assert csv.status_code == 200 and "Lotse Kiel e. V." in csv.text
    portal.login("admin")
    assert "– bitte wählen –" in portal.get("/overview").text
    assert "Lotse Kiel e. V." in portal.get("/overview?carrier=drv-nord").text


# --------------------------------------------------------------------------- officer


def test_officer_records_the_pending_contract(portal: Portal, world: dict[str, Any]) -> None:
    # rule A13: "Vertrag ausstehend" until the carrier that admitted records its contract
    portal.login("officer.nord")
    r = portal.get("/admissions?vertrag=offen")
    assert "Vertrag ausstehend" in r.text and "Lotse Kiel e. V." in r.text
    path = f"/providers/{world['kiel']}/contract"
    portal.get(path)
    r = portal.post(path, {"signed_on": "", "model_contract_version": ""})
    assert r.status_code == 422
    assert 'href="#f-signed_on"' in r.text and 'href="#f-model_contract_version"' in r.text
    r = portal.post(path, {"signed_on": "2099-01-01", "model_contract_version": HOSTILE})
    assert r.status_code == 422
    assert "A13" in r.text
    _assert_escaped(r.text)  # the typed value comes back escaped
    r = portal.post(path, {"signed_on": "2025-03-01", "model_contract_version": "2024-01"})
    assert r.status_code == 303
    done = portal.get(r.headers["location"])
    assert "Der Vertrag ist erfasst" in done.text
    assert "Lotse Kiel e. V." not in done.text
    portal.login("officer.hessen")
    portal.get(path)
    r = portal.post(path, {"signed_on": "2025-03-01", "model_contract_version": "2024-01"})
    assert r.status_code == 422
    assert re.search(r'class="staff-details">.*A13', r.text)  # the rule, in the staff line


def test_officer_reviews_an_admission_due(portal: Portal, world: dict[str, Any]) -> None:
    # rule A14: the review confirms, suspends or revokes, each with a reason
    portal.login("officer.nord")
    r = portal.get("/admissions/reviews?within_days=3650")
    assert "Lotse Kiel e. V." in r.text
    site = world["kiel_site"]
    prefix = f"review.{site}"
    r = portal.post(f"/admissions/{site}/review", {f"{prefix}.reason": "", "within_days": "3650"})
    assert r.status_code == 422
    assert f'href="#f-review-{site}-outcome"' in r.text
    assert f'href="#f-review-{site}-reason"' in r.text
    r = portal.post(
        f"/admissions/{site}/review",
        {f"{prefix}.outcome": "confirmed", f"{prefix}.reason": "Besuch am 3. März: alles gut."},
    )
    assert r.status_code == 303, r.text
    assert "Das Ergebnis der Überprüfung ist gespeichert" in portal.get(r.headers["location"]).text
    portal.login("officer.hessen")
    portal.get("/admissions/reviews")
    r = portal.post(
        f"/admissions/{site}/review",
        {f"{prefix}.outcome": "revoked", f"{prefix}.reason": "Fremder Träger"},
    )
    assert r.status_code in (404, 422)


# --------------------------------------------------------------------------- provider


def test_provider_keeps_site_details_current_and_confirms(
    portal: Portal, world: dict[str, Any]
) -> None:
    # rule A15: details help the choice; an edit or "Daten bestätigen" confirms the data
    site = world["kiel_site"]
    portal.login("anbieter.kiel")
    page = portal.get("/provider")
    assert f'action="/provider/sites/{site}/confirm"' in page.text
    portal.get(f"/provider/sites/{site}")
    r = portal.post(
        f"/provider/sites/{site}",
        {"opening_hours": "Mo–Fr 9–16 Uhr", "waiting_time_weeks": "200", "accepts_new_cases": "no"},
    )
    assert r.status_code == 422
    assert 'href="#f-waiting_time_weeks"' in r.text and "höchstens 104" in r.text
    r = portal.post(
        f"/provider/sites/{site}",
        {
            "opening_hours": f"Mo–Fr 9–16 Uhr {HOSTILE}",
            "counselling_modes": ["in_person", "video"],
            "accepts_new_cases": "no",
            "waiting_time_weeks": "3",
            "accessibility_notes": "Aufzug vorhanden",
        },
    )
    assert r.status_code == 303, r.text
    done = portal.get(r.headers["location"])
    assert "gespeichert und damit zugleich bestätigt" in done.text
    r = portal.post(f"/provider/sites/{site}/confirm", {})
    assert r.status_code == 303
    assert "Die Daten des Standorts sind bestätigt." in portal.get(r.headers["location"]).text
    portal.login("cm.nord")
    detail = portal.get(
        f"/search/providers/{world['kiel']}?postal_code=24105&target_group=addiction"
    )
    assert "zurzeit keine Aufnahme" in detail.text and "per Video" in detail.text
    _assert_escaped(detail.text)
    portal.login("anbieter.luebeck")
    assert portal.get(f"/provider/sites/{site}").status_code == 404  # not its site
    portal.get("/provider")
    assert portal.post(f"/provider/sites/{site}/confirm", {}).status_code == 404


def test_provider_reports_staff_changes(portal: Portal, world: dict[str, Any]) -> None:
    # rule A15: joined, changed, left; Q2-Q4 and Q8 re-run (rules explained on the page)
    portal.login("anbieter.kiel")
    r = portal.get("/provider/staff")
    assert "Anna Beispiel" in r.text and "Weg A:" in r.text
    r = portal.post("/provider/staff", {"cm.name": "", "cm.degree": "", "cm.languages": "de"})
    assert r.status_code == 422
    assert 'href="#f-cm-name"' in r.text and 'href="#f-cm-degree"' in r.text
    r = portal.post(
        "/provider/staff",
        {
            "cm.name": f"Carla {HOSTILE}",
            "cm.degree": "psychology",
            "cm.counselling_years": "3",
            "cm.social_law_units": "40",
            "cm.certificates": ["drv-curriculum"],
            "cm.target_groups": ["addiction"],
            "cm.joined_on": "2024-02-01",
            "cm.languages": "de, en",
        },
    )
    assert r.status_code == 303, r.text
    listed = portal.get(r.headers["location"])
    assert "Die Fallmanager*in ist eingetragen." in listed.text
    _assert_escaped(listed.text)
    cm_id = re.search(
        r'href="/provider/staff/(cm[^"/]+)">Ändern<span class="visually-hidden">: Carla',
        listed.text,
    )
    assert cm_id is not None
    edit = portal.get(f"/provider/staff/{cm_id.group(1)}")
    assert 'value="3"' in edit.text  # the form is filled
    r = portal.post(
        f"/provider/staff/{cm_id.group(1)}",
        {
            "cm.name": "Carla Neu",
            "cm.degree": "psychology",
            "cm.counselling_years": "4",
            "cm.social_law_units": "40",
            "cm.certificates": ["drv-curriculum", "case-manager-dgcc"],
            "cm.target_groups": ["addiction"],
            "cm.languages": "de",
        },
    )
    assert r.status_code == 303, r.text
    assert "Carla Neu" in portal.get("/provider/staff").text
    r = portal.post(
        f"/provider/staff/{cm_id.group(1)}", {"cm.name": "Anna Beispiel", "cm.degree": "pedagogy"}
    )
    assert r.status_code == 422
    assert "bereits erfasst" in r.text
    confirm = portal.get(f"/provider/staff/{cm_id.group(1)}/remove")
    assert "Carla Neu austragen?" in confirm.text
    r = portal.post(f"/provider/staff/{cm_id.group(1)}/remove", {})
    assert r.status_code == 303
    assert "Carla Neu" not in portal.get("/provider/staff").text
    portal.login("anbieter.luebeck")
    assert portal.get(f"/provider/staff/{cm_id.group(1)}").status_code == 404


def test_provider_saves_an_application_draft_and_continues_later(
    portal: Portal, world: dict[str, Any]
) -> None:
    # rule A1: a draft is no application; it is kept until submitted or discarded
    portal.login("anbieter.luebeck")
    portal.get("/applications/new")
    r = portal.post(
        "/applications/new",
        {
            "action": "draft",
            "site_count": "1",
            "cm_count": "2",
            "receiving_carrier": "drv-nord",
            "sites[0].name": f"Entwurfsstandort {HOSTILE}",
            "target_groups": ["oncology"],
        },
    )
    assert r.status_code == 303
    portal.logout()
    portal.login("anbieter.luebeck")
    again = portal.get("/applications/new")
    assert "Ihr Entwurf vom" in again.text
    _assert_escaped(again.text)
    assert "Entwurf verwerfen" in again.text
    assert 'value="oncology" checked' in again.text
    applications = portal.get("/applications")
    assert "Entwurfsstandort" not in applications.text  # nothing was submitted
    r = portal.post("/applications/new", {"action": "discard_draft"})
    assert r.status_code == 303
    assert "Ihr Entwurf vom" not in portal.get("/applications/new").text
    portal.login("officer.nord")
    portal.get("/applications/new")
    assert portal.post("/applications/new", {"action": "draft"}).status_code == 403


# --------------------------------------------------------------------------- network


def test_case_manager_edits_a_partner_and_its_contacts(
    portal: Portal, world: dict[str, Any]
) -> None:
    # rule N1: case managers keep partners and contacts current
    partner = world["partner"]
    portal.login("cm.nord")
    edit = portal.get(f"/partners/{partner}/edit")
    _assert_escaped(edit.text)
    assert 'value="Frau Jensen"' in edit.text
    fields = {
        "site_count": "2",
        "contact_count": "2",
        "name": "Schuldnerberatung Kiel",
        "type": "debt-counselling",
        "services": "Schuldnerberatung, Budgetberatung",
        "target_groups": ["addiction"],
        "active": True,
        "sites[0].id": re.search(r'name="sites\[0\]\.id" value="([^"]+)"', edit.text).group(1),  # type: ignore[union-attr]
        "sites[0].name": "Beratungsstelle Kiel",
        "sites[0].address.postal_code": "24103",
        "sites[0].service_radius_km": "30",
        "sites[1].name": "Außenstelle",
        "sites[1].address.postal_code": "2410",
        "sites[1].service_radius_km": "10",
        "contacts[0].name": "Frau Jensen",
        "contacts[0].role": "Leitung",
        "contacts[0].email": "j@example.org",
        "contacts[1].name": "Herr Nielsen",
        "contacts[1].role": "Beratung",
        "contacts[1].phone": "0431 123",
    }
    r = portal.post(f"/partners/{partner}/edit", {**fields, "action": "save"})
    assert r.status_code == 422
    assert 'href="#f-sites-1-address-postal_code"' in r.text  # next to the new site's field
    fields["sites[1].address.postal_code"] = "24143"
    r = portal.post(f"/partners/{partner}/edit", {**fields, "action": "save"})
    assert r.status_code == 303, r.text
    shown = portal.get(r.headers["location"])
    assert "Herr Nielsen" in shown.text and "Außenstelle" in shown.text
    assert "Die Änderungen sind gespeichert." in shown.text
    more = portal.post(f"/partners/{partner}/edit", {**fields, "action": "add_contact"})
    assert "Neue Ansprechperson (freiwillig)" in more.text
    portal.login("cm.hessen")
    assert portal.get(f"/partners/{partner}/edit").status_code == 403


def test_strategist_edits_versions_suspends_and_terminates_an_agreement(
    portal: Portal, world: dict[str, Any]
) -> None:
    # rules N3-N5: a draft changes in place, an active agreement gets a new version
    agreement = _agreement(portal, "Zusammenarbeit Schuldnerberatung")
    portal.login("strategist.nord")
    edit = portal.get(f"/agreements/{agreement}/edit")
    assert 'value="Zusammenarbeit Schuldnerberatung"' in edit.text
    assert "Rollen sind verteilt." in edit.text

    def form(**over: Any) -> dict[str, Any]:
        base = {
            "title": "Zusammenarbeit Schuldnerberatung Kiel",
            "kind": "cooperation_agreement",
            "purpose": "general",
            "carriers": ["drv-nord"],
            "partners": [world["partner"]],
            "scope.level": "state",
            "scope.state": "Schleswig-Holstein",
            "valid_from": "2026-01-01",
            "contents.roles": "Rollen sind verteilt.",
        }
        base.update(over)
        return base

    r = portal.post(f"/agreements/{agreement}/edit", form(title=""))
    assert r.status_code == 422 and 'href="#f-title"' in r.text
    r = portal.post(f"/agreements/{agreement}/edit", form())
    assert r.status_code == 303
    shown = portal.get(r.headers["location"])
    assert "Zusammenarbeit Schuldnerberatung Kiel" in shown.text and "(Version 1)" in shown.text
    r = portal.post(f"/agreements/{agreement}/activate", {"override_reason": "Erprobung"})
    assert r.status_code == 303
    r = portal.post(
        f"/agreements/{agreement}/edit",
        form(**{"contents.roles": f"Neue Rollen {HOSTILE}"}),
    )
    assert r.status_code == 303, r.text
    shown = portal.get(r.headers["location"])
    assert "(Version 2)" in shown.text and "Version 1, in Kraft ab" in shown.text
    _assert_escaped(shown.text)
    r = portal.post(f"/agreements/{agreement}/status", {"status_action": "suspend"})
    assert r.status_code == 422 and 'href="#f-status_reason"' in r.text
    r = portal.post(
        f"/agreements/{agreement}/status",
        {"status_action": "suspend", "status_reason": "Partner zieht um."},
    )
    assert r.status_code == 303
    assert "Die Vereinbarung ist ausgesetzt." in portal.get(r.headers["location"]).text
    r = portal.post(
        f"/agreements/{agreement}/status",
        {"status_action": "terminate", "status_reason": "Partner hat geschlossen."},
    )
    assert r.status_code == 303
    ended = portal.get(r.headers["location"])
    assert "beendet" in ended.text and "/edit" not in ended.text
    due = portal.get("/agreements/due?within_days=3650")
    assert due.status_code == 200 and "Vereinbarungen zur Überprüfung" in due.text
    portal.login("strategist.hessen")
    assert portal.get(f"/agreements/{agreement}/edit").status_code in (403, 404)


def test_agreement_notices_link_to_the_agreement_and_are_acknowledged(
    portal: Portal, world: dict[str, Any]
) -> None:
    # rule N4: the carriers of the region are told; their strategists acknowledge
    from registry.network.agreement_drafts import create_agreement

    created = create_agreement(
        portal.registry,
        principal_of(portal.registry, "strategist.bund"),
        {
            "kind": "letter_of_intent",
            "title": f"Absicht {HOSTILE} Bund",
            "carriers": ["drv-bund"],
            "partners": [world["partner"]],
            "scope": {"level": "state", "state": "Schleswig-Holstein"},
            "valid_from": "2026-01-01",
            "contents": {},
        },
    )
    portal.login("strategist.nord")
    text = portal.get("/notices").text
    assert f'<a href="/agreements/{created["id"]}">' in text
    _assert_escaped(text)
    notice = re.search(r'action="(/notices/[^"]+/acknowledge)"', text)
    assert notice is not None
    r = portal.post(notice.group(1), {})
    assert r.status_code == 303
    assert "Der Hinweis ist bestätigt." in portal.get(r.headers["location"]).text
    portal.login("strategist.hessen")
    assert f'href="/agreements/{created["id"]}"' not in portal.get("/notices").text


def test_coverage_map_and_announcement_from_a_gap(portal: Portal, world: dict[str, Any]) -> None:
    # rules N6, N7, A12: gaps at a glance, unmet need beside supply, announcement from a gap
    from registry.network.unmet_need import record_unmet_need

    record_unmet_need(
        portal.registry,
        principal_of(portal.registry, "cm.nord"),
        {"postal_code": "24105", "target_groups": ["oncology"]},
    )
    portal.login("strategist.nord")
    r = portal.get("/coverage?target_group=oncology")
    assert r.status_code == 200
    assert r.text.count('class="map-marker map-gap"') > 300  # nearly every district: no provider
    assert 'class="map-ring"' in r.text  # the recorded need
    assert 'id="bedarf"' in r.text
    link = re.search(
        r'href="(/announcements/new\?target_group=oncology&amp;district=(\d{5}))"', r.text
    )
    assert link is not None
    form = portal.get(link.group(1).replace("&amp;", "&"))
    assert 'value="oncology" checked' in form.text
    assert f'value="{link.group(2)}"' in form.text
    assert "sucht zugelassene Anbieter von Fallmanagement" in form.text
    hamburg = portal.get("/coverage?target_group=oncology&land=Hamburg")
    assert '<h2 id="tabelle">Kreise in Hamburg</h2>' in hamburg.text
    assert hamburg.text.count('<th scope="row">') == 1 + hamburg.text.count("(Schleswig-Holstein)")
    portal.login("admin")
    admin_view = portal.get("/coverage?target_group=addiction&lookahead_days=30")
    assert 'class="map-marker map-covered"' in admin_view.text
    assert "Bekanntmachung starten" not in admin_view.text  # admins do not publish


def test_outline_is_a_small_simplified_polygon() -> None:
    # the offline map: Germany's outline, committed, small, with provenance
    import json

    from portal import maps

    data = json.loads(maps.OUTLINE_FILE.read_text(encoding="utf-8"))
    assert "OpenStreetMap" in data["licence"]
    assert 1 <= len(data["rings"]) <= 10
    assert sum(len(r) for r in data["rings"]) < 1000
    x, y = maps.project(53.87, 10.69)  # Lübeck lies inside the map
    left, top, width, height = (float(v) for v in maps.draw([]).view_box.split())
    assert left <= x <= left + width and top <= y <= top + height
    view = maps.draw([maps.Marker(54.32, 10.13, "site", "1")], fit=True)
    assert view.zoomed and view.markers[0]["label"] == "1"
