"""The real server (`registry serve`) on a free port, and plain HTTP clients for it.

The clients use `http.client` with one keep-alive connection per thread: the load generator
shares the machine's cores with the server, so it should cost as little as possible.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import resource
import secrets
import string
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.data import BenchCase
from bench.postgis import free_port
from registry.reference import PostalPlace, Reference

PASSWORD = "bench-passwort-2026"
SEARCH_PATH = "/api/v1/directory/search"
CHEAP_PATH = "/api/v1/target-groups"


def cm_username(carrier: str) -> str:
    return f"bench.cm.{carrier}"


def officer_username(carrier: str) -> str:
    return f"bench.officer.{carrier}"


def _ticks() -> int:
    return int(os.sysconf("SC_CLK_TCK"))


class Server:
    """`registry serve` as a child process against a data directory."""

    def __init__(self, data_dir: Path, log_path: Path) -> None:
        self.data_dir = data_dir
        self.log_path = log_path
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 180.0) -> None:
        script = Path(sys.executable).parent / "registry"
        command = [str(script)] if script.exists() else [sys.executable, "-m", "registry.cli"]
        env = {
            **os.environ,
            "REGISTRY_DATA_DIR": str(self.data_dir),
            "REGISTRY_GRAPH_URL": "",
            "REGISTRY_SEARCH_URL": "",
        }
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(
                [*command, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.log_path}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz")
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"server not ready after {timeout:.0f} s: {self.log_path}")

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far (all its threads)."""
        if self.proc is None:
            return 0.0
        with open(f"/proc/{self.proc.pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _ticks()

    def memory_mb(self) -> tuple[float, float]:
        """Resident memory of the server process now and at its peak (VmRSS, VmHWM), in MB."""
        if self.proc is None:
            return math.nan, math.nan
        values = {}
        with open(f"/proc/{self.proc.pid}/status", encoding="ascii") as fh:
            for line in fh:
                key, _, rest = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    values[key] = int(rest.split()[0]) / 1024.0  # kB
        return values.get("VmRSS", math.nan), values.get("VmHWM", math.nan)

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


def client_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Client:
    """One keep-alive connection (use one per thread)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(
        self, method: str, path: str, token: str | None = None, body: Any = None
    ) -> tuple[int, Any]:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=payload, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        parsed = json.loads(data) if data and data[:1] in (b"{", b"[") else data
        return response.status, parsed

    def close(self) -> None:
        self.conn.close()


def login(client: Client, username: str) -> str:
    status, body = client.request(
        "POST", "/api/v1/auth/token", body={"username": username, "password": PASSWORD}
    )
    if status != 200:
        raise RuntimeError(f"login {username}: {status} {body!r}")
    return str(body["access_token"])


def search_path(case: BenchCase, page_size: int = 20) -> str:
    return f"{SEARCH_PATH}?{urlencode([*case.query_params(), ('page_size', str(page_size))])}"


@dataclass
class Timed:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    totals: list[int | None] = field(default_factory=list)


def timed_searches(
    client: Client, cases: Sequence[BenchCase], tokens: dict[str, str], *, cheap: Timed | None
) -> Timed:
    """Each case once, in order; with `cheap`, a GET /target-groups after each search."""
    out = Timed()
    for case in cases:
        path = search_path(case)
        token = tokens[case.carrier]
        started = time.perf_counter()
        status, body = client.request("GET", path, token)
        out.latencies.append(time.perf_counter() - started)
        if status == 200:
            out.totals.append(int(body["total"]))
        else:
            out.totals.append(None)
            out.errors.append(f"{status} {str(body)[:200]}")
        if cheap is not None:
            started = time.perf_counter()
            status, body = client.request("GET", CHEAP_PATH, token)
            cheap.latencies.append(time.perf_counter() - started)
            if status != 200:
                cheap.errors.append(f"{status} {str(body)[:200]}")
    return out


@dataclass
class LoadResult:
    requests: int
    seconds: float
    latencies: list[float]
    errors: list[str]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def concurrent_searches(
    port: int,
    cases: Sequence[BenchCase],
    tokens: dict[str, str],
    *,
    clients: int,
    seconds: float,
) -> LoadResult:
    """`clients` threads, each its own connection, searching back to back for `seconds`."""
    paths = [(search_path(c), tokens[c.carrier]) for c in cases]
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[str] = []
    barrier = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def worker(n: int) -> None:
        client = Client(port)
        mine = latencies[n]
        i = (n * len(paths)) // clients
        barrier.wait()
        try:
            while time.perf_counter() < stop_at[0]:
                path, token = paths[i % len(paths)]
                i += 1
                started = time.perf_counter()
                try:
                    status, body = client.request("GET", path, token)
                except Exception as exc:  # noqa: BLE001 - counted and reported
                    errors.append(repr(exc))
                    continue
                mine.append(time.perf_counter() - started)
                if status != 200:
                    errors.append(f"{status} {str(body)[:200]}")
        finally:
            client.close()

    threads = [threading.Thread(target=worker, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    started = time.perf_counter()
    stop_at[0] = started + seconds
    barrier.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    flat = [x for part in latencies for x in part]
    return LoadResult(len(flat), elapsed, flat, errors)


# ------------------------------------------------------------------------ decision -> searchable


def _application_body(
    reference: Reference, carrier: str, place: PostalPlace, marker: str
) -> dict[str, Any]:
    manager = {
        "degree": "social-work",
        "counselling_years": 4,
        "social_law_units": 40,
        "certificates": ["case-manager-dgcc"],
        "languages": ["de"],
        "joined_on": "2023-01-01",
        "target_groups": ["addiction"],
        "competence_evidence": "Weiterbildung Suchtberatung 2021, fünf Jahre Praxis",
    }
    return {
        "receiving_carrier": carrier,
        "provider": {
            "name": f"Zulassungsprobe {marker} gGmbH",
            "legal_form": "gGmbH",
            "email": f"kontakt@{marker}.example",
            "phone": "0451 123456",
            "website": f"https://{marker}.example",
        },
        "sites": [
            {
                "name": f"Beratungsstelle {marker}",
                "headquarters": True,
                "address": {
                    "street": "Hauptstraße 1",
                    "postal_code": place.postal_code,
                    "place": place.place,
                },
                "catchment_radius_km": 50,
                "outreach_radius_km": 20,
                "public_transport": True,
                "barrier_free": True,
                "rooms_for_individual_talks": True,
                "rooms_for_relatives": True,
                "languages": ["de"],
            }
        ],
        "target_groups": ["addiction"],
        "case_managers": [
            {"name": "Anna Beispiel", **manager},
            {"name": "Bernd Muster", **manager},
        ],
        "concept": {
            s.code: "Ausführlich beschrieben im Konzept des Anbieters."
            for s in reference.concept_sections
        },
        "organisation": {
            "documentation_system": True,
            "data_protection": True,
            "confidentiality_commitments": True,
            "quality_management": True,
            "complaints_system": True,
        },
    }


@dataclass
class DecisionTrial:
    carrier: str
    decision_seconds: float  # POST decision round trip
    searchable_seconds: float | None  # from sending the decision to the first search finding it
    polls: int
    error: str = ""


def decision_to_searchable(
    client: Client,
    reference: Reference,
    carrier: str,
    place: PostalPlace,
    officer_token: str,
    cm_token: str,
    *,
    timeout: float = 10.0,
    log: Callable[[str], None] = print,
) -> DecisionTrial:
    """Apply, decide (admit) over HTTP, then search until the site appears."""
    marker = "".join(secrets.choice(string.ascii_lowercase) for _ in range(10))
    body = _application_body(reference, carrier, place, marker)
    status, created = client.request("POST", "/api/v1/applications", officer_token, body)
    if status != 201:
        return DecisionTrial(carrier, 0.0, None, 0, f"application: {status} {created!r}"[:300])
    app_id = created["id"]
    status, app = client.request("GET", f"/api/v1/applications/{app_id}", officer_token)
    if status != 200:
        return DecisionTrial(carrier, 0.0, None, 0, f"read: {status} {app!r}"[:300])
    site_id = app["sites"][0]["id"]
    decision = {
        "target_groups": {
            "addiction": {
                "admit": True,
                "reason": "Bedarf an externer Fachkompetenz für Abhängigkeitserkrankungen.",
            }
        },
        "overrides": [],
        "version": app["version"],
    }
    case = BenchCase(
        carrier=carrier,
        postal_code=place.postal_code,
        place=place.place,
        lat=place.lat,
        lon=place.lon,
        target_groups=("addiction",),
        q=marker,
    )
    path = search_path(case, page_size=100)
    started = time.perf_counter()
    status, decided = client.request(
        "POST", f"/api/v1/applications/{app_id}/decision", officer_token, decision
    )
    decision_seconds = time.perf_counter() - started
    if status != 200:
        return DecisionTrial(
            carrier, decision_seconds, None, 0, f"decision: {status} {decided!r}"[:300]
        )
    polls = 0
    while time.perf_counter() - started < timeout:
        polls += 1
        status, result = client.request("GET", path, cm_token)
        if status == 200 and any(r["site"]["id"] == site_id for r in result["results"]):
            return DecisionTrial(carrier, decision_seconds, time.perf_counter() - started, polls)
        time.sleep(0.005)
    return DecisionTrial(carrier, decision_seconds, None, polls, "not searchable in time")
