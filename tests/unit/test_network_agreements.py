"""Unit tests of the pure network rules N1–N5 (registry/network/*_rules.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.dates import add_months
from registry.errors import IllegalTransition, InvalidInput
from registry.network.agreement_frame_rules import validate_agreement
from registry.network.content_rules import (
    GENERAL_CONTENTS,
    REFERRAL_CONTENTS,
    due_for_review,
    missing_contents,
    next_review_date,
)
from registry.network.lifecycle_rules import (
    TRANSITIONS,
    activate,
    expire_due,
    next_status,
    resume,
    suspend,
    terminate,
)
from registry.network.model import (
    PARTNER_TYPES,
    Agreement,
    AgreementAction,
    AgreementKind,
    AgreementStatus,
    Contact,
    Partner,
    PartnerSite,
    Purpose,
    Scope,
    ScopeLevel,
)
from registry.network.partner_rules import validate_partner
from registry.network.responsibility_rules import may_manage, notified_carriers
from registry.network.rule_errors import IncompleteAgreement
from registry.network.version_rules import apply_changes, edit_draft, new_version

TODAY = date(2025, 6, 1)


def general_contents() -> dict[str, Any]:
    return {
        "roles": "Jobcenter vermittelt, DRV berät",
        "target_groups": ["addiction", "mental-health"],
        "services": ["Schuldnerberatung"],
        "contacts": [{"name": "A. Muster", "role": "Leitung", "email": "a@example.de"}],
        "reaction_time_days": 5,
        "channels": ["digital", "phone"],
        "common_documents": ["Überleitungsbogen"],
        "documentation": "Verlaufsbogen nach jedem Kontakt",
        "data_protection": "Einwilligung nach §67b SGB X",
        "review": {"interval_months": 12},
    }


def referral_contents() -> dict[str, Any]:
    return {
        "target_group_criteria": "Versicherte nach Reha mit komplexem Bedarf",
        "transmission": "Überleitungsbogen per sicherer E-Mail",
        "data_protection": "Einwilligung liegt vor",
        "contacts": [{"name": "B. Beispiel", "phone": "0451 123456"}],
        "informing_target_group": "Flyer in der Reha-Einrichtung",
        "review": {"next_review": "2026-01-15"},
    }


def partner(**changes: Any) -> Partner:
    base = Partner(
        id="p1",
        name="Jobcenter Lübeck",
        type="jobcenter",
        sites=(PartnerSite("Hauptstelle", 53.87, 10.69, 25.0, "01003"),),
        services=("Vermittlung",),
        target_groups=("addiction",),
        contacts=(Contact("C. Kontakt", "Teamleitung", "c@jobcenter.de", "", "Mo–Fr 9–12"),),
        carriers=("drv-nord",),
    )
    return replace(base, **changes)


def agreement(**changes: Any) -> Agreement:
    base = Agreement(
        id="a1",
        kind=AgreementKind.COOPERATION_AGREEMENT,
        purpose=Purpose.GENERAL,
        title="Kooperation Sucht Lübeck",
        carriers=("drv-nord",),
        partners=("p1",),
        scope=Scope.of_districts("01003"),
        valid_from=date(2025, 1, 1),
        valid_until=date(2027, 12, 31),
        contents=general_contents(),
    )
    return replace(base, **changes)


def fields(problems: list[Any]) -> set[str]:
    return {p.field for p in problems}


# --- N1 ------------------------------------------------------------------------------------------


def test_valid_partner_has_no_problems() -> None:
    # rule N1
    assert validate_partner(partner(), known_carriers={"drv-nord"}) == []


def test_partner_type_codes_are_the_sixteen_of_n1() -> None:
    # rule N1
    assert len(PARTNER_TYPES) == 16 and len(set(PARTNER_TYPES)) == 16
    assert {"drv-internal", "self-help-contact-point", "other"} <= set(PARTNER_TYPES)


def test_partner_problems_are_all_listed() -> None:
    # rule N1
    bad = partner(
        name="  ",
        type="bank",
        sites=(PartnerSite("", 53.8, 10.6, 0.0, ""),),
        services=(),
        target_groups=("astrology",),
        contacts=(Contact(" ", "", "", ""), Contact("D", "Rolle", "kein-at", "12")),
        carriers=("drv-mars",),
    )
    problems = validate_partner(bad, known_carriers={"drv-nord"})
    assert all(p.rule == "N1" for p in problems)
    assert fields(problems) == {
        "name",
        "type",
        "sites[0].name",
        "sites[0].address",
        "sites[0].service_radius_km",
        "services",
        "target_groups[0]",
        "contacts[0].name",
        "contacts[0].role",
        "contacts[0]",
        "contacts[1].email",
        "contacts[1].phone",
        "carriers[0]",
    }


def test_partner_needs_a_site_and_a_contact() -> None:
    # rule N1
    problems = validate_partner(partner(sites=(), contacts=(), target_groups=()))
    assert fields(problems) == {"sites", "contacts", "target_groups"}


def test_partner_contact_reachable_by_phone_only_is_fine() -> None:
    # rule N1
    p = partner(contacts=(Contact("E. Telefon", "Beratung", phone="+49 451 / 12-34"),))
    assert validate_partner(p) == []


# --- N2 ------------------------------------------------------------------------------------------


def test_procedure_agreement_only_among_social_benefit_carriers() -> None:
    # rule N2
    types = {"p1": "jobcenter", "p2": "health-insurer", "p3": "debt-counselling"}
    ok = agreement(kind=AgreementKind.PROCEDURE_AGREEMENT, partners=("p1", "p2"))
    assert validate_agreement(ok, partner_types=types) == []
    bad = agreement(kind=AgreementKind.PROCEDURE_AGREEMENT, partners=("p1", "p3"))
    problems = validate_agreement(bad, partner_types=types)
    assert [(p.field, p.rule) for p in problems] == [("partners[1]", "N2")]
    # The same partners are fine in a cooperation agreement.
    assert (
        validate_agreement(
            replace(bad, kind=AgreementKind.COOPERATION_AGREEMENT), partner_types=types
        )
        == []
    )


def test_agreement_needs_parties_and_a_valid_period() -> None:
    # rule N2
    bad = agreement(
        title=" ",
        carriers=(),
        partners=(),
        valid_from=date(2025, 1, 1),
        valid_until=date(2025, 1, 1),
    )
    problems = validate_agreement(bad, partner_types={})
    assert fields(problems) == {"title", "carriers", "partners", "valid_until"}


def test_agreement_open_ended_is_allowed_and_unknown_references_are_reported() -> None:
    # rule N2
    a = agreement(valid_until=None, carriers=("drv-nord", "drv-x"), partners=("p1", "p9"))
    problems = validate_agreement(a, partner_types={"p1": "jobcenter"}, known_carriers={"drv-nord"})
    assert fields(problems) == {"carriers[1]", "partners[1]"}


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        (Scope(ScopeLevel.DISTRICTS), {"scope.districts"}),
        (Scope(ScopeLevel.DISTRICTS, frozenset({"99999"})), {"scope.districts"}),
        (Scope(ScopeLevel.STATE), {"scope.state"}),
        (Scope(ScopeLevel.STATE, state="Atlantis"), {"scope.state"}),
        (Scope(ScopeLevel.NATIONAL, state="Bayern"), {"scope"}),
        (Scope.of_state("Hamburg"), set()),
        (Scope.national(), set()),
    ],
)
def test_scope_shapes(scope: Scope, expected: set[str]) -> None:
    # rule N2
    problems = validate_agreement(
        agreement(scope=scope),
        partner_types={"p1": "jobcenter"},
        known_districts={"01003"},
        known_states={"Hamburg", "Bayern"},
    )
    assert fields(problems) == expected


# --- N3 ------------------------------------------------------------------------------------------


def test_complete_contents_miss_nothing() -> None:
    # rule N3
    assert missing_contents(Purpose.GENERAL, general_contents()) == []
    assert missing_contents(Purpose.REFERRAL, referral_contents()) == []


def test_empty_contents_list_every_element() -> None:
    # rule N3
    general = missing_contents(Purpose.GENERAL, {})
    assert [m.field for m in general] == [f"contents.{k}" for k in GENERAL_CONTENTS]
    referral = missing_contents(Purpose.REFERRAL, {})
    assert [m.field for m in referral] == [f"contents.{k}" for k in REFERRAL_CONTENTS]
    assert all(m.rule == "N3" and m.message for m in general + referral)


@given(st.sets(st.sampled_from(GENERAL_CONTENTS)))
def test_missing_contents_names_exactly_what_was_removed(removed: set[str]) -> None:
    # rule N3
    contents = {k: v for k, v in general_contents().items() if k not in removed}
    missing = missing_contents(Purpose.GENERAL, contents)
    assert {m.field for m in missing} == {f"contents.{k}" for k in removed}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("roles", "   "),
        ("roles", []),
        ("target_groups", ["addiction", "astrology"]),
        ("services", ["ok", " "]),
        ("reaction_time_days", 0),
        ("reaction_time_days", True),
        ("reaction_time_days", "3"),
        ("channels", []),
        ("channels", ["digital", "fax"]),
        ("common_documents", "Bogen"),
        ("documentation", ""),
        ("data_protection", None),
        ("review", {}),
        ("review", {"interval_months": 0}),
        ("review", {"next_review": "demnächst"}),
        ("review", {"interval_months": 12, "next_review": "nie"}),
    ],
)
def test_unusable_content_counts_as_missing(key: str, value: Any) -> None:
    # rule N3
    contents = general_contents() | {key: value}
    assert [m.field for m in missing_contents(Purpose.GENERAL, contents)] == [f"contents.{key}"]


def test_each_contact_needs_a_name_and_a_way_to_reach() -> None:
    # rule N3
    contents = general_contents() | {
        "contacts": [{"name": "ok", "phone": "040 1234"}, {"name": " ", "email": ""}, "x"]
    }
    fields_missing = [m.field for m in missing_contents(Purpose.GENERAL, contents)]
    assert fields_missing == [
        "contents.contacts[1].name",
        "contents.contacts[1]",
        "contents.contacts[2]",
    ]
    empty = general_contents() | {"contacts": []}
    assert [m.field for m in missing_contents(Purpose.GENERAL, empty)] == ["contents.contacts"]


# --- lifecycle (N3 gate, N5 versions) ------------------------------------------------------------


def test_transition_table_is_explicit_and_everything_else_raises() -> None:
    # rule N3 (gate) / lifecycle
    for status in AgreementStatus:
        for action in AgreementAction:
            if (status, action) in TRANSITIONS:
                assert next_status(status, action) is TRANSITIONS[(status, action)]
            else:
                with pytest.raises(IllegalTransition) as info:
                    next_status(status, action)
                assert info.value.message
    assert not any(
        s in (AgreementStatus.TERMINATED, AgreementStatus.EXPIRED) for s, _ in TRANSITIONS
    )


def test_activate_complete_agreement() -> None:
    # rule N3
    active = activate(agreement(), today=TODAY)
    assert active.status is AgreementStatus.ACTIVE
    assert active.override_reason is None
    assert active.activated_on == TODAY
    assert active.next_review == date(2026, 6, 1)


def test_activate_incomplete_lists_every_missing_content() -> None:
    # rule N3
    draft = agreement(contents={"roles": "x", "services": ["y"]})
    with pytest.raises(IncompleteAgreement) as info:
        activate(draft, today=TODAY)
    assert [m.field for m in info.value.missing] == [
        f"contents.{k}" for k in GENERAL_CONTENTS if k not in ("roles", "services")
    ]
    assert len(info.value.problems) == len(info.value.missing)


def test_activate_incomplete_with_override_reason_records_it() -> None:
    # rule N3
    draft = agreement(contents={"roles": "x"})
    with pytest.raises(IncompleteAgreement):
        activate(draft, today=TODAY, override_reason="   ")
    active = activate(draft, today=TODAY, override_reason=" Pilotphase, Inhalte folgen ")
    assert active.status is AgreementStatus.ACTIVE
    assert active.override_reason == "Pilotphase, Inhalte folgen"
    assert active.next_review is None
    # A reason for a complete agreement is not recorded: there is nothing to override.
    assert activate(agreement(), today=TODAY, override_reason="x").override_reason is None


def test_activate_only_drafts_and_not_after_validity() -> None:
    # rule N3 / lifecycle
    active = activate(agreement(), today=TODAY)
    with pytest.raises(IllegalTransition):
        activate(active, today=TODAY)
    with pytest.raises(InvalidInput):
        activate(agreement(valid_until=date(2025, 5, 31)), today=TODAY)


def test_suspend_resume_terminate() -> None:
    # rule N4 (lifecycle actions that notify)
    active = activate(agreement(), today=TODAY)
    suspended = suspend(active, reason="Partner reorganisiert sich")
    assert suspended.status is AgreementStatus.SUSPENDED
    with pytest.raises(IllegalTransition):
        suspend(suspended, reason="nochmal")
    resumed = resume(suspended, reason="wieder da", today=TODAY)
    assert resumed.status is AgreementStatus.ACTIVE
    with pytest.raises(IllegalTransition):
        resume(resumed, reason="x", today=TODAY)
    assert terminate(suspended, reason="Ende").status is AgreementStatus.TERMINATED
    ended = terminate(resumed, reason="Ende")
    assert ended.status is AgreementStatus.TERMINATED
    for action in (
        lambda: suspend(ended, reason="x"),
        lambda: resume(ended, reason="x", today=TODAY),
        lambda: terminate(ended, reason="x"),
        lambda: terminate(agreement(), reason="x"),
    ):
        with pytest.raises(IllegalTransition):
            action()


def test_lifecycle_actions_need_a_reason() -> None:
    # rule N4
    active = activate(agreement(), today=TODAY)
    with pytest.raises(InvalidInput) as info:
        suspend(active, reason="  ")
    assert [p.field for p in info.value.problems] == ["reason"]
    with pytest.raises(InvalidInput):
        terminate(active, reason="")


def test_resume_after_end_of_validity_is_refused() -> None:
    # lifecycle
    suspended = suspend(activate(agreement(), today=TODAY), reason="x")
    with pytest.raises(InvalidInput):
        resume(suspended, reason="x", today=date(2028, 1, 1))


def test_expire_due() -> None:
    # lifecycle (N5: expired agreements stay readable, so expiry only changes the status)
    ends = date(2025, 6, 30)
    active = activate(agreement(id="a1", valid_until=ends), today=TODAY)
    suspended = suspend(activate(agreement(id="a2", valid_until=ends), today=TODAY), reason="x")
    open_ended = activate(agreement(id="a3", valid_until=None), today=TODAY)
    draft = agreement(id="a4", valid_until=ends)
    items = [active, suspended, open_ended, draft]
    assert expire_due(items, date(2025, 6, 30)) == []  # the last day is still valid
    expired = expire_due(items, date(2025, 7, 1))
    assert [(a.id, a.status) for a in expired] == [
        ("a1", AgreementStatus.EXPIRED),
        ("a2", AgreementStatus.EXPIRED),
    ]


def test_draft_changes_in_place() -> None:
    # rule N5 (versions only for active agreements)
    draft = agreement()
    changed = edit_draft(draft, {"title": "Neu", "contents": {"roles": None, "extra": "z"}})
    assert changed.version == 1 and changed.title == "Neu"
    assert "roles" not in changed.contents and changed.contents["extra"] == "z"
    assert draft.contents["roles"]  # the input is untouched
    revision = apply_changes(
        draft,
        {"partners": ["p1", "p2"], "scope": {"level": "state", "state": "Hamburg"}},
        today=TODAY,
    )
    assert not revision.new_version and revision.snapshot is None
    assert revision.agreement.partners == ("p1", "p2")
    assert revision.agreement.scope == Scope.of_state("Hamburg")


def test_change_of_active_agreement_makes_a_new_version() -> None:
    # rule N5
    active = activate(agreement(), today=TODAY)
    later = date(2025, 9, 1)
    revision = apply_changes(
        active,
        {"valid_until": "2028-12-31", "contents": {"review": {"interval_months": 6}}},
        today=later,
    )
    assert revision.new_version and revision.version == 2
    assert revision.agreement.status is AgreementStatus.ACTIVE
    assert revision.agreement.valid_until == date(2028, 12, 31)
    assert revision.agreement.next_review == date(2026, 3, 1)
    assert revision.snapshot is not None
    assert revision.snapshot["version"] == 1
    assert revision.snapshot["valid_until"] == "2027-12-31"
    assert revision.snapshot["scope"] == {
        "level": "districts",
        "districts": ["01003"],
        "state": None,
    }
    third = new_version(revision.agreement, {"title": "Drei"}, today=later)
    assert third.version == 3


def test_new_version_must_stay_complete_unless_overridden() -> None:
    # rule N3 applies to every version
    active = activate(agreement(), today=TODAY)
    with pytest.raises(IncompleteAgreement):
        new_version(active, {"contents": {"channels": None}}, today=TODAY)
    revised = new_version(
        active, {"contents": {"channels": None}}, today=TODAY, override_reason="Kanäle offen"
    )
    assert revised.agreement.override_reason == "Kanäle offen"
    # A recorded override carries over; completing the contents clears it.
    again = new_version(revised.agreement, {"title": "x"}, today=TODAY)
    assert again.agreement.override_reason == "Kanäle offen"
    complete = new_version(again.agreement, {"contents": {"channels": ["written"]}}, today=TODAY)
    assert complete.agreement.override_reason is None


def test_changes_refused_for_fixed_fields_bad_values_and_ended_agreements() -> None:
    # rule N5
    draft = agreement()
    with pytest.raises(InvalidInput) as info:
        edit_draft(
            draft,
            {"status": "active", "version": 7, "kind": "treaty", "scope": {"level": "world"}},
        )
    assert fields(info.value.problems) == {"status", "version", "kind", "scope"}
    with pytest.raises(IllegalTransition):
        new_version(draft, {"title": "x"}, today=TODAY)
    ended = terminate(activate(draft, today=TODAY), reason="x")
    with pytest.raises(IllegalTransition):
        apply_changes(ended, {"title": "x"}, today=TODAY)
    with pytest.raises(IllegalTransition):
        edit_draft(ended, {"title": "x"})


# --- review dates (N5) ---------------------------------------------------------------------------


def test_next_review_date() -> None:
    # rule N5
    assert next_review_date({"review": {"next_review": "2026-02-01"}}, TODAY) == date(2026, 2, 1)
    both = {"review": {"next_review": date(2026, 2, 1), "interval_months": 3}}
    assert next_review_date(both, TODAY) == date(2026, 2, 1)
    assert next_review_date({"review": {"interval_months": 1}}, date(2024, 1, 31)) == date(
        2024, 2, 29
    )
    assert next_review_date({"review": {"interval_months": 14}}, date(2025, 11, 30)) == date(
        2027, 1, 30
    )
    assert next_review_date({"review": {"interval_months": 3}}, None) is None
    assert next_review_date({}, TODAY) is None
    assert add_months(date(2025, 12, 15), 1) == date(2026, 1, 15)


def test_due_for_review_lists_due_and_overdue_of_the_carrier() -> None:
    # rule N5
    def active(id_: str, review: date, carriers: tuple[str, ...] = ("drv-nord",)) -> Agreement:
        return replace(
            activate(agreement(id=id_, carriers=carriers), today=date(2025, 1, 1)),
            next_review=review,
        )

    overdue = active("a1", date(2025, 5, 1))
    soon = active("a2", date(2025, 8, 30))  # today + 90 days
    later = active("a3", date(2025, 8, 31))
    other = active("a4", date(2025, 6, 2), carriers=("drv-hessen",))
    ended = terminate(active("a5", date(2025, 6, 2)), reason="x")
    shared = active("a6", date(2025, 6, 1), carriers=("drv-hessen", "drv-nord"))
    due = due_for_review([later, soon, overdue, other, ended, shared], "drv-nord", TODAY, 90)
    assert [(d.agreement.id, d.overdue) for d in due] == [
        ("a1", True),
        ("a6", False),
        ("a2", False),
    ]
    with pytest.raises(ValueError):
        due_for_review([], "drv-nord", TODAY, -1)


def test_n5_due_list_covers_an_end_in_the_window_saying_which() -> None:
    # rule N5 (issue 15): a review or an END of validity within the window; each says which
    def active(id_: str, review: date | None, until: date | None) -> Agreement:
        return replace(
            activate(agreement(id=id_, carriers=("drv-nord",)), today=date(2025, 1, 1)),
            next_review=review,
            valid_until=until,
        )

    ending = active("e1", None, date(2025, 7, 1))  # no review at all, ends in the window
    review_first = active("e2", date(2025, 6, 10), date(2025, 8, 1))
    end_first = active("e3", date(2025, 8, 20), date(2025, 6, 20))
    last_day = active("e4", None, date(2025, 8, 30))  # today + 90: its end is in the window
    beyond = active("e5", None, date(2025, 8, 31))
    due = due_for_review([ending, review_first, end_first, last_day, beyond], "drv-nord", TODAY, 90)
    assert [(d.agreement.id, d.due, d.on) for d in due] == [
        ("e2", "review", date(2025, 6, 10)),
        ("e3", "ends", date(2025, 6, 20)),
        ("e1", "ends", date(2025, 7, 1)),
        ("e4", "ends", date(2025, 8, 30)),
    ]


# --- N4 ------------------------------------------------------------------------------------------

DISTRICT_CARRIER = {
    "01003": "drv-nord",  # Lübeck
    "02000": "drv-nord",  # Hamburg
    "03403": "drv-oldenburg-bremen",  # Oldenburg
    "03241": "drv-braunschweig-hannover",  # Region Hannover
}
DISTRICT_STATE = {
    "01003": "Schleswig-Holstein",
    "02000": "Hamburg",
    "03403": "Niedersachsen",
    "03241": "Niedersachsen",
}
ALL_CARRIERS = (
    "drv-baden-wuerttemberg",
    "drv-bayern-sued",
    "drv-nordbayern",
    "drv-schwaben",
    "drv-berlin-brandenburg",
    "drv-braunschweig-hannover",
    "drv-oldenburg-bremen",
    "drv-hessen",
    "drv-mitteldeutschland",
    "drv-nord",
    "drv-rheinland",
    "drv-westfalen",
    "drv-rheinland-pfalz",
    "drv-saarland",
    "drv-bund",
    "drv-knappschaft-bahn-see",
)


def manage(carrier: str, kind: str, scope: Scope) -> bool:
    return may_manage(
        carrier, kind, scope, district_carrier=DISTRICT_CARRIER, district_state=DISTRICT_STATE
    )


def test_national_agreements_only_by_drv_bund() -> None:
    # rule N4
    national = Scope.national()
    assert manage("drv-bund", "federal", national)
    assert not manage("drv-knappschaft-bahn-see", "federal", national)
    assert not manage("drv-nord", "regional", national)


def test_regional_agreements_by_carriers_active_in_the_region() -> None:
    # rule N4
    lower_saxony = Scope.of_state("Niedersachsen")
    assert manage("drv-oldenburg-bremen", "regional", lower_saxony)
    assert manage("drv-braunschweig-hannover", "regional", lower_saxony)
    assert not manage("drv-nord", "regional", lower_saxony)
    assert manage("drv-bund", "federal", lower_saxony)
    assert manage("drv-knappschaft-bahn-see", "federal", lower_saxony)
    luebeck_oldenburg = Scope.of_districts("01003", "03403")
    assert manage("drv-nord", "regional", luebeck_oldenburg)
    assert manage("drv-oldenburg-bremen", "regional", luebeck_oldenburg)
    assert not manage("drv-braunschweig-hannover", "regional", luebeck_oldenburg)
    assert not manage("drv-hessen", "regional", Scope.of_districts("99999"))


def test_notified_carriers_of_a_regional_scope() -> None:
    # rule N4
    scope = Scope.of_state("Niedersachsen")
    told = notified_carriers(
        scope,
        district_carrier=DISTRICT_CARRIER,
        district_state=DISTRICT_STATE,
        all_carriers=ALL_CARRIERS,
        acting_carrier="drv-oldenburg-bremen",
    )
    assert told == ("drv-braunschweig-hannover", "drv-bund", "drv-knappschaft-bahn-see")
    # Without an acting carrier to leave out, and with a party from outside the region.
    told = notified_carriers(
        Scope.of_districts("01003"),
        district_carrier=DISTRICT_CARRIER,
        district_state=DISTRICT_STATE,
        all_carriers=ALL_CARRIERS,
        parties=("drv-hessen",),
    )
    assert told == ("drv-bund", "drv-hessen", "drv-knappschaft-bahn-see", "drv-nord")


def test_notified_carriers_of_a_national_scope_are_all_but_the_actor() -> None:
    # rule N4
    told = notified_carriers(
        Scope.national(),
        district_carrier=DISTRICT_CARRIER,
        district_state=DISTRICT_STATE,
        all_carriers=ALL_CARRIERS,
        acting_carrier="drv-bund",
    )
    assert len(told) == 15 and "drv-bund" not in told
    assert set(told) == set(ALL_CARRIERS) - {"drv-bund"}
