"""Unit tests of the admission workflow A1–A12 (states, lead carrier, decision, follow-on,
suspension/revocation/withdrawal, review, announcements)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from registry.admission.announcement_rules import is_open, validate_announcement
from registry.admission.application_rules import (
    check_additions,
    determine_lead,
    validate_application,
)
from registry.admission.change_rules import (
    admit_follow_on,
    change_admissions,
    review_admissions,
    withdraw_application,
)
from registry.admission.deadlines import (
    age_days,
    is_decision_overdue,
    is_follow_on_overdue,
    review_due_date,
)
from registry.admission.decision_rules import decide
from registry.admission.effects import affected_carriers, catchment_reaches
from registry.admission.model import (
    FEDERAL_CARRIERS,
    Actor,
    Admission,
    AdmissionAction,
    AdmissionStatus,
    Announcement,
    ApplicationAction,
    ApplicationFacts,
    ApplicationStatus,
    DecisionOutcome,
    DistrictRef,
    Finding,
    GroupDecision,
    Override,
    Periods,
    Severity,
    SiteFacts,
)
from registry.admission.status_rules import ensure_version, site_status, transition
from registry.errors import Forbidden, IllegalTransition, InvalidInput, VersionConflict

AS = AdmissionStatus
NOW = datetime(2026, 6, 1, 10, 0)
NORD = Actor("officer-nord", carrier="drv-nord")
OB = Actor("officer-ob", carrier="drv-oldenburg-bremen")
PROVIDER = Actor("provider-user", provider_id="p1")
GROUPS = ("addiction", "hearing-impairment")


def site(
    id: str, carrier: str, *, hq: bool = False, district: str = "01003", name: str | None = None
) -> SiteFacts:
    return SiteFacts(
        id=id,
        name=name or id,
        headquarters=hq,
        district_key=district,
        responsible_carrier=carrier,
        lat=53.87,
        lon=10.69,
        catchment_radius_km=50,
    )


LUEBECK = site("luebeck", "drv-nord", hq=True, name="Lübeck")
HAMBURG = site("hamburg", "drv-nord", district="02000", name="Hamburg")
BREMEN = site("bremen", "drv-oldenburg-bremen", district="04011", name="Bremen")
HANNOVER = site("hannover", "drv-braunschweig-hannover", district="03241", name="Hannover")


def app(
    *sites: SiteFacts, status: ApplicationStatus = ApplicationStatus.SUBMITTED
) -> ApplicationFacts:
    return ApplicationFacts(
        id="a1",
        provider_id="p1",
        provider_name="Beratung Nord gGmbH",
        receiving_carrier="drv-nord",
        target_groups=GROUPS,
        sites=sites or (LUEBECK, BREMEN),
        status=status,
    )


def admit_all(
    reason: str = "Eigene Expertise fehlt, externer Bedarf besteht.",
) -> dict[str, GroupDecision]:
    return {g: GroupDecision(True, reason) for g in GROUPS}


def decided(
    *sites: SiteFacts, reached_carriers: dict[str, list[str]] | None = None
) -> DecisionOutcome:
    return decide(
        app(*sites), admit_all(), [], [], "drv-nord", NORD, NOW, reached_carriers=reached_carriers
    )


# --------------------------------------------------------------------------- transitions


def test_legal_transitions_follow_the_table() -> None:
    # rule A9
    assert transition(AS.ADMITTED, AdmissionAction.SUSPEND) is AS.SUSPENDED
    assert transition(AS.SUSPENDED, AdmissionAction.RESUME) is AS.ADMITTED
    assert transition(AS.AWAITING_FOLLOW_ON, AdmissionAction.FOLLOW_ON_ADMIT) is AS.ADMITTED
    assert (
        transition(ApplicationStatus.SUBMITTED, ApplicationAction.DECIDE_REFUSE)
        is ApplicationStatus.REFUSED
    )


def test_illegal_transition_raises() -> None:
    # rule A9: a revoked admission cannot be resumed; a refused application cannot be withdrawn
    with pytest.raises(IllegalTransition):
        transition(AS.REVOKED, AdmissionAction.RESUME)
    with pytest.raises(IllegalTransition):
        transition(AS.AWAITING_FOLLOW_ON, AdmissionAction.SUSPEND)
    with pytest.raises(IllegalTransition):
        transition(ApplicationStatus.REFUSED, ApplicationAction.WITHDRAW)
    with pytest.raises(IllegalTransition):
        transition(AS.ADMITTED, ApplicationAction.WITHDRAW)  # type: ignore[call-overload]


def test_site_is_admitted_when_one_group_is() -> None:
    # rule A6 (API: a site is admitted when at least one of its target groups is)
    assert site_status([AS.REFUSED, AS.ADMITTED]) is AS.ADMITTED
    assert site_status([AS.REFUSED, AS.AWAITING_FOLLOW_ON]) is AS.AWAITING_FOLLOW_ON
    assert site_status([AS.REFUSED, AS.REVOKED]) is AS.REVOKED


# --------------------------------------------------------------------------- A1–A4


def test_application_must_name_resolvable_sites_and_known_groups() -> None:
    # rule A1
    bad = ApplicationFacts(
        id="a1",
        provider_id="p1",
        provider_name="X",
        receiving_carrier="drv-nord",
        target_groups=("addiction", "astrology", "addiction"),
        sites=(site("s1", "", district=""),),
    )
    problems = validate_application(bad, {"addiction", "oncology"})
    assert {p.rule for p in problems} == {"A1"}
    assert {p.field for p in problems} == {
        "sites[0].address",
        "target_groups.astrology",
        "target_groups.addiction",
    }
    assert validate_application(app(), set(GROUPS)) == []


def test_responsible_receiving_carrier_leads() -> None:
    # rule A2, rule A4: DRV Nord is responsible for Lübeck, though Bremen is another region
    result = determine_lead("drv-nord", "regional", [BREMEN, LUEBECK])
    assert result.lead_carrier == "drv-nord" and not result.forwarded


def test_forwarded_to_headquarters_carrier() -> None:
    # rule A3
    hq_bremen = site("bremen", "drv-oldenburg-bremen", hq=True)
    kiel = site("kiel", "drv-nord")
    result = determine_lead("drv-hessen", "regional", [HAMBURG, kiel, hq_bremen])
    assert result.lead_carrier == "drv-oldenburg-bremen" and result.forwarded


def test_forwarded_to_carrier_with_most_sites() -> None:
    # rule A3: no headquarters among the sites
    result = determine_lead("drv-hessen", "regional", [BREMEN, HAMBURG, HANNOVER, HAMBURG])
    assert result.lead_carrier == "drv-nord" and result.forwarded


def test_forwarding_tie_broken_by_listing_order() -> None:
    # rule A3: one site each: the first listed wins
    assert determine_lead("drv-hessen", "regional", [HANNOVER, BREMEN]).lead_carrier == (
        "drv-braunschweig-hannover"
    )
    assert determine_lead("drv-hessen", "regional", [BREMEN, HANNOVER]).lead_carrier == (
        "drv-oldenburg-bremen"
    )
    two_each = [BREMEN, HAMBURG, HAMBURG, BREMEN]
    assert determine_lead("drv-hessen", "regional", two_each).lead_carrier == "drv-oldenburg-bremen"


def test_federal_carrier_always_forwards() -> None:
    # rule A3: a federal carrier has no region
    for carrier in sorted(FEDERAL_CARRIERS):
        result = determine_lead(carrier, "federal", [HAMBURG, BREMEN, BREMEN])
        assert result.lead_carrier == "drv-oldenburg-bremen" and result.forwarded


def test_new_lead_does_not_forward_again() -> None:
    # rule A3: the carrier receiving a forwarded application is responsible for a site, so leads
    first = determine_lead("drv-hessen", "regional", [HANNOVER, BREMEN])
    again = determine_lead(first.lead_carrier, "regional", [HANNOVER, BREMEN])
    assert again.lead_carrier == first.lead_carrier and not again.forwarded


def test_lead_needs_sites() -> None:
    # rule A1
    with pytest.raises(InvalidInput):
        determine_lead("drv-nord", "regional", [])


# --------------------------------------------------------------------------- A5


def test_every_requested_group_must_be_decided_with_a_reason() -> None:
    # rule A5
    with pytest.raises(InvalidInput) as err:
        decide(
            app(),
            {"addiction": (True, "  "), "oncology": (False, "nicht beantragt")},
            [],
            [],
            "drv-nord",
            NORD,
            NOW,
        )
    fields = {p.field: p.rule for p in err.value.problems}
    assert fields == {
        "target_groups.addiction.reason": "A5",
        "target_groups.oncology": "A5",
        "target_groups.hearing-impairment": "A5",
    }


def test_each_group_decided_exactly_once() -> None:
    # rule A5
    pairs = [
        ("addiction", GroupDecision(True, "Bedarf")),
        ("addiction", GroupDecision(False, "doch nicht")),
        ("hearing-impairment", GroupDecision(True, "Bedarf")),
    ]
    with pytest.raises(InvalidInput) as err:
        decide(app(), pairs, [], [], "drv-nord", NORD, NOW)
    assert [p.field for p in err.value.problems] == ["target_groups.addiction"]


def test_only_the_lead_decides() -> None:
    # rule A5
    with pytest.raises(Forbidden):
        decide(app(), admit_all(), [], [], "drv-nord", OB, NOW)


def test_decision_only_once() -> None:
    # rule A5
    decided_app = app(status=ApplicationStatus.DECIDED)
    with pytest.raises(IllegalTransition):
        decide(decided_app, admit_all(), [], [], "drv-nord", NORD, NOW)


BLOCKING_Q6 = Finding(
    "Q6",
    "data_protection-missing",
    Severity.BLOCKING,
    "Datenschutz fehlt.",
    "organisation.data_protection",
)


def test_blocking_finding_must_be_overridden_with_reason() -> None:
    # rule A5, rule Q6
    with pytest.raises(InvalidInput) as err:
        decide(app(), admit_all(), [BLOCKING_Q6], [Override("Q6", " ")], "drv-nord", NORD, NOW)
    rules = [p.rule for p in err.value.problems]
    assert rules.count("Q6") == 2  # the empty override reason and the unresolved finding
    assert any(p.field == "organisation.data_protection" for p in err.value.problems)
    outcome = decide(
        app(),
        admit_all(),
        [BLOCKING_Q6],
        [Override("Q6", "Nachweis liegt in Papierform vor")],
        "drv-nord",
        NORD,
        NOW,
    )
    assert outcome.application_status is ApplicationStatus.DECIDED
    assert any(e.kind == "finding.overridden" for e in outcome.events)


def test_advisory_findings_need_no_override() -> None:
    # rule A5
    advisory = Finding("Q4", "path-b", Severity.ADVISORY, "Weg B", "case_managers[0].degree")
    assert decide(app(), admit_all(), [advisory], [], "drv-nord", NORD, NOW).admissions


def test_uncovered_group_can_be_refused_while_covered_is_admitted() -> None:
    # rule Q8, rule A5: the Q8 finding concerns only its target group
    q8 = Finding(
        "Q8",
        "target-group-uncovered",
        Severity.BLOCKING,
        "keine Kompetenz",
        "case_managers",
        target_group="hearing-impairment",
    )
    with pytest.raises(InvalidInput) as err:
        decide(app(LUEBECK), admit_all(), [q8], [], "drv-nord", NORD, NOW)
    assert [p.rule for p in err.value.problems] == ["Q8"]
    decisions = {
        "addiction": GroupDecision(True, "Kein eigenes Suchtfallmanagement."),
        "hearing-impairment": GroupDecision(False, "Keine Kompetenz nachgewiesen."),
    }
    outcome = decide(app(LUEBECK), decisions, [q8], [], "drv-nord", NORD, NOW)
    statuses = {a.target_group: a.status for a in outcome.admissions}
    assert statuses == {"addiction": AS.ADMITTED, "hearing-impairment": AS.REFUSED}
    assert outcome.application_status is ApplicationStatus.DECIDED


def test_refusing_every_group_refuses_the_application() -> None:
    # rule A5
    decisions = {g: GroupDecision(False, "Bedarf wird intern gedeckt.") for g in GROUPS}
    outcome = decide(app(), decisions, [BLOCKING_Q6], [], "drv-nord", NORD, NOW)
    assert outcome.application_status is ApplicationStatus.REFUSED
    assert {a.status for a in outcome.admissions} == {AS.REFUSED}
    assert outcome.follow_on_tasks == () and outcome.notices == ()


def test_decision_overdue_after_thirty_days() -> None:
    # rule A5
    submitted = NOW - timedelta(days=30)
    assert age_days(submitted, NOW) == 30
    assert not is_decision_overdue(submitted, NOW)
    assert is_decision_overdue(submitted - timedelta(days=1), NOW)


# --------------------------------------------------------------------------- A6, A7


def test_sites_in_lead_region_admitted_at_once() -> None:
    # rule A6, rule A14: with a review date 36 months later
    outcome = decided(LUEBECK, HAMBURG, BREMEN)
    own = [a for a in outcome.admissions if a.site_id in ("luebeck", "hamburg")]
    assert len(own) == 4 and all(a.status is AS.ADMITTED for a in own)
    assert all(a.issued_by == "drv-nord" and a.review_due == date(2029, 6, 1) for a in own)


def test_sites_in_other_regions_await_follow_on() -> None:
    # rule A7
    outcome = decided(LUEBECK, BREMEN)
    bremen = [a for a in outcome.admissions if a.site_id == "bremen"]
    assert {a.status for a in bremen} == {AS.AWAITING_FOLLOW_ON}
    assert all(a.issued_by is None for a in bremen)
    (task,) = outcome.follow_on_tasks
    assert (task.site_id, task.carrier, task.target_groups) == (
        "bremen",
        "drv-oldenburg-bremen",
        GROUPS,
    )


def test_follow_on_only_by_the_task_carrier() -> None:
    # rule A7
    outcome = decided(LUEBECK, BREMEN)
    (task,) = outcome.follow_on_tasks
    with pytest.raises(Forbidden):
        admit_follow_on(task, app(), outcome.admissions, NORD, NOW)


def test_follow_on_cannot_change_target_groups() -> None:
    # rule A7
    outcome = decided(LUEBECK, BREMEN)
    (task,) = outcome.follow_on_tasks
    with pytest.raises(InvalidInput) as err:
        admit_follow_on(task, app(), outcome.admissions, OB, NOW, target_groups=["addiction"])
    assert err.value.problems[0].rule == "A7"


def test_follow_on_admits_the_site() -> None:
    # rule A7, rule A8
    outcome = decided(LUEBECK, BREMEN)
    (task,) = outcome.follow_on_tasks
    later = NOW + timedelta(days=3)
    result = admit_follow_on(task, app(), outcome.admissions, OB, later)
    bremen = [a for a in result.admissions if a.site_id == "bremen"]
    assert {a.status for a in bremen} == {AS.ADMITTED}
    assert {a.issued_by for a in bremen} == {"drv-oldenburg-bremen"}
    assert len(result.changed) == 2
    # the acting carrier is not notified of its own admission (issue 17, item 7)
    assert {n.carrier for n in result.notices} == set(FEDERAL_CARRIERS)
    with pytest.raises(IllegalTransition):
        admit_follow_on(task, app(), result.admissions, OB, later)


def test_follow_on_overdue_after_fourteen_days() -> None:
    # rule A7
    created = NOW - timedelta(days=14)
    assert not is_follow_on_overdue(created, NOW)
    assert is_follow_on_overdue(created - timedelta(hours=24), NOW)


# --------------------------------------------------------------------------- A8


def test_affected_carriers() -> None:
    # rule A8: responsible carrier, both federal carriers, carriers of reached districts
    assert affected_carriers(LUEBECK, ["drv-nord", "drv-braunschweig-hannover"]) == {
        "drv-nord",
        "drv-bund",
        "drv-knappschaft-bahn-see",
        "drv-braunschweig-hannover",
    }


def test_catchment_reach() -> None:
    # rule A8: the site's own district, or a postal-code centroid within the radius
    luebeck = (53.8655, 10.6866)
    hamburg_centroids = [(53.5511, 9.9937), (53.60, 10.05)]
    assert catchment_reaches(*luebeck, 5, "01003", "01003", [])
    assert catchment_reaches(*luebeck, 60, "01003", "02000", hamburg_centroids)
    assert not catchment_reaches(*luebeck, 30, "01003", "02000", hamburg_centroids)


def test_decision_notifies_affected_carriers() -> None:
    # rule A8
    outcome = decided(LUEBECK, BREMEN, reached_carriers={"luebeck": ["drv-braunschweig-hannover"]})
    carriers = {n.carrier for n in outcome.notices}
    # the deciding carrier (drv-nord) is left out: its own action is no notice to itself
    assert carriers == {"drv-braunschweig-hannover", *FEDERAL_CARRIERS}
    assert all(n.subject_id == "a1" and n.title == "Beratung Nord gGmbH" for n in outcome.notices)
    assert all("Lübeck" in n.message and "Bremen" not in n.message for n in outcome.notices)


# --------------------------------------------------------------------------- A9


def admitted_luebeck() -> tuple[Admission, ...]:
    return tuple(a for a in decided(LUEBECK).admissions)


def test_suspend_resume_revoke_by_issuing_carrier() -> None:
    # rule A9
    adms = admitted_luebeck()
    suspended = change_admissions(
        AdmissionAction.SUSPEND,
        app(LUEBECK),
        adms,
        NORD,
        "Beschwerden prüfen",
        NOW,
        target_groups=["addiction"],
    )
    statuses = {a.target_group: a.status for a in suspended.admissions}
    assert statuses == {"addiction": AS.SUSPENDED, "hearing-impairment": AS.ADMITTED}
    assert suspended.events[0].why == "Beschwerden prüfen"
    assert suspended.notices
    resumed = change_admissions(
        AdmissionAction.RESUME, app(LUEBECK), suspended.admissions, NORD, "geklärt", NOW
    )
    assert [a.target_group for a in resumed.changed] == ["addiction"]
    revoked = change_admissions(
        AdmissionAction.REVOKE, app(LUEBECK), resumed.admissions, NORD, "Vertrag beendet", NOW
    )
    assert {a.status for a in revoked.admissions} == {AS.REVOKED}


def test_only_issuing_carrier_may_suspend() -> None:
    # rule A9
    with pytest.raises(Forbidden):
        change_admissions(AdmissionAction.SUSPEND, app(LUEBECK), admitted_luebeck(), OB, "x", NOW)


def test_suspend_needs_reason_and_legal_state() -> None:
    # rule A9
    adms = admitted_luebeck()
    with pytest.raises(InvalidInput):
        change_admissions(AdmissionAction.SUSPEND, app(LUEBECK), adms, NORD, "  ", NOW)
    with pytest.raises(IllegalTransition):
        change_admissions(AdmissionAction.RESUME, app(LUEBECK), adms, NORD, "Grund", NOW)
    with pytest.raises(InvalidInput):
        change_admissions(
            AdmissionAction.SUSPEND,
            app(LUEBECK),
            adms,
            NORD,
            "Grund",
            NOW,
            target_groups=["oncology"],
        )


def test_provider_withdraws() -> None:
    # rule A9
    outcome = decided(LUEBECK, BREMEN)
    with pytest.raises(Forbidden):
        withdraw_application(
            app(status=ApplicationStatus.DECIDED), outcome.admissions, NORD, "x", NOW
        )
    result = withdraw_application(
        app(status=ApplicationStatus.DECIDED),
        outcome.admissions,
        PROVIDER,
        "Standort geschlossen",
        NOW,
    )
    assert result.application_status is ApplicationStatus.WITHDRAWN
    assert {a.status for a in result.admissions} == {AS.WITHDRAWN}
    # only carriers told of an admission (Lübeck) are notified, not of the awaiting Bremen site
    assert {n.carrier for n in result.notices} == {"drv-nord", *FEDERAL_CARRIERS}


def test_later_application_only_for_new_sites_or_groups() -> None:
    # rule A9
    existing = {
        ("luebeck", "addiction"): AS.ADMITTED,
        ("luebeck", "oncology"): AS.REVOKED,
        ("bremen", "addiction"): AS.AWAITING_FOLLOW_ON,
    }
    requested = [
        ("luebeck", "addiction"),
        ("luebeck", "oncology"),
        ("luebeck", "cardiology"),
        ("bremen", "addiction"),
        ("kiel", "addiction"),
    ]
    problems = check_additions(requested, existing)
    assert [p.field for p in problems] == [
        "sites.luebeck.target_groups.addiction",
        "sites.bremen.target_groups.addiction",
    ]
    assert {p.rule for p in problems} == {"A9"}


# --------------------------------------------------------------------------- A10, A11


def test_every_state_change_is_an_event() -> None:
    # rule A10: who, which carrier, when, what, why
    outcome = decided(LUEBECK, BREMEN)
    kinds = [e.kind for e in outcome.events]
    assert kinds == [
        "target_group.admitted",
        "target_group.admitted",
        "follow_on.created",
        "application.decided",
    ]
    first = outcome.events[0]
    assert (first.actor, first.carrier, first.at) == ("officer-nord", "drv-nord", NOW)
    assert first.what and first.why


def test_stale_version_conflicts() -> None:
    # rule A11
    ensure_version(3, 3)
    with pytest.raises(VersionConflict):
        ensure_version(3, 4)


# --------------------------------------------------------------------------- A12

DISTRICTS = {
    "01003": DistrictRef("01003", "Schleswig-Holstein", "drv-nord"),
    "02000": DistrictRef("02000", "Hamburg", "drv-nord"),
    "04011": DistrictRef("04011", "Bremen", "drv-oldenburg-bremen"),
}
CARRIERS = {"drv-nord", "drv-oldenburg-bremen", "drv-bund", "drv-hessen"}


def validate(ann: Announcement, author: str = "drv-nord") -> list[str]:
    problems = validate_announcement(
        ann,
        author_carrier=author,
        known_carriers=CARRIERS,
        known_target_groups=set(GROUPS),
        districts=DISTRICTS,
        today=date(2026, 6, 1),
    )
    assert all(p.rule == "A12" for p in problems)
    return [p.field for p in problems]


def test_valid_announcement_and_open_period() -> None:
    # rule A12
    ann = Announcement(
        ("drv-nord", "drv-oldenburg-bremen"),
        ("addiction",),
        "Wir suchen Anbieter.",
        date(2026, 9, 30),
        districts=("01003", "04011"),
    )
    assert validate(ann) == []
    assert is_open(ann, date(2026, 9, 30))
    assert not is_open(ann, date(2026, 10, 1))


def test_invalid_announcement() -> None:
    # rule A12
    ann = Announcement(
        ("drv-nord", "drv-mars"),
        ("astrology",),
        " ",
        date(2026, 1, 1),
        districts=("01003", "04011", "99999"),
        state="Hamburg",
    )
    assert set(validate(ann, author="drv-hessen")) == {
        "carriers",
        "target_groups",
        "districts",
        "text",
        "open_until",
    }
    state_ann = Announcement(
        ("drv-hessen",), ("addiction",), "Text", date(2026, 7, 1), state="Bremen"
    )
    assert validate(state_ann, author="drv-hessen") == ["state"]
    federal = Announcement(("drv-bund",), ("addiction",), "Text", date(2026, 7, 1), state="Bremen")
    assert validate(federal, author="drv-bund") == []


# --------------------------------------------------------------------------- A14


def test_review_confirms_with_new_date_or_revokes() -> None:
    # rule A14
    adms = admitted_luebeck()
    later = datetime(2029, 5, 1, 9, 0)
    confirmed = review_admissions(
        "confirmed", app(LUEBECK), adms, NORD, "Besuch ohne Befund", later
    )
    assert {a.status for a in confirmed.admissions} == {AS.ADMITTED}
    assert {a.review_due for a in confirmed.admissions} == {date(2032, 5, 1)}
    assert confirmed.events[0].kind == "admission.confirmed"
    revoked = review_admissions("revoked", app(LUEBECK), adms, NORD, "Qualität mangelhaft", later)
    assert {a.status for a in revoked.admissions} == {AS.REVOKED}
    with pytest.raises(InvalidInput) as err:
        review_admissions("suspended", app(LUEBECK), adms, NORD, "", later)
    assert err.value.problems[0].rule == "A14"
    with pytest.raises(Forbidden):
        review_admissions("confirmed", app(LUEBECK), adms, OB, "ok", later)


def test_review_date_is_configurable_months_after_decision() -> None:
    # rule A14
    assert review_due_date(date(2024, 2, 29)) == date(2027, 2, 28)
    assert review_due_date(date(2024, 1, 31), Periods(review_months=1)) == date(2024, 2, 29)
