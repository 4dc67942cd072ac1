"""Directory API (API.md "Directory"): search, print (E6), explain, overview (E8)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.di import Provide
from litestar.params import Parameter
from pydantic import BaseModel, ConfigDict, Field

from registry.api.openapi_media import answering_also
from registry.api.security import allow
from registry.auth import Principal, Role
from registry.context import Registry
from registry.directory import printing, service
from registry.directory.service import SEARCH_ROLES, CaseInput

Json = dict[str, Any]
PostalCodeParam = Annotated[str, Parameter(max_length=20, description="Postleitzahl des Wohnorts")]
Groups = Annotated[
    list[str],
    Parameter(query="target_group", max_items=11, description="Zielgruppen (alle gefordert)"),
]
Languages = Annotated[list[str] | None, Parameter(query="language", max_items=10)]
Distance = Annotated[float | None, Parameter(ge=0, le=1000)]
Text = Annotated[str | None, Parameter(max_length=200)]
Page = Annotated[int, Parameter(ge=1, le=100_000)]
PageSize = Annotated[int, Parameter(ge=1, le=100)]


def provide_case(
    postal_code: PostalCodeParam,
    target_group: Groups,
    carrier: Text = None,
    place: Text = None,
    language: Languages = None,
    barrier_free: bool = False,
    public_transport: bool = False,
    outreach: bool = False,
    max_distance_km: Distance = None,
    q: Text = None,
) -> CaseInput:
    """The case parameters that search, print and explain share (one parser for all three)."""
    return CaseInput(
        carrier=carrier,
        postal_code=postal_code,
        place=place,
        target_groups=service.split_list(target_group),
        languages=service.split_list(language),
        barrier_free=barrier_free,
        public_transport=public_transport,
        outreach=outreach,
        max_distance_km=max_distance_km,
        q=(q or "").strip(),
    )


class PrintFor(BaseModel):
    """The name printed on the list for the insured person (issue 17, item 4)."""

    model_config = ConfigDict(extra="forbid")
    person: str = Field(default="", max_length=200, description="nur für den Ausdruck")


def _printed(request: Request[Any, Any, Any], context: Json, format: str | None) -> Response[Any]:  # noqa: A002
    wants_pdf = format == "pdf" or "application/pdf" in request.headers.get("accept", "")
    if wants_pdf:
        return Response(
            printing.render_print_pdf(context),
            media_type="application/pdf",
            headers={
                "Content-Disposition": 'inline; filename="anbieterliste.pdf"',
                "Cache-Control": "no-store",
            },
        )
    return Response(
        printing.render_print_html(context),
        media_type=MediaType.HTML,
        headers={"Cache-Control": "no-store"},
    )


class DirectoryController(Controller):
    path = "/api/v1/directory"
    tags = ["Verzeichnis"]
    dependencies = {"case": Provide(provide_case, sync_to_thread=False)}

    @get(
        "/search",
        operation_id="searchDirectory",
        guards=[allow(*SEARCH_ROLES)],
        sync_to_thread=True,
    )
    def search(
        self,
        reg: Registry,
        me: Principal,
        case: CaseInput,
        page: Page = 1,
        page_size: PageSize = 20,
    ) -> Json:
        return service.search(reg, me, case, page, page_size)

    @get(
        "/print",
        operation_id="printDirectory",
        operation_class=answering_also("application/pdf"),
        guards=[allow(*SEARCH_ROLES)],
        sync_to_thread=True,
        media_type=MediaType.HTML,
    )
    def print_list(
        self,
        request: Request[Any, Any, Any],
        reg: Registry,
        me: Principal,
        case: CaseInput,
        format: Annotated[Literal["html", "pdf"] | None, Parameter()] = None,  # noqa: A002
    ) -> Response[Any]:
        """E6 without a name. The insured person's name never goes into an address (history,
        referrers, logs): ``POST`` the same search with ``{"person": ...}`` to print it."""
        return _printed(request, service.print_context(reg, me, case), format)

    @post(
        "/print",
        operation_id="printDirectoryForPerson",
        operation_class=answering_also("application/pdf"),
        guards=[allow(*SEARCH_ROLES)],
        sync_to_thread=True,
        status_code=200,
        media_type=MediaType.HTML,
    )
    def print_list_for_person(
        self,
        request: Request[Any, Any, Any],
        reg: Registry,
        me: Principal,
        case: CaseInput,
        data: PrintFor,
        format: Annotated[Literal["html", "pdf"] | None, Parameter()] = None,  # noqa: A002
    ) -> Response[Any]:
        """E6 with the insured person's name, sent in the body only; neither stored nor
        logged (docs/rules.md §10)."""
        context = service.print_context(reg, me, case, data.person)
        return _printed(request, context, format)

    @get(
        "/explain",
        operation_id="explainDirectory",
        guards=[allow(*SEARCH_ROLES, Role.PROVIDER)],
        sync_to_thread=True,
    )
    def explain(
        self,
        reg: Registry,
        me: Principal,
        provider: Annotated[str, Parameter(max_length=100)],
        case: CaseInput,
    ) -> Json:
        return service.explain(reg, me, provider, case)

    @get(
        "/overview",
        operation_id="directoryOverview",
        operation_class=answering_also("text/csv", "application/pdf"),
        guards=[allow(*SEARCH_ROLES, Role.ADMIN)],
        sync_to_thread=True,
    )
    def overview(
        self,
        reg: Registry,
        me: Principal,
        carrier: Text = None,
        format: Annotated[Literal["json", "csv", "pdf", "html"] | None, Parameter()] = None,  # noqa: A002
    ) -> Response[Any]:
        data = service.overview(reg, me, carrier)
        if format == "csv":
            return Response(
                service.overview_csv(data),
                media_type="text/csv",  # Litestar adds "; charset=utf-8" (once)
                headers={"Content-Disposition": 'attachment; filename="uebersicht.csv"'},
            )
        if format == "pdf":
            return Response(printing.render_overview_pdf(data), media_type="application/pdf")
        return Response(data, media_type=MediaType.JSON)
