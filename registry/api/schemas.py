"""Request bodies of the admission API (API.md "Admission")."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field

from registry.api.fields import (
    Code,
    Email,
    LanguageCode,
    LongText,
    Name,
    OptLongText,
    OptText,
    PostalCode,
    Radius,
    Strict,
    Text,
)


class ProviderIn(Strict):
    name: Name
    legal_form: Text
    email: Email
    phone: OptText = ""
    website: OptText = ""


class ProviderRef(Strict):
    id: Text


class AddressIn(Strict):
    street: OptText = ""
    postal_code: PostalCode
    place: OptText = ""


class CounsellingModes(Strict):
    in_person: bool = True
    home_visits: bool = False
    phone: bool = False
    video: bool = False


class SiteDetails(Strict):
    """What helps the insured person choose; informs, never hides a site (E1, E4)."""

    opening_hours: OptText = ""
    counselling_modes: CounsellingModes = CounsellingModes()
    accepts_new_cases: bool = True
    waiting_time_weeks: Annotated[int, Field(ge=0, le=104)] = 0
    accessibility_notes: OptLongText = ""
    description: OptLongText = ""
    contact_email: OptText = ""
    contact_phone: OptText = ""


class SiteIn(Strict):
    # A9: an existing site of the provider; its stored data stands, the rest of this entry is
    # not applied (a site with the same address as an existing one is that site, too).
    id: Code | None = None
    name: Name
    headquarters: bool = False
    address: AddressIn
    catchment_radius_km: Annotated[float, Field(gt=0, le=500)]
    outreach_radius_km: Radius | None = None
    public_transport: bool = False
    barrier_free: bool = False
    rooms_for_individual_talks: bool = False
    rooms_for_relatives: bool = False
    languages: Annotated[list[LanguageCode], Field(max_length=40)] = ["de"]
    details: SiteDetails = SiteDetails()


Degree = Literal[
    "social-work", "social-pedagogy", "pedagogy", "psychology", "other", "vocational", "none"
]
Certificate = Literal[
    "drv-curriculum",
    "case-manager-dgcc",
    "case-manager-dgcc-participation",
    "disability-manager-dguv",
    "comparable",
]


class CaseManagerIn(Strict):
    name: Name
    degree: Degree
    counselling_years: Annotated[float, Field(ge=0, le=60)] = 0
    social_law_units: Annotated[int, Field(ge=0, le=10_000)] = 0
    counselling_units: Annotated[int, Field(ge=0, le=10_000)] = 0
    total_units: Annotated[int, Field(ge=0, le=20_000)] = 0
    certificates: Annotated[list[Certificate], Field(max_length=10)] = []
    languages: Annotated[list[LanguageCode], Field(max_length=40)] = ["de"]
    training_started_on: date | None = None
    joined_on: date | None = None
    introduction_confirmed: bool = False
    target_groups: Annotated[list[Code], Field(max_length=20)] = []
    competence_evidence: OptLongText = ""


class CaseManagerPatch(Strict):
    name: Name | None = None
    degree: Degree | None = None
    counselling_years: Annotated[float, Field(ge=0, le=60)] | None = None
    social_law_units: Annotated[int, Field(ge=0, le=10_000)] | None = None
    counselling_units: Annotated[int, Field(ge=0, le=10_000)] | None = None
    total_units: Annotated[int, Field(ge=0, le=20_000)] | None = None
    certificates: Annotated[list[Certificate], Field(max_length=10)] | None = None
    languages: Annotated[list[LanguageCode], Field(max_length=40)] | None = None
    training_started_on: date | None = None
    joined_on: date | None = None
    introduction_confirmed: bool | None = None
    target_groups: Annotated[list[Code], Field(max_length=20)] | None = None
    competence_evidence: OptLongText | None = None


class OrganisationIn(Strict):
    documentation_system: bool = False
    data_protection: bool = False
    confidentiality_commitments: bool = False
    quality_management: bool = False
    complaints_system: bool = False


class ApplicationIn(Strict):
    receiving_carrier: Code
    provider: ProviderIn | ProviderRef
    sites: Annotated[list[SiteIn], Field(min_length=1, max_length=200)]
    target_groups: Annotated[list[Code], Field(min_length=1, max_length=20)]
    case_managers: Annotated[list[CaseManagerIn], Field(max_length=200)] = []
    concept: Annotated[dict[Code, OptLongText], Field(max_length=60)] = {}
    organisation: OrganisationIn = OrganisationIn()
    announcement_id: OptText = ""


class GroupDecisionIn(Strict):
    admit: bool
    reason: LongText


class OverrideIn(Strict):
    rule: Code
    reason: LongText
    target_group: Code | None = None


class DecisionIn(Strict):
    target_groups: Annotated[dict[Code, GroupDecisionIn], Field(min_length=1, max_length=20)]
    overrides: Annotated[list[OverrideIn], Field(max_length=50)] = []
    version: Annotated[int, Field(ge=1)]


class ReasonIn(Strict):
    reason: LongText
    target_groups: Annotated[list[Code], Field(max_length=20)] | None = None


class WithdrawIn(Strict):
    reason: LongText


class ReviewIn(Strict):
    outcome: Literal["confirmed", "suspended", "revoked"]
    reason: LongText


class AnnouncementIn(Strict):
    carriers: Annotated[list[Code], Field(min_length=1, max_length=16)]
    target_groups: Annotated[list[Code], Field(min_length=1, max_length=20)]
    districts: Annotated[
        list[Annotated[str, Field(pattern=r"^\d{5}$")]], Field(max_length=400)
    ] = []
    state: OptText = ""
    text: LongText
    open_until: date


class ContractIn(Strict):
    signed_on: date
    model_contract_version: Text


class ProfileContact(Strict):
    name: Name
    phone: OptText = ""
    email: Email


class ProfileIn(Strict):
    """§3: a carrier profile holds contacts only (Q0: the criteria are one national setting)."""

    contacts: Annotated[list[ProfileContact], Field(max_length=20)] = []
