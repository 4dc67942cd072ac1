"""What the admission use cases share: the facts the pure rules take, built from the
repositories' rows; who may see an application (docs/rules.md §9); writing events (A10), notices
(A8) and admissions; the translation of the pure rules' errors.

The use cases themselves live in modules named for what a person does: ``submission``,
``applications``, ``decisions``, ``site_admissions``, ``announcements``, ``providers``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from registry import clock
from registry.admission import criteria_catalogue
from registry.admission.model import (
    Actor,
    Admission,
    AdmissionStatus,
    ApplicationFacts,
    ApplicationStatus,
    CaseManagerFacts,
    Certificate,
    Degree,
    Event,
    Finding,
    NoticeSpec,
    OrganisationFacts,
    Periods,
    Severity,
    SiteFacts,
)
from registry.admission.provider_repository import ProviderRepository, SiteRow
from registry.admission.repository import AdmissionRepository, AdmissionRow, ApplicationRow
from registry.audit import append_event
from registry.auth import Principal, Role
from registry.context import Registry
from registry.dates import day, iso
from registry.errors import NotFound
from registry.graph.ports import Tx
from registry.ids import new_id, sequential_id
from registry.notices import NewNotice, NoticeRepository
from registry.reach import reach_of
from registry.reference_repository import ReferenceRepository

# --------------------------------------------------------------------------- settings, people


def periods_of(reg: Registry) -> Periods:
    s = reg.settings
    return Periods(
        lead_decision_days=s.lead_decision_overdue_days,
        follow_on_days=s.follow_on_overdue_days,
        review_months=s.review_period_months,
        data_confirmation_months=s.data_confirmation_months,
        training_completion_months=s.training_completion_months,
    )


def actor_of(principal: Principal) -> Actor:
    return Actor(
        user_id=principal.user_id, carrier=principal.carrier, provider_id=principal.provider
    )


def national_severities(reg: Registry) -> dict[str, Severity]:
    """Q0: the national criteria setting over the defaults, the same for every carrier and
    every provider (``registry.admission.national_criteria`` reads and changes it)."""
    stored = {r["rule"]: r["severity"] for r in reg.repo(ReferenceRepository).criteria_severities()}
    known = {
        rule: sev for rule, sev in stored.items() if rule in criteria_catalogue.DEFAULT_SEVERITIES
    }
    return criteria_catalogue.effective_severities(known)


def reached_carriers(reg: Registry, sites: Iterable[SiteFacts]) -> dict[str, set[str]]:
    """A8: per site, the carriers of the districts its catchment reaches."""
    index = reach_of(reg).index
    out: dict[str, set[str]] = {}
    for site in sites:
        keys = index.reached(site.lat, site.lon, site.catchment_radius_km, site.district_key)
        out[site.id] = {reg.reference.responsible_carrier(k) for k in keys}
    return out


# --------------------------------------------------------------------------- facts from rows


def site_facts(row: SiteRow) -> SiteFacts:
    return SiteFacts(
        id=row["id"],
        name=row["name"],
        headquarters=bool(row["headquarters"]),
        district_key=row["district_key"],
        responsible_carrier=row["responsible_carrier"],
        lat=float(row["lat"]),
        lon=float(row["lon"]),
        catchment_radius_km=float(row["catchment_radius_km"]),
        outreach_radius_km=row["outreach_radius_km"],
        public_transport=bool(row["public_transport"]),
        barrier_free=bool(row["barrier_free"]),
        rooms_for_individual_talks=bool(row["rooms_individual"]),
        rooms_for_relatives=bool(row["rooms_relatives"]),
        languages=tuple(row["languages"] or ()),
    )


def case_manager_facts(data: Mapping[str, Any], cm_id: str | None = None) -> CaseManagerFacts:
    return CaseManagerFacts(
        id=cm_id,
        name=str(data["name"]),
        degree=Degree(data["degree"]),
        counselling_years=float(data.get("counselling_years") or 0),
        social_law_units=int(data.get("social_law_units") or 0),
        counselling_units=int(data.get("counselling_units") or 0),
        total_units=int(data.get("total_units") or 0),
        certificates=frozenset(Certificate(c) for c in data.get("certificates") or ()),
        languages=tuple(data.get("languages") or ()),
        training_started_on=day(data.get("training_started_on")),
        joined_on=day(data.get("joined_on")),
        target_groups=frozenset(data.get("target_groups") or ()),
        competence_evidence=str(data.get("competence_evidence") or ""),
        introduction_confirmed=bool(data.get("introduction_confirmed")),
    )


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "code": f.code,
        "severity": f.severity.value,
        "message": f.message,
        "field": f.field,
        "target_group": f.target_group,
        "subject": f.subject,
        "due_on": iso(f.due_on) or None,
    }


def finding_from_dict(d: Mapping[str, Any]) -> Finding:
    return Finding(
        rule=d["rule"],
        code=d["code"],
        severity=Severity(d["severity"]),
        message=d["message"],
        field=d["field"],
        target_group=d.get("target_group"),
        subject=d.get("subject"),
        due_on=day(d.get("due_on")),
    )


def admission_of(row: AdmissionRow) -> Admission:
    return Admission(
        site_id=row["site_id"],
        target_group=row["target_group"],
        status=AdmissionStatus(row["status"]),
        responsible_carrier=row["carrier"],
        issued_by=row["issued_by"] or None,
        decided_on=day(row["decided_at"]),
        review_due=day(row["review_due"]),
    )


def admission_rows(
    admissions: Iterable[Admission],
    *,
    provider_id: str,
    application_of: Mapping[str, str],
    reasons: Mapping[tuple[str, str], str] | None = None,
    previous: Mapping[tuple[str, str], AdmissionRow] | None = None,
) -> list[AdmissionRow]:
    """The rows to write for admissions the rules decided (``previous``: as read before)."""
    now = clock.now_iso()
    rows: list[AdmissionRow] = []
    for a in admissions:
        key = (a.site_id, a.target_group)
        prev = (previous or {}).get(key)
        # A9: a site may hold admissions of several applications; a change keeps the one an
        # admission rests on, a new admission rests on the application being processed.
        application_id = (prev["application_id"] if prev else "") or application_of[a.site_id]
        changed = prev is None or prev["status"] != a.status.value
        rows.append(
            {
                "id": f"{a.site_id}|{a.target_group}",
                "site_id": a.site_id,
                "provider_id": provider_id,
                "application_id": application_id,
                "target_group": a.target_group,
                "carrier": a.responsible_carrier,
                "issued_by": a.issued_by or "",
                "status": a.status.value,
                "decided_at": iso(a.decided_on),
                "changed_at": now if changed or prev is None else prev["changed_at"],
                "review_due": iso(a.review_due),
                "reason": (reasons or {}).get(key, prev["reason"] if prev else ""),
            }
        )
    return rows


# --------------------------------------------------------------------------- writing


def write_events(tx: Tx, events: Iterable[Event], subject_id: str) -> None:
    """A10: the rules' events, each on the application it concerns."""
    for e in events:
        append_event(
            tx,
            id=sequential_id("evt"),
            at=e.at.isoformat(),
            actor=e.actor,
            carrier=e.carrier or "",
            subject_type="application",
            subject_id=e.application_id or subject_id,
            action=e.kind,
            reason=e.why or "",
            data=json.dumps(
                {"what": e.what, "site_id": e.site_id, "target_groups": list(e.target_groups)},
                ensure_ascii=False,
                sort_keys=True,
            ),
        )


def write_notices(tx: Tx, notices: Iterable[NoticeSpec]) -> None:
    """A8: the rules' notices to the affected carriers."""
    now = clock.now().isoformat()
    rows: list[NewNotice] = [
        {
            "id": new_id("ntc"),
            "carrier": n.carrier,
            "kind": n.kind.value,
            "subject_type": n.subject_type,
            "subject_id": n.subject_id,
            "title": n.title,
            "message": n.message,
            "created_at": now,
        }
        for n in notices
    ]
    NoticeRepository.on(tx).create_many(rows)


# --------------------------------------------------------------------------- visibility


def application_row(reg: Registry, application_id: str) -> ApplicationRow:
    app = reg.repo(AdmissionRepository).get_application(application_id)
    if app is None:
        raise NotFound("Antrag nicht gefunden")
    return app


def site_rows(reg: Registry, site_ids: Sequence[str]) -> list[SiteRow]:
    """The sites in the order given."""
    rows = {r["id"]: r for r in reg.repo(ProviderRepository).sites(site_ids)}
    return [rows[i] for i in site_ids if i in rows]


def may_see_application(
    principal: Principal, app: ApplicationRow, sites: Sequence[SiteRow]
) -> bool:
    """docs/rules.md §9: the provider its own; an officer what involves its carrier."""
    if principal.role is Role.PROVIDER:
        return principal.provider == app["provider_id"]
    if principal.role is Role.ADMISSIONS_OFFICER and principal.carrier:
        c = principal.carrier
        return c in (app["receiving_carrier"], app["lead_carrier"]) or any(
            s["responsible_carrier"] == c for s in sites
        )
    return False


def visible_application(reg: Registry, principal: Principal, application_id: str) -> ApplicationRow:
    app = application_row(reg, application_id)
    if not may_see_application(principal, app, site_rows(reg, app["site_ids"])):
        raise NotFound("Antrag nicht gefunden")
    return app


def application_facts(
    reg: Registry, app: ApplicationRow, sites: Sequence[SiteRow] | None = None
) -> ApplicationFacts:
    data = json.loads(app["data"])
    rows = sites if sites is not None else site_rows(reg, app["site_ids"])
    return ApplicationFacts(
        id=app["id"],
        provider_id=app["provider_id"],
        provider_name=data["provider"]["name"],
        receiving_carrier=app["receiving_carrier"],
        target_groups=tuple(app["target_groups"]),
        sites=tuple(site_facts(s) for s in rows),
        case_managers=tuple(case_manager_facts(c) for c in data.get("case_managers", [])),
        concept=data.get("concept", {}),
        organisation=OrganisationFacts(**data.get("organisation", {})),
        status=ApplicationStatus(app["status"]),
        announcement_id=app["announcement_id"] or None,
    )
