"""Admission API (API.md "Admission"): providers, applications, decisions, follow-on admissions,
admission actions, announcements and notices."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, Request, get, post
from litestar.params import Parameter
from pydantic import Field

from registry import notices
from registry.admission import (
    announcements,
    applications,
    decisions,
    providers,
    site_admissions,
    submission,
)
from registry.api.fields import Strict
from registry.api.schemas import (
    AnnouncementIn,
    ApplicationIn,
    DecisionIn,
    ProviderIn,
    ReasonIn,
    ReviewIn,
    WithdrawIn,
)
from registry.api.security import ANY_ROLE, allow, principal_from_token
from registry.auth import Principal, Role
from registry.context import Registry

Json = dict[str, Any]
OFFICER = Role.ADMISSIONS_OFFICER
PROVIDER = Role.PROVIDER


class FirstUserIn(Strict):
    username: Annotated[str, Field(min_length=3, max_length=80, pattern=r"^[A-Za-z0-9._@-]+$")]
    password: Annotated[str, Field(min_length=1, max_length=500)]


class ProviderRegistrationIn(ProviderIn):
    """A provider registering itself names its first user; an officer or admin does not."""

    user: FirstUserIn | None = None


class ProviderController(Controller):
    path = "/api/v1/providers"
    tags = ["Anbieter"]

    @post(
        "/",
        operation_id="registerProvider",
        status_code=201,
        exclude_from_auth=True,
        sync_to_thread=True,
        security=[{}, {"bearer": []}],
    )
    def register(
        self, request: Request[Any, Any, Any], reg: Registry, data: ProviderRegistrationIn
    ) -> Json:
        from litestar.exceptions import NotAuthorizedException

        header = request.headers.get("authorization", "")
        principal = None
        if header.lower().startswith("bearer "):
            principal = principal_from_token(reg, header[7:].strip())
            if principal is None:
                raise NotAuthorizedException("Anmeldung abgelaufen oder ungültig")
        if principal is None and data.user is None:
            raise NotAuthorizedException(
                "Ohne Anmeldung nur als Selbstregistrierung mit erstem Benutzer (user)."
            )
        body = data.model_dump(exclude={"user"})
        first_user = data.user.model_dump() if data.user else None
        return providers.register_provider(reg, principal, body, first_user=first_user)

    @get(
        "/{provider_id:str}",
        operation_id="getProvider",
        guards=[allow(*(r for r in ANY_ROLE if r is not Role.DIRECTORY_READER))],
        sync_to_thread=True,
    )
    def get_one(self, reg: Registry, me: Principal, provider_id: str) -> Json:
        return providers.get_provider(reg, me, provider_id)


class ApplicationController(Controller):
    path = "/api/v1/applications"
    tags = ["Zulassung"]

    @post(
        "/",
        operation_id="submitApplication",
        status_code=201,
        guards=[allow(PROVIDER, OFFICER)],
        sync_to_thread=True,
    )
    def submit(self, reg: Registry, me: Principal, data: ApplicationIn) -> Json:
        return submission.submit_application(reg, me, data.model_dump(mode="python"))

    @get(
        "/", operation_id="listApplications", guards=[allow(PROVIDER, OFFICER)], sync_to_thread=True
    )
    def list_all(
        self,
        reg: Registry,
        me: Principal,
        status: Annotated[
            Literal["submitted", "decided", "refused", "withdrawn"] | None, Parameter()
        ] = None,
    ) -> list[Json]:
        return applications.list_applications(reg, me, status)

    @get(
        "/{application_id:str}",
        operation_id="getApplication",
        guards=[allow(PROVIDER, OFFICER)],
        sync_to_thread=True,
    )
    def get_one(self, reg: Registry, me: Principal, application_id: str) -> Json:
        return applications.get_application(reg, me, application_id)

    @post(
        "/{application_id:str}/decision",
        operation_id="decideApplication",
        status_code=200,
        guards=[allow(OFFICER)],
        sync_to_thread=True,
    )
    def decide(self, reg: Registry, me: Principal, application_id: str, data: DecisionIn) -> Json:
        return decisions.decide_application(reg, me, application_id, data.model_dump())

    @post(
        "/{application_id:str}/withdraw",
        operation_id="withdrawApplication",
        status_code=200,
        guards=[allow(PROVIDER)],
        sync_to_thread=True,
    )
    def withdraw(self, reg: Registry, me: Principal, application_id: str, data: WithdrawIn) -> Json:
        return applications.withdraw_application(reg, me, application_id, data.reason)


class FollowOnController(Controller):
    path = "/api/v1/follow-on-admissions"
    tags = ["Zulassung"]
    guards = [allow(OFFICER)]

    @get("/", operation_id="listFollowOnAdmissions", sync_to_thread=True)
    def list_all(
        self,
        reg: Registry,
        me: Principal,
        status: Annotated[Literal["open", "done", "cancelled"] | None, Parameter()] = None,
    ) -> list[Json]:
        return decisions.list_follow_ons(reg, me, status)

    @post(
        "/{task_id:str}/admit", operation_id="admitFollowOn", status_code=200, sync_to_thread=True
    )
    def admit(self, reg: Registry, me: Principal, task_id: str) -> Json:
        return decisions.admit_follow_on(reg, me, task_id)


class AdmissionActionController(Controller):
    path = "/api/v1/admissions"
    tags = ["Zulassung"]
    guards = [allow(OFFICER)]

    @post(
        "/{site_id:str}/suspend",
        operation_id="suspendAdmission",
        status_code=200,
        sync_to_thread=True,
    )
    def suspend(self, reg: Registry, me: Principal, site_id: str, data: ReasonIn) -> Json:
        return site_admissions.change_site_admission(
            reg, me, site_id, "suspend", data.reason, data.target_groups
        )

    @post(
        "/{site_id:str}/resume",
        operation_id="resumeAdmission",
        status_code=200,
        sync_to_thread=True,
    )
    def resume(self, reg: Registry, me: Principal, site_id: str, data: ReasonIn) -> Json:
        return site_admissions.change_site_admission(
            reg, me, site_id, "resume", data.reason, data.target_groups
        )

    @post(
        "/{site_id:str}/revoke",
        operation_id="revokeAdmission",
        status_code=200,
        sync_to_thread=True,
    )
    def revoke(self, reg: Registry, me: Principal, site_id: str, data: ReasonIn) -> Json:
        return site_admissions.change_site_admission(
            reg, me, site_id, "revoke", data.reason, data.target_groups
        )

    @post(
        "/{site_id:str}/review",
        operation_id="reviewAdmission",
        status_code=200,
        sync_to_thread=True,
    )
    def review(self, reg: Registry, me: Principal, site_id: str, data: ReviewIn) -> Json:
        return site_admissions.review_site_admission(reg, me, site_id, data.outcome, data.reason)


class AnnouncementController(Controller):
    path = "/api/v1/announcements"
    tags = ["Zulassung"]

    @post(
        "/",
        operation_id="createAnnouncement",
        status_code=201,
        guards=[allow(OFFICER, Role.NETWORK_STRATEGIST)],
        sync_to_thread=True,
    )
    def create(self, reg: Registry, me: Principal, data: AnnouncementIn) -> Json:
        return announcements.create_announcement(reg, me, data.model_dump())

    @get("/", operation_id="listAnnouncements", guards=[allow(*ANY_ROLE)], sync_to_thread=True)
    def list_all(
        self,
        reg: Registry,
        me: Principal,
        open: bool = True,  # noqa: A002
    ) -> list[Json]:
        return announcements.list_announcements(
            reg, open_only=open, carrier=_confirming_carrier(me)
        )

    @post(
        "/{announcement_id:str}/confirm",
        operation_id="confirmAnnouncement",
        status_code=200,
        guards=[allow(OFFICER, Role.NETWORK_STRATEGIST)],
        sync_to_thread=True,
        description="Rules A12, N4: a named carrier confirms its part; the announcement is "
        "published once every named carrier has. 404 for a carrier not named on it.",
    )
    def confirm(self, reg: Registry, me: Principal, announcement_id: str) -> Json:
        return announcements.confirm_announcement(reg, me, announcement_id)


def _confirming_carrier(principal: Any) -> str | None:
    """The carrier whose unconfirmed announcements the caller sees (its officers and
    strategists confirm them, A12/N4); None: published ones only."""
    if principal.role in (OFFICER, Role.NETWORK_STRATEGIST):
        return str(principal.carrier) if principal.carrier else None
    return None


class NoticeController(Controller):
    path = "/api/v1/notices"
    tags = ["Hinweise"]
    guards = [allow(OFFICER, Role.NETWORK_STRATEGIST)]

    @get("/", operation_id="listNotices", sync_to_thread=True)
    def list_all(
        self, reg: Registry, me: Principal, acknowledged: bool | None = None
    ) -> list[Json]:
        return notices.list_notices(reg, me, acknowledged)

    @post(
        "/{notice_id:str}/acknowledge",
        operation_id="acknowledgeNotice",
        status_code=200,
        sync_to_thread=True,
    )
    def acknowledge(self, reg: Registry, me: Principal, notice_id: str) -> Json:
        return notices.acknowledge(reg, me, notice_id)


ADMISSION_HANDLERS = [
    ProviderController,
    ApplicationController,
    FollowOnController,
    AdmissionActionController,
    AnnouncementController,
    NoticeController,
]
