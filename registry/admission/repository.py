"""The admission repository: the only code naming the queries of ``admission.cypher``.

:class:`AdmissionRepository`: applications (A1–A5), admissions of sites per target group (A6–A9,
A14), follow-on tasks (A7) and announcements (A12). Providers, their sites, case managers and
contracts are :mod:`registry.admission.provider_repository`.

Rows are typed read models (``TypedDict``: the use cases index them like the rows they were).
Lists an application names come back in their listed order (the repository sorts them by their
positions); other list-valued associations come in no particular order. The in-memory fakes of
both repositories live in :mod:`registry.admission.in_memory`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypedDict, cast

from registry.graph.ports import Row
from registry.graph.repository import Repository

# --------------------------------------------------------------------------- read models


class NewApplication(TypedDict):
    """An application as submitted (A1, A3/A4: its receiving and lead carrier); ``data`` is the
    JSON text of its snapshot (provider, case managers, concept, findings, decision)."""

    id: str
    provider_id: str
    status: str
    receiving_carrier: str
    lead_carrier: str
    forwarded: bool
    target_groups: list[str]
    site_ids: list[str]
    announcement_id: str  # '' for none
    data: str
    now: str


class ApplicationSummaryRow(TypedDict):
    """An application as listed (``list_applications``); target groups in the listed order."""

    id: str
    provider_id: str
    status: str
    receiving_carrier: str
    lead_carrier: str
    forwarded: bool
    target_groups: list[str]
    version: int
    submitted_at: str
    decided_at: str


class ApplicationRow(ApplicationSummaryRow):
    """One application (``get_application``); ``site_ids`` in the listed order."""

    site_ids: list[str]
    announcement_id: str
    data: str


class AdmissionRow(TypedDict):
    """An admission of a site for a target group, as read and as written. ``carrier`` is the
    site's responsible carrier (A2, derived from its district, never stored), ``issued_by`` the
    carrier that admitted it ('' none yet), ``application_id`` the application it rests on."""

    id: str
    site_id: str
    provider_id: str
    application_id: str
    target_group: str
    carrier: str
    issued_by: str
    status: str
    decided_at: str
    changed_at: str
    review_due: str
    reason: str


class DueSiteRow(TypedDict):
    """A14: a site of the carrier's region with an admission in force due for review."""

    site_id: str
    provider_id: str
    carrier: str
    review_due: str


class FollowOnRow(TypedDict):
    """A7: the task of a site's responsible carrier to admit it on the lead's decision."""

    id: str
    application_id: str
    site_id: str
    carrier: str
    status: str  # open, done, cancelled
    created_at: str
    done_at: str


class NewAnnouncement(TypedDict):
    """A12: an announcement as written; ``state`` '' unless it covers a whole state. Of its
    ``carriers`` only ``confirmed_carrier`` (the author's) has confirmed; it is published once
    every other one has (rule N4)."""

    id: str
    carriers: list[str]
    target_groups: list[str]
    districts: list[str]
    state: str
    text: str
    open_until: str
    now: str
    created_by: str
    confirmed_carrier: str


class AnnouncementRow(TypedDict):
    """``pending``: the named carriers that have yet to confirm (none: published)."""

    id: str
    carriers: list[str]
    pending: list[str]
    target_groups: list[str]
    districts: list[str]
    state: str
    text: str
    open_until: str
    created_at: str


def in_listed_order(values: Sequence[Any], positions: Sequence[int]) -> list[Any]:
    """A collected list in the order its positions give (collect() keeps none on ladybug)."""
    return [value for _, value in sorted(zip(positions, values, strict=True))]


def _ordered(row: Row) -> Row:
    out = dict(row)
    for key, positions in (
        ("site_ids", "site_positions"),
        ("target_groups", "target_group_positions"),
    ):
        if positions in out:
            out[key] = in_listed_order(out[key], out.pop(positions))
    return out


# --------------------------------------------------------------------------- admission


class AdmissionRepository(Repository):
    """The queries of ``admission.cypher``. A method that writes a node and its associations
    runs all of its queries in the caller's one unit of work."""

    # -- applications (A1–A5, A11) ----------------------------------------------------------

    def create_application(self, app: NewApplication) -> None:
        """The application with its provider, receiving and lead carrier, the groups it asks
        for and the sites it names (in their listed order), and the announcement it answers."""
        self._rows(
            "admission.create_application",
            id=app["id"],
            provider_id=app["provider_id"],
            status=app["status"],
            receiving_carrier=app["receiving_carrier"],
            lead_carrier=app["lead_carrier"],
            forwarded=app["forwarded"],
            requested_groups=[
                {"code": code, "position": i} for i, code in enumerate(app["target_groups"])
            ],
            named_sites=[{"id": sid, "position": i} for i, sid in enumerate(app["site_ids"])],
            data=app["data"],
            now=app["now"],
        )
        if app["announcement_id"]:
            self._rows(
                "admission.link_application_announcement",
                id=app["id"],
                announcement_id=app["announcement_id"],
            )

    def get_application(self, application_id: str) -> ApplicationRow | None:
        row = self._one("admission.get_application", id=application_id)
        return cast(ApplicationRow, _ordered(row)) if row is not None else None

    def list_applications(
        self, *, provider_id: str = "", carrier: str = "", status: str = ""
    ) -> list[ApplicationSummaryRow]:
        """A provider's own, or those involving a carrier (received, led, or naming a site in
        its region); with neither, every application. Newest first."""
        rows = self._rows(
            "admission.list_applications", provider_id=provider_id, carrier=carrier, status=status
        )
        return [cast(ApplicationSummaryRow, _ordered(r)) for r in rows]

    def update_application(
        self, application_id: str, *, version: int, status: str, decided_at: str, data: str
    ) -> bool:
        """Save an application still at ``version`` (A11); False, with nothing written, if
        somebody changed it meanwhile."""
        return bool(
            self._rows(
                "admission.update_application",
                id=application_id,
                version=version,
                status=status,
                decided_at=decided_at,
                data=data,
            )
        )

    # -- admissions (A6–A9, A14) ------------------------------------------------------------

    def upsert_admissions(self, rows: Sequence[AdmissionRow]) -> None:
        """Write admissions with their edges (site, group, application, issuer); an admission
        asked again under a new application (A9) moves to that application and its issuer."""
        if not rows:
            return
        batch = [dict(r) for r in rows]
        self._rows("admission.unlink_admissions", rows=batch)
        self._rows("admission.unlink_admission_issuers", rows=batch)
        self._rows("admission.upsert_admissions", rows=batch)

    def link_admissions(self, rows: Sequence[AdmissionRow]) -> None:
        """Each admission hangs off its site (idempotent)."""
        if rows:
            self._rows(
                "admission.link_admissions",
                rows=[{"id": r["id"], "site_id": r["site_id"]} for r in rows],
            )

    def admissions_of_sites(self, site_ids: Sequence[str]) -> list[AdmissionRow]:
        """By site, then target group (one key lookup per site: see the query)."""
        rows: list[Row] = []
        for site_id in sorted(set(site_ids)):
            found = self._rows("admission.admissions_of_site", site_id=site_id)
            if not found:
                continue
            applications = {
                r["id"]: r["application_id"]
                for r in self._rows("admission.admission_applications_of_site", site_id=site_id)
            }
            issuers = {
                r["id"]: r["issued_by"]
                for r in self._rows("admission.admission_issuers_of_site", site_id=site_id)
            }
            rows += [
                {
                    **r,
                    "application_id": applications.get(r["id"], ""),
                    "issued_by": issuers.get(r["id"], ""),
                }
                for r in found
            ]
        return cast(list[AdmissionRow], rows)

    def admissions_of_provider(self, provider_id: str) -> list[AdmissionRow]:
        rows = self._rows("admission.admissions_of_provider", provider_id=provider_id)
        return cast(list[AdmissionRow], rows)

    def all_admissions(self) -> list[AdmissionRow]:
        return cast(list[AdmissionRow], self._rows("admission.all_admissions"))

    def admissions_due(self, carrier: str, until: str) -> list[DueSiteRow]:
        """A14: the carrier's sites with an admission in force due by ``until``."""
        rows = self._rows("admission.admissions_due", carrier=carrier, until=until)
        return cast(list[DueSiteRow], rows)

    # -- follow-on tasks (A7) ---------------------------------------------------------------

    def create_follow_on(
        self, task_id: str, *, application_id: str, site_id: str, carrier: str, now: str
    ) -> None:
        self._rows(
            "admission.create_follow_on",
            id=task_id,
            application_id=application_id,
            site_id=site_id,
            carrier=carrier,
            now=now,
        )

    def follow_ons(
        self, *, carrier: str = "", status: str = "", application_id: str = ""
    ) -> list[FollowOnRow]:
        """Tasks filtered by assigned carrier, status and application ('' any), oldest first."""
        rows = self._rows(
            "admission.follow_ons", carrier=carrier, status=status, application_id=application_id
        )
        return cast(list[FollowOnRow], rows)

    def get_follow_on(self, task_id: str) -> FollowOnRow | None:
        return cast(FollowOnRow | None, self._one("admission.get_follow_on", id=task_id))

    def close_follow_on(self, task_id: str, *, status: str, now: str) -> bool:
        """Close an open task (done or cancelled); False if it was closed already."""
        return bool(self._rows("admission.close_follow_on", id=task_id, status=status, now=now))

    # -- announcements (A12) ----------------------------------------------------------------

    def create_announcement(self, ann: NewAnnouncement) -> None:
        """The announcement, its author, the carriers joining it, the groups it seeks and the
        districts or state it covers, as edges."""
        self._rows(
            "admission.create_announcement",
            id=ann["id"],
            text=ann["text"],
            open_until=ann["open_until"],
            now=ann["now"],
            created_by=ann["created_by"],
        )
        if ann["carriers"]:
            self._rows(
                "admission.link_announcement_carriers",
                id=ann["id"],
                carriers=ann["carriers"],
                confirmed_carrier=ann["confirmed_carrier"],
            )
        if ann["target_groups"]:
            self._rows(
                "admission.link_announcement_target_groups",
                id=ann["id"],
                target_groups=ann["target_groups"],
            )
        if ann["districts"]:
            self._rows(
                "admission.link_announcement_districts", id=ann["id"], districts=ann["districts"]
            )
        if ann["state"]:
            self._rows("admission.link_announcement_state", id=ann["id"], state=ann["state"])

    def announcements(self, *, open_on: str = "") -> list[AnnouncementRow]:
        """Every announcement, or those still open on ``open_on`` (ISO date)."""
        return cast(list[AnnouncementRow], self._rows("admission.announcements", today=open_on))

    def announcement_exists(self, announcement_id: str) -> bool:
        """Whether the announcement exists and is published (every named carrier confirmed)."""
        row = self._one("admission.get_announcement", id=announcement_id)
        return row is not None and int(row["pending"] or 0) == 0

    def confirm_announcement(self, announcement_id: str, carrier: str) -> bool:
        """The carrier confirms its part in the announcement (A12, N4); False if not named."""
        return bool(
            self._rows("admission.confirm_announcement", id=announcement_id, carrier=carrier)
        )
