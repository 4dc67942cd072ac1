"""The quality area's repository (rule A16): the only code naming ``quality.*`` queries.

A visit ``CONCERNS`` its provider and is ``PLANNED`` by one carrier; other carriers are
``INVITED`` to it or have ``JOINED`` it. A complaint count ``CONCERNS`` the provider and is
``RECORDED_BY`` a carrier. A yearly report is ``REPORTED`` by the provider and counts its
``CASES`` per target group. Who may act follows the graph: a carrier with an admission in
force ``ISSUED_BY`` it for a site the provider ``OPERATES``.

:class:`InMemoryQualityRepository` is the fake of the same interface for use-case tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict, cast

from registry.graph.repository import Repository


class VisitRow(TypedDict):
    id: str
    planned_on: str
    note: str
    done_on: str
    finding: str
    created_at: str
    done_at: str
    planner: str
    joined: list[str]
    invited: list[str]


class CarrierVisitRow(TypedDict):
    """An open visit as a carrier's inbox sees it."""

    id: str
    provider_id: str
    provider_name: str
    planned_on: str
    created_at: str
    planner: str
    invited_since: str  # '' unless the carrier is invited (and has not joined)


class ComplaintRow(TypedDict):
    month: str
    category: str
    count: int
    carrier: str
    recorded_at: str


class ReportValues(TypedDict):
    in_person: int
    outreach: int
    remote: int
    completed: int
    goal_reached: int
    return_to_work: int


class ReportRow(ReportValues):
    year: int
    reported_at: str
    cases: dict[str, int]


def complaint_id(provider_id: str, carrier: str, month: str, category: str) -> str:
    return f"{provider_id}|{carrier}|{month}|{category}"


def report_id(provider_id: str, year: int) -> str:
    return f"{provider_id}|{year}"


def _ids(values: list[str | None]) -> list[str]:
    return sorted({v for v in values if v})


class QualityRepository(Repository):
    """Queries of ``quality.cypher``; rows are typed read models."""

    # -- who may act --------------------------------------------------------------------

    def provider_name(self, provider_id: str) -> str | None:
        row = self._one("quality.provider", provider=provider_id)
        return str(row["name"]) if row else None

    def admits(self, carrier: str, provider_id: str) -> bool:
        """The carrier issued an admission in force for a site of the provider."""
        row = self._one("quality.admits", carrier=carrier, provider=provider_id)
        return bool(row and row["admissions"])

    def admitting_carriers(self, provider_id: str) -> list[str]:
        return [
            str(r["id"]) for r in self._rows("quality.admitting_carriers", provider=provider_id)
        ]

    def admitted_since(self, provider_id: str) -> str:
        row = self._one("quality.admitted_since", provider=provider_id)
        return str(row["since"] or "") if row else ""

    def last_review(self, provider_id: str, carrier: str) -> str:
        """A14: when the carrier (``''``: any) last confirmed an admission of the provider."""
        row = self._one("quality.last_review", provider=provider_id, carrier=carrier)
        return str(row["at"] or "") if row else ""

    # -- visits -------------------------------------------------------------------------

    def create_visit(
        self,
        *,
        id: str,  # noqa: A002 - the stored field's name
        provider_id: str,
        carrier: str,
        planned_on: str,
        note: str,
        invited: list[str],
        user_id: str,
        now: str,
    ) -> None:
        self._rows(
            "quality.create_visit",
            id=id,
            provider=provider_id,
            carrier=carrier,
            planned_on=planned_on,
            note=note,
            now=now,
        )
        if invited:
            self._rows("quality.invite", id=id, carriers=invited, now=now)
        self._rows("quality.authored_visit", id=id, user=user_id)

    def join_visit(self, visit_id: str, carrier: str, now: str) -> bool:
        """False when the visit is done or the carrier takes part already."""
        return bool(self._rows("quality.join_visit", id=visit_id, carrier=carrier, now=now))

    def record_done(self, visit_id: str, done_on: str, finding: str, now: str) -> bool:
        """False when the visit was recorded as done already."""
        return bool(
            self._rows(
                "quality.record_done", id=visit_id, done_on=done_on, finding=finding, now=now
            )
        )

    def visits(self, provider_id: str, visit_id: str = "") -> list[VisitRow]:
        rows = self._rows("quality.visits", provider=provider_id, id=visit_id)
        for r in rows:
            r["joined"], r["invited"] = _ids(r["joined"]), _ids(r["invited"])
        return cast(list[VisitRow], rows)

    def open_visits_of_carrier(self, carrier: str) -> list[CarrierVisitRow]:
        return cast(
            list[CarrierVisitRow], self._rows("quality.open_visits_of_carrier", carrier=carrier)
        )

    # -- complaints ---------------------------------------------------------------------

    def save_complaint(
        self,
        *,
        provider_id: str,
        carrier: str,
        month: str,
        category: str,
        count: int,
        user_id: str,
        now: str,
    ) -> None:
        """One count per provider, carrier, month and category; recording again corrects it."""
        key = complaint_id(provider_id, carrier, month, category)
        self._rows(
            "quality.save_complaint",
            id=key,
            provider=provider_id,
            carrier=carrier,
            month=month,
            category=category,
            count=count,
            now=now,
        )
        self._rows("quality.authored_complaint", id=key, user=user_id)

    def complaints(self, provider_id: str) -> list[ComplaintRow]:
        return cast(list[ComplaintRow], self._rows("quality.complaints", provider=provider_id))

    # -- yearly reports -----------------------------------------------------------------

    def save_report(
        self,
        *,
        provider_id: str,
        year: int,
        values: ReportValues,
        cases: dict[str, int],
        user_id: str,
        now: str,
    ) -> None:
        """One report per provider and year; reporting again replaces it."""
        key = report_id(provider_id, year)
        self._rows(
            "quality.save_report", id=key, provider=provider_id, year=year, now=now, **values
        )
        self._rows("quality.clear_report_cases", id=key)
        rows = [{"code": code, "count": n} for code, n in sorted(cases.items())]
        if rows:
            self._rows("quality.add_report_cases", id=key, rows=rows)
        self._rows("quality.authored_report", id=key, user=user_id)

    def reports(self, provider_id: str) -> list[ReportRow]:
        out = []
        for r in self._rows("quality.reports", provider=provider_id):
            cases = {c["code"]: int(c["count"]) for c in r["cases"] if c.get("code") is not None}
            out.append(cast(ReportRow, {**r, "year": int(r["year"]), "cases": cases}))
        return out


@dataclass
class _Visit:
    row: dict[str, str]
    provider_id: str
    planner: str
    invited: dict[str, str] = field(default_factory=dict)  # carrier -> since
    joined: dict[str, str] = field(default_factory=dict)


class InMemoryQualityRepository(QualityRepository):
    """The fake: providers, the carriers that admitted their sites, reviews, and the records.

    Tests arrange ``providers`` (id → name), ``admissions`` (provider → {carrier: first
    decision}) and ``reviews`` (provider → {carrier: last confirmation})."""

    def __init__(self) -> None:
        self.providers: dict[str, str] = {}
        self.admissions: dict[str, dict[str, str]] = {}
        self.reviews: dict[str, dict[str, str]] = {}
        self.visit_nodes: dict[str, _Visit] = {}
        self.complaint_nodes: dict[str, dict[str, object]] = {}
        self.report_nodes: dict[str, dict[str, object]] = {}
        self.authors: dict[str, set[str]] = {}

    def provider_name(self, provider_id: str) -> str | None:
        return self.providers.get(provider_id)

    def admits(self, carrier: str, provider_id: str) -> bool:
        return carrier in self.admissions.get(provider_id, {})

    def admitting_carriers(self, provider_id: str) -> list[str]:
        return sorted(self.admissions.get(provider_id, {}))

    def admitted_since(self, provider_id: str) -> str:
        return min(self.admissions.get(provider_id, {}).values(), default="")

    def last_review(self, provider_id: str, carrier: str) -> str:
        found = self.reviews.get(provider_id, {})
        at = [v for c, v in found.items() if not carrier or c == carrier]
        return max(at, default="")

    def create_visit(
        self,
        *,
        id: str,  # noqa: A002
        provider_id: str,
        carrier: str,
        planned_on: str,
        note: str,
        invited: list[str],
        user_id: str,
        now: str,
    ) -> None:
        row = {
            "id": id,
            "planned_on": planned_on,
            "note": note,
            "done_on": "",
            "finding": "",
            "created_at": now,
            "done_at": "",
        }
        self.visit_nodes[id] = _Visit(row, provider_id, carrier, dict.fromkeys(invited, now))
        self.authors.setdefault(id, set()).add(user_id)

    def join_visit(self, visit_id: str, carrier: str, now: str) -> bool:
        v = self.visit_nodes.get(visit_id)
        if v is None or v.row["done_on"] or carrier in v.joined or carrier == v.planner:
            return False
        v.joined[carrier] = now
        v.invited.pop(carrier, None)
        return True

    def record_done(self, visit_id: str, done_on: str, finding: str, now: str) -> bool:
        v = self.visit_nodes.get(visit_id)
        if v is None or v.row["done_on"]:
            return False
        v.row.update(done_on=done_on, finding=finding, done_at=now)
        return True

    def _visit_row(self, v: _Visit) -> VisitRow:
        return cast(
            VisitRow,
            {
                **v.row,
                "planner": v.planner,
                "joined": sorted(v.joined),
                "invited": sorted(v.invited),
            },
        )

    def visits(self, provider_id: str, visit_id: str = "") -> list[VisitRow]:
        found = [
            self._visit_row(v)
            for v in self.visit_nodes.values()
            if v.provider_id == provider_id and (not visit_id or v.row["id"] == visit_id)
        ]
        return sorted(found, key=lambda r: (r["planned_on"], r["id"]))

    def open_visits_of_carrier(self, carrier: str) -> list[CarrierVisitRow]:
        out: list[CarrierVisitRow] = []
        for v in self.visit_nodes.values():
            if v.row["done_on"] or carrier not in {v.planner, *v.invited, *v.joined}:
                continue
            out.append(
                {
                    "id": v.row["id"],
                    "provider_id": v.provider_id,
                    "provider_name": self.providers.get(v.provider_id, ""),
                    "planned_on": v.row["planned_on"],
                    "created_at": v.row["created_at"],
                    "planner": v.planner,
                    "invited_since": v.invited.get(carrier, ""),
                }
            )
        return sorted(out, key=lambda r: (r["planned_on"], r["id"]))

    def save_complaint(
        self,
        *,
        provider_id: str,
        carrier: str,
        month: str,
        category: str,
        count: int,
        user_id: str,
        now: str,
    ) -> None:
        key = complaint_id(provider_id, carrier, month, category)
        self.complaint_nodes[key] = {
            "provider_id": provider_id,
            "month": month,
            "category": category,
            "count": count,
            "carrier": carrier,
            "recorded_at": now,
        }
        self.authors.setdefault(key, set()).add(user_id)

    def complaints(self, provider_id: str) -> list[ComplaintRow]:
        keys = ComplaintRow.__annotations__
        found = [
            cast(ComplaintRow, {k: c[k] for k in keys})
            for c in self.complaint_nodes.values()
            if c["provider_id"] == provider_id
        ]
        return sorted(found, key=lambda c: (c["month"], c["category"], c["carrier"]))

    def save_report(
        self,
        *,
        provider_id: str,
        year: int,
        values: ReportValues,
        cases: dict[str, int],
        user_id: str,
        now: str,
    ) -> None:
        key = report_id(provider_id, year)
        self.report_nodes[key] = {
            "provider_id": provider_id,
            "year": year,
            **values,
            "reported_at": now,
            "cases": dict(cases),
        }
        self.authors.setdefault(key, set()).add(user_id)

    def reports(self, provider_id: str) -> list[ReportRow]:
        found = [
            cast(ReportRow, {k: v for k, v in r.items() if k != "provider_id"})
            for r in self.report_nodes.values()
            if r["provider_id"] == provider_id
        ]
        return sorted(found, key=lambda r: r["year"])
