"""Admission criteria Q0–Q8 (docs/rules.md §6): the pre-check of an application.

``check_application`` returns the findings of an application; ``recheck_staff`` re-runs the staff
rules after a change of case managers (A15). Pure functions, standard library only.

Severities (Q0). Each rule has a default severity (``DEFAULT_SEVERITIES``); a carrier may set
another for the applications it leads. A finding whose own nature differs from its rule's default
keeps it: within blocking rules, the parts the sources make "soll" or leave to the officer are
always advisory (Q2 provisional count, Q3 comparable qualification and training in progress,
Q5 public transport, Q8 checklist). Every other finding takes the carrier's severity for its rule.
The effective severity is recorded on each finding.

The checks by rule group: ``organisation_criteria`` (Q1, Q5, Q6) and ``staff_criteria``
(Q2–Q4, Q8), over ``criteria_catalogue`` (the fixed lists, the default severities, the finding
maker).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from registry.admission.criteria_catalogue import FindingMaker
from registry.admission.model import (
    CRITERIA_RULES,
    DEFAULT_PERIODS,
    ApplicationFacts,
    CaseManagerFacts,
    Finding,
    Periods,
    Severity,
)
from registry.admission.organisation_criteria import (
    ConceptItem,
    check_concept,
    check_organisation,
    check_sites,
)
from registry.admission.staff_criteria import check_staff, check_target_groups

# --------------------------------------------------------------------------- entry points


def check_application(
    facts: ApplicationFacts,
    severities: Mapping[str, Severity | str] | None,
    concept_sections: Sequence[str | ConceptItem],
    today: date,
    periods: Periods = DEFAULT_PERIODS,
    deciding_carrier: str = "",
) -> list[Finding]:
    """Q1–Q8: all findings of an application, in rule order (Q7: the same checks for every
    provider; nothing depends on who the provider is). ``deciding_carrier``: the lead carrier's
    name, which the Q8 checklist names as the one who judges it.

    ``severities`` are the lead carrier's settings (Q0; ``None``: defaults);
    ``concept_sections`` the concept items (codes, or items with ``code``, ``label`` and
    ``rule``: the reference data's ``concept_sections``; Q1 required, Q8 advisory);
    ``today`` dates the training deadlines of Q3.
    """
    make = FindingMaker(severities)
    findings = [
        *check_concept(facts.concept, concept_sections, make),
        *check_staff(facts.case_managers, today, make, periods),
        *check_sites(facts.sites, make),
        *check_organisation(facts.organisation, make),
        *check_target_groups(
            facts.target_groups,
            facts.case_managers,
            make,
            facts.competences_confirmed,
            deciding_carrier,
        ),
    ]
    order = {rule: i for i, rule in enumerate(CRITERIA_RULES)}
    return sorted(findings, key=lambda fd: order[fd.rule])


def recheck_staff(
    case_managers: Sequence[CaseManagerFacts],
    target_groups: Sequence[str],
    previous: Iterable[Finding],
    today: date,
    severities: Mapping[str, Severity | str] | None = None,
    periods: Periods = DEFAULT_PERIODS,
) -> list[Finding]:
    """A15: re-run Q2–Q4 and Q8 for one admission (its target groups) after a staff change and
    return only the blocking findings that were not among ``previous`` (compared by rule, check,
    subject and target group). Each becomes a task for the lead carrier; nothing is suspended."""
    make = FindingMaker(severities)
    current = [
        *check_staff(case_managers, today, make, periods),
        *check_target_groups(target_groups, case_managers, make),
    ]
    known = {fd.identity for fd in previous}
    return [fd for fd in current if fd.severity is Severity.BLOCKING and fd.identity not in known]
