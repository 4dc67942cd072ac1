"""The provider repository: the only code naming the queries of ``providers.cypher``.

:class:`ProviderRepository`: providers, their sites (A9: one site per address), case managers
(A15) and contracts (A13), with their typed read models (``TypedDict``). Its in-memory fake lives
in :mod:`registry.admission.in_memory`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict, cast

from registry.graph.ports import Row
from registry.graph.repository import Repository


class ProviderValues(TypedDict):
    id: str
    name: str
    legal_form: str
    email: str
    phone: str
    website: str


class ProviderRow(ProviderValues):
    active: bool


class ProviderDetailRow(ProviderRow):
    created_at: str


class NewSite(TypedDict):
    """A site as created; its provider (``OPERATES``) and district (``LOCATED_IN``) exist.
    ``details`` is JSON text of its directory facts."""

    id: str
    provider_id: str
    name: str
    headquarters: bool
    street: str
    postal_code: str
    place: str
    district_key: str
    lat: float
    lon: float
    catchment_radius_km: float
    outreach_radius_km: float | None
    public_transport: bool
    barrier_free: bool
    rooms_individual: bool
    rooms_relatives: bool
    languages: list[str]
    details: str
    confirmed_on: str


class SiteRow(TypedDict):
    """A site with its provider, district and responsible carrier (A2, derived)."""

    id: str
    provider_id: str
    name: str
    headquarters: bool
    street: str
    postal_code: str
    place: str
    district_key: str
    responsible_carrier: str
    lat: float
    lon: float
    catchment_radius_km: float
    outreach_radius_km: float | None
    public_transport: bool
    barrier_free: bool
    rooms_individual: bool
    rooms_relatives: bool
    languages: list[str]
    active: bool
    details: str
    confirmed_on: str


class SiteFactsUpdate(TypedDict):
    """A15: a site's directory facts, all of them (``providers.update_site_facts``)."""

    languages: list[str]
    barrier_free: bool
    public_transport: bool
    catchment_radius_km: float
    outreach_radius_km: float | None
    rooms_individual: bool
    rooms_relatives: bool


class CaseManagerRow(TypedDict):
    """A case manager in the provider's current staff; ``data`` is JSON text of the facts."""

    id: str
    name: str
    data: str
    changed_at: str


class ContractRow(TypedDict):
    """A13: a carrier's contract with a provider it admitted."""

    id: str
    carrier: str
    signed_on: str
    model_contract_version: str
    recorded_at: str


# --------------------------------------------------------------------------- providers


class ProviderRepository(Repository):
    """The queries of ``providers.cypher``."""

    # -- providers --------------------------------------------------------------------------

    def create(self, provider: ProviderValues, *, now: str) -> None:
        self._rows("providers.create", **provider, now=now)

    def get(self, provider_id: str) -> ProviderDetailRow | None:
        return cast(ProviderDetailRow | None, self._one("providers.get", id=provider_id))

    def get_many(self, ids: Sequence[str]) -> list[ProviderRow]:
        """The providers among ``ids`` that exist, in no particular order."""
        return cast(list[ProviderRow], self._rows("providers.get_many", ids=list(ids)))

    def all_providers(self) -> list[ProviderRow]:
        """Every provider, by name."""
        return cast(list[ProviderRow], self._rows("providers.list"))

    # -- sites (A1, A9, A15) ----------------------------------------------------------------

    def create_site(self, site: NewSite, *, now: str) -> None:
        self._rows("providers.create_site", **site, now=now)

    def sites(self, ids: Sequence[str]) -> list[SiteRow]:
        """The sites among ``ids`` that exist, in no particular order (one key lookup each)."""
        rows: list[Row] = []
        for site_id in dict.fromkeys(ids):
            rows += self._rows("providers.site", id=site_id)
        return cast(list[SiteRow], rows)

    def sites_of_provider(self, provider_id: str) -> list[SiteRow]:
        """The provider's sites in the order they were created."""
        rows = self._rows("providers.sites_of_provider", provider_id=provider_id)
        return cast(list[SiteRow], rows)

    def all_sites(self) -> list[SiteRow]:
        return cast(list[SiteRow], self._rows("providers.all_sites"))

    def admitted_site_ids(self) -> list[str]:
        """Sites with at least one admission in status admitted, by id."""
        return [r["id"] for r in self._rows("providers.admitted_site_ids")]

    def update_site_details(self, site_id: str, details: str) -> bool:
        return bool(self._rows("providers.update_site_details", id=site_id, details=details))

    def update_site_facts(self, site_id: str, facts: SiteFactsUpdate) -> bool:
        """A15: the site's directory facts as the provider keeps them current."""
        return bool(self._rows("providers.update_site_facts", id=site_id, **facts))

    def confirm_site(self, site_id: str, confirmed_on: str) -> bool:
        return bool(self._rows("providers.confirm_site", id=site_id, confirmed_on=confirmed_on))

    # -- case managers (A15) ----------------------------------------------------------------

    def create_case_manager(
        self, cm_id: str, *, provider_id: str, name: str, data: str, now: str
    ) -> None:
        self._rows(
            "providers.create_case_manager",
            id=cm_id,
            provider_id=provider_id,
            name=name,
            data=data,
            now=now,
        )

    def case_managers(self, provider_id: str) -> list[CaseManagerRow]:
        """The provider's active case managers, by name."""
        rows = self._rows("providers.case_managers", provider_id=provider_id)
        return cast(list[CaseManagerRow], rows)

    def update_case_manager(
        self, cm_id: str, *, provider_id: str, name: str, data: str, now: str
    ) -> bool:
        """False if the provider employs no active case manager ``cm_id``."""
        return bool(
            self._rows(
                "providers.update_case_manager",
                id=cm_id,
                provider_id=provider_id,
                name=name,
                data=data,
                now=now,
            )
        )

    # -- contracts (A13) --------------------------------------------------------------------

    def create_contract(
        self,
        contract_id: str,
        *,
        carrier: str,
        provider_id: str,
        signed_on: str,
        model_contract_version: str,
        now: str,
    ) -> None:
        self._rows(
            "providers.create_contract",
            id=contract_id,
            carrier=carrier,
            provider_id=provider_id,
            signed_on=signed_on,
            model_contract_version=model_contract_version,
            now=now,
        )
