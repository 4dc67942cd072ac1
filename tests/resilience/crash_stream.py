"""Crash safety (issue 9, item 4): stream admission decisions and agreement changes over HTTP,
SIGKILL the server at random points, restart it and prove that

* every acknowledged (2xx) change is present afterwards (nothing acknowledged is lost),
* no change is half-applied (each unit of work is all or nothing: a decided application has
  every admission and follow-on task of its decision, a withdrawal closed its tasks, ...), and
* the search index agrees with the graph once the outbox is drained (the server drains it by
  itself after a restart; then ``registry check`` compares both, document by document).

How: each worker thread owns its objects (a provider with its applications, a partner with its
agreements) and keeps a model of their expected state, updated only from acknowledged
responses. A request cut off by the kill is *in doubt*: afterwards the object must be either in
its acknowledged state or in the state the request would have produced (then the model adopts
it); anything else is a lost or half-applied change. A create in doubt may leave at most one
unknown object, which must be complete.
"""

from __future__ import annotations

import random
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
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
    agreement_body,
    application_body,
    decision_body,
    load_reference,
    partner_body,
)
from tests.resilience.server import PASSWORD, ROOT, ServerProcess

Snapshot = dict[str, Any]  # {"version", "status", "sites": {site_id: {group: status}}}

OFFICER_OF = {"drv-nord": "officer.nord", "drv-hessen": "officer.hessen"}
PROVIDER_PASSWORD = PASSWORD  # TokenBook logs every user in with it
LIVE = ("pending", "awaiting_follow_on", "admitted", "suspended")


class InDoubt(Exception):
    """The server went away during a request: its outcome is unknown."""


# --------------------------------------------------------------------------- expected states


def after_decision(snap: Snapshot, admit: dict[str, bool], carrier_of: dict[str, str]) -> Snapshot:
    """Rules A5–A7: the lead's own sites are admitted at once, the others await follow-on."""
    sites = {
        sid: {
            g: (
                ("admitted" if carrier_of[sid] == "drv-nord" else "awaiting_follow_on")
                if admit[g]
                else "refused"
            )
            for g in groups
        }
        for sid, groups in snap["sites"].items()
    }
    status = "decided" if any(admit.values()) else "refused"
    return {"version": snap["version"] + 1, "status": status, "sites": sites}


def _map_site(snap: Snapshot, site_id: str, change: dict[str, str]) -> Snapshot:
    sites = {sid: dict(groups) for sid, groups in snap["sites"].items()}
    sites[site_id] = {g: change.get(s, s) for g, s in sites[site_id].items()}
    return {**snap, "sites": sites}


def after_site_action(snap: Snapshot, site_id: str, action: str) -> Snapshot:
    """Rules A7 (follow-on) and A9 (suspend, resume, revoke) on every group that allows it."""
    change = {
        "follow_on": {"awaiting_follow_on": "admitted"},
        "suspend": {"admitted": "suspended"},
        "resume": {"suspended": "admitted"},
        "revoke": {"admitted": "revoked", "suspended": "revoked"},
    }[action]
    return _map_site(snap, site_id, change)


def after_withdrawal(snap: Snapshot) -> Snapshot:
    """Rule A9: every open or granted admission of the application ends as withdrawn."""
    sites = {
        sid: {g: ("withdrawn" if s in LIVE else s) for g, s in groups.items()}
        for sid, groups in snap["sites"].items()
    }
    return {"version": snap["version"] + 1, "status": "withdrawn", "sites": sites}


def snapshot_of(app: dict[str, Any]) -> Snapshot:
    return {
        "version": app["version"],
        "status": app["status"],
        "sites": {s["id"]: dict(s["target_group_status"]) for s in app["sites"]},
    }


@dataclass
class AppModel:
    id: str
    snap: Snapshot
    carrier_of: dict[str, str]  # site id -> responsible carrier
    decided: bool = False

    def sites_with(self, status: str) -> list[str]:
        return [sid for sid, g in self.snap["sites"].items() if status in g.values()]


@dataclass
class AgreementModel:
    id: str
    title: str
    status: str


@dataclass
class Pending:
    """A request in doubt: its object and the state it would have produced."""

    kind: str  # "app", "create_app", "agreement", "create_agreement", "other"
    object_id: str = ""
    after: Any = None


@dataclass
class Findings:
    changes: int = 0  # acknowledged changes (2xx answers to writes)
    in_doubt: int = 0  # requests cut off by a kill
    in_doubt_applied: int = 0  # ... of which the change turned out committed
    lost: list[str] = field(default_factory=list)  # acknowledged but missing afterwards
    half_applied: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)  # answers a valid request must not get
    actions: Counter[str] = field(default_factory=Counter)


# --------------------------------------------------------------------------- one worker


class Worker:
    """Streams changes on its own objects; stops at the first request the kill cuts off."""

    def __init__(
        self,
        index: int,
        base_url: str,
        tokens: TokenBook,
        ref: Reference,
        rng: random.Random,
        findings: Findings,
        lock: threading.Lock,
    ) -> None:
        self.index = index
        self.tokens = tokens
        self.ref = ref
        self.rng = rng
        self.findings = findings
        self.lock = lock
        self.base_url = base_url
        self.api: Api | None = None
        self.provider_user = ""
        self.provider_id = ""
        self.partner_id = ""
        self.apps: dict[str, AppModel] = {}
        self.agreements: dict[str, AgreementModel] = {}
        self.pending: Pending | None = None
        self.serial = 0

    # ------------------------------------------------------------------ plumbing

    def _name(self, what: str) -> str:
        self.serial += 1
        return f"Resilienz W{self.index} {what} {self.serial}"

    def _call(
        self,
        label: str,
        method: str,
        path: str,
        as_: str | None,
        body: Any = None,
        pending: Pending | None = None,
    ) -> Any:
        """A write: returns the JSON of a 2xx answer, None for any other answer (recorded)."""
        assert self.api is not None
        try:
            r = self.api.call(method, path, as_, body)
        except TRANSPORT_ERRORS as exc:
            self.pending = pending or Pending("other")
            raise InDoubt(path) from exc
        if not 200 <= r.status_code < 300:
            self.findings.unexpected.append(f"{method} {path}: {r.status_code} {r.text[:300]}")
            return None
        with self.lock:
            self.findings.changes += 1
            self.findings.actions[label] += 1
        return r.json() if r.content else {}

    def _read(self, path: str, as_: str, **params: Any) -> Any:
        assert self.api is not None
        try:
            r = self.api.get(path, as_, **params)
        except TRANSPORT_ERRORS as exc:
            raise InDoubt(path) from exc
        r.raise_for_status()
        return r.json()

    # ------------------------------------------------------------------ actions

    def _choices(self) -> list[tuple[float, Callable[[], None]]]:
        if not self.provider_id:
            return [(1, self.register)]
        apps = list(self.apps.values())
        submitted = [a for a in apps if a.snap["status"] == "submitted"]
        choices: list[tuple[float, Callable[[], None]]] = []
        if len(submitted) < 2:
            choices.append((2, self.submit))
        for a in submitted:
            choices.append((3 / len(submitted), partial(self.decide, a)))
        site_actions = [
            (3.0, "follow_on", "awaiting_follow_on"),
            (2.0, "suspend", "admitted"),
            (2.0, "resume", "suspended"),
            (0.3, "revoke", "admitted"),
        ]
        for weight, action, status in site_actions:
            targets = [(a, sid) for a in apps for sid in a.sites_with(status)]
            for a, sid in targets:
                choices.append((weight / len(targets), partial(self.site, a, sid, action)))
        open_apps = [a for a in apps if a.snap["status"] in ("submitted", "decided")]
        for a in open_apps:
            choices.append((0.3 / len(open_apps), partial(self.withdraw, a)))
        if not self.partner_id:
            choices.append((1, self.partner))
        else:
            live = [g for g in self.agreements.values() if g.status != "terminated"]
            if len(live) < 2:
                choices.append((1, self.create_agreement))
            transitions = {
                "draft": [(1.0, "activate")],
                "active": [(1.0, "suspend"), (0.2, "terminate")],
                "suspended": [(1.0, "resume"), (0.2, "terminate")],
            }
            for g in live:
                for weight, action in transitions.get(g.status, []):
                    choices.append((weight, partial(self.agreement, g, action)))
        return choices

    def step(self) -> None:
        choices = self._choices()
        total = sum(w for w, _ in choices)
        pick = self.rng.uniform(0, total)
        for weight, action in choices:
            pick -= weight
            if pick <= 0:
                action()
                return
        choices[-1][1]()

    def register(self) -> None:
        username = f"anbieter.w{self.index}.{self.serial}.{self.rng.randrange(10**6)}"
        body = {
            "name": self._name("Anbieter"),
            "legal_form": "gGmbH",
            "email": "kontakt@resilienz.example",
            "user": {"username": username, "password": PROVIDER_PASSWORD},
        }
        out = self._call("register provider", "POST", "/providers", None, body)
        if out is not None:
            self.provider_id = out["id"]
            self.provider_user = username

    def submit(self) -> None:
        groups = ("addiction",) if self.rng.random() < 0.5 else GROUPS
        body = application_body(
            self.ref,
            self._name("Antrag"),
            with_hessen_site=self.rng.random() < 0.6,
            groups=groups,
            provider_id=self.provider_id,
        )
        out = self._call(
            "submit", "POST", "/applications", self.provider_user, body, Pending("create_app")
        )
        if out is not None:
            self._adopt_new_app(out)

    def _adopt_new_app(self, app: dict[str, Any]) -> AppModel:
        app_id = app["id"]
        model = AppModel(
            app_id,
            snapshot_of(app),
            {s["id"]: s["responsible_carrier"] for s in app["sites"]},
        )
        self.apps[app_id] = model
        return model

    def decide(self, a: AppModel) -> None:
        groups = list(next(iter(a.snap["sites"].values())))
        roll = self.rng.random()
        admit = {
            g: (roll > 0.15) and (i == 0 or self.rng.random() < 0.5) for i, g in enumerate(groups)
        }
        after = after_decision(a.snap, admit, a.carrier_of)
        body = decision_body(admit, a.snap["version"])
        out = self._call(
            "decide",
            "POST",
            f"/applications/{a.id}/decision",
            "officer.nord",
            body,
            Pending("app", a.id, after),
        )
        if out is not None:
            self._confirm(a, after, snapshot_of(out), "decision")
            a.decided = True

    def site(self, a: AppModel, site_id: str, action: str) -> None:
        after = after_site_action(a.snap, site_id, action)
        officer = OFFICER_OF[a.carrier_of[site_id]]
        if action == "follow_on":
            tasks = self._read("/follow-on-admissions", "officer.hessen", status="open")
            mine = [t for t in tasks if t["application_id"] == a.id and t["site_id"] == site_id]
            if len(mine) != 1:
                self.findings.half_applied.append(
                    f"{a.id}/{site_id}: awaits follow-on, open tasks {len(mine)} (A7)"
                )
                a.snap = after  # keep going; reported
                return
            path, body = f"/follow-on-admissions/{mine[0]['id']}/admit", None
        else:
            path, body = f"/admissions/{site_id}/{action}", {"reason": f"Resilienztest {action}"}
        out = self._call(action, "POST", path, officer, body, Pending("app", a.id, after))
        if out is None:
            return
        if action != "follow_on":
            got = dict(out["target_group_status"])
            if got != after["sites"][site_id]:
                self.findings.unexpected.append(
                    f"{path}: answered {got}, expected {after['sites'][site_id]}"
                )
        a.snap = after

    def withdraw(self, a: AppModel) -> None:
        after = after_withdrawal(a.snap)
        out = self._call(
            "withdraw",
            "POST",
            f"/applications/{a.id}/withdraw",
            self.provider_user,
            {"reason": "Resilienztest: Antrag zurückgezogen"},
            Pending("app", a.id, after),
        )
        if out is not None:
            self._confirm(a, after, snapshot_of(out), "withdrawal")

    def _confirm(self, a: AppModel, expected: Snapshot, got: Snapshot, what: str) -> None:
        if got != expected:
            self.findings.unexpected.append(f"{a.id} {what}: answered {got}, expected {expected}")
        a.snap = got

    def partner(self) -> None:
        body = partner_body(self._name("Partner"))
        out = self._call("create partner", "POST", "/partners", "strategist.nord", body)
        if out is not None:
            self.partner_id = out["id"]

    def create_agreement(self) -> None:
        title = self._name("Vereinbarung")
        valid_from = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
        out = self._call(
            "create agreement",
            "POST",
            "/agreements",
            "strategist.nord",
            agreement_body(self.partner_id, title, valid_from),
            Pending("create_agreement", after=title),
        )
        if out is not None:
            self.agreements[out["id"]] = AgreementModel(out["id"], title, out["status"])

    def agreement(self, g: AgreementModel, action: str) -> None:
        after = {
            "activate": "active",
            "suspend": "suspended",
            "resume": "active",
            "terminate": "terminated",
        }[action]
        body = None if action == "activate" else {"reason": f"Resilienztest {action}"}
        out = self._call(
            f"agreement {action}",
            "POST",
            f"/agreements/{g.id}/{action}",
            "strategist.nord",
            body,
            Pending("agreement", g.id, after),
        )
        if out is not None:
            if out["status"] != after:
                self.findings.unexpected.append(f"{g.id} {action}: answered {out['status']}")
            g.status = out["status"]

    # ------------------------------------------------------------------ run, reconcile, verify

    def run(self, stop: threading.Event) -> None:
        self.api = Api(self.base_url, self.tokens)
        try:
            while not stop.is_set():
                self.step()
        except InDoubt:
            with self.lock:
                self.findings.in_doubt += 1
        except Exception as exc:  # noqa: BLE001 - reported, the run goes on
            self.findings.unexpected.append(f"W{self.index}: {exc!r}")
        finally:
            self.api.close()
            self.api = None

    def reconcile(self, api: Api) -> None:
        """After a restart: settle the request in doubt (adopt its effect if it committed)."""
        self.api = api
        pending, self.pending = self.pending, None
        try:
            if pending is None:
                return
            if pending.kind == "app":
                a = self.apps[pending.object_id]
                got = snapshot_of(self._read(f"/applications/{a.id}", "officer.nord"))
                if got == pending.after:
                    a.snap = got
                    if got["status"] in ("decided", "refused"):
                        a.decided = True
                    self._applied()
                elif got != a.snap:
                    self.findings.half_applied.append(
                        f"{a.id}: neither acknowledged {a.snap} nor in-doubt {pending.after}: {got}"
                    )
                    a.snap = got
            elif pending.kind == "create_app":
                listed = self._read("/applications", self.provider_user)
                unknown = [x["id"] for x in listed if x["id"] not in self.apps]
                if len(unknown) > 1:
                    self.findings.half_applied.append(f"W{self.index}: {len(unknown)} unknown apps")
                for app_id in unknown:
                    model = self._adopt_new_app(
                        self._read(f"/applications/{app_id}", "officer.nord")
                    )
                    pending_only = all(
                        s == "pending" for g in model.snap["sites"].values() for s in g.values()
                    )
                    if (
                        model.snap["status"] != "submitted"
                        or model.snap["version"] != 1
                        or not (pending_only and model.snap["sites"])
                    ):
                        self.findings.half_applied.append(f"{app_id}: incomplete {model.snap}")
                    self._applied()
            elif pending.kind == "agreement":
                g = self.agreements[pending.object_id]
                got = self._read(f"/agreements/{g.id}", "strategist.nord")["status"]
                if got == pending.after and got != g.status:
                    g.status = got
                    self._applied()
                elif got != g.status:
                    self.findings.half_applied.append(f"{g.id}: {got}, expected {g.status}")
            elif pending.kind == "create_agreement":
                listed = self._read("/agreements", "strategist.nord")
                found = [x for x in listed if x["title"] == pending.after]
                if len(found) > 1:
                    self.findings.half_applied.append(f"{pending.after}: {len(found)} agreements")
                for x in found:
                    self.agreements[x["id"]] = AgreementModel(x["id"], x["title"], x["status"])
                    self._applied()
            # "other": provider registrations and partners in doubt are left as they are: an
            # orphan is complete or absent (each is one unit of work) and `registry check`
            # covers it; the worker registers a new one.
        finally:
            self.api = None

    def _applied(self) -> None:
        with self.lock:
            self.findings.in_doubt_applied += 1

    def verify(self, api: Api, *, relogin: bool = False) -> None:
        """Every acknowledged change present, none half-applied (through the API)."""
        self.api = api
        try:
            if self.provider_user:
                if relogin:  # the account and its password survived (a login costs ~0.3 s)
                    self.tokens.forget(self.provider_user)
                    self.tokens.token(self.provider_user, PROVIDER_PASSWORD)
                # the token names the user: answered only if the account exists
                self._read(f"/providers/{self.provider_id}", self.provider_user)
            for a in self.apps.values():
                r = api.get(f"/applications/{a.id}", "officer.nord")
                if r.status_code == 404:
                    self.findings.lost.append(f"{a.id}: acknowledged application missing")
                    continue
                r.raise_for_status()
                app = r.json()
                got = snapshot_of(app)
                if got != a.snap:
                    self.findings.lost.append(f"{a.id}: expected {a.snap}, found {got}")
                decisions = ("application.decided", "application.refused")
                decided = [e for e in app["history"] if e["action"] in decisions]
                if len(decided) != (1 if a.decided else 0):
                    self.findings.half_applied.append(
                        f"{a.id}: {len(decided)} decision events, decided={a.decided}"
                    )
            if self.partner_id:
                self._read(f"/partners/{self.partner_id}", "strategist.nord")
            for g in self.agreements.values():
                r = api.get(f"/agreements/{g.id}", "strategist.nord")
                if r.status_code == 404 or r.json()["status"] != g.status:
                    self.findings.lost.append(f"{g.id}: expected {g.status}, found {r.text[:200]}")
        finally:
            self.api = None


# --------------------------------------------------------------------------- the whole run


@dataclass
class CrashReport:
    trials: int = 0
    changes: int = 0
    in_doubt: int = 0
    in_doubt_applied: int = 0
    outbox_left_by_kill: list[int] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    half_applied: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    index_mismatch: list[str] = field(default_factory=list)
    check_failures: list[str] = field(default_factory=list)
    actions: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (
            self.lost
            or self.half_applied
            or self.unexpected
            or self.index_mismatch
            or self.check_failures
        )

    def summary(self) -> str:
        return (
            f"kill trials {self.trials}, acknowledged changes {self.changes}, "
            f"requests in doubt {self.in_doubt} (committed {self.in_doubt_applied}), "
            f"outbox rows left by the kills {self.outbox_left_by_kill}, "
            f"lost {len(self.lost)}, half-applied {len(self.half_applied)}, "
            f"unexpected answers {len(self.unexpected)}, index mismatches "
            f"{len(self.index_mismatch)}, registry check failures {len(self.check_failures)} "
            f"({self.seconds:.1f} s); actions {dict(sorted(self.actions.items()))}"
        )


def verify_follow_ons(workers: list[Worker], api: Api, findings: Findings) -> None:
    """Rule A7: a site awaits its follow-on admission exactly when it has one open task (a
    decision creates them, a follow-on admission or a withdrawal closes them, atomically)."""
    r = api.get("/follow-on-admissions", "officer.hessen")
    r.raise_for_status()
    open_tasks = Counter(
        (t["application_id"], t["site_id"]) for t in r.json() if t["status"] == "open"
    )
    for w in workers:
        for a in w.apps.values():
            for sid in a.snap["sites"]:
                awaits = sid in a.sites_with("awaiting_follow_on")
                if open_tasks[(a.id, sid)] != (1 if awaits else 0):
                    findings.half_applied.append(
                        f"{a.id}/{sid}: {open_tasks[(a.id, sid)]} open follow-on tasks, "
                        f"site {a.snap['sites'][sid]}"
                    )


def pending_outbox_offline(server: ServerProcess) -> int:
    """Outbox rows in the graph while no server runs (what the kill left undrained)."""
    code = (
        "from registry.settings import Settings\n"
        "from registry.graph import open_graph\n"
        "g = open_graph(Settings())\n"
        "print(g.read('outbox.count')[0]['n'])\n"
        "g.close()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=server.env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return int(done.stdout.strip())


def expected_search_totals(workers: list[Worker]) -> dict[tuple[str, str], int]:
    """Rule E1/E5: the sites a directory search at Kiel / Kassel must find, per target group."""
    totals: Counter[tuple[str, str]] = Counter()
    for w in workers:
        for a in w.apps.values():
            for sid, groups in a.snap["sites"].items():
                place = NORD_PLACE[0] if a.carrier_of[sid] == "drv-nord" else HESSEN_PLACE[0]
                for g, status in groups.items():
                    if status == "admitted":
                        totals[(place, g)] += 1
    return {(p, g): totals[(p, g)] for p in (NORD_PLACE[0], HESSEN_PLACE[0]) for g in GROUPS}


def search_totals(api: Api) -> dict[tuple[str, str], int]:
    out = {}
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
            r.raise_for_status()
            out[(place, g)] = int(r.json()["total"])
    return out


def run_crash_trials(
    data_dir: Path,
    *,
    trials: int = 3,
    min_changes: int = 200,
    workers: int = 4,
    seed: int = 1,
    count_outbox: bool = True,
    log: Callable[[str], None] = lambda _: None,
) -> CrashReport:
    """Start the server, stream, kill ``trials`` times at random points, verify after each
    restart; at least ``min_changes`` acknowledged changes in all."""
    started = time.monotonic()
    rng = random.Random(seed)
    report = CrashReport()
    findings = Findings()
    lock = threading.Lock()
    server = ServerProcess(data_dir)
    server.init()
    server.start()
    try:
        server.add_users()
        tokens = TokenBook(server.base_url)
        setup = Api(server.base_url, tokens)
        ref = load_reference(setup, "officer.nord")
        setup.close()
        crew = [
            Worker(i, server.base_url, tokens, ref, random.Random(rng.random()), findings, lock)
            for i in range(workers)
        ]
        per_trial = -(-min_changes // trials)
        for trial in range(trials):
            stop = threading.Event()
            threads = [threading.Thread(target=w.run, args=(stop,)) for w in crew]
            # kill somewhere in the second half of this trial's share of changes, a few
            # milliseconds after a change was acknowledged: requests are in flight then
            target = findings.changes + int(per_trial * rng.uniform(0.6, 1.0))
            if trial == trials - 1:
                target = max(target, min_changes)
            for t in threads:
                t.start()
            while findings.changes < target and any(t.is_alive() for t in threads):
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.03))
            server.kill()
            stop.set()
            for t in threads:
                t.join()
            report.trials += 1
            if count_outbox:  # evidence for the startup drain (~1 s: opens the database)
                report.outbox_left_by_kill.append(pending_outbox_offline(server))
            server.start()
            api = Api(server.base_url, tokens)
            try:
                for w in crew:
                    w.reconcile(api)
                # the server drains the outbox by itself after a restart (no `check` yet)
                if not server.wait_outbox_empty():
                    report.index_mismatch.append(f"trial {trial}: outbox not drained")
                expected = expected_search_totals(crew)
                got = search_totals(api)
                if got != expected:
                    report.index_mismatch.append(f"trial {trial}: search {got} != {expected}")
                for w in crew:
                    w.verify(api, relogin=trial == trials - 1)
                verify_follow_ons(crew, api, findings)
            finally:
                api.close()
            done = server.check()
            if done.returncode != 0:
                report.check_failures.append(f"trial {trial}: {done.stdout}{done.stderr}")
            log(
                f"trial {trial + 1}/{trials}: {findings.changes} changes, "
                f"{findings.in_doubt} in doubt, outbox left {report.outbox_left_by_kill[-1:]}, "
                f"check: {(done.stdout or done.stderr).strip()[:160]}"
            )
    finally:
        server.stop()
    report.changes = findings.changes
    report.in_doubt = findings.in_doubt
    report.in_doubt_applied = findings.in_doubt_applied
    report.lost = findings.lost
    report.half_applied = findings.half_applied
    report.unexpected = findings.unexpected
    report.actions = dict(findings.actions)
    report.seconds = time.monotonic() - started
    return report
