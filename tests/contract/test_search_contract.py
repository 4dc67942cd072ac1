"""Contract of the search port (registry/search/ports.py), run on every backend.

Embedded (tantivy) always; Meilisearch when REGISTRY_TEST_MEILI_URL names a running server
(REGISTRY_TEST_MEILI_KEY its key), else those tests are skipped with the reason.
"""

from __future__ import annotations

import math
import os
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.directory.eligibility import Case, PartnerQuery, evaluate, rank
from registry.search.documents import AdmissionState, PartnerDocument, SiteDocument
from registry.search.ports import SearchBackend

MEILI_URL = os.environ.get("REGISTRY_TEST_MEILI_URL")
MEILI_SKIP = "REGISTRY_TEST_MEILI_URL not set: no Meilisearch server available"

HOME = (50.0, 8.0)
KM_PER_DEGREE_LAT = 6371.009 * math.pi / 180

Opener = Callable[[], SearchBackend]


# ------------------------------------------------------------------ fixtures


@pytest.fixture(
    params=[
        "embedded",
        pytest.param("meilisearch", marks=pytest.mark.skipif(MEILI_URL is None, reason=MEILI_SKIP)),
    ]
)
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """A function that opens the backend on the same storage (call again to reopen)."""
    opened: list[SearchBackend] = []
    if request.param == "embedded":
        from registry.search.embedded import EmbeddedSearch

        def open_backend() -> SearchBackend:
            backend = EmbeddedSearch(tmp_path / "search")
            opened.append(backend)
            return backend
    else:
        from registry.search.meilisearch import MeilisearchSearch

        prefix = f"test_{uuid.uuid4().hex[:10]}_"

        def open_backend() -> SearchBackend:
            backend = MeilisearchSearch(
                str(MEILI_URL), os.environ.get("REGISTRY_TEST_MEILI_KEY"), index_prefix=prefix
            )
            opened.append(backend)
            return backend

    yield open_backend
    if request.param == "meilisearch" and opened:
        last = opened[-1]
        last.sites.drop()  # type: ignore[attr-defined]
        last.partners.drop()  # type: ignore[attr-defined]
    for backend in opened:
        backend.close()


@pytest.fixture
def backend(opener: Opener) -> SearchBackend:
    return opener()


def north(km: float, east_km: float = 0.0) -> tuple[float, float]:
    lat = HOME[0] + km / KM_PER_DEGREE_LAT
    lon = HOME[1] + east_km / (KM_PER_DEGREE_LAT * math.cos(math.radians(lat)))
    return lat, lon


def site(
    site_id: str,
    *,
    km: float = 10.0,
    east_km: float = 0.0,
    name: str = "Beratung",
    catchment: float = 30.0,
    groups: dict[str, str] | None = None,
    **kw: object,
) -> SiteDocument:
    lat, lon = north(km, east_km)
    admissions = {
        g: AdmissionState(status=s, since=date(2026, 3, 1))
        for g, s in (groups or {"addiction": "admitted"}).items()
    }
    return SiteDocument(
        id=site_id,
        provider_id=f"p-{site_id}",
        provider_name=name,
        lat=lat,
        lon=lon,
        catchment_radius_km=catchment,
        admissions=admissions,
        responsible_carrier="drv-hessen",
        **kw,  # type: ignore[arg-type]
    )


def case(**kw: object) -> Case:
    base: dict[str, object] = {"lat": HOME[0], "lon": HOME[1], "target_groups": ("addiction",)}
    base.update(kw)
    return Case(**base)  # type: ignore[arg-type]


def ids(backend: SearchBackend, c: Case, page_size: int = 100) -> list[str]:
    return [h.doc.id for h in backend.sites.search(c, page=1, page_size=page_size).hits]


# ------------------------------------------------------------------ basic operations


def test_upsert_get_delete_count(backend: SearchBackend) -> None:
    a, b = site("a"), site("b", km=5)
    backend.sites.upsert([a, b])
    assert backend.sites.count() == 2
    assert backend.sites.get("a") == a
    assert backend.sites.get("missing") is None
    changed = site("a", km=3, name="Neuer Name")
    backend.sites.upsert([changed])
    assert backend.sites.count() == 2
    assert backend.sites.get("a") == changed
    backend.sites.delete(["a", "never-there"])
    assert backend.sites.get("a") is None
    assert backend.sites.count() == 1
    assert backend.health().ok


def test_site_without_admitted_group_leaves_the_index(backend: SearchBackend) -> None:
    # rule E5: a document exists only for a site with an admitted target group
    backend.sites.upsert([site("a")])
    backend.sites.upsert([site("a", groups={"addiction": "suspended"})])
    assert backend.sites.get("a") is None
    assert backend.sites.count() == 0


def test_ids_with_any_characters(backend: SearchBackend) -> None:
    odd = site("site:ä/1 ?")
    backend.sites.upsert([odd])
    assert backend.sites.get("site:ä/1 ?") == odd
    assert ids(backend, case()) == ["site:ä/1 ?"]


# ------------------------------------------------------------------ rules


def test_all_requested_target_groups_are_required(backend: SearchBackend) -> None:
    # rule E1
    backend.sites.upsert(
        [
            site("both", groups={"addiction": "admitted", "oncology": "admitted"}),
            site("one", groups={"addiction": "admitted", "oncology": "pending"}),
        ]
    )
    assert ids(backend, case(target_groups=("addiction", "oncology"))) == ["both"]
    assert sorted(ids(backend, case(target_groups=("addiction",)))) == ["both", "one"]


def test_inactive_and_not_admitted_sites_never_appear(backend: SearchBackend) -> None:
    # rules E1, E5
    backend.sites.upsert(
        [
            site("ok"),
            site("inactive", site_active=False),
            site("provider-off", provider_active=False),
            site("suspended", groups={"addiction": "suspended", "oncology": "admitted"}),
            site("awaiting", groups={"addiction": "awaiting_follow_on", "oncology": "admitted"}),
        ]
    )
    assert ids(backend, case()) == ["ok"]


def test_catchment_radius(backend: SearchBackend) -> None:
    # rule E2
    backend.sites.upsert(
        [
            site("near-small", km=20, catchment=15),
            site("far-big", km=54.2, catchment=60),
            site("far-small", km=54.2, catchment=30),
            site("east", km=0, east_km=29.5, catchment=30),
        ]
    )
    assert ids(backend, case()) == ["east", "far-big"]


def test_maximum_distance(backend: SearchBackend) -> None:
    # rule E2
    backend.sites.upsert([site("a", km=5, catchment=80), site("b", km=40, catchment=80)])
    assert ids(backend, case(max_distance_km=30)) == ["a"]
    assert ids(backend, case(max_distance_km=50)) == ["a", "b"]
    assert ids(backend, case(max_distance_km=0)) == []


def test_outreach(backend: SearchBackend) -> None:
    # rule E2
    backend.sites.upsert(
        [
            site("none", km=5),
            site("zero", km=5, outreach_radius_km=0.0),
            site("short", km=15, outreach_radius_km=10.0),
            site("reaches", km=15, outreach_radius_km=20.0),
        ]
    )
    assert ids(backend, case(outreach=True)) == ["reaches"]
    assert len(ids(backend, case())) == 4


def test_language_barrier_free_public_transport(backend: SearchBackend) -> None:
    # rule E3
    backend.sites.upsert(
        [
            site("tr", km=1, languages=("de", "TR")),
            site("tr-bf", km=2, languages=("tr",), barrier_free=True),
            site("bf-pt", km=3, barrier_free=True, public_transport=True),
        ]
    )
    assert ids(backend, case(languages=("tr",))) == ["tr", "tr-bf"]
    assert ids(backend, case(languages=("tr",), barrier_free=True)) == ["tr-bf"]
    assert ids(backend, case(barrier_free=True)) == ["tr-bf", "bf-pt"]
    assert ids(backend, case(public_transport=True)) == ["bf-pt"]
    assert ids(backend, case(languages=("ar",))) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Sucht", ["sucht"]),
        ("gebardensprache", ["gehoerlos"]),
        ("Gebaerdensprache", ["gehoerlos"]),
        ("Suchtberatng", ["sucht"]),
        ("beratungen", ["gehoerlos"]),  # a prefix rule: no match inside "Suchtberatung"
        ("Sucht Gebärdensprache", []),
        ("Schulden", []),
    ],
)
def test_fuzzy_text(backend: SearchBackend, query: str, expected: list[str]) -> None:
    # rule E3 (both sites admitted for cardiology only, whose words none of the queries hit)
    heart = {"cardiology": "admitted"}
    backend.sites.upsert(
        [
            site("sucht", km=1, name="Caritas", description="Suchtberatung", groups=heart),
            site(
                "gehoerlos",
                km=2,
                name="Diakonie",
                description="Beratung in Gebärdensprache",
                groups=heart,
            ),
        ]
    )
    assert ids(backend, case(text=query, target_groups=("cardiology",))) == expected


@pytest.mark.parametrize("query", ["Sucht", "Abhängigkeit", "abhangigkeit", "Gebärdensprache"])
def test_e3_free_text_finds_admitted_groups_words_in_every_backend(
    backend: SearchBackend, query: str
) -> None:
    # rule E3 (issue 15): the labels and everyday words of the ADMITTED target groups are
    # searched by every backend, through the same search_text and text rule
    backend.sites.upsert(
        [
            site(
                "lotsen",
                km=1,
                name="Lotsen",
                groups={"addiction": "admitted", "hearing-impairment": "admitted"},
            ),
            site(
                "ruhend",
                km=2,
                name="Ruhend",
                groups={"addiction": "admitted", "hearing-impairment": "suspended"},
            ),
        ]
    )
    expected = ["lotsen"] if query == "Gebärdensprache" else ["lotsen", "ruhend"]
    assert ids(backend, case(text=query)) == expected


def test_nearest_first_ties_by_provider_name(backend: SearchBackend) -> None:
    # rule E4
    backend.sites.upsert(
        [
            site("far", km=20, name="Aaa"),
            site("tie-b", km=10, name="Beta"),
            site("tie-a2", km=10, name="alpha"),
            site("tie-a1", km=10, name="alpha"),
            site("near", km=1, name="Zeta"),
        ]
    )
    result = backend.sites.search(case(), page=1, page_size=10)
    assert [h.doc.id for h in result.hits] == ["near", "tie-a1", "tie-a2", "tie-b", "far"]
    distances = [h.distance_km for h in result.hits]
    assert distances == sorted(distances)
    assert distances[0] == pytest.approx(1.0, abs=1e-6)


def test_paging_keeps_the_total(backend: SearchBackend) -> None:
    # rule E4
    backend.sites.upsert([site(f"s{i:02d}", km=i + 0.5) for i in range(25)])
    pages = [backend.sites.search(case(), page=p, page_size=10) for p in (1, 2, 3, 4)]
    assert [p.total for p in pages] == [25, 25, 25, 25]
    assert [len(p.hits) for p in pages] == [10, 10, 5, 0]
    assert [h.doc.id for p in pages for h in p.hits] == [f"s{i:02d}" for i in range(25)]
    with pytest.raises(ValueError):
        backend.sites.search(case(), page=0, page_size=10)


def test_partner_search(backend: SearchBackend) -> None:
    # rule E7
    def partner(pid: str, km: float, **kw: object) -> PartnerDocument:
        lat, lon = north(km)
        base: dict[str, object] = {
            "id": pid,
            "partner_id": f"pa-{pid}",
            "name": f"Partner {pid}",
            "type": "debt-counselling",
            "services": ("Schuldnerberatung",),
            "target_groups": ("addiction",),
            "lat": lat,
            "lon": lon,
            "service_radius_km": 20.0,
        }
        base.update(kw)
        return PartnerDocument(**base)  # type: ignore[arg-type]

    backend.partners.upsert(
        [
            partner("debt", 5),
            partner("job", 3, type="jobcenter", services=("Arbeitsvermittlung",)),
            partner("far", 30),
            partner("off", 1, active=False),
            partner("onco", 2, target_groups=("oncology",)),
        ]
    )
    q = PartnerQuery(lat=HOME[0], lon=HOME[1], target_groups=("addiction",))
    assert [h.doc.id for h in backend.partners.search(q).hits] == ["job", "debt"]
    q = PartnerQuery(lat=HOME[0], lon=HOME[1], types=("debt-counselling",))
    assert [h.doc.id for h in backend.partners.search(q).hits] == ["onco", "debt"]
    q = PartnerQuery(lat=HOME[0], lon=HOME[1], services=("schuldner",), max_distance_km=4)
    assert [h.doc.id for h in backend.partners.search(q).hits] == ["onco"]
    assert backend.partners.get("job") is not None
    assert backend.partners.count() == 5


# ------------------------------------------------------------------ rebuild and persistence


def test_rebuild_replaces_everything_and_reports_progress(backend: SearchBackend) -> None:
    backend.sites.upsert([site("old")])
    seen: list[int] = []
    docs = [site(f"n{i}", km=1 + i % 20) for i in range(2500)]
    docs.append(site("not-admitted", groups={"addiction": "revoked"}))
    assert backend.sites.rebuild(iter(docs), progress=seen.append) == 2500
    assert seen and seen[-1] == 2500
    assert backend.sites.get("old") is None
    assert backend.sites.get("not-admitted") is None
    assert backend.sites.search(case()).total == 2500


def test_rebuild_while_searching(backend: SearchBackend) -> None:
    old = [site(f"old{i}", km=1 + i) for i in range(20)]
    new = [site(f"new{i}", km=1 + i) for i in range(30)]
    backend.sites.upsert(old)
    old_answer = ids(backend, case())
    errors: list[BaseException] = []
    answers: list[list[str]] = []
    stop = threading.Event()

    def search_loop() -> None:
        while not stop.is_set():
            try:
                answers.append(ids(backend, case()))
            except BaseException as exc:  # the test fails on any error
                errors.append(exc)
                return

    threads = [threading.Thread(target=search_loop) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        for _ in range(3):
            backend.sites.rebuild(old)
            backend.sites.rebuild(new)
    finally:
        stop.set()
        for t in threads:
            t.join()
    new_answer = ids(backend, case())
    assert errors == []
    assert answers
    assert {tuple(a) for a in answers} <= {tuple(old_answer), tuple(new_answer)}
    assert new_answer == [f"new{i}" for i in range(29)]  # new29 lies 30.0x km away


def test_persists_across_close_and_reopen(opener: Opener) -> None:
    first = opener()
    first.sites.upsert([site("a"), site("b", km=3)])
    first.sites.rebuild([site("a"), site("b", km=3), site("c", km=20)])
    first.sites.delete(["c"])
    first.close()
    second = opener()
    assert second.sites.count() == 2
    assert ids(second, case()) == ["b", "a"]
    assert second.sites.get("a") == site("a")


# ------------------------------------------------------------------ property: index == brute force

GROUPS = ("addiction", "oncology", "mental-health")
STATUSES = ("admitted", "admitted", "admitted", "suspended", "pending", "awaiting_follow_on")
WORDS = (
    "Suchtberatung",
    "Gebärdensprache",
    "Beratungen",
    "Straße",
    "Jugend",
    "Øresund",
    "Schuldner",
    "aeiou",
)
QUERY_WORDS = (
    "Sucht",
    "gebardensprache",
    "Gebaerdensprache",
    "beratung",
    "Strasse",
    "Sucjt",
    "Jug",
    "oresund",
    "Ørsund",
    "Schuldnre",
    "xyz",
    "a",
)


@st.composite
def site_docs(draw: st.DrawFn) -> list[SiteDocument]:
    count = draw(st.integers(min_value=0, max_value=25))
    docs = []
    for i in range(count):
        admissions = draw(st.dictionaries(st.sampled_from(GROUPS), st.sampled_from(STATUSES)))
        outreach = draw(st.one_of(st.none(), st.just(0.0), st.floats(1.0, 60.0)))
        docs.append(
            SiteDocument(
                id=f"s{i}",
                provider_id=f"p{i % 5}",
                provider_name=draw(st.sampled_from(("Alpha", "alpha", "Beta", "Gamma"))),
                lat=draw(st.floats(49.7, 50.3)),
                lon=draw(st.floats(7.6, 8.4)),
                catchment_radius_km=draw(st.sampled_from((5.0, 20.0, 35.5, 80.0))),
                outreach_radius_km=outreach,
                admissions={
                    g: AdmissionState(status=s, since=date(2026, 1, 1))
                    for g, s in admissions.items()
                },
                provider_active=draw(st.booleans()) or draw(st.booleans()),
                site_active=draw(st.booleans()) or draw(st.booleans()),
                languages=tuple(draw(st.lists(st.sampled_from(("de", "tr", "AR")), max_size=2))),
                barrier_free=draw(st.booleans()),
                public_transport=draw(st.booleans()),
                description=" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=3))),
            )
        )
    return docs


cases = st.builds(
    Case,
    lat=st.floats(49.8, 50.2),
    lon=st.floats(7.7, 8.3),
    target_groups=st.lists(st.sampled_from(GROUPS), min_size=1, max_size=2).map(tuple),
    languages=st.lists(st.sampled_from(("de", "tr", "ar")), max_size=1).map(tuple),
    barrier_free=st.booleans(),
    public_transport=st.booleans(),
    outreach=st.booleans(),
    max_distance_km=st.one_of(st.none(), st.floats(0.0, 60.0)),
    text=st.one_of(st.just(""), st.lists(st.sampled_from(QUERY_WORDS), max_size=2).map(" ".join)),
)


@pytest.fixture(scope="module")
def shared_embedded() -> Iterator[SearchBackend]:
    from registry.search.embedded import EmbeddedSearch

    with tempfile.TemporaryDirectory() as tmp:
        backend = EmbeddedSearch(Path(tmp) / "search")
        yield backend
        backend.close()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    docs=site_docs(),
    queries=st.lists(cases, min_size=1, max_size=4),
    changes=st.lists(st.tuples(st.booleans(), st.integers(0, 24)), max_size=4),
    moved=site_docs(),
)
def test_embedded_index_equals_brute_force(
    shared_embedded: SearchBackend,
    docs: list[SiteDocument],
    queries: list[Case],
    changes: list[tuple[bool, int]],
    moved: list[SiteDocument],
) -> None:
    # rules E1-E5 (exact decision) and E4 (order, distances, total, every page): the index
    # answers as evaluating every doc, after a rebuild and after upserts and deletes
    index = shared_embedded.sites
    index.rebuild(docs)

    def check() -> None:
        for c in queries:
            expected = rank(evaluate(d, c) for d in current.values())
            result = index.search(c, page=1, page_size=1000)
            assert result.total == len(expected)
            assert [h.doc.id for h in result.hits] == [e.doc.id for e in expected]
            assert [h.distance_km for h in result.hits] == [e.distance_km for e in expected]
            for page in (1, 2, 3):
                part = index.search(c, page=page, page_size=3)
                want = expected[(page - 1) * 3 : page * 3]
                assert part.total == len(expected)
                assert [(h.doc.id, h.distance_km) for h in part.hits] == [
                    (e.doc.id, e.distance_km) for e in want
                ]

    current = {d.id: d for d in docs if d.has_admission}
    check()
    replacements = {d.id: d for d in moved}
    for upsert, n in changes:
        doc_id = f"s{n}"
        if upsert and doc_id in replacements:
            index.upsert([replacements[doc_id]])
            current.pop(doc_id, None)
            if replacements[doc_id].has_admission:
                current[doc_id] = replacements[doc_id]
        else:
            index.delete([doc_id])
            current.pop(doc_id, None)
    check()


def test_embedded_preload_after_reopen(tmp_path: Path) -> None:
    from registry.search.embedded import EmbeddedSearch

    first = EmbeddedSearch(tmp_path / "search")
    first.sites.upsert([site("a"), site("b", km=3)])
    first.close()
    second = EmbeddedSearch(tmp_path / "search")
    try:
        assert second.sites.preload() == 2
        assert ids(second, case()) == ["b", "a"]
    finally:
        second.close()


@settings(max_examples=300, deadline=None)
@given(docs=site_docs(), query=cases)
def test_fits_decides_exactly_as_evaluate(docs: list[SiteDocument], query: Case) -> None:
    # rules E1-E5: the search's yes/no check and the explanation's evaluation never disagree
    from registry.directory.eligibility import fits

    for doc in docs:
        evaluation = evaluate(doc, query)
        expected = evaluation.distance_km if evaluation.eligible else None
        assert fits(doc, query) == expected
