"""Facts of the network part: partners, agreements, scopes (docs/rules.md §8, rules N1–N7).

Plain frozen dataclasses and enums, standard library only. The services build these from the
graph and hand them to the pure rules (`*_rules.py`, `catchment.py`, `coverage.py`); nothing
here does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

# --- enums -------------------------------------------------------------------------------------


class AgreementKind(StrEnum):
    """Rule N2: the three kinds of agreement."""

    COOPERATION_AGREEMENT = "cooperation_agreement"
    LETTER_OF_INTENT = "letter_of_intent"
    PROCEDURE_AGREEMENT = "procedure_agreement"


class Purpose(StrEnum):
    """Rule N3: a general agreement, or one only for referrals into case management."""

    GENERAL = "general"
    REFERRAL = "referral"


class AgreementStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    TERMINATED = "terminated"
    EXPIRED = "expired"


class AgreementAction(StrEnum):
    """What can happen to an agreement; the transition table in `lifecycle_rules.py` uses these."""

    EDIT = "edit"
    ACTIVATE = "activate"
    SUSPEND = "suspend"
    RESUME = "resume"
    TERMINATE = "terminate"
    EXPIRE = "expire"


class ScopeLevel(StrEnum):
    """Rule N2: an agreement's scope is a set of districts, a state, or national."""

    DISTRICTS = "districts"
    STATE = "state"
    NATIONAL = "national"


# --- constants (public interface codes) ----------------------------------------------------------

#: Rule N1: partner type codes.
PARTNER_TYPES: tuple[str, ...] = (
    "employment-agency",
    "jobcenter",
    "health-insurer",
    "rehabilitation-carrier",
    "integration-service",
    "rehab-facility",
    "addiction-counselling",
    "debt-counselling",
    "psychosocial-counselling",
    "self-help-contact-point",
    "employer",
    "company-medical-service",
    "participation-counselling",
    "municipality",
    "drv-internal",
    "other",
)

#: Rule N2: partner types that are social-benefit carriers (may be party to a procedure agreement).
SOCIAL_BENEFIT_PARTNER_TYPES: frozenset[str] = frozenset(
    {"employment-agency", "jobcenter", "health-insurer", "rehabilitation-carrier", "municipality"}
)

#: Rule N3: contact channels an agreement may fix.
CHANNELS: tuple[str, ...] = ("digital", "phone", "written")

#: docs/rules.md §4: the default target-group catalogue (seed data may extend it; every rule that
#: checks codes takes the known codes as an argument and defaults to this tuple).
TARGET_GROUP_CODES: tuple[str, ...] = (
    "language-barrier",
    "cognitive-impairment",
    "hearing-impairment",
    "visual-impairment",
    "neurological",
    "addiction",
    "mental-health",
    "oncology",
    "cardiology",
    "specific-care-structures",
    "outreach",
)

DRV_BUND = "drv-bund"
DRV_KBS = "drv-knappschaft-bahn-see"
#: The two federal carriers: no region of their own, active in every region (rule N4).
FEDERAL_CARRIERS: tuple[str, ...] = (DRV_BUND, DRV_KBS)


# --- problems ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    """Rule N3: one content an agreement lacks before it may become active."""

    field: str
    message: str
    rule: str = "N3"


# --- partners (rule N1) --------------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    """A named contact of a partner or an agreement, with role and ways to reach them."""

    name: str
    role: str = ""
    email: str = ""
    phone: str = ""
    reachability: str = ""  # free text such as "Mo–Fr 9–12 Uhr"


@dataclass(frozen=True)
class PartnerSite:
    """A partner's site, already geocoded by the service (lat/lon and district key).
    `reached_districts`: the districts its service radius reaches (rule E7/N6), if the caller
    has them stored; otherwise coverage computes them."""

    name: str
    lat: float
    lon: float
    service_radius_km: float
    district_key: str
    id: str = ""
    reached_districts: frozenset[str] | None = None


@dataclass(frozen=True)
class Partner:
    id: str
    name: str
    type: str
    sites: tuple[PartnerSite, ...] = ()
    services: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    contacts: tuple[Contact, ...] = ()
    carriers: tuple[str, ...] = ()  # carriers that work with this partner


# --- agreements (rules N2–N5) --------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Rule N2. `districts` is used for level ``districts``, `state` for level ``state`` (the
    state name exactly as `/places/resolve` returns it); national uses neither."""

    level: ScopeLevel
    districts: frozenset[str] = frozenset()
    state: str | None = None

    @classmethod
    def of_districts(cls, *keys: str) -> Scope:
        return cls(ScopeLevel.DISTRICTS, frozenset(keys))

    @classmethod
    def of_state(cls, state: str) -> Scope:
        return cls(ScopeLevel.STATE, state=state)

    @classmethod
    def national(cls) -> Scope:
        return cls(ScopeLevel.NATIONAL)

    @classmethod
    def from_dict(cls, value: Mapping[str, Any]) -> Scope:
        """From the API shape ``{"level", "districts": [keys], "state"}``; raises ValueError
        for an unknown level."""
        districts = value.get("districts") or ()
        state = value.get("state")
        return cls(ScopeLevel(str(value.get("level"))), frozenset(districts), state or None)

    def as_dict(self) -> dict[str, Any]:
        """The API shape, districts sorted."""
        return {"level": self.level.value, "districts": sorted(self.districts), "state": self.state}

    def covers(self, district_key: str, district_state: str | None) -> bool:
        """Whether the scope includes a district (given the district's state)."""
        if self.level is ScopeLevel.NATIONAL:
            return True
        if self.level is ScopeLevel.STATE:
            return self.state is not None and district_state == self.state
        return district_key in self.districts


@dataclass(frozen=True)
class Agreement:
    """An agreement as stored (its current version).

    `contents` holds the N3 contents as plain JSON-like values (see `agreements.missing_contents`);
    treat it as read-only. `version` starts at 1 and grows by one for every change of an active
    (or suspended) agreement. `activated_on` is the date the current version took effect (first
    activation, or the date of the latest new version); `next_review` is derived from the contents
    (see `agreements.next_review_date`) and stored so the due-for-review list can be queried.

    Rule N4: `carriers` names every carrier of the agreement, `invited` those of them that have
    not yet accepted (their strategists accept or decline, `parties.py`); the others are its
    parties, the only carriers that act on it.
    """

    id: str
    kind: AgreementKind
    purpose: Purpose
    title: str
    carriers: tuple[str, ...]
    partners: tuple[str, ...]
    scope: Scope
    valid_from: date
    valid_until: date | None = None  # None: open-ended (design decision)
    contents: Mapping[str, Any] = field(default_factory=dict)
    status: AgreementStatus = AgreementStatus.DRAFT
    version: int = 1
    override_reason: str | None = None
    next_review: date | None = None
    activated_on: date | None = None
    invited: tuple[str, ...] = ()

    @property
    def parties(self) -> tuple[str, ...]:
        """The named carriers that are parties (not merely invited), in `carriers`' order."""
        return tuple(c for c in self.carriers if c not in self.invited)


# --- unmet need (rule N7) ------------------------------------------------------------------------


@dataclass(frozen=True)
class UnmetNeed:
    """Rule N7: the whole record. Nothing else, in particular no person and no free text."""

    carrier: str
    district_key: str
    target_groups: tuple[str, ...]
    recorded_on: date
    #: the case's non-personal needs (N7): a language code ('' none), outreach, barrier-free
    language: str = ""
    outreach: bool = False
    barrier_free: bool = False
