"""A16 read model: a provider's quality record (``GET /providers/{id}/quality``, the review
page): visits, complaint counts, yearly figures, the last review, and what is newer than it,
per carrier and in total. Missing yearly reports are listed; overdue ones are advisory
findings for the review.

An admitting carrier's officer sees everything; the provider sees its own figures and visits
and its complaints as monthly totals, without categories or carriers (§9).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from registry import clock
from registry.auth import Principal
from registry.context import Registry
from registry.quality import rules
from registry.quality.common import carrier_name, newer, reader
from registry.quality.figures import figures_view, owed_reports
from registry.quality.repository import ComplaintRow, QualityRepository
from registry.quality.visits import visit_view


def _complaint_summary(reg: Registry, rows: Iterable[ComplaintRow], since: str) -> dict[str, Any]:
    by_carrier: dict[str, dict[str, Any]] = {}
    for c in rows:
        entry = by_carrier.setdefault(
            c["carrier"],
            {
                "carrier": c["carrier"],
                "carrier_name": carrier_name(reg, c["carrier"]),
                "total": 0,
                "new": 0,
            },
        )
        entry["total"] += c["count"]
        if newer(c["recorded_at"], since):
            entry["new"] += c["count"]
    carriers = sorted(by_carrier.values(), key=lambda e: e["carrier_name"])
    return {
        "by_carrier": carriers,
        "total": sum(e["total"] for e in carriers),
        "new": sum(e["new"] for e in carriers),
    }


def _visit_summary(reg: Registry, visits: list[dict[str, Any]]) -> dict[str, Any]:
    by_carrier: dict[str, dict[str, Any]] = {}
    for v in visits:
        for c in v["carriers"]:
            if c["role"] == "invited":
                continue
            entry = by_carrier.setdefault(
                c["id"],
                {"carrier": c["id"], "carrier_name": c["name"], "planned": 0, "done": 0, "new": 0},
            )
            entry["done" if v["status"] == "done" else "planned"] += 1
            entry["new"] += 1 if v["new"] else 0
    carriers = sorted(by_carrier.values(), key=lambda e: e["carrier_name"])
    return {
        "by_carrier": carriers,
        "planned": sum(1 for v in visits if v["status"] == "planned"),
        "done": sum(1 for v in visits if v["status"] == "done"),
        "new": sum(1 for v in visits if v["new"]),
    }


def quality_record(reg: Registry, principal: Principal, provider_id: str) -> dict[str, Any]:
    """Everything on record about the provider's quality, with ``new`` marking what was
    recorded after the last review (the caller's carrier's; for the provider, any carrier's)."""
    carrier = reader(reg, principal, provider_id)
    for_provider = not carrier
    repo = reg.repo(QualityRepository)
    today = clock.today()
    last_review = repo.last_review(provider_id, carrier)

    visits = []
    for v in repo.visits(provider_id):
        view = visit_view(reg, v, for_provider=for_provider)
        view["new"] = newer(v["created_at"], last_review) or (
            bool(v["done_at"]) and newer(v["done_at"], last_review)
        )
        visits.append(view)

    rows = repo.complaints(provider_id)
    complaints: list[dict[str, Any]]
    if for_provider:
        months: dict[str, int] = {}
        for c in rows:
            months[c["month"]] = months.get(c["month"], 0) + c["count"]
        complaints = [{"month": m, "count": n} for m, n in sorted(months.items())]
    else:
        complaints = [
            {
                "month": c["month"],
                "category": c["category"],
                "category_label": rules.COMPLAINT_CATEGORIES.get(c["category"], c["category"]),
                "count": c["count"],
                "carrier": c["carrier"],
                "carrier_name": carrier_name(reg, c["carrier"]),
                "recorded_at": c["recorded_at"],
                "new": newer(c["recorded_at"], last_review),
            }
            for c in rows
        ]

    figures = {}
    for r in repo.reports(provider_id):
        figures[str(r["year"])] = {**figures_view(r), "new": newer(r["reported_at"], last_review)}

    owed = owed_reports(reg, provider_id, today)
    summary: dict[str, Any] = {"visits": _visit_summary(reg, visits)}
    summary["complaints"] = (
        {"total": sum(c["count"] for c in complaints)}
        if for_provider
        else _complaint_summary(reg, rows, last_review)
    )
    return {
        "provider": {"id": provider_id, "name": repo.provider_name(provider_id) or ""},
        "last_review": last_review[:10] or None,
        "visits": visits,
        "complaints": complaints,
        "yearly_figures": figures,
        "missing_reports": [
            {"year": o.year, "due_on": o.due.isoformat(), "overdue": o.overdue} for o in owed
        ],
        "findings": [
            {
                "rule": rules.RULE,
                "severity": "advisory",
                "field": f"yearly_figures.{o.year}",
                "message": rules.missing_report_finding(o.year),
            }
            for o in owed
            if o.overdue
        ],
        "summary": summary,
    }
