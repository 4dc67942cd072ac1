"""The invariants of `registry check`, decided on plain rows (no database)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from registry.check import Facts, IndexFacts, Violation, expected_index_sites, find_violations


def _facts(**over: Any) -> Facts:
    """A consistent graph: Lübeck admitted by DRV Nord, Kassel awaiting DRV Hessen (A7)."""
    base = Facts(
        carriers=[
            {"id": "drv-nord", "kind": "regional"},
            {"id": "drv-hessen", "kind": "regional"},
            {"id": "drv-bund", "kind": "federal"},
        ],
        districts=[
            {"key": "01003", "carrier": "drv-nord"},
            {"key": "06611", "carrier": "drv-hessen"},
        ],
        providers=[{"id": "p1"}],
        sites=[
            {
                "id": "s-hl",
                "provider_id": "p1",
                "district_key": "01003",
                "responsible_carrier": "drv-nord",
            },
            {
                "id": "s-ks",
                "provider_id": "p1",
                "district_key": "06611",
                "responsible_carrier": "drv-hessen",
            },
        ],
        site_districts=[
            {"site_id": "s-hl", "district_key": "01003"},
            {"site_id": "s-ks", "district_key": "06611"},
        ],
        provider_sites=[
            {"provider_id": "p1", "site_id": "s-hl"},
            {"provider_id": "p1", "site_id": "s-ks"},
        ],
        applications=[
            {
                "id": "a1",
                "provider_id": "p1",
                "lead_carrier": "drv-nord",
                "version": 2,
                "status": "decided",
            }
        ],
        admissions=[
            _adm("s-hl", "addiction", "admitted", "drv-nord"),
            _adm("s-hl", "oncology", "refused", ""),
            _adm("s-ks", "addiction", "awaiting_follow_on", ""),
            _adm("s-ks", "oncology", "refused", ""),
        ],
        follow_ons=[
            {
                "id": "f1",
                "application_id": "a1",
                "site_id": "s-ks",
                "carrier": "drv-hessen",
                "status": "open",
            }
        ],
        notices=[{"id": "n1", "subject_type": "application", "subject_id": "a1"}],
        partner_sites=[{"id": "ps1", "partner_id": "x1", "partner_active": True}],
        partners=[{"id": "x1"}],
        index=IndexFacts(
            pending_outbox=0,
            site_count=1,
            sites_found=frozenset({"s-hl"}),
            partner_sites_found=frozenset({"ps1"}),
        ),
    )
    return replace(base, **over)


def _adm(site: str, group: str, status: str, issued_by: str, **over: Any) -> dict[str, Any]:
    row = {
        "id": f"{site}|{group}",
        "site_id": site,
        "provider_id": "p1",
        "application_id": "a1",
        "target_group": group,
        "issued_by": issued_by,
        "status": status,
    }
    row.update(over)
    return row


def _index(facts: Facts, **over: Any) -> IndexFacts:
    assert facts.index is not None
    return replace(facts.index, **over)


def _rules(facts: Facts) -> list[tuple[str, str]]:
    return [(v.rule, v.subject) for v in find_violations(facts)]


def test_a_consistent_graph_has_no_violation() -> None:
    assert find_violations(_facts()) == []


def test_violations_print_rule_subject_and_message() -> None:
    assert str(Violation("A2", "Standort s", "x")) == "[A2] Standort s: x"


def test_admission_in_force_must_be_issued_by_the_responsible_carrier() -> None:
    # rule A6/A7 (and E1): an admission counts only from the site's responsible carrier
    for status in ("admitted", "suspended", "revoked"):
        facts = _facts()
        admissions = [*facts.admissions[1:], _adm("s-hl", "addiction", status, "drv-hessen")]
        assert _rules(replace(facts, admissions=admissions, index=None)) == [
            ("A6/A7", "Zulassung s-hl|addiction")
        ]


def test_an_open_follow_on_for_a_refused_site_is_a_violation() -> None:
    # rule A7: a follow-on task exists only while the site awaits its follow-on admission
    facts = _facts()
    admissions = [a for a in facts.admissions if a["site_id"] != "s-ks"] + [
        _adm("s-ks", "addiction", "refused", ""),
        _adm("s-ks", "oncology", "refused", ""),
    ]
    assert _rules(replace(facts, admissions=admissions)) == [("A7", "Folgezulassung f1")]


def test_an_open_follow_on_for_an_admitted_site_is_a_violation() -> None:
    # rule A7: the follow-on admission closes its task
    facts = _facts()
    admissions = [a for a in facts.admissions if a["id"] != "s-ks|addiction"] + [
        _adm("s-ks", "addiction", "admitted", "drv-hessen")
    ]
    index = _index(facts, site_count=2, sites_found=frozenset({"s-hl", "s-ks"}))
    assert _rules(replace(facts, admissions=admissions, index=index)) == [
        ("A7", "Folgezulassung f1")
    ]


def test_a_follow_on_task_belongs_to_the_sites_responsible_carrier() -> None:
    # rule A7: only the site's responsible carrier issues the follow-on admission
    facts = _facts(
        follow_ons=[
            {
                "id": "f1",
                "application_id": "a1",
                "site_id": "s-ks",
                "carrier": "drv-nord",
                "status": "open",
            }
        ]
    )
    assert _rules(facts) == [("A7", "Folgezulassung f1")]


def test_an_awaiting_site_without_open_task_is_a_violation() -> None:
    # rule A7: every site awaiting its follow-on admission has the task that lets it be admitted
    facts = _facts(
        follow_ons=[
            {
                "id": "f1",
                "application_id": "a1",
                "site_id": "s-ks",
                "carrier": "drv-hessen",
                "status": "done",
            }
        ]
    )
    assert _rules(facts) == [("A7", "Standort s-ks")]


def test_site_responsibility_follows_its_district() -> None:
    # rule A2: the responsible carrier of a site is the regional carrier of its district
    facts = _facts()
    sites = [{**facts.sites[0], "responsible_carrier": "drv-hessen"}, facts.sites[1]]
    rules = _rules(replace(facts, sites=sites, index=None))
    assert ("A2", "Standort s-hl") in rules


def test_a_site_must_lie_in_its_district_and_belong_to_its_provider() -> None:
    # rule A2 / A1: the relationships agree with the site's own fields
    facts = _facts(site_districts=[{"site_id": "s-ks", "district_key": "06611"}])
    assert _rules(facts) == [("A2", "Standort s-hl")]
    facts = _facts(provider_sites=[{"provider_id": "p1", "site_id": "s-ks"}])
    assert _rules(facts) == [("A1", "Standort s-hl")]


def test_unknown_district_is_reported() -> None:
    # rule A2
    facts = _facts()
    sites = [{**facts.sites[0], "district_key": "99999"}, facts.sites[1]]
    assert ("A2", "Standort s-hl") in _rules(replace(facts, sites=sites))


def test_lead_carrier_must_be_regional() -> None:
    # rule A3/A4: a federal carrier always forwards, it is never lead
    facts = _facts()
    apps = [{**facts.applications[0], "lead_carrier": "drv-bund"}]
    assert _rules(replace(facts, applications=apps)) == [("A3/A4", "Antrag a1")]


def test_application_version_is_at_least_one() -> None:
    # rule A11: the optimistic-concurrency version starts at 1
    facts = _facts()
    for version in (0, -1, None, "2"):
        apps = [{**facts.applications[0], "version": version}]
        assert _rules(replace(facts, applications=apps)) == [("A11", "Antrag a1")]


def test_notices_reference_existing_subjects() -> None:
    # rule A8: a notice must lead to what it is about
    facts = _facts(notices=[{"id": "n1", "subject_type": "application", "subject_id": "gone"}])
    assert _rules(facts) == [("A8", "Hinweis n1")]
    facts = _facts(notices=[{"id": "n2", "subject_type": "mystery", "subject_id": "a1"}])
    assert _rules(facts) == [("A8", "Hinweis n2")]


def test_no_admission_without_site_application_and_provider() -> None:
    # rule A1: an admission is always a site's admission from an application
    facts = _facts()
    orphan = _adm(
        "s-gone", "addiction", "refused", "", application_id="a-gone", provider_id="p-gone"
    )
    violations = find_violations(replace(facts, admissions=[*facts.admissions, orphan]))
    assert sorted(v.message for v in violations) == [
        "Anbieter p-gone fehlt",
        "Antrag a-gone fehlt",
        "Standort s-gone fehlt",
    ]


def test_index_holds_exactly_the_admitted_sites() -> None:
    # rule E1/E5: admitted sites are findable, nothing else is
    facts = _facts()
    assert expected_index_sites(facts.admissions) == {"s-hl"}
    missing = _index(facts, site_count=0, sites_found=frozenset())
    assert _rules(replace(facts, index=missing)) == [("E1", "Standort s-hl")]
    extra = _index(facts, site_count=2, sites_found=frozenset({"s-hl", "s-ks"}))
    assert _rules(replace(facts, index=extra)) == [("E5", "Standort s-ks")]
    orphan = _index(facts, site_count=3)
    assert _rules(replace(facts, index=orphan)) == [("E5", "Suchindex")]
    stale = _index(facts, sites_stale=frozenset({"s-hl"}))
    assert _rules(replace(facts, index=stale)) == [("E1", "Standort s-hl")]


def test_suspended_sites_must_leave_the_index() -> None:
    # rule E5: a suspended admission never appears
    facts = _facts()
    admissions = [_adm("s-hl", "addiction", "suspended", "drv-nord"), *facts.admissions[1:]]
    assert _rules(replace(facts, admissions=admissions)) == [("E5", "Standort s-hl")]


def test_pending_outbox_is_reported_instead_of_comparing() -> None:
    # rule E1: the index is compared only once the outbox is drained
    facts = _facts(index=IndexFacts(pending_outbox=4, site_count=0, sites_found=frozenset()))
    [violation] = find_violations(facts)
    assert violation.subject == "Suchindex" and "4 Änderungen" in violation.message


def test_active_partner_sites_are_in_the_partner_index() -> None:
    # rule E7: partners are searched the same way
    facts = _facts()
    index = _index(facts, partner_sites_found=frozenset())
    assert _rules(replace(facts, index=index)) == [("E7", "Partnerstandort ps1")]
    inactive = [{"id": "ps1", "partner_id": "x1", "partner_active": False}]
    assert _rules(replace(facts, index=index, partner_sites=inactive)) == []


def test_without_index_facts_the_index_is_not_judged() -> None:
    assert find_violations(_facts(index=None)) == []


def test_two_sites_of_one_provider_at_one_address_break_site_identity() -> None:
    # rule A9: a site is one place of one provider and exists once
    facts = _facts()
    sites = [
        {**facts.sites[0], "street": "Hauptstraße 5", "postal_code": "23552", "place": "Lübeck"},
        {**facts.sites[1], "street": "Hauptstr. 5", "postal_code": "23552", "place": "LÜBECK"},
    ]
    assert _rules(replace(facts, sites=sites)) == [("A9", "Standort s-ks")]
    sites[1]["street"] = "Hauptstraße 7"
    assert _rules(replace(facts, sites=sites)) == []


def test_a_relationship_that_must_exist_once_is_reported_when_missing_or_doubled() -> None:
    cardinality = [
        {"label": "Site", "relation": "OPERATES", "id": "s-hl", "n": 2},
        {"label": "Admission", "relation": "UNDER", "id": "m1", "n": 0},
    ]
    found = find_violations(replace(_facts(), cardinality=cardinality))
    assert [(v.rule, v.subject) for v in found] == [
        ("Modell", "Admission m1"),
        ("Modell", "Site s-hl"),
    ]
    assert "2-mal" in found[1].message
