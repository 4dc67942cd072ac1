"""Changes of granted admissions (docs/rules.md §5): the follow-on admission by a site's own
carrier (A7), suspend, resume and revoke (A9), the review (A14) and the provider's withdrawal
(A9). Each returns the new admissions, events and notices; nothing does I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from registry.admission.deadlines import review_due_date
from registry.admission.effects import event_factory, notices_for, site_lines
from registry.admission.model import (
    DEFAULT_PERIODS,
    Actor,
    Admission,
    AdmissionAction,
    ApplicationAction,
    ApplicationFacts,
    FollowOnTask,
    LifecycleOutcome,
    NoticeSpec,
    Periods,
    ReviewOutcome,
)
from registry.admission.status_rules import AA, AS, can_transition, site_status, transition
from registry.dates import german as _de
from registry.errors import Forbidden, IllegalTransition, InvalidInput, Problem
from registry.words import carrier_name


def _require_reason(reason: str, rule: str, field: str = "reason") -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput([Problem(field, "Eine Begründung ist erforderlich.", rule)])
    return text


# --------------------------------------------------------------------------- A7, A9, A14


def _select(
    admissions: Sequence[Admission],
    action: AdmissionAction,
    target_groups: Collection[str] | None,
    rule: str,
) -> list[Admission]:
    """The admissions an action applies to: the named groups (each must allow it), or all of
    the given admissions that allow it."""
    if target_groups is None:
        chosen = [a for a in admissions if can_transition(a.status, action)]
        if not chosen:
            raise IllegalTransition(site_status(a.status for a in admissions).value, action.value)
        return chosen
    known = {a.target_group for a in admissions}
    unknown = sorted(set(target_groups) - known)
    if unknown or not target_groups:
        raise InvalidInput(
            [
                Problem(
                    "target_groups",
                    "Zielgruppen ohne Zulassung an diesem Standort: " + ", ".join(unknown)
                    if unknown
                    else "Mindestens eine Zielgruppe angeben oder das Feld weglassen.",
                    rule,
                )
            ]
        )
    chosen = [a for a in admissions if a.target_group in target_groups]
    for a in chosen:
        transition(a.status, action)  # raises IllegalTransition
    return chosen


def _replace(
    admissions: Sequence[Admission], changed: Sequence[Admission]
) -> tuple[Admission, ...]:
    new = {(a.site_id, a.target_group): a for a in changed}
    return tuple(new.get((a.site_id, a.target_group), a) for a in admissions)


def admit_follow_on(
    task: FollowOnTask,
    application: ApplicationFacts,
    admissions: Sequence[Admission],
    actor: Actor,
    now: datetime,
    *,
    target_groups: Collection[str] | None = None,
    reached_carriers: Mapping[str, Collection[str]] | None = None,
    periods: Periods = DEFAULT_PERIODS,
) -> LifecycleOutcome:
    """A7: the task's carrier admits the site on the basis of the lead's decision. Only that
    carrier may; the target groups are the lead's (``target_groups``, if given, must equal
    them). ``admissions`` are the site's admissions. Notifies as A8."""
    if actor.carrier != task.carrier:
        raise Forbidden(
            "Die Folgezulassung erteilt nur der für den Standort zuständige Träger.", "A7"
        )
    if target_groups is not None and set(target_groups) != set(task.target_groups):
        raise InvalidInput(
            [
                Problem(
                    "target_groups",
                    "Die Folgezulassung übernimmt die Zielgruppen der Entscheidung des "
                    "federführenden Trägers; sie können nicht geändert werden.",
                    "A7",
                )
            ]
        )
    site_adms = [a for a in admissions if a.site_id == task.site_id]
    awaiting = [a for a in site_adms if a.target_group in task.target_groups]
    if not awaiting:
        raise IllegalTransition(site_status(a.status for a in site_adms).value, "follow_on_admit")
    today = now.date()
    changed = [
        Admission(
            a.site_id,
            a.target_group,
            transition(a.status, AA.FOLLOW_ON_ADMIT),
            a.responsible_carrier,
            task.carrier,
            today,
            review_due_date(today, periods),
        )
        for a in awaiting
    ]
    ev = event_factory(actor, now, application.id)
    events = (
        ev(
            "admission.follow_on_admitted",
            f"Standort von {carrier_name(task.carrier)} auf Grundlage der Entscheidung des "
            "federführenden "
            "Trägers zugelassen.",
            None,
            site_id=task.site_id,
            target_groups=tuple(a.target_group for a in changed),
        ),
    )
    site_ids, lines = site_lines(application, changed)
    notices = notices_for(
        application,
        site_ids,
        reached_carriers,
        f"{carrier_name(task.carrier)} hat »{application.provider_name}« am {_de(today)} "
        "zum Fallmanagement "
        f"zugelassen (Folgezulassung) – {'; '.join(lines)}. Die Zulassung gilt für die "
        "Versicherten aller Träger (gegenseitige Anerkennung).",
        acting_carrier=task.carrier,
    )
    return LifecycleOutcome(_replace(admissions, changed), tuple(changed), events, notices)


_CHANGE_WORDS = {
    AA.SUSPEND: ("suspended", "ausgesetzt"),
    AA.RESUME: ("resumed", "wieder aufgenommen"),
    AA.REVOKE: ("revoked", "widerrufen"),
    AA.CONFIRM: ("confirmed", "nach Überprüfung bestätigt"),
}


def change_admissions(
    action: AdmissionAction,
    application: ApplicationFacts,
    admissions: Sequence[Admission],
    actor: Actor,
    reason: str,
    now: datetime,
    *,
    target_groups: Collection[str] | None = None,
    reached_carriers: Mapping[str, Collection[str]] | None = None,
    rule: str = "A9",
    periods: Periods = DEFAULT_PERIODS,
) -> LifecycleOutcome:
    """A9 (and A14): suspend, resume or revoke (or confirm, for a review) one site's admissions.

    Acts on all target groups of ``admissions`` that allow the action, or on exactly
    ``target_groups``. Only the carrier that issued an admission may change it; a reason is
    required. A confirmation sets a new review date. Notifies the affected carriers (A8).
    """
    if action not in _CHANGE_WORDS:
        raise IllegalTransition("*", action.value)
    why = _require_reason(reason, rule)
    chosen = _select(admissions, action, target_groups, rule)
    for a in chosen:
        if a.issued_by != actor.carrier:
            raise Forbidden(
                "Nur der Träger, der die Zulassung erteilt hat, kann sie aussetzen, wieder "
                "aufnehmen, widerrufen oder überprüfen.",
                rule,
            )
    today = now.date()
    changed = [
        Admission(
            a.site_id,
            a.target_group,
            transition(a.status, action),
            a.responsible_carrier,
            a.issued_by,
            a.decided_on,
            review_due_date(today, periods) if action is AA.CONFIRM else a.review_due,
        )
        for a in chosen
    ]
    kind, word = _CHANGE_WORDS[action]
    ev = event_factory(actor, now, application.id)
    site_ids, lines = site_lines(application, changed)
    events = tuple(
        ev(
            f"admission.{kind}",
            f"Zulassung {word}.",
            why,
            site_id=site_id,
            target_groups=tuple(a.target_group for a in changed if a.site_id == site_id),
        )
        for site_id in site_ids
    )
    notices = notices_for(
        application,
        site_ids,
        reached_carriers,
        f"{carrier_name(actor.carrier or '')} hat die Zulassung von »{application.provider_name}« "
        f"am {_de(today)} "
        f"{word} – {'; '.join(lines)}. Begründung: {why}",
        acting_carrier=actor.carrier,
    )
    return LifecycleOutcome(_replace(admissions, changed), tuple(changed), events, notices)


def review_admissions(
    outcome: ReviewOutcome | str,
    application: ApplicationFacts,
    admissions: Sequence[Admission],
    actor: Actor,
    reason: str,
    now: datetime,
    *,
    reached_carriers: Mapping[str, Collection[str]] | None = None,
    periods: Periods = DEFAULT_PERIODS,
) -> LifecycleOutcome:
    """A14: the review of one site's admissions confirms (new review date), suspends or revokes
    them, each with a reason, by the issuing carrier."""
    action = {
        ReviewOutcome.CONFIRMED: AA.CONFIRM,
        ReviewOutcome.SUSPENDED: AA.SUSPEND,
        ReviewOutcome.REVOKED: AA.REVOKE,
    }[ReviewOutcome(outcome)]
    return change_admissions(
        action,
        application,
        admissions,
        actor,
        reason,
        now,
        reached_carriers=reached_carriers,
        rule="A14",
        periods=periods,
    )


def withdraw_application(
    application: ApplicationFacts,
    admissions: Sequence[Admission],
    actor: Actor,
    reason: str,
    now: datetime,
    *,
    reached_carriers: Mapping[str, Collection[str]] | None = None,
) -> LifecycleOutcome:
    """A9: the provider withdraws its application: every open or granted admission of it ends
    as ``withdrawn``; carriers that were told of an admission are notified. Open follow-on tasks
    of the application are void (the service closes them)."""
    if actor.provider_id != application.provider_id:
        raise Forbidden("Nur der Anbieter selbst kann seinen Antrag zurückziehen.", "A9")
    why = _require_reason(reason, "A9")
    new_status = transition(application.status, ApplicationAction.WITHDRAW)
    chosen = [a for a in admissions if can_transition(a.status, AA.WITHDRAW)]
    visible = [a for a in chosen if a.status in (AS.ADMITTED, AS.SUSPENDED)]
    changed = [
        Admission(
            a.site_id,
            a.target_group,
            transition(a.status, AA.WITHDRAW),
            a.responsible_carrier,
            a.issued_by,
            a.decided_on,
            a.review_due,
        )
        for a in chosen
    ]
    ev = event_factory(actor, now, application.id)
    events = (ev("application.withdrawn", "Antrag vom Anbieter zurückgezogen.", why),)
    notices: tuple[NoticeSpec, ...] = ()
    if visible:
        site_ids, lines = site_lines(application, visible)
        notices = notices_for(
            application,
            site_ids,
            reached_carriers,
            f"»{application.provider_name}« hat seine Zulassung am {_de(now.date())} "
            f"zurückgezogen – {'; '.join(lines)}. Begründung: {why}",
        )
    return LifecycleOutcome(
        _replace(admissions, changed), tuple(changed), events, notices, new_status
    )
