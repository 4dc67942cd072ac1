"""The declared access of every JSON API route (``/api/v1/...``; part of ``registry.api.access``,
docs/rules.md §9)."""

from __future__ import annotations

from registry.api.access_model import (
    ADMIN,
    ALL_ROLES,
    NOTICE_READERS,
    OFFICER,
    OFFICER_OR_PROVIDER,
    PARTNER_STAFF,
    PROVIDER,
    PUBLIC_ROUTE,
    SEARCHERS,
    STAFF,
    STRATEGIST,
    Access,
    Relation,
    Scope,
    act_on_agreement,
    allowed,
    answer_invitation,
    read_agreement,
)
from registry.auth import Role

API_ACCESS: dict[str, Access] = {
    # authentication and reference data
    "POST /api/v1/auth/token": PUBLIC_ROUTE,
    "POST /api/v1/auth/logout-everywhere": allowed(ALL_ROLES),
    "POST /api/v1/auth/logout": allowed(ALL_ROLES),
    "POST /api/v1/auth/password": allowed(ALL_ROLES, note="one's own password (the current one)"),
    "GET /api/v1/carriers": allowed(ALL_ROLES),
    "GET /api/v1/target-groups": allowed(ALL_ROLES),
    "GET /api/v1/concept-sections": allowed(ALL_ROLES),
    "GET /api/v1/places/resolve": allowed(ALL_ROLES),
    "GET /api/v1/users": allowed(ADMIN, note="a carrier admin lists the users of its carrier"),
    "POST /api/v1/users": allowed(
        ADMIN, note="a carrier admin creates users of its carrier only (422 naming the field)"
    ),
    "PATCH /api/v1/users/{user_id}": allowed(
        ADMIN, Scope.CARRIER, note="(de)activate an account of the admin's scope"
    ),
    "POST /api/v1/users/{user_id}/reset-password": allowed(
        ADMIN, Scope.CARRIER, note="a one-time password for an account of the admin's scope"
    ),
    # providers and applications (A1-A12)
    "POST /api/v1/providers": allowed(
        OFFICER | ADMIN, Scope.PUBLIC, note="self-registration without login"
    ),
    "GET /api/v1/providers/{provider_id}": allowed(
        ALL_ROLES - {Role.DIRECTORY_READER},
        Scope.PROVIDER,
        staff_scoped=False,
        note="a directory reader searches and prints, nothing else",
    ),
    "POST /api/v1/applications": allowed(OFFICER_OR_PROVIDER),
    "GET /api/v1/applications": allowed(OFFICER_OR_PROVIDER),
    "GET /api/v1/applications/{application_id}": allowed(OFFICER_OR_PROVIDER, Scope.PROVIDER),
    "POST /api/v1/applications/{application_id}/decision": allowed(OFFICER, Scope.CARRIER),
    "POST /api/v1/applications/{application_id}/withdraw": allowed(PROVIDER, Scope.PROVIDER),
    "GET /api/v1/follow-on-admissions": allowed(OFFICER),
    "POST /api/v1/follow-on-admissions/{task_id}/admit": allowed(OFFICER, Scope.CARRIER),
    "POST /api/v1/admissions/{site_id}/suspend": allowed(OFFICER, Scope.CARRIER),
    "POST /api/v1/admissions/{site_id}/resume": allowed(OFFICER, Scope.CARRIER),
    "POST /api/v1/admissions/{site_id}/revoke": allowed(OFFICER, Scope.CARRIER),
    "POST /api/v1/admissions/{site_id}/review": allowed(OFFICER, Scope.CARRIER),
    "POST /api/v1/announcements": allowed(OFFICER | STRATEGIST),
    "GET /api/v1/announcements": allowed(ALL_ROLES),
    "POST /api/v1/announcements/{announcement_id}/confirm": allowed(
        OFFICER | STRATEGIST,
        Scope.CARRIER,
        federal_sees=True,
        note="a carrier named on the announcement confirms its part (A12, N4); the matrix's "
        "names DRV Nord and DRV Bund; others get 404",
    ),
    "GET /api/v1/notices": allowed(NOTICE_READERS),
    "POST /api/v1/notices/{notice_id}/acknowledge": allowed(
        NOTICE_READERS,
        Scope.CARRIER,
        exceptions={(Role.NETWORK_STRATEGIST, Relation.OWN): 404},
        note="the object is an admission notice: officers acknowledge it, strategists never see it",
    ),
    # lifecycle (A13-A15, Q0)
    "POST /api/v1/providers/{provider_id}/contracts": allowed(
        OFFICER, note="providers are not secret to officers; A13 refuses other carriers (422)"
    ),
    "GET /api/v1/providers/{provider_id}/case-managers": allowed(
        OFFICER_OR_PROVIDER, Scope.PROVIDER
    ),
    "POST /api/v1/providers/{provider_id}/case-managers": allowed(PROVIDER, Scope.PROVIDER),
    "PATCH /api/v1/providers/{provider_id}/case-managers/{cm_id}": allowed(
        PROVIDER, Scope.PROVIDER
    ),
    "DELETE /api/v1/providers/{provider_id}/case-managers/{cm_id}": allowed(
        PROVIDER, Scope.PROVIDER
    ),
    "POST /api/v1/providers/{provider_id}/sites/{site_id}/confirm": allowed(
        PROVIDER, Scope.PROVIDER
    ),
    "PATCH /api/v1/providers/{provider_id}/sites/{site_id}": allowed(PROVIDER, Scope.PROVIDER),
    "GET /api/v1/admissions": allowed(OFFICER),
    "GET /api/v1/admissions/due-for-review": allowed(OFFICER),
    "GET /api/v1/carriers/{carrier_id}/profile": allowed(ALL_ROLES),
    "PUT /api/v1/carriers/{carrier_id}/profile": allowed(
        ADMIN, Scope.CARRIER, out_of_scope=403, note="profiles are public; only its admin edits"
    ),
    "GET /api/v1/criteria": allowed(ALL_ROLES, note="Q0: the national criteria setting"),
    "PUT /api/v1/criteria": allowed(
        ADMIN,
        exceptions={(Role.ADMIN, Relation.OWN): 403, (Role.ADMIN, Relation.OTHER): 403},
        note="Q0: one national setting, changed only by a national admin",
    ),
    "GET /api/v1/tasks": allowed(OFFICER_OR_PROVIDER),
    "POST /api/v1/tasks/{task_id}/dismiss": allowed(OFFICER, Scope.CARRIER),
    # quality assurance (A16): carriers that admitted a site of the provider, and the provider
    "GET /api/v1/providers/{provider_id}/visits": allowed(
        OFFICER_OR_PROVIDER,
        Scope.PROVIDER,
        note="officers of a carrier that admitted one of its sites, and the provider itself",
    ),
    "POST /api/v1/providers/{provider_id}/visits": allowed(OFFICER, Scope.PROVIDER),
    "POST /api/v1/providers/{provider_id}/visits/{visit_id}/join": allowed(OFFICER, Scope.PROVIDER),
    "POST /api/v1/providers/{provider_id}/visits/{visit_id}/done": allowed(OFFICER, Scope.PROVIDER),
    "POST /api/v1/providers/{provider_id}/complaints": allowed(
        OFFICER, Scope.PROVIDER, note="counts by category and month, nothing else (422)"
    ),
    "PUT /api/v1/providers/{provider_id}/yearly-figures/{year}": allowed(PROVIDER, Scope.PROVIDER),
    "GET /api/v1/providers/{provider_id}/quality": allowed(
        OFFICER_OR_PROVIDER,
        Scope.PROVIDER,
        note="the provider sees its complaints as monthly totals, without categories",
    ),
    # network (N1-N7, E7)
    "POST /api/v1/partners": allowed(PARTNER_STAFF),
    "GET /api/v1/partners": allowed(PARTNER_STAFF),
    "GET /api/v1/partners/search": allowed(frozenset({Role.CASE_MANAGER, Role.NETWORK_STRATEGIST})),
    "GET /api/v1/partners/{partner_id}": allowed(PARTNER_STAFF, note="partners are shared"),
    "PATCH /api/v1/partners/{partner_id}": allowed(
        PARTNER_STAFF,
        Scope.CARRIER,
        out_of_scope=403,
        note="readable by all carriers, changed by those working with it (N1); a carrier adds "
        "or removes only itself from its carriers (N4, 422 naming the field)",
    ),
    "POST /api/v1/agreements": allowed(
        STRATEGIST,
        Scope.CARRIER,
        federal_sees=True,
        out_of_scope=403,
        note="a regional scope is made by its carriers and the federal ones (N4); the creator "
        "is a party, other carriers named are invited",
    ),
    "GET /api/v1/agreements": allowed(STRATEGIST),
    "GET /api/v1/agreements/due-for-review": allowed(STRATEGIST),
    "GET /api/v1/agreements/{agreement_id}": read_agreement(),
    "PATCH /api/v1/agreements/{agreement_id}": act_on_agreement(),
    "POST /api/v1/agreements/{agreement_id}/activate": act_on_agreement(),
    "POST /api/v1/agreements/{agreement_id}/suspend": act_on_agreement(),
    "POST /api/v1/agreements/{agreement_id}/resume": act_on_agreement(),
    "POST /api/v1/agreements/{agreement_id}/terminate": act_on_agreement(),
    "POST /api/v1/agreements/{agreement_id}/accept": answer_invitation(),
    "POST /api/v1/agreements/{agreement_id}/decline": answer_invitation(),
    "GET /api/v1/coverage": allowed(STRATEGIST | ADMIN),
    "GET /api/v1/network/around": allowed(
        frozenset({Role.CASE_MANAGER, Role.NETWORK_STRATEGIST}),
        note="who serves a district for a group (issue 12); the same for every carrier",
    ),
    "GET /api/v1/unmet-needs": allowed(STRATEGIST | ADMIN),
    "POST /api/v1/unmet-needs": allowed(frozenset({Role.CASE_MANAGER})),
    # directory (E1-E8)
    "GET /api/v1/directory/search": allowed(SEARCHERS),
    "GET /api/v1/directory/print": allowed(SEARCHERS),
    "POST /api/v1/directory/print": allowed(SEARCHERS),
    "GET /api/v1/directory/explain": allowed(
        SEARCHERS | PROVIDER, Scope.PROVIDER, staff_scoped=False, note="a provider explains itself"
    ),
    "GET /api/v1/directory/overview": allowed(SEARCHERS | ADMIN),
    "GET /api/v1/directory/export/hsds": allowed(
        STAFF, note="open data (HSDS 3.0), public content but not anonymous"
    ),
}
