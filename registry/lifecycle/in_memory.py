"""In-memory fake of :class:`~registry.lifecycle.repository.LifecycleRepository`.

Plain dicts, for use-case tests without a database (``tests/service/``). The lifecycle's queries
walk the admission area's data (applications, sites, admissions, case managers, contracts), so
the fake reads the dicts of the admission area's fakes it is given (one world, as in the graph);
its own dicts hold the stored tasks; a carrier's profile is written into the reference fake
(``ReferenceRepository`` reads it, as ``reference.get_carrier`` does in the graph).
"""

from __future__ import annotations

import json
from typing import Any, cast

from registry.admission.in_memory import InMemoryAdmissionRepository, admission_fakes
from registry.lifecycle.repository import (
    AwaitingDecision,
    CarrierAdmission,
    LatestContract,
    LifecycleRepository,
    NewTask,
    OpenTask,
    PendingContract,
    ProviderApplication,
    StaffTaskState,
    StaleSite,
    TaskRef,
)
from registry.reference_repository import InMemoryReferenceRepository

IN_FORCE = ("admitted", "suspended")
IN_FORCE_OR_AWAITING = ("admitted", "suspended", "awaiting_follow_on")


class InMemoryLifecycleRepository(LifecycleRepository):
    def __init__(
        self,
        admissions: InMemoryAdmissionRepository | None = None,
        reference: InMemoryReferenceRepository | None = None,
    ) -> None:
        # no unit of work behind a fake: the base's runner is never used
        self.admissions = admissions if admissions is not None else admission_fakes()[0]
        self.providers = self.admissions.providers
        if reference is None:
            from registry.reference import load_reference

            reference = InMemoryReferenceRepository.of(load_reference())
        self.reference = reference
        self.tasks: dict[str, dict[str, str]] = {}

    # --- applications and admissions

    def applications_of_provider(self, provider_id: str) -> list[ProviderApplication]:
        found = [
            a for a in self.admissions.applications.values() if a["provider_id"] == provider_id
        ]
        found.sort(key=lambda a: (a["submitted_at"], a["id"]))
        return [
            {
                "id": a["id"],
                "provider_id": a["provider_id"],
                "status": a["status"],
                "receiving_carrier": a["receiving_carrier"],
                "lead_carrier": a["lead_carrier"],
                "site_ids": list(a["site_ids"]),
                "site_positions": list(range(len(a["site_ids"]))),
                "data": a["data"],
                "submitted_at": a["submitted_at"],
            }
            for a in found
        ]

    def awaiting_decision(self, carrier: str) -> list[AwaitingDecision]:
        found = [
            a
            for a in self.admissions.applications.values()
            if a["lead_carrier"] == carrier and a["status"] == "submitted"
        ]
        found.sort(key=lambda a: (a["submitted_at"], a["id"]))
        return [
            {
                "id": a["id"],
                "provider_id": a["provider_id"],
                "forwarded": bool(a["forwarded"]),
                "submitted_at": a["submitted_at"],
            }
            for a in found
        ]

    def carrier_admissions(self, carrier: str, status: str = "") -> list[CarrierAdmission]:
        found: list[CarrierAdmission] = [
            {
                "site_id": m["site_id"],
                "provider_id": m["provider_id"],
                "application_id": m["application_id"],
                "target_group": m["target_group"],
                "carrier": m["carrier"],
                "issued_by": m["issued_by"],
                "status": m["status"],
                "decided_at": m["decided_at"],
                "review_due": m["review_due"],
            }
            for m in self.admissions.all_admissions()
            if carrier in (m["carrier"], m["issued_by"]) and (not status or m["status"] == status)
        ]
        return sorted(found, key=lambda r: (r["provider_id"], r["site_id"], r["target_group"]))

    # --- A13 contracts

    def _signed(self, carrier: str) -> dict[str, str]:
        latest: dict[str, str] = {}
        for provider_id, c in self.providers.contract_rows:
            if c["carrier"] == carrier:
                latest[provider_id] = max(latest.get(provider_id, ""), c["signed_on"])
        return latest

    def carrier_contracts(self, carrier: str) -> list[LatestContract]:
        latest = self._signed(carrier)
        return [{"provider_id": p, "signed_on": latest[p]} for p in sorted(latest)]

    def pending_contracts(self, carrier: str) -> list[PendingContract]:
        signed = self._signed(carrier)
        by_provider: dict[str, list[dict[str, Any]]] = {}
        for m in self.admissions.all_admissions():
            issued = m["issued_by"] == carrier and m["status"] in IN_FORCE
            if issued and m["provider_id"] not in signed:
                by_provider.setdefault(m["provider_id"], []).append(dict(m))
        out: list[PendingContract] = []
        for provider_id, rows in by_provider.items():
            apps = [r["application_id"] for r in rows if r["application_id"]]
            out.append(
                {
                    "provider_id": provider_id,
                    "since": min(r["decided_at"] for r in rows),
                    "application_id": min(apps) if apps else "",
                    "admissions": len(rows),
                }
            )
        return sorted(out, key=lambda r: (r["since"], r["provider_id"]))

    # --- A15 sites and staff

    def stale_sites(
        self, *, provider_id: str, carrier: str, before: str, in_force: bool
    ) -> list[StaleSite]:
        statuses: dict[str, set[str]] = {}
        for m in self.admissions.all_admissions():
            statuses.setdefault(m["site_id"], set()).add(m["status"])
        out: list[StaleSite] = []
        for s in self.providers.site_rows.values():
            responsible = self.providers.responsible_carrier(s["district_key"])
            if not provider_id and not carrier:
                continue
            if provider_id and s["provider_id"] != provider_id:
                continue
            if carrier and responsible != carrier:
                continue
            confirmed = s.get("confirmed_on") or ""
            if not s["active"] or (confirmed or s["created_at"]) >= before:
                continue
            if in_force and not statuses.get(s["id"], set()) & set(IN_FORCE_OR_AWAITING):
                continue
            out.append(
                {
                    "id": s["id"],
                    "provider_id": s["provider_id"],
                    "name": s["name"],
                    "responsible_carrier": responsible,
                    "confirmed_on": confirmed,
                    "created_at": s["created_at"],
                }
            )
        return sorted(out, key=lambda r: (r["confirmed_on"], r["id"]))

    def delete_case_manager(self, provider_id: str, cm_id: str) -> None:
        cm = self.providers.case_manager_rows.get(cm_id)
        if cm is not None and cm["provider_id"] == provider_id:
            del self.providers.case_manager_rows[cm_id]

    def providers_with_trainees(self, carrier: str, marker: str) -> list[str]:
        involved = {
            a["provider_id"]
            for a in self.admissions.applications.values()
            if a["lead_carrier"] == carrier and a["status"] == "decided"
        } | {
            m["provider_id"]
            for m in self.admissions.all_admissions()
            if m["issued_by"] == carrier and m["status"] in IN_FORCE
        }
        return sorted(
            {
                c["provider_id"]
                for c in self.providers.case_manager_rows.values()
                if c["provider_id"] in involved and marker in c["data"]
            }
        )

    # --- stored tasks

    def staff_tasks(self, provider_id: str, kinds: list[str]) -> list[StaffTaskState]:
        found = [
            t for t in self.tasks.values() if t["provider_id"] == provider_id and t["kind"] in kinds
        ]
        return [
            {
                "id": t["id"],
                "status": t["status"],
                "application_id": t["application_id"],
                "carrier": t["carrier"],
            }
            for t in sorted(found, key=lambda t: t["id"])
        ]

    def open_tasks(self, rows: list[NewTask]) -> None:
        for row in rows:
            given: dict[str, str] = {k: str(v) for k, v in row.items()}
            task = self.tasks.setdefault(row["id"], {k: "" for k in NewTask.__annotations__})
            for key in ("id", "kind", "rule", "message", "created_at", "due_on"):
                task[key] = given[key]
            for key in ("carrier", "provider_id", "application_id", "site_id"):
                task[key] = task[key] or given[key]  # an edge once drawn stays
            task["status"] = "open"

    def set_task_status(self, ids: list[str], status: str) -> None:
        for tid in ids:
            if tid in self.tasks:
                self.tasks[tid]["status"] = status

    def get_task(self, task_id: str) -> TaskRef | None:
        t = self.tasks.get(task_id)
        if t is None:
            return None
        return {
            "id": t["id"],
            "carrier": t["carrier"],
            "provider_id": t["provider_id"],
            "kind": t["kind"],
            "rule": t["rule"],
            "application_id": t["application_id"],
            "status": t["status"],
        }

    def dismiss_task(self, task_id: str) -> bool:
        t = self.tasks.get(task_id)
        if t is None or t["status"] != "open":
            return False
        t["status"] = "dismissed"
        return True

    def _open(self, t: dict[str, str]) -> OpenTask:
        return cast(OpenTask, {k: t[k] for k in OpenTask.__annotations__})

    def open_for(self, carrier: str, provider_id: str = "") -> list[OpenTask]:
        found = [
            t
            for t in self.tasks.values()
            if t["status"] == "open"
            and (
                (carrier and t["carrier"] == carrier)
                or (provider_id and t["provider_id"] == provider_id and not t["carrier"])
            )
        ]
        return [self._open(t) for t in sorted(found, key=lambda t: (t["created_at"], t["id"]))]

    # --- Q0 carrier profile

    def set_carrier_profile(self, carrier_id: str, profile_json: str) -> bool:
        if carrier_id not in self.reference.carrier_rows:
            return False
        self.reference.profiles[carrier_id] = json.loads(profile_json)
        return True
