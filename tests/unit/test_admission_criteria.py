"""Unit tests of the admission criteria Q0–Q8 and the staff re-check of A15."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from registry.admission.criteria import check_application, recheck_staff
from registry.admission.criteria_catalogue import (
    COMPETENCE_CHECKLIST,
    COMPETENCE_GROUPS,
    CONCEPT_SECTION_CODES,
    DEFAULT_SEVERITIES,
    effective_severities,
)
from registry.admission.model import (
    CRITERIA_RULES,
    ApplicationFacts,
    CaseManagerFacts,
    Certificate,
    Degree,
    Finding,
    OrganisationFacts,
    Severity,
    SiteFacts,
)
from registry.errors import InvalidInput

TODAY = date(2026, 6, 1)
FULL_ORG = OrganisationFacts(True, True, True, True, True)
FULL_CONCEPT = {code: "Beschreibung." for code in CONCEPT_SECTION_CODES}


def cm(name: str = "Anna", **kw: object) -> CaseManagerFacts:
    """A fully qualified case manager (path A, DGCC) covering ``addiction``, unless overridden."""
    base: dict[str, object] = {
        "name": name,
        "degree": Degree.SOCIAL_WORK,
        "counselling_years": 3,
        "certificates": frozenset({Certificate.CASE_MANAGER_DGCC}),
        "joined_on": date(2024, 1, 1),
        "target_groups": frozenset({"addiction"}),
        "competence_evidence": "Weiterbildung Suchtberatung",
    }
    base.update(kw)
    return CaseManagerFacts(**base)  # type: ignore[arg-type]


def site(**kw: object) -> SiteFacts:
    base: dict[str, object] = {
        "id": "s1",
        "name": "Lübeck",
        "headquarters": True,
        "district_key": "01003",
        "responsible_carrier": "drv-nord",
        "lat": 53.87,
        "lon": 10.69,
        "catchment_radius_km": 50,
        "public_transport": True,
        "rooms_for_individual_talks": True,
        "rooms_for_relatives": True,
    }
    base.update(kw)
    return SiteFacts(**base)  # type: ignore[arg-type]


def app(**kw: object) -> ApplicationFacts:
    base: dict[str, object] = {
        "id": "a1",
        "provider_id": "p1",
        "provider_name": "Beratung Nord gGmbH",
        "receiving_carrier": "drv-nord",
        "target_groups": ("addiction",),
        "sites": (site(),),
        "case_managers": (cm("Anna"), cm("Ben")),
        "concept": FULL_CONCEPT,
        "organisation": FULL_ORG,
        "competences_confirmed": frozenset(code for code, _ in COMPETENCE_CHECKLIST),
    }
    base.update(kw)
    return ApplicationFacts(**base)  # type: ignore[arg-type]


def check(facts: ApplicationFacts, severities: dict[str, str] | None = None) -> list[Finding]:
    return check_application(facts, severities, CONCEPT_SECTION_CODES, TODAY)


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


def only(findings: list[Finding], code: str) -> Finding:
    matches = [f for f in findings if f.code == code]
    assert len(matches) == 1, findings
    return matches[0]


def test_complete_application_has_no_findings() -> None:
    # rule Q7: a complete application passes every check
    assert check(app()) == []


# --------------------------------------------------------------------------- Q0


def test_default_severities_cover_every_criteria_rule() -> None:
    # rule Q0
    assert set(DEFAULT_SEVERITIES) == set(CRITERIA_RULES)
    assert DEFAULT_SEVERITIES["Q4"] is Severity.ADVISORY
    assert DEFAULT_SEVERITIES["Q5"] is Severity.BLOCKING


def test_carrier_setting_changes_severity_and_is_recorded() -> None:
    # rule Q0: a carrier makes Q5 advisory for the applications it leads
    facts = app(sites=(site(rooms_for_relatives=False),))
    assert only(check(facts), "rooms-relatives-missing").severity is Severity.BLOCKING
    finding = only(check(facts, {"Q5": "advisory"}), "rooms-relatives-missing")
    assert finding.severity is Severity.ADVISORY
    assert not finding.overridable


def test_carrier_can_make_path_b_blocking() -> None:
    # rule Q0, rule Q4
    b = cm("Bea", degree=Degree.VOCATIONAL, counselling_years=6)
    facts = app(case_managers=(cm("Anna"), cm("Ben"), b))
    assert only(check(facts), "path-b").severity is Severity.ADVISORY
    assert only(check(facts, {"Q4": "blocking"}), "path-b").severity is Severity.BLOCKING


def test_inherently_advisory_parts_stay_advisory() -> None:
    # rule Q0: public transport is a "sollte" and stays advisory whatever Q5's setting
    facts = app(sites=(site(public_transport=False),))
    finding = only(check(facts, {"Q5": "blocking"}), "public-transport-missing")
    assert finding.severity is Severity.ADVISORY


def test_unknown_settings_are_rejected_and_omitted_take_default() -> None:
    # rule Q0
    with pytest.raises(InvalidInput) as err:
        effective_severities({"Q9": "blocking", "Q5": "sometimes"})
    assert {p.field for p in err.value.problems} == {"criteria.Q9", "criteria.Q5"}
    assert effective_severities({"Q1": "advisory"})["Q2"] is Severity.BLOCKING


# --------------------------------------------------------------------------- Q1


def test_missing_concept_section_is_blocking() -> None:
    # rule Q1
    concept = dict(FULL_CONCEPT)
    del concept["crisis-intervention"]
    concept["caseload"] = "   "
    findings = check(app(concept=concept))
    q1 = [f for f in findings if f.rule == "Q1"]
    assert {f.field for f in q1} == {"concept.crisis-intervention", "concept.caseload"}
    assert all(f.severity is Severity.BLOCKING for f in q1)
    crisis = next(f for f in q1 if f.field == "concept.crisis-intervention")
    assert "Krisenintervention" in crisis.message


def test_concept_sections_come_from_the_caller() -> None:
    # rule Q1: the required sections are an argument (the catalogue is the default list)
    findings = check_application(app(concept={}), None, ["provider"], TODAY)
    assert [f.field for f in findings if f.rule == "Q1"] == ["concept.provider"]


# --------------------------------------------------------------------------- Q2


def test_one_qualified_case_manager_is_not_enough() -> None:
    # rule Q2
    finding = only(check(app(case_managers=(cm("Anna"),))), "qualified-count")
    assert finding.rule == "Q2"
    assert finding.severity is Severity.BLOCKING


def test_no_case_managers_is_blocking() -> None:
    # rule Q2
    assert only(check(app(case_managers=())), "qualified-count").severity is Severity.BLOCKING


def test_provisional_case_manager_makes_q2_advisory() -> None:
    # rule Q2: one qualified plus one whose qualification the officer must accept
    comparable = cm("Ben", certificates=frozenset({Certificate.COMPARABLE}))
    findings = check(app(case_managers=(cm("Anna"), comparable)))
    assert "qualified-count" not in codes(findings)
    assert only(findings, "qualified-count-provisional").severity is Severity.ADVISORY


def test_unqualified_case_manager_does_not_count() -> None:
    # rule Q2, rule Q3
    junior = cm("Ben", counselling_years=1)
    assert "qualified-count" in codes(check(app(case_managers=(cm("Anna"), junior))))


# --------------------------------------------------------------------------- Q3


def test_path_a_needs_two_years_of_counselling() -> None:
    # rule Q3
    findings = check(app(case_managers=(cm("Anna"), cm("Ben", counselling_years=1.5))))
    finding = only(findings, "path-a-experience")
    assert finding.severity is Severity.BLOCKING
    assert finding.field == "case_managers[1].counselling_years"
    assert "Ben" in finding.message


def test_psychology_needs_forty_units_of_social_law() -> None:
    # rule Q3
    psy = cm("Ben", degree=Degree.PSYCHOLOGY, social_law_units=20)
    assert only(check(app(case_managers=(cm(), psy))), "path-a-social-law").rule == "Q3"
    psy_ok = cm("Ben", degree=Degree.PSYCHOLOGY, social_law_units=40)
    assert check(app(case_managers=(cm(), psy_ok))) == []


def test_every_recognised_certificate_qualifies() -> None:
    # rule Q3
    for cert in (
        Certificate.DRV_CURRICULUM,
        Certificate.CASE_MANAGER_DGCC,
        Certificate.CASE_MANAGER_DGCC_PARTICIPATION,
        Certificate.DISABILITY_MANAGER_DGUV,
    ):
        ben = cm("Ben", certificates=frozenset({cert}))
        assert check(app(case_managers=(cm(), ben))) == [], cert


def test_missing_case_management_qualification_is_blocking() -> None:
    # rule Q3
    ben = cm("Ben", certificates=frozenset())
    finding = only(check(app(case_managers=(cm(), ben))), "cm-qualification-missing")
    assert finding.severity is Severity.BLOCKING
    assert finding.field == "case_managers[1].certificates"


def test_comparable_qualification_is_advisory() -> None:
    # rule Q3
    ben = cm("Ben", certificates=frozenset({Certificate.COMPARABLE}))
    assert only(check(app(case_managers=(cm(), ben))), "cm-comparable").severity is (
        Severity.ADVISORY
    )


def test_training_started_within_twelve_months_is_advisory_with_due_date() -> None:
    # rule Q3: due 24 months after the start of the training
    ben = cm(
        "Ben",
        certificates=frozenset(),
        joined_on=date(2025, 3, 1),
        training_started_on=date(2025, 9, 15),
    )
    finding = only(check(app(case_managers=(cm(), ben))), "cm-training-in-progress")
    assert finding.severity is Severity.ADVISORY
    assert finding.due_on == date(2027, 9, 15)
    assert "15.09.2027" in finding.message


def test_training_started_late_is_still_advisory_and_says_so() -> None:
    # rule Q3: whoever started the training is advisory with its completion date (§4.1)
    ben = cm(
        "Ben",
        certificates=frozenset(),
        joined_on=date(2024, 1, 1),
        training_started_on=date(2025, 6, 1),
    )
    finding = only(check(app(case_managers=(cm(), ben))), "cm-training-in-progress")
    assert finding.severity is Severity.ADVISORY
    assert finding.due_on == date(2027, 6, 1)
    assert "später als 12 Monate" in finding.message


def test_new_staff_without_training_is_advisory_with_the_latest_start() -> None:
    # rule Q3: joined less than 12 months ago, training not started (Rahmenkonzept §4.1)
    ben = cm("Ben", certificates=frozenset(), joined_on=date(2025, 9, 1))
    finding = only(check(app(case_managers=(cm(), ben))), "cm-training-not-yet-started")
    assert finding.severity is Severity.ADVISORY
    assert finding.due_on == date(2026, 9, 1)
    assert "01.09.2026" in finding.message
    assert "nicht bestätigt" in finding.message
    assert finding.field == "case_managers[1].introduction_confirmed"


def test_new_staff_with_confirmed_introduction_says_so() -> None:
    # rule Q3: the provider confirms the intensive introduction (tandem)
    ben = cm(
        "Ben", certificates=frozenset(), joined_on=date(2025, 9, 1), introduction_confirmed=True
    )
    finding = only(check(app(case_managers=(cm(), ben))), "cm-training-not-yet-started")
    assert "bestätigt die intensive Einführung" in finding.message


def test_new_staff_counts_provisionally_for_two_case_managers() -> None:
    # rule Q3, rule Q2: a new hire is provisional, so Q2 is advisory, not blocking
    ben = cm("Ben", certificates=frozenset(), joined_on=date(2025, 12, 1))
    findings = check(app(case_managers=(cm(), ben)))
    assert {f.code for f in findings} == {
        "cm-training-not-yet-started",
        "qualified-count-provisional",
    }
    assert all(f.severity is Severity.ADVISORY for f in findings)


def test_staff_joined_twelve_months_ago_without_training_is_blocking() -> None:
    # rule Q3: joined 12 or more months ago and not started: blocking
    ben = cm("Ben", certificates=frozenset(), joined_on=date(2025, 6, 1))
    finding = only(check(app(case_managers=(cm(), ben))), "cm-qualification-missing")
    assert finding.severity is Severity.BLOCKING
    assert finding.due_on == date(2026, 6, 1)


def test_staff_without_joining_date_or_training_is_blocking() -> None:
    # rule Q3: without a joining date the grace period cannot apply
    ben = cm("Ben", certificates=frozenset(), joined_on=None)
    assert only(check(app(case_managers=(cm(), ben))), "cm-qualification-missing").severity is (
        Severity.BLOCKING
    )


def test_a_new_hire_opens_no_staff_task() -> None:
    # rule Q3, rule A15: an advisory new-hire finding is no blocking re-check finding
    ben = cm("Ben", certificates=frozenset(), joined_on=date(2026, 3, 1))
    assert recheck_staff((cm(), ben), ("addiction",), [], TODAY) == []


def test_training_past_its_due_date_is_blocking() -> None:
    # rule Q3
    ben = cm(
        "Ben",
        certificates=frozenset(),
        joined_on=date(2023, 1, 1),
        training_started_on=date(2023, 6, 1),
    )
    finding = only(check(app(case_managers=(cm(), ben))), "cm-training-overdue")
    assert finding.due_on == date(2025, 6, 1)
    assert finding.severity is Severity.BLOCKING


# --------------------------------------------------------------------------- Q4


def test_path_b_met_is_advisory_for_the_officer() -> None:
    # rule Q4
    bea = cm(
        "Bea",
        degree=Degree.VOCATIONAL,
        counselling_years=5,
        total_units=240,
        counselling_units=160,
        social_law_units=40,
        certificates=frozenset({Certificate.CASE_MANAGER_DGCC_PARTICIPATION}),
    )
    findings = check(app(case_managers=(cm("Anna"), cm("Ben"), bea)))
    assert [f.code for f in findings] == ["path-b"]
    assert findings[0].rule == "Q4" and findings[0].severity is Severity.ADVISORY


def test_path_b_units_waived_for_certified_case_manager() -> None:
    # rule Q4: no 240 units needed with a DGCC or DGUV certificate
    bea = cm("Bea", degree=Degree.NONE, counselling_years=7)
    assert codes(check(app(case_managers=(cm("Anna"), cm("Ben"), bea)))) == {"path-b"}


def test_path_b_not_met_is_blocking_under_q3() -> None:
    # rule Q4, rule Q3: too little experience and training: not qualified at all
    bea = cm(
        "Bea",
        degree=Degree.OTHER,
        counselling_years=3,
        total_units=200,
        counselling_units=100,
        social_law_units=40,
        certificates=frozenset({Certificate.CASE_MANAGER_DGCC_PARTICIPATION}),
    )
    findings = check(app(case_managers=(cm("Anna"), cm("Ben"), bea)))
    assert codes(findings) == {
        "path-b-experience",
        "path-b-units-total",
        "path-b-units-counselling",
    }
    assert all(f.rule == "Q3" and f.severity is Severity.BLOCKING for f in findings)


# --------------------------------------------------------------------------- Q5


def test_rooms_are_required_per_site() -> None:
    # rule Q5
    s2 = site(id="s2", name="Kiel", headquarters=False, rooms_for_individual_talks=False)
    findings = check(app(sites=(site(), s2)))
    finding = only(findings, "rooms-individual-missing")
    assert finding.severity is Severity.BLOCKING
    assert finding.field == "sites[1].rooms_for_individual_talks"
    assert finding.subject == "s2"


def test_public_transport_is_advisory() -> None:
    # rule Q5
    finding = only(check(app(sites=(site(public_transport=False),))), "public-transport-missing")
    assert finding.severity is Severity.ADVISORY


def test_public_transport_does_not_apply_to_outreach_only_sites() -> None:
    # rule Q5: outreach radius covering the whole catchment area, or declared outreach-only
    derived = site(public_transport=False, outreach_radius_km=60)
    declared = site(public_transport=False, outreach_only_declared=True)
    partial = site(public_transport=False, outreach_radius_km=20)
    assert check(app(sites=(derived,))) == []
    assert check(app(sites=(declared,))) == []
    assert codes(check(app(sites=(partial,)))) == {"public-transport-missing"}


# --------------------------------------------------------------------------- Q6


def test_each_missing_organisation_item_is_blocking() -> None:
    # rule Q6
    findings = check(app(organisation=OrganisationFacts()))
    q6 = [f for f in findings if f.rule == "Q6"]
    assert {f.field for f in q6} == {
        "organisation.documentation_system",
        "organisation.data_protection",
        "organisation.confidentiality_commitments",
        "organisation.quality_management",
        "organisation.complaints_system",
    }
    assert all(f.severity is Severity.BLOCKING for f in q6)


# --------------------------------------------------------------------------- Q7


def test_every_finding_names_its_rule_and_field() -> None:
    # rule Q7
    poor = app(
        concept={},
        case_managers=(
            cm("Ben", counselling_years=0, certificates=frozenset()),
            cm("Bea", degree=Degree.VOCATIONAL, counselling_years=9),
        ),
        sites=(site(rooms_for_relatives=False, public_transport=False),),
        organisation=OrganisationFacts(),
        target_groups=("addiction", "oncology"),
        competences_confirmed=frozenset(),
    )
    findings = check(poor)
    assert {f.rule for f in findings} == set(CRITERIA_RULES)
    assert all(f.field and f.message for f in findings)
    with pytest.raises(ValueError):
        Finding("Q99", "x", Severity.BLOCKING, "m", "f")


def test_same_checks_for_every_provider() -> None:
    # rule Q7: equal treatment: who the provider is does not change the findings
    facts = app(organisation=OrganisationFacts(data_protection=True))
    other = dataclasses.replace(
        facts,
        id="a2",
        provider_id="p2",
        provider_name="Ganz Anderer e.V.",
        receiving_carrier="drv-bund",
    )
    assert check(facts) == check(other)


# --------------------------------------------------------------------------- Q8


def test_uncovered_target_group_gets_a_blocking_finding_for_that_group() -> None:
    # rule Q8
    findings = check(app(target_groups=("addiction", "hearing-impairment")))
    finding = only(findings, "target-group-uncovered")
    assert finding.target_group == "hearing-impairment"
    assert finding.severity is Severity.BLOCKING
    assert "Hörbehinderung (Gebärdensprache)" in finding.message  # the group's label


def test_competence_without_evidence_does_not_cover() -> None:
    # rule Q8
    anna = cm("Anna", target_groups=frozenset({"addiction", "oncology"}))
    ben = cm("Ben", target_groups=frozenset({"oncology"}), competence_evidence="  ")
    findings = check(app(target_groups=("addiction", "oncology"), case_managers=(anna, ben)))
    assert codes(findings) == set()
    anna2 = cm("Anna")
    findings = check(app(target_groups=("addiction", "oncology"), case_managers=(anna2, ben)))
    finding = only(findings, "target-group-uncovered")
    assert finding.target_group == "oncology"
    assert "Ben" in finding.message


def test_drv_nord_checklist_is_advisory() -> None:
    # rule Q8: DRV Nord §8.3 further competences
    confirmed = frozenset(code for code, _ in COMPETENCE_CHECKLIST) - {"jobcenter-contacts"}
    finding = only(check(app(competences_confirmed=confirmed)), "competence-checklist")
    assert finding.severity is Severity.ADVISORY
    assert "Jobcenter" in finding.message
    assert "sozialrechtliche" not in finding.message
    assert "Vernetzung:" in finding.message and "Soziale Kompetenzen" not in finding.message


def test_the_competence_checklist_is_section_8_3_in_full() -> None:
    # rule Q8: every item of Fachkonzept §8.3, in its three groups
    groups = {group: [code for code, _ in items] for group, items in COMPETENCE_GROUPS}
    assert list(groups) == [
        "Fachliche und methodische Kenntnisse",
        "Vernetzung",
        "Soziale Kompetenzen",
    ]
    assert [len(codes) for codes in groups.values()] == [6, 7, 18]
    codes = [code for code, _ in COMPETENCE_CHECKLIST]
    assert len(codes) == len(set(codes)) == 31
    labels = " ".join(label for _, label in COMPETENCE_CHECKLIST)
    for phrase in (
        "berufskundliche",
        "Krankheitsbilder",
        "Schwerbehindertenvertretungen",
        "Verhandlungsgeschick",
        "interkulturelle Sensibilität",
        "Beratungserfahrung",
    ):
        assert phrase in labels
    finding = only(check(app(competences_confirmed=frozenset())), "competence-checklist")
    assert "Kreativität" in finding.message and "Arbeitsmarktkenntnisse" in finding.message


def test_the_competence_checklist_names_the_deciding_carrier() -> None:
    # rule Q8 (issue 17, item 10): who judges the checklist, by the carrier's name
    facts = app(competences_confirmed=frozenset())
    findings = check_application(
        facts, None, CONCEPT_SECTION_CODES, TODAY, deciding_carrier="DRV Hessen"
    )
    finding = only(findings, "competence-checklist")
    assert finding.message.startswith("Die DRV Hessen prüft als entscheidender Träger")


@dataclasses.dataclass(frozen=True)
class _Item:
    code: str
    label: str
    rule: str = "Q1"


def test_advisory_concept_items_missing_are_advisory_q8() -> None:
    # rule Q8, rule Q1: Personenkontinuität, material equipment (hardware and software), no legal
    # advice and no therapeutic tasks are advisory; a required section stays blocking
    items = [
        _Item("methods", "Methoden des Fallmanagements"),
        _Item("person-continuity", "Vorkehrungen für die Personenkontinuität", "Q8"),
        _Item("material-equipment", "Materielle Ausstattung mit Hard- und Software", "Q8"),
        _Item("no-legal-advice-no-therapy", "Keine Rechtsauskünfte, keine Therapie", "Q8"),
    ]
    findings = check_application(app(concept={"methods": "x"}), None, items, TODAY)
    missing = [f for f in findings if f.code == "concept-item-missing"]
    assert [f.field for f in missing] == [
        "concept.person-continuity",
        "concept.material-equipment",
        "concept.no-legal-advice-no-therapy",
    ]
    assert all(f.rule == "Q8" and f.severity is Severity.ADVISORY for f in missing)
    assert "Hard- und Software" in missing[1].message
    findings = check_application(app(concept={}), None, items, TODAY)
    q1 = only(findings, "concept-section-missing")
    assert q1.severity is Severity.BLOCKING and "Methoden des Fallmanagements" in q1.message


# --------------------------------------------------------------------------- A15


def test_recheck_staff_returns_only_new_blocking_findings() -> None:
    # rule A15
    team = (cm("Anna", id="c1"), cm("Ben", id="c2"), cm("Cem", id="c3", counselling_years=1))
    previous = check(app(case_managers=team))
    assert codes(previous) == {"path-a-experience"}
    assert recheck_staff(team, ("addiction",), previous, TODAY) == []
    # Ben leaves: only Anna is qualified now; Cem's old finding is not new
    after = recheck_staff((team[0], team[2]), ("addiction",), previous, TODAY)
    assert [(f.rule, f.code) for f in after] == [("Q2", "qualified-count")]


def test_recheck_staff_reports_uncovered_group_and_ignores_advisory() -> None:
    # rule A15, rule Q8
    team = (cm("Anna", id="c1"), cm("Ben", id="c2", target_groups=frozenset({"oncology"})))
    previous = check(app(case_managers=team, target_groups=("addiction", "oncology")))
    assert previous == []
    newcomer = cm("Dora", id="c4", certificates=frozenset({Certificate.COMPARABLE}))
    after = recheck_staff((team[0], newcomer), ("addiction", "oncology"), previous, TODAY)
    assert [(f.rule, f.target_group) for f in after] == [("Q8", "oncology")]
