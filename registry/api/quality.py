"""Quality assurance API (API.md "Quality assurance", rule A16): visits, complaint counts,
yearly figures and a provider's quality record.

Officers of a carrier that admitted a site of the provider plan, join and record visits and
enter complaint counts; the provider reports its yearly figures and sees its visits; everyone
else gets 404 (the services decide by the graph's relationships, ``registry.quality.common``).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from litestar import Controller, get, post, put
from litestar.params import Parameter
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from registry.api.fields import Code, OptLongText, Strict
from registry.api.security import allow
from registry.auth import Principal, Role
from registry.context import Registry
from registry.quality import complaints, figures, record, visits

Json = dict[str, Any]
OFFICER = Role.ADMISSIONS_OFFICER
PROVIDER = Role.PROVIDER

Note = Annotated[OptLongText, StringConstraints(max_length=2000)]


class VisitIn(Strict):
    planned_on: date
    carriers: Annotated[list[Code], Field(max_length=20)] = []
    note: Note = ""


class VisitDoneIn(Strict):
    done_on: date
    finding: Annotated[str, StringConstraints(max_length=4000)]


class CountsIn(BaseModel):
    """Counts only: the rule (A16) names every field it does not accept (422), so the parser
    lets unknown fields through to it, like the unmet-need record."""

    model_config = ConfigDict(extra="allow")


class QualityController(Controller):
    path = "/api/v1/providers"
    tags = ["Qualitätssicherung"]

    @get(
        "/{provider_id:str}/visits",
        operation_id="listVisits",
        guards=[allow(OFFICER, PROVIDER)],
        sync_to_thread=True,
    )
    def list_visits(self, reg: Registry, me: Principal, provider_id: str) -> list[Json]:
        return visits.list_visits(reg, me, provider_id)

    @post(
        "/{provider_id:str}/visits",
        operation_id="planVisit",
        status_code=201,
        guards=[allow(OFFICER)],
        sync_to_thread=True,
    )
    def plan_visit(self, reg: Registry, me: Principal, provider_id: str, data: VisitIn) -> Json:
        return visits.plan_visit(reg, me, provider_id, data.model_dump())

    @post(
        "/{provider_id:str}/visits/{visit_id:str}/join",
        operation_id="joinVisit",
        status_code=200,
        guards=[allow(OFFICER)],
        sync_to_thread=True,
    )
    def join_visit(self, reg: Registry, me: Principal, provider_id: str, visit_id: str) -> Json:
        return visits.join_visit(reg, me, provider_id, visit_id)

    @post(
        "/{provider_id:str}/visits/{visit_id:str}/done",
        operation_id="recordVisitDone",
        status_code=200,
        guards=[allow(OFFICER)],
        sync_to_thread=True,
    )
    def visit_done(
        self, reg: Registry, me: Principal, provider_id: str, visit_id: str, data: VisitDoneIn
    ) -> Json:
        return visits.record_done(reg, me, provider_id, visit_id, data.done_on, data.finding)

    @post(
        "/{provider_id:str}/complaints",
        operation_id="recordComplaints",
        status_code=201,
        guards=[allow(OFFICER)],
        sync_to_thread=True,
    )
    def record_complaints(
        self, reg: Registry, me: Principal, provider_id: str, data: CountsIn
    ) -> Json:
        return complaints.record_complaints(
            reg, me, provider_id, data.model_dump(exclude_unset=True)
        )

    @put(
        "/{provider_id:str}/yearly-figures/{year:int}",
        operation_id="reportYearlyFigures",
        guards=[allow(PROVIDER)],
        sync_to_thread=True,
    )
    def report_figures(
        self,
        reg: Registry,
        me: Principal,
        provider_id: str,
        year: Annotated[int, Parameter(ge=1900, le=9999)],
        data: CountsIn,
    ) -> Json:
        return figures.report_figures(
            reg,
            me,
            provider_id,
            year,
            data.model_dump(exclude_unset=True),
        )

    @get(
        "/{provider_id:str}/quality",
        operation_id="getQualityRecord",
        guards=[allow(OFFICER, PROVIDER)],
        sync_to_thread=True,
    )
    def quality(self, reg: Registry, me: Principal, provider_id: str) -> Json:
        return record.quality_record(reg, me, provider_id)


QUALITY_HANDLERS = [QualityController]
