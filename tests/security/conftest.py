"""Security test harness: one embedded registry per module with a user for every role and scope
of docs/rules.md §9 and real objects of each kind, all created through the API.

"Own" objects belong to DRV Nord and to provider A; "other" callers are DRV Hessen staff and
provider B; "federal" callers are DRV Bund staff.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from registry import clock
from registry.api.access_model import Relation
from registry.auth import Role
from tests.api.conftest import PASSWORD, Api
from tests.api.helpers import application, case_manager, site

GROUPS = ["addiction"]
NEED = "Wir benötigen externe Expertise in der Suchtberatung, die wir selbst nicht vorhalten."
LUEBECK = "01003"

STAFF_USERS = {
    "officer.nord": ("admissions_officer", "drv-nord"),
    "officer.hessen": ("admissions_officer", "drv-hessen"),
    "officer.bund": ("admissions_officer", "drv-bund"),
    "cm.nord": ("case_manager", "drv-nord"),
    "cm.hessen": ("case_manager", "drv-hessen"),
    "cm.bund": ("case_manager", "drv-bund"),
    "reader.nord": ("directory_reader", "drv-nord"),
    "reader.hessen": ("directory_reader", "drv-hessen"),
    "strategist.nord": ("network_strategist", "drv-nord"),
    "strategist.hessen": ("network_strategist", "drv-hessen"),
    "strategist.bund": ("network_strategist", "drv-bund"),
    # rule N4, the relationship cases: an agreement of DRV Westfalen about NRW inviting DRV
    # Knappschaft-Bahn-See; DRV Rheinland is a carrier of the same region but no party
    "strategist.westfalen": ("network_strategist", "drv-westfalen"),
    "strategist.rheinland": ("network_strategist", "drv-rheinland"),
    "strategist.kbs": ("network_strategist", "drv-knappschaft-bahn-see"),
    "admin": ("admin", None),
    "admin.nord": ("admin", "drv-nord"),
    "admin.hessen": ("admin", "drv-hessen"),
    "probe.login": ("directory_reader", "drv-nord"),
    # the account the matrix's admins reactivate and reset (issue 14, finding 5)
    "probe.account": ("directory_reader", "drv-nord"),
}


@dataclass(frozen=True)
class Caller:
    name: str
    username: str | None
    role: Role | None
    relation: Relation | None


CALLERS: list[Caller] = [
    Caller("anonymous", None, None, None),
    Caller("officer.own", "officer.nord", Role.ADMISSIONS_OFFICER, Relation.OWN),
    Caller("officer.other", "officer.hessen", Role.ADMISSIONS_OFFICER, Relation.OTHER),
    Caller("officer.federal", "officer.bund", Role.ADMISSIONS_OFFICER, Relation.FEDERAL),
    Caller("cm.own", "cm.nord", Role.CASE_MANAGER, Relation.OWN),
    Caller("cm.other", "cm.hessen", Role.CASE_MANAGER, Relation.OTHER),
    Caller("cm.federal", "cm.bund", Role.CASE_MANAGER, Relation.FEDERAL),
    Caller("reader.own", "reader.nord", Role.DIRECTORY_READER, Relation.OWN),
    Caller("reader.other", "reader.hessen", Role.DIRECTORY_READER, Relation.OTHER),
    Caller("strategist.own", "strategist.nord", Role.NETWORK_STRATEGIST, Relation.OWN),
    Caller("strategist.other", "strategist.hessen", Role.NETWORK_STRATEGIST, Relation.OTHER),
    Caller("strategist.federal", "strategist.bund", Role.NETWORK_STRATEGIST, Relation.FEDERAL),
    Caller("provider.own", "provider.a", Role.PROVIDER, Relation.OWN),
    Caller("provider.other", "provider.b", Role.PROVIDER, Relation.OTHER),
    Caller("admin.unscoped", "admin", Role.ADMIN, Relation.UNSCOPED),
    Caller("admin.own", "admin.nord", Role.ADMIN, Relation.OWN),
    Caller("admin.other", "admin.hessen", Role.ADMIN, Relation.OTHER),
]


@dataclass
class World:
    """The registry, a client, and the ids of the objects every probe acts on."""

    api: Api
    app: Any
    settings: Any
    ids: dict[str, str] = field(default_factory=dict)
    counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def registry(self) -> Any:
        return self.api.registry

    def forget_token(self, username: str | None) -> None:
        if username:
            self.api._tokens.pop(username, None)

    def unique(self) -> int:
        return next(self.counter)


def _ok(r: Any, status: int = 200) -> Any:
    assert r.status_code == status, r.text
    return r.json() if r.content else None


def _decide(api: Api, application_id: str, officer: str) -> None:
    full = _ok(api.get(f"/api/v1/applications/{application_id}", as_=officer))
    _ok(
        api.post(
            f"/api/v1/applications/{application_id}/decision",
            {
                "target_groups": {g: {"admit": True, "reason": NEED} for g in GROUPS},
                "version": full["version"],
            },
            as_=officer,
        )
    )


def _paper_application(
    api: Api, officer: str, receiving: str, name: str, sites: list[dict[str, Any]]
) -> tuple[str, str, list[str]]:
    provider = {"name": name, "legal_form": "gGmbH", "email": "kontakt@probe.example"}
    body = application(api.registry.reference, receiving, sites, GROUPS, provider=provider)
    created = _ok(api.post("/api/v1/applications", body, as_=officer), 201)
    full = _ok(api.get(f"/api/v1/applications/{created['id']}", as_=officer))
    return created["id"], full["provider"]["id"], [s["id"] for s in full["sites"]]


def partner_body(name: str, postal_code: str = "23556") -> dict[str, Any]:
    return {
        "name": name,
        "type": "jobcenter",
        "sites": [
            {
                "name": f"{name} Hauptstelle",
                "address": {"street": "Markt 1", "postal_code": postal_code, "place": ""},
                "service_radius_km": 30,
            }
        ],
        "services": ["Beratung"],
        "target_groups": GROUPS,
        "contacts": [{"name": "Petra Kontakt", "role": "Leitung", "email": "p@partner.example"}],
        "carriers": [],
    }


def agreement_body(partner_id: str, title: str = "Kooperation Lübeck") -> dict[str, Any]:
    return {
        "kind": "cooperation_agreement",
        "purpose": "general",
        "title": title,
        "carriers": ["drv-nord"],
        "partners": [partner_id],
        "scope": {"level": "districts", "districts": [LUEBECK]},
        "valid_from": clock.today().isoformat(),
        "contents": {
            "roles": "Der Partner berät, der Träger steuert das Fallmanagement.",
            "target_groups": GROUPS,
            "services": ["Schuldnerberatung"],
            "contacts": [{"name": "Max Fest", "role": "Ansprechpartner", "email": "m@x.example"}],
            "reaction_time_days": 5,
            "channels": ["digital", "phone"],
            "common_documents": ["Überleitungsbogen"],
            "documentation": "Verlauf und Ergebnis im gemeinsamen Bogen.",
            "data_protection": "Einwilligung, §35 SGB I, §78 SGB X.",
            "review": {"interval_months": 12},
        },
    }


def build_world(api: Api, app: Any, settings: Any) -> World:
    """The objects of the matrix, each created through the API by the role that would."""
    world = World(api=api, app=app, settings=settings)
    ids = world.ids
    ref = api.registry.reference

    # provider A: applied to DRV Nord (paper application), admitted by DRV Nord
    app_a, provider_a, sites_a = _paper_application(
        api, "officer.nord", "drv-nord", "Beratung Nord A gGmbH", [site("Lübeck A", "23556")]
    )
    _decide(api, app_a, "officer.nord")
    api.add_provider_user("provider.a", provider_a)
    ids.update(application_id=app_a, provider_id=provider_a, site_id=sites_a[0])
    cm_keep = _ok(
        api.post(
            f"/api/v1/providers/{provider_a}/case-managers",
            case_manager("Clara Bleibt", GROUPS),
            as_="provider.a",
        ),
        201,
    )
    cm_del = _ok(
        api.post(
            f"/api/v1/providers/{provider_a}/case-managers",
            case_manager("Dora Geht", GROUPS),
            as_="provider.a",
        ),
        201,
    )
    cm_del_portal = _ok(
        api.post(
            f"/api/v1/providers/{provider_a}/case-managers",
            case_manager("Emil Geht", GROUPS),
            as_="provider.a",
        ),
        201,
    )
    ids.update(cm_id=cm_keep["id"], cm_del=cm_del["id"], cm_del_portal=cm_del_portal["id"])
    # a second application of provider A, to withdraw
    body = application(
        ref, "drv-nord", [site("Kiel A", "24103")], GROUPS, provider={"id": provider_a}
    )
    ids["withdraw_application_id"] = _ok(
        api.post("/api/v1/applications", body, as_="provider.a"), 201
    )["id"]

    # provider B: registered by the unscoped admin, with its own user
    provider_b = _ok(
        api.post(
            "/api/v1/providers",
            {"name": "Anbieter B e.V.", "legal_form": "e.V.", "email": "b@anbieter-b.example"},
            as_="admin",
        ),
        201,
    )["id"]
    api.add_provider_user("provider.b", provider_b)
    ids["other_provider_id"] = provider_b

    # a follow-on admission task for DRV Nord: DRV Hessen leads, one site lies in Lübeck (A7)
    app_h, _, _ = _paper_application(
        api,
        "officer.hessen",
        "drv-hessen",
        "Beratung Hessen gGmbH",
        [site("Frankfurt", "60311", headquarters=True), site("Lübeck H", "23552")],
    )
    _decide(api, app_h, "officer.hessen")
    tasks = _ok(api.get("/api/v1/follow-on-admissions?status=open", as_="officer.nord"))
    ids["follow_on_id"] = next(t["id"] for t in tasks if t["application_id"] == app_h)

    # a staff task for DRV Nord: provider E falls below two case managers (A15, Q2)
    app_e, provider_e, _ = _paper_application(
        api, "officer.nord", "drv-nord", "Beratung Nord E gGmbH", [site("Lübeck E", "23558")]
    )
    _decide(api, app_e, "officer.nord")
    api.add_provider_user("provider.e", provider_e)
    staff = _ok(api.get(f"/api/v1/providers/{provider_e}/case-managers", as_="provider.e"))
    r = api.delete(
        f"/api/v1/providers/{provider_e}/case-managers/{staff[0]['id']}", as_="provider.e"
    )
    assert r.status_code == 204, r.text
    open_tasks = _ok(api.get("/api/v1/tasks", as_="officer.nord"))
    ids["staff_task_id"] = next(
        t["id"]
        for t in open_tasks
        if t.get("provider_id") == provider_e and t["kind"] in ("staff_finding", "training_due")
    )

    # an admission notice for DRV Nord: provider A changes the facts of its Lübeck site (A15;
    # a carrier is not notified of its own decisions, so DRV Nord's admission brings none)
    r = api.patch(
        f"/api/v1/providers/{provider_a}/sites/{sites_a[0]}",
        {"public_transport": False},
        as_="provider.a",
    )
    assert r.status_code == 200, r.text
    notices = _ok(api.get("/api/v1/notices?acknowledged=false", as_="officer.nord"))
    ids["notice_id"] = next(n["id"] for n in notices if n["subject"]["id"] == app_a)

    # a partner DRV Nord works with, and a draft agreement of DRV Nord about Lübeck (N1, N4)
    partner = _ok(
        api.post("/api/v1/partners", partner_body("Jobcenter Lübeck"), as_="strategist.nord"), 201
    )
    ids["partner_id"] = partner["id"]
    agreement = _ok(
        api.post("/api/v1/agreements", agreement_body(partner["id"]), as_="strategist.nord"), 201
    )
    ids["agreement_id"] = agreement["id"]
    # a visit DRV Nord plans to provider A, whose site it admitted (A16); a second site of
    # provider A admitted by DRV Nord keeps that relationship when the matrix revokes the first
    body = application(
        ref, "drv-nord", [site("Lübeck A2", "23560")], GROUPS, provider={"id": provider_a}
    )
    second = _ok(api.post("/api/v1/applications", body, as_="provider.a"), 201)["id"]
    _decide(api, second, "officer.nord")
    visit = _ok(
        api.post(
            f"/api/v1/providers/{provider_a}/visits",
            {"planned_on": (clock.today() + timedelta(days=10)).isoformat()},
            as_="officer.nord",
        ),
        201,
    )
    ids["visit_id"] = visit["id"]
    ids["last_year"] = str(clock.today().year - 1)
    # a joint announcement of DRV Nord naming DRV Bund, which has yet to confirm (A12, N4)
    announcement = _ok(
        api.post(
            "/api/v1/announcements",
            {
                "carriers": ["drv-nord", "drv-bund"],
                "target_groups": GROUPS,
                "districts": [LUEBECK],
                "text": "Wir suchen gemeinsam Anbieter für Suchterkrankte in Lübeck.",
                "open_until": (clock.today() + timedelta(days=30)).isoformat(),
            },
            as_="officer.nord",
        ),
        201,
    )
    ids["announcement_id"] = announcement["id"]
    ids["carrier_id"] = "drv-nord"
    account = api.registry.graph.read("users.by_username", username="probe.account")
    ids["user_id"] = account[0]["id"]
    ids["today"] = clock.today().isoformat()
    ids["in_30_days"] = (clock.today() + timedelta(days=30)).isoformat()
    return world


def open_world(tmp: Path, **settings_over: Any) -> Iterator[World]:
    from registry.app import create_app
    from registry.auth.service import add_user
    from registry.bootstrap import initialise
    from registry.context import open_registry
    from registry.settings import Settings

    # the production default pool: with 128 MB, ~1,500 requests in one process intermittently
    # exhausted ladybug's buffer pool ("Unable to allocate memory"), see the security report
    settings = Settings(
        data_dir=tmp, graph_buffer_pool_mb=512, secret_key="test-secret", **settings_over
    )
    reg = open_registry(settings)
    initialise(reg)
    for username, (role, carrier) in STAFF_USERS.items():
        add_user(reg, username=username, password=PASSWORD, role=role, carrier=carrier)
    app = create_app(settings, registry=reg)
    with TestClient(app=app) as client:
        api = Api(client, reg)
        yield build_world(api, app, settings)
    reg.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from open_world(tmp_path_factory.mktemp("security"))
