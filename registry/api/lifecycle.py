"""Lifecycle API (API.md "Lifecycle" and "Carrier profile"): contracts (A13), reviews due (A14),
staff changes and data confirmation (A15), the carrier profile (Q0) and the task inbox.

The decisions behind these routes are documented in the use-case modules of ``registry.lifecycle``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, delete, get, patch, post, put
from litestar.params import Parameter
from pydantic import Field, StrictBool

from registry.api.fields import Code, LongText, Strict
from registry.api.schemas import (
    CaseManagerIn,
    CaseManagerPatch,
    ContractIn,
    ProfileContact,
    SiteDetails,
)
from registry.api.security import ANY_ROLE, allow
from registry.auth import Principal, Role
from registry.context import Registry
from registry.lifecycle import carrier_profile, contracts, reviews, sites, staff, tasks

Json = dict[str, Any]
OFFICER = Role.ADMISSIONS_OFFICER
PROVIDER = Role.PROVIDER

SiteStatus = Literal[
    "pending", "awaiting_follow_on", "admitted", "suspended", "revoked", "withdrawn", "refused"
]


class SiteDetailsPatch(SiteDetails):
    """The fields of ``SiteDetails`` and the site's directory facts to change (A15); omitted
    fields keep their value (the service reads only the fields that were sent). The facts are
    typed loosely here: the service checks them, so a 422 names the field and its rule."""

    languages: (
        Annotated[list[Annotated[str, Field(max_length=40)]], Field(max_length=100)] | None
    ) = None
    barrier_free: StrictBool | None = None
    public_transport: StrictBool | None = None
    catchment_radius_km: float | None = None
    outreach_radius_km: float | None = None
    rooms_for_individual_talks: StrictBool | None = None
    rooms_for_relatives: StrictBool | None = None


class CarrierProfileIn(Strict):
    """§3: the contacts. ``criteria`` is read-only (Q0: one national setting, ``PUT
    /api/v1/criteria``): sent back unchanged it is ignored, any other value is refused by the
    service with 422 naming the field and rule Q0."""

    contacts: Annotated[list[ProfileContact], Field(max_length=20)] = []
    criteria: (
        Annotated[dict[Code, Annotated[str, Field(max_length=40)]], Field(max_length=20)] | None
    ) = None


class DismissIn(Strict):
    reason: LongText


class ProviderLifecycleController(Controller):
    path = "/api/v1/providers"
    tags = ["Zulassung: Lebenszyklus"]

    @post(
        "/{provider_id:str}/contracts",
        operation_id="recordContract",
        status_code=201,
        guards=[allow(OFFICER)],
        sync_to_thread=True,
    )
    def record_contract(
        self, reg: Registry, me: Principal, provider_id: str, data: ContractIn
    ) -> Json:
        return contracts.record_contract(reg, me, provider_id, data.model_dump())

    @get(
        "/{provider_id:str}/case-managers",
        operation_id="listCaseManagers",
        guards=[allow(PROVIDER, OFFICER)],
        sync_to_thread=True,
    )
    def list_case_managers(self, reg: Registry, me: Principal, provider_id: str) -> list[Json]:
        return staff.list_case_managers(reg, me, provider_id)

    @post(
        "/{provider_id:str}/case-managers",
        operation_id="addCaseManager",
        status_code=201,
        guards=[allow(PROVIDER)],
        sync_to_thread=True,
    )
    def add_case_manager(
        self, reg: Registry, me: Principal, provider_id: str, data: CaseManagerIn
    ) -> Json:
        return staff.add_case_manager(reg, me, provider_id, data.model_dump())

    @patch(
        "/{provider_id:str}/case-managers/{cm_id:str}",
        operation_id="updateCaseManager",
        guards=[allow(PROVIDER)],
        sync_to_thread=True,
    )
    def update_case_manager(
        self,
        reg: Registry,
        me: Principal,
        provider_id: str,
        cm_id: str,
        data: CaseManagerPatch,
    ) -> Json:
        return staff.update_case_manager(
            reg,
            me,
            provider_id,
            cm_id,
            data.model_dump(exclude_unset=True),
        )

    @delete(
        "/{provider_id:str}/case-managers/{cm_id:str}",
        operation_id="removeCaseManager",
        status_code=204,
        guards=[allow(PROVIDER)],
        sync_to_thread=True,
    )
    def remove_case_manager(
        self, reg: Registry, me: Principal, provider_id: str, cm_id: str
    ) -> None:
        staff.remove_case_manager(reg, me, provider_id, cm_id)

    @post(
        "/{provider_id:str}/sites/{site_id:str}/confirm",
        operation_id="confirmSiteData",
        status_code=200,
        guards=[allow(PROVIDER)],
        sync_to_thread=True,
    )
    def confirm_site(self, reg: Registry, me: Principal, provider_id: str, site_id: str) -> Json:
        return sites.confirm_site(reg, me, provider_id, site_id)

    @patch(
        "/{provider_id:str}/sites/{site_id:str}",
        operation_id="updateSiteDetails",
        guards=[allow(PROVIDER)],
        sync_to_thread=True,
    )
    def update_site(
        self,
        reg: Registry,
        me: Principal,
        provider_id: str,
        site_id: str,
        data: SiteDetailsPatch,
    ) -> Json:
        return sites.update_site_details(
            reg,
            me,
            provider_id,
            site_id,
            data.model_dump(exclude_unset=True),
        )


class AdmissionLifecycleController(Controller):
    path = "/api/v1/admissions"
    tags = ["Zulassung: Lebenszyklus"]
    guards = [allow(OFFICER)]

    @get("/", operation_id="listCarrierAdmissions", sync_to_thread=True)
    def list_admissions(
        self,
        reg: Registry,
        me: Principal,
        status: Annotated[SiteStatus | None, Parameter()] = None,
        page: Annotated[int, Parameter(ge=1, le=100_000)] = 1,
        page_size: Annotated[int, Parameter(ge=1, le=100)] = 20,
    ) -> Json:
        return contracts.list_carrier_admissions(reg, me, status, page, page_size)

    @get("/due-for-review", operation_id="listAdmissionsDueForReview", sync_to_thread=True)
    def due_for_review(
        self,
        reg: Registry,
        me: Principal,
        within_days: Annotated[int, Parameter(ge=0, le=3650)] = reviews.REVIEW_WINDOW_DAYS,
    ) -> list[Json]:
        return reviews.due_for_review(reg, me, within_days)


class CarrierProfileController(Controller):
    path = "/api/v1/carriers"
    tags = ["Referenzdaten"]

    @get(
        "/{carrier_id:str}/profile",
        operation_id="getCarrierProfile",
        guards=[allow(*ANY_ROLE)],
        sync_to_thread=True,
    )
    def get_profile(self, reg: Registry, me: Principal, carrier_id: str) -> Json:
        return carrier_profile.get_carrier_profile(reg, me, carrier_id)

    @put(
        "/{carrier_id:str}/profile",
        operation_id="putCarrierProfile",
        guards=[allow(Role.ADMIN)],
        sync_to_thread=True,
    )
    def put_profile(
        self, reg: Registry, me: Principal, carrier_id: str, data: CarrierProfileIn
    ) -> Json:
        return carrier_profile.put_carrier_profile(reg, me, carrier_id, data.model_dump())


class TaskController(Controller):
    path = "/api/v1/tasks"
    tags = ["Aufgaben"]

    @get("/", operation_id="listTasks", guards=[allow(OFFICER, PROVIDER)], sync_to_thread=True)
    def list_tasks(self, reg: Registry, me: Principal) -> list[Json]:
        return tasks.list_tasks(reg, me)

    @post(
        "/{task_id:str}/dismiss",
        operation_id="dismissTask",
        status_code=200,
        guards=[allow(OFFICER)],
        sync_to_thread=True,
    )
    def dismiss(self, reg: Registry, me: Principal, task_id: str, data: DismissIn) -> Json:
        return tasks.dismiss_task(reg, me, task_id, data.reason)


LIFECYCLE_HANDLERS = [
    ProviderLifecycleController,
    AdmissionLifecycleController,
    CarrierProfileController,
    TaskController,
]
