"""Use cases of the admission workflow: load facts through the graph port, apply the pure rules
of ``workflow`` and ``criteria``, persist, audit (A10), notify (A8) and queue index updates, all
in one unit of work per use case."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from registry import clock
from registry.admission import criteria, workflow
from registry.admission.model import (
    Actor,
    Admission,
    AdmissionAction,
    AdmissionStatus,
    ApplicationFacts,
    ApplicationStatus,
    CaseManagerFacts,
    Certificate,
    Degree,
    Event,
    Finding,
    FollowOnTask,
    GroupDecision,
    NoticeSpec,
    OrganisationFacts,
    Override,
    Periods,
    Severity,
    SiteFacts,
)
from registry.admission.site_identity import address_key
from registry.audit import AuditRepository, append_event
from registry.auth import Principal, Role
from registry.context import Registry
from registry.directory.projection import enqueue, try_drain
from registry.errors import Conflict, Forbidden, InvalidInput, NotFound, Problem
from registry.graph.ports import Row, Tx
from registry.ids import new_id, sequential_id
from registry.notices import NewNotice, NoticeRepository
from registry.reach import reach_index

# --------------------------------------------------------------------------- helpers


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


def _iso(value: date | datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def _date(value: str | date | None) -> date | None:
    if isinstance(value, date):
        return value
    return date.fromisoformat(value[:10]) if value else None


def carrier_profile(reg: Registry, carrier_id: str) -> dict[str, Any]:
    rows = reg.graph.read("reference.get_carrier", id=carrier_id)
    if not rows:
        raise NotFound("Unbekannter Träger")
    profile: dict[str, Any] = json.loads(rows[0]["profile_json"] or "{}")
    return profile


def severities_of(reg: Registry, carrier_id: str) -> dict[str, Severity]:
    """Q0: the lead carrier's criteria settings over the default set."""
    return criteria.effective_severities(carrier_profile(reg, carrier_id).get("criteria") or {})


def reached_carriers(reg: Registry, sites: Iterable[SiteFacts]) -> dict[str, set[str]]:
    """A8: per site, the carriers of the districts its catchment reaches."""
    index = reach_index(reg.reference)
    out: dict[str, set[str]] = {}
    for site in sites:
        keys = index.reached(site.lat, site.lon, site.catchment_radius_km, site.district_key)
        out[site.id] = {reg.reference.responsible_carrier(k) for k in keys}
    return out


def _site_facts(row: Row) -> SiteFacts:
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
        training_started_on=_date(data.get("training_started_on")),
        joined_on=_date(data.get("joined_on")),
        target_groups=frozenset(data.get("target_groups") or ()),
        competence_evidence=str(data.get("competence_evidence") or ""),
    )


def _finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "code": f.code,
        "severity": f.severity.value,
        "message": f.message,
        "field": f.field,
        "target_group": f.target_group,
        "subject": f.subject,
        "due_on": _iso(f.due_on) or None,
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
        due_on=_date(d.get("due_on")),
    )


def _admission(row: Row) -> Admission:
    return Admission(
        site_id=row["site_id"],
        target_group=row["target_group"],
        status=AdmissionStatus(row["status"]),
        responsible_carrier=row["carrier"],
        issued_by=row["issued_by"] or None,
        decided_on=_date(row["decided_at"]),
        review_due=_date(row["review_due"]),
    )


def _admission_rows(
    admissions: Iterable[Admission],
    *,
    provider_id: str,
    application_of: Mapping[str, str],
    reasons: Mapping[tuple[str, str], str] | None = None,
    previous: Mapping[tuple[str, str], Row] | None = None,
) -> list[dict[str, Any]]:
    now = clock.now_iso()
    rows = []
    for a in admissions:
        key = (a.site_id, a.target_group)
        prev = (previous or {}).get(key)
        changed = prev is None or prev["status"] != a.status.value
        # A9: a site may hold admissions of several applications; a change keeps the one an
        # admission rests on, a new admission rests on the application being processed.
        application_id = (prev or {}).get("application_id") or application_of[a.site_id]
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
                "decided_at": _iso(a.decided_on),
                "changed_at": now if changed else prev["changed_at"] if prev else now,
                "review_due": _iso(a.review_due),
                "reason": (reasons or {}).get(key, prev["reason"] if prev else ""),
            }
        )
    return rows


def upsert_admissions(tx: Tx, rows: Sequence[Mapping[str, Any]]) -> None:
    """Write admissions with their edges (site, group, application, issuer); an admission asked
    again under a new application (A9) moves to that application and its issuer."""
    if not rows:
        return
    tx.run("admission.unlink_admissions", rows=list(rows))
    tx.run("admission.unlink_admission_issuers", rows=list(rows))
    tx.run("admission.upsert_admissions", rows=list(rows))


def ordered_application(row: Row) -> Row:
    """An application row with ``site_ids`` and ``target_groups`` in their listed order (the
    queries return each list with its positions; collect() keeps no order on ladybug)."""
    out = dict(row)
    for key, positions in (
        ("site_ids", "site_positions"),
        ("target_groups", "target_group_positions"),
    ):
        if key in out and positions in out:
            pairs = sorted(zip(out.pop(positions), out[key], strict=True))
            out[key] = [value for _, value in pairs]
    return out


def _write_events(tx: Tx, events: Iterable[Event], subject_id: str) -> None:
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


def _translate(exc: Exception) -> Exception:
    """Domain errors of the pure rules -> the API's errors."""
    from registry.admission.model import (
        IllegalTransition,
        NotPermitted,
        RuleViolation,
        VersionConflict,
    )

    if isinstance(exc, RuleViolation):
        return InvalidInput([Problem(p.field, p.message, p.rule) for p in exc.problems])
    if isinstance(exc, NotPermitted):
        return Forbidden(str(exc))
    if isinstance(exc, IllegalTransition | VersionConflict):
        return Conflict(str(exc))
    return exc


class _Rules:
    """Context manager turning the pure rules' errors into API errors."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        from registry.admission.model import DomainError

        if isinstance(exc, DomainError):
            raise _translate(exc) from exc


rules = _Rules()

# --------------------------------------------------------------------------- visibility


def _application_row(reg: Registry, application_id: str) -> Row:
    rows = reg.graph.read("admission.get_application", id=application_id)
    if not rows:
        raise NotFound("Antrag nicht gefunden")
    return ordered_application(rows[0])


def _site_rows(reg: Registry, site_ids: Sequence[str]) -> list[Row]:
    rows = {r["id"]: r for r in reg.graph.read("providers.sites", ids=list(site_ids))}
    return [rows[i] for i in site_ids if i in rows]


def may_see_application(principal: Principal, app: Row, sites: Sequence[Row]) -> bool:
    """DOMAIN.md §9: the provider its own; an officer what involves its carrier."""
    if principal.role is Role.PROVIDER:
        return principal.provider == app["provider_id"]
    if principal.role is Role.ADMISSIONS_OFFICER and principal.carrier:
        c = principal.carrier
        return c in (app["receiving_carrier"], app["lead_carrier"]) or any(
            s["responsible_carrier"] == c for s in sites
        )
    return False


def _visible_application(reg: Registry, principal: Principal, application_id: str) -> Row:
    app = _application_row(reg, application_id)
    sites = _site_rows(reg, app["site_ids"])
    if not may_see_application(principal, app, sites):
        raise NotFound("Antrag nicht gefunden")
    return app


def application_facts(
    reg: Registry, app: Row, sites: Sequence[Row] | None = None
) -> ApplicationFacts:
    data = json.loads(app["data"])
    site_rows = sites if sites is not None else _site_rows(reg, app["site_ids"])
    return ApplicationFacts(
        id=app["id"],
        provider_id=app["provider_id"],
        provider_name=data["provider"]["name"],
        receiving_carrier=app["receiving_carrier"],
        target_groups=tuple(app["target_groups"]),
        sites=tuple(_site_facts(s) for s in site_rows),
        case_managers=tuple(case_manager_facts(c) for c in data.get("case_managers", [])),
        concept=data.get("concept", {}),
        organisation=OrganisationFacts(**data.get("organisation", {})),
        status=ApplicationStatus(app["status"]),
        announcement_id=app["announcement_id"] or None,
    )


# --------------------------------------------------------------------------- providers


def create_provider_rows(tx: Tx, provider_id: str, data: Mapping[str, Any]) -> None:
    tx.run(
        "providers.create",
        id=provider_id,
        name=data["name"],
        legal_form=data["legal_form"],
        email=data["email"],
        phone=data.get("phone", ""),
        website=data.get("website", ""),
        now=clock.now_iso(),
    )


def register_provider(
    reg: Registry,
    principal: Principal | None,
    data: Mapping[str, Any],
    *,
    first_user: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """A provider organisation registers itself (with its first user), or an officer/admin
    creates it. Self-registration creates the organisation and its provider account only; it
    confers no admission."""
    if principal is not None and principal.role not in (Role.ADMISSIONS_OFFICER, Role.ADMIN):
        raise Forbidden("Anbieter werden von Zulassungsstellen oder der Administration angelegt.")
    provider_id = new_id("prv")
    user_fields: dict[str, str] | None = None
    if first_user is not None:
        from registry.auth import hash_password, password_problems

        problems = [Problem("user.password", p) for p in password_problems(first_user["password"])]
        if problems:
            raise InvalidInput(problems)
        if reg.graph.read("users.by_username", username=first_user["username"]):
            raise InvalidInput.one("user.username", "Der Benutzername ist vergeben.")
        user_fields = {
            "id": new_id("usr"),
            "username": first_user["username"],
            "password_hash": hash_password(first_user["password"]),
        }

    def work(tx: Tx) -> None:
        create_provider_rows(tx, provider_id, data)
        if user_fields:
            if tx.run("users.by_username", username=user_fields["username"]):
                raise Conflict("Der Benutzername ist vergeben.")
            tx.run(
                "users.create",
                **user_fields,
                role="provider",
                carrier="",
                provider=provider_id,
                now=clock.now_iso(),
            )
            tx.run("users.link_provider", id=user_fields["id"], provider=provider_id)
        append_event(
            tx,
            id=sequential_id("evt"),
            at=clock.now().isoformat(),
            actor=principal.user_id if principal else (user_fields or {}).get("id", "self"),
            carrier=(principal.carrier or "") if principal else "",
            subject_type="provider",
            subject_id=provider_id,
            action="provider.registered",
            reason="",
            data=json.dumps({"name": data["name"]}, ensure_ascii=False),
        )

    reg.graph.write(work)
    return get_provider(reg, None, provider_id)


def may_read_provider(principal: Principal | None, provider_id: str) -> bool:
    if principal is None:
        return True
    if principal.role is Role.PROVIDER:
        return principal.provider == provider_id
    return principal.role in (
        Role.ADMISSIONS_OFFICER,
        Role.CASE_MANAGER,
        Role.NETWORK_STRATEGIST,
        Role.ADMIN,
    )


def get_provider(reg: Registry, principal: Principal | None, provider_id: str) -> dict[str, Any]:
    rows = reg.graph.read("providers.get", id=provider_id)
    if not rows or not may_read_provider(principal, provider_id):
        raise NotFound("Anbieter nicht gefunden")
    out = dict(rows[0])
    sites = reg.graph.read("providers.sites_of_provider", provider_id=provider_id)
    adm = reg.graph.read("admission.admissions_of_provider", provider_id=provider_id)
    by_site: dict[str, dict[str, str]] = {}
    for a in adm:
        by_site.setdefault(a["site_id"], {})[a["target_group"]] = a["status"]
    out["sites"] = [
        {
            "id": s["id"],
            "name": s["name"],
            "address": {
                "street": s["street"],
                "postal_code": s["postal_code"],
                "place": s["place"],
            },
            "district_key": s["district_key"],
            "responsible_carrier": s["responsible_carrier"],
            "catchment_radius_km": s["catchment_radius_km"],
            "outreach_radius_km": s["outreach_radius_km"],
            "languages": s["languages"],
            "barrier_free": s["barrier_free"],
            "public_transport": s["public_transport"],
            "confirmed_on": s["confirmed_on"] or None,
            "details": json.loads(s["details"] or "{}"),
            "target_group_status": by_site.get(s["id"], {}),
            "admission_status": workflow.site_status(
                AdmissionStatus(v) for v in by_site.get(s["id"], {}).values()
            ).value,
        }
        for s in sites
    ]
    return out


# --------------------------------------------------------------------------- submission


def _resolve_sites(
    reg: Registry, sites: Sequence[Mapping[str, Any]], existing: Sequence[Row] = ()
) -> list[dict[str, Any]]:
    """Resolve each named site to its place (A1) and its identity (A9).

    ``existing`` are the provider's sites: an entry with ``id`` must be one of them, an entry
    whose normalised address (``address_key``) equals one of theirs is that site. Such entries
    carry the stored ``row`` and create nothing; two new entries with the same address are one
    new site. Each entry: ``{"input", "place", "id", "row", "new"}``.
    """
    from registry.geo import AmbiguousPlace, InvalidPostalCode, UnknownPostalCode

    by_id = {r["id"]: r for r in existing}
    by_key = {address_key(r["street"] or "", r["postal_code"], r["place"]): r for r in existing}
    new_by_key: dict[str, str] = {}
    problems: list[Problem] = []
    resolved: list[dict[str, Any]] = []
    for i, site in enumerate(sites):
        site_id = site.get("id")
        if site_id:
            row = by_id.get(site_id)
            if row is None:
                problems.append(Problem(f"sites[{i}].id", "Kein Standort dieses Anbieters.", "A9"))
            else:
                resolved.append(
                    {"input": site, "place": None, "id": row["id"], "row": row, "new": False}
                )
            continue
        addr = site["address"]
        try:
            place = reg.geocoder.resolve(
                addr["postal_code"], addr.get("place") or None, addr.get("street") or None
            )
        except (InvalidPostalCode, UnknownPostalCode) as exc:
            problems.append(Problem(f"sites[{i}].address.postal_code", str(exc), "A1"))
            continue
        except AmbiguousPlace as exc:
            problems.append(
                Problem(
                    f"sites[{i}].address.place",
                    "Die Postleitzahl ist ohne Ort nicht eindeutig; mögliche Orte: "
                    + ", ".join(exc.candidates),
                    "A1",
                )
            )
            continue
        key = address_key(addr.get("street") or "", place.postal_code, place.place)
        if key in by_key:
            row = by_key[key]
            resolved.append(
                {"input": site, "place": place, "id": row["id"], "row": row, "new": False}
            )
        elif key in new_by_key:
            resolved.append(
                {"input": site, "place": place, "id": new_by_key[key], "row": None, "new": False}
            )
        else:
            new_by_key[key] = new_id("site")
            resolved.append(
                {"input": site, "place": place, "id": new_by_key[key], "row": None, "new": True}
            )
    if problems:
        raise InvalidInput(problems)
    # One entry per site: a site named twice (by id and by address) counts once.
    unique: dict[str, dict[str, Any]] = {}
    for entry in resolved:
        unique.setdefault(entry["id"], entry)
    return list(unique.values())


def _new_site_facts(entry: Mapping[str, Any]) -> SiteFacts:
    site, place = entry["input"], entry["place"]
    return SiteFacts(
        id=entry["id"],
        name=site["name"],
        headquarters=bool(site.get("headquarters")),
        district_key=place.district_key,
        responsible_carrier=place.responsible_carrier,
        lat=place.lat,
        lon=place.lon,
        catchment_radius_km=float(site["catchment_radius_km"]),
        outreach_radius_km=site.get("outreach_radius_km"),
        public_transport=bool(site.get("public_transport")),
        barrier_free=bool(site.get("barrier_free")),
        rooms_for_individual_talks=bool(site.get("rooms_for_individual_talks")),
        rooms_for_relatives=bool(site.get("rooms_for_relatives")),
        languages=tuple(site.get("languages") or ()),
    )


def submit_application(
    reg: Registry, principal: Principal, body: Mapping[str, Any]
) -> dict[str, Any]:
    """A1–A4 and the Q pre-check: store the application, forwarding it on submission."""
    ref = reg.reference
    problems: list[Problem] = []
    receiving = body["receiving_carrier"]
    if receiving not in ref.carriers_by_id:
        problems.append(Problem("receiving_carrier", f"Unbekannter Träger »{receiving}«.", "A1"))
    for i, code in enumerate(body["target_groups"]):
        if code not in {t.code for t in ref.target_groups}:
            problems.append(
                Problem(f"target_groups[{i}]", f"Unbekannte Zielgruppe »{code}«.", "A1")
            )
    for i, cm in enumerate(body.get("case_managers", [])):
        for code in cm.get("target_groups", []):
            if code not in body["target_groups"]:
                problems.append(
                    Problem(
                        f"case_managers[{i}].target_groups",
                        f"»{code}« ist keine beantragte Zielgruppe.",
                        "Q8",
                    )
                )
    known_sections = {s.code for s in ref.concept_sections}
    for code in body.get("concept", {}):
        if code not in known_sections:
            problems.append(
                Problem(
                    f"concept.{code}",
                    "Unbekannter Konzeptabschnitt (siehe /concept-sections).",
                    "Q1",
                )
            )
    provider_in = body["provider"]
    existing_provider = "id" in provider_in
    if principal.role is Role.PROVIDER:
        if not existing_provider or provider_in["id"] != principal.provider:
            problems.append(
                Problem("provider.id", "Ein Anbieter stellt Anträge nur für sich selbst.", "A1")
            )
    elif principal.role is not Role.ADMISSIONS_OFFICER:
        raise Forbidden("Anträge stellen Anbieter oder die Zulassungsstelle (Papierantrag).")
    provider: dict[str, Any]
    if existing_provider:
        rows = reg.graph.read("providers.get", id=provider_in["id"])
        if not rows:
            problems.append(Problem("provider.id", "Unbekannter Anbieter.", "A1"))
            provider = {}
        else:
            provider = dict(rows[0])
    else:
        provider = {"id": new_id("prv"), **provider_in}
    announcement = body.get("announcement_id") or ""
    if announcement and not reg.graph.read("admission.get_announcement", id=announcement):
        problems.append(Problem("announcement_id", "Unbekannte Ausschreibung.", "A12"))
    if problems:
        raise InvalidInput(problems)

    own_sites = (
        reg.graph.read("providers.sites_of_provider", provider_id=provider["id"])
        if existing_provider
        else []
    )
    sites = _resolve_sites(reg, body["sites"], own_sites)
    site_facts = [
        _site_facts(s["row"]) if s["row"] is not None else _new_site_facts(s) for s in sites
    ]
    application_id = new_id("app")
    facts = ApplicationFacts(
        id=application_id,
        provider_id=provider["id"],
        provider_name=provider["name"],
        receiving_carrier=receiving,
        target_groups=tuple(body["target_groups"]),
        sites=tuple(site_facts),
        case_managers=tuple(case_manager_facts(c) for c in body.get("case_managers", [])),
        concept=body.get("concept", {}),
        organisation=OrganisationFacts(**body.get("organisation", {})),
        announcement_id=announcement or None,
    )
    with rules:
        domain_problems = workflow.validate_application(facts, {t.code for t in ref.target_groups})
        if domain_problems:
            raise InvalidInput([Problem(p.field, p.message, p.rule) for p in domain_problems])
        lead = workflow.determine_lead(receiving, ref.carrier(receiving).kind, site_facts)
    if existing_provider:
        existing = {
            (a["site_id"], a["target_group"]): AdmissionStatus(a["status"])
            for a in reg.graph.read("admission.admissions_of_provider", provider_id=provider["id"])
        }
        with rules:
            add_problems = workflow.check_additions(
                [(s.id, g) for s in site_facts for g in facts.target_groups], existing
            )
        if add_problems:
            raise InvalidInput([Problem(p.field, p.message, p.rule) for p in add_problems])
    findings = criteria.check_application(
        facts,
        severities_of(reg, lead.lead_carrier),
        [s.code for s in ref.concept_sections],
        clock.today(),
        periods_of(reg),
    )
    data = {
        "provider": {
            k: provider.get(k, "") for k in ("name", "legal_form", "email", "phone", "website")
        },
        "case_managers": [
            {
                **c,
                "training_started_on": _iso(c.get("training_started_on")) or None,
                "joined_on": _iso(c.get("joined_on")) or None,
            }
            for c in body.get("case_managers", [])
        ],
        "concept": body.get("concept", {}),
        "organisation": body.get("organisation", {}),
        "findings": [_finding_dict(f) for f in findings],
        "decision": None,
    }
    now = clock.now()

    def work(tx: Tx) -> None:
        if not existing_provider:
            create_provider_rows(tx, provider["id"], provider)
        for s, f in zip(sites, site_facts, strict=True):
            if not s["new"]:
                continue  # A9: the provider's existing site, named again
            tx.run(
                "providers.create_site",
                id=f.id,
                provider_id=provider["id"],
                name=f.name,
                headquarters=f.headquarters,
                street=s["input"]["address"].get("street", ""),
                postal_code=s["place"].postal_code,
                place=s["place"].place,
                district_key=f.district_key,
                responsible_carrier=f.responsible_carrier,
                lat=f.lat,
                lon=f.lon,
                catchment_radius_km=f.catchment_radius_km,
                outreach_radius_km=f.outreach_radius_km,
                public_transport=f.public_transport,
                barrier_free=f.barrier_free,
                rooms_individual=f.rooms_for_individual_talks,
                rooms_relatives=f.rooms_for_relatives,
                languages=list(f.languages),
                details=json.dumps(_details(s["input"]), ensure_ascii=False, sort_keys=True),
                confirmed_on=clock.today().isoformat(),
                now=now.isoformat(),
            )
        _sync_case_managers(tx, provider["id"], data["case_managers"])
        tx.run(
            "admission.create_application",
            id=application_id,
            provider_id=provider["id"],
            status=ApplicationStatus.SUBMITTED.value,
            receiving_carrier=receiving,
            lead_carrier=lead.lead_carrier,
            forwarded=lead.forwarded,
            requested_groups=[
                {"code": code, "position": i} for i, code in enumerate(facts.target_groups)
            ],
            named_sites=[{"id": f.id, "position": i} for i, f in enumerate(site_facts)],
            data=json.dumps(data, ensure_ascii=False, sort_keys=True),
            now=now.isoformat(),
        )
        if announcement:
            tx.run(
                "admission.link_application_announcement",
                id=application_id,
                announcement_id=announcement,
            )
        new_admissions = _admission_rows(
            (
                Admission(f.id, g, AdmissionStatus.PENDING, f.responsible_carrier)
                for f in site_facts
                for g in facts.target_groups
            ),
            provider_id=provider["id"],
            application_of={f.id: application_id for f in site_facts},
        )
        upsert_admissions(tx, new_admissions)
        tx.run(
            "admission.link_admissions",
            rows=[{"id": r["id"], "site_id": r["site_id"]} for r in new_admissions],
        )
        events = [
            Event(
                "application.submitted",
                principal.user_id,
                principal.carrier,
                now,
                f"Antrag bei {receiving} eingereicht.",
                None,
                application_id,
            ),
        ]
        if lead.forwarded:
            events.append(
                Event(
                    "application.forwarded",
                    "system",
                    receiving,
                    now,
                    f"Weitergeleitet an den zuständigen Träger {lead.lead_carrier} (A3).",
                    "Der angesprochene Träger ist für keinen Standort zuständig.",
                    application_id,
                )
            )
        _write_events(tx, events, application_id)

    reg.graph.write(work)
    return get_application(reg, principal, application_id, _skip_scope=True)


def _details(site: Mapping[str, Any]) -> dict[str, Any]:
    details = dict(site.get("details") or {})
    return details


def _sync_case_managers(
    tx: Tx, provider_id: str, case_managers: Sequence[Mapping[str, Any]]
) -> None:
    """The provider's current staff gains the case managers named in an application."""
    current = {
        r["name"]: r["id"] for r in tx.run("providers.case_managers", provider_id=provider_id)
    }
    for cm in case_managers:
        payload = json.dumps(cm, ensure_ascii=False, sort_keys=True)
        if cm["name"] in current:
            tx.run(
                "providers.update_case_manager",
                id=current[cm["name"]],
                provider_id=provider_id,
                name=cm["name"],
                data=payload,
                now=clock.now_iso(),
            )
        else:
            tx.run(
                "providers.create_case_manager",
                id=new_id("cm"),
                provider_id=provider_id,
                name=cm["name"],
                data=payload,
                now=clock.now_iso(),
            )


# --------------------------------------------------------------------------- reading


def _history(reg: Registry, application_id: str) -> list[dict[str, Any]]:
    out = []
    for e in reg.repo(AuditRepository).history("application", application_id):
        data = json.loads(e["data"] or "{}")
        out.append(
            {
                "at": e["at"],
                "actor": e["actor"],
                "carrier": e["carrier"] or None,
                "action": e["action"],
                "what": data.get("what", ""),
                "reason": e["reason"] or None,
                "site_id": data.get("site_id"),
                "target_groups": data.get("target_groups", []),
            }
        )
    return out


def _age(reg: Registry, app: Row) -> tuple[int, bool]:
    submitted = clock.parse(app["submitted_at"])
    now = clock.now()
    age = workflow.age_days(submitted, now)
    overdue = app["status"] == ApplicationStatus.SUBMITTED.value and workflow.is_decision_overdue(
        submitted, now, periods_of(reg)
    )
    return age, overdue


def get_application(
    reg: Registry, principal: Principal, application_id: str, *, _skip_scope: bool = False
) -> dict[str, Any]:
    app = _application_row(reg, application_id)
    sites = _site_rows(reg, app["site_ids"])
    if not _skip_scope and not may_see_application(principal, app, sites):
        raise NotFound("Antrag nicht gefunden")
    data = json.loads(app["data"])
    adm = reg.graph.read("admission.admissions_of_sites", site_ids=app["site_ids"])
    by_site: dict[str, dict[str, str]] = {}
    for a in adm:
        if a["application_id"] == application_id:
            by_site.setdefault(a["site_id"], {})[a["target_group"]] = a["status"]
    age, overdue = _age(reg, app)
    return {
        "id": app["id"],
        "version": app["version"],
        "status": app["status"],
        "provider": {"id": app["provider_id"], **data["provider"]},
        "receiving_carrier": app["receiving_carrier"],
        "lead_carrier": app["lead_carrier"],
        "forwarded": app["forwarded"],
        "target_groups": app["target_groups"],
        "announcement_id": app["announcement_id"] or None,
        "submitted_at": app["submitted_at"],
        "decided_at": app["decided_at"] or None,
        "age_days": age,
        "overdue": overdue,
        "sites": [
            {
                "id": s["id"],
                "name": s["name"],
                "headquarters": s["headquarters"],
                "address": {
                    "street": s["street"],
                    "postal_code": s["postal_code"],
                    "place": s["place"],
                },
                "district_key": s["district_key"],
                "responsible_carrier": s["responsible_carrier"],
                "catchment_radius_km": s["catchment_radius_km"],
                "outreach_radius_km": s["outreach_radius_km"],
                "admission_status": workflow.site_status(
                    AdmissionStatus(v) for v in by_site.get(s["id"], {}).values()
                ).value,
                "target_group_status": by_site.get(s["id"], {}),
            }
            for s in sites
        ],
        "case_managers": data.get("case_managers", []),
        "concept": data.get("concept", {}),
        "organisation": data.get("organisation", {}),
        "findings": data.get("findings", []),
        "decision": data.get("decision"),
        "history": _history(reg, application_id),
    }


def list_applications(
    reg: Registry, principal: Principal, status: str | None = None
) -> list[dict[str, Any]]:
    if principal.role is Role.PROVIDER:
        rows = reg.graph.read(
            "admission.list_applications",
            provider_id=principal.provider or "-",
            status=status or "",
            carrier="",
        )
    elif principal.role is Role.ADMISSIONS_OFFICER and principal.carrier:
        rows = reg.graph.read(
            "admission.list_applications",
            provider_id="",
            status=status or "",
            carrier=principal.carrier,
        )
    else:
        raise Forbidden()
    rows = [ordered_application(r) for r in rows]
    providers = {
        p["id"]: p["name"]
        for p in reg.graph.read("providers.get_many", ids=sorted({r["provider_id"] for r in rows}))
    }
    out = []
    for r in rows:
        age, overdue = _age(reg, r)
        c = principal.carrier
        out.append(
            {
                "id": r["id"],
                "status": r["status"],
                "version": r["version"],
                "provider": {"id": r["provider_id"], "name": providers.get(r["provider_id"], "")},
                "receiving_carrier": r["receiving_carrier"],
                "lead_carrier": r["lead_carrier"],
                "forwarded": r["forwarded"],
                "target_groups": r["target_groups"],
                "submitted_at": r["submitted_at"],
                "age_days": age,
                "overdue": overdue,
                "we_lead": bool(c) and r["lead_carrier"] == c,
                "forwarded_to_us": bool(c) and r["forwarded"] and r["lead_carrier"] == c,
                "received_by_us": bool(c) and r["receiving_carrier"] == c,
            }
        )
    return out


# --------------------------------------------------------------------------- decision


def decide_application(
    reg: Registry, principal: Principal, application_id: str, body: Mapping[str, Any]
) -> dict[str, Any]:
    """A5–A8, A11: the lead's decision per target group, with optimistic concurrency."""
    app = _visible_application(reg, principal, application_id)
    if principal.role is not Role.ADMISSIONS_OFFICER or principal.carrier != app["lead_carrier"]:
        raise Forbidden("Nur die Zulassungsstelle des federführenden Trägers entscheidet (A5).")
    facts = application_facts(reg, app)
    data = json.loads(app["data"])
    findings = [finding_from_dict(f) for f in data.get("findings", [])]
    overrides = [
        Override(rule=o["rule"], reason=o["reason"], target_group=o.get("target_group"))
        for o in body.get("overrides", [])
    ]
    decisions = {
        code: GroupDecision(admit=bool(d["admit"]), reason=d["reason"])
        for code, d in body["target_groups"].items()
    }
    now = clock.now()
    with rules:
        workflow.ensure_version(int(body["version"]), int(app["version"]))
        outcome = workflow.decide(
            facts,
            decisions,
            findings,
            overrides,
            app["lead_carrier"],
            actor_of(principal),
            now,
            reached_carriers=reached_carriers(reg, facts.sites),
            periods=periods_of(reg),
        )
    data["decision"] = {
        "lead_carrier": app["lead_carrier"],
        "decided_by": principal.user_id,
        "decided_at": now.isoformat(),
        "target_groups": {c: {"admit": g.admit, "reason": g.reason} for c, g in decisions.items()},
        "overrides": [asdict(o) for o in overrides],
    }
    reasons = {
        (a.site_id, a.target_group): decisions[a.target_group].reason for a in outcome.admissions
    }

    def work(tx: Tx) -> None:
        updated = tx.run(
            "admission.update_application",
            id=application_id,
            version=int(body["version"]),
            status=outcome.application_status.value,
            decided_at=now.isoformat(),
            data=json.dumps(data, ensure_ascii=False, sort_keys=True),
        )
        if not updated:
            raise Conflict(
                "Der Antrag wurde inzwischen von jemand anderem geändert; bitte neu laden (A11)."
            )
        upsert_admissions(
            tx,
            _admission_rows(
                outcome.admissions,
                provider_id=app["provider_id"],
                application_of={s.id: application_id for s in facts.sites},
                reasons=reasons,
            ),
        )
        for task in outcome.follow_on_tasks:
            tx.run(
                "admission.create_follow_on",
                id=new_id("fot"),
                application_id=application_id,
                site_id=task.site_id,
                carrier=task.carrier,
                now=now.isoformat(),
            )
        _write_events(tx, outcome.events, application_id)
        write_notices(tx, outcome.notices)
        enqueue(tx, "site", [s.id for s in facts.sites])

    reg.graph.write(work)
    try_drain(reg)
    return get_application(reg, principal, application_id)


# --------------------------------------------------------------------------- follow-on (A7)


def list_follow_ons(
    reg: Registry, principal: Principal, status: str | None
) -> list[dict[str, Any]]:
    if principal.role is not Role.ADMISSIONS_OFFICER or not principal.carrier:
        raise Forbidden()
    now = clock.now()
    periods = periods_of(reg)
    out = []
    for t in reg.graph.read(
        "admission.follow_ons", carrier=principal.carrier, status=status or "", application_id=""
    ):
        created = clock.parse(t["created_at"])
        out.append(
            {
                "id": t["id"],
                "application_id": t["application_id"],
                "site_id": t["site_id"],
                "carrier": t["carrier"],
                "status": t["status"],
                "created_at": t["created_at"],
                "age_days": workflow.age_days(created, now),
                "overdue": t["status"] == "open"
                and workflow.is_follow_on_overdue(created, now, periods),
            }
        )
    return out


def admit_follow_on(reg: Registry, principal: Principal, task_id: str) -> dict[str, Any]:
    rows = reg.graph.read("admission.get_follow_on", id=task_id)
    if not rows or principal.carrier != rows[0]["carrier"]:
        raise NotFound("Folgezulassung nicht gefunden")
    task_row = rows[0]
    if task_row["status"] != "open":
        raise Conflict("Diese Folgezulassung ist bereits erledigt.")
    app = _application_row(reg, task_row["application_id"])
    facts = application_facts(reg, app)
    site_adm_rows = reg.graph.read("admission.admissions_of_sites", site_ids=[task_row["site_id"]])
    admissions = [_admission(r) for r in site_adm_rows]
    groups = tuple(
        a.target_group for a in admissions if a.status is AdmissionStatus.AWAITING_FOLLOW_ON
    )
    task = FollowOnTask(
        app["id"],
        task_row["site_id"],
        task_row["carrier"],
        groups,
        clock.parse(task_row["created_at"]),
        task_id,
    )
    now = clock.now()
    with rules:
        outcome = workflow.admit_follow_on(
            task,
            facts,
            admissions,
            actor_of(principal),
            now,
            reached_carriers=reached_carriers(
                reg, [s for s in facts.sites if s.id == task.site_id]
            ),
            periods=periods_of(reg),
        )
    previous = {(r["site_id"], r["target_group"]): r for r in site_adm_rows}

    def work(tx: Tx) -> None:
        if not tx.run("admission.close_follow_on", id=task_id, status="done", now=now.isoformat()):
            raise Conflict("Diese Folgezulassung ist bereits erledigt.")
        upsert_admissions(
            tx,
            _admission_rows(
                outcome.changed,
                provider_id=app["provider_id"],
                application_of={s.id: app["id"] for s in facts.sites},
                previous=previous,
            ),
        )
        _write_events(tx, outcome.events, app["id"])
        write_notices(tx, outcome.notices)
        enqueue(tx, "site", [task.site_id])

    reg.graph.write(work)
    try_drain(reg)
    return {"id": task_id, "status": "done", "application_id": app["id"], "site_id": task.site_id}


# --------------------------------------------------------------------------- A9 / A14


def _site_context(reg: Registry, principal: Principal, site_id: str) -> tuple[Row, Row, list[Row]]:
    sites = reg.graph.read("providers.sites", ids=[site_id])
    if not sites:
        raise NotFound("Standort nicht gefunden")
    site = sites[0]
    adm_rows = reg.graph.read("admission.admissions_of_sites", site_ids=[site_id])
    involved = (
        principal.role is Role.ADMISSIONS_OFFICER
        and principal.carrier is not None
        and (
            site["responsible_carrier"] == principal.carrier
            or any(r["issued_by"] == principal.carrier for r in adm_rows)
        )
    )
    if not involved:
        raise NotFound("Standort nicht gefunden")
    if not adm_rows:
        raise Conflict("Für diesen Standort gibt es keine Zulassung.")
    app = _application_row(reg, adm_rows[0]["application_id"])
    return site, app, adm_rows


def change_site_admission(
    reg: Registry,
    principal: Principal,
    site_id: str,
    action: str,
    reason: str,
    target_groups: Sequence[str] | None = None,
) -> dict[str, Any]:
    """A9: suspend, resume or revoke a site's admission (all or some target groups)."""
    site, app, adm_rows = _site_context(reg, principal, site_id)
    facts = application_facts(reg, app)
    admissions = [_admission(r) for r in adm_rows]
    now = clock.now()
    with rules:
        outcome = workflow.change_admissions(
            AdmissionAction(action),
            facts,
            admissions,
            actor_of(principal),
            reason,
            now,
            target_groups=target_groups,
            reached_carriers=reached_carriers(reg, [s for s in facts.sites if s.id == site_id]),
            periods=periods_of(reg),
        )
    _persist_lifecycle(reg, app, facts, outcome, adm_rows, reason, site_id)
    return site_admission_view(reg, site_id)


def review_site_admission(
    reg: Registry, principal: Principal, site_id: str, outcome_name: str, reason: str
) -> dict[str, Any]:
    """A14: the periodic review confirms, suspends or revokes."""
    site, app, adm_rows = _site_context(reg, principal, site_id)
    facts = application_facts(reg, app)
    admissions = [_admission(r) for r in adm_rows]
    now = clock.now()
    with rules:
        outcome = workflow.review_admissions(
            outcome_name,
            facts,
            admissions,
            actor_of(principal),
            reason,
            now,
            reached_carriers=reached_carriers(reg, [s for s in facts.sites if s.id == site_id]),
            periods=periods_of(reg),
        )
    _persist_lifecycle(reg, app, facts, outcome, adm_rows, reason, site_id)
    return site_admission_view(reg, site_id)


def _persist_lifecycle(
    reg: Registry,
    app: Row,
    facts: ApplicationFacts,
    outcome: Any,
    adm_rows: list[Row],
    reason: str,
    *site_ids: str,
    cancel_follow_ons: Sequence[str] = (),
) -> None:
    previous = {(r["site_id"], r["target_group"]): r for r in adm_rows}
    reasons = {(a.site_id, a.target_group): reason for a in outcome.changed}
    data = json.loads(app["data"])

    def work(tx: Tx) -> None:
        # A11 for admissions: the outcome was computed from `adm_rows`, read before this unit
        # of work; if another change committed since, writing it would overwrite that change
        # (e.g. a stale "suspended" over a committed "revoked"). Writes are serialised, so
        # reading here sees every committed change.
        read_sites = sorted({r["site_id"] for r in adm_rows})
        current = {
            (r["site_id"], r["target_group"]): r["status"]
            for r in tx.run("admission.admissions_of_sites", site_ids=read_sites)
        }
        if any(current.get(key) != row["status"] for key, row in previous.items()):
            raise Conflict("Die Zulassung wurde inzwischen geändert; bitte neu laden (A11).")
        if outcome.changed:
            upsert_admissions(
                tx,
                _admission_rows(
                    outcome.changed,
                    provider_id=app["provider_id"],
                    application_of={s.id: app["id"] for s in facts.sites},
                    reasons=reasons,
                    previous=previous,
                ),
            )
        status_changed = (
            outcome.application_status is not None
            and outcome.application_status.value != app["status"]
        )
        if status_changed and not tx.run(
            "admission.update_application",
            id=app["id"],
            version=app["version"],
            status=outcome.application_status.value,
            decided_at=app["decided_at"],
            data=json.dumps(data, ensure_ascii=False, sort_keys=True),
        ):
            raise Conflict("Der Antrag wurde inzwischen geändert; bitte neu laden (A11).")
        for task_id in cancel_follow_ons:  # in the same unit of work: never half-withdrawn
            tx.run(
                "admission.close_follow_on",
                id=task_id,
                status="cancelled",
                now=clock.now().isoformat(),
            )
        _write_events(tx, outcome.events, app["id"])
        write_notices(tx, outcome.notices)
        enqueue(tx, "site", site_ids or [s.id for s in facts.sites])

    reg.graph.write(work)
    try_drain(reg)


def withdraw_application(
    reg: Registry, principal: Principal, application_id: str, reason: str
) -> dict[str, Any]:
    """A9: the provider withdraws its application (and the admissions it led to)."""
    app = _visible_application(reg, principal, application_id)
    if principal.role is not Role.PROVIDER:
        raise Forbidden("Nur der Anbieter kann seinen Antrag zurückziehen (A9).")
    facts = application_facts(reg, app)
    adm_rows = [
        r
        for r in reg.graph.read("admission.admissions_of_sites", site_ids=app["site_ids"])
        if r["application_id"] == application_id
    ]
    now = clock.now()
    with rules:
        outcome = workflow.withdraw_application(
            facts,
            [_admission(r) for r in adm_rows],
            actor_of(principal),
            reason,
            now,
            reached_carriers=reached_carriers(reg, facts.sites),
        )
    open_tasks = reg.graph.read(
        "admission.follow_ons", carrier="", status="open", application_id=application_id
    )
    _persist_lifecycle(
        reg,
        app,
        facts,
        outcome,
        adm_rows,
        reason,
        cancel_follow_ons=[t["id"] for t in open_tasks],
    )
    return get_application(reg, principal, application_id)


def site_admission_view(reg: Registry, site_id: str) -> dict[str, Any]:
    rows = reg.graph.read("admission.admissions_of_sites", site_ids=[site_id])
    statuses = {r["target_group"]: r["status"] for r in rows}
    return {
        "site_id": site_id,
        "admission_status": workflow.site_status(
            AdmissionStatus(s) for s in statuses.values()
        ).value,
        "target_group_status": statuses,
        "admissions": [
            {
                "target_group": r["target_group"],
                "status": r["status"],
                "issued_by": r["issued_by"] or None,
                "decided_at": r["decided_at"] or None,
                "review_due": r["review_due"] or None,
                "reason": r["reason"],
            }
            for r in rows
        ],
    }


# --------------------------------------------------------------------------- A12


def create_announcement(
    reg: Registry, principal: Principal, body: Mapping[str, Any]
) -> dict[str, Any]:
    from registry.admission.model import Announcement, DistrictRef

    if (
        principal.role not in (Role.ADMISSIONS_OFFICER, Role.NETWORK_STRATEGIST)
        or not principal.carrier
    ):
        raise Forbidden("Bekanntmachungen veröffentlichen Zulassungsstellen und Netzwerkstrategen.")
    ref = reg.reference
    ann = Announcement(
        carriers=tuple(body["carriers"]),
        target_groups=tuple(body["target_groups"]),
        text=body["text"],
        open_until=body["open_until"],
        districts=tuple(body.get("districts") or ()),
        state=body.get("state") or None,
    )
    problems = workflow.validate_announcement(
        ann,
        author_carrier=principal.carrier,
        known_carriers=set(ref.carriers_by_id),
        known_target_groups={t.code for t in ref.target_groups},
        districts={d.key: DistrictRef(d.key, d.state, d.carrier) for d in ref.districts},
        today=clock.today(),
    )
    if problems:
        raise InvalidInput([Problem(p.field, p.message, p.rule) for p in problems])
    ann_id = new_id("ann")

    def work(tx: Tx) -> None:
        write_announcement(
            tx,
            id=ann_id,
            carriers=list(ann.carriers),
            target_groups=list(ann.target_groups),
            districts=list(ann.districts),
            state=ann.state or "",
            text=ann.text,
            open_until=ann.open_until.isoformat(),
            now=clock.now_iso(),
            created_by=principal.user_id,
        )
        append_event(
            tx,
            id=sequential_id("evt"),
            at=clock.now().isoformat(),
            actor=principal.user_id,
            carrier=principal.carrier or "",
            subject_type="announcement",
            subject_id=ann_id,
            action="announcement.published",
            reason="",
            data=json.dumps({"text": ann.text}, ensure_ascii=False),
        )

    reg.graph.write(work)
    return next(a for a in list_announcements(reg, open_only=False) if a["id"] == ann_id)


def write_announcement(
    tx: Tx,
    *,
    id: str,  # noqa: A002 - the query's parameter name
    carriers: Sequence[str],
    target_groups: Sequence[str],
    districts: Sequence[str],
    state: str,
    text: str,
    open_until: str,
    now: str,
    created_by: str,
) -> None:
    """A12: the announcement, its author, the carriers joining it, the groups it seeks and the
    districts or state it covers, as edges."""
    tx.run(
        "admission.create_announcement",
        id=id,
        text=text,
        open_until=open_until,
        now=now,
        created_by=created_by,
    )
    if carriers:
        tx.run("admission.link_announcement_carriers", id=id, carriers=list(carriers))
    if target_groups:
        tx.run(
            "admission.link_announcement_target_groups", id=id, target_groups=list(target_groups)
        )
    if districts:
        tx.run("admission.link_announcement_districts", id=id, districts=list(districts))
    if state:
        tx.run("admission.link_announcement_state", id=id, state=state)


def list_announcements(reg: Registry, *, open_only: bool) -> list[dict[str, Any]]:
    today = clock.today().isoformat() if open_only else ""
    return [
        {
            "id": a["id"],
            "carriers": sorted(a["carriers"]),
            "target_groups": sorted(a["target_groups"]),
            "districts": sorted(a["districts"]),
            "state": a["state"] or None,
            "text": a["text"],
            "open_until": a["open_until"],
            "created_at": a["created_at"],
            "open": a["open_until"] >= clock.today().isoformat(),
        }
        for a in reg.graph.read("admission.announcements", today=today)
    ]
