"""The application's own queries on every graph backend (issue 12: the contract suites cover the
repositories' queries, so the day a Neo4j URL is set they test the whole application's queries).

Each backend gets the demo data (``registry seed demo``, through the use cases), then a tour of
the API as every role, the reindex, ``registry check`` and a backup round trip. A recording
wrapper around the graph port notes every named query that ran; the last test asserts that every
query of the application's query files ran on that backend.

The embedded leg always runs; the Neo4j leg runs when REGISTRY_TEST_NEO4J_URL is set (with
REGISTRY_TEST_NEO4J_USER / _PASSWORD / _DATABASE; the database is emptied first) and is skipped
with the reason otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from registry.context import Registry
from registry.graph.ports import GraphStore, Row
from registry.graph.queries import all_queries
from tests.api.helpers import application, case_manager
from tests.api.helpers import site as api_site

NEO4J_URL = os.environ.get("REGISTRY_TEST_NEO4J_URL", "")
PASSWORD = "demo-passwort-2026"
#: query files that are not the application's: generated backup queries, the benchmark's bulk
#: load and the data steps of migrations (covered by tests/contract/test_upgrade.py)
NOT_APPLICATION = ("backup", "bench", "migration")


class RecordingGraph:
    """The graph port, noting the name of every query that runs through it."""

    def __init__(self, graph: GraphStore) -> None:
        self.graph = graph
        self.engine = graph.engine
        self.ran: set[str] = set()

    def read(self, query_name: str, **params: Any) -> list[Row]:
        self.ran.add(query_name)
        return self.graph.read(query_name, **params)

    def write(self, work: Callable[[Any], Any]) -> Any:
        ran = self.ran

        class _Tx:
            def __init__(self, tx: Any) -> None:
                self._tx = tx

            def run(self, query_name: str, **params: Any) -> list[Row]:
                ran.add(query_name)
                return self._tx.run(query_name, **params)

        return self.graph.write(lambda tx: work(_Tx(tx)))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.graph, name)


def _backends() -> list[Any]:
    return [
        "embedded",
        pytest.param(
            "neo4j",
            marks=pytest.mark.skipif(
                not NEO4J_URL, reason="REGISTRY_TEST_NEO4J_URL not set: no Neo4j server available"
            ),
        ),
    ]


def _fast_hash(password: str) -> str:
    return "test-hash:" + password


def _fast_verify(password_hash: str, password: str) -> bool:
    return password_hash == "test-hash:" + password


def _open(engine: str, data_dir: Path) -> Registry:
    from registry.context import open_registry
    from registry.settings import Settings

    if engine == "embedded":
        settings = Settings(data_dir=data_dir, graph_buffer_pool_mb=256, secret_key="tour")
    else:
        settings = Settings(
            data_dir=data_dir,
            secret_key="tour",
            graph_url=NEO4J_URL,
            graph_user=os.environ.get("REGISTRY_TEST_NEO4J_USER", "neo4j"),
            graph_password=os.environ.get("REGISTRY_TEST_NEO4J_PASSWORD", ""),
            graph_database=os.environ.get("REGISTRY_TEST_NEO4J_DATABASE", "neo4j"),
        )
    reg = open_registry(settings)
    if engine == "neo4j":
        reg.graph.execute_statement("MATCH (n) DETACH DELETE n")  # type: ignore[attr-defined]
    return reg


class Tour:
    def __init__(self, client: TestClient[Any]) -> None:
        self.client = client
        self.tokens: dict[str, str] = {}

    def _headers(self, user: str) -> dict[str, str]:
        if user not in self.tokens:
            r = self.client.post(
                "/api/v1/auth/token", json={"username": user, "password": PASSWORD}
            )
            assert r.status_code == 200, (user, r.text)
            self.tokens[user] = r.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[user]}"}

    def get(self, user: str, path: str, expect: int = 200) -> Any:
        r = self.client.get("/api/v1" + path, headers=self._headers(user))
        assert r.status_code == expect, (path, r.status_code, r.text[:300])
        return r.json() if "json" in r.headers.get("content-type", "") else r.text

    def send(self, method: str, user: str, path: str, body: Any = None, expect: int = 200) -> Any:
        r = self.client.request(method, "/api/v1" + path, json=body, headers=self._headers(user))
        assert r.status_code == expect, (method, path, r.status_code, r.text[:300])
        return r.json() if r.content else None


def _tour(reg: Registry) -> None:  # noqa: PLR0915 - one walk through the whole application
    from registry.app import create_app

    with TestClient(app=create_app(reg.settings, registry=reg)) as client:
        t = Tour(client)
        suffix = next(
            c.removeprefix("drv-")
            for c in (x.id for x in reg.reference.carriers)
            if t.get(f"zulassung.{c.removeprefix('drv-')}", "/applications")
        )
        carrier = f"drv-{suffix}"
        officer, cm, strategist = (
            f"{r}.{suffix}" for r in ("zulassung", "fallmanagement", "netzwerk")
        )
        # reference and users
        t.get(officer, "/carriers")
        t.get(officer, "/target-groups")
        t.get("admin", "/users")
        profile = t.get(f"admin.{suffix}", f"/carriers/{carrier}/profile")
        contacts = profile.get("contacts") or []
        t.send("PUT", f"admin.{suffix}", f"/carriers/{carrier}/profile", {"contacts": contacts})
        national = t.get(officer, "/criteria")
        t.send("PUT", "admin", "/criteria", national)
        bad = client.post("/api/v1/auth/token", json={"username": cm, "password": "falsch"})
        assert bad.status_code == 401
        # admission: applications, decisions, follow-ons, admissions, reviews, notices
        apps = t.get(officer, "/applications")
        t.get("zulassung.bund", "/applications")
        for a in apps[:3]:
            t.get(officer, f"/applications/{a['id']}")
        t.get(officer, "/follow-on-admissions?status=open")
        t.get(officer, "/admissions")
        t.get(officer, "/admissions/due-for-review?within_days=3650")
        t.get(officer, "/announcements")
        notices = t.get(officer, "/notices?acknowledged=false")
        if notices:
            t.send("POST", officer, f"/notices/{notices[0]['id']}/acknowledge")
        t.get(officer, "/tasks")
        # provider: its application, sites and staff
        provider_apps = t.get("anbieter.demo", "/applications")
        provider_id = provider_apps[0]["provider"]["id"]
        t.get("anbieter.demo", f"/providers/{provider_id}")
        staff = t.get("anbieter.demo", f"/providers/{provider_id}/case-managers")
        member = staff[0]
        changed = {"counselling_years": float(member.get("counselling_years") or 0) + 1}
        t.send(
            "PATCH",
            "anbieter.demo",
            f"/providers/{provider_id}/case-managers/{member['id']}",
            changed,
        )
        t.get("anbieter.demo", "/tasks")
        site_id = t.get(officer, f"/applications/{provider_apps[0]['id']}")["sites"][0]["id"]
        t.send(
            "PATCH",
            "anbieter.demo",
            f"/providers/{provider_id}/sites/{site_id}",
            {"opening_hours": "Mo-Fr 9-16 Uhr", "accepts_new_cases": True},
        )
        # A15: the site's facts change (Q5 re-run, notices and tasks) and change back
        facts = t.get(officer, f"/applications/{provider_apps[0]['id']}")["sites"][0]
        for rooms in (
            not facts.get("rooms_for_relatives", True),
            facts.get("rooms_for_relatives", True),
        ):
            t.send(
                "PATCH",
                "anbieter.demo",
                f"/providers/{provider_id}/sites/{site_id}",
                {"rooms_for_relatives": bool(rooms)},
            )
        group_of_provider = next(
            iter(
                t.get(officer, f"/applications/{provider_apps[0]['id']}")["sites"][0][
                    "target_group_status"
                ]
            )
        )
        for gone in staff[1:]:  # Q2 becomes a finding (A15) ...
            t.send(
                "DELETE",
                "anbieter.demo",
                f"/providers/{provider_id}/case-managers/{gone['id']}",
                None,
                204,
            )
        for name in ("Clara Neu", "Dora Neu"):  # ... closed once two qualify again
            hired = case_manager(name, [group_of_provider], joined_on="2020-01-01")
            t.send("POST", "anbieter.demo", f"/providers/{provider_id}/case-managers", hired, 201)
        # the tasks of the carriers: one is dismissed with a reason
        for suffix_ in (c.id.removeprefix("drv-") for c in reg.reference.carriers):
            stored = [
                x
                for x in t.get(f"zulassung.{suffix_}", "/tasks")
                if x.get("id") and x.get("kind") in {"staff_finding", "stale_data", "training_due"}
            ]
            if stored:
                t.send(
                    "POST",
                    f"zulassung.{suffix_}",
                    f"/tasks/{stored[0]['id']}/dismiss",
                    {"reason": "Mit dem Anbieter telefonisch geklärt."},
                )
                break
        # a follow-on admission of another region (A7); its provider is then admitted by two
        # carriers, who coordinate a visit (A16)
        two_carriers: tuple[str, str] | None = None
        for suffix_ in (c.id.removeprefix("drv-") for c in reg.reference.carriers):
            follow_ons = t.get(f"zulassung.{suffix_}", "/follow-on-admissions?status=open")
            if follow_ons:
                task = follow_ons[0]
                t.send("POST", f"zulassung.{suffix_}", f"/follow-on-admissions/{task['id']}/admit")
                two_carriers = (task["application_id"], suffix_)
                break
        assert two_carriers is not None, "the demo data has an open follow-on admission"
        lead_app = t.get(f"zulassung.{two_carriers[1]}", f"/applications/{two_carriers[0]}")
        lead = lead_app["lead_carrier"].removeprefix("drv-")
        planned = t.send(
            "POST",
            f"zulassung.{lead}",
            f"/providers/{lead_app['provider']['id']}/visits",
            {"planned_on": "2026-12-20", "carriers": [f"drv-{two_carriers[1]}"], "note": ""},
            201,
        )
        t.send(
            "POST",
            f"zulassung.{two_carriers[1]}",
            f"/providers/{lead_app['provider']['id']}/visits/{planned['id']}/join",
        )
        # a joint announcement (A12) and an application answering it
        district = next(d.key for d in reg.reference.districts if d.carrier == carrier)
        announcement = t.send(
            "POST",
            officer,
            "/announcements",
            {
                "carriers": [carrier],
                "target_groups": [group_of_provider],
                "districts": [district],
                "text": "Gesucht: Fallmanagement in der Region.",
                "open_until": "2027-06-30",
            },
            201,
        )
        home = t.get(officer, f"/applications/{provider_apps[0]['id']}")["sites"][0]["address"]
        new_site = api_site("Neue Beratungsstelle", home["postal_code"], home["place"])
        new_site["address"]["street"] = "Tourweg 9"
        body = application(
            reg.reference,
            carrier,
            [new_site],
            [group_of_provider],
            provider={"id": provider_id},
            case_managers=[
                case_manager("Clara Neu", [group_of_provider], joined_on="2020-01-01"),
                case_manager("Dora Neu", [group_of_provider], joined_on="2020-01-01"),
            ],
            announcement_id=announcement["id"],
        )
        t.send("POST", "anbieter.demo", "/applications", body, 201)
        # directory
        sites = t.get(officer, f"/applications/{provider_apps[0]['id']}")["sites"]
        postal = sites[0]["address"]["postal_code"]
        group = next(iter(sites[0]["target_group_status"]))
        query = f"carrier={carrier}&postal_code={postal}&target_group={group}"
        found = t.get(cm, f"/directory/search?{query}")
        t.get(cm, f"/directory/print?{query}")
        t.get(cm, f"/directory/explain?provider={provider_id}&{query}")
        t.get(cm, f"/directory/overview?carrier={carrier}")
        t.get(cm, "/directory/export/hsds")
        assert found["total"] >= 1
        # network
        partners = t.get(strategist, "/partners")["results"]
        t.get(cm, f"/partners/search?postal_code={postal}")
        p = t.get(strategist, f"/partners/{partners[0]['id']}")
        editor = "netzwerk." + p["carriers"][0].removeprefix("drv-")
        services = [*p["services"], "Telefonische Erstberatung"]
        t.send("PATCH", editor, f"/partners/{p['id']}", {"services": services})
        agreements = t.get(strategist, "/agreements")
        t.get(strategist, "/agreements?status=active")
        t.get(strategist, "/agreements/due-for-review?within_days=400")
        for g in agreements[:2]:
            t.get(strategist, f"/agreements/{g['id']}")
        t.get(strategist, f"/coverage?target_group={group}&lookahead_days=365")
        t.get(
            strategist,
            f"/network/around?district={sites[0]['district_key']}&target_group={group}",
        )
        t.send("POST", cm, "/unmet-needs", {"postal_code": postal, "target_groups": [group]}, 201)
        # an agreement in force changed by a party: a new version (N4, N5)
        for g in t.get(strategist, "/agreements?status=active"):
            full = t.get(strategist, f"/agreements/{g['id']}")
            parties = [p["carrier"] for p in full.get("parties", []) if p.get("status") == "party"]
            party = parties[0] if parties else (full.get("carriers") or [carrier])[0]
            editor_ = "netzwerk." + party.removeprefix("drv-")
            r = client.patch(
                f"/api/v1/agreements/{g['id']}",
                json={"title": full["title"] + " (2. Fassung)"},
                headers=t._headers(editor_),
            )
            if r.status_code == 200:
                break
        # a partner loses one of its sites
        for row in t.get(strategist, "/partners?page_size=100")["results"]:
            if len(row.get("sites") or []) > 1:
                full = t.get(strategist, f"/partners/{row['id']}")
                editor_ = "netzwerk." + full["carriers"][0].removeprefix("drv-")
                keep = [
                    {
                        k: v
                        for k, v in site_.items()
                        if k in {"name", "address", "service_radius_km"}
                    }
                    for site_ in full["sites"][1:]
                ]
                t.send("PATCH", editor_, f"/partners/{row['id']}", {"sites": keep})
                break
        t.get(strategist, "/unmet-needs")
        t.send("POST", cm, "/auth/logout-everywhere")
        # accounts (issue 14, finding 5): an admin resets and reactivates an account, its user
        # changes the one-time password back and logs out on the server
        account = next(u for u in t.get("admin", "/users") if u["username"] == cm)
        one_time = t.send("POST", "admin", f"/users/{account['id']}/reset-password")["password"]
        t.send("PATCH", "admin", f"/users/{account['id']}", {"active": True})
        t.tokens.pop(cm, None)
        r = client.post("/api/v1/auth/token", json={"username": cm, "password": one_time})
        bearer = {"Authorization": f"Bearer {r.json()['access_token']}"}
        r = client.post(
            "/api/v1/auth/password", json={"current": one_time, "new": PASSWORD}, headers=bearer
        )
        assert r.status_code == 200, r.text
        bearer = {"Authorization": f"Bearer {r.json()['access_token']}"}
        assert client.post("/api/v1/auth/logout", headers=bearer).status_code == 200
        assert client.get("/readyz").status_code == 200
        # quality assurance (A16): the admitting carrier's officer and the provider
        admitting = sites[0]["responsible_carrier"].removeprefix("drv-")
        q_officer = f"zulassung.{admitting}"
        visit = t.send(
            "POST",
            q_officer,
            f"/providers/{provider_id}/visits",
            {"planned_on": "2026-11-20", "carriers": [], "note": "Hospitation"},
            201,
        )
        visit_id = visit["id"] if "id" in visit else visit["visit"]["id"]
        t.send(
            "POST",
            q_officer,
            f"/providers/{provider_id}/visits/{visit_id}/done",
            {"done_on": "2026-11-20", "finding": "Gute Räume, klare Abläufe."},
        )
        t.send(
            "POST",
            q_officer,
            f"/providers/{provider_id}/complaints",
            {"month": "2026-10", "category": "waiting_time", "count": 2},
            201,
        )
        t.send(
            "PUT",
            "anbieter.demo",
            f"/providers/{provider_id}/yearly-figures/2025",
            {
                "cases": {group: 10},
                "provision": {"in_person": 6, "outreach": 2, "remote": 2},
                "completed": 8,
                "goal_reached": 5,
                "return_to_work": 3,
            },
        )
        t.get(q_officer, f"/providers/{provider_id}/quality")
        t.get(q_officer, f"/providers/{provider_id}/visits")
        # the provider's application draft (a use case of the portal's form)
        from registry.admission import drafts
        from registry.auth import Principal, Role

        provider = Principal(
            user_id="tour", username="anbieter.demo", role=Role.PROVIDER, provider=provider_id
        )
        drafts.save_draft(reg, provider, {"name": "Entwurf"})
        assert drafts.load_draft(reg, provider) is not None
        drafts.delete_draft(reg, provider)


@pytest.fixture(scope="module", params=_backends())
def toured(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Registry, RecordingGraph]]:
    from registry.bootstrap import initialise
    from registry.check import run_check
    from registry.directory.projection import reindex
    from seed.demo.run import seed_demo

    patch = pytest.MonkeyPatch()
    patch.setattr("registry.auth.hash_password", _fast_hash)
    patch.setattr("registry.auth.service.hash_password", _fast_hash)
    patch.setattr("registry.auth.service.verify_password", _fast_verify)
    reg = _open(request.param, tmp_path_factory.mktemp(request.param))
    recorder = RecordingGraph(reg.graph)
    reg.graph = recorder
    try:
        initialise(reg)
        seed_demo(reg, providers=8, seed=7, password=PASSWORD)
        _tour(reg)
        reindex(reg)
        run_check(reg)
        yield reg, recorder
    finally:
        patch.undo()
        reg.close()


def test_the_application_runs_its_use_cases_on_the_backend(
    toured: tuple[Registry, RecordingGraph],
) -> None:
    reg, recorder = toured
    assert recorder.ran  # the tour above asserts every answer; here: it ran to the end


def test_every_query_of_the_application_ran_on_the_backend(
    toured: tuple[Registry, RecordingGraph],
) -> None:
    _, recorder = toured
    application = {n for n in all_queries() if n.split(".")[0] not in NOT_APPLICATION}
    missing = sorted(application - recorder.ran)
    assert missing == [], f"{len(missing)} of {len(application)} queries never ran: {missing}"
