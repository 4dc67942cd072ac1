"""Rules E1-E5 and E7 (docs/rules.md section 7) as pure functions: no index, no database."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.directory.eligibility import Case, PartnerQuery, evaluate, evaluate_partner, rank
from registry.directory.text_rule import fold, query_terms, stem, text_matches, tokens
from registry.distance import distance_km
from registry.search.documents import (
    Address,
    AdmissionState,
    Contact,
    PartnerDocument,
    SiteDocument,
)

HOME = (50.0, 8.0)
KM_PER_DEGREE_LAT = 6371.009 * math.pi / 180


def north(km: float) -> tuple[float, float]:
    """A point `km` due north of HOME (great-circle distance exactly km)."""
    return HOME[0] + km / KM_PER_DEGREE_LAT, HOME[1]


def admitted(since: date | None = None) -> AdmissionState:
    return AdmissionState(status="admitted", since=since)


def site(
    site_id: str = "s1",
    *,
    km: float = 10.0,
    provider_name: str = "Beratung Nord",
    catchment: float = 30.0,
    groups: dict[str, AdmissionState] | None = None,
    **kw: object,
) -> SiteDocument:
    lat, lon = north(km)
    return SiteDocument(
        id=site_id,
        provider_id=f"p-{site_id}",
        provider_name=provider_name,
        lat=lat,
        lon=lon,
        catchment_radius_km=catchment,
        admissions=groups if groups is not None else {"addiction": admitted()},
        responsible_carrier="drv-hessen",
        **kw,  # type: ignore[arg-type]
    )


def case(**kw: object) -> Case:
    base: dict[str, object] = {"lat": HOME[0], "lon": HOME[1], "target_groups": ("addiction",)}
    base.update(kw)
    return Case(**base)  # type: ignore[arg-type]


def messages(doc: SiteDocument, c: Case) -> list[tuple[str, str]]:
    return [(r.rule, r.message) for r in evaluate(doc, c).reasons]


# ------------------------------------------------------------------ E1


def test_admitted_active_site_in_range_fits() -> None:
    # rule E1
    result = evaluate(site(), case())
    assert result.eligible
    assert result.reasons == ()
    assert result.distance_km == pytest.approx(10.0)


def test_inactive_provider_and_site_are_named() -> None:
    # rule E1
    doc = site(provider_active=False, site_active=False)
    assert messages(doc, case()) == [
        ("E1", "Anbieter Beratung Nord ist nicht aktiv"),
        ("E1", "Standort ist nicht aktiv"),
    ]


def test_every_requested_target_group_must_be_admitted() -> None:
    # rule E1
    doc = site(groups={"addiction": admitted()})
    result = evaluate(doc, case(target_groups=("addiction", "oncology")))
    assert not result.eligible
    assert [(r.rule, r.message) for r in result.reasons] == [
        ("E1", "Zielgruppe oncology ist für diesen Standort nicht zugelassen")
    ]


def test_pending_and_refused_admissions_do_not_fit() -> None:
    # rule E1
    doc = site(
        groups={
            "addiction": AdmissionState(status="pending", since=date(2026, 1, 5)),
            "oncology": AdmissionState(status="refused", since=date(2026, 2, 1)),
        }
    )
    assert messages(doc, case(target_groups=("addiction", "oncology"))) == [
        (
            "E1",
            "Über die Zulassung für Zielgruppe addiction ist noch nicht entschieden"
            " (beantragt am 2026-01-05)",
        ),
        ("E1", "Zulassung für Zielgruppe oncology wurde am 2026-02-01 abgelehnt"),
    ]


def test_case_needs_a_target_group() -> None:
    # rule E1 (a case names one or more target groups)
    with pytest.raises(ValueError, match="Zielgruppe"):
        Case(lat=50.0, lon=8.0, target_groups=())


# ------------------------------------------------------------------ E5


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("suspended", "Zielgruppe addiction ist seit 2026-03-01 ausgesetzt"),
        ("revoked", "Zulassung für Zielgruppe addiction wurde am 2026-03-01 widerrufen"),
        (
            "withdrawn",
            "Zulassung für Zielgruppe addiction wurde am 2026-03-01 vom Anbieter zurückgezogen",
        ),
        (
            "awaiting_follow_on",
            "Standort wartet auf die Folgezulassung durch drv-hessen (Zielgruppe addiction)",
        ),
    ],
)
def test_suspended_revoked_withdrawn_and_awaiting_never_fit(status: str, expected: str) -> None:
    # rule E5
    doc = site(groups={"addiction": AdmissionState(status=status, since=date(2026, 3, 1))})
    result = evaluate(doc, case())
    assert not result.eligible
    assert [(r.rule, r.message) for r in result.reasons] == [("E5", expected)]


def test_a_suspended_group_does_not_hide_the_site_for_other_groups() -> None:
    # rule E5 (per target group)
    doc = site(
        groups={
            "addiction": admitted(),
            "oncology": AdmissionState(status="suspended", since=date(2026, 3, 1)),
        }
    )
    assert evaluate(doc, case(target_groups=("addiction",))).eligible
    assert not evaluate(doc, case(target_groups=("addiction", "oncology"))).eligible


# ------------------------------------------------------------------ E2


def test_catchment_radius_names_radius_and_distance() -> None:
    # rule E2
    doc = site(km=54.2, catchment=30)
    assert messages(doc, case()) == [
        ("E2", "Einzugsgebiet 30 km, der Wohnort liegt 54,2 km entfernt")
    ]


def test_catchment_radius_is_inclusive() -> None:
    # rule E2
    assert evaluate(site(km=29.999, catchment=30), case()).eligible
    assert not evaluate(site(km=30.01, catchment=30), case()).eligible


def test_distance_just_beyond_the_radius_reads_as_beyond() -> None:
    # rule E2: the message never shows a distance equal to the radius
    (rule, message), *_ = messages(site(km=30.04, catchment=30), case())
    assert (rule, message) == ("E2", "Einzugsgebiet 30 km, der Wohnort liegt 30,04 km entfernt")


def test_maximum_distance_of_the_case() -> None:
    # rule E2
    doc = site(km=25, catchment=30)
    assert evaluate(doc, case(max_distance_km=30)).eligible
    assert messages(doc, case(max_distance_km=20)) == [
        ("E2", "Höchstentfernung 20 km, der Standort liegt 25,0 km entfernt")
    ]


def test_outreach_needs_an_outreach_radius_that_reaches_the_place() -> None:
    # rule E2
    assert messages(site(outreach_radius_km=None), case(outreach=True)) == [
        ("E2", "Standort bietet keine aufsuchende Beratung an")
    ]
    assert messages(site(outreach_radius_km=0.0), case(outreach=True)) == [
        ("E2", "Standort bietet keine aufsuchende Beratung an")
    ]
    assert messages(site(km=12.5, outreach_radius_km=7.5), case(outreach=True)) == [
        ("E2", "Aufsuchende Beratung bis 7,5 km, der Wohnort liegt 12,5 km entfernt")
    ]
    assert evaluate(site(km=5, outreach_radius_km=7.5), case(outreach=True)).eligible


def test_outreach_filter_is_independent_of_the_outreach_target_group() -> None:
    # rule E2
    doc = site(groups={"outreach": admitted()}, outreach_radius_km=None)
    assert evaluate(doc, case(target_groups=("outreach",))).eligible
    assert not evaluate(doc, case(target_groups=("outreach",), outreach=True)).eligible


# ------------------------------------------------------------------ E3


def test_language_barrier_free_and_public_transport_filters() -> None:
    # rule E3
    doc = site(languages=("de", "TR"), barrier_free=False, public_transport=False)
    assert evaluate(doc, case(languages=("tr",))).eligible
    assert messages(
        doc, case(languages=("tr", "ar"), barrier_free=True, public_transport=True)
    ) == [
        ("E3", "Sprache ar wird am Standort nicht angeboten"),
        ("E3", "Standort ist nicht barrierefrei"),
        ("E3", "Standort ist nicht mit öffentlichen Verkehrsmitteln erreichbar"),
    ]


@pytest.mark.parametrize(
    "query",
    [
        "Sucht",  # prefix of a compound
        "sucht",
        "Suchtberatung",
        "gebardensprache",  # umlaut typed without dots
        "Gebaerdensprache",  # umlaut as digraph
        "GEBÄRDENSPRACHE",
        "Sucjt",  # one typo, term of 5 characters
        "Gebärdensprahe",  # one typo in a long word
        "Beratungen",  # inflected form of "Beratung"
        "Sucht Gebärdensprache",  # all terms must match
        "Straße",  # ß folds to ss
    ],
)
def test_free_text_is_typo_tolerant(query: str) -> None:
    # rule E3
    doc = site(description="Suchtberatung in Gebärdensprache; Beratung an der Strasse")
    assert evaluate(doc, case(text=query)).eligible, query


@pytest.mark.parametrize("query", ["Jugend", "Sucx", "Sucht Jugend", "Schulden"])
def test_free_text_narrows(query: str) -> None:
    # rule E3: short terms (< 5 characters) only by prefix; every term must match
    doc = site(description="Suchtberatung in Gebärdensprache")
    result = evaluate(doc, case(text=query))
    assert not result.eligible
    assert all(r.rule == "E3" and "Suchbegriff" in r.message for r in result.reasons)


def test_free_text_reason_names_the_word_as_typed() -> None:
    # rule E3
    assert messages(site(description="Suchtberatung"), case(text="Sucht Jugend")) == [
        ("E3", "Suchbegriff „Jugend“ kommt in den Angaben des Standorts nicht vor")
    ]


def test_text_rule_building_blocks() -> None:
    # rule E3 (TEXT_RULE steps 1-3)
    assert fold("Gebärdensprache Straße") == "gebardensprache strasse"
    assert fold("Gebaerdensprache") == "gebardensprache"
    assert tokens("Sucht-Beratung, 2 Orte") == ["sucht", "beratung", "2", "orte"]
    assert stem("beratungen") == "beratung"
    assert stem("sucht") == "sucht"
    assert stem("haus") == "haus"  # too short to strip
    assert query_terms("Beratungen beratung") == (("Beratungen", "beratung"),)
    assert text_matches("", "anything") == []


def _osa(a: str, b: str) -> int:
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


@given(
    st.text(alphabet="abcs", min_size=1, max_size=7),
    st.lists(st.text(alphabet="abcs", min_size=1, max_size=9), min_size=1, max_size=4),
)
def test_term_match_equals_its_definition(term: str, doc_tokens: list[str]) -> None:
    # rule E3 (TEXT_RULE step 4): some token has a prefix within distance k of the term
    k = 1 if len(term) >= 5 else 0
    expected = any(_osa(term, t[:n]) <= k for t in doc_tokens for n in range(len(t) + 1))
    from registry.directory.text_rule import term_matches

    assert term_matches(term, " ".join(doc_tokens)) == expected


# ------------------------------------------------------------------ all reasons at once


def test_every_failing_rule_is_returned() -> None:
    # rules E1, E2, E3, E5 together
    doc = site(
        km=54.2,
        catchment=30,
        site_active=False,
        groups={"addiction": AdmissionState(status="suspended", since=date(2026, 3, 1))},
    )
    c = case(target_groups=("addiction", "oncology"), languages=("tr",), text="Jugend")
    rules = [r.rule for r in evaluate(doc, c).reasons]
    assert rules == ["E1", "E5", "E1", "E2", "E3", "E3"]


# ------------------------------------------------------------------ E4


def test_rank_nearest_first_ties_by_provider_name_then_id() -> None:
    # rule E4
    far = site("s-far", km=20, provider_name="Aaa")
    tie_b = site("s-2", km=10, provider_name="beta")
    tie_a2 = site("s-9", km=10, provider_name="Alpha")
    tie_a1 = site("s-1", km=10, provider_name="Alpha")
    out = site("s-out", km=50, provider_name="Aaa")
    ranked = rank(evaluate(d, case()) for d in [far, tie_b, out, tie_a2, tie_a1])
    assert [e.doc.id for e in ranked] == ["s-1", "s-9", "s-2", "s-far"]
    assert all(e.eligible for e in ranked)


# ------------------------------------------------------------------ E7


def partner(**kw: object) -> PartnerDocument:
    lat, lon = north(float(kw.pop("km", 5.0)))  # type: ignore[arg-type]
    base: dict[str, object] = {
        "id": "ps1",
        "partner_id": "pa1",
        "name": "Schuldnerberatung Mitte",
        "type": "debt-counselling",
        "services": ("Schuldnerberatung", "Insolvenzberatung"),
        "target_groups": ("addiction",),
        "lat": lat,
        "lon": lon,
        "service_radius_km": 20.0,
    }
    base.update(kw)
    return PartnerDocument(**base)  # type: ignore[arg-type]


def pquery(**kw: object) -> PartnerQuery:
    base: dict[str, object] = {"lat": HOME[0], "lon": HOME[1]}
    base.update(kw)
    return PartnerQuery(**base)  # type: ignore[arg-type]


def test_partner_fits_by_type_service_target_group_and_radius() -> None:
    # rule E7
    q = pquery(
        types=("debt-counselling", "jobcenter"),
        services=("insolvenz",),
        target_groups=("addiction",),
        max_distance_km=10,
    )
    result = evaluate_partner(partner(), q)
    assert result.eligible
    assert result.distance_km == pytest.approx(5.0)


def test_partner_reasons_name_each_failing_fact() -> None:
    # rule E7
    doc = partner(km=25.0, active=False)
    q = pquery(
        types=("jobcenter",),
        services=("Wohnungshilfe",),
        target_groups=("oncology",),
        max_distance_km=10,
    )
    assert [(r.rule, r.message) for r in evaluate_partner(doc, q).reasons] == [
        ("E7", "Partner Schuldnerberatung Mitte ist nicht aktiv"),
        ("E7", "Art debt-counselling ist nicht gesucht (gesucht: jobcenter)"),
        ("E7", "Leistung „Wohnungshilfe“ wird nicht angeboten"),
        ("E7", "Zielgruppe oncology wird nicht unterstützt"),
        ("E7", "Einzugsbereich 20 km, der Wohnort liegt 25,0 km entfernt"),
        ("E7", "Höchstentfernung 10 km, der Standort liegt 25,0 km entfernt"),
    ]


def test_partner_service_terms_must_match_one_service() -> None:
    # rule E7: "Schuldner Insolvenz" is not one service
    q = pquery(services=("Schuldner Insolvenz",))
    assert not evaluate_partner(partner(), q).eligible
    assert evaluate_partner(partner(), pquery(services=("Schuldner", "Insolvenz"))).eligible


# ------------------------------------------------------------------ documents


def test_site_document_round_trips_through_dict() -> None:
    # rule E1 (the document carries every fact the rules need)
    doc = site(
        outreach_radius_km=12.5,
        languages=("de", "tr"),
        barrier_free=True,
        address=Address(street="Hauptstr. 1", postal_code="60311", place="Frankfurt am Main"),
        counselling_modes=("in_person", "video"),
        waiting_time_weeks=3,
        confirmed_on=date(2026, 1, 2),
        provider_email="info@example.org",
        groups={
            "addiction": admitted(date(2025, 5, 1)),
            "oncology": AdmissionState(status="pending"),
        },
    )
    data = doc.to_dict()
    assert data["target_groups"] == ["addiction"]
    assert SiteDocument.from_dict(data) == doc


def test_partner_document_round_trips_through_dict() -> None:
    # rule E7
    doc = partner(contacts=(Contact(name="A. Muster", role="Leitung", phone="069 1"),))
    assert PartnerDocument.from_dict(doc.to_dict()) == doc


def test_distance_is_the_project_distance() -> None:
    # rule E4 (distance of the result)
    doc = site(km=17.3)
    assert evaluate(doc, case()).distance_km == distance_km(HOME[0], HOME[1], doc.lat, doc.lon)


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_fold_drops_exactly_the_combining_characters(text: str) -> None:
    # rule E3: the fast path for Latin text folds exactly like the per-character definition
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    slow = "".join(c for c in decomposed if not unicodedata.combining(c))
    expected = slow.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    assert fold(text) == expected


@pytest.mark.parametrize(
    "query",
    ["Sucht", "Suchtberatung", "Abhängigkeit", "abhangigkeit", "Abhängigkeitserkrankungen"],
)
def test_e3_free_text_finds_the_labels_and_words_of_admitted_groups(query: str) -> None:
    # rule E3 (issue 15): a site admitted for addiction whose own texts never say "Sucht"
    doc = site(provider_name="Lotsen Nord", description="Fallmanagement")
    assert evaluate(doc, case(text=query)).eligible, query


def test_e3_every_word_of_every_group_finds_a_site_admitted_for_it() -> None:
    # rule E3: a case manager who types what the person needs never loses a fitting site
    from registry.reference import load_reference

    for group in load_reference().target_groups:
        doc = site(provider_name="X", groups={group.code: admitted()})
        for word in (group.label, *group.words):
            assert evaluate(doc, case(target_groups=(group.code,), text=word)).eligible, word


def test_e3_words_of_groups_not_admitted_are_not_searched() -> None:
    # rule E3: only the ADMITTED target groups lend their words to the site
    doc = site(
        provider_name="Lotsen Nord",
        groups={"oncology": admitted(), "addiction": AdmissionState(status="suspended")},
    )
    assert not evaluate(doc, case(target_groups=("oncology",), text="Sucht")).eligible
    assert evaluate(doc, case(target_groups=("oncology",), text="Krebs")).eligible
