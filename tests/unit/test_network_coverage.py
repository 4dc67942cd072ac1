"""Unit tests of coverage (N6), the reach test (A8) and unmet need (N7)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest

from registry.geo import distance_km
from registry.network.catchment import District, ReachIndex, reaches
from registry.network.coverage import CoverageRow, ProviderSite, compute_coverage
from registry.network.model import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    Partner,
    PartnerSite,
    Purpose,
    Scope,
    UnmetNeed,
)
from registry.network.unmet_need_rules import (
    count_unmet_need_needs,
    count_unmet_needs,
    validate_unmet_need,
)

TODAY = date(2025, 6, 1)


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


# Hand-made geometry on the parallel 50° N, where one degree of longitude is about 71.5 km.
# A (Hessen) around 8°E, B (Hessen) at 9°E, C (Bayern) around 10°E, D (Hamburg) far north.
A = District("A", "Kreis A", "Hessen", "drv-hessen", ((50.0, 8.0), (50.05, 8.1)))
B = District("B", "Kreis B", "Hessen", "drv-hessen", ((50.0, 9.0),))
C = District("C", "Kreis C", "Bayern", "drv-nordbayern", ((50.0, 10.0), (50.0, 10.3)))
D = District("D", "Kreis D", "Hamburg", "drv-nord", ((53.55, 10.0),))
DISTRICTS = [D, C, B, A]  # any order: rows come sorted by key


def active_agreement(id_: str, partners: tuple[str, ...], scope: Scope, **kw: Any) -> Agreement:
    values: dict[str, Any] = {
        "valid_from": date(2025, 1, 1),
        "valid_until": None,
        "status": AgreementStatus.ACTIVE,
    }
    values.update(kw)
    return Agreement(
        id=id_,
        kind=AgreementKind.COOPERATION_AGREEMENT,
        purpose=Purpose.GENERAL,
        title=id_,
        carriers=("drv-hessen",),
        partners=partners,
        scope=scope,
        **values,
    )


def partner(id_: str, *sites: PartnerSite, groups: tuple[str, ...] = ("addiction",)) -> Partner:
    return Partner(id=id_, name=id_, type="jobcenter", sites=sites, target_groups=groups)


SITES = [
    ProviderSite("s1", 50.0, 8.0, "A", 30.0, {"addiction": None, "oncology": days(500)}),
    ProviderSite("s2", 50.0, 9.0, "B", 75.0, {"oncology": days(10)}),
    ProviderSite("s3", 50.0, 10.3, "C", 10.0, {"addiction": days(30)}),
]
PARTNERS = [
    partner("P1", PartnerSite("P1 B", 50.0, 9.0, 20.0, "B")),
    partner(
        "P2", PartnerSite("P2 A", 50.0, 8.0, 5.0, "A"), PartnerSite("P2 B", 50.0, 9.0, 5.0, "B")
    ),
    partner("P3", PartnerSite("P3 C", 50.0, 10.0, 5.0, "C")),
]
AGREEMENTS = [
    active_agreement("ag1", ("P1",), Scope.of_districts("B"), next_review=days(45)),
    active_agreement("ag2", ("P2",), Scope.of_state("Hessen"), valid_until=days(400)),
    active_agreement("ag3", ("P3",), Scope.of_districts("A")),  # P3 does not serve A
    active_agreement("ag4", ("P3",), Scope.of_state("Hessen")),  # C lies in Bayern
    active_agreement("ag5", ("P3",), Scope.national(), status=AgreementStatus.DRAFT),
]


def table(rows: list[CoverageRow]) -> dict[tuple[str, str], tuple[int, int, int, int, bool, bool]]:
    return {
        (r.district_key, r.target_group): (
            r.provider_sites,
            r.partners,
            r.provider_sites_after,
            r.partners_after,
            r.gap,
            r.gap_opens,
        )
        for r in rows
    }


# --- reach (A8, used by N6) ----------------------------------------------------------------------


def test_hand_made_geometry_is_what_the_tests_assume() -> None:
    # rule A8 / N6: sanity of the fixture distances
    assert 71.0 < distance_km(50.0, 9.0, 50.0, 8.0) < 72.0
    assert 71.0 < distance_km(50.0, 9.0, 50.0, 10.0) < 72.0


def test_reaches_own_district_and_centroids_within_radius() -> None:
    # rule A8 (the reach test that N6 uses)
    assert reaches(50.0, 8.0, 0.0, "A", "A", ())  # a site always reaches its own district
    assert reaches(50.0, 9.0, 75.0, "B", "A", A.centroids)
    assert reaches(50.0, 9.0, 75.0, "B", "C", C.centroids)
    assert not reaches(50.0, 9.0, 70.0, "B", "C", C.centroids)
    assert not reaches(50.0, 9.0, 500.0, "B", "X", ())  # no centroids: only its own sites


def test_reaches_includes_the_boundary() -> None:
    # rule A8: "within the radius" includes a centroid exactly at the radius
    radius = distance_km(50.0, 9.0, 50.0, 10.0)
    assert reaches(50.0, 9.0, radius, "B", "C", [(50.0, 10.0)])
    assert not reaches(50.0, 9.0, radius - 1e-6, "B", "C", [(50.0, 10.0)])


def test_reach_index_agrees_with_reaches_everywhere() -> None:
    # rule A8: the fast index gives the same answer as the plain test
    rng = random.Random(20250601)
    districts = [
        District(
            f"{i:05d}",
            f"K{i}",
            "S",
            "c",
            tuple(
                (rng.uniform(47.3, 55.0), rng.uniform(5.9, 15.0)) for _ in range(rng.randint(0, 6))
            ),
        )
        for i in range(80)
    ]
    index = ReachIndex(districts, cell_deg=0.3)
    for _ in range(150):
        lat, lon = rng.uniform(47.0, 55.3), rng.uniform(5.5, 15.5)
        radius = rng.choice([0.0, 5.0, 40.0, 120.0, 400.0])
        own = rng.choice(districts).key
        expected = {d.key for d in districts if reaches(lat, lon, radius, own, d.key, d.centroids)}
        assert index.reached(lat, lon, radius, own) == expected


def test_reach_index_handles_extreme_radii() -> None:
    # rule A8
    index = ReachIndex(DISTRICTS)
    assert index.reached(50.0, 9.0, 20000.0, "B") == {"A", "B", "C", "D"}
    assert index.reached(51.0, 9.0, 1.0, "Z") == set()  # unknown own district, nothing near
    with pytest.raises(ValueError):
        ReachIndex(DISTRICTS, cell_deg=0)


# --- coverage (N6) -------------------------------------------------------------------------------


def test_coverage_counts_sites_and_partners_per_district_and_group() -> None:
    # rule N6
    rows = compute_coverage(
        DISTRICTS,
        SITES,
        PARTNERS,
        AGREEMENTS,
        today=TODAY,
        target_groups=("addiction", "oncology"),
    )
    assert [(r.target_group, r.district_key) for r in rows] == [
        ("addiction", "A"),
        ("addiction", "B"),
        ("addiction", "C"),
        ("addiction", "D"),
        ("oncology", "A"),
        ("oncology", "B"),
        ("oncology", "C"),
        ("oncology", "D"),
    ]
    got = table(rows)
    # A: s1; partner P2 (state scope Hessen). B: P1 and P2, P2 counted once for two sites.
    assert got[("A", "addiction")][:2] == (1, 1)
    assert got[("B", "addiction")][:2] == (0, 2)
    # C: s3 only. P3 serves C but none of its agreements covers C (districts A, state Hessen,
    # and a national draft).
    assert got[("C", "addiction")][:2] == (1, 0)
    # s2 (B, 75 km) reaches A, B and C for oncology; s1 adds A.
    assert [got[(k, "oncology")][0] for k in "ABCD"] == [2, 1, 1, 0]
    # D has nothing: a gap for every group.
    assert got[("D", "addiction")][4] and got[("D", "oncology")][4]
    assert not any(got[(k, g)][4] for k in "ABC" for g in ("addiction", "oncology"))
    first = rows[0]
    assert first.as_api() == {
        "district": {"key": "A", "name": "Kreis A"},
        "state": "Hessen",
        "responsible_carrier": "drv-hessen",
        "provider_sites": 1,
        "partners": 1,
        "unmet_needs": 0,
        "provider_sites_after": 1,
        "partners_after": 1,
        "provider_sites_at_risk": 0,
        "partners_at_risk": 0,
        "gap": False,
        "gap_opens": False,
    }


def risk(rows: list[CoverageRow]) -> dict[tuple[str, str], tuple[int, int]]:
    return {
        (r.district_key, r.target_group): (r.provider_sites_at_risk, r.partners_at_risk)
        for r in rows
    }


def test_n6_a_review_in_the_lookahead_is_at_risk_not_lost() -> None:
    # rule N6 (issue 15): s3's admission for addiction is due for review in 30 days - a review
    # is not an end: C keeps its provider after the look-ahead, shown apart as at risk
    short = compute_coverage(DISTRICTS, SITES, PARTNERS, AGREEMENTS, today=TODAY, lookahead_days=29)
    assert table(short)[("C", "addiction")] == (1, 0, 1, 0, False, False)
    assert risk(short)[("C", "addiction")] == (0, 0)
    long = compute_coverage(DISTRICTS, SITES, PARTNERS, AGREEMENTS, today=TODAY, lookahead_days=30)
    assert table(long)[("C", "addiction")] == (1, 0, 1, 0, False, False)
    assert risk(long)[("C", "addiction")] == (1, 0)
    # Within 60 days P1's agreement (B) is due for review in 45 days: still there, at risk;
    # P2's Hessen-wide agreement ends only in 400 days and has no review in the window.
    sixty = compute_coverage(DISTRICTS, SITES, PARTNERS, AGREEMENTS, today=TODAY, lookahead_days=60)
    assert table(sixty)[("B", "addiction")] == (0, 2, 0, 2, False, False)
    assert risk(sixty)[("B", "addiction")] == (0, 1)
    # s2's oncology admission is due in 10 days: B and C keep it, at risk.
    assert table(sixty)[("B", "oncology")] == (1, 0, 1, 0, False, False)
    assert risk(sixty)[("B", "oncology")] == (1, 0)
    assert risk(sixty)[("A", "oncology")] == (1, 0)


def test_n6_an_agreement_is_still_valid_on_its_last_valid_day() -> None:
    # rule N6 (issue 15): ag2's last valid day is day 400; on a horizon of 400 days it still
    # counts, one day later it is lost (an end, not a review)
    on_it = compute_coverage(
        DISTRICTS, SITES, PARTNERS, AGREEMENTS, today=TODAY, lookahead_days=400
    )
    assert table(on_it)[("A", "addiction")] == (1, 1, 1, 1, False, False)
    after = compute_coverage(
        DISTRICTS, SITES, PARTNERS, AGREEMENTS, today=TODAY, lookahead_days=401
    )
    assert table(after)[("A", "addiction")] == (1, 1, 1, 0, False, False)


def test_n6_only_an_admissions_end_date_is_a_loss() -> None:
    # rule N6: `*_after` counts only what ends (an admission's end date, where it has one)
    ending = ProviderSite(
        "s9", 53.55, 10.0, "D", 10.0, {"outreach": None}, ends={"outreach": days(20)}
    )
    rows = compute_coverage(
        DISTRICTS, [ending], [], [], today=TODAY, lookahead_days=19, target_groups=("outreach",)
    )
    assert table(rows)[("D", "outreach")] == (1, 0, 1, 0, False, False)
    rows = compute_coverage(
        DISTRICTS, [ending], [], [], today=TODAY, lookahead_days=21, target_groups=("outreach",)
    )
    assert table(rows)[("D", "outreach")] == (1, 0, 0, 0, False, True)


def test_overdue_admission_review_counts_now_and_after_but_at_risk() -> None:
    # rule N6 (design decision: an overdue review is a risk like one due in the look-ahead)
    site = ProviderSite("s9", 53.55, 10.0, "D", 10.0, {"outreach": days(-5)})
    rows = compute_coverage(DISTRICTS, [site], [], [], today=TODAY, target_groups=("outreach",))
    assert table(rows)[("D", "outreach")] == (1, 0, 1, 0, False, False)
    assert risk(rows)[("D", "outreach")] == (1, 0)


def test_only_agreements_in_force_count_for_partners() -> None:
    # rule N6: a partner counts only with an ACTIVE agreement in force today
    p = partner("P9", PartnerSite("P9 D", 53.55, 10.0, 10.0, "D"))
    scope = Scope.of_districts("D")
    cases = [
        (active_agreement("x", ("P9",), scope), 1),
        (active_agreement("x", ("P9",), scope, status=AgreementStatus.SUSPENDED), 0),
        (active_agreement("x", ("P9",), scope, status=AgreementStatus.TERMINATED), 0),
        (active_agreement("x", ("P9",), scope, valid_from=days(1)), 0),
        (active_agreement("x", ("P9",), scope, valid_until=days(-1)), 0),
        (active_agreement("x", ("P9",), scope, valid_until=TODAY), 1),
        (active_agreement("x", ("P8",), scope), 0),
    ]
    for agreement, expected in cases:
        rows = compute_coverage(
            DISTRICTS, [], [p], [agreement], today=TODAY, target_groups=("addiction",)
        )
        assert table(rows)[("D", "addiction")][1] == expected, agreement


def test_partner_counts_only_for_its_target_groups() -> None:
    # rule N6
    p = partner("P9", PartnerSite("P9 D", 53.55, 10.0, 10.0, "D"), groups=("oncology",))
    rows = compute_coverage(
        DISTRICTS,
        [],
        [p],
        [active_agreement("x", ("P9",), Scope.national())],
        today=TODAY,
        target_groups=("addiction", "oncology"),
    )
    assert table(rows)[("D", "addiction")][1] == 0
    assert table(rows)[("D", "oncology")][1] == 1


def test_precomputed_reach_is_used_as_given() -> None:
    # rule N6: the caller may pass the districts a site reaches (stored for A8)
    site = ProviderSite("s", 50.0, 8.0, "A", 1.0, {"addiction": None}, frozenset({"D"}))
    p = partner("P", PartnerSite("P", 50.0, 8.0, 1.0, "A", reached_districts=frozenset({"D"})))
    rows = compute_coverage(
        DISTRICTS,
        [site],
        [p],
        [active_agreement("x", ("P",), Scope.national())],
        today=TODAY,
        target_groups=("addiction",),
        index=ReachIndex(DISTRICTS),
    )
    got = table(rows)
    assert got[("D", "addiction")][:2] == (1, 1)
    assert got[("A", "addiction")][:2] == (0, 0)


def test_unmet_needs_are_counted_per_district_and_group() -> None:
    # rule N7 (shown by N6)
    records = [
        UnmetNeed("drv-nord", "D", ("addiction", "oncology"), TODAY),
        UnmetNeed("drv-bund", "D", ("addiction", "addiction"), TODAY),
        UnmetNeed("drv-hessen", "A", ("oncology",), TODAY),
    ]
    counts = count_unmet_needs(records)
    assert counts == {("D", "addiction"): 2, ("D", "oncology"): 1, ("A", "oncology"): 1}
    rows = compute_coverage(
        DISTRICTS, [], [], [], today=TODAY, target_groups=("addiction",), unmet_needs=counts
    )
    assert {r.district_key: r.unmet_needs for r in rows} == {"A": 0, "B": 0, "C": 0, "D": 2}


def test_negative_lookahead_is_refused() -> None:
    # rule N6
    with pytest.raises(ValueError):
        compute_coverage(DISTRICTS, [], [], [], today=TODAY, lookahead_days=-1)


# --- N7 ------------------------------------------------------------------------------------------


def test_unmet_need_accepts_exactly_postal_code_and_target_groups() -> None:
    # rule N7
    assert validate_unmet_need({"postal_code": "23556", "target_groups": ["addiction"]}) == []


def test_n7_unmet_need_accepts_the_cases_non_personal_needs() -> None:
    # rule N7 (issue 15): language, outreach and barrier-free access are recorded too
    body = {"postal_code": "53111", "target_groups": ["addiction"]}
    full = {**body, "language": "tr", "outreach": True, "barrier_free": False}
    assert validate_unmet_need(full) == []
    assert validate_unmet_need({**body, "language": ""}) == []
    wrong = {**body, "language": "Frau M. spricht Türkisch", "outreach": "ja"}
    assert [(p.field, p.rule) for p in validate_unmet_need(wrong)] == [
        ("language", "N7"),
        ("outreach", "N7"),
    ]


def test_n7_needs_are_counted_per_district_group_and_combination() -> None:
    # rule N7: "Turkish-speaking addiction counselling is missing in Bonn"
    records = [
        UnmetNeed("drv-rheinland", "D", ("addiction",), TODAY, language="tr"),
        UnmetNeed("drv-bund", "D", ("addiction",), TODAY, language="tr"),
        UnmetNeed("drv-rheinland", "D", ("addiction",), TODAY, outreach=True, barrier_free=True),
        UnmetNeed("drv-rheinland", "D", ("addiction",), TODAY),
    ]
    assert count_unmet_need_needs(records) == {
        ("D", "addiction"): {("tr", False, False): 2, ("", True, True): 1, ("", False, False): 1}
    }


def test_unmet_need_refuses_any_other_field() -> None:
    # rule N7: nothing else, in particular no person and no free text
    problems = validate_unmet_need(
        {
            "postal_code": "23556",
            "target_groups": ["addiction"],
            "name": "Max Mustermann",
            "note": "braucht Hilfe",
        }
    )
    assert [(p.field, p.message, p.rule) for p in problems] == [
        ("name", "Feld nicht erlaubt", "N7"),
        ("note", "Feld nicht erlaubt", "N7"),
    ]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({}, {"postal_code", "target_groups"}),
        ({"postal_code": "2355", "target_groups": ["addiction"]}, {"postal_code"}),
        ({"postal_code": 23556, "target_groups": ["addiction"]}, {"postal_code"}),
        ({"postal_code": "2355x", "target_groups": ["addiction"]}, {"postal_code"}),
        ({"postal_code": "23556", "target_groups": []}, {"target_groups"}),
        ({"postal_code": "23556", "target_groups": "addiction"}, {"target_groups"}),
        ({"postal_code": "23556", "target_groups": ["addiction", "x"]}, {"target_groups[1]"}),
        ({"postal_code": "23556", "target_groups": [3]}, {"target_groups[0]"}),
        (["23556"], {"body"}),
    ],
)
def test_unmet_need_problems(payload: object, expected: set[str]) -> None:
    # rule N7
    problems = validate_unmet_need(payload)
    assert {p.field for p in problems} == expected
    assert all(p.rule == "N7" for p in problems)
