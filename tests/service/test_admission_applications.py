"""Use cases of submitting, reading and withdrawing applications, on the fakes: no database."""

from __future__ import annotations

from pathlib import Path

import pytest

from registry.admission.applications import (
    get_application,
    list_applications,
    withdraw_application,
)
from registry.admission.providers import get_provider, register_provider
from registry.errors import Forbidden, InvalidInput, NotFound
from tests.service.admission_world import (
    CASE_MANAGER,
    OFFICER_BAYERN,
    OFFICER_BUND,
    OFFICER_HESSEN,
    OFFICER_NORD,
    site,
    world,
)


def test_the_receiving_carrier_responsible_for_a_site_leads(tmp_path: Path) -> None:
    w = world(tmp_path)
    provider = w.add_provider()
    app = w.submit(
        provider, "drv-nord", [site("Lübeck", "23556", headquarters=True)], ["addiction"]
    )

    # rule A4: DRV Nord is responsible for Lübeck, so it leads; nothing is forwarded
    assert app["lead_carrier"] == "drv-nord" and app["forwarded"] is False
    assert app["status"] == "submitted" and app["version"] == 1
    (lubeck,) = app["sites"]
    # rule A1/A2: the address resolved to its district and responsible carrier
    assert lubeck["responsible_carrier"] == "drv-nord" and lubeck["district_key"] == "01003"
    assert lubeck["target_group_status"] == {"addiction": "pending"}
    # rule A10: the submission is in the audit trail
    assert w.actions(app["id"]) == ["application.submitted"]
    assert [e["action"] for e in app["history"]] == ["application.submitted"]
    # stored through the repositories: one site, the named case managers on the staff
    assert set(w.providers.site_rows) == {lubeck["id"]}
    assert len(w.providers.case_managers(provider.provider or "")) == 2


def test_a_receiving_carrier_responsible_for_no_site_forwards_the_application(
    tmp_path: Path,
) -> None:
    w = world(tmp_path)
    # rule A3: DRV Bund has no region; of Kassel (Hessen) and Lübeck (Nord) the headquarters
    # site decides who leads
    app = w.submit(
        OFFICER_BUND,
        "drv-bund",
        [site("Kassel", "34117"), site("Lübeck", "23556", headquarters=True)],
        ["addiction"],
    )
    assert app["forwarded"] is True and app["lead_carrier"] == "drv-nord"
    assert app["receiving_carrier"] == "drv-bund"
    assert [s["name"] for s in app["sites"]] == ["Kassel", "Lübeck"]  # the listed order
    # rule A10: the forwarding is recorded as the system's step
    assert w.actions(app["id"]) == ["application.submitted", "application.forwarded"]
    forwarded = next(e for e in w.audit.events if e["action"] == "application.forwarded")
    assert forwarded["actor"] == "system" and forwarded["carrier"] == "drv-bund"


def test_without_a_headquarters_the_carrier_of_most_sites_leads(tmp_path: Path) -> None:
    w = world(tmp_path)
    # rule A3 (design decision): the carrier responsible for the most sites
    app = w.submit(
        OFFICER_BAYERN,
        "drv-bayern-sued",
        [site("Kassel", "34117"), site("Kiel", "24103"), site("Lübeck", "23556")],
        ["addiction"],
    )
    assert app["forwarded"] is True and app["lead_carrier"] == "drv-nord"


def test_bad_input_names_field_and_rule(tmp_path: Path) -> None:
    w = world(tmp_path)
    provider = w.add_provider()
    with pytest.raises(InvalidInput) as bad:
        w.submit(provider, "drv-nirgendwo", [site("Lübeck", "23556")], ["addiction"])
    assert [(p.field, p.rule) for p in bad.value.problems] == [("receiving_carrier", "A1")]
    with pytest.raises(InvalidInput) as bad:
        w.submit(provider, "drv-nord", [site("Irgendwo", "00000")], ["addiction"])
    assert bad.value.problems[0].field == "sites[0].address.postal_code"
    # rule A1: a provider applies for itself only
    other = w.add_provider("Andere gGmbH")
    with pytest.raises(InvalidInput) as bad:
        w.submit(
            provider, "drv-nord", [site("Lübeck", "23556")], ["addiction"], provider={"id": "x"}
        )
    assert bad.value.problems[0].field == "provider.id"
    assert other.provider not in {a["provider_id"] for a in w.admissions.applications.values()}
    # only providers and admissions offices submit
    with pytest.raises(Forbidden):
        w.submit(CASE_MANAGER, "drv-nord", [site("Lübeck", "23556")], ["addiction"])
    assert w.admissions.applications == {} and w.providers.site_rows == {}


def test_a_second_application_at_the_same_address_names_the_existing_site(
    tmp_path: Path,
) -> None:
    w = world(tmp_path)
    provider = w.add_provider()
    address = {"street": "Lübsche Straße 12", "postal_code": "23966", "place": "Wismar"}
    first = w.submit(
        provider, "drv-nord", [site("Wismar", "23966", address=address)], ["addiction"]
    )
    w.decide(first, OFFICER_NORD, addiction=True)
    site_id = first["sites"][0]["id"]

    # rule A9: the same address spelt differently is the same site; no second site is created
    spelt = {"street": "luebsche str. 12", "postal_code": "23966", "place": "WISMAR"}
    second = w.submit(
        provider, "drv-nord", [site("Wismar neu", "23966", address=spelt)], ["mental-health"]
    )
    assert [s["id"] for s in second["sites"]] == [site_id]
    assert set(w.providers.site_rows) == {site_id}
    w.decide(second, OFFICER_NORD, mental_health=True)

    # rule A9: admissions of both applications accumulate on the one site
    profile = get_provider(w.reg, OFFICER_NORD, provider.provider or "")
    assert [s["id"] for s in profile["sites"]] == [site_id]
    assert profile["sites"][0]["target_group_status"] == {
        "addiction": "admitted",
        "mental-health": "admitted",
    }
    # each application keeps what it asked for
    again = get_application(w.reg, provider, first["id"])
    assert again["sites"][0]["target_group_status"] == {"addiction": "admitted"}

    # rule A9: the same group at that site again is no addition
    with pytest.raises(InvalidInput) as dup:
        w.submit(provider, "drv-nord", [site("Wismar", "23966", address=address)], ["addiction"])
    assert dup.value.problems[0].rule == "A9"
    # rule A9: a site named by id must be one of the provider's own
    with pytest.raises(InvalidInput) as unknown:
        w.submit(
            provider,
            "drv-nord",
            [{**site("Wismar", "23966"), "id": "site-unknown"}],
            ["oncology"],
        )
    assert unknown.value.problems[0].field == "sites[0].id"


def test_who_sees_an_application(tmp_path: Path) -> None:
    w = world(tmp_path)
    provider = w.add_provider()
    app = w.submit(
        provider, "drv-nord", [site("Lübeck", "23556"), site("Kassel", "34117")], ["addiction"]
    )
    # docs/rules.md §9: the provider its own; officers of the carriers involved (receiving, lead,
    # responsible for a named site); nobody else
    assert get_application(w.reg, provider, app["id"])["id"] == app["id"]
    assert get_application(w.reg, OFFICER_HESSEN, app["id"])["id"] == app["id"]
    with pytest.raises(NotFound):
        get_application(w.reg, OFFICER_BAYERN, app["id"])
    with pytest.raises(NotFound):
        get_application(w.reg, w.add_provider("Andere gGmbH"), app["id"])

    assert [a["id"] for a in list_applications(w.reg, OFFICER_HESSEN)] == [app["id"]]
    listed = list_applications(w.reg, OFFICER_NORD)
    assert listed[0]["we_lead"] is True and listed[0]["provider"]["name"] == "Beratung Nord gGmbH"
    assert list_applications(w.reg, OFFICER_BAYERN) == []
    assert [a["id"] for a in list_applications(w.reg, provider, "submitted")] == [app["id"]]
    with pytest.raises(Forbidden):
        list_applications(w.reg, CASE_MANAGER)


def test_the_provider_withdraws_and_open_follow_ons_are_cancelled(tmp_path: Path) -> None:
    w = world(tmp_path)
    provider = w.add_provider()
    app = w.submit(
        provider, "drv-nord", [site("Lübeck", "23556"), site("Kassel", "34117")], ["addiction"]
    )
    decided = w.decide(app, OFFICER_NORD, addiction=True)
    (task,) = w.admissions.follow_ons(status="open")

    # rule A9: only the provider withdraws, with a reason
    with pytest.raises(Forbidden):
        withdraw_application(w.reg, OFFICER_NORD, app["id"], "Kein Bedarf")
    withdrawn = withdraw_application(w.reg, provider, app["id"], "Wir schließen den Standort.")
    assert withdrawn["status"] == "withdrawn"
    assert {s["admission_status"] for s in withdrawn["sites"]} == {"withdrawn"}
    # rule A7: the open follow-on task is cancelled in the same unit of work
    assert w.admissions.get_follow_on(task["id"])["status"] == "cancelled"  # type: ignore[index]
    # rule A10 and A8: recorded with its reason; the admitted site's carrier and the federal
    # carriers are told
    event = next(e for e in w.audit.events if e["action"] == "application.withdrawn")
    assert event["reason"] == "Wir schließen den Standort."
    assert {"drv-nord", "drv-bund", "drv-knappschaft-bahn-see"} <= w.notified(app["id"])
    # the directory is told of both sites
    assert {r["ref_id"] for r in w.outbox.rows.values()} == {s["id"] for s in decided["sites"]}


def test_a_provider_registers_itself_with_its_first_user_and_gets_no_admission(
    tmp_path: Path,
) -> None:
    w = world(tmp_path)
    data = {"name": "Neu gGmbH", "legal_form": "gGmbH", "email": "neu@example.org"}
    user = {"username": "anbieter.neu", "password": "ein-langes-passwort-2026"}
    provider = register_provider(w.reg, None, data, first_user=user)
    # registration confers no admission (A1 starts with an application)
    assert provider["name"] == "Neu gGmbH" and provider["sites"] == []
    assert w.actions(provider["id"]) == ["provider.registered"]
    with pytest.raises(InvalidInput) as taken:
        register_provider(w.reg, None, data, first_user=user)
    assert taken.value.problems[0].field == "user.username"
    # officers and admins create providers; nobody else
    with pytest.raises(Forbidden):
        register_provider(w.reg, CASE_MANAGER, data)


def test_a_paper_application_names_the_officers_own_carrier_and_leaves_live_staff(
    tmp_path: Path,
) -> None:
    # issue 14, finding 3: an officer files for its own carrier only (A1), and an application
    # for an existing provider keeps its staff as its own record; the live staff list changes
    # only through the provider's staff endpoints (A15)
    from tests.api.helpers import case_manager

    w = world(tmp_path)
    provider = w.add_provider()
    groups = ["addiction"]
    first = w.submit(provider, "drv-nord", [site("Lübeck", "23556")], groups)
    pid = provider.provider or ""
    staff = w.providers.case_managers(pid)
    assert sorted(c["name"] for c in staff) == ["Anna Beispiel", "Bernd Muster"]  # first: creates
    changed = case_manager("Anna Beispiel", groups, degree="other", counselling_years=0)
    injected = case_manager("Eingeschleust", groups)
    with pytest.raises(InvalidInput) as bad:
        w.submit(
            OFFICER_HESSEN,
            "drv-nord",
            [site("Kiel", "24103")],
            groups,
            provider={"id": pid},
            case_managers=[changed, injected],
        )
    assert [(p.field, p.rule) for p in bad.value.problems] == [("receiving_carrier", "A1")]
    paper = w.submit(
        OFFICER_HESSEN,
        "drv-hessen",
        [site("Kiel", "24103")],
        groups,
        provider={"id": pid},
        case_managers=[changed, injected],
    )
    assert paper["receiving_carrier"] == "drv-hessen"
    later = w.submit(
        provider,
        "drv-nord",
        [site("Wismar", "23966")],
        groups,
        case_managers=[changed, injected],
    )
    assert w.providers.case_managers(pid) == staff  # neither rewrote the live staff
    for app in (paper, later):  # each application keeps the staff it named
        full = get_application(w.reg, OFFICER_HESSEN if app is paper else provider, app["id"])
        assert [c["name"] for c in full["case_managers"]] == ["Anna Beispiel", "Eingeschleust"]
    assert first["id"] != paper["id"]
