"""The lifecycle area's repository: the only code naming ``lifecycle.*`` and ``tasks.*`` queries.

Read models are TypedDicts because the use cases index rows like dicts; dates and times are ISO
strings (they compare as strings), an absent relationship is ``''``. The in-memory fake of the
same interface is :class:`registry.lifecycle.in_memory.InMemoryLifecycleRepository`.
"""

from __future__ import annotations

from typing import TypedDict, cast

from registry.graph.repository import Repository


class ProviderApplication(TypedDict):
    """One of a provider's applications (``lifecycle.applications_of_provider``)."""

    id: str
    provider_id: str
    status: str
    receiving_carrier: str
    lead_carrier: str
    site_ids: list[str]
    site_positions: list[int]
    data: str  # JSON: the application's stored facts, findings among them
    submitted_at: str


class AwaitingDecision(TypedDict):
    """A submitted application the carrier leads (A5)."""

    id: str
    provider_id: str
    forwarded: bool
    submitted_at: str


class CarrierAdmission(TypedDict):
    """An admission of a site in the carrier's districts or issued by it (one per group)."""

    site_id: str
    provider_id: str
    application_id: str
    target_group: str
    carrier: str  # responsible for the site's district
    issued_by: str
    status: str
    decided_at: str
    review_due: str


class LatestContract(TypedDict):
    """A13: the carrier's latest contract with a provider."""

    provider_id: str
    signed_on: str


class PendingContract(TypedDict):
    """A13: a provider the carrier admitted (in force) with no contract recorded."""

    provider_id: str
    since: str
    application_id: str
    admissions: int


class StaleSite(TypedDict):
    """A15: a site whose data was last confirmed (or created) before the cut-off."""

    id: str
    provider_id: str
    name: str
    responsible_carrier: str
    confirmed_on: str
    created_at: str


class StaffTaskState(TypedDict):
    id: str
    status: str  # open, dismissed or done
    application_id: str
    carrier: str


class NewTask(TypedDict):
    """A stored task to open; carrier, provider, application and site may be ``''``."""

    id: str
    carrier: str
    provider_id: str
    kind: str
    rule: str
    application_id: str
    site_id: str
    message: str
    created_at: str
    due_on: str


class TaskRef(TypedDict):
    """Who owns a stored task and what it is about (``lifecycle.get_task``)."""

    id: str
    carrier: str
    provider_id: str
    kind: str
    rule: str
    application_id: str
    status: str


class OpenTask(TypedDict):
    """An open stored task for the inbox (``tasks.open_for``)."""

    id: str
    carrier: str
    provider_id: str
    kind: str
    rule: str
    application_id: str
    site_id: str
    message: str
    created_at: str
    due_on: str


class OpenTaskOfKind(TypedDict):
    id: str
    carrier: str
    rule: str
    site_id: str
    application_id: str
    message: str


class LifecycleRepository(Repository):
    """Queries of ``lifecycle.cypher`` (A13–A15, the Q0 profile's write) and ``tasks.cypher``."""

    # --- applications and admissions as the lifecycle sees them

    def applications_of_provider(self, provider_id: str) -> list[ProviderApplication]:
        rows = self._rows("lifecycle.applications_of_provider", provider_id=provider_id)
        return cast(list[ProviderApplication], rows)

    def awaiting_decision(self, carrier: str) -> list[AwaitingDecision]:
        return cast(
            list[AwaitingDecision], self._rows("lifecycle.awaiting_decision", carrier=carrier)
        )

    def carrier_admissions(self, carrier: str, status: str = "") -> list[CarrierAdmission]:
        rows = self._rows("lifecycle.carrier_admissions", carrier=carrier, status=status)
        return cast(list[CarrierAdmission], rows)

    # --- A13 contracts

    def carrier_contracts(self, carrier: str) -> list[LatestContract]:
        return cast(
            list[LatestContract], self._rows("lifecycle.carrier_contracts", carrier=carrier)
        )

    def pending_contracts(self, carrier: str) -> list[PendingContract]:
        return cast(
            list[PendingContract], self._rows("lifecycle.pending_contracts", carrier=carrier)
        )

    # --- A15 sites and staff

    def stale_sites(
        self, *, provider_id: str, carrier: str, before: str, in_force: bool
    ) -> list[StaleSite]:
        """Sites of ``provider_id`` or in ``carrier``'s districts (give at least one) confirmed
        (or, never confirmed, created) before ``before``; with ``in_force`` only sites holding
        an admission in force or awaiting follow-on."""
        rows = self._rows(
            "lifecycle.stale_sites",
            provider_id=provider_id,
            carrier=carrier,
            before=before,
            in_force=in_force,
        )
        return cast(list[StaleSite], rows)

    def delete_case_manager(self, provider_id: str, cm_id: str) -> None:
        """A15, §10: a case manager who left is deleted, not kept."""
        self._rows("lifecycle.delete_case_manager", id=cm_id, provider_id=provider_id)

    def providers_with_trainees(self, carrier: str, marker: str) -> list[str]:
        """Providers with a decided application ``carrier`` leads or an admission in force it
        issued, and a case manager whose stored data contains ``marker`` (a set Q3 training
        start)."""
        rows = self._rows("lifecycle.providers_with_trainees", carrier=carrier, marker=marker)
        return [str(r["provider_id"]) for r in rows]

    # --- stored tasks

    def staff_tasks(self, provider_id: str, kinds: list[str]) -> list[StaffTaskState]:
        rows = self._rows("lifecycle.staff_tasks", provider_id=provider_id, kinds=kinds)
        return cast(list[StaffTaskState], rows)

    def open_tasks(self, rows: list[NewTask]) -> None:
        """Open (or reopen) tasks with their edges, in the caller's unit of work."""
        if not rows:
            return
        self._rows("lifecycle.open_tasks", rows=rows)
        self._rows("lifecycle.link_tasks_carrier", rows=rows)
        self._rows("lifecycle.link_tasks_provider", rows=rows)
        self._rows("lifecycle.link_tasks_application", rows=rows)
        self._rows("lifecycle.link_tasks_site", rows=rows)

    def set_task_status(self, ids: list[str], status: str) -> None:
        if ids:
            self._rows("lifecycle.set_task_status", ids=ids, status=status)

    def get_task(self, task_id: str) -> TaskRef | None:
        return cast(TaskRef | None, self._one("lifecycle.get_task", id=task_id))

    def dismiss_task(self, task_id: str) -> bool:
        """Dismiss an open task; False if it was not open."""
        return bool(self._rows("lifecycle.dismiss_task", id=task_id))

    def open_for(self, carrier: str, provider_id: str = "") -> list[OpenTask]:
        """The carrier's open tasks and (with ``provider_id``) the provider's own."""
        rows = self._rows("tasks.open_for", carrier=carrier, provider_id=provider_id)
        return cast(list[OpenTask], rows)

    # --- Q0 carrier profile

    def set_carrier_profile(self, carrier_id: str, profile_json: str) -> bool:
        """Store a carrier's profile (it is read through the ReferenceRepository)."""
        return bool(
            self._rows("lifecycle.set_carrier_profile", id=carrier_id, profile_json=profile_json)
        )
