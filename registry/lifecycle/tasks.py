"""The one task inbox (``GET /tasks``): a carrier's open work, or a provider's own.

Stored tasks (``staff_finding``, ``training_due``, :mod:`registry.lifecycle.staff_findings`) plus
items derived at read time: ``decision_pending`` (A5, overdue after
``lead_decision_overdue_days``), ``follow_on`` (A7, overdue after ``follow_on_overdue_days``; its
id is the follow-on task's id), ``review_due`` (A14, in the inbox from 90 days before the review
date, overdue once it has passed), ``stale_data`` (A15, for the provider and the site's
responsible carrier; overdue by definition), ``contract_pending`` (A13, overdue
``lead_decision_overdue_days`` after the first admission), ``follow_on_overdue`` (A7: the lead's
copy of a follow-on past its overdue date, naming the carrier and the site). Stored staff tasks are overdue after
``lead_decision_overdue_days`` (the lead should act as promptly as on a decision);
``training_due`` tasks are overdue at once. Derived items have stable ids ``<kind>:<reference>``.
Stored tasks also come from a change of a site's facts (``site_finding``, Q5,
:mod:`registry.lifecycle.sites`) and from the lead's suspension or revocation of a group a
follow-on carrier admitted too (``lead_changed``, A9, :mod:`registry.admission.site_admissions`);
each goes to one carrier. The owning carrier's officer may dismiss a stored task with a reason.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from registry import clock
from registry.admission import deadlines
from registry.admission.common import periods_of
from registry.audit import record_event
from registry.auth import Principal, Role
from registry.context import Registry
from registry.dates import add_months, day, german, midnight
from registry.errors import Conflict, Forbidden, InvalidInput, NotFound
from registry.graph.ports import Tx
from registry.lifecycle import rules
from registry.lifecycle.common import (
    admissions_due,
    every_open_follow_on,
    led_applications,
    officer_carrier,
    open_follow_ons,
    provider_names,
    providers_of_applications,
    site_names,
)
from registry.lifecycle.repository import LifecycleRepository
from registry.lifecycle.reviews import REVIEW_WINDOW_DAYS
from registry.lifecycle.sites import SITE_TASK_KIND
from registry.lifecycle.staff_findings import STAFF_TASK_KINDS, reconcile_staff_tasks
from registry.quality import inbox as quality_inbox
from registry.words import count

STORED_TASK_KINDS = (*STAFF_TASK_KINDS, SITE_TASK_KIND, rules.LEAD_CHANGE_TASK_KIND)
"""Stored tasks a carrier's officer sees and may close with a reason."""


def _item(
    *,
    id: str,  # noqa: A002 - the public field name
    kind: str,
    rule: str,
    provider_id: str,
    message: str,
    created_at: datetime,
    overdue: bool,
    now: datetime,
    application_id: str | None = None,
    site_id: str | None = None,
    due_on: str | None = None,
) -> dict[str, Any]:
    return {
        "id": id,
        "kind": kind,
        "rule": rule,
        "provider_id": provider_id,
        "application_id": application_id or None,
        "site_id": site_id or None,
        "message": message,
        "created_at": created_at.isoformat(),
        "age_days": deadlines.age_days(created_at, now),
        "overdue": overdue,
        "due_on": due_on or None,
    }


def stale_items(
    reg: Registry, *, provider_id: str, carrier: str, now: datetime
) -> list[dict[str, Any]]:
    """A15: sites unconfirmed for longer than the period (flagged, never hidden), of the
    provider (``provider_id``) or for the responsible carrier (``carrier``)."""
    periods = periods_of(reg)
    today = now.date()
    before = add_months(today, -periods.data_confirmation_months) + timedelta(days=3)
    rows = reg.repo(LifecycleRepository).stale_sites(
        provider_id=provider_id, carrier=carrier, before=before.isoformat(), in_force=bool(carrier)
    )
    items = []
    for s in rows:
        confirmed = day(s["confirmed_on"])
        created = day(s["created_at"]) or today
        if not rules.is_data_stale(confirmed, created, today, periods):
            continue
        since = rules.confirmation_due(confirmed or created, periods) + timedelta(days=1)
        if carrier:
            message = rules.stale_data_task(
                s["provider_id"], s["id"], s["name"], s["responsible_carrier"], confirmed, now
            ).message
        else:
            last = f"zuletzt am {german(confirmed)}" if confirmed else "noch nie"
            message = (
                f"Bitte bestätigen oder aktualisieren Sie die Angaben des Standorts »{s['name']}« "
                f"({last} bestätigt; mindestens alle {periods.data_confirmation_months} Monate)."
            )
        items.append(
            _item(
                id=f"stale_data:{s['id']}",
                kind="stale_data",
                rule="A15",
                provider_id=s["provider_id"],
                site_id=s["id"],
                message=message,
                created_at=midnight(since),
                overdue=True,
                now=now,
            )
        )
    return items


def _officer_items(reg: Registry, carrier: str, now: datetime) -> list[dict[str, Any]]:
    periods = periods_of(reg)
    overdue_days = periods.lead_decision_days
    today = now.date()
    repo = reg.repo(LifecycleRepository)
    awaiting = repo.awaiting_decision(carrier)
    follow_ons = open_follow_ons(reg, carrier)
    stored = [t for t in repo.open_for(carrier) if t["kind"] in STORED_TASK_KINDS]
    reviews = admissions_due(reg, carrier, today + timedelta(days=REVIEW_WINDOW_DAYS))
    contracts = repo.pending_contracts(carrier)
    apps_of_follow_on = providers_of_applications(
        reg, carrier, {f["application_id"] for f in follow_ons}
    )
    provider_ids = (
        {a["provider_id"] for a in awaiting}
        | {t["provider_id"] for t in stored}
        | {r["provider_id"] for r in reviews}
        | {c["provider_id"] for c in contracts}
        | set(apps_of_follow_on.values())
    )
    names = provider_names(reg, provider_ids)
    sites = site_names(reg, [f["site_id"] for f in follow_ons] + [r["site_id"] for r in reviews])

    items: list[dict[str, Any]] = []
    for a in awaiting:
        submitted = clock.parse(a["submitted_at"])
        how = " (an uns weitergeleitet)" if a["forwarded"] else ""
        items.append(
            _item(
                id=f"decision_pending:{a['id']}",
                kind="decision_pending",
                rule="A5",
                provider_id=a["provider_id"],
                application_id=a["id"],
                message=f"Antrag von »{names.get(a['provider_id'], '')}«{how} wartet auf "
                "Prüfung und Entscheidung des federführenden Trägers.",
                created_at=submitted,
                overdue=deadlines.is_decision_overdue(submitted, now, periods),
                now=now,
            )
        )
    for f in follow_ons:
        created = clock.parse(f["created_at"])
        provider_id = apps_of_follow_on.get(f["application_id"], "")
        items.append(
            _item(
                id=f["id"],
                kind="follow_on",
                rule="A7",
                provider_id=provider_id,
                application_id=f["application_id"],
                site_id=f["site_id"],
                message=f"Folgezulassung für den Standort »{sites.get(f['site_id'], '')}« von "
                f"»{names.get(provider_id, '')}« auf Grundlage der Entscheidung des "
                "federführenden Trägers erteilen.",
                created_at=created,
                overdue=deadlines.is_follow_on_overdue(created, now, periods),
                now=now,
            )
        )
    for t in stored:
        created = clock.parse(t["created_at"])
        overdue = (
            True if t["kind"] == "training_due" else deadlines.age_days(created, now) > overdue_days
        )
        items.append(
            _item(
                id=t["id"],
                kind=t["kind"],
                rule=t["rule"],
                provider_id=t["provider_id"],
                application_id=t["application_id"],
                site_id=t["site_id"],
                message=f"»{names.get(t['provider_id'], '')}«: {t['message']}",
                created_at=created,
                overdue=overdue,
                now=now,
                due_on=t["due_on"],
            )
        )
    for r in reviews:
        due = date.fromisoformat(r["review_due"][:10])
        entered = min(midnight(due - timedelta(days=REVIEW_WINDOW_DAYS)), now)
        items.append(
            _item(
                id=f"review_due:{r['site_id']}",
                kind="review_due",
                rule="A14",
                provider_id=r["provider_id"],
                site_id=r["site_id"],
                message=f"Die Zulassung des Standorts »{sites.get(r['site_id'], '')}« von "
                f"»{names.get(r['provider_id'], '')}« ist bis {german(due)} zu überprüfen.",
                created_at=entered,
                overdue=due < today,
                now=now,
                due_on=due.isoformat(),
            )
        )
    for c in contracts:
        since = midnight(day(c["since"]) or today)
        items.append(
            _item(
                id=f"contract_pending:{c['provider_id']}",
                kind="contract_pending",
                rule="A13",
                provider_id=c["provider_id"],
                application_id=c["application_id"],
                message=f"Vertrag ausstehend: Für »{names.get(c['provider_id'], '')}« ist noch kein "
                "Vertrag nach Mustervertrag erfasst (Zulassung bleibt im Verzeichnis).",
                created_at=since,
                overdue=deadlines.age_days(since, now) > overdue_days,
                now=now,
            )
        )
    items += stale_items(reg, provider_id="", carrier=carrier, now=now)
    items += escalation_items(reg, carrier, now)
    return items


def escalation_items(reg: Registry, lead: str, now: datetime) -> list[dict[str, Any]]:
    """A7: every follow-on admission of an application ``lead`` leads that is past its overdue
    date becomes a task for the lead too, naming which carrier has not yet admitted which site
    (``follow_on_overdue``, id ``follow_on_overdue:<follow-on id>``; overdue by definition,
    dated from the day the follow-on became overdue). It goes when that carrier admits."""
    periods = periods_of(reg)
    led = led_applications(reg, lead)
    if not led:
        return []
    pending = [
        rules.PendingFollowOn(
            f["id"], f["application_id"], f["site_id"], f["carrier"], clock.parse(f["created_at"])
        )
        for f in every_open_follow_on(reg)
        if f["application_id"] in led
    ]
    due = rules.escalated_follow_ons(pending, set(led), lead, now, periods)
    if not due:
        return []
    names = provider_names(reg, [led[f.application_id] for f in due])
    sites = site_names(reg, [f.site_id for f in due])
    carriers = reg.reference.carriers_by_id
    items = []
    for f in due:
        provider_id = led[f.application_id]
        carrier = carriers[f.carrier].name if f.carrier in carriers else f.carrier
        age = deadlines.age_days(f.created_at, now)
        items.append(
            _item(
                id=f"follow_on_overdue:{f.id}",
                kind="follow_on_overdue",
                rule="A7",
                provider_id=provider_id,
                application_id=f.application_id,
                site_id=f.site_id,
                message=f"{carrier} hat den Standort »{sites.get(f.site_id, '')}« von "
                f"»{names.get(provider_id, '')}« noch nicht zugelassen (Folgezulassung seit "
                f"{count(age, 'Tag', 'Tagen')} offen, überfällig nach "
                f"{count(periods.follow_on_days, 'Tag', 'Tagen')}).",
                created_at=f.created_at + timedelta(days=periods.follow_on_days + 1),
                overdue=True,
                now=now,
            )
        )
    return items


def list_tasks(reg: Registry, principal: Principal) -> list[dict[str, Any]]:
    """One inbox: the caller's carrier's open work, or the provider's own (stale data)."""
    now = clock.now()
    if principal.role is Role.PROVIDER and principal.provider:
        items = stale_items(reg, provider_id=principal.provider, carrier="", now=now)
        items += quality_inbox.provider_items(reg, principal.provider, now)  # A16
    elif principal.role is Role.ADMISSIONS_OFFICER and principal.carrier:
        reconcile_staff_tasks(reg, principal.carrier)
        items = _officer_items(reg, principal.carrier, now)
        items += quality_inbox.carrier_items(reg, principal.carrier, now)  # A16 visits
    else:
        raise Forbidden("Aufgaben haben Zulassungsstellen und Anbieter.")
    names = provider_names(reg, {i["provider_id"] for i in items if i["provider_id"]})
    for item in items:
        item.setdefault("visit_id", None)
        item["provider_name"] = names.get(item["provider_id"], "")  # the inbox names it
    items.sort(key=lambda i: (not i["overdue"], i["created_at"], i["id"]))
    return items


def dismiss_task(reg: Registry, principal: Principal, task_id: str, reason: str) -> dict[str, Any]:
    """The lead's officer closes a staff task after looking into it (with a reason). It stays
    dismissed while its finding persists."""
    carrier = officer_carrier(principal)
    task = reg.repo(LifecycleRepository).get_task(task_id)
    if task is None or task["carrier"] != carrier or task["kind"] not in STORED_TASK_KINDS:
        raise NotFound("Aufgabe nicht gefunden")
    if not reason.strip():
        raise InvalidInput.one("reason", "Eine Begründung ist erforderlich.", "A15")

    def work(tx: Tx) -> None:
        if not reg.repo(LifecycleRepository, tx).dismiss_task(task_id):
            raise Conflict("Die Aufgabe ist bereits erledigt.")
        record_event(
            tx,
            actor=principal,
            subject_type="task",
            subject_id=task_id,
            action="task.dismissed",
            reason=reason.strip(),
            data={"provider_id": task["provider_id"], "rule": task["rule"]},
        )

    reg.unit_of_work(work)
    return {"id": task_id, "status": "dismissed"}
