"""Concurrency (issue 9, item 5): 16 clients submit, decide, change admissions and search at
once against the real server; afterwards nothing is lost and every invariant holds.

The clients (one thread and one connection pool each):

* submitters (officer.nord) enter applications (paper applications: each names a new
  provider), half of them with a Kassel site (rule A7: a follow-on task for DRV Hessen);
* deciders (officer.nord) decide: every application is offered to three deciders at once, all
  sending the version they were given (1): rule A11 says exactly one wins (200), the others get
  409 and nothing is overwritten;
* admission changers (officer.nord) race in pairs on one admitted site: suspend + suspend or
  suspend + revoke (rule A9; revoked is final);
* follow-on admitters (officer.hessen, two of them) race on the open tasks: each task is
  admitted once;
* searchers (cm.nord) search the directory and read applications.

Every client also reads applications now and then and records the versions it sees: for one
client they never go down (versions are monotonic).

Checked afterwards: no 5xx; exactly one 200 per application decision, the others 409; the
stored decision is the winner's; per site race the outcome is one some serial order of the
acknowledged changes gives (a stale write that overwrote a committed one is a lost update);
each follow-on task admitted once; `registry check` passes (graph invariants and search index
document by document) and the directory search totals equal the admitted sites.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.resilience.client import (
    GROUPS,
    HESSEN_PLACE,
    NORD_PLACE,
    TRANSPORT_ERRORS,
    Api,
    Reference,
    TokenBook,
    application_body,
    decision_body,
    load_reference,
)
from tests.resilience.server import ServerProcess

DECIDERS_PER_APPLICATION = 3
RACE_WAIT_SECONDS = 2.0  # how long a racer waits for its partners before going alone


@dataclass
class Stats:
    requests: int = 0
    by_status: Counter[int] = field(default_factory=Counter)
    by_action: Counter[str] = field(default_factory=Counter)
    transport_errors: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)  # 4xx other than the expected 409
    server_errors: list[str] = field(default_factory=list)
    version_regressions: list[str] = field(default_factory=list)
    lost_updates: list[str] = field(default_factory=list)
    other_failures: list[str] = field(default_factory=list)
    check_output: str = ""
    search_expected: dict[tuple[str, str], int] = field(default_factory=dict)
    search_found: dict[tuple[str, str], int] = field(default_factory=dict)
    applications: int = 0
    decision_races: int = 0
    site_races: int = 0
    follow_ons_admitted: int = 0
    seconds: float = 0.0

    @property
    def count_5xx(self) -> int:
        return sum(n for status, n in self.by_status.items() if status >= 500)

    @property
    def count_409(self) -> int:
        return self.by_status[409]

    @property
    def ok(self) -> bool:
        return not (
            self.count_5xx
            or self.transport_errors
            or self.unexpected
            or self.server_errors
            or self.version_regressions
            or self.lost_updates
            or self.other_failures
        )

    def summary(self) -> str:
        return (
            f"{self.requests} requests in {self.seconds:.1f} s, 5xx {self.count_5xx}, "
            f"409 {self.count_409}, lost updates {len(self.lost_updates)}, version regressions "
            f"{len(self.version_regressions)}, unexpected answers {len(self.unexpected)}, "
            f"transport errors {len(self.transport_errors)}, other failures "
            f"{len(self.other_failures)}; applications {self.applications}, decision races "
            f"{self.decision_races}, site races {self.site_races}, follow-ons admitted "
            f"{self.follow_ons_admitted}; statuses {dict(sorted(self.by_status.items()))}; "
            f"actions {dict(sorted(self.by_action.items()))}"
        )


class Race:
    """One object offered to several clients at once; each waits until all have taken it."""

    def __init__(self, key: str, size: int, payload: Any) -> None:
        self.key = key
        self.payload = payload
        self.size = size
        self.taken = 0
        self.full = threading.Event()
        self.results: list[tuple[str, int, str]] = []  # (client, status, what)


class Board:
    """Races waiting for their clients, first come first served."""

    def __init__(self) -> None:
        self._open: list[Race] = []
        self._lock = threading.Lock()
        self.all: list[Race] = []

    def post(self, race: Race) -> None:
        with self._lock:
            self._open.append(race)
            self.all.append(race)

    def take(self) -> Race | None:
        with self._lock:
            if not self._open:
                return None
            race = self._open[0]
            race.taken += 1
            if race.taken >= race.size:
                self._open.pop(0)
                race.full.set()
            return race

    def pending(self) -> int:
        with self._lock:
            return len(self._open)


class Load:
    def __init__(self, base_url: str, tokens: TokenBook, ref: Reference, seed: int) -> None:
        self.base_url = base_url
        self.tokens = tokens
        self.ref = ref
        self.seed = seed
        self.stats = Stats()
        self.lock = threading.Lock()
        self.decisions = Board()
        self.site_races = Board()
        self.follow_on_results: dict[str, list[int]] = defaultdict(list)
        self.apps: list[str] = []  # every acknowledged application
        self.stop = threading.Event()
        self.serial = 0

    # ------------------------------------------------------------------ plumbing

    def call(
        self,
        api: Api,
        client: str,
        action: str,
        method: str,
        path: str,
        as_: str,
        body: Any = None,
        params: dict[str, Any] | None = None,
        expect: tuple[int, ...] = (200, 201),
    ) -> Any:
        try:
            r = api.call(method, path, as_, body, params)
        except TRANSPORT_ERRORS as exc:
            with self.lock:
                self.stats.transport_errors.append(f"{client} {method} {path}: {exc!r}")
            return None
        with self.lock:
            self.stats.requests += 1
            self.stats.by_status[r.status_code] += 1
            self.stats.by_action[f"{action} {r.status_code}"] += 1
            if r.status_code >= 500:
                self.stats.server_errors.append(f"{method} {path}: {r.status_code} {r.text[:200]}")
            elif r.status_code not in expect:
                self.stats.unexpected.append(
                    f"{client} {method} {path}: {r.status_code} {r.text[:200]}"
                )
        return r

    def _next_name(self) -> str:
        with self.lock:
            self.serial += 1
            return f"Parallel Anbieter {self.serial}"

    def read_app(self, api: Api, client: str, seen: dict[str, int], app_id: str) -> Any:
        r = self.call(api, client, "read", "GET", f"/applications/{app_id}", "officer.nord")
        if r is None or r.status_code != 200:
            return None
        app = r.json()
        version = int(app["version"])
        if version < seen.get(app_id, 0):
            with self.lock:
                self.stats.version_regressions.append(
                    f"{client}: {app_id} version {version} after {seen[app_id]}"
                )
        seen[app_id] = max(version, seen.get(app_id, 0))
        return app

    # ------------------------------------------------------------------ clients

    def submitter(self, client: str, api: Api, rng: random.Random, seen: dict[str, int]) -> None:
        if self.decisions.pending() > 6:  # let the deciders catch up
            time.sleep(0.02)
            return
        groups = ("addiction",) if rng.random() < 0.5 else GROUPS
        body = application_body(
            self.ref, self._next_name(), with_hessen_site=rng.random() < 0.5, groups=groups
        )
        r = self.call(api, client, "submit", "POST", "/applications", "officer.nord", body)
        if r is not None and r.status_code == 201:
            app = r.json()
            with self.lock:
                self.apps.append(app["id"])
            seen[app["id"]] = app["version"]
            self.decisions.post(Race(app["id"], DECIDERS_PER_APPLICATION, app))

    def decider(self, client: str, api: Api, rng: random.Random, seen: dict[str, int]) -> None:
        race = self.decisions.take()
        if race is None:
            self._idle_read(client, api, rng, seen)
            return
        race.full.wait(RACE_WAIT_SECONDS)
        app = race.payload
        groups = list(app["target_groups"])
        admit = {
            g: (i == 0 and rng.random() < 0.9) or rng.random() < 0.5 for i, g in enumerate(groups)
        }
        body = decision_body(admit, app["version"], note=f"[{client}]")
        r = self.call(
            api,
            client,
            "decide",
            "POST",
            f"/applications/{app['id']}/decision",
            "officer.nord",
            body,
            expect=(200, 409),
        )
        if r is None:
            return
        with self.lock:
            race.results.append((client, r.status_code, body["target_groups"][groups[0]]["reason"]))
        if r.status_code == 200:
            decided = r.json()
            seen[app["id"]] = max(seen.get(app["id"], 0), decided["version"])
            for s in decided["sites"]:
                if (
                    s["responsible_carrier"] == "drv-nord"
                    and "admitted" in s["target_group_status"].values()
                ):
                    pair = ["suspend", "suspend" if rng.random() < 0.5 else "revoke"]
                    self.site_races.post(Race(s["id"], 2, pair))

    def changer(self, client: str, api: Api, rng: random.Random, seen: dict[str, int]) -> None:
        race = self.site_races.take()
        if race is None:
            self._idle_read(client, api, rng, seen)
            return
        race.full.wait(RACE_WAIT_SECONDS)
        with self.lock:
            action = race.payload.pop()
        r = self.call(
            api,
            client,
            action,
            "POST",
            f"/admissions/{race.key}/{action}",
            "officer.nord",
            {"reason": f"Paralleltest {action} [{client}]"},
            expect=(200, 409),
        )
        if r is not None:
            with self.lock:
                race.results.append((client, r.status_code, action))

    def follow_on(self, client: str, api: Api, rng: random.Random, seen: dict[str, int]) -> None:
        r = self.call(
            api,
            client,
            "follow-on list",
            "GET",
            "/follow-on-admissions",
            "officer.hessen",
            params={"status": "open"},
        )
        if r is None or r.status_code != 200 or not r.json():
            time.sleep(0.05)
            return
        tasks = r.json()
        task = tasks[0] if rng.random() < 0.7 else rng.choice(tasks)  # mostly the same one
        r = self.call(
            api,
            client,
            "follow-on admit",
            "POST",
            f"/follow-on-admissions/{task['id']}/admit",
            "officer.hessen",
            expect=(200, 409),
        )
        if r is not None:
            with self.lock:
                self.follow_on_results[task["id"]].append(r.status_code)

    def searcher(self, client: str, api: Api, rng: random.Random, seen: dict[str, int]) -> None:
        place = rng.choice([NORD_PLACE[0], HESSEN_PLACE[0]])
        self.call(
            api,
            client,
            "search",
            "GET",
            "/directory/search",
            "cm.nord",
            params={
                "carrier": "drv-nord",
                "postal_code": place,
                "target_group": rng.choice(GROUPS),
            },
        )
        self._idle_read(client, api, rng, seen)

    def _idle_read(self, client: str, api: Api, rng: random.Random, seen: dict[str, int]) -> None:
        with self.lock:
            known = list(self.apps)
        if known:
            self.read_app(api, client, seen, rng.choice(known))
        else:
            time.sleep(0.02)

    # ------------------------------------------------------------------ run

    def client(self, index: int, role: str, ready: threading.Barrier) -> None:
        name = f"{role}-{index}"
        api = Api(self.base_url, self.tokens)
        rng = random.Random(self.seed * 1000 + index)
        seen: dict[str, int] = {}
        step = getattr(self, role)
        try:
            ready.wait()
            while not self.stop.is_set():
                step(name, api, rng, seen)
                if rng.random() < 0.2:
                    self._idle_read(name, api, rng, seen)
        except Exception as exc:  # noqa: BLE001 - reported
            with self.lock:
                self.stats.other_failures.append(f"{name}: {exc!r}")
        finally:
            api.close()


ROLES = ["submitter"] * 3 + ["decider"] * 6 + ["changer"] * 2 + ["follow_on"] * 2 + ["searcher"] * 3


def run(load: Load, seconds: float, roles: list[str]) -> None:
    ready = threading.Barrier(len(roles))
    threads = [
        threading.Thread(target=load.client, args=(i, role, ready)) for i, role in enumerate(roles)
    ]
    for t in threads:
        t.start()
    time.sleep(seconds)
    load.stop.set()
    for t in threads:
        t.join()


# --------------------------------------------------------------------------- verification


def verify(load: Load, api: Api) -> None:
    stats = load.stats
    finals: dict[str, Any] = {}
    for app_id in load.apps:
        r = api.get(f"/applications/{app_id}", "officer.nord")
        if r.status_code != 200:
            stats.lost_updates.append(f"{app_id}: acknowledged application answers {r.status_code}")
            continue
        finals[app_id] = r.json()
    stats.applications = len(finals)

    # rule A11: one decision wins, the others get 409, nothing is overwritten
    for race in load.decisions.all:
        app = finals.get(race.key)
        if app is None:
            continue
        if len(race.results) > 1:
            stats.decision_races += 1
        wins = [res for res in race.results if res[1] == 200]
        if len(wins) > 1:
            stats.lost_updates.append(f"{race.key}: {len(wins)} decisions acknowledged")
        decisions = [
            e
            for e in app["history"]
            if e["action"] in ("application.decided", "application.refused")
        ]
        if len(decisions) != len(wins):
            stats.lost_updates.append(
                f"{race.key}: {len(decisions)} decision events, {len(wins)} acknowledged"
            )
        if wins:
            first_group = app["target_groups"][0]
            stored = app["decision"]["target_groups"][first_group]["reason"]
            if stored != wins[0][2]:
                stats.lost_updates.append(f"{race.key}: stored {stored!r}, winner {wins[0][2]!r}")
            if app["version"] != 2:
                stats.lost_updates.append(
                    f"{race.key}: version {app['version']} after one decision"
                )
        elif app["version"] != 1 and race.results:
            stats.lost_updates.append(f"{race.key}: version {app['version']} without a decision")

    # rule A9: each site race ends as some serial order of its acknowledged changes
    site_status: dict[str, dict[str, str]] = {}
    for app in finals.values():
        for s in app["sites"]:
            site_status[s["id"]] = s["target_group_status"]
    for race in load.site_races.all:
        if not race.results:
            continue
        stats.site_races += 1
        ok_actions = sorted(a for _, status, a in race.results if status == 200)
        final = {st for st in site_status.get(race.key, {}).values() if st != "refused"}
        allowed = {
            (): {"admitted"},
            ("suspend",): {"suspended"},
            ("revoke",): {"revoked"},
            ("revoke", "suspend"): {"revoked"},  # only as suspend, then revoke
        }.get(tuple(ok_actions))
        if allowed is None:
            stats.lost_updates.append(
                f"site {race.key}: acknowledged {ok_actions} cannot both apply (stale write)"
            )
        elif final != allowed:
            stats.lost_updates.append(
                f"site {race.key}: acknowledged {ok_actions}, but the site is {sorted(final)}"
            )

    # rule A7: every follow-on task admitted once
    for task_id, statuses in load.follow_on_results.items():
        admitted = statuses.count(200)
        stats.follow_ons_admitted += admitted
        if admitted > 1:
            stats.lost_updates.append(f"follow-on {task_id}: admitted {admitted} times")

    # rules E1/E5: the directory finds exactly the admitted sites
    expected: Counter[tuple[str, str]] = Counter()
    for app in finals.values():
        for s in app["sites"]:
            place = NORD_PLACE[0] if s["responsible_carrier"] == "drv-nord" else HESSEN_PLACE[0]
            for g, st in s["target_group_status"].items():
                if st == "admitted":
                    expected[(place, g)] += 1
    for place in (NORD_PLACE[0], HESSEN_PLACE[0]):
        for g in GROUPS:
            r = api.get(
                "/directory/search",
                "cm.nord",
                carrier="drv-nord",
                postal_code=place,
                target_group=g,
                page_size=1,
            )
            stats.search_expected[(place, g)] = expected[(place, g)]
            stats.search_found[(place, g)] = int(r.json()["total"])
    if stats.search_expected != stats.search_found:
        stats.other_failures.append(
            f"search totals {stats.search_found} != admitted sites {stats.search_expected}"
        )


def run_concurrency(
    data_dir: Path,
    *,
    seconds: float = 10.0,
    clients: int = 16,
    seed: int = 1,
) -> Stats:
    """Start the server, run ``clients`` concurrent clients for ``seconds``, verify."""
    roles = (ROLES * (clients // len(ROLES) + 1))[:clients]
    server = ServerProcess(data_dir)
    server.init()
    server.start()
    try:
        server.add_users()
        tokens = TokenBook(server.base_url)
        setup = Api(server.base_url, tokens)
        ref = load_reference(setup, "officer.nord")
        for user in ("officer.nord", "officer.hessen", "cm.nord"):
            tokens.token(user)
        load = Load(server.base_url, tokens, ref, seed)
        started = time.monotonic()
        run(load, seconds, roles)
        load.stats.seconds = time.monotonic() - started
        if not server.wait_outbox_empty():
            load.stats.other_failures.append("outbox not drained after the run")
        verify(load, setup)
        done = server.check()
        load.stats.check_output = (done.stdout + done.stderr).strip()
        if done.returncode != 0:
            load.stats.other_failures.append(f"registry check: {load.stats.check_output}")
        setup.close()
    finally:
        server.stop()
    return load.stats
