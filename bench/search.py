"""Directory search benchmark (issues 6 and 18): run on demand, never part of the test suite.

    .venv/bin/python -m bench.search [--providers 10000] [--sites 40000] [--variant-sites 50000]
                                     [--sizes 10000,50000,200000] [--cases 500] [--clients 16]
                                     [--seconds 20] [--decisions 5] [--skip-postgis]
                                     [--skip-http] [--profile] [--json FILE]

One run, on a fresh data directory, for each size (`--sites`, then `--variant-sites`; or the
growth curve `--sizes`, each size the previous data plus more sites of the same providers):

1. synthetic data (bench/data.py) bulk-loaded into the embedded graph with the bench-only
   queries of registry/graph/queries/bench.cypher; full reindex
   (`registry.directory.projection.reindex`), timed;
2. `--cases` realistic cases answered in-process, by the search index
   (`reg.search.sites.search`), by the whole use case (`registry.directory.service.search`),
   by the floor (bench/floor.py: a brute-force numpy scan of every site) and by the
   PostgreSQL + PostGIS baseline (bench/postgis.py), interleaved case by case; totals (and first
   pages) compared with both;
3. the real server (`registry serve`) on that size's data: HTTP search latency next to the
   cheapest authenticated request (GET /api/v1/target-groups) in the same run, and the server's
   memory; at one size (`--http-full-size`, default 50000) also searches per second with
   `--clients` concurrent clients and admission decision -> searchable over HTTP.

Prints the load average before and after (the machine may be shared), a table of figures with
our/floor and our/PostGIS ratios and the targets, and the growth curve. Nothing here asserts:
it measures and reports.
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


def floor_pass(floor: Any, cases: Sequence[Any]) -> tuple[Latencies, Answers]:
    lat = Latencies()
    answers = Answers([], [])
    for case in cases:
        started = time.perf_counter()
        answer = floor.search(case)
        lat.values.append(time.perf_counter() - started)
        answers.totals.append(answer.total)
        answers.pages.append(answer.ids)
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


@dataclass
class Passes:
    """The measured passes of one size: our index, our use case, the floor, PostGIS."""

    index: Latencies = field(default_factory=Latencies)
    service: Latencies = field(default_factory=Latencies)
    floor: Latencies = field(default_factory=Latencies)
    postgis: Latencies = field(default_factory=Latencies)
    ours: Answers = field(default_factory=lambda: Answers([], []))
    floors: Answers = field(default_factory=lambda: Answers([], []))
    theirs: Answers = field(default_factory=lambda: Answers([], []))
    service_totals: list[int] = field(default_factory=list)


def interleaved_pass(
    reg: Any,
    baseline: Any,
    floor: Any,
    bench_cases: Sequence[BenchCase],
    cases: Sequence[Any],
    repeat: int,
) -> Passes:
    """Per case: the index, the use case, the floor, then the baseline, back to back.

    Interleaving exposes all four to the same moment of the (shared) machine's load.
    """
    from registry.auth import Principal, Role
    from registry.directory.service import CaseInput
    from registry.directory.service import search as service_search

    out = Passes()
    search = reg.search.sites.search
    for round_ in range(repeat):
        for bc, case in zip(bench_cases, cases, strict=True):
            started = time.perf_counter()
            result = search(case, page=1, page_size=20)
            out.index.values.append(time.perf_counter() - started)
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
            out.service.values.append(time.perf_counter() - started)
            started = time.perf_counter()
            floor_answer = floor.search(case)
            out.floor.values.append(time.perf_counter() - started)
            if baseline is not None:
                started = time.perf_counter()
                pg_answer = baseline.search(case)
                out.postgis.values.append(time.perf_counter() - started)
            if round_ == 0:
                out.ours.totals.append(result.total)
                out.ours.pages.append([h.doc.id for h in result.hits])
                out.service_totals.append(int(answer["total"]))
                out.floors.totals.append(floor_answer.total)
                out.floors.pages.append(floor_answer.ids)
                if baseline is not None:
                    out.theirs.totals.append(pg_answer.total)
                    out.theirs.pages.append(pg_answer.ids)
    return out


def measure_size(
    reg: Any,
    baseline: Any,
    floor: Any,
    label: str,
    bench_cases: Sequence[BenchCase],
    cases: Sequence[Any],
    results: Results,
    *,
    repeat: int,
    profile: bool,
) -> None:
    what = "in-process, floor and PostGIS" if baseline is not None else "in-process and floor"
    log(f"{label}: {what} searches (warm-up pass, then {repeat} interleaved passes)")
    index_pass(reg, cases)  # warm-up: caches, prepared statements, buffers
    service_pass(reg, bench_cases)
    floor_pass(floor, cases)
    if baseline is not None:
        baseline_pass(baseline, cases)
    passes = interleaved_pass(reg, baseline, floor, bench_cases, cases, repeat)
    results.latency[f"index_{label}"] = passes.index.summary()
    results.latency[f"service_{label}"] = passes.service.summary()
    results.latency[f"floor_{label}"] = passes.floor.summary()
    ours = passes.ours
    results.meta[f"mean_total_{label}"] = statistics.fmean(ours.totals)
    results.meta[f"max_total_{label}"] = max(ours.totals)
    results.meta[f"zero_results_{label}"] = sum(1 for t in ours.totals if t == 0)
    results.meta[f"index_totals_{label}"] = [int(t) for t in ours.totals]
    if passes.service_totals != ours.totals:
        results.notes.append(f"{label}: use-case totals differ from index totals")
    results.agreement[f"floor_{label}"] = {
        "cases": len(cases),
        "total_mismatches": sum(
            1 for a, b in zip(ours.totals, passes.floors.totals, strict=True) if a != b
        ),
        "page_mismatches": sum(
            1
            for a, b, x, y in zip(
                ours.totals, passes.floors.totals, ours.pages, passes.floors.pages, strict=True
            )
            if a == b and x != y
        ),
    }
    if profile:
        print(profile_pass(lambda: index_pass(reg, cases)))
    if baseline is not None:
        results.latency[f"postgis_{label}"] = passes.postgis.summary()
        results.agreement[label] = compare(
            reg, baseline, bench_cases, cases, ours, passes.theirs, label
        )


def run(args: argparse.Namespace) -> Results:
    from bench.floor import Floor
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
            "numpy": version("numpy"),
            "psycopg": version("psycopg"),
            "sizes": args.size_list,
        }
    )
    log(f"load average before: {results.meta['load_before']} on {os.cpu_count()} cores")
    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-search-"))
    workdir.mkdir(parents=True, exist_ok=True)
    data_dir = workdir / "data"
    settings = Settings(
        data_dir=data_dir, graph_url="", search_url="", graph_buffer_pool_mb=args.graph_pool_mb
    )
    os.environ["REGISTRY_GRAPH_BUFFER_POOL_MB"] = str(args.graph_pool_mb)  # the server's, too
    baseline_cm = None
    baseline = None
    gen: Generator | None = None
    docs: list[Any] = []
    bench_cases: list[BenchCase] = []
    cases: list[Any] = []
    previous = 0
    try:
        for size in args.size_list:
            label = str(size)
            reg = open_registry(settings)
            try:
                if gen is None:
                    log(initialise(reg))
                    gen = Generator(reg.reference, seed=args.seed)
                    log(f"generating {args.providers} providers with {size} sites")
                    data = gen.providers(args.providers, size)
                    results.meta["admission_states"] = data.status_counts()
                    new_docs = _docs_from(data)
                    with stopwatch(results.timings, f"load_{label}"):
                        bench_data.load(reg.graph, data)
                    providers = data.providers
                else:
                    extra = gen.more_sites(size - previous)
                    new_docs = _docs_from(
                        Dataset(providers=providers, sites=extra.sites, admissions=extra.admissions)
                    )
                    with stopwatch(results.timings, f"load_{label}"):
                        bench_data.load(reg.graph, extra)
                docs.extend(new_docs)
                log(f"bulk load ({label} sites): {results.timings[f'load_{label}']:.1f} s")
                with stopwatch(results.timings, f"reindex_{label}"):
                    results.meta[f"indexed_{label}"] = reindex(reg)
                log(
                    f"reindex: {results.meta[f'indexed_{label}']} documents in "
                    f"{results.timings[f'reindex_{label}']:.1f} s"
                )
                if args.profile:
                    print(profile_pass(lambda reg=reg: reindex(reg)))
                if not cases:
                    bench_cases = gen.cases(args.cases, seed=args.seed + 6)
                    cases = resolve_cases(reg, bench_cases)
                if not args.skip_postgis:
                    if baseline is None and baseline_cm is None and previous == 0:
                        baseline, baseline_cm = _start_baseline(results)
                    if baseline is not None:
                        with stopwatch(results.timings, f"postgis_load_{label}"):
                            rows = baseline.load(new_docs, index=previous == 0)
                        results.meta[f"postgis_rows_{label}"] = rows
                        log(
                            f"PostGIS: loaded {rows} rows in "
                            f"{results.timings[f'postgis_load_{label}']:.1f} s"
                        )
                        if args.explain and previous == 0:
                            print(baseline.explain(cases[0]))
                with stopwatch(results.timings, f"floor_build_{label}"):
                    floor = Floor(docs)
                measure_size(
                    reg,
                    baseline,
                    floor,
                    label,
                    bench_cases,
                    cases,
                    results,
                    repeat=args.repeat,
                    profile=args.profile,
                )
                del floor
                if previous == 0 and not args.skip_http:
                    carriers = [c.id for c in reg.reference.carriers]
                    regional = [c.id for c in reg.reference.carriers if c.kind == "regional"]
                    officers = regional[: max(1, min(args.decisions, len(regional)))]
                    _add_users(reg, carriers, officers)
            finally:
                reg.close()
            previous = size
            if not args.skip_http:
                http_phase(
                    args,
                    workdir,
                    data_dir,
                    bench_cases,
                    results,
                    label,
                    full=size == args.http_full_size,
                )
    finally:
        if baseline_cm is not None:
            baseline_cm.__exit__(None, None, None)

    results.meta["load_after"] = load_average()
    log(f"load average after: {results.meta['load_after']}")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return results


def _start_baseline(results: Results) -> tuple[Any, Any]:
    from bench.postgis import PostgisUnavailable, running_baseline

    try:
        baseline_cm = running_baseline()
        baseline = baseline_cm.__enter__()
    except PostgisUnavailable as exc:
        results.notes.append(f"PostGIS baseline skipped: {exc}")
        log(f"PostGIS baseline skipped: {exc}")
        return None, None
    results.meta["postgres"] = baseline.server
    results.meta["postgis"] = baseline.postgis
    log(f"PostGIS: {baseline.server}, {baseline.postgis}")
    return baseline, baseline_cm


def http_phase(
    args: argparse.Namespace,
    workdir: Path,
    data_dir: Path,
    bench_cases: Sequence[BenchCase],
    results: Results,
    label: str,
    *,
    full: bool,
) -> None:
    """The real server on the data of one size: sequential searches, each followed by the
    cheapest authenticated request, and its memory; with `full` also the load test and the
    decision -> searchable trials."""
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
    server = Server(data_dir, workdir / f"server-{label}.log")
    log(f"{label}: starting `registry serve`")
    started = time.perf_counter()
    server.start()
    results.timings[f"server_start_{label}"] = time.perf_counter() - started
    try:
        client = Client(server.port)
        tokens = {c.id: login(client, cm_username(c.id)) for c in reference.carriers}
        log(f"{label}: HTTP warm-up pass (the first search waits for the columns to load)")
        cold = timed_searches(client, bench_cases, tokens, cheap=None)
        results.latency[f"http_search_cold_{label}"] = Latencies(cold.latencies).summary()

        log(f"{label}: HTTP sequential searches, each followed by GET /api/v1/target-groups")
        cheap = Timed()
        cpu0, client0 = server.cpu_seconds(), client_cpu_seconds()
        seq = timed_searches(client, bench_cases, tokens, cheap=cheap)
        cpu1, client1 = server.cpu_seconds(), client_cpu_seconds()
        rss, peak = server.memory_mb()
        results.latency[f"http_search_{label}"] = Latencies(seq.latencies).summary()
        results.latency[f"http_target_groups_{label}"] = Latencies(cheap.latencies).summary()
        expected = results.meta[f"index_totals_{label}"]
        mismatched = sum(1 for got, want in zip(seq.totals, expected, strict=True) if got != want)
        results.http[f"sequential_{label}"] = {
            "errors": len(seq.errors) + len(cheap.errors),
            "first_errors": (seq.errors + cheap.errors)[:3],
            "totals_differing_from_in_process": mismatched,
            "server_cpu_ms_per_pair": (cpu1 - cpu0) / max(1, len(bench_cases)) * MS,
            "client_cpu_ms_per_pair": (client1 - client0) / max(1, len(bench_cases)) * MS,
            "server_rss_mb": rss,
            "server_peak_rss_mb": peak,
        }

        if full:
            log(f"{label}: HTTP {args.clients} concurrent clients for {args.seconds:g} s")
            cpu0, client0 = server.cpu_seconds(), client_cpu_seconds()
            load = concurrent_searches(
                server.port, bench_cases, tokens, clients=args.clients, seconds=args.seconds
            )
            cpu1, client1 = server.cpu_seconds(), client_cpu_seconds()
            results.http["concurrent"] = {
                "size": label,
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

        if full and args.decisions:
            log(f"{label}: HTTP {args.decisions} admission decisions -> searchable")
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
                "size": label,
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


def _ms(value: float | None) -> str:
    return "-" if value is None or math.isnan(value) else f"{value:.2f} ms"


def _ratio(a: float | None, b: float | None) -> str:
    if b is None or a is None or math.isnan(a) or math.isnan(b) or b == 0:
        return "-"
    return f"{a / b:.2f}"


def _met(ok: bool | None) -> str:
    return "-" if ok is None else ("yes" if ok else "NO")


def _q(summary: dict[str, float] | None, q: str) -> float:
    return summary[f"{q}_ms"] if summary else math.nan


def table(results: Results, args: argparse.Namespace) -> str:
    """Every figure as a Markdown table (also pasted into docs/performance.md)."""
    rows: list[tuple[str, ...]] = []
    lat = results.latency
    t = results.timings
    sizes = [str(s) for s in args.size_list]

    def row(figure: str, ours: str, floor: str = "", pg: str = "", r_floor: str = "",
            r_pg: str = "", target: str = "", met: str = "") -> None:  # fmt: skip
        rows.append((figure, ours, floor, pg, r_floor, r_pg, target, met))

    for size in sizes:
        if f"load_{size}" in t:
            row(f"bulk load into the graph ({size} sites)", f"{t[f'load_{size}']:.1f} s")
        if f"reindex_{size}" in t:
            reindex_s = t[f"reindex_{size}"]
            target = "≤ 10 s" if size == "50000" else ""
            docs = results.meta.get(f"indexed_{size}", "?")
            row(f"full reindex ({size} sites, {docs} documents)", f"{reindex_s:.1f} s",
                target=target, met=_met(reindex_s <= 10.0) if target else "")  # fmt: skip
        idx, fl, pg = (lat.get(f"{k}_{size}") for k in ("index", "floor", "postgis"))
        svc = lat.get(f"service_{size}")
        for q in ("p50", "p95"):
            ours, floor, theirs = _q(idx, q), _q(fl, q), _q(pg, q)
            targets = []
            oks = []
            if q == "p95" and pg:
                targets.append("≤ PostGIS")
                oks.append(ours <= theirs)
            if q == "p95" and size == "50000":
                targets.append("≤ 3× floor")
                oks.append(ours <= 3 * floor)
            if q == "p95" and size == "200000":
                targets.append("≤ 10 ms")
                oks.append(ours <= 10.0)
            row(f"in-process search index {q} ({size})", _ms(ours), _ms(floor), _ms(theirs),
                _ratio(ours, floor), _ratio(ours, theirs), ", ".join(targets),
                "/".join(_met(ok) for ok in oks))  # fmt: skip
        for q in ("p50", "p95"):
            ours = _q(svc, q)
            row(f"in-process use case {q} ({size})", _ms(ours), "", _ms(_q(pg, q)),
                _ratio(ours, _q(fl, q)), _ratio(ours, _q(pg, q)))  # fmt: skip
        agreement = results.agreement.get(f"floor_{size}")
        if agreement:
            same = agreement["cases"] - agreement["total_mismatches"]
            row(f"totals equal to the floor ({size})", f"{same}/{agreement['cases']}",
                target="all", met=_met(agreement["total_mismatches"] == 0))  # fmt: skip
        agreement = results.agreement.get(size)
        if agreement:
            same = agreement["cases"] - agreement["total_mismatches"]
            row(f"totals equal to PostGIS ({size})", f"{same}/{agreement['cases']}",
                target="all", met=_met(agreement["total_mismatches"] == 0))  # fmt: skip
        search, cheap = lat.get(f"http_search_{size}"), lat.get(f"http_target_groups_{size}")
        if search and cheap:
            for q in ("p50", "p95"):
                row(f"HTTP search {q} ({size})", _ms(search[f"{q}_ms"]),
                    target="≤ 20 ms" if q == "p95" else "",
                    met=_met(search["p95_ms"] <= 20.0) if q == "p95" else "")  # fmt: skip
            row(f"HTTP GET /target-groups p95 ({size})", _ms(cheap["p95_ms"]))
            ratio = search["p95_ms"] / cheap["p95_ms"] if cheap["p95_ms"] else math.nan
            row(f"HTTP search p95 / target-groups p95 ({size})", f"{ratio:.2f}", target="≤ 3",
                met=_met(ratio <= 3.0))  # fmt: skip
        seq = results.http.get(f"sequential_{size}")
        if seq:
            row(f"server CPU per search + target-groups pair ({size})",
                f"{seq['server_cpu_ms_per_pair']:.2f} ms")  # fmt: skip
            row(f"server memory (RSS now / peak) ({size})",
                f"{seq['server_rss_mb']:.0f} / {seq['server_peak_rss_mb']:.0f} MB")  # fmt: skip
    conc = results.http.get("concurrent")
    if conc:
        row(f"searches/s, {conc['clients']} clients ({conc['size']})",
            f"{conc['per_second']:.0f}/s", target="≥ 300/s",
            met=_met(conc["per_second"] >= 300))  # fmt: skip
        under = lat.get("http_search_16")
        if under:
            row(f"HTTP search p50 / p95 with {conc['clients']} clients",
                f"{under['p50_ms']:.1f} / {under['p95_ms']:.1f} ms")  # fmt: skip
        row(
            f"server CPU per search ({conc['clients']} clients)",
            f"{conc['server_cpu_ms_per_search']:.2f} ms",
        )
    dec = results.http.get("decisions")
    if dec:
        row(f"decision → searchable (median / max of {dec['trials']}, {dec['size']})",
            f"{dec['median_s']:.3f} / {dec['max_s']:.3f} s", target="≤ 1 s",
            met=_met(dec["searchable"] == dec["trials"] and dec["max_s"] <= 1.0))  # fmt: skip
    header = ("figure", "ours", "floor", "PostGIS", "ours/floor", "ours/PostGIS", "target", "met")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(r) + " |" for r in rows)
    return "\n".join(lines)


def curve(results: Results, args: argparse.Namespace) -> str:
    """The growth curve: one line per size."""
    lat = results.latency
    header = (
        "sites",
        "in-process p50 / p95",
        "floor p50 / p95",
        "PostGIS p50 / p95",
        "ours/floor p95",
        "ours/PostGIS p95",
        "HTTP search p50 / p95",
        "target-groups p95",
        "HTTP/cheapest p95",
        "reindex",
        "server RSS (peak)",
    )
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]

    def pair(summary: dict[str, float] | None) -> str:
        if not summary:
            return "-"
        return f"{summary['p50_ms']:.2f} / {summary['p95_ms']:.2f} ms"

    for size in (str(s) for s in args.size_list):
        idx, fl, pg = (lat.get(f"{k}_{size}") for k in ("index", "floor", "postgis"))
        search, cheap = lat.get(f"http_search_{size}"), lat.get(f"http_target_groups_{size}")
        seq = results.http.get(f"sequential_{size}")
        reindex_s = results.timings.get(f"reindex_{size}")
        cells = (
            size,
            pair(idx),
            pair(fl),
            pair(pg),
            _ratio(_q(idx, "p95"), _q(fl, "p95")),
            _ratio(_q(idx, "p95"), _q(pg, "p95")),
            pair(search),
            _ms(_q(cheap, "p95")),
            _ratio(_q(search, "p95"), _q(cheap, "p95")),
            "-" if reindex_s is None else f"{reindex_s:.1f} s",
            "-" if not seq else f"{seq['server_rss_mb']:.0f} ({seq['server_peak_rss_mb']:.0f}) MB",
        )
        lines.append("| " + " | ".join(cells) + " |")
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
    parser.add_argument(
        "--sizes",
        default=None,
        help="growth curve: comma-separated site counts, each a superset of the one before\n"
        "(e.g. 10000,50000,200000); replaces --sites/--variant-sites",
    )
    parser.add_argument(
        "--graph-pool-mb",
        type=int,
        default=512,
        help="embedded graph buffer pool (the application's default: 512; the whole-table reads\n"
        "of the full reindex need more than that at 200,000 sites)",
    )
    parser.add_argument(
        "--http-full-size",
        type=int,
        default=None,
        help="size at which the load test and decision trials run (default: 50000 if measured,\n"
        "else the largest)",
    )
    args = parser.parse_args(argv)
    if args.sizes:
        args.size_list = [int(x) for x in args.sizes.split(",") if x.strip()]
    else:
        args.size_list = [args.sites]
        if args.variant_sites and args.variant_sites > args.sites:
            args.size_list.append(args.variant_sites)
    if args.size_list != sorted(set(args.size_list)):
        parser.error("sizes must grow")
    if args.size_list[0] < args.providers:
        parser.error("the first size must be at least --providers")
    if args.http_full_size is None:
        args.http_full_size = 50_000 if 50_000 in args.size_list else args.size_list[-1]

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
        f"psycopg {results.meta['psycopg']}, numpy {results.meta['numpy']}"
    )
    print(
        f"data: {args.providers} providers, sites "
        + ", ".join(str(s) for s in args.size_list)
        + f"; {args.cases} cases; mean total per case "
        + ", ".join(
            f"{k.removeprefix('mean_total_')}: {v:.1f}"
            for k, v in results.meta.items()
            if k.startswith("mean_total_")
        )
    )
    print()
    print(table(results, args))
    print()
    print(curve(results, args))
    for note in results.notes:
        print(f"note: {note}")
    for key, value in results.http.items():
        print(f"{key}: {json.dumps(value, default=str)}")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "meta": {
                        k: v for k, v in results.meta.items() if not k.startswith("index_totals")
                    },
                    "timings": results.timings,
                    "latency": results.latency,
                    "agreement": results.agreement,
                    "http": results.http,
                    "notes": results.notes,
                    "table": table(results, args),
                    "curve": curve(results, args),
                },
                indent=2,
                default=str,
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
