"""Admission workflow A1–A12 (docs/rules.md §5): states, transitions, lead carrier, decision,
follow-on admissions, suspension/revocation/withdrawal, reviews, announcements.

Every function takes the facts it needs and returns new states, events (A10) and notices (A8);
none does I/O. Lifecycle helpers of A13–A15 are in ``registry.lifecycle.rules``, the criteria in
``criteria.py``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Protocol, overload

from registry.admission.model import (
    CRITERIA_RULES,
    DEFAULT_PERIODS,
    FEDERAL_CARRIERS,
    Actor,
    Admission,
    AdmissionAction,
    AdmissionStatus,
    Announcement,
    ApplicationAction,
    ApplicationFacts,
    ApplicationStatus,
    Decision,
    DecisionOutcome,
    DistrictRef,
    Event,
    Finding,
    FollowOnTask,
    GroupDecision,
    LeadResult,
    LifecycleOutcome,
    NoticeKind,
    NoticeSpec,
    Override,
    Periods,
    ReviewOutcome,
    Severity,
)
from registry.dates import add_months
from registry.dates import german as _de
from registry.errors import Forbidden, IllegalTransition, InvalidInput, Problem, VersionConflict
from registry.network.coverage import reaches

AS = AdmissionStatus
AA = AdmissionAction

# --------------------------------------------------------------------------- transitions

APPLICATION_TRANSITIONS: Mapping[tuple[ApplicationStatus, ApplicationAction], ApplicationStatus] = {
    (ApplicationStatus.SUBMITTED, ApplicationAction.DECIDE_ADMIT): ApplicationStatus.DECIDED,
    (ApplicationStatus.SUBMITTED, ApplicationAction.DECIDE_REFUSE): ApplicationStatus.REFUSED,
    (ApplicationStatus.SUBMITTED, ApplicationAction.WITHDRAW): ApplicationStatus.WITHDRAWN,
    (ApplicationStatus.DECIDED, ApplicationAction.WITHDRAW): ApplicationStatus.WITHDRAWN,
}
"""Application status changes (A3–A5, A9). Forwarding happens on submission and changes no
status; a refused or withdrawn application is final."""

ADMISSION_TRANSITIONS: Mapping[tuple[AdmissionStatus, AdmissionAction], AdmissionStatus] = {
    (AS.PENDING, AA.ADMIT): AS.ADMITTED,  # A6
    (AS.PENDING, AA.ADMIT_PENDING_FOLLOW_ON): AS.AWAITING_FOLLOW_ON,  # A7
    (AS.PENDING, AA.REFUSE): AS.REFUSED,  # A5
    (AS.PENDING, AA.WITHDRAW): AS.WITHDRAWN,  # A9
    (AS.AWAITING_FOLLOW_ON, AA.FOLLOW_ON_ADMIT): AS.ADMITTED,  # A7
    (AS.AWAITING_FOLLOW_ON, AA.WITHDRAW): AS.WITHDRAWN,
    (AS.ADMITTED, AA.SUSPEND): AS.SUSPENDED,  # A9, A14
    (AS.ADMITTED, AA.REVOKE): AS.REVOKED,  # A9, A14
    (AS.ADMITTED, AA.CONFIRM): AS.ADMITTED,  # A14
    (AS.ADMITTED, AA.WITHDRAW): AS.WITHDRAWN,
    (AS.SUSPENDED, AA.RESUME): AS.ADMITTED,  # A9
    (AS.SUSPENDED, AA.REVOKE): AS.REVOKED,
    (AS.SUSPENDED, AA.WITHDRAW): AS.WITHDRAWN,
}
"""Status changes of one site's admission for one target group. ``refused``, ``revoked`` and
``withdrawn`` are final; a provider applies anew (A9)."""


@overload
def transition(current: ApplicationStatus, action: ApplicationAction) -> ApplicationStatus: ...
@overload
def transition(current: AdmissionStatus, action: AdmissionAction) -> AdmissionStatus: ...
def transition(
    current: ApplicationStatus | AdmissionStatus, action: ApplicationAction | AdmissionAction
) -> ApplicationStatus | AdmissionStatus:
    """The next status, or ``IllegalTransition`` for anything not in the table."""
    result: ApplicationStatus | AdmissionStatus | None = None
    if isinstance(current, ApplicationStatus) and isinstance(action, ApplicationAction):
        result = APPLICATION_TRANSITIONS.get((current, action))
    elif isinstance(current, AdmissionStatus) and isinstance(action, AdmissionAction):
        result = ADMISSION_TRANSITIONS.get((current, action))
    if result is None:
        raise IllegalTransition(str(current), str(action))
    return result


def can_transition(current: AdmissionStatus, action: AdmissionAction) -> bool:
    return (current, action) in ADMISSION_TRANSITIONS


_SITE_STATUS_PRECEDENCE = (
    AS.ADMITTED,
    AS.AWAITING_FOLLOW_ON,
    AS.SUSPENDED,
    AS.PENDING,
    AS.REVOKED,
    AS.WITHDRAWN,
    AS.REFUSED,
)


def site_status(statuses: Iterable[AdmissionStatus]) -> AdmissionStatus:
    """A site's ``admission_status`` from its target groups' statuses: ``admitted`` when at least
    one group is (API.md), else the most "alive" status present."""
    present = set(statuses)
    for status in _SITE_STATUS_PRECEDENCE:
        if status in present:
            return status
    return AS.PENDING


def ensure_version(read_version: int, current_version: int) -> None:
    """A11: the second of two concurrent writers gets a conflict, nothing is overwritten."""
    if read_version != current_version:
        raise VersionConflict(read_version, current_version)


# --------------------------------------------------------------------------- A1–A4


class _Located(Protocol):
    @property
    def responsible_carrier(self) -> str: ...
    @property
    def headquarters(self) -> bool: ...


def validate_application(
    facts: ApplicationFacts, known_target_groups: Collection[str]
) -> list[Problem]:
    """A1: sites that resolve to a district, at least one known target group, one headquarters
    at most. Returns the problems (empty when valid)."""
    problems: list[Problem] = []
    if not facts.sites:
        problems.append(Problem("sites", "Mindestens ein Standort ist anzugeben.", "A1"))
    for i, site in enumerate(facts.sites):
        if not site.district_key or not site.responsible_carrier:
            problems.append(
                Problem(
                    f"sites[{i}].address",
                    f"Standort »{site.name}«: Die Adresse lässt sich keinem Kreis zuordnen.",
                    "A1",
                )
            )
    if sum(site.headquarters for site in facts.sites) > 1:
        problems.append(
            Problem("sites", "Nur ein Standort kann der Hauptsitz sein.", "A1"),
        )
    if not facts.target_groups:
        problems.append(
            Problem("target_groups", "Mindestens eine Zielgruppe ist zu beantragen.", "A1")
        )
    seen: set[str] = set()
    for code in facts.target_groups:
        if code not in known_target_groups:
            problems.append(
                Problem(f"target_groups.{code}", f"Unbekannte Zielgruppe »{code}«.", "A1")
            )
        if code in seen:
            problems.append(
                Problem(f"target_groups.{code}", f"Zielgruppe »{code}« doppelt genannt.", "A1")
            )
        seen.add(code)
    return problems


def determine_lead(
    receiving_carrier: str, receiving_kind: str, sites_in_listed_order: Sequence[_Located]
) -> LeadResult:
    """A2–A4: the lead carrier of a new application, and whether it was forwarded.

    A regional receiving carrier responsible for at least one site leads (A4). Otherwise (A3,
    design decision) the application goes to the carrier responsible for the headquarters site,
    else to the one responsible for the most sites, ties broken by listing order. A federal
    carrier has no region and always forwards. The result is final: the new lead never
    forwards again.
    """
    if not sites_in_listed_order:
        raise InvalidInput([Problem("sites", "Mindestens ein Standort ist anzugeben.", "A1")])
    carriers = [site.responsible_carrier for site in sites_in_listed_order]
    if not all(carriers):
        raise InvalidInput(
            [Problem("sites", "Jeder Standort braucht einen zuständigen Träger.", "A2")]
        )
    federal = receiving_kind == "federal" or receiving_carrier in FEDERAL_CARRIERS
    if not federal and receiving_carrier in carriers:
        return LeadResult(receiving_carrier, forwarded=False)
    for site in sites_in_listed_order:
        if site.headquarters:
            return LeadResult(site.responsible_carrier, forwarded=True)
    counts = Counter(carriers)
    best = max(counts.values())
    lead = next(c for c in carriers if counts[c] == best)  # first listed among the most
    return LeadResult(lead, forwarded=True)


# --------------------------------------------------------------------------- A8 reach


catchment_reaches = reaches
"""A8 (design decision, also E8, N6): a catchment reaches a district when the site lies in it
or any postal-code centroid of the district lies within the catchment radius. One test for all
three rules: ``registry.network.coverage.reaches``."""


def affected_carriers(site: _Located, reached_district_carriers: Iterable[str] = ()) -> set[str]:
    """A8 (design decision): the carriers to inform about a site's admission: its responsible
    carrier, both federal carriers, and the carriers of every district its catchment reaches."""
    return {site.responsible_carrier, *FEDERAL_CARRIERS, *reached_district_carriers}


# --------------------------------------------------------------------------- helpers


def review_due_date(decided_on: date, periods: Periods = DEFAULT_PERIODS) -> date:
    """A14: the review date of an admission (design decision: decision + 36 months)."""
    return add_months(decided_on, periods.review_months)


def age_days(created: datetime | date, now: datetime | date) -> int:
    """Whole days since ``created`` (never negative); compares dates if either is a date."""
    if isinstance(created, datetime) and isinstance(now, datetime):
        return max((now - created).days, 0)
    as_date = [d.date() if isinstance(d, datetime) else d for d in (created, now)]
    return max((as_date[1] - as_date[0]).days, 0)


def is_decision_overdue(
    submitted_at: datetime, now: datetime, periods: Periods = DEFAULT_PERIODS
) -> bool:
    """A5: an application awaiting the lead's decision is overdue after N days (default 30)."""
    return age_days(submitted_at, now) > periods.lead_decision_days


def is_follow_on_overdue(
    created_at: datetime, now: datetime, periods: Periods = DEFAULT_PERIODS
) -> bool:
    """A7: an open follow-on admission task is overdue after N days (default 14)."""
    return age_days(created_at, now) > periods.follow_on_days


def _require_reason(reason: str, rule: str, field: str = "reason") -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput([Problem(field, "Eine Begründung ist erforderlich.", rule)])
    return text


def _notices(
    application: ApplicationFacts,
    site_ids: Iterable[str],
    reached_carriers: Mapping[str, Collection[str]] | None,
    message: str,
    acting_carrier: str | None = None,
) -> tuple[NoticeSpec, ...]:
    """A8/A9: one notice per affected carrier of the given sites. Design decision (as N4): the
    acting carrier is left out; its own action is in the application's history, and a notice
    its own officers must acknowledge would be noise."""
    sites = {site.id: site for site in application.sites}
    carriers: set[str] = set()
    for site_id in site_ids:
        carriers |= affected_carriers(sites[site_id], (reached_carriers or {}).get(site_id, ()))
    carriers.discard(acting_carrier or "")
    return tuple(
        NoticeSpec(
            carrier=carrier,
            kind=NoticeKind.ADMISSION,
            message=message,
            subject_type="application",
            subject_id=application.id,
            title=application.provider_name,
        )
        for carrier in sorted(carriers)
    )


def _site_lines(
    application: ApplicationFacts, admissions: Iterable[Admission]
) -> tuple[list[str], list[str]]:
    """(site ids, German lines "Standort »X«: a, b") of the given admissions, in site order."""
    by_site: dict[str, list[str]] = {}
    for adm in admissions:
        by_site.setdefault(adm.site_id, []).append(adm.target_group)
    ids = [site.id for site in application.sites if site.id in by_site]
    names = {site.id: site.name for site in application.sites}
    return ids, [f"Standort »{names[i]}«: {', '.join(sorted(by_site[i]))}" for i in ids]


# --------------------------------------------------------------------------- A5–A8 decision

DecisionInput = (
    Mapping[str, GroupDecision | tuple[bool, str]]
    | Iterable[tuple[str, GroupDecision | tuple[bool, str]]]
)


def _normalise_decisions(
    decisions: DecisionInput, requested: Sequence[str]
) -> tuple[dict[str, GroupDecision], list[Problem]]:
    pairs = decisions.items() if isinstance(decisions, Mapping) else decisions
    result: dict[str, GroupDecision] = {}
    problems: list[Problem] = []
    for code, value in pairs:
        gd = value if isinstance(value, GroupDecision) else GroupDecision(*value)
        field = f"target_groups.{code}"
        if code in result:
            problems.append(Problem(field, f"Zielgruppe »{code}« mehrfach entschieden.", "A5"))
            continue
        if code not in requested:
            problems.append(
                Problem(field, f"Zielgruppe »{code}« wurde nicht beantragt.", "A5"),
            )
            continue
        if not gd.reason.strip():
            problems.append(
                Problem(
                    f"{field}.reason",
                    "Begründung fehlt"
                    + (
                        " (bei Zulassung: Bedarf des Trägers an der externen Expertise)."
                        if gd.admit
                        else "."
                    ),
                    "A5",
                )
            )
        result[code] = GroupDecision(gd.admit, gd.reason.strip())
    for code in requested:
        if code not in result and not any(p.field == f"target_groups.{code}" for p in problems):
            problems.append(
                Problem(
                    f"target_groups.{code}",
                    f"Über die beantragte Zielgruppe »{code}« ist nicht entschieden.",
                    "A5",
                )
            )
    return result, problems


def _override_problems(
    groups: Mapping[str, GroupDecision], findings: Sequence[Finding], overrides: Sequence[Override]
) -> list[Problem]:
    problems: list[Problem] = []
    for i, ov in enumerate(overrides):
        if ov.rule not in CRITERIA_RULES:
            problems.append(
                Problem(f"overrides[{i}].rule", f"Unbekannte Kriterienregel »{ov.rule}«.", "A5")
            )
        if not ov.reason.strip():
            problems.append(
                Problem(
                    f"overrides[{i}].reason",
                    "Eine Übersteuerung braucht eine Begründung.",
                    ov.rule if ov.rule in CRITERIA_RULES else "A5",
                )
            )
    valid = [ov for ov in overrides if ov.reason.strip()]
    admitted = {code for code, gd in groups.items() if gd.admit}
    for finding in findings:
        if finding.severity is not Severity.BLOCKING:
            continue
        relevant = finding.target_group in admitted if finding.target_group else bool(admitted)
        if relevant and not any(ov.covers(finding) for ov in valid):
            scope = (
                f" (Zielgruppe »{finding.target_group}« soll zugelassen werden)"
                if finding.target_group
                else ""
            )
            problems.append(
                Problem(
                    finding.field,
                    f"Blockierender Befund nach {finding.rule}{scope}: {finding.message} "
                    "Beheben oder mit Begründung übersteuern.",
                    finding.rule,
                )
            )
    return problems


def decide(
    application: ApplicationFacts,
    decisions: DecisionInput,
    findings: Sequence[Finding],
    overrides: Sequence[Override],
    lead_carrier: str,
    actor: Actor,
    now: datetime,
    *,
    reached_carriers: Mapping[str, Collection[str]] | None = None,
    periods: Periods = DEFAULT_PERIODS,
) -> DecisionOutcome:
    """A5–A8: the lead carrier's decision per target group.

    ``decisions`` maps each requested group to ``GroupDecision`` (or ``(admit, reason)``).
    Every requested group must be decided exactly once with a non-empty reason; a blocking
    finding of an admitted group (``target_group`` equal) or of the whole application
    (``target_group`` None, if any group is admitted) must be covered by an override with a
    reason. Otherwise ``InvalidInput`` lists every problem. Refusing every group refuses the
    application. Sites in the lead's region are admitted at once (A6); each site in another
    region awaits its follow-on admission by its responsible carrier (A7). Notices (A8) go to
    the affected carriers of the sites admitted now; ``reached_carriers`` maps a site id to the
    carriers of the districts its catchment reaches (see ``catchment_reaches``).
    """
    if actor.carrier != lead_carrier:
        raise Forbidden("Nur der federführende Träger entscheidet über den Antrag.", "A5")
    if application.status is not ApplicationStatus.SUBMITTED:
        raise IllegalTransition(application.status.value, "decide")
    groups, problems = _normalise_decisions(decisions, application.target_groups)
    problems += _override_problems(groups, findings, overrides)
    if problems:
        raise InvalidInput(problems)

    admitted = [code for code in application.target_groups if groups[code].admit]
    action = ApplicationAction.DECIDE_ADMIT if admitted else ApplicationAction.DECIDE_REFUSE
    new_status = transition(application.status, action)
    today = now.date()
    review = review_due_date(today, periods)

    admissions: list[Admission] = []
    tasks: list[FollowOnTask] = []
    for site in application.sites:
        own = site.responsible_carrier == lead_carrier
        for code in application.target_groups:
            if not groups[code].admit:
                status = transition(AS.PENDING, AA.REFUSE)
                admissions.append(Admission(site.id, code, status, site.responsible_carrier))
            elif own:
                status = transition(AS.PENDING, AA.ADMIT)
                admissions.append(
                    Admission(
                        site.id, code, status, site.responsible_carrier, lead_carrier, today, review
                    )
                )
            else:
                status = transition(AS.PENDING, AA.ADMIT_PENDING_FOLLOW_ON)
                admissions.append(Admission(site.id, code, status, site.responsible_carrier))
        if admitted and not own:
            tasks.append(
                FollowOnTask(
                    application.id, site.id, site.responsible_carrier, tuple(admitted), now
                )
            )

    decision = Decision(
        application.id, lead_carrier, actor.user_id, now, dict(groups), tuple(overrides)
    )
    ev = _event_factory(actor, now, application.id)
    events = [
        ev(
            f"target_group.{'admitted' if groups[c].admit else 'refused'}",
            f"Zielgruppe »{c}« {'zugelassen' if groups[c].admit else 'abgelehnt'}.",
            groups[c].reason,
            target_groups=(c,),
        )
        for c in application.target_groups
    ]
    events += [
        ev(
            "finding.overridden",
            f"Befunde nach {ov.rule} übersteuert"
            + (f" (Zielgruppe »{ov.target_group}«)" if ov.target_group else "")
            + ".",
            ov.reason.strip(),
        )
        for ov in overrides
    ]
    events += [
        ev(
            "follow_on.created",
            f"Folgezulassung für Standort durch {task.carrier} erforderlich.",
            None,
            site_id=task.site_id,
            target_groups=task.target_groups,
        )
        for task in tasks
    ]
    events.append(
        ev(
            f"application.{new_status.value}",
            "Antrag entschieden."
            if admitted
            else "Antrag abgelehnt: alle beantragten Zielgruppen abgelehnt.",
            None,
        )
    )

    now_admitted = [a for a in admissions if a.status is AS.ADMITTED]
    notices: tuple[NoticeSpec, ...] = ()
    if now_admitted:
        site_ids, lines = _site_lines(application, now_admitted)
        notices = _notices(
            application,
            site_ids,
            reached_carriers,
            f"{lead_carrier} hat »{application.provider_name}« am {_de(today)} zum Fallmanagement "
            f"zugelassen – {'; '.join(lines)}. Die Zulassung gilt für die Versicherten aller "
            "Träger (gegenseitige Anerkennung).",
            acting_carrier=lead_carrier,
        )
    return DecisionOutcome(
        new_status, decision, tuple(admissions), tuple(tasks), tuple(events), notices
    )


class _EventFactory(Protocol):
    def __call__(
        self,
        kind: str,
        what: str,
        why: str | None,
        *,
        site_id: str | None = None,
        target_groups: tuple[str, ...] = (),
    ) -> Event: ...


def _event_factory(actor: Actor, now: datetime, application_id: str) -> _EventFactory:
    def make(
        kind: str,
        what: str,
        why: str | None,
        *,
        site_id: str | None = None,
        target_groups: tuple[str, ...] = (),
    ) -> Event:
        return Event(
            kind=kind,
            actor=actor.user_id,
            carrier=actor.carrier,
            at=now,
            what=what,
            why=why,
            application_id=application_id,
            site_id=site_id,
            target_groups=target_groups,
        )

    return make


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
    ev = _event_factory(actor, now, application.id)
    events = (
        ev(
            "admission.follow_on_admitted",
            f"Standort von {task.carrier} auf Grundlage der Entscheidung des federführenden "
            "Trägers zugelassen.",
            None,
            site_id=task.site_id,
            target_groups=tuple(a.target_group for a in changed),
        ),
    )
    site_ids, lines = _site_lines(application, changed)
    notices = _notices(
        application,
        site_ids,
        reached_carriers,
        f"{task.carrier} hat »{application.provider_name}« am {_de(today)} zum Fallmanagement "
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
    ev = _event_factory(actor, now, application.id)
    site_ids, lines = _site_lines(application, changed)
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
    notices = _notices(
        application,
        site_ids,
        reached_carriers,
        f"{actor.carrier} hat die Zulassung von »{application.provider_name}« am {_de(today)} "
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
    ev = _event_factory(actor, now, application.id)
    events = (ev("application.withdrawn", "Antrag vom Anbieter zurückgezogen.", why),)
    notices: tuple[NoticeSpec, ...] = ()
    if visible:
        site_ids, lines = _site_lines(application, visible)
        notices = _notices(
            application,
            site_ids,
            reached_carriers,
            f"»{application.provider_name}« hat seine Zulassung am {_de(now.date())} "
            f"zurückgezogen – {'; '.join(lines)}. Begründung: {why}",
        )
    return LifecycleOutcome(
        _replace(admissions, changed), tuple(changed), events, notices, new_status
    )


# --------------------------------------------------------------------------- A9 additions

_ACTIVE = frozenset({AS.PENDING, AS.AWAITING_FOLLOW_ON, AS.ADMITTED, AS.SUSPENDED})


def check_additions(
    requested: Iterable[tuple[str, str]],
    existing: Mapping[tuple[str, str], AdmissionStatus],
) -> list[Problem]:
    """A9: a later application of an existing provider asks only for sites or target groups it
    does not hold yet. ``requested`` are (site id, target group) pairs of the new application
    (site ids of existing sites; new sites have new ids); ``existing`` the provider's current
    statuses. A pair that is already admitted, suspended, awaiting its follow-on or pending in
    another application is a problem; refused, revoked and withdrawn ones may be asked again.
    """
    problems = []
    for site_id, group in requested:
        status = existing.get((site_id, group))
        if status in _ACTIVE:
            assert status is not None
            problems.append(
                Problem(
                    f"sites.{site_id}.target_groups.{group}",
                    f"Für diesen Standort besteht für die Zielgruppe »{group}« bereits eine "
                    f"Zulassung oder ein offener Antrag (Status: {status.value}); ein neuer "
                    "Antrag gilt nur für zusätzliche Standorte oder Zielgruppen.",
                    "A9",
                )
            )
    return problems


# --------------------------------------------------------------------------- A12


def validate_announcement(
    announcement: Announcement,
    *,
    author_carrier: str,
    known_carriers: Collection[str],
    known_target_groups: Collection[str],
    districts: Mapping[str, DistrictRef],
    today: date,
) -> list[Problem]:
    """A12: a joint announcement names known carriers (the author's among them), known target
    groups, a region (districts or a state, not both) in which one of the carriers works
    (federal carriers work everywhere), a text, and an end date not in the past."""
    problems: list[Problem] = []

    def bad(field: str, message: str) -> None:
        problems.append(Problem(field, message, "A12"))

    ann = announcement
    if not ann.carriers:
        bad("carriers", "Mindestens ein Träger ist anzugeben.")
    for c in ann.carriers:
        if c not in known_carriers:
            bad("carriers", f"Unbekannter Träger »{c}«.")
    if ann.carriers and author_carrier not in ann.carriers:
        bad("carriers", "Der veröffentlichende Träger muss selbst zu den Trägern gehören.")
    if not ann.target_groups:
        bad("target_groups", "Mindestens eine Zielgruppe ist anzugeben.")
    for g in ann.target_groups:
        if g not in known_target_groups:
            bad("target_groups", f"Unbekannte Zielgruppe »{g}«.")
    if bool(ann.districts) == bool(ann.state):
        bad("districts", "Entweder Kreise oder ein Bundesland angeben.")
    federal = any(c in FEDERAL_CARRIERS for c in ann.carriers)
    region_keys: list[str] = []
    for key in ann.districts:
        if key not in districts:
            bad("districts", f"Unbekannter Kreis »{key}«.")
        else:
            region_keys.append(key)
    if ann.state:
        region_keys = [k for k, d in districts.items() if d.state == ann.state]
        if not region_keys:
            bad("state", f"Unbekanntes Bundesland »{ann.state}«.")
    if not federal and region_keys:
        outside = [k for k in region_keys if districts[k].responsible_carrier not in ann.carriers]
        if ann.districts and outside:
            bad("districts", "Kreise außerhalb der Region der Träger: " + ", ".join(outside) + ".")
        if ann.state and len(outside) == len(region_keys):
            bad("state", f"Keiner der Träger ist in »{ann.state}« zuständig.")
    if not ann.text.strip():
        bad("text", "Der Text der Bekanntmachung fehlt.")
    if ann.open_until < today:
        bad("open_until", "Das Enddatum liegt in der Vergangenheit.")
    return problems


def is_open(announcement: Announcement, today: date) -> bool:
    """A12: an announcement is open up to and including its ``open_until`` date."""
    return today <= announcement.open_until


__all__ = [
    "ADMISSION_TRANSITIONS",
    "APPLICATION_TRANSITIONS",
    "admit_follow_on",
    "affected_carriers",
    "age_days",
    "can_transition",
    "catchment_reaches",
    "change_admissions",
    "check_additions",
    "decide",
    "determine_lead",
    "ensure_version",
    "is_decision_overdue",
    "is_follow_on_overdue",
    "is_open",
    "review_admissions",
    "review_due_date",
    "site_status",
    "transition",
    "validate_announcement",
    "validate_application",
    "withdraw_application",
]
