"""The declared access table of docs/rules.md §9: for every route of the application, who may call it.

The guards (``registry.api.security.allow``) enforce the roles and the services enforce object
scope; this table states the intended rule once more, independently, so that the authorisation
matrix test (``tests/security/test_authorization_matrix.py``) can call every route as every
role and scope and compare. A route that is not declared here fails that test: adding a route
means deciding who may call it.

Keys are ``"METHOD /path/{param}"`` with the path template as Litestar formats it
(``route.path_format``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from registry.auth import Role


class Scope(StrEnum):
    """How the object a route acts on limits who may reach it."""

    PUBLIC = "public"  # no login needed (a logged-in caller must still hold one of the roles)
    INTERNAL = "internal"  # not for users: the local admin channel (token file, loopback only)
    NONE = "none"  # no single object; lists are filtered to the caller's scope
    CARRIER = "carrier"  # an object of one carrier: other carriers are refused
    PROVIDER = "provider"  # an object of one provider: other providers are refused


class Standing(StrEnum):
    """How a strategist's carrier stands to an agreement (rule N4; the relationship cases of the
    matrix, ``test_agreement_routes_by_relationship``)."""

    PARTY = "party"  # (:Carrier)-[:PARTY_TO]->(:Agreement)
    INVITED = "invited"  # (:Carrier)-[:INVITED_TO]->(:Agreement)
    REGION = "region"  # not named; a regional carrier of a region the scope touches (informed)
    FEDERAL = "federal"  # not named; a federal carrier (informed of every agreement)
    STRANGER = "stranger"  # not named, its region untouched: the agreement is not revealed


class Relation(StrEnum):
    """How a caller relates to the object of a route (docs/rules.md §9)."""

    OWN = "own"  # same carrier, or the provider itself
    OTHER = "other"  # another regional carrier, or another provider
    FEDERAL = "federal"  # a federal carrier (DRV Bund, DRV Knappschaft-Bahn-See)
    UNSCOPED = "unscoped"  # an admin without a carrier


ALL_ROLES = frozenset(Role)
STAFF = frozenset(
    {
        Role.ADMISSIONS_OFFICER,
        Role.CASE_MANAGER,
        Role.DIRECTORY_READER,
        Role.NETWORK_STRATEGIST,
        Role.ADMIN,
    }
)
SEARCHERS = frozenset(
    {
        Role.CASE_MANAGER,
        Role.DIRECTORY_READER,
        Role.ADMISSIONS_OFFICER,
        Role.NETWORK_STRATEGIST,
    }
)
OFFICER = frozenset({Role.ADMISSIONS_OFFICER})
PROVIDER = frozenset({Role.PROVIDER})
STRATEGIST = frozenset({Role.NETWORK_STRATEGIST})
ADMIN = frozenset({Role.ADMIN})
OFFICER_OR_PROVIDER = OFFICER | PROVIDER
NOTICE_READERS = OFFICER | STRATEGIST
PARTNER_STAFF = frozenset({Role.CASE_MANAGER, Role.NETWORK_STRATEGIST, Role.ADMIN})


@dataclass(frozen=True)
class Access:
    """Who may call one route.

    ``roles``: the roles the guard lets through (empty: no role needed, see ``scope``).
    ``scope``: how the object limits access. For ``CARRIER``, a caller of another carrier gets
    ``out_of_scope`` (404: the object is not revealed; 403 where the caller may read the object
    but not change it); a federal carrier is treated as own carrier when ``federal_sees``.
    For ``PROVIDER``, another provider gets 404; carrier staff are scoped like ``CARRIER`` when
    ``staff_scoped``, else every carrier's staff in ``roles`` may call it.
    ``exceptions``: outcomes that differ from these defaults, by (role, relation).
    ``by_standing``: for routes on one agreement, the outcome for a strategist by how its
    carrier stands to the agreement (rule N4: parties act, the invited answer, the informed read).
    """

    roles: frozenset[Role]
    scope: Scope
    federal_sees: bool = False
    staff_scoped: bool = True
    out_of_scope: int = 404
    exceptions: Mapping[tuple[Role, Relation], int] = field(default_factory=dict)
    by_standing: Mapping[Standing, int | str] = field(default_factory=dict)
    note: str = ""

    def expected(self, role: Role | None, relation: Relation | None) -> int | str:
        """The declared outcome for a caller: "ok", or the refusing status code."""
        if self.scope is Scope.INTERNAL:
            return 401
        if role is None:
            return "ok" if self.scope is Scope.PUBLIC else 401
        if self.roles and role not in self.roles:
            return 403
        assert relation is not None
        if (role, relation) in self.exceptions:
            return self.exceptions[(role, relation)]
        if self.scope in (Scope.PUBLIC, Scope.NONE):
            return "ok"
        if self.scope is Scope.PROVIDER and role is Role.PROVIDER:
            return "ok" if relation is Relation.OWN else 404
        if self.scope is Scope.PROVIDER and not self.staff_scoped:
            return "ok"
        if relation in (Relation.OWN, Relation.UNSCOPED):
            return "ok"
        if relation is Relation.FEDERAL and self.federal_sees:
            return "ok"
        return self.out_of_scope


def _a(roles: frozenset[Role], scope: Scope = Scope.NONE, **kw: Any) -> Access:
    return Access(roles=roles, scope=scope, **kw)


# Rule N4: every strategist that may read an agreement (named on it, or informed because its
# region is touched, federal carriers always) reads it; only parties act on it; only an invited
# carrier answers its invitation; a carrier neither named nor informed gets 404.
_AGREEMENT_READ: Mapping[Standing, int | str] = {
    Standing.PARTY: "ok",
    Standing.INVITED: "ok",
    Standing.REGION: "ok",
    Standing.FEDERAL: "ok",
    Standing.STRANGER: 404,
}
_AGREEMENT_ACT: Mapping[Standing, int | str] = {
    **_AGREEMENT_READ,
    Standing.INVITED: 403,
    Standing.REGION: 403,
    Standing.FEDERAL: 403,
}
_AGREEMENT_ANSWER: Mapping[Standing, int | str] = {
    **_AGREEMENT_ACT,
    Standing.PARTY: 403,
    Standing.INVITED: "ok",
}


def _read_agreement() -> Access:
    return _a(STRATEGIST, Scope.CARRIER, federal_sees=True, by_standing=_AGREEMENT_READ)


def _act_on_agreement(note: str = "") -> Access:
    """The matrix's agreement is DRV Nord's: DRV Bund is informed (403), DRV Hessen a stranger."""
    return _a(
        STRATEGIST,
        Scope.CARRIER,
        federal_sees=True,
        exceptions={(Role.NETWORK_STRATEGIST, Relation.FEDERAL): 403},
        by_standing=_AGREEMENT_ACT,
        note=note or "parties only (N4); the informed read, strangers get 404",
    )


def _answer_invitation() -> Access:
    return _a(
        STRATEGIST,
        Scope.CARRIER,
        exceptions={
            (Role.NETWORK_STRATEGIST, Relation.OWN): 403,
            (Role.NETWORK_STRATEGIST, Relation.FEDERAL): 403,
        },
        by_standing=_AGREEMENT_ANSWER,
        note="only a strategist of an invited carrier (N4); the matrix's agreement invites none",
    )


_PUBLIC = _a(frozenset(), Scope.PUBLIC)
_INFRA = _a(frozenset(), Scope.PUBLIC, note="operations and documentation")

API_ACCESS: dict[str, Access] = {
    # authentication and reference data
    "POST /api/v1/auth/token": _PUBLIC,
    "POST /api/v1/auth/logout-everywhere": _a(ALL_ROLES),
    "POST /api/v1/auth/logout": _a(ALL_ROLES),
    "POST /api/v1/auth/password": _a(ALL_ROLES, note="one's own password (the current one)"),
    "GET /api/v1/carriers": _a(ALL_ROLES),
    "GET /api/v1/target-groups": _a(ALL_ROLES),
    "GET /api/v1/concept-sections": _a(ALL_ROLES),
    "GET /api/v1/places/resolve": _a(ALL_ROLES),
    "GET /api/v1/users": _a(ADMIN, note="a carrier admin lists the users of its carrier"),
    "POST /api/v1/users": _a(
        ADMIN, note="a carrier admin creates users of its carrier only (422 naming the field)"
    ),
    "PATCH /api/v1/users/{user_id}": _a(
        ADMIN, Scope.CARRIER, note="(de)activate an account of the admin's scope"
    ),
    "POST /api/v1/users/{user_id}/reset-password": _a(
        ADMIN, Scope.CARRIER, note="a one-time password for an account of the admin's scope"
    ),
    # providers and applications (A1-A12)
    "POST /api/v1/providers": _a(
        OFFICER | ADMIN, Scope.PUBLIC, note="self-registration without login"
    ),
    "GET /api/v1/providers/{provider_id}": _a(
        ALL_ROLES - {Role.DIRECTORY_READER},
        Scope.PROVIDER,
        staff_scoped=False,
        note="a directory reader searches and prints, nothing else",
    ),
    "POST /api/v1/applications": _a(OFFICER_OR_PROVIDER),
    "GET /api/v1/applications": _a(OFFICER_OR_PROVIDER),
    "GET /api/v1/applications/{application_id}": _a(OFFICER_OR_PROVIDER, Scope.PROVIDER),
    "POST /api/v1/applications/{application_id}/decision": _a(OFFICER, Scope.CARRIER),
    "POST /api/v1/applications/{application_id}/withdraw": _a(PROVIDER, Scope.PROVIDER),
    "GET /api/v1/follow-on-admissions": _a(OFFICER),
    "POST /api/v1/follow-on-admissions/{task_id}/admit": _a(OFFICER, Scope.CARRIER),
    "POST /api/v1/admissions/{site_id}/suspend": _a(OFFICER, Scope.CARRIER),
    "POST /api/v1/admissions/{site_id}/resume": _a(OFFICER, Scope.CARRIER),
    "POST /api/v1/admissions/{site_id}/revoke": _a(OFFICER, Scope.CARRIER),
    "POST /api/v1/admissions/{site_id}/review": _a(OFFICER, Scope.CARRIER),
    "POST /api/v1/announcements": _a(OFFICER | STRATEGIST),
    "GET /api/v1/announcements": _a(ALL_ROLES),
    "POST /api/v1/announcements/{announcement_id}/confirm": _a(
        OFFICER | STRATEGIST,
        Scope.CARRIER,
        federal_sees=True,
        note="a carrier named on the announcement confirms its part (A12, N4); the matrix's "
        "names DRV Nord and DRV Bund; others get 404",
    ),
    "GET /api/v1/notices": _a(NOTICE_READERS),
    "POST /api/v1/notices/{notice_id}/acknowledge": _a(
        NOTICE_READERS,
        Scope.CARRIER,
        exceptions={(Role.NETWORK_STRATEGIST, Relation.OWN): 404},
        note="the object is an admission notice: officers acknowledge it, strategists never see it",
    ),
    # lifecycle (A13-A15, Q0)
    "POST /api/v1/providers/{provider_id}/contracts": _a(
        OFFICER, note="providers are not secret to officers; A13 refuses other carriers (422)"
    ),
    "GET /api/v1/providers/{provider_id}/case-managers": _a(OFFICER_OR_PROVIDER, Scope.PROVIDER),
    "POST /api/v1/providers/{provider_id}/case-managers": _a(PROVIDER, Scope.PROVIDER),
    "PATCH /api/v1/providers/{provider_id}/case-managers/{cm_id}": _a(PROVIDER, Scope.PROVIDER),
    "DELETE /api/v1/providers/{provider_id}/case-managers/{cm_id}": _a(PROVIDER, Scope.PROVIDER),
    "POST /api/v1/providers/{provider_id}/sites/{site_id}/confirm": _a(PROVIDER, Scope.PROVIDER),
    "PATCH /api/v1/providers/{provider_id}/sites/{site_id}": _a(PROVIDER, Scope.PROVIDER),
    "GET /api/v1/admissions": _a(OFFICER),
    "GET /api/v1/admissions/due-for-review": _a(OFFICER),
    "GET /api/v1/carriers/{carrier_id}/profile": _a(ALL_ROLES),
    "PUT /api/v1/carriers/{carrier_id}/profile": _a(
        ADMIN, Scope.CARRIER, out_of_scope=403, note="profiles are public; only its admin edits"
    ),
    "GET /api/v1/criteria": _a(ALL_ROLES, note="Q0: the national criteria setting"),
    "PUT /api/v1/criteria": _a(
        ADMIN,
        exceptions={(Role.ADMIN, Relation.OWN): 403, (Role.ADMIN, Relation.OTHER): 403},
        note="Q0: one national setting, changed only by a national admin",
    ),
    "GET /api/v1/tasks": _a(OFFICER_OR_PROVIDER),
    "POST /api/v1/tasks/{task_id}/dismiss": _a(OFFICER, Scope.CARRIER),
    # quality assurance (A16): carriers that admitted a site of the provider, and the provider
    "GET /api/v1/providers/{provider_id}/visits": _a(
        OFFICER_OR_PROVIDER,
        Scope.PROVIDER,
        note="officers of a carrier that admitted one of its sites, and the provider itself",
    ),
    "POST /api/v1/providers/{provider_id}/visits": _a(OFFICER, Scope.PROVIDER),
    "POST /api/v1/providers/{provider_id}/visits/{visit_id}/join": _a(OFFICER, Scope.PROVIDER),
    "POST /api/v1/providers/{provider_id}/visits/{visit_id}/done": _a(OFFICER, Scope.PROVIDER),
    "POST /api/v1/providers/{provider_id}/complaints": _a(
        OFFICER, Scope.PROVIDER, note="counts by category and month, nothing else (422)"
    ),
    "PUT /api/v1/providers/{provider_id}/yearly-figures/{year}": _a(PROVIDER, Scope.PROVIDER),
    "GET /api/v1/providers/{provider_id}/quality": _a(
        OFFICER_OR_PROVIDER,
        Scope.PROVIDER,
        note="the provider sees its complaints as monthly totals, without categories",
    ),
    # network (N1-N7, E7)
    "POST /api/v1/partners": _a(PARTNER_STAFF),
    "GET /api/v1/partners": _a(PARTNER_STAFF),
    "GET /api/v1/partners/search": _a(frozenset({Role.CASE_MANAGER, Role.NETWORK_STRATEGIST})),
    "GET /api/v1/partners/{partner_id}": _a(PARTNER_STAFF, note="partners are shared"),
    "PATCH /api/v1/partners/{partner_id}": _a(
        PARTNER_STAFF,
        Scope.CARRIER,
        out_of_scope=403,
        note="readable by all carriers, changed by those working with it (N1); a carrier adds "
        "or removes only itself from its carriers (N4, 422 naming the field)",
    ),
    "POST /api/v1/agreements": _a(
        STRATEGIST,
        Scope.CARRIER,
        federal_sees=True,
        out_of_scope=403,
        note="a regional scope is made by its carriers and the federal ones (N4); the creator "
        "is a party, other carriers named are invited",
    ),
    "GET /api/v1/agreements": _a(STRATEGIST),
    "GET /api/v1/agreements/due-for-review": _a(STRATEGIST),
    "GET /api/v1/agreements/{agreement_id}": _read_agreement(),
    "PATCH /api/v1/agreements/{agreement_id}": _act_on_agreement(),
    "POST /api/v1/agreements/{agreement_id}/activate": _act_on_agreement(),
    "POST /api/v1/agreements/{agreement_id}/suspend": _act_on_agreement(),
    "POST /api/v1/agreements/{agreement_id}/resume": _act_on_agreement(),
    "POST /api/v1/agreements/{agreement_id}/terminate": _act_on_agreement(),
    "POST /api/v1/agreements/{agreement_id}/accept": _answer_invitation(),
    "POST /api/v1/agreements/{agreement_id}/decline": _answer_invitation(),
    "GET /api/v1/coverage": _a(STRATEGIST | ADMIN),
    "GET /api/v1/network/around": _a(
        frozenset({Role.CASE_MANAGER, Role.NETWORK_STRATEGIST}),
        note="who serves a district for a group (issue 12); the same for every carrier",
    ),
    "GET /api/v1/unmet-needs": _a(STRATEGIST | ADMIN),
    "POST /api/v1/unmet-needs": _a(frozenset({Role.CASE_MANAGER})),
    # directory (E1-E8)
    "GET /api/v1/directory/search": _a(SEARCHERS),
    "GET /api/v1/directory/print": _a(SEARCHERS),
    "GET /api/v1/directory/explain": _a(
        SEARCHERS | PROVIDER, Scope.PROVIDER, staff_scoped=False, note="a provider explains itself"
    ),
    "GET /api/v1/directory/overview": _a(SEARCHERS | ADMIN),
    "GET /api/v1/directory/export/hsds": _a(
        STAFF, note="open data (HSDS 3.0), public content but not anonymous"
    ),
}

PORTAL_ACCESS: dict[str, Access] = {
    "GET /": _PUBLIC,
    "GET /login": _PUBLIC,
    "POST /login": _PUBLIC,
    "POST /logout": _PUBLIC,
    "GET /sitzung": _PUBLIC,
    "GET /sitzung/verlaengern": _a(ALL_ROLES, note="stay signed in (issue 17): renews the session"),
    "POST /sitzung/aufbewahren": _a(
        frozenset(), Scope.PUBLIC, note="keeps a form posted after its session ended, same user"
    ),
    "GET /sitzung/fortsetzen": _a(ALL_ROLES, note="one's own kept form, once"),
    "GET /auswahl/partner": _a(ALL_ROLES, note="picker; partners only for their readers"),
    "GET /auswahl/district": _a(ALL_ROLES, note="picker: reference data"),
    "GET /auswahl/language": _a(ALL_ROLES, note="picker: reference data"),
    "GET /konto/passwort": _a(ALL_ROLES),
    "POST /konto/passwort": _a(ALL_ROLES, note="one's own password (the current one)"),
    "POST /admin/users/{user_id}/active": _a(
        ADMIN, Scope.CARRIER, note="(de)activate an account of the admin's scope"
    ),
    "POST /admin/users/{user_id}/reset": _a(
        ADMIN, Scope.CARRIER, note="a one-time password for an account of the admin's scope"
    ),
    "POST /logout-everywhere": _a(ALL_ROLES),
    "GET /register": _PUBLIC,
    "POST /register": _PUBLIC,
    "GET /inbox": _a(OFFICER),
    "GET /applications": _a(OFFICER_OR_PROVIDER),
    "GET /applications/new": _a(OFFICER_OR_PROVIDER),
    "POST /applications/new": _a(OFFICER_OR_PROVIDER),
    "POST /applications/new/entwurf": _a(PROVIDER, note="the own draft, saved automatically"),
    "GET /applications/{application_id}": _a(OFFICER_OR_PROVIDER, Scope.PROVIDER),
    "POST /applications/{application_id}/decision": _a(OFFICER, Scope.CARRIER),
    "POST /applications/{application_id}/sites/{site_id}/admission": _a(OFFICER, Scope.CARRIER),
    "POST /applications/{application_id}/withdraw": _a(PROVIDER, Scope.PROVIDER),
    "GET /provider": _a(PROVIDER),
    "GET /follow-ons": _a(OFFICER),
    "POST /follow-ons/{task_id}/admit": _a(OFFICER, Scope.CARRIER),
    "GET /notices": _a(NOTICE_READERS),
    "POST /notices/{notice_id}/acknowledge": API_ACCESS[
        "POST /api/v1/notices/{notice_id}/acknowledge"
    ],
    "GET /announcements": _a(ALL_ROLES),
    "POST /announcements/{announcement_id}/confirm": API_ACCESS[
        "POST /api/v1/announcements/{announcement_id}/confirm"
    ],
    "GET /announcements/new": _a(OFFICER | STRATEGIST),
    "POST /announcements/new": _a(OFFICER | STRATEGIST),
    "GET /search": _a(frozenset({Role.CASE_MANAGER, Role.DIRECTORY_READER})),
    "GET /search/print": _a(frozenset({Role.CASE_MANAGER, Role.DIRECTORY_READER})),
    "POST /search/print": _a(frozenset({Role.CASE_MANAGER, Role.DIRECTORY_READER})),
    "GET /partners": _a(frozenset({Role.CASE_MANAGER, Role.NETWORK_STRATEGIST})),
    "GET /partners/new": _a(frozenset({Role.CASE_MANAGER, Role.NETWORK_STRATEGIST})),
    "POST /partners/new": _a(frozenset({Role.CASE_MANAGER, Role.NETWORK_STRATEGIST})),
    "GET /partners/{partner_id}": _a(
        frozenset({Role.CASE_MANAGER, Role.NETWORK_STRATEGIST}), note="partners are shared"
    ),
    "GET /agreements": _a(STRATEGIST),
    "GET /agreements/new": _a(STRATEGIST),
    "POST /agreements/new": _a(STRATEGIST),
    "GET /agreements/{agreement_id}": _read_agreement(),
    "POST /agreements/{agreement_id}/activate": _act_on_agreement(),
    "POST /agreements/{agreement_id}/accept": _answer_invitation(),
    "POST /agreements/{agreement_id}/decline": _answer_invitation(),
    "GET /coverage": _a(STRATEGIST | ADMIN),
    "GET /network/around": _a(frozenset({Role.CASE_MANAGER, Role.NETWORK_STRATEGIST})),
    "GET /admissions": _a(OFFICER),
    "GET /admissions/reviews": _a(OFFICER),
    "POST /admissions/{site_id}/review": _a(OFFICER, Scope.CARRIER),
    "GET /providers/{provider_id}/contract": _a(OFFICER),
    "POST /providers/{provider_id}/contract": _a(OFFICER),
    "GET /provider/staff": _a(PROVIDER),
    "POST /provider/staff": _a(PROVIDER),
    "GET /provider/staff/{cm_id}": _a(PROVIDER, Scope.PROVIDER),
    "POST /provider/staff/{cm_id}": _a(PROVIDER, Scope.PROVIDER),
    "GET /provider/staff/{cm_id}/remove": _a(PROVIDER, Scope.PROVIDER),
    "POST /provider/staff/{cm_id}/remove": _a(PROVIDER, Scope.PROVIDER),
    "GET /provider/sites/{site_id}": _a(PROVIDER, Scope.PROVIDER),
    "POST /provider/sites/{site_id}": _a(PROVIDER, Scope.PROVIDER),
    "POST /provider/sites/{site_id}/confirm": _a(PROVIDER, Scope.PROVIDER),
    "GET /search/providers": _a(frozenset({Role.CASE_MANAGER, Role.DIRECTORY_READER})),
    "GET /search/providers/{provider_id}": _a(
        frozenset({Role.CASE_MANAGER, Role.DIRECTORY_READER}),
        Scope.PROVIDER,
        staff_scoped=False,
        note="an admitted provider as found by a search",
    ),
    "POST /search/unmet-need": _a(frozenset({Role.CASE_MANAGER})),
    "GET /overview": _a(SEARCHERS | ADMIN),
    "GET /partners/search": _a(frozenset({Role.CASE_MANAGER, Role.NETWORK_STRATEGIST})),
    "GET /partners/{partner_id}/edit": _a(
        frozenset({Role.CASE_MANAGER, Role.NETWORK_STRATEGIST}), Scope.CARRIER, out_of_scope=403
    ),
    "POST /partners/{partner_id}/edit": _a(
        frozenset({Role.CASE_MANAGER, Role.NETWORK_STRATEGIST}), Scope.CARRIER, out_of_scope=403
    ),
    "GET /agreements/due": _a(STRATEGIST),
    "GET /agreements/{agreement_id}/edit": _act_on_agreement(),
    "POST /agreements/{agreement_id}/edit": _act_on_agreement(),
    "POST /agreements/{agreement_id}/status": _act_on_agreement(),
    # quality assurance (A16), as in the API
    "GET /providers/{provider_id}/quality": API_ACCESS[
        "GET /api/v1/providers/{provider_id}/quality"
    ],
    "POST /providers/{provider_id}/quality/visits": _a(OFFICER, Scope.PROVIDER),
    "POST /providers/{provider_id}/quality/visits/{visit_id}/join": _a(OFFICER, Scope.PROVIDER),
    "POST /providers/{provider_id}/quality/visits/{visit_id}/done": _a(OFFICER, Scope.PROVIDER),
    "POST /providers/{provider_id}/quality/complaints": _a(OFFICER, Scope.PROVIDER),
    "POST /providers/{provider_id}/quality/figures": _a(PROVIDER, Scope.PROVIDER),
    "GET /admin/users": _a(ADMIN),
    "POST /admin/users": _a(ADMIN),
    "GET /admin/profile": _a(ADMIN),
    "POST /admin/profile/{carrier_id}": API_ACCESS["PUT /api/v1/carriers/{carrier_id}/profile"],
    "GET /admin/criteria": _a(ADMIN),
    "POST /admin/criteria": API_ACCESS["PUT /api/v1/criteria"],
}

INFRA_ACCESS: dict[str, Access] = {
    "GET /healthz": _INFRA,
    "GET /readyz": _INFRA,
    "GET /metrics": _a(frozenset(), Scope.PUBLIC, note="loopback, or the metrics token"),
    "POST /internal/admin/{command}": _a(frozenset(), Scope.INTERNAL),
    "GET /static/{file_path}": _INFRA,
    "HEAD /static/{file_path}": _INFRA,
    **{
        f"GET /schema{suffix}": _INFRA
        # the documentation page rendered from the schema (no CDN scripts), the schema itself
        for suffix in ("", "/openapi.json", "/openapi.yaml", "/openapi.yml", "/{path}")
    },
}

ACCESS: dict[str, Access] = {**INFRA_ACCESS, **API_ACCESS, **PORTAL_ACCESS}


def route_keys(app: Any) -> Iterator[tuple[str, Any]]:
    """Every (``"METHOD /path"``, handler) of a Litestar app, except the automatic OPTIONS."""
    for route in app.routes:
        handler_map = getattr(route, "route_handler_map", None)
        if not handler_map:
            continue
        for method, (handler, _) in handler_map.items():
            if method == "OPTIONS":
                continue
            yield f"{method} {route.path_format or '/'}", handler


def guard_roles(handler: Any) -> frozenset[Role] | None:
    """The roles the handler's ``allow`` guards admit (None: no such guard)."""
    roles: frozenset[Role] | None = None
    for guard in handler.resolve_guards():
        fn = getattr(guard, "func", guard)
        declared = getattr(fn, "roles", None)
        if declared is not None:
            current = frozenset(declared)
            roles = current if roles is None else roles & current
    return roles
