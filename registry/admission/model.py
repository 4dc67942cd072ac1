"""Domain model of the admission workflow (docs/rules.md §5 rules A, §6 rules Q).

Plain, frozen dataclasses and enums: the facts the rules read and the decisions, events, notices
and tasks they return. Standard library only; no persistence, no web framework.

Status model
------------
``ApplicationStatus`` (one per application):

* ``submitted`` — received, forwarded if need be (A3, done on submission), awaiting the lead
  carrier's check and decision (A5). Its age counts towards the "overdue" flag.
* ``decided`` — the lead decided and admitted at least one target group (A5). What that means
  for each site is in the per-(site, target group) ``AdmissionStatus``; sites in other carriers'
  regions may still await their follow-on admission (A7).
* ``refused`` — the lead refused every target group (A5).
* ``withdrawn`` — the provider withdrew the application (A9), before or after the decision.

``AdmissionStatus`` (one per site and requested target group; strings of API.md):
``pending`` (no decision yet), ``awaiting_follow_on`` (admitted by the lead, awaiting the site's
responsible carrier, A7), ``admitted``, ``suspended``, ``revoked``, ``withdrawn``, ``refused``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

FEDERAL_CARRIERS: frozenset[str] = frozenset({"drv-bund", "drv-knappschaft-bahn-see"})
"""The two federal carriers: no region of their own, they work in every region (A3, A8)."""

CRITERIA_RULES: tuple[str, ...] = ("Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q8")
"""Rules that produce findings; only these carry a severity setting (Q0) or an override.
Q7 (same checks for all, every finding names its rule) is a property of all of them."""


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    DECIDED = "decided"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class ApplicationAction(StrEnum):
    DECIDE_ADMIT = "decide_admit"  # lead decision admitting at least one target group
    DECIDE_REFUSE = "decide_refuse"  # lead decision refusing every target group
    WITHDRAW = "withdraw"  # provider


class AdmissionStatus(StrEnum):
    PENDING = "pending"
    AWAITING_FOLLOW_ON = "awaiting_follow_on"
    ADMITTED = "admitted"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    WITHDRAWN = "withdrawn"
    REFUSED = "refused"


class AdmissionAction(StrEnum):
    ADMIT = "admit"  # lead decision, site in the lead's own region (A6)
    ADMIT_PENDING_FOLLOW_ON = "admit_pending_follow_on"  # lead decision, other region (A7)
    REFUSE = "refuse"  # lead decision (A5)
    FOLLOW_ON_ADMIT = "follow_on_admit"  # the site's responsible carrier (A7)
    SUSPEND = "suspend"  # issuing carrier (A9, A14)
    RESUME = "resume"  # issuing carrier (A9)
    REVOKE = "revoke"  # issuing carrier (A9, A14)
    CONFIRM = "confirm"  # review outcome "confirmed" (A14)
    WITHDRAW = "withdraw"  # provider (A9)


class ReviewOutcome(StrEnum):
    CONFIRMED = "confirmed"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class Severity(StrEnum):
    BLOCKING = "blocking"
    ADVISORY = "advisory"


class Degree(StrEnum):
    SOCIAL_WORK = "social-work"
    SOCIAL_PEDAGOGY = "social-pedagogy"
    PEDAGOGY = "pedagogy"
    PSYCHOLOGY = "psychology"
    OTHER = "other"  # another degree (path B, Q4)
    VOCATIONAL = "vocational"  # vocational training in health or social care (path B, Q4)
    NONE = "none"  # further training only (path B, Q4)


class Certificate(StrEnum):
    DRV_CURRICULUM = "drv-curriculum"
    CASE_MANAGER_DGCC = "case-manager-dgcc"
    CASE_MANAGER_DGCC_PARTICIPATION = "case-manager-dgcc-participation"
    DISABILITY_MANAGER_DGUV = "disability-manager-dguv"
    COMPARABLE = "comparable"


class NoticeKind(StrEnum):
    ADMISSION = "admission"
    AGREEMENT = "agreement"


# --------------------------------------------------------------------------- periods


@dataclass(frozen=True)
class Periods:
    """Configurable periods of the workflow, all design decisions of docs/rules.md."""

    lead_decision_days: int = 30  # A5: lead decision overdue after
    follow_on_days: int = 14  # A7: follow-on admission overdue after
    review_months: int = 36  # A14: review date after the decision
    data_confirmation_months: int = 12  # A15: provider confirms site data
    training_start_months: int = 12  # Q3: training started within this time of joining
    training_completion_months: int = 24  # Q3: training completed within this after its start


DEFAULT_PERIODS = Periods()


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class Actor:
    """Who acts: a user, with the carrier or provider the user acts for."""

    user_id: str
    carrier: str | None = None
    provider_id: str | None = None


@dataclass(frozen=True)
class SiteFacts:
    id: str
    name: str
    headquarters: bool
    district_key: str
    responsible_carrier: str  # A2: the regional carrier of the site's district
    lat: float
    lon: float
    catchment_radius_km: float
    outreach_radius_km: float | None = None
    public_transport: bool = False
    barrier_free: bool = False
    rooms_for_individual_talks: bool = False
    rooms_for_relatives: bool = False
    languages: tuple[str, ...] = ()
    outreach_only_declared: bool | None = None

    @property
    def outreach_only(self) -> bool:
        """Whether the site works by outreach only (Q5: public transport does not apply).

        *(design decision)* Declared explicitly if known; otherwise a site whose outreach radius
        covers its whole catchment area goes to every person it serves, so it counts as
        outreach-only.
        """
        if self.outreach_only_declared is not None:
            return self.outreach_only_declared
        return (
            self.outreach_radius_km is not None
            and self.outreach_radius_km > 0
            and self.outreach_radius_km >= self.catchment_radius_km
        )


@dataclass(frozen=True)
class CaseManagerFacts:
    name: str
    degree: Degree
    counselling_years: float = 0  # after the qualification (API.md)
    social_law_units: int = 0
    counselling_units: int = 0
    total_units: int = 0  # sum of further-training units (Q4: >= 240)
    certificates: frozenset[Certificate] = frozenset()
    languages: tuple[str, ...] = ()
    training_started_on: date | None = None
    joined_on: date | None = None
    target_groups: frozenset[str] = frozenset()  # requested groups it has competence for (Q8)
    competence_evidence: str = ""
    id: str | None = None
    introduction_confirmed: bool = False  # Q3: the provider confirms the intensive introduction

    @property
    def key(self) -> str:
        """Stable identity for comparing findings across staff changes (A15)."""
        return self.id or self.name


@dataclass(frozen=True)
class OrganisationFacts:
    documentation_system: bool = False
    data_protection: bool = False
    confidentiality_commitments: bool = False
    quality_management: bool = False
    complaints_system: bool = False


@dataclass(frozen=True)
class ApplicationFacts:
    id: str
    provider_id: str
    provider_name: str
    receiving_carrier: str
    target_groups: tuple[str, ...]
    sites: tuple[SiteFacts, ...]
    case_managers: tuple[CaseManagerFacts, ...] = ()
    concept: Mapping[str, str] = field(default_factory=dict)
    organisation: OrganisationFacts = OrganisationFacts()
    status: ApplicationStatus = ApplicationStatus.SUBMITTED
    announcement_id: str | None = None
    # Q8 advisory checklist (DRV Nord §8.3) items the officer or provider confirmed.
    competences_confirmed: frozenset[str] = frozenset()


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class Finding:
    """A pre-check result (Q7: every finding names its rule).

    ``code`` names the individual check (stable, machine-readable); ``subject`` the case manager
    (id or name) or site id it is about, if any; together with ``rule`` and ``target_group``
    they identify a finding across re-checks (A15). ``severity`` is the effective severity after
    the carrier's settings (Q0). ``overridable`` is true for blocking findings: the officer may
    override them with a reason.
    """

    rule: str
    code: str
    severity: Severity
    message: str
    field: str
    target_group: str | None = None
    subject: str | None = None
    due_on: date | None = None

    def __post_init__(self) -> None:
        if self.rule not in CRITERIA_RULES:
            raise ValueError(f"unknown criteria rule {self.rule!r}")

    @property
    def overridable(self) -> bool:
        return self.severity is Severity.BLOCKING

    @property
    def identity(self) -> tuple[str, str, str | None, str | None]:
        return (self.rule, self.code, self.subject, self.target_group)


@dataclass(frozen=True)
class Override:
    """The officer overrides blocking findings of ``rule`` with a reason.

    ``target_group`` / ``field`` narrow it to the findings of that group / field; ``None`` means
    every finding of the rule.
    """

    rule: str
    reason: str
    target_group: str | None = None
    field: str | None = None

    def covers(self, finding: Finding) -> bool:
        return (
            self.rule == finding.rule
            and (self.target_group is None or self.target_group == finding.target_group)
            and (self.field is None or self.field == finding.field)
        )


# --------------------------------------------------------------------------- outcomes


@dataclass(frozen=True)
class GroupDecision:
    admit: bool
    reason: str


@dataclass(frozen=True)
class Decision:
    application_id: str
    lead_carrier: str
    decided_by: str
    decided_at: datetime
    target_groups: Mapping[str, GroupDecision]
    overrides: tuple[Override, ...] = ()


@dataclass(frozen=True)
class Admission:
    """The admission state of one site for one target group."""

    site_id: str
    target_group: str
    status: AdmissionStatus
    responsible_carrier: str
    issued_by: str | None = None  # the carrier that admitted it (A9: only it may change it)
    decided_on: date | None = None
    review_due: date | None = None  # A14


@dataclass(frozen=True)
class Event:
    """One entry of the append-only audit trail (A10)."""

    kind: str
    actor: str
    carrier: str | None
    at: datetime
    what: str
    why: str | None = None
    application_id: str | None = None
    site_id: str | None = None
    target_groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class NoticeSpec:
    """A notice a carrier must acknowledge (A8, A9)."""

    carrier: str
    kind: NoticeKind
    message: str
    subject_type: str  # "application" | "agreement"
    subject_id: str
    title: str


@dataclass(frozen=True)
class FollowOnTask:
    """A follow-on admission task for a site's responsible carrier (A7)."""

    application_id: str
    site_id: str
    carrier: str
    target_groups: tuple[str, ...]
    created_at: datetime
    id: str | None = None


@dataclass(frozen=True)
class DecisionOutcome:
    application_status: ApplicationStatus
    decision: Decision
    admissions: tuple[Admission, ...]
    follow_on_tasks: tuple[FollowOnTask, ...]
    events: tuple[Event, ...]
    notices: tuple[NoticeSpec, ...]


@dataclass(frozen=True)
class LifecycleOutcome:
    """Result of an action on existing admissions (follow-on, A9, A14)."""

    admissions: tuple[Admission, ...]  # every admission passed in, changed or not
    changed: tuple[Admission, ...]  # the new state of those that changed
    events: tuple[Event, ...]
    notices: tuple[NoticeSpec, ...]
    application_status: ApplicationStatus | None = None


@dataclass(frozen=True)
class Contract:
    """A13: the written cooperation of one carrier with a provider (model contract)."""

    carrier: str
    provider_id: str
    signed_on: date
    model_contract_version: str


@dataclass(frozen=True)
class TaskSpec:
    """Open work for a carrier (``GET /tasks``): findings after staff changes (A15), overdue
    decisions (A5) and follow-ons (A7), stale site data (A15)."""

    kind: str
    rule: str
    carrier: str
    provider_id: str
    message: str
    created_at: datetime
    application_id: str | None = None
    site_id: str | None = None


@dataclass(frozen=True)
class LeadResult:
    lead_carrier: str
    forwarded: bool


@dataclass(frozen=True)
class DistrictRef:
    """Reference data of one district, as the announcement check needs it (A12)."""

    key: str
    state: str
    responsible_carrier: str


@dataclass(frozen=True)
class Announcement:
    """A joint announcement of carriers seeking providers (A12)."""

    carriers: tuple[str, ...]
    target_groups: tuple[str, ...]
    text: str
    open_until: date
    districts: tuple[str, ...] = ()
    state: str | None = None
    id: str | None = None
