"""Directory search benchmark (issue 6, item 6): run on demand, never part of the test suite.

    .venv/bin/python -m bench.search [--providers 10000] [--sites 40000] [--variant-sites 50000]
                                     [--cases 500] [--clients 16] [--seconds 20] [--decisions 5]
                                     [--skip-postgis] [--skip-http] [--profile] [--json FILE]

One run, on a fresh data directory:

1. synthetic data (bench/data.py): `--providers` providers with `--sites` sites across all
   regions, admissions in realistic states, bulk-loaded into the embedded graph with the
   bench-only queries of registry/graph/queries/bench.cypher; full reindex
   (`registry.directory.projection.reindex`), timed;
2. `--cases` realistic cases answered in-process, by the search index
   (`reg.search.sites.search`) and by the whole use case (`registry.directory.service.search`:
   place resolution, rules, result dicts), and by the PostgreSQL + PostGIS baseline
   (bench/postgis.py); totals and first pages compared case by case;
3. the larger variant: `--variant-sites` sites in all (the same providers with more sites),
   reindexed (timed) and searched again, in-process and by the baseline;
4. the real server (`registry serve`) on the variant's data: HTTP search latency, the cheapest
   authenticated request (GET /api/v1/target-groups) in the same run, searches per second with
   `--clients` concurrent clients, and admission decision -> searchable over HTTP.

Prints the load average before and after (the machine may be shared) and a table of figures,
our/baseline ratios and the targets of issue 6. Nothing here asserts: it measures and reports.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import platform
import pstats
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import data as bench_data
from bench.data import BenchCase, Dataset, Generator

MS = 1000.0


# ------------------------------------------------------------------------ small helpers


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100.0 * len(ordered)))
    return ordered[rank - 1]


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "-"


def log(message: str) -> None:
    stamp = datetime.now().strftime("%H:%M:%S")
    print(f"[{stamp}] {message}", flush=True)


@contextmanager
def stopwatch(store: dict[str, float], key: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    store[key] = time.perf_counter() - started


@dataclass
class Latencies:
    """Latencies of one measured pass, in seconds."""

    values: list[float] = field(default_factory=list)

    def p(self, q: float) -> float:
        return percentile(self.values, q)

    def summary(self) -> dict[str, float]:
        return {
            "n": len(self.values),
            "p50_ms": self.p(50) * MS,
            "p95_ms": self.p(95) * MS,
            "max_ms": max(self.values) * MS if self.values else math.nan,
            "mean_ms": statistics.fmean(self.values) * MS if self.values else math.nan,
        }


# ------------------------------------------------------------------------ in-process


@dataclass
class Answers:
    totals: list[int]
    pages: list[list[str]]


def index_pass(reg: Any, cases: Sequence[Any]) -> tuple[Latencies, Answers]:
    """The search index alone: `reg.search.sites.search(case)` for every resolved case."""
    lat = Latencies()
    answers = Answers([], [])
    search = reg.search.sites.search
    for case in cases:
        started = time.perf_counter()
        result = search(case, page=1, page_size=20)
        lat.values.append(time.perf_counter() - started)
        answers.totals.append(result.total)
        answers.pages.append([h.doc.id for h in result.hits])
    return lat, answers


def service_pass(reg: Any, cases: Sequence[BenchCase]) -> tuple[Latencies, list[int]]:
    """The whole use case as the API calls it (place resolution, rules, result dicts)."""
    from registry.auth import Principal, Role
    from registry.directory.service import CaseInput, search

    lat = Latencies()
    totals = []
    for case in cases:
        principal = Principal("bench", "bench", Role.CASE_MANAGER, carrier=case.carrier)
        params = CaseInput(
            carrier=case.carrier,
            postal_code=case.postal_code,
            place=case.place,
            target_groups=case.target_groups,
            languages=case.languages,
            barrier_free=case.barrier_free,
            outreach=case.outreach,
            max_distance_km=case.max_distance_km,
            q=case.q,
        )
        started = time.perf_counter()
        result = search(reg, principal, params, 1, 20)
        lat.values.append(time.perf_counter() - started)
        totals.append(int(result["total"]))
    return lat, totals


def resolve_cases(reg: Any, cases: Sequence[BenchCase]) -> list[Any]:
    from registry.directory.eligibility import Case

    out = []
    for c in cases:
        place = reg.geocoder.resolve(c.postal_code, c.place)
        out.append(
            Case(
                lat=place.lat,
                lon=place.lon,
                target_groups=c.target_groups,
                languages=c.languages,
                barrier_free=c.barrier_free,
                outreach=c.outreach,
                max_distance_km=c.max_distance_km,
                text=c.q,
            )
        )
    return out


def describe_case(case: BenchCase) -> str:
    parts = [f"{case.postal_code} {case.place}", "+".join(case.target_groups)]
    if case.languages:
        parts.append("lang=" + ",".join(case.languages))
    if case.barrier_free:
        parts.append("barrier_free")
    if case.outreach:
        parts.append("outreach")
    if case.max_distance_km is not None:
        parts.append(f"max={case.max_distance_km:g}km")
    if case.q:
        parts.append(f"q={case.q!r}")
    return ", ".join(parts)


def compare(
    reg: Any,
    baseline: Any,
    bench_cases: Sequence[BenchCase],
    cases: Sequence[Any],
    ours: Answers,
    theirs: Answers,
    label: str,
) -> dict[str, int]:
    """Totals and first pages, case by case; prints each mismatch with the facts behind it."""
    from registry.directory.eligibility import evaluate

    total_mismatch = 0
    page_mismatch = 0
    for n, (bc, case) in enumerate(zip(bench_cases, cases, strict=True)):
        if ours.totals[n] != theirs.totals[n]:
            total_mismatch += 1
            if total_mismatch <= 5:
                everything = reg.search.sites.search(case, page=1, page_size=100_000)
                mine = {h.doc.id for h in everything.hits}
                pg = set(baseline.search(case, limit=100_000).ids)
                print(
                    f"  MISMATCH {label} case {n} ({describe_case(bc)}): ours {ours.totals[n]}, "
                    f"PostGIS {theirs.totals[n]}"
                )
                for doc_id in sorted(mine ^ pg)[:3]:
                    doc = reg.search.sites.get(doc_id)
                    side = "only ours" if doc_id in mine else "only PostGIS"
                    if doc is None:
                        print(f"    {side}: {doc_id} (not in our index)")
                        continue
                    e = evaluate(doc, case)
                    why = "; ".join(f"{r.rule}: {r.message}" for r in e.reasons) or "eligible"
                    print(f"    {side}: {doc_id} at {e.distance_km:.4f} km: {why}")
        elif ours.pages[n] != theirs.pages[n]:
            page_mismatch += 1
            if page_mismatch <= 3:
                print(
                    f"  ORDER {label} case {n} ({describe_case(bc)}): first pages differ "
                    f"(ours {ours.pages[n][:5]}, PostGIS {theirs.pages[n][:5]})"
                )
    return {
        "cases": len(cases),
        "total_mismatches": total_mismatch,
        "page_mismatches": page_mismatch,
    }


def baseline_pass(baseline: Any, cases: Sequence[Any]) -> tuple[Latencies, Answers]:
    lat = Latencies()
    answers = Answers([], [])
    for case in cases:
        started = time.perf_counter()
        answer = baseline.search(case)
        lat.values.append(time.perf_counter() - started)
        answers.totals.append(answer.total)
        answers.pages.append(answer.ids)
    return lat, answers


def profile_pass(fn: Callable[[], object], lines: int = 25) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(lines)
    return out.getvalue()


# ------------------------------------------------------------------------ the run


@dataclass
class Results:
    meta: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    latency: dict[str, dict[str, float]] = field(default_factory=dict)
    agreement: dict[str, dict[str, int]] = field(default_factory=dict)
    http: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def proposed_reindex(reg: Any) -> int:
    """A prototype of a faster full reindex, measured next to the real one (not used by the app).

    The same documents as `registry.directory.projection.reindex`, built by the same
    `site_documents_from_rows`, but from one whole-table read of sites, providers and
    admissions (providers.all_sites, providers.list, admission.all_admissions) instead of one
    `WHERE x.id IN $ids` query per batch of 500: on the embedded engine an IN-list filter scans
    the whole table for every batch, so the real reindex grows with the square of the size.
    """
    from registry.directory.projection import load_partner_documents, site_documents_from_rows

    sites = reg.graph.read("providers.all_sites")
    providers = {p["id"]: p for p in reg.graph.read("providers.list")}
    admissions = reg.graph.read("admission.all_admissions")
    docs = site_documents_from_rows(sites, providers, admissions)
    count = int(reg.search.sites.rebuild(d for d in docs if d.has_admission))
    partner_ids = [r["id"] for r in reg.graph.read("network.partner_site_ids")]
    count += int(reg.search.partners.rebuild(iter(load_partner_documents(reg, partner_ids))))
    return count


def lean_search(index: Any, case: Any, page_size: int = 20) -> tuple[int, list[str]]:
    """A prototype of a faster exact decision, measured next to the real search (not used by
    the app): the same candidates (`index.candidates`), but each decided by a yes/no check of
    rules E1-E3 that stops at the first failing rule and formats no German reason texts
    (`eligibility.evaluate` builds every reason of every rejected candidate, which the search
    then throws away). Ordered by the same E4 key. The benchmark checks that its answers equal
    the real search's for every case.
    """
    from registry.directory.eligibility import text_matches
    from registry.distance import distance_km

    lat, lon = case.lat, case.lon
    groups = case.target_groups
    languages = [lang.casefold() for lang in case.languages]
    max_distance = case.max_distance_km
    fitting: list[tuple[float, str, str, str]] = []
    for doc in index.candidates(case):
        if not (doc.provider_active and doc.site_active):
            continue
        admissions = doc.admissions
        if any((state := admissions.get(g)) is None or state.status != "admitted" for g in groups):
            continue
        dist = distance_km(lat, lon, doc.lat, doc.lon)
        if dist > doc.catchment_radius_km or (max_distance is not None and dist > max_distance):
            continue
        if case.outreach:
            radius = doc.outreach_radius_km or 0.0
            if radius <= 0 or dist > radius:
                continue
        if languages:
            offered = {lang.casefold() for lang in doc.languages}
            if any(lang not in offered for lang in languages):
                continue
        if (case.barrier_free and not doc.barrier_free) or (
            case.public_transport and not doc.public_transport
        ):
            continue
        if case.text and text_matches(case.text, doc.search_text):
            continue
        name = doc.provider_name
        fitting.append((dist, name.casefold(), name, doc.id))
    fitting.sort()
    return len(fitting), [f[3] for f in fitting[:page_size]]


def lean_pass(reg: Any, cases: Sequence[Any]) -> tuple[Latencies, Answers]:
    lat = Latencies()
    answers = Answers([], [])
    index = reg.search.sites
    for case in cases:
        started = time.perf_counter()
        total, ids = lean_search(index, case)
        lat.values.append(time.perf_counter() - started)
        answers.totals.append(total)
        answers.pages.append(ids)
    return lat, answers


def _docs_from(data: Dataset) -> list[Any]:
    from registry.directory.projection import site_documents_from_rows

    providers = {p["id"]: p for p in data.providers}
    return site_documents_from_rows(data.sites, providers, data.admissions)


def _add_users(reg: Any, carriers: Sequence[str], officers: Sequence[str]) -> None:
    from bench.server import PASSWORD, cm_username, officer_username
    from registry.auth.service import add_user

    for carrier in carriers:
        add_user(
            reg,
            username=cm_username(carrier),
            password=PASSWORD,
            role="case_manager",
            carrier=carrier,
        )
    for carrier in officers:
        add_user(
            reg,
            username=officer_username(carrier),
            password=PASSWORD,
            role="admissions_officer",
            carrier=carrier,
        )


def interleaved_pass(
    reg: Any,
    baseline: Any,
    bench_cases: Sequence[BenchCase],
    cases: Sequence[Any],
    repeat: int,
) -> tuple[Latencies, Latencies, Latencies, Answers, Answers, list[int]]:
    """Per case: the index, the use case, then the baseline, back to back.

    Interleaving exposes all three to the same moment of the (shared) machine's load.
    """
    from registry.auth import Principal, Role
    from registry.directory.service import CaseInput
    from registry.directory.service import search as service_search

    idx, svc, pg = Latencies(), Latencies(), Latencies()
    ours, theirs = Answers([], []), Answers([], [])
    svc_totals: list[int] = []
    search = reg.search.sites.search
    for round_ in range(repeat):
        for bc, case in zip(bench_cases, cases, strict=True):
            started = time.perf_counter()
            result = search(case, page=1, page_size=20)
            idx.values.append(time.perf_counter() - started)
            principal = Principal("bench", "bench", Role.CASE_MANAGER, carrier=bc.carrier)
            params = CaseInput(
                carrier=bc.carrier,
                postal_code=bc.postal_code,
                place=bc.place,
                target_groups=bc.target_groups,
                languages=bc.languages,
                barrier_free=bc.barrier_free,
                outreach=bc.outreach,
                max_distance_km=bc.max_distance_km,
                q=bc.q,
            )
            started = time.perf_counter()
            answer = service_search(reg, principal, params, 1, 20)
            svc.values.append(time.perf_counter() - started)
            if baseline is not None:
                started = time.perf_counter()
                pg_answer = baseline.search(case)
                pg.values.append(time.perf_counter() - started)
            if round_ == 0:
                ours.totals.append(result.total)
                ours.pages.append([h.doc.id for h in result.hits])
                svc_totals.append(int(answer["total"]))
                if baseline is not None:
                    theirs.totals.append(pg_answer.total)
                    theirs.pages.append(pg_answer.ids)
    return idx, svc, pg, ours, theirs, svc_totals


def measure_size(
    reg: Any,
    baseline: Any,
    label: str,
    bench_cases: Sequence[BenchCase],
    cases: Sequence[Any],
    results: Results,
    *,
    repeat: int,
    profile: bool,
) -> None:
    what = "in-process and PostGIS" if baseline is not None else "in-process"
    log(f"{label}: {what} searches (warm-up pass, then {repeat} interleaved passes)")
    index_pass(reg, cases)  # warm-up: caches, prepared statements, buffers
    service_pass(reg, bench_cases)
    if baseline is not None:
        baseline_pass(baseline, cases)
    idx, svc, pg, ours, theirs, svc_totals = interleaved_pass(
        reg, baseline, bench_cases, cases, repeat
    )
    results.latency[f"index_{label}"] = idx.summary()
    results.latency[f"service_{label}"] = svc.summary()
    results.meta[f"mean_total_{label}"] = statistics.fmean(ours.totals)
    results.meta[f"max_total_{label}"] = max(ours.totals)
    results.meta[f"zero_results_{label}"] = sum(1 for t in ours.totals if t == 0)
    if svc_totals != ours.totals:
        results.notes.append(f"{label}: use-case totals differ from index totals")
    if profile:
        print(profile_pass(lambda: index_pass(reg, cases)))
    lean_pass(reg, cases)
    lean, lean_answers = lean_pass(reg, cases)
    results.latency[f"lean_{label}"] = lean.summary()
    results.meta[f"lean_same_answers_{label}"] = (
        lean_answers.totals == ours.totals and lean_answers.pages == ours.pages
    )
    if baseline is not None:
        results.latency[f"postgis_{label}"] = pg.summary()
        results.agreement[label] = compare(reg, baseline, bench_cases, cases, ours, theirs, label)


def run(args: argparse.Namespace) -> Results:
    from registry.bootstrap import initialise
    from registry.context import open_registry
    from registry.directory.projection import reindex
    from registry.settings import Settings

    results = Results()
    results.meta.update(
        {
            "date": datetime.now(UTC).astimezone().isoformat(timespec="seconds"),
            "command": " ".join(["python -m bench.search", *sys.argv[1:]]),
            "cpu": cpu_model(),
            "cores": os.cpu_count(),
            "load_before": load_average(),
            "python": platform.python_version(),
            "tantivy": version("tantivy"),
            "ladybug": version("ladybug"),
            "litestar": version("litestar"),
            "psycopg": version("psycopg"),
        }
    )
    log(f"load average before: {results.meta['load_before']} on {os.cpu_count()} cores")
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-search-"))
    workdir.mkdir(parents=True, exist_ok=True)
    data_dir = workdir / "data"
    settings = Settings(data_dir=data_dir, graph_url="", search_url="")
    reg = open_registry(settings)
    baseline_cm = None
    baseline = None
    try:
        log(initialise(reg))
        gen = Generator(reg.reference, seed=args.seed)
        log(f"generating {args.providers} providers with {args.sites} sites")
        data = gen.providers(args.providers, args.sites)
        results.meta["admission_states"] = data.status_counts()
        with stopwatch(results.timings, f"load_{args.sites}"):
            bench_data.load(reg.graph, data)
        log(f"bulk load: {results.timings[f'load_{args.sites}']:.1f} s")
        with stopwatch(results.timings, f"reindex_{args.sites}"):
            results.meta[f"indexed_{args.sites}"] = reindex(reg)
        log(
            f"reindex: {results.meta[f'indexed_{args.sites}']} documents in "
            f"{results.timings[f'reindex_{args.sites}']:.1f} s"
        )
        bench_cases = gen.cases(args.cases, seed=args.seed + 6)
        cases = resolve_cases(reg, bench_cases)

        if not args.skip_postgis:
            from bench.postgis import PostgisUnavailable, running_baseline

            try:
                baseline_cm = running_baseline()
                baseline = baseline_cm.__enter__()
                results.meta["postgres"] = baseline.server
                results.meta["postgis"] = baseline.postgis
                with stopwatch(results.timings, f"postgis_load_{args.sites}"):
                    results.meta[f"postgis_rows_{args.sites}"] = baseline.load(_docs_from(data))
                log(
                    f"PostGIS: {baseline.server}, {baseline.postgis}; loaded "
                    f"{results.meta[f'postgis_rows_{args.sites}']} rows in "
                    f"{results.timings[f'postgis_load_{args.sites}']:.1f} s"
                )
                if args.explain:
                    print(baseline.explain(cases[0]))
            except PostgisUnavailable as exc:
                results.notes.append(f"PostGIS baseline skipped: {exc}")
                log(f"PostGIS baseline skipped: {exc}")
                baseline, baseline_cm = None, None

        measure_size(
            reg,
            baseline,
            str(args.sites),
            bench_cases,
            cases,
            results,
            repeat=args.repeat,
            profile=args.profile,
        )

        final = args.sites
        if args.variant_sites and args.variant_sites > args.sites:
            final = args.variant_sites
            extra = gen.more_sites(args.variant_sites - args.sites)
            with stopwatch(results.timings, f"load_{final}"):
                bench_data.load(reg.graph, extra)
            log(
                f"variant: +{len(extra.sites)} sites loaded in {results.timings[f'load_{final}']:.1f} s"
            )
            if baseline is not None:
                merged = Dataset(
                    providers=data.providers,
                    sites=extra.sites,
                    admissions=extra.admissions,
                )
                baseline.load(_docs_from(merged), index=False)
            counts = data.status_counts()
            for key, value in extra.status_counts().items():
                counts[key] = counts.get(key, 0) + value
            results.meta["admission_states_variant"] = counts
            with stopwatch(results.timings, f"reindex_{final}"):
                results.meta[f"indexed_{final}"] = reindex(reg)
            log(
                f"reindex: {results.meta[f'indexed_{final}']} documents in "
                f"{results.timings[f'reindex_{final}']:.1f} s"
            )
            if args.profile:
                print(profile_pass(lambda: reindex(reg)))
            before = index_pass(reg, cases)[1].totals
            with stopwatch(results.timings, f"proposed_reindex_{final}"):
                results.meta[f"proposed_indexed_{final}"] = proposed_reindex(reg)
            same = index_pass(reg, cases)[1].totals == before
            results.meta[f"proposed_reindex_same_answers_{final}"] = same
            log(
                f"prototype reindex (whole-table reads): "
                f"{results.meta[f'proposed_indexed_{final}']} documents in "
                f"{results.timings[f'proposed_reindex_{final}']:.1f} s; "
                f"same answers for all cases: {same}"
            )
            measure_size(
                reg,
                baseline,
                str(final),
                bench_cases,
                cases,
                results,
                repeat=args.repeat,
                profile=args.profile,
            )
        results.meta["final_sites"] = final
        results.meta["index_totals"] = [int(x) for x in index_pass(reg, cases)[1].totals]

        if not args.skip_http:
            carriers = [c.id for c in reg.reference.carriers]
            regional = [c.id for c in reg.reference.carriers if c.kind == "regional"]
            officers = regional[: max(1, min(args.decisions, len(regional)))]
            _add_users(reg, carriers, officers)
    finally:
        if baseline_cm is not None:
            baseline_cm.__exit__(None, None, None)
        reg.close()

    if not args.skip_http:
        http_phase(args, workdir, data_dir, bench_cases, results)

    results.meta["load_after"] = load_average()
    log(f"load average after: {results.meta['load_after']}")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return results


def http_phase(
    args: argparse.Namespace,
    workdir: Path,
    data_dir: Path,
    bench_cases: Sequence[BenchCase],
    results: Results,
) -> None:
    from bench.server import (
        Client,
        Server,
        Timed,
        client_cpu_seconds,
        cm_username,
        concurrent_searches,
        decision_to_searchable,
        login,
        officer_username,
        timed_searches,
    )
    from registry.reference import load_reference

    reference = load_reference()
    server = Server(data_dir, workdir / "server.log")
    log("starting `registry serve`")
    started = time.perf_counter()
    server.start()
    results.timings["server_start"] = time.perf_counter() - started
    try:
        client = Client(server.port)
        tokens = {c.id: login(client, cm_username(c.id)) for c in reference.carriers}
        log("HTTP: warm-up pass (the server's document cache fills as searches touch documents)")
        cold = timed_searches(client, bench_cases, tokens, cheap=None)
        results.latency["http_search_cold"] = Latencies(cold.latencies).summary()

        log("HTTP: sequential searches, each followed by GET /api/v1/target-groups")
        cheap = Timed()
        cpu0, client0 = server.cpu_seconds(), client_cpu_seconds()
        seq = timed_searches(client, bench_cases, tokens, cheap=cheap)
        cpu1, client1 = server.cpu_seconds(), client_cpu_seconds()
        results.latency["http_search"] = Latencies(seq.latencies).summary()
        results.latency["http_target_groups"] = Latencies(cheap.latencies).summary()
        mismatched = sum(
            1
            for got, want in zip(seq.totals, results.meta["index_totals"], strict=True)
            if got != want
        )
        results.http["sequential"] = {
            "errors": len(seq.errors) + len(cheap.errors),
            "first_errors": (seq.errors + cheap.errors)[:3],
            "totals_differing_from_in_process": mismatched,
            "server_cpu_ms_per_pair": (cpu1 - cpu0) / max(1, len(bench_cases)) * MS,
            "client_cpu_ms_per_pair": (client1 - client0) / max(1, len(bench_cases)) * MS,
        }

        log(f"HTTP: {args.clients} concurrent clients for {args.seconds:g} s")
        cpu0, client0 = server.cpu_seconds(), client_cpu_seconds()
        load = concurrent_searches(
            server.port, bench_cases, tokens, clients=args.clients, seconds=args.seconds
        )
        cpu1, client1 = server.cpu_seconds(), client_cpu_seconds()
        results.http["concurrent"] = {
            "clients": args.clients,
            "seconds": load.seconds,
            "requests": load.requests,
            "per_second": load.per_second,
            "errors": len(load.errors),
            "first_errors": load.errors[:3],
            "server_cpu_ms_per_search": (cpu1 - cpu0) / max(1, load.requests) * MS,
            "server_cpu_share": (cpu1 - cpu0) / load.seconds,
            "client_cpu_share": (client1 - client0) / load.seconds,
        }
        results.latency["http_search_16"] = Latencies(load.latencies).summary()

        if args.decisions:
            log(f"HTTP: {args.decisions} admission decisions -> searchable")
            trials = []
            regional = [c for c in reference.carriers if c.kind == "regional"]
            for n in range(args.decisions):
                carrier = regional[n % len(regional)].id
                districts = reference.districts_by_carrier(carrier)
                district = max(districts, key=lambda d: d.population)
                place = next(p for p in reference.postal_places if p.district_key == district.key)
                trial = decision_to_searchable(
                    client,
                    reference,
                    carrier,
                    place,
                    login(client, officer_username(carrier)),
                    tokens[carrier],
                )
                trials.append(trial)
                if trial.error:
                    log(f"  decision trial {n}: {trial.error}")
                    for line in server.log_path.read_text(errors="replace").splitlines()[-200:]:
                        if '"level": "error"' in line:
                            print(f"    server: {line[:2000]}")
            ok = [t.searchable_seconds for t in trials if t.searchable_seconds is not None]
            results.http["decisions"] = {
                "trials": len(trials),
                "searchable": len(ok),
                "median_s": statistics.median(ok) if ok else math.nan,
                "max_s": max(ok) if ok else math.nan,
                "decision_request_median_s": statistics.median(
                    [t.decision_seconds for t in trials]
                ),
                "polls": [t.polls for t in trials],
                "errors": [t.error for t in trials if t.error],
            }
        client.close()
    finally:
        server.stop()


# ------------------------------------------------------------------------ the report


def _ms(value: float) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.2f} ms"


def _ratio(a: float, b: float) -> str:
    if b is None or a is None or math.isnan(a) or math.isnan(b) or b == 0:
        return "-"
    return f"{a / b:.2f}"


def _met(ok: bool | None) -> str:
    return "-" if ok is None else ("yes" if ok else "NO")


def table(results: Results, args: argparse.Namespace) -> str:
    """The results as a Markdown table (also pasted into docs/performance.md)."""
    rows: list[tuple[str, str, str, str, str, str]] = []
    lat = results.latency
    t = results.timings
    sizes = [str(args.sites)]
    if args.variant_sites and args.variant_sites > args.sites:
        sizes.append(str(args.variant_sites))
    for size in sizes:
        if f"load_{size}" in t:
            rows.append((f"bulk load into the graph ({size} sites)", f"{t[f'load_{size}']:.1f} s",
                         "", "", "", ""))  # fmt: skip
        if f"reindex_{size}" in t:
            reindex_s = t[f"reindex_{size}"]
            target = "≤ 10 s" if size == sizes[-1] else ""
            ok = reindex_s <= 10.0 if target else None
            docs = results.meta.get(f"indexed_{size}", "?")
            rows.append((f"full reindex ({size} sites, {docs} documents)", f"{reindex_s:.1f} s",
                         "", "", target, _met(ok)))  # fmt: skip
        if f"proposed_reindex_{size}" in t:
            same = results.meta.get(f"proposed_reindex_same_answers_{size}")
            rows.append(
                (
                    f"prototype reindex, whole-table reads ({size} sites)",
                    f"{t[f'proposed_reindex_{size}']:.1f} s",
                    "",
                    "",
                    "≤ 10 s",
                    _met(t[f"proposed_reindex_{size}"] <= 10.0)
                    + ("" if same else " (answers differ!)"),
                )
            )
        idx = lat.get(f"index_{size}")
        pg = lat.get(f"postgis_{size}")
        svc = lat.get(f"service_{size}")
        if idx:
            for q in ("p50", "p95"):
                ours = idx[f"{q}_ms"]
                theirs = pg[f"{q}_ms"] if pg else math.nan
                target = "≤ PostGIS p95" if q == "p95" else ""
                ok = (ours <= theirs) if (q == "p95" and pg) else None
                rows.append((f"in-process search index {q} ({size})", _ms(ours), _ms(theirs),
                             _ratio(ours, theirs), target, _met(ok)))  # fmt: skip
        if svc:
            for q in ("p50", "p95"):
                ours = svc[f"{q}_ms"]
                theirs = pg[f"{q}_ms"] if pg else math.nan
                rows.append((f"in-process use case {q} ({size})", _ms(ours), _ms(theirs),
                             _ratio(ours, theirs), "", ""))  # fmt: skip
        lean = lat.get(f"lean_{size}")
        if lean:
            same = results.meta.get(f"lean_same_answers_{size}")
            for q in ("p50", "p95"):
                ours = lean[f"{q}_ms"]
                theirs = pg[f"{q}_ms"] if pg else math.nan
                rows.append(
                    (
                        f"prototype: lean exact check {q} ({size})",
                        _ms(ours),
                        _ms(theirs),
                        _ratio(ours, theirs),
                        "",
                        "" if same else "answers differ!",
                    )
                )
        agreement = results.agreement.get(size)
        if agreement:
            same = agreement["cases"] - agreement["total_mismatches"]
            rows.append((f"totals equal to PostGIS ({size})", f"{same}/{agreement['cases']}",
                         "", "", "all", _met(agreement["total_mismatches"] == 0)))  # fmt: skip
    final = str(results.meta.get("final_sites", ""))
    search = lat.get("http_search")
    cheap = lat.get("http_target_groups")
    if search and cheap:
        for q in ("p50", "p95"):
            ok_abs = search["p95_ms"] <= 20.0 if q == "p95" else None
            rows.append((f"HTTP search {q} ({final})", _ms(search[f"{q}_ms"]), "", "",
                         "≤ 20 ms" if q == "p95" else "", _met(ok_abs)))  # fmt: skip
        rows.append(("HTTP GET /target-groups p95", _ms(cheap["p95_ms"]), "", "", "", ""))
        ratio = search["p95_ms"] / cheap["p95_ms"] if cheap["p95_ms"] else math.nan
        rows.append(("HTTP search p95 / target-groups p95", f"{ratio:.2f}", "", "", "≤ 3",
                     _met(ratio <= 3.0)))  # fmt: skip
    conc = results.http.get("concurrent")
    if conc:
        rows.append((f"searches/s, {conc['clients']} clients ({final})",
                     f"{conc['per_second']:.0f}/s", "", "", "≥ 300/s",
                     _met(conc["per_second"] >= 300)))  # fmt: skip
        under = lat.get("http_search_16")
        if under:
            rows.append((f"HTTP search p50 / p95 with {conc['clients']} clients",
                         f"{under['p50_ms']:.1f} / {under['p95_ms']:.1f} ms", "", "", "", ""))  # fmt: skip
        rows.append(("server CPU per search (16 clients)",
                     f"{conc['server_cpu_ms_per_search']:.2f} ms", "", "", "", ""))  # fmt: skip
    seq = results.http.get("sequential")
    if seq:
        rows.append(("server CPU per search + target-groups pair",
                     f"{seq['server_cpu_ms_per_pair']:.2f} ms", "", "", "", ""))  # fmt: skip
    dec = results.http.get("decisions")
    if dec:
        rows.append((f"decision → searchable (median / max of {dec['trials']})",
                     f"{dec['median_s']:.3f} / {dec['max_s']:.3f} s", "", "", "≤ 1 s",
                     _met(dec["searchable"] == dec["trials"] and dec["max_s"] <= 1.0)))  # fmt: skip
    header = ("figure", "ours", "PostGIS", "ours/PostGIS", "target", "met")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(r) + " |" for r in rows)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench.search", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--providers", type=int, default=10_000)
    parser.add_argument("--sites", type=int, default=40_000, help="sites of the main dataset")
    parser.add_argument(
        "--variant-sites", type=int, default=50_000, help="sites of the larger variant (0: none)"
    )
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument(
        "--repeat", type=int, default=2, help="measured in-process/PostGIS passes per size"
    )
    parser.add_argument("--clients", type=int, default=16, help="concurrent HTTP clients")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the load test")
    parser.add_argument("--decisions", type=int, default=5, help="decision -> searchable trials")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip-postgis", action="store_true")
    parser.add_argument("--skip-http", action="store_true")
    parser.add_argument("--profile", action="store_true", help="cProfile in-process passes")
    parser.add_argument("--explain", action="store_true", help="print one PostGIS plan")
    parser.add_argument("--keep", default=None, help="work directory to keep (default: temp)")
    parser.add_argument("--json", default=None, help="write all figures to this JSON file")
    args = parser.parse_args(argv)
    if args.sites < args.providers:
        parser.error("--sites must be at least --providers")

    # a plain `kill` still stops the server and the PostgreSQL cluster and removes temp dirs
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(143))
    results = run(args)
    print()
    print(f"Directory search benchmark, {results.meta['date']}")
    print(
        f"machine: {results.meta['cpu']}, {results.meta['cores']} cores; load average "
        f"before {results.meta['load_before']}, after {results.meta['load_after']}"
    )
    print(
        f"versions: Python {results.meta['python']}, tantivy {results.meta['tantivy']}, "
        f"ladybug {results.meta['ladybug']}, litestar {results.meta['litestar']}, "
        f"{results.meta.get('postgres', 'PostgreSQL -')}, {results.meta.get('postgis', '-')}, "
        f"psycopg {results.meta['psycopg']}"
    )
    print(
        f"data: {args.providers} providers, {args.sites} sites (variant {args.variant_sites}); "
        f"{args.cases} cases; mean total per case "
        + ", ".join(
            f"{k.removeprefix('mean_total_')}: {v:.1f}"
            for k, v in results.meta.items()
            if k.startswith("mean_total_")
        )
    )
    print()
    print(table(results, args))
    for note in results.notes:
        print(f"note: {note}")
    for key in ("sequential", "concurrent", "decisions"):
        if key in results.http:
            print(f"{key}: {json.dumps(results.http[key], default=str)}")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "meta": {k: v for k, v in results.meta.items() if k != "index_totals"},
                    "timings": results.timings,
                    "latency": results.latency,
                    "agreement": results.agreement,
                    "http": results.http,
                    "notes": results.notes,
                    "table": table(results, args),
                },
                indent=2,
                default=str,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
