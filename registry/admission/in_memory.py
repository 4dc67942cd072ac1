"""In-memory fakes of :class:`~registry.admission.repository.AdmissionRepository` and
:class:`~registry.admission.repository.ProviderRepository`.

Plain dicts, for use-case tests without a database (``tests/service/``). What the graph walks
(a site's provider and responsible carrier, an admission's provider and carrier, the
applications involving a carrier's region, the sites due for review) the fakes compute from
their dicts. An admission lives on a site, so the admission fake reads the sites of the
provider fake it is given (:func:`admission_fakes` makes the pair); a site's responsible carrier
comes from its district (the reference data unless the test passes ``responsible``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from registry.admission.provider_repository import (
    CaseManagerRow,
    ContractRow,
    NewSite,
    ProviderDetailRow,
    ProviderRepository,
    ProviderRow,
    ProviderValues,
    SiteFactsUpdate,
    SiteRow,
)
from registry.admission.repository import (
    AdmissionRepository,
    AdmissionRow,
    AnnouncementRow,
    ApplicationRow,
    ApplicationSummaryRow,
    DueSiteRow,
    FollowOnRow,
    NewAnnouncement,
    NewApplication,
)

IN_FORCE = ("admitted", "suspended")


class InMemoryProviderRepository(ProviderRepository):
    def __init__(self, responsible: Mapping[str, str] | None = None) -> None:
        # no unit of work behind a fake: the base's runner is never used
        self.providers: dict[str, ProviderDetailRow] = {}
        self.site_rows: dict[str, dict[str, Any]] = {}  # NewSite + active + created_at
        self.case_manager_rows: dict[str, dict[str, Any]] = {}  # + provider_id, active
        self.contract_rows: list[tuple[str, ContractRow]] = []  # (provider, contract)
        self.admissions: InMemoryAdmissionRepository | None = None
        self._responsible = responsible

    def responsible_carrier(self, district_key: str) -> str:
        """A2: the regional carrier of the district ('' for an unknown district)."""
        if self._responsible is None:
            from registry.reference import load_reference

            ref = load_reference()
            self._responsible = {d.key: d.carrier for d in ref.districts}
        return self._responsible.get(district_key, "")

    # -- providers --------------------------------------------------------------------------

    def create(self, provider: ProviderValues, *, now: str) -> None:
        self.providers[provider["id"]] = {**provider, "active": True, "created_at": now}

    def get(self, provider_id: str) -> ProviderDetailRow | None:
        found = self.providers.get(provider_id)
        return cast(ProviderDetailRow, dict(found)) if found is not None else None

    def _row(self, p: ProviderDetailRow) -> ProviderRow:
        return {
            "id": p["id"],
            "name": p["name"],
            "legal_form": p["legal_form"],
            "email": p["email"],
            "phone": p["phone"],
            "website": p["website"],
            "active": p["active"],
        }

    def get_many(self, ids: Sequence[str]) -> list[ProviderRow]:
        return [self._row(self.providers[i]) for i in dict.fromkeys(ids) if i in self.providers]

    def all_providers(self) -> list[ProviderRow]:
        rows = sorted(self.providers.values(), key=lambda p: (p["name"], p["id"]))
        return [self._row(p) for p in rows]

    # -- sites ------------------------------------------------------------------------------

    def create_site(self, site: NewSite, *, now: str) -> None:
        if site["provider_id"] not in self.providers:
            raise AssertionError(f"site {site['id']} of an unknown provider")
        self.site_rows[site["id"]] = {**site, "active": True, "created_at": now}

    def _site(self, s: Mapping[str, Any]) -> SiteRow:
        keys = SiteRow.__annotations__
        row = {k: s[k] for k in keys if k in s}
        row["responsible_carrier"] = self.responsible_carrier(s["district_key"])
        row["languages"] = list(s["languages"])
        return cast(SiteRow, row)

    def sites(self, ids: Sequence[str]) -> list[SiteRow]:
        return [self._site(self.site_rows[i]) for i in dict.fromkeys(ids) if i in self.site_rows]

    def sites_of_provider(self, provider_id: str) -> list[SiteRow]:
        found = [s for s in self.site_rows.values() if s["provider_id"] == provider_id]
        found.sort(key=lambda s: (s["created_at"], s["id"]))
        return [self._site(s) for s in found]

    def all_sites(self) -> list[SiteRow]:
        return [self._site(s) for s in self.site_rows.values()]

    def admitted_site_ids(self) -> list[str]:
        if self.admissions is None:
            return []
        rows = self.admissions.admission_rows.values()
        return sorted({r["site_id"] for r in rows if r["status"] == "admitted"})

    def update_site_details(self, site_id: str, details: str) -> bool:
        if site_id not in self.site_rows:
            return False
        self.site_rows[site_id]["details"] = details
        return True

    def update_site_facts(self, site_id: str, facts: SiteFactsUpdate) -> bool:
        if site_id not in self.site_rows:
            return False
        row = self.site_rows[site_id]
        row.update(facts)
        row["languages"] = list(facts["languages"])
        return True

    def confirm_site(self, site_id: str, confirmed_on: str) -> bool:
        if site_id not in self.site_rows:
            return False
        self.site_rows[site_id]["confirmed_on"] = confirmed_on
        return True

    # -- case managers ----------------------------------------------------------------------

    def create_case_manager(
        self, cm_id: str, *, provider_id: str, name: str, data: str, now: str
    ) -> None:
        self.case_manager_rows[cm_id] = {
            "id": cm_id,
            "provider_id": provider_id,
            "name": name,
            "data": data,
            "changed_at": now,
            "active": True,
        }

    def _active_cm(self, cm_id: str, provider_id: str) -> dict[str, Any] | None:
        cm = self.case_manager_rows.get(cm_id)
        if cm is None or cm["provider_id"] != provider_id or not cm["active"]:
            return None
        return cm

    def case_managers(self, provider_id: str) -> list[CaseManagerRow]:
        found = [
            c
            for c in self.case_manager_rows.values()
            if c["provider_id"] == provider_id and c["active"]
        ]
        found.sort(key=lambda c: (c["name"], c["id"]))
        return [
            {"id": c["id"], "name": c["name"], "data": c["data"], "changed_at": c["changed_at"]}
            for c in found
        ]

    def update_case_manager(
        self, cm_id: str, *, provider_id: str, name: str, data: str, now: str
    ) -> bool:
        cm = self._active_cm(cm_id, provider_id)
        if cm is None:
            return False
        cm.update(name=name, data=data, changed_at=now)
        return True

    # -- contracts --------------------------------------------------------------------------

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
        contract: ContractRow = {
            "id": contract_id,
            "carrier": carrier,
            "signed_on": signed_on,
            "model_contract_version": model_contract_version,
            "recorded_at": now,
        }
        self.contract_rows.append((provider_id, contract))


class InMemoryAdmissionRepository(AdmissionRepository):
    def __init__(self, providers: InMemoryProviderRepository | None = None) -> None:
        self.providers = providers if providers is not None else InMemoryProviderRepository()
        self.providers.admissions = self
        self.applications: dict[str, dict[str, Any]] = {}
        self.admission_rows: dict[str, dict[str, Any]] = {}  # without provider and carrier
        self.follow_on_rows: dict[str, FollowOnRow] = {}
        self.announcement_rows: dict[str, AnnouncementRow] = {}

    # -- applications -----------------------------------------------------------------------

    def create_application(self, app: NewApplication) -> None:
        if app["provider_id"] not in self.providers.providers:
            raise AssertionError(f"application {app['id']} of an unknown provider")
        self.applications[app["id"]] = {
            **app,
            "target_groups": list(app["target_groups"]),
            "site_ids": list(app["site_ids"]),
            "version": 1,
            "submitted_at": app["now"],
            "decided_at": "",
        }

    def get_application(self, application_id: str) -> ApplicationRow | None:
        a = self.applications.get(application_id)
        if a is None:
            return None
        keys = ApplicationRow.__annotations__
        row = {k: a[k] for k in keys}
        return cast(ApplicationRow, {**row, "target_groups": list(a["target_groups"])})

    def _involves(self, a: Mapping[str, Any], carrier: str) -> bool:
        if carrier in (a["receiving_carrier"], a["lead_carrier"]):
            return True
        return any(s["responsible_carrier"] == carrier for s in self.providers.sites(a["site_ids"]))

    def list_applications(
        self, *, provider_id: str = "", carrier: str = "", status: str = ""
    ) -> list[ApplicationSummaryRow]:
        def listed(a: Mapping[str, Any]) -> bool:
            if provider_id:  # the provider's own (and what involves the carrier, of those)
                return bool(a["provider_id"] == provider_id)
            return not carrier or self._involves(a, carrier)

        found = [
            a
            for a in self.applications.values()
            if listed(a) and (not status or a["status"] == status)
        ]
        found.sort(key=lambda a: a["id"])
        found.sort(key=lambda a: a["submitted_at"], reverse=True)
        keys = ApplicationSummaryRow.__annotations__
        return [
            cast(ApplicationSummaryRow, {**{k: a[k] for k in keys}, "target_groups": [*tg]})
            for a in found
            for tg in [a["target_groups"]]
        ]

    def update_application(
        self, application_id: str, *, version: int, status: str, decided_at: str, data: str
    ) -> bool:
        a = self.applications.get(application_id)
        if a is None or a["version"] != version:
            return False
        a.update(status=status, decided_at=decided_at, data=data, version=version + 1)
        return True

    # -- admissions -------------------------------------------------------------------------

    def upsert_admissions(self, rows: Sequence[AdmissionRow]) -> None:
        for r in rows:
            stored = {k: v for k, v in r.items() if k not in ("provider_id", "carrier")}
            self.admission_rows[r["id"]] = stored

    def link_admissions(self, rows: Sequence[AdmissionRow]) -> None:
        return None  # an admission hangs off its site from the start

    def _admission(self, stored: Mapping[str, Any]) -> AdmissionRow | None:
        site = self.providers.site_rows.get(stored["site_id"])
        if site is None:
            return None
        return cast(
            AdmissionRow,
            {
                **stored,
                "provider_id": site["provider_id"],
                "carrier": self.providers.responsible_carrier(site["district_key"]),
            },
        )

    def _admissions(self) -> list[AdmissionRow]:
        rows = (self._admission(s) for s in self.admission_rows.values())
        return [r for r in rows if r is not None]

    def admissions_of_sites(self, site_ids: Sequence[str]) -> list[AdmissionRow]:
        wanted = set(site_ids)
        found = [r for r in self._admissions() if r["site_id"] in wanted]
        return sorted(found, key=lambda r: (r["site_id"], r["target_group"]))

    def admissions_of_provider(self, provider_id: str) -> list[AdmissionRow]:
        return [r for r in self._admissions() if r["provider_id"] == provider_id]

    def all_admissions(self) -> list[AdmissionRow]:
        return self._admissions()

    def admissions_due(self, carrier: str, until: str) -> list[DueSiteRow]:
        due: dict[str, DueSiteRow] = {}
        for r in self._admissions():
            if r["carrier"] != carrier or r["status"] not in IN_FORCE or r["review_due"] > until:
                continue
            row = due.get(r["site_id"])
            if row is None or r["review_due"] < row["review_due"]:
                due[r["site_id"]] = {
                    "site_id": r["site_id"],
                    "provider_id": r["provider_id"],
                    "carrier": carrier,
                    "review_due": r["review_due"],
                }
        return sorted(due.values(), key=lambda d: (d["review_due"], d["site_id"]))

    # -- follow-on tasks --------------------------------------------------------------------

    def create_follow_on(
        self, task_id: str, *, application_id: str, site_id: str, carrier: str, now: str
    ) -> None:
        self.follow_on_rows[task_id] = {
            "id": task_id,
            "application_id": application_id,
            "site_id": site_id,
            "carrier": carrier,
            "status": "open",
            "created_at": now,
            "done_at": "",
        }

    def follow_ons(
        self, *, carrier: str = "", status: str = "", application_id: str = ""
    ) -> list[FollowOnRow]:
        found = [
            dict(t)
            for t in self.follow_on_rows.values()
            if (not carrier or t["carrier"] == carrier)
            and (not status or t["status"] == status)
            and (not application_id or t["application_id"] == application_id)
        ]
        return cast(list[FollowOnRow], sorted(found, key=lambda t: (t["created_at"], t["id"])))

    def get_follow_on(self, task_id: str) -> FollowOnRow | None:
        t = self.follow_on_rows.get(task_id)
        return cast(FollowOnRow, dict(t)) if t is not None else None

    def close_follow_on(self, task_id: str, *, status: str, now: str) -> bool:
        t = self.follow_on_rows.get(task_id)
        if t is None or t["status"] != "open":
            return False
        t["status"], t["done_at"] = status, now
        return True

    # -- announcements ----------------------------------------------------------------------

    def create_announcement(self, ann: NewAnnouncement) -> None:
        self.announcement_rows[ann["id"]] = {
            "id": ann["id"],
            "carriers": sorted(set(ann["carriers"])),
            "pending": sorted(set(ann["carriers"]) - {ann["confirmed_carrier"]}),
            "target_groups": sorted(set(ann["target_groups"])),
            "districts": sorted(set(ann["districts"])),
            "state": ann["state"],
            "text": ann["text"],
            "open_until": ann["open_until"],
            "created_at": ann["now"],
        }

    def announcements(self, *, open_on: str = "") -> list[AnnouncementRow]:
        found = [
            cast(AnnouncementRow, {**a, "pending": list(a["pending"])})
            for a in self.announcement_rows.values()
            if not open_on or a["open_until"] >= open_on
        ]
        return sorted(found, key=lambda a: (a["open_until"], a["id"]))

    def announcement_exists(self, announcement_id: str) -> bool:
        found = self.announcement_rows.get(announcement_id)
        return found is not None and not found["pending"]

    def confirm_announcement(self, announcement_id: str, carrier: str) -> bool:
        found = self.announcement_rows.get(announcement_id)
        if found is None or carrier not in found["carriers"]:
            return False
        found["pending"] = [c for c in found["pending"] if c != carrier]
        return True


def admission_fakes(
    responsible: Mapping[str, str] | None = None,
) -> tuple[InMemoryAdmissionRepository, InMemoryProviderRepository]:
    """The two fakes of the admission area, the admissions living on the providers' sites."""
    providers = InMemoryProviderRepository(responsible)
    return InMemoryAdmissionRepository(providers), providers
