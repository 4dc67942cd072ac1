"""The vocabulary of the declared access table (docs/rules.md §9, ``registry.api.access``): how
an object limits who reaches it (`Scope`), a carrier's standing towards an agreement and a
caller's relation to an object, the role sets, `Access` (one route's rule) and its builders.
"""

from __future__ import annotations

from collections.abc import Mapping
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


def allowed(roles: frozenset[Role], scope: Scope = Scope.NONE, **kw: Any) -> Access:
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


def read_agreement() -> Access:
    return allowed(STRATEGIST, Scope.CARRIER, federal_sees=True, by_standing=_AGREEMENT_READ)


def act_on_agreement(note: str = "") -> Access:
    """The matrix's agreement is DRV Nord's: DRV Bund is informed (403), DRV Hessen a stranger."""
    return allowed(
        STRATEGIST,
        Scope.CARRIER,
        federal_sees=True,
        exceptions={(Role.NETWORK_STRATEGIST, Relation.FEDERAL): 403},
        by_standing=_AGREEMENT_ACT,
        note=note or "parties only (N4); the informed read, strangers get 404",
    )


def answer_invitation() -> Access:
    return allowed(
        STRATEGIST,
        Scope.CARRIER,
        exceptions={
            (Role.NETWORK_STRATEGIST, Relation.OWN): 403,
            (Role.NETWORK_STRATEGIST, Relation.FEDERAL): 403,
        },
        by_standing=_AGREEMENT_ANSWER,
        note="only a strategist of an invited carrier (N4); the matrix's agreement invites none",
    )


PUBLIC_ROUTE = allowed(frozenset(), Scope.PUBLIC)
INFRA_ROUTE = allowed(frozenset(), Scope.PUBLIC, note="operations and documentation")
