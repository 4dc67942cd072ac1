"""Network API (API.md "Network" and the partner search / unmet need of "Directory"):
partners (N1), agreements (N2–N5), coverage (N6), unmet need (N7), partner search (E7).

Thin controllers: parse, call the use cases of `registry.network`, return. Scope checks live
in the use cases; the guards only admit the roles that may ever call a route (docs/rules.md §9).
The request bodies are `registry.api.network_schemas`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from litestar import Controller, get, patch, post
from litestar.params import Parameter

from registry.api.network_schemas import (
    ActivateIn,
    AgreementIn,
    AgreementPatch,
    AgreementReasonIn,
    PartnerIn,
    PartnerPatch,
    UnmetNeedIn,
)
from registry.api.security import allow
from registry.auth import Principal, Role
from registry.context import Registry
from registry.network import (
    agreement_drafts,
    agreement_invitations,
    agreement_reading,
    agreement_status,
    around_report,
    coverage_report,
    partner_search,
    partners,
    unmet_need,
)

Json = dict[str, Any]
CM = Role.CASE_MANAGER
STRATEGIST = Role.NETWORK_STRATEGIST
ADMIN = Role.ADMIN

Page = Annotated[int, Parameter(ge=1, le=100_000)]
PageSize = Annotated[int, Parameter(ge=1, le=100)]


# --------------------------------------------------------------------------- controllers


class PartnerController(Controller):
    path = "/api/v1/partners"
    tags = ["Netzwerk"]

    @post(
        "/",
        operation_id="createPartner",
        status_code=201,
        guards=[allow(CM, STRATEGIST, ADMIN)],
        sync_to_thread=True,
    )
    def create(self, reg: Registry, me: Principal, data: PartnerIn) -> Json:
        return partners.create_partner(reg, me, data.model_dump())

    @get(
        "/", operation_id="listPartners", guards=[allow(CM, STRATEGIST, ADMIN)], sync_to_thread=True
    )
    def list_all(
        self,
        reg: Registry,
        me: Principal,
        type: Annotated[str | None, Parameter(max_length=80)] = None,  # noqa: A002
        q: Annotated[str | None, Parameter(max_length=200)] = None,
        carrier: Annotated[str | None, Parameter(max_length=80)] = None,
        page: Page = 1,
        page_size: PageSize = 20,
    ) -> Json:
        return partners.list_partners(
            reg,
            me,
            type=type,
            q=q,
            carrier=carrier,
            page=page,
            page_size=page_size,
        )

    @get(
        "/search",
        operation_id="searchPartners",
        guards=[allow(CM, STRATEGIST)],
        sync_to_thread=True,
    )
    def search(
        self,
        reg: Registry,
        me: Principal,
        postal_code: Annotated[str, Parameter(max_length=20)],
        place: Annotated[str | None, Parameter(max_length=200)] = None,
        type: Annotated[list[str] | None, Parameter(max_items=20)] = None,  # noqa: A002
        target_group: Annotated[list[str] | None, Parameter(max_items=20)] = None,
        service_: Annotated[list[str] | None, Parameter(query="service", max_items=20)] = None,
        max_distance_km: Annotated[float | None, Parameter(ge=0, le=1000)] = None,
        q: Annotated[str | None, Parameter(max_length=200)] = None,
        page: Page = 1,
        page_size: PageSize = 20,
    ) -> Json:
        return partner_search.search_partners(
            reg,
            me,
            postal_code=postal_code,
            place=place,
            types=type or [],
            target_groups=target_group or [],
            services=service_ or [],
            max_distance_km=max_distance_km,
            q=q,
            page=page,
            page_size=page_size,
        )

    @get(
        "/{partner_id:str}",
        operation_id="getPartner",
        guards=[allow(CM, STRATEGIST, ADMIN)],
        sync_to_thread=True,
    )
    def get_one(self, reg: Registry, me: Principal, partner_id: str) -> Json:
        return partners.get_partner(reg, me, partner_id)

    @patch(
        "/{partner_id:str}",
        operation_id="updatePartner",
        status_code=200,
        guards=[allow(CM, STRATEGIST, ADMIN)],
        sync_to_thread=True,
    )
    def update(self, reg: Registry, me: Principal, partner_id: str, data: PartnerPatch) -> Json:
        return partners.update_partner(reg, me, partner_id, data.model_dump(exclude_unset=True))


class AgreementController(Controller):
    path = "/api/v1/agreements"
    tags = ["Netzwerk"]
    guards = [allow(STRATEGIST)]

    @post("/", operation_id="createAgreement", status_code=201, sync_to_thread=True)
    def create(self, reg: Registry, me: Principal, data: AgreementIn) -> Json:
        body = data.model_dump(mode="json")
        body["contents"] = data.contents.model_dump(mode="json", exclude_none=True)
        return agreement_drafts.create_agreement(reg, me, body)

    @get("/", operation_id="listAgreements", sync_to_thread=True)
    def list_all(
        self,
        reg: Registry,
        me: Principal,
        status: Annotated[
            Literal["draft", "active", "suspended", "terminated", "expired"] | None, Parameter()
        ] = None,
    ) -> list[Json]:
        return agreement_reading.list_agreements(reg, me, status)

    @get("/due-for-review", operation_id="agreementsDueForReview", sync_to_thread=True)
    def due(
        self,
        reg: Registry,
        me: Principal,
        within_days: Annotated[int, Parameter(ge=0, le=3650)] = 90,
    ) -> list[Json]:
        return agreement_reading.agreements_due_for_review(reg, me, within_days)

    @get("/{agreement_id:str}", operation_id="getAgreement", sync_to_thread=True)
    def get_one(self, reg: Registry, me: Principal, agreement_id: str) -> Json:
        return agreement_reading.get_agreement(reg, me, agreement_id)

    @patch(
        "/{agreement_id:str}", operation_id="updateAgreement", status_code=200, sync_to_thread=True
    )
    def update(self, reg: Registry, me: Principal, agreement_id: str, data: AgreementPatch) -> Json:
        changes = data.model_dump(mode="json", exclude_unset=True)
        override = changes.pop("override_reason", None)
        return agreement_drafts.update_agreement(
            reg, me, agreement_id, changes, override_reason=override
        )

    @post(
        "/{agreement_id:str}/accept",
        operation_id="acceptAgreementInvitation",
        status_code=200,
        sync_to_thread=True,
        description="Rule N4: a strategist of an invited carrier accepts; its carrier becomes a "
        "party. 403 without an open invitation, 404 if the agreement is not readable.",
    )
    def accept(self, reg: Registry, me: Principal, agreement_id: str) -> Json:
        return agreement_invitations.accept_invitation(reg, me, agreement_id)

    @post(
        "/{agreement_id:str}/decline",
        operation_id="declineAgreementInvitation",
        status_code=200,
        sync_to_thread=True,
        description="Rule N4: a strategist of an invited carrier declines; the invitation is "
        "removed. 403 without an open invitation, 404 if the agreement is not readable.",
    )
    def decline(self, reg: Registry, me: Principal, agreement_id: str) -> Json:
        return agreement_invitations.decline_invitation(reg, me, agreement_id)

    @post(
        "/{agreement_id:str}/activate",
        operation_id="activateAgreement",
        status_code=200,
        sync_to_thread=True,
    )
    def activate(
        self, reg: Registry, me: Principal, agreement_id: str, data: ActivateIn | None = None
    ) -> Json:
        return agreement_status.activate_agreement(
            reg,
            me,
            agreement_id,
            override_reason=data.override_reason if data else None,
        )

    @post(
        "/{agreement_id:str}/suspend",
        operation_id="suspendAgreement",
        status_code=200,
        sync_to_thread=True,
    )
    def suspend(
        self, reg: Registry, me: Principal, agreement_id: str, data: AgreementReasonIn
    ) -> Json:
        return agreement_status.change_agreement_status(
            reg, me, agreement_id, "suspend", data.reason
        )

    @post(
        "/{agreement_id:str}/resume",
        operation_id="resumeAgreement",
        status_code=200,
        sync_to_thread=True,
    )
    def resume(
        self, reg: Registry, me: Principal, agreement_id: str, data: AgreementReasonIn
    ) -> Json:
        return agreement_status.change_agreement_status(
            reg, me, agreement_id, "resume", data.reason
        )

    @post(
        "/{agreement_id:str}/terminate",
        operation_id="terminateAgreement",
        status_code=200,
        sync_to_thread=True,
    )
    def terminate(
        self, reg: Registry, me: Principal, agreement_id: str, data: AgreementReasonIn
    ) -> Json:
        return agreement_status.change_agreement_status(
            reg, me, agreement_id, "terminate", data.reason
        )


class CoverageController(Controller):
    path = "/api/v1/coverage"
    tags = ["Netzwerk"]
    guards = [allow(STRATEGIST, ADMIN)]

    @get("/", operation_id="getCoverage", sync_to_thread=True)
    def coverage(
        self,
        reg: Registry,
        me: Principal,
        target_group: Annotated[str, Parameter(max_length=80)],
        lookahead_days: Annotated[int, Parameter(ge=0, le=3650)] = 0,
    ) -> list[Json]:
        return coverage_report.coverage(reg, me, target_group, lookahead_days)


class UnmetNeedController(Controller):
    path = "/api/v1/unmet-needs"
    tags = ["Netzwerk"]

    @post(
        "/",
        operation_id="recordUnmetNeed",
        status_code=201,
        guards=[allow(CM)],
        sync_to_thread=True,
    )
    def record(self, reg: Registry, me: Principal, data: UnmetNeedIn) -> Json:
        return unmet_need.record_unmet_need(reg, me, data.model_dump(exclude_unset=True))

    @get(
        "/",
        operation_id="listUnmetNeeds",
        guards=[allow(STRATEGIST, ADMIN)],
        sync_to_thread=True,
    )
    def counts(self, reg: Registry, me: Principal, since: date | None = None) -> list[Json]:
        return unmet_need.unmet_need_counts(reg, me, since)


class NetworkAroundController(Controller):
    path = "/api/v1/network"
    tags = ["Netzwerk"]

    @get(
        "/around",
        operation_id="getNetworkAround",
        guards=[allow(CM, STRATEGIST)],
        sync_to_thread=True,
        summary="Who serves a district for a target group",
        description=(
            "Admitted sites whose catchment reaches the district, with their providers and the "
            "carriers that issued the admissions; partners serving the group there with "
            "agreements in force covering the district (it, its state, or national), those "
            "agreements and their parties. Nodes have a type (carrier, provider, site, partner, "
            "agreement, district) and a name; edges a type (RESPONSIBLE_FOR, OPERATES, "
            "ADMITTED, REACHES, PARTY_TO, WITH_PARTNER, COVERS, SERVES)."
        ),
    )
    def around(
        self,
        reg: Registry,
        me: Principal,
        district: Annotated[str, Parameter(max_length=20)] = "",
        target_group: Annotated[str, Parameter(max_length=80)] = "",
    ) -> Json:
        return around_report.network_around(reg, me, district=district, target_group=target_group)


NETWORK_HANDLERS = [
    PartnerController,
    AgreementController,
    CoverageController,
    UnmetNeedController,
    NetworkAroundController,
]
