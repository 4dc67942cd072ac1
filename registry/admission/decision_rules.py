"""The lead carrier's decision on an application (docs/rules.md §5, A5–A8): every requested
target group decided with a reason, blocking findings overridden with a reason, sites in the lead's
region admitted at once and follow-on tasks for the others. Pure; no I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime

from registry.admission.deadlines import review_due_date
from registry.admission.effects import event_factory, notices_for, site_lines
from registry.admission.model import (
    CRITERIA_RULES,
    DEFAULT_PERIODS,
    Actor,
    Admission,
    ApplicationAction,
    ApplicationFacts,
    ApplicationStatus,
    Decision,
    DecisionOutcome,
    Finding,
    FollowOnTask,
    GroupDecision,
    NoticeSpec,
    Override,
    Periods,
    Severity,
)
from registry.admission.status_rules import AA, AS, transition
from registry.dates import german as _de
from registry.errors import Forbidden, IllegalTransition, InvalidInput, Problem
from registry.words import carrier_name, group_label

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
            problems.append(
                Problem(field, f"Zielgruppe »{group_label(code)}« mehrfach entschieden.", "A5")
            )
            continue
        if code not in requested:
            problems.append(
                Problem(field, f"Zielgruppe »{group_label(code)}« wurde nicht beantragt.", "A5"),
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
                    f"Über die beantragte Zielgruppe »{group_label(code)}« ist nicht entschieden.",
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
                f" (Zielgruppe »{group_label(finding.target_group)}« soll zugelassen werden)"
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
    ev = event_factory(actor, now, application.id)
    events = [
        ev(
            f"target_group.{'admitted' if groups[c].admit else 'refused'}",
            f"Zielgruppe »{group_label(c)}« {'zugelassen' if groups[c].admit else 'abgelehnt'}.",
            groups[c].reason,
            target_groups=(c,),
        )
        for c in application.target_groups
    ]
    events += [
        ev(
            "finding.overridden",
            "Blockierenden Befund übersteuert"
            + (f" (Zielgruppe »{group_label(ov.target_group)}«)" if ov.target_group else "")
            + ".",
            ov.reason.strip(),
        )
        for ov in overrides
    ]
    events += [
        ev(
            "follow_on.created",
            f"Folgezulassung für Standort durch {carrier_name(task.carrier)} erforderlich.",
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
        site_ids, lines = site_lines(application, now_admitted)
        notices = notices_for(
            application,
            site_ids,
            reached_carriers,
            f"{carrier_name(lead_carrier)} hat »{application.provider_name}« am {_de(today)} "
            "zum Fallmanagement "
            f"zugelassen – {'; '.join(lines)}. Die Zulassung gilt für die Versicherten aller "
            "Träger (gegenseitige Anerkennung).",
            acting_carrier=lead_carrier,
        )
    return DecisionOutcome(
        new_status, decision, tuple(admissions), tuple(tasks), tuple(events), notices
    )
