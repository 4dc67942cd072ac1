"""The authorisation matrix (docs/rules.md §9), generated from the application's route table.

Every route of ``create_app`` (API, portal, operations) must have a declared rule in
``registry.api.access``; every API route and portal page is called as every role and scope
(anonymous, own / other / federal carrier, own / other provider, unscoped and carrier admin)
on real objects created through the API, and the outcome (allowed, 401, 403, 404 hiding) must
match the declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest

from registry.api.access import ACCESS, guard_roles, route_keys
from registry.api.access_model import ALL_ROLES, Relation, Standing
from registry.api.api_access import API_ACCESS
from registry.api.portal_access import PORTAL_ACCESS
from registry.auth import Role
from tests.api.helpers import application, case_manager, site
from tests.security.conftest import CALLERS, GROUPS, NEED, Caller, World, agreement_body
from tests.security.conftest import partner_body as make_partner

Body = Callable[[World], Any]

# Which object a path parameter names; a few routes need another object of the same kind.
PARAM_OBJECT = {
    "provider_id": "provider_id",
    "application_id": "application_id",
    "site_id": "site_id",
    "cm_id": "cm_id",
    "task_id": "follow_on_id",
    "notice_id": "notice_id",
    "carrier_id": "carrier_id",
    "partner_id": "partner_id",
    "agreement_id": "agreement_id",
    "announcement_id": "announcement_id",
    "visit_id": "visit_id",
    "year": "last_year",
    "user_id": "user_id",
    "command": "carrier_id",
    "file_path": "carrier_id",
    "path": "carrier_id",
}
ROUTE_OBJECTS: dict[str, dict[str, str]] = {
    "POST /api/v1/applications/{application_id}/withdraw": {
        "application_id": "withdraw_application_id"
    },
    "POST /applications/{application_id}/withdraw": {"application_id": "withdraw_application_id"},
    "DELETE /api/v1/providers/{provider_id}/case-managers/{cm_id}": {"cm_id": "cm_del"},
    "POST /api/v1/tasks/{task_id}/dismiss": {"task_id": "staff_task_id"},
    "POST /provider/staff/{cm_id}/remove": {"cm_id": "cm_del_portal"},
}
FIXED_PATHS = {
    "GET /static/{file_path}": "/static/portal.css",
    "HEAD /static/{file_path}": "/static/portal.css",
    "GET /schema/{path}": "/schema/nothing-here",
    "POST /internal/admin/{command}": "/internal/admin/reindex",
}

SEARCH = {"postal_code": "23556", "target_group": GROUPS}
QUERIES: dict[str, Callable[[World], dict[str, Any]]] = {
    "GET /api/v1/places/resolve": lambda w: {"postal_code": "23556"},
    "GET /api/v1/directory/search": lambda w: SEARCH,
    "GET /api/v1/directory/print": lambda w: SEARCH,
    "GET /api/v1/directory/explain": lambda w: {**SEARCH, "provider": w.ids["provider_id"]},
    "GET /api/v1/partners/search": lambda w: {"postal_code": "23556"},
    "GET /api/v1/coverage": lambda w: {"target_group": "addiction"},
    "GET /api/v1/network/around": lambda w: {"district": "01003", "target_group": "addiction"},
    "GET /network/around": lambda w: {"district": "01003", "target_group": "addiction"},
    "GET /search": lambda w: SEARCH,
    "GET /search/print": lambda w: SEARCH,
}


def _provider_registration(w: World) -> dict[str, Any]:
    n = w.unique()
    return {
        "name": f"Registrierung {n} e.V.",
        "legal_form": "e.V.",
        "email": f"r{n}@registrierung.example",
        "user": {"username": f"probe.reg{n}", "password": "ein-langes-passwort-42"},
    }


def _application(w: World) -> dict[str, Any]:
    return application(
        w.registry.reference,
        "drv-nord",
        [site("Probe", "23556")],
        GROUPS,
        provider={"id": w.ids["provider_id"]},
    )


REASON = {"reason": "Prüfung im Rahmen der Qualitätssicherung."}
BODIES: dict[str, Body] = {
    "POST /api/v1/auth/token": lambda w: {"username": "probe.login", "password": _password()},
    # the same password again: 422 (no change), so the caller keeps its sessions
    "POST /api/v1/auth/password": lambda w: {"current": _password(), "new": _password()},
    # reactivating the probe account changes nothing but ends its sessions
    "PATCH /api/v1/users/{user_id}": lambda w: {"active": True},
    "POST /api/v1/providers": _provider_registration,
    "POST /api/v1/users": lambda w: {
        "username": f"probe.user{w.unique()}",
        "password": _password(),
        "role": "case_manager",
        "carrier": "drv-nord",
    },
    "POST /api/v1/applications": _application,
    "POST /api/v1/applications/{application_id}/decision": lambda w: {
        "target_groups": {g: {"admit": True, "reason": NEED} for g in GROUPS},
        "version": 1,
    },
    "POST /api/v1/applications/{application_id}/withdraw": lambda w: REASON,
    "POST /api/v1/admissions/{site_id}/suspend": lambda w: REASON,
    "POST /api/v1/admissions/{site_id}/resume": lambda w: REASON,
    "POST /api/v1/admissions/{site_id}/revoke": lambda w: REASON,
    "POST /api/v1/admissions/{site_id}/review": lambda w: {"outcome": "confirmed", **REASON},
    "POST /api/v1/announcements": lambda w: {
        "carriers": ["drv-nord"],
        "target_groups": GROUPS,
        "districts": ["01003"],
        "text": "Wir suchen Anbieter für Suchterkrankte in Lübeck.",
        "open_until": w.ids["in_30_days"],
    },
    "POST /api/v1/providers/{provider_id}/contracts": lambda w: {
        "signed_on": w.ids["today"],
        "model_contract_version": "2024-1",
    },
    "POST /api/v1/providers/{provider_id}/case-managers": lambda w: case_manager(
        f"Probe Person {w.unique()}", GROUPS
    ),
    "PATCH /api/v1/providers/{provider_id}/case-managers/{cm_id}": lambda w: {
        "competence_evidence": "Zehn Jahre Suchtberatung."
    },
    "PATCH /api/v1/providers/{provider_id}/sites/{site_id}": lambda w: {
        "opening_hours": "Mo–Fr 9–16 Uhr"
    },
    "PUT /api/v1/carriers/{carrier_id}/profile": lambda w: {"contacts": []},
    "PUT /api/v1/criteria": lambda w: {"Q4": "advisory"},
    "POST /api/v1/tasks/{task_id}/dismiss": lambda w: REASON,
    "POST /api/v1/partners": lambda w: make_partner(f"Partner {w.unique()}"),
    "PATCH /api/v1/partners/{partner_id}": lambda w: {"services": ["Beratung", "Begleitung"]},
    "POST /api/v1/agreements": lambda w: agreement_body(w.ids["partner_id"]),
    "PATCH /api/v1/agreements/{agreement_id}": lambda w: {"title": "Kooperation Lübeck 2"},
    "POST /api/v1/agreements/{agreement_id}/suspend": lambda w: REASON,
    "POST /api/v1/agreements/{agreement_id}/resume": lambda w: REASON,
    "POST /api/v1/agreements/{agreement_id}/terminate": lambda w: REASON,
    "POST /api/v1/unmet-needs": lambda w: {"postal_code": "23556", "target_groups": GROUPS},
    "POST /internal/admin/{command}": lambda w: {},
    "POST /api/v1/providers/{provider_id}/visits": lambda w: {"planned_on": w.ids["in_30_days"]},
    "POST /api/v1/providers/{provider_id}/visits/{visit_id}/done": lambda w: {
        "done_on": w.ids["today"],
        "finding": "Konzept umgesetzt.",
    },
    "POST /api/v1/providers/{provider_id}/complaints": lambda w: {
        "month": w.ids["today"][:7],
        "category": "waiting_time",
        "count": 1,
    },
    "PUT /api/v1/providers/{provider_id}/yearly-figures/{year}": lambda w: {
        "cases": {"addiction": 3},
        "provision": {"in_person": 3},
        "completed": 2,
        "goal_reached": 1,
        "return_to_work": 1,
    },
}
# Valid portal forms for the object routes whose fields are known; a portal form posted empty
# may be refused as invalid (422) before the object is looked up, which reveals nothing.
PORTAL_FORMS: dict[str, Callable[[World], dict[str, str]]] = {
    "POST /admissions/{site_id}/review": lambda w: {
        f"review.{w.ids['site_id']}.outcome": "confirmed",
        f"review.{w.ids['site_id']}.reason": REASON["reason"],
    },
    "POST /applications/{application_id}/decision": lambda w: {
        "version": "1",
        **{f"target_groups.{g}.admit": "yes" for g in GROUPS},
        **{f"target_groups.{g}.reason": NEED for g in GROUPS},
    },
    "POST /applications/{application_id}/withdraw": lambda w: {"withdraw.reason": "Probe"},
    # reactivating the probe account changes nothing but ends its sessions
    "POST /admin/users/{user_id}/active": lambda w: {"active": "ja"},
}

# logging out everywhere invalidates the caller's tokens: log in again afterwards
LOGS_OUT = {
    "POST /api/v1/auth/logout-everywhere",
    "POST /logout-everywhere",
    "POST /api/v1/auth/logout",
    "POST /logout",
}


def _password() -> str:
    from tests.api.conftest import PASSWORD

    return PASSWORD


def _path(world: World, key: str) -> str:
    if key in FIXED_PATHS:
        return FIXED_PATHS[key]
    path = key.split(" ", 1)[1]
    objects = {**PARAM_OBJECT, **ROUTE_OBJECTS.get(key, {})}
    for param, obj in objects.items():
        path = path.replace("{" + param + "}", world.ids[obj])
    assert "{" not in path, f"no object for a parameter of {key}"
    return path


def _csrf(world: World) -> str:
    client = world.api.client
    if "registry_csrf" not in client.cookies:
        client.get("/login")
    return str(client.cookies.get("registry_csrf", ""))


def call(world: World, key: str, caller: Caller) -> Any:
    method, _ = key.split(" ", 1)
    headers = world.api.headers(caller.username)
    kwargs: dict[str, Any] = {"headers": headers, "follow_redirects": False}
    if key in QUERIES:
        kwargs["params"] = QUERIES[key](world)
    is_api = key.split(" ", 1)[1].startswith("/api/")
    if method in ("POST", "PUT", "PATCH", "DELETE") and not is_api:
        headers["x-csrftoken"] = _csrf(world)  # the portal's forms carry the CSRF token
        if method != "DELETE":
            headers["content-type"] = "application/x-www-form-urlencoded"
            form = PORTAL_FORMS[key](world) if key in PORTAL_FORMS else {}
            kwargs["content"] = urlencode(form).encode()
    elif key in BODIES:
        kwargs["json"] = BODIES[key](world)
    response = world.api.client.request(method, _path(world, key), **kwargs)
    if key in LOGS_OUT:
        world.forget_token(caller.username)
    return response


def _empty_portal_form(key: str) -> bool:
    method, path = key.split(" ", 1)
    return method == "POST" and not path.startswith("/api/") and key not in PORTAL_FORMS


def outcome(key: str, response: Any) -> int | str:
    """Allowed ("ok") or the refusing status; a portal page refuses anonymity by a redirect to
    the login page (counted as 401)."""
    status = response.status_code
    if status >= 500:
        return f"5xx ({status})"
    if status in (302, 303) and "/login?next=" in response.headers.get("location", ""):
        return 401
    if status in (401, 403, 404):
        return status
    return "ok"


def test_every_route_has_a_declared_rule(world: World) -> None:
    # docs/rules.md §9: a route nobody decided about fails here
    routes = {key for key, _ in route_keys(world.app)}
    assert sorted(routes - set(ACCESS)) == [], "routes without a declared access rule"
    assert sorted(set(ACCESS) - routes) == [], "declared rules for routes that no longer exist"


def test_guards_admit_exactly_the_declared_roles(world: World) -> None:
    # docs/rules.md §9: the guard of each route admits the declared roles
    wrong = []
    for key, handler in route_keys(world.app):
        access = ACCESS.get(key)
        if access is None or not access.roles or access.scope.value == "public":
            continue
        roles = guard_roles(handler) or ALL_ROLES  # no guard: every logged-in role
        if roles != access.roles:
            wrong.append((key, sorted(roles or []), sorted(access.roles)))
    assert not wrong, "\n".join(f"{k}: guard {g}, declared {d}" for k, g, d in wrong)


LISTS = [
    # (path, object id key, callers that see it, callers that do not)
    (
        "/api/v1/applications",
        "application_id",
        ["officer.nord", "provider.a"],
        ["officer.hessen", "officer.bund", "provider.b"],
    ),
    ("/api/v1/notices", "notice_id", ["officer.nord"], ["officer.hessen", "strategist.nord"]),
    (
        "/api/v1/follow-on-admissions",
        "follow_on_id",
        ["officer.nord"],
        ["officer.hessen", "officer.bund"],
    ),
    (
        "/api/v1/tasks",
        "staff_task_id",
        ["officer.nord"],
        ["officer.hessen", "officer.bund", "provider.a"],
    ),
    (
        "/api/v1/agreements",
        "agreement_id",
        ["strategist.nord", "strategist.bund"],
        ["strategist.hessen"],
    ),
]


@pytest.mark.parametrize(("path", "obj", "seers", "others"), LISTS)
def test_lists_show_only_objects_in_scope(
    world: World, path: str, obj: str, seers: list[str], others: list[str]
) -> None:
    # docs/rules.md §9: lists are filtered to the caller's carrier or provider
    wanted = world.ids[obj]

    def ids_of(user: str) -> set[str]:
        r = world.api.get(path, as_=user)
        assert r.status_code == 200, r.text
        body = r.json()
        rows = body["results"] if isinstance(body, dict) else body
        return {row["id"] for row in rows}

    for user in seers:
        assert wanted in ids_of(user), user
    for user in others:
        assert wanted not in ids_of(user), user


MATRIX_ROUTES = sorted(
    set(API_ACCESS) | set(PORTAL_ACCESS),
    key=lambda k: (k.split(" ", 1)[1], k),  # object routes before destructive actions on them
)


@pytest.mark.parametrize("key", MATRIX_ROUTES)
def test_route_as_every_role_and_scope(world: World, key: str) -> None:
    # docs/rules.md §9: allow, deny (401/403) or hide (404) exactly as declared
    access = ACCESS[key]
    mismatches = []
    for caller in CALLERS:
        expected = access.expected(caller.role, caller.relation)
        response = call(world, key, caller)
        got = outcome(key, response)
        if got == "ok" and expected == 404 and _empty_portal_form(key):
            got = 404 if response.status_code == 422 else got  # refused as invalid: no leak
        if got != expected:
            mismatches.append(
                f"{caller.name}: expected {expected}, got {got}: {response.text[:160]}"
            )
    assert not mismatches, "\n".join(mismatches)


def test_operations_routes_refuse_or_serve_without_login(world: World) -> None:
    # the admin channel needs its token file even on loopback; health and schema are public
    client = world.api.client
    assert client.post("/internal/admin/reindex", json={}).status_code == 401
    assert client.get("/healthz").status_code == 200
    assert client.get("/schema/openapi.json").status_code == 200


def test_carrier_admins_cannot_reach_beyond_their_carrier(world: World) -> None:
    # docs/rules.md §9: an admin manages users in its scope; a carrier admin cannot escalate
    api = world.api
    body = {"username": "escalate.x", "password": _password(), "role": "admin"}
    for over in ({"carrier": None}, {"carrier": "drv-hessen"}):
        r = api.post("/api/v1/users", {**body, **over}, as_="admin.nord")
        assert r.status_code in (403, 422), r.text
    assert not world.registry.graph.read("users.by_username", username="escalate.x")
    users = api.get("/api/v1/users", as_="admin.nord").json()
    assert users and {u["carrier"] for u in users} == {"drv-nord"}
    assert len(api.get("/api/v1/users", as_="admin").json()) > len(users)
    r = api.put("/api/v1/carriers/drv-hessen/profile", {"contacts": []}, as_="admin.nord")
    assert r.status_code == 403


# Rule N4, the relationship cases: who may act on an agreement follows from how the caller's
# carrier stands to it (PARTY_TO, INVITED_TO), not from its region. A fresh agreement of DRV
# Westfalen about the state of NRW for every route, inviting DRV Knappschaft-Bahn-See: DRV
# Rheinland works in the same region (informed, no party), DRV Bund is informed as a federal
# carrier, DRV Hessen is neither named nor informed.
STANDING_CALLERS = [
    (Standing.PARTY, "strategist.westfalen"),
    (Standing.REGION, "strategist.rheinland"),
    (Standing.FEDERAL, "strategist.bund"),
    (Standing.STRANGER, "strategist.hessen"),
    (Standing.INVITED, "strategist.kbs"),
]
RELATIONSHIP_ROUTES = sorted(key for key, access in ACCESS.items() if access.by_standing)


def _nrw_agreement(world: World) -> str:
    body = {
        **agreement_body(world.ids["partner_id"], title=f"Kooperation NRW {world.unique()}"),
        "carriers": ["drv-westfalen", "drv-knappschaft-bahn-see"],
        "scope": {"level": "state", "state": "Nordrhein-Westfalen"},
    }
    r = world.api.post("/api/v1/agreements", body, as_="strategist.westfalen")
    assert r.status_code == 201, r.text
    parties = {(p["carrier"], p["status"]) for p in r.json()["parties"]}
    assert parties == {("drv-westfalen", "party"), ("drv-knappschaft-bahn-see", "invited")}
    return str(r.json()["id"])


def test_relationship_cases_cover_every_agreement_route() -> None:
    # every route on one agreement declares its outcome by standing, for every standing
    on_agreement = {key for key in ACCESS if "{agreement_id}" in key}
    assert set(RELATIONSHIP_ROUTES) == on_agreement
    for key in RELATIONSHIP_ROUTES:
        assert set(ACCESS[key].by_standing) == set(Standing), key


@pytest.mark.parametrize("key", RELATIONSHIP_ROUTES)
def test_agreement_routes_by_relationship(world: World, key: str) -> None:
    # rule N4: parties act, the invited answer, the informed (same region, federal) only read,
    # strangers get 404; party vs non-party in the same region, invited vs party
    access = ACCESS[key]
    saved = world.ids["agreement_id"]
    world.ids["agreement_id"] = _nrw_agreement(world)
    mismatches = []
    try:
        for standing, username in STANDING_CALLERS:
            caller = Caller(
                f"strategist.{standing.value}",
                username,
                Role.NETWORK_STRATEGIST,
                Relation.OTHER,
            )
            expected = access.by_standing[standing]
            response = call(world, key, caller)
            got = outcome(key, response)
            if got != expected:
                mismatches.append(
                    f"{standing.value} ({username}): expected {expected}, got {got}: "
                    f"{response.text[:160]}"
                )
    finally:
        world.ids["agreement_id"] = saved
    assert not mismatches, "\n".join(mismatches)


# Paper applications (issue 14, finding 3): the relationship case "officer of another carrier on
# an existing provider". The receiving carrier is always the officer's own; the provider's live
# staff list is never rewritten by a paper application (only the staff endpoints change it).
PAPER_OFFICERS = [
    ("officer.nord", "drv-nord", "drv-hessen"),  # own carrier of provider A
    ("officer.hessen", "drv-hessen", "drv-nord"),  # another carrier on an existing provider
    ("officer.bund", "drv-bund", "drv-hessen"),  # a federal carrier
]


@pytest.mark.parametrize(("officer", "own", "foreign"), PAPER_OFFICERS)
def test_paper_application_by_officer_on_existing_provider(
    world: World, officer: str, own: str, foreign: str
) -> None:
    api = world.api
    provider_id = world.ids["provider_id"]
    staff_path = f"/api/v1/providers/{provider_id}/case-managers"
    before = api.get(staff_path, as_="provider.a").json()
    changed = case_manager(
        before[0]["name"], GROUPS, degree="other", counselling_years=0, certificates=[]
    )
    injected = case_manager(f"Eingeschleust {world.unique()}", GROUPS)

    def paper(receiving: str) -> Any:
        new_site = site(f"Papier {world.unique()}", "23556")
        new_site["address"]["street"] = f"Papierweg {world.unique()}"
        body = application(
            world.registry.reference,
            receiving,
            [new_site],
            GROUPS,
            provider={"id": provider_id},
            case_managers=[changed, injected],
        )
        return api.post("/api/v1/applications", body, as_=officer)

    r = paper(foreign)
    assert r.status_code == 422, r.text
    assert [(e["field"], e.get("rule")) for e in r.json()["errors"]] == [
        ("receiving_carrier", "A1")
    ]
    r = paper(own)
    assert r.status_code == 201, r.text
    assert r.json()["receiving_carrier"] == own
    after = api.get(staff_path, as_="provider.a").json()
    assert after == before, "a paper application rewrote the provider's live staff"
