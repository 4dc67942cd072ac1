"""The columnar exact check (registry/search/columns.py) answers exactly as the rules.

For random documents and cases, boundary cases included (a radius or maximum distance equal to
the distance to the last bit, sites sharing coordinates, provider names differing only in
case, more than 64 target-group or language codes), `SiteColumns` must give the ids, order,
distances and total of `eligibility.search_all` (every document evaluated by `evaluate`, then
ranked by `rank_key`), on every page, after any sequence of updates, and whatever superset of
rows a text index proposes.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from registry.directory.eligibility import Case, search_all
from registry.directory.text_rule import text_matches
from registry.distance import distance_km
from registry.search.columns import TOLERANCE_KM, SiteColumns
from registry.search.documents import AdmissionState, SiteDocument, doc_key

GROUPS = ("addiction", "oncology", "mental-health")
MANY_GROUPS = tuple(f"g{i:02d}" for i in range(70))
STATUSES = ("admitted", "admitted", "admitted", "suspended", "pending", "awaiting_follow_on")
LANGUAGES = ("de", "tr", "AR", "Dgs")
NAMES = ("Alpha", "alpha", "ALPHA", "Beta", "Gamma")
WORDS = ("Suchtberatung", "Gebärdensprache", "Beratungen", "Jugend", "Schuldner")
QUERY_WORDS = (
    "Sucht",
    "gebardensprache",
    "beratung",
    "Sucjt",
    "Jug",
    "Schuldnre",
    "xyz",
    # rule E3: the labels and everyday words of the admitted target groups (reference data)
    "Abhängigkeit",
    "psychisch",
    "Krebs",
    "Onkologische",
)
POINTS = ((50.0, 8.0), (50.1, 8.2), (49.9, 7.8))  # shared coordinates make distance ties


@st.composite
def documents(draw: st.DrawFn, groups: tuple[str, ...] = GROUPS) -> list[SiteDocument]:
    count = draw(st.integers(min_value=0, max_value=30))
    docs = []
    for i in range(count):
        if draw(st.booleans()):
            lat, lon = draw(st.sampled_from(POINTS))
        else:
            lat, lon = draw(st.floats(49.7, 50.3)), draw(st.floats(7.6, 8.4))
        admissions = draw(st.dictionaries(st.sampled_from(groups), st.sampled_from(STATUSES)))
        docs.append(
            SiteDocument(
                id=f"s{i}",
                provider_id=f"p{i % 5}",
                provider_name=draw(st.sampled_from(NAMES)),
                lat=lat,
                lon=lon,
                catchment_radius_km=draw(st.sampled_from((0.0, 5.0, 20.0, 35.5, 80.0))),
                outreach_radius_km=draw(st.one_of(st.none(), st.just(0.0), st.floats(1.0, 60.0))),
                admissions={
                    g: AdmissionState(status=s, since=date(2026, 1, 1))
                    for g, s in admissions.items()
                },
                provider_active=draw(st.booleans()) or draw(st.booleans()),
                site_active=draw(st.booleans()) or draw(st.booleans()),
                languages=tuple(draw(st.lists(st.sampled_from(LANGUAGES), max_size=2))),
                barrier_free=draw(st.booleans()),
                public_transport=draw(st.booleans()),
                description=" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=2))),
            )
        )
    return docs


@st.composite
def cases(draw: st.DrawFn, groups: tuple[str, ...] = GROUPS) -> Case:
    if draw(st.booleans()):
        lat, lon = draw(st.sampled_from(POINTS))
    else:
        lat, lon = draw(st.floats(49.8, 50.2)), draw(st.floats(7.7, 8.3))
    return Case(
        lat=lat,
        lon=lon,
        target_groups=tuple(draw(st.lists(st.sampled_from(groups), min_size=1, max_size=2))),
        languages=tuple(draw(st.lists(st.sampled_from(("de", "tr", "ar", "dgs")), max_size=1))),
        barrier_free=draw(st.booleans()),
        public_transport=draw(st.booleans()),
        outreach=draw(st.booleans()),
        max_distance_km=draw(st.one_of(st.none(), st.floats(0.0, 60.0))),
        text=draw(
            st.one_of(st.just(""), st.lists(st.sampled_from(QUERY_WORDS), max_size=2).map(" ".join))
        ),
    )


@st.composite
def on_the_boundary(draw: st.DrawFn) -> tuple[list[SiteDocument], Case]:
    """Documents and a case where radii and the maximum distance equal distances exactly."""
    docs = draw(documents())
    case = draw(cases())
    out = []
    for doc in docs:
        exact = distance_km(case.lat, case.lon, doc.lat, doc.lon)
        which = draw(st.sampled_from(("catchment", "outreach", "both", "none")))
        if which in ("catchment", "both"):
            doc = replace(doc, catchment_radius_km=exact)
        if which in ("outreach", "both"):
            doc = replace(doc, outreach_radius_km=exact)
        out.append(doc)
    if out and draw(st.booleans()):
        pick = draw(st.sampled_from(out))
        case = replace(case, max_distance_km=distance_km(case.lat, case.lon, pick.lat, pick.lon))
    return out, case


def assert_same(columns: SiteColumns, docs: list[SiteDocument], case: Case) -> None:
    expected = search_all(docs, case)
    full = columns.evaluations(case)
    assert [e.doc.id for e in full] == [e.doc.id for e in expected]
    assert [e.distance_km for e in full] == [e.distance_km for e in expected]
    for size in (1, 3, 7):
        for start in range(0, len(expected) + size, size):
            page = columns.ranked(case, start, start + size)
            assert page.total == len(expected)
            want = expected[start : start + size]
            assert [d.id for d, _ in page.hits] == [e.doc.id for e in want]
            assert [dist for _, dist in page.hits] == [e.distance_km for e in want]


@settings(max_examples=300, deadline=None)
@given(docs=documents(), queries=st.lists(cases(), min_size=1, max_size=3))
def test_columns_answer_as_the_rules(docs: list[SiteDocument], queries: list[Case]) -> None:
    columns = SiteColumns.from_docs(docs)
    for case in queries:
        assert_same(columns, docs, case)


@settings(max_examples=300, deadline=None)
@given(data=on_the_boundary())
def test_columns_decide_boundaries_as_the_rules(data: tuple[list[SiteDocument], Case]) -> None:
    docs, case = data
    assert_same(SiteColumns.from_docs(docs), docs, case)


@settings(max_examples=100, deadline=None)
@given(docs=documents(groups=MANY_GROUPS), queries=st.lists(cases(MANY_GROUPS), max_size=3))
def test_more_than_64_codes(docs: list[SiteDocument], queries: list[Case]) -> None:
    columns = SiteColumns.from_docs(docs)
    for case in queries:
        assert_same(columns, docs, case)


@settings(max_examples=150, deadline=None)
@given(
    first=documents(),
    second=documents(),
    steps=st.lists(st.tuples(st.booleans(), st.integers(0, 29)), max_size=12),
    queries=st.lists(cases(), min_size=1, max_size=3),
)
def test_updates_keep_the_columns_exact(
    first: list[SiteDocument],
    second: list[SiteDocument],
    steps: list[tuple[bool, int]],
    queries: list[Case],
) -> None:
    # the outbox path: documents replaced, added and removed one write at a time
    columns = SiteColumns.from_docs(first)
    current = {d.id: d for d in first}
    replacements = {d.id: d for d in second}
    for upsert, n in steps:
        doc_id = f"s{n}"
        if upsert and doc_id in replacements:
            columns = columns.replaced([replacements[doc_id]], [])
            current[doc_id] = replacements[doc_id]
        else:
            columns = columns.replaced([], [doc_id])
            current.pop(doc_id, None)
    docs = list(current.values())
    assert len(columns) == len(docs)
    assert all(columns.get(d.id) == d for d in docs)
    for case in queries:
        assert_same(columns, docs, case)


@settings(max_examples=60, deadline=None)
@given(docs=documents(), case=cases())
def test_e3_a_groups_word_never_loses_a_site_admitted_for_it(
    docs: list[SiteDocument], case: Case
) -> None:
    # rule E3: typing a word of a requested group keeps every site that fits without the text
    from dataclasses import replace

    from registry.reference import load_reference

    groups = {t.code: t for t in load_reference().target_groups}
    columns = SiteColumns.from_docs(docs)
    without = columns.ranked(replace(case, text=""), 0, 100).total
    for code in case.target_groups:
        for word in (groups[code].label, *groups[code].words):
            assert columns.ranked(replace(case, text=word), 0, 100).total == without, word
    assert_same(columns, docs, replace(case, text=groups[case.target_groups[0]].words[0]))


@settings(max_examples=150, deadline=None)
@given(docs=documents(), case=cases(), extra=st.sets(st.integers(0, 29)))
def test_a_superset_of_text_rows_changes_nothing(
    docs: list[SiteDocument], case: Case, extra: set[int]
) -> None:
    # a text index proposes the rows whose text matches plus any others: the answer is the rules'
    columns = SiteColumns.from_docs(docs)
    matching = [d.id for d in docs if not case.text or not text_matches(case.text, d.search_text)]
    proposed = set(matching) | {f"s{n}" for n in extra}
    rows = columns.rows_of_keys(doc_key(i) for i in proposed)
    expected = search_all(docs, case)
    full = columns.evaluations(case, rows)
    assert [(e.doc.id, e.distance_km) for e in full] == [
        (e.doc.id, e.distance_km) for e in expected
    ]


@settings(max_examples=500, deadline=None)
@given(
    a=st.tuples(st.floats(-89.9, 89.9), st.floats(-180, 180)),
    b=st.tuples(st.floats(-89.9, 89.9), st.floats(-180, 180)),
)
def test_numpy_distance_stays_far_inside_the_tolerance(
    a: tuple[float, float], b: tuple[float, float]
) -> None:
    # the margin behind TOLERANCE_KM: numpy's and the C library's distances differ by far less
    doc = SiteDocument(
        id="x", provider_id="p", provider_name="P", lat=b[0], lon=b[1], catchment_radius_km=1e5
    )
    admitted = replace(doc, admissions={"g": AdmissionState(status="admitted")})
    case = Case(lat=a[0], lon=a[1], target_groups=("g",))
    rows, dist = SiteColumns.from_docs([admitted]).fitting(case)
    assert rows.tolist() == [0]
    exact = distance_km(a[0], a[1], b[0], b[1])
    assert math.isclose(float(dist[0]), exact, rel_tol=0, abs_tol=TOLERANCE_KM / 1000)
