"""The declared access of every portal page and form (part of ``registry.api.access``,
docs/rules.md §9); a form posting what an API route does takes that route's rule."""

from __future__ import annotations

from registry.api.access_model import (
    ADMIN,
    ALL_ROLES,
    NOTICE_READERS,
    OFFICER,
    OFFICER_OR_PROVIDER,
    PROVIDER,
    PUBLIC_ROUTE,
    SEARCHERS,
    STRATEGIST,
    Access,
    Scope,
    act_on_agreement,
    allowed,
    answer_invitation,
    read_agreement,
)
from registry.api.api_access import API_ACCESS
from registry.auth import Role

PORTAL_ACCESS: dict[str, Access] = {
    "GET /": PUBLIC_ROUTE,
    "GET /favicon.ico": PUBLIC_ROUTE,
    "GET /login": PUBLIC_ROUTE,
    "POST /login": PUBLIC_ROUTE,
    "POST /logout": PUBLIC_ROUTE,
    "GET /sitzung": PUBLIC_ROUTE,
    "GET /sitzung/verlaengern": allowed(
        ALL_ROLES, note="stay signed in (issue 17): renews the session"
    ),
    "POST /sitzung/aufbewahren": allowed(
        frozenset(), Scope.PUBLIC, note="keeps a form posted after its session ended, same user"
    ),
    "GET /sitzung/fortsetzen": allowed(ALL_ROLES, note="one's own kept form, once"),
    "GET /auswahl/partner": allowed(ALL_ROLES, note="picker; partners only for their readers"),
    "GET /auswahl/district": allowed(ALL_ROLES, note="picker: reference data"),
    "GET /auswahl/language": allowed(ALL_ROLES, note="picker: reference data"),
    "GET /konto/passwort": allowed(ALL_ROLES),
    "POST /konto/passwort": allowed(ALL_ROLES, note="one's own password (the current one)"),
    "POST /admin/users/{user_id}/active": allowed(
        ADMIN, Scope.CARRIER, note="(de)activate an account of the admin's scope"
    ),
    "POST /admin/users/{user_id}/reset": allowed(
        ADMIN, Scope.CARRIER, note="a one-time password for an account of the admin's scope"
    ),
    "POST /logout-everywhere": allowed(ALL_ROLES),
    "GET /register": PUBLIC_ROUTE,
    "POST /register": PUBLIC_ROUTE,
    "GET /inbox": allowed(OFFICER),
    "GET /applications": allowed(OFFICER_OR_PROVIDER),
    "GET /applications/new": allowed(OFFICER_OR_PROVIDER),
    "POST /applications/new": allowed(OFFICER_OR_PROVIDER),
    "POST /applications/new/entwurf": allowed(PROVIDER, note="the own draft, saved automatically"),
    "GET /applications/{application_id}": allowed(OFFICER_OR_PROVIDER, Scope.PROVIDER),
    "POST /applications/{application_id}/decision": allowed(OFFICER, Scope.CARRIER),
    "POST /applications/{application_id}/sites/{site_id}/admission": allowed(
        OFFICER, Scope.CARRIER
    ),
    "POST /applications/{application_id}/withdraw": allowed(PROVIDER, Scope.PROVIDER),
    "GET /provider": allowed(PROVIDER),
    "GET /follow-ons": allowed(OFFICER),
    "POST /follow-ons/{task_id}/admit": allowed(OFFICER, Scope.CARRIER),
    "GET /notices": allowed(NOTICE_READERS),
    "POST /notices/acknowledge": allowed(
        NOTICE_READERS, note="several of the carrier's own notices at once"
    ),
    "POST /notices/{notice_id}/acknowledge": API_ACCESS[
        "POST /api/v1/notices/{notice_id}/acknowledge"
    ],
    "GET /announcements": allowed(ALL_ROLES),
    "POST /announcements/{announcement_id}/confirm": API_ACCESS[
        "POST /api/v1/announcements/{announcement_id}/confirm"
    ],
    "GET /announcements/new": allowed(OFFICER | STRATEGIST),
    "POST /announcements/new": allowed(OFFICER | STRATEGIST),
    "GET /search": allowed(frozenset({Role.CASE_MANAGER, Role.DIRECTORY_READER})),
    "GET /search/print": allowed(frozenset({Role.CASE_MANAGER, Role.DIRECTORY_READER})),
    "POST /search/print": allowed(frozenset({Role.CASE_MANAGER, Role.DIRECTORY_READER})),
    "GET /partners": allowed(frozenset({Role.CASE_MANAGER, Role.NETWORK_STRATEGIST})),
    "GET /partners/new": allowed(frozenset({Role.CASE_MANAGER, Role.NETWORK_STRATEGIST})),
    "POST /partners/new": allowed(frozenset({Role.CASE_MANAGER, Role.NETWORK_STRATEGIST})),
    "GET /partners/{partner_id}": allowed(
        frozenset({Role.CASE_MANAGER, Role.NETWORK_STRATEGIST}), note="partners are shared"
    ),
    "GET /agreements": allowed(STRATEGIST),
    "GET /agreements/new": allowed(STRATEGIST),
    "POST /agreements/new": allowed(STRATEGIST),
    "GET /agreements/{agreement_id}": read_agreement(),
    "POST /agreements/{agreement_id}/activate": act_on_agreement(),
    "POST /agreements/{agreement_id}/accept": answer_invitation(),
    "POST /agreements/{agreement_id}/decline": answer_invitation(),
    "GET /coverage": allowed(STRATEGIST | ADMIN),
    "GET /network/around": allowed(frozenset({Role.CASE_MANAGER, Role.NETWORK_STRATEGIST})),
    "GET /admissions": allowed(OFFICER),
    "GET /admissions/reviews": allowed(OFFICER),
    "POST /admissions/{site_id}/review": allowed(OFFICER, Scope.CARRIER),
    "GET /providers/{provider_id}/contract": allowed(OFFICER),
    "POST /providers/{provider_id}/contract": allowed(OFFICER),
    "GET /provider/staff": allowed(PROVIDER),
    "POST /provider/staff": allowed(PROVIDER),
    "GET /provider/staff/{cm_id}": allowed(PROVIDER, Scope.PROVIDER),
    "POST /provider/staff/{cm_id}": allowed(PROVIDER, Scope.PROVIDER),
    "GET /provider/staff/{cm_id}/remove": allowed(PROVIDER, Scope.PROVIDER),
    "POST /provider/staff/{cm_id}/remove": allowed(PROVIDER, Scope.PROVIDER),
    "GET /provider/sites/{site_id}": allowed(PROVIDER, Scope.PROVIDER),
    "POST /provider/sites/{site_id}": allowed(PROVIDER, Scope.PROVIDER),
    "POST /provider/sites/{site_id}/confirm": allowed(PROVIDER, Scope.PROVIDER),
    "GET /search/providers": allowed(frozenset({Role.CASE_MANAGER, Role.DIRECTORY_READER})),
    "GET /search/providers/{provider_id}": allowed(
        frozenset({Role.CASE_MANAGER, Role.DIRECTORY_READER}),
        Scope.PROVIDER,
        staff_scoped=False,
        note="an admitted provider as found by a search",
    ),
    "POST /search/unmet-need": allowed(frozenset({Role.CASE_MANAGER})),
    "GET /overview": allowed(SEARCHERS | ADMIN),
    "GET /partners/search": allowed(frozenset({Role.CASE_MANAGER, Role.NETWORK_STRATEGIST})),
    "GET /partners/{partner_id}/edit": allowed(
        frozenset({Role.CASE_MANAGER, Role.NETWORK_STRATEGIST}), Scope.CARRIER, out_of_scope=403
    ),
    "POST /partners/{partner_id}/edit": allowed(
        frozenset({Role.CASE_MANAGER, Role.NETWORK_STRATEGIST}), Scope.CARRIER, out_of_scope=403
    ),
    "GET /agreements/due": allowed(STRATEGIST),
    "GET /agreements/{agreement_id}/edit": act_on_agreement(),
    "POST /agreements/{agreement_id}/edit": act_on_agreement(),
    "POST /agreements/{agreement_id}/status": act_on_agreement(),
    # quality assurance (A16), as in the API
    "GET /providers/{provider_id}/quality": API_ACCESS[
        "GET /api/v1/providers/{provider_id}/quality"
    ],
    "POST /providers/{provider_id}/quality/visits": allowed(OFFICER, Scope.PROVIDER),
    "POST /providers/{provider_id}/quality/visits/{visit_id}/join": allowed(
        OFFICER, Scope.PROVIDER
    ),
    "POST /providers/{provider_id}/quality/visits/{visit_id}/done": allowed(
        OFFICER, Scope.PROVIDER
    ),
    "POST /providers/{provider_id}/quality/complaints": allowed(OFFICER, Scope.PROVIDER),
    "POST /providers/{provider_id}/quality/figures": allowed(PROVIDER, Scope.PROVIDER),
    "GET /admin/users": allowed(ADMIN),
    "POST /admin/users": allowed(ADMIN),
    "GET /admin/profile": allowed(ADMIN),
    "POST /admin/profile/{carrier_id}": API_ACCESS["PUT /api/v1/carriers/{carrier_id}/profile"],
    "GET /admin/criteria": allowed(ADMIN),
    "POST /admin/criteria": API_ACCESS["PUT /api/v1/criteria"],
}
