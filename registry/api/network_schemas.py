"""The request bodies of the network API (API.md "Network"): partners (N1), agreements
(N2–N5) and unmet need (N7), as strict pydantic models; the portal's network forms validate with
them too."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from registry.api.fields import (
    Code,
    LongText,
    Name,
    OptLongText,
    OptText,
    PostalCode,
    Radius,
    Strict,
    Text,
)

# --------------------------------------------------------------------------- request bodies


class AddressIn(Strict):
    street: OptText = ""
    postal_code: PostalCode
    place: OptText = ""


class PartnerSiteIn(Strict):
    """A partner site; in a PATCH, ``id`` names a current site to keep (and change)."""

    id: OptText = ""
    name: Name
    address: AddressIn
    service_radius_km: Radius


class PartnerContactIn(Strict):
    name: Name
    role: OptText = ""
    email: OptText = ""
    phone: OptText = ""
    reachability: OptText = ""


class PartnerIn(Strict):
    name: Name
    type: Code
    sites: Annotated[list[PartnerSiteIn], Field(max_length=200)] = []
    services: Annotated[list[Text], Field(max_length=100)] = []
    target_groups: Annotated[list[Code], Field(max_length=20)] = []
    contacts: Annotated[list[PartnerContactIn], Field(max_length=100)] = []
    carriers: Annotated[list[Code], Field(max_length=16)] = []


class PartnerPatch(Strict):
    """Only the given fields change; ``sites`` replaces the list of sites (see the service)."""

    name: Name | None = None
    type: Code | None = None
    sites: Annotated[list[PartnerSiteIn], Field(max_length=200)] | None = None
    services: Annotated[list[Text], Field(max_length=100)] | None = None
    target_groups: Annotated[list[Code], Field(max_length=20)] | None = None
    contacts: Annotated[list[PartnerContactIn], Field(max_length=100)] | None = None
    carriers: Annotated[list[Code], Field(max_length=16)] | None = None
    active: bool | None = None


class ScopeIn(Strict):
    level: Literal["districts", "state", "national"]
    districts: Annotated[
        list[Annotated[str, Field(pattern=r"^\d{5}$")]], Field(max_length=400)
    ] = []
    state: OptText | None = None


class AgreementContactIn(Strict):
    name: OptText = ""
    role: OptText = ""
    email: OptText = ""
    phone: OptText = ""


class ReviewIn(Strict):
    interval_months: Annotated[int, Field(ge=1, le=120)] | None = None
    next_review: date | None = None


class ContentsIn(Strict):
    """The contents of rule N3. Everything is optional here (a draft may be incomplete);
    activation lists what is missing. In a PATCH, a field set to null is removed."""

    # general agreement
    roles: OptLongText | list[Text] | None = None
    target_groups: Annotated[list[Code], Field(max_length=20)] | None = None
    services: Annotated[list[Text], Field(max_length=100)] | None = None
    contacts: Annotated[list[AgreementContactIn], Field(max_length=50)] | None = None
    reaction_time_days: Annotated[int, Field(ge=0, le=365)] | None = None
    channels: Annotated[list[Code], Field(max_length=3)] | None = None
    common_documents: Annotated[list[Text], Field(max_length=100)] | None = None
    documentation: OptLongText | None = None
    data_protection: OptLongText | None = None
    review: ReviewIn | None = None
    # referral agreement
    target_group_criteria: OptLongText | None = None
    transmission: OptLongText | None = None
    informing_target_group: OptLongText | None = None


AgreementKindIn = Literal["cooperation_agreement", "letter_of_intent", "procedure_agreement"]
PurposeIn = Literal["general", "referral"]


class AgreementIn(Strict):
    kind: AgreementKindIn
    purpose: PurposeIn = "general"
    title: Text
    carriers: Annotated[list[Code], Field(min_length=1, max_length=16)]
    partners: Annotated[list[Text], Field(min_length=1, max_length=100)]
    scope: ScopeIn
    valid_from: date
    valid_until: date | None = None
    contents: ContentsIn = ContentsIn()


class AgreementPatch(Strict):
    kind: AgreementKindIn | None = None
    purpose: PurposeIn | None = None
    title: Text | None = None
    carriers: Annotated[list[Code], Field(min_length=1, max_length=16)] | None = None
    partners: Annotated[list[Text], Field(min_length=1, max_length=100)] | None = None
    scope: ScopeIn | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    contents: ContentsIn | None = None
    override_reason: LongText | None = None


class ActivateIn(Strict):
    override_reason: LongText | None = None


class AgreementReasonIn(Strict):
    reason: LongText


class UnmetNeedIn(BaseModel):
    """Rule N7: exactly ``postal_code`` and ``target_groups``. The parser lets other fields
    through only so that the rule can refuse each of them by name (422, rule N7)."""

    model_config = ConfigDict(extra="allow")

    postal_code: Any = None
    target_groups: Any = None
