"""The portal page "Netz um einen Kreis" (issue 12): who serves a district for a target group,
drawn as server-side SVG with the same facts as tables; reached from the coverage page."""

from __future__ import annotations

import re
from typing import Any

import pytest

from registry import clock
from tests.portal.conftest import PASSWORD, Portal
from tests.portal.test_portal import decide_all, principal_of, register_provider, submit

HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
KIEL = "01002"
PAGE = f"/network/around?district={KIEL}&target_group=addiction"


@pytest.fixture(scope="module")
def world(portal: Portal) -> dict[str, Any]:
    """A provider admitted in Kiel for addiction, a partner in Kiel serving addiction with an
    agreement in force for Kiel (parties DRV Nord and DRV Bund)."""
    from registry.auth.service import add_user
    from registry.network.agreement_drafts import create_agreement
    from registry.network.agreement_invitations import accept_invitation
    from registry.network.agreement_status import activate_agreement
    from registry.network.partners import create_partner

    reg = portal.registry
    add_user(
        reg,
        username="strategist.bund",
        password=PASSWORD,
        role="network_strategist",
        carrier="drv-bund",
    )
    register_provider(portal, "anbieter.around", "Suchtlotse Kiel gGmbH")
    app = submit(
        portal, "anbieter.around", "drv-nord", [("Kiel Förde", "24103", "Kiel")], ["addiction"]
    )
    decide_all(portal, "officer.nord", app)
    partner = create_partner(
        reg,
        principal_of(reg, "cm.nord"),
        {
            "name": f"Suchtberatung {HOSTILE} Kiel",
            "type": "addiction-counselling",
            "sites": [
                {
                    "name": "Beratungsstelle",
                    "address": {"street": "Holstenstraße 2", "postal_code": "24103", "place": ""},
                    "service_radius_km": 20,
                }
            ],
            "services": ["Suchtberatung"],
            "target_groups": ["addiction"],
            "contacts": [{"name": "Herr Petersen", "role": "Beratung", "email": "p@example.org"}],
        },
    )
    strategist = principal_of(reg, "strategist.nord")
    agreement = create_agreement(
        reg,
        strategist,
        {
            "kind": "cooperation_agreement",
            "purpose": "general",
            "title": "Kooperation Sucht Kiel",
            "carriers": ["drv-nord", "drv-bund"],
            "partners": [partner["id"]],
            "scope": {"level": "districts", "districts": [KIEL]},
            "valid_from": clock.today().isoformat(),
            "contents": {"roles": "Rollen sind verteilt."},
        },
    )
    # rule N4: DRV Bund is invited and accepts before the agreement takes effect
    accept_invitation(reg, principal_of(reg, "strategist.bund"), agreement["id"])
    activate_agreement(reg, strategist, agreement["id"], override_reason="Pilotphase")
    return {"partner": partner["id"], "agreement": agreement["id"]}


def test_page_draws_who_serves_the_district_with_labels_and_tables(
    portal: Portal, world: dict[str, Any]
) -> None:
    portal.login("strategist.nord")
    r = portal.get(PAGE)
    assert r.status_code == 200, r.text
    html = r.text
    # the drawing: inline SVG, an image with title and description, nothing from elsewhere
    assert '<svg viewBox="0 0' in html and 'role="img"' in html
    assert 'aria-labelledby="netz-title netz-desc"' in html
    assert 'src="http' not in html and "https://" not in html.split("<main", 1)[-1]
    # labels, not codes
    assert "Abhängigkeitserkrankungen" in html
    assert ">DRV Nord<" in html and ">DRV Bund<" in html
    main = html.split("<main", 1)[-1]
    assert ">addiction<" not in main and ">drv-nord<" not in main
    # the facts: the admitted site and its provider, the agreement, its partner and parties
    for text in ("Kiel Förde", "Suchtlotse Kiel gGmbH", "Kooperation Sucht Kiel"):
        assert text in html
    # the same facts as tables (the drawing's text equivalent)
    assert '<h2 id="standorte">' in html and '<h2 id="verbindungen">' in html
    row = re.search(r"<tr><th scope=\"row\">Kiel Förde</th><td>(.*?)</td><td>(.*?)</td></tr>", html)
    assert row is not None and row.groups() == ("Suchtlotse Kiel gGmbH", "DRV Nord")
    assert "ist Vertragspartei von" in html and "hat zugelassen" in html
    assert f'href="/agreements/{world["agreement"]}"' in html  # a strategist may open it
    assert f'href="/partners/{world["partner"]}"' in html
    # hostile text is escaped, in the picture and in the tables
    assert HOSTILE not in html and ESCAPED in html


def test_case_managers_see_it_others_are_refused(portal: Portal, world: dict[str, Any]) -> None:
    # docs/rules.md §9: case managers and strategists; nobody else
    portal.login("cm.nord")
    r = portal.get(PAGE)
    assert r.status_code == 200
    assert 'href="/network/around"' in r.text  # in the navigation
    assert f'href="/agreements/{world["agreement"]}"' not in r.text  # agreements: strategists
    for user in ("officer.nord", "reader.nord", "admin"):
        portal.login(user)
        assert portal.get(PAGE).status_code == 403, user


def test_unknown_district_is_shown_next_to_the_field(portal: Portal, world: dict[str, Any]) -> None:
    portal.login("strategist.nord")
    r = portal.get("/network/around?district=99999&target_group=addiction")
    assert r.status_code == 200
    assert 'id="error-summary"' in r.text
    assert "Unbekannter Kreis: 99999" in r.text
    assert 'aria-invalid="true"' in r.text
    assert "<svg" not in r.text.split("<main", 1)[-1]
    empty = portal.get("/network/around")
    assert empty.status_code == 200
    assert "Wählen Sie einen Kreis und eine Zielgruppe." in empty.text


def test_coverage_links_each_district_to_its_network(portal: Portal, world: dict[str, Any]) -> None:
    portal.login("strategist.nord")
    r = portal.get("/coverage?target_group=addiction&land=Schleswig-Holstein")
    assert f'href="/network/around?district={KIEL}&amp;target_group=addiction"' in r.text
    portal.login("admin")
    r = portal.get("/coverage?target_group=addiction")
    assert "/network/around" not in r.text  # admins read coverage, not the network page
