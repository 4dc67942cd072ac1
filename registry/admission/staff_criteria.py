"""Admission criteria of the staff (docs/rules.md §6): the qualification and count of case
managers (Q2–Q4) and the coverage of the requested target groups (Q8). Pure.

Qualification (Q2–Q4), *(design decisions)*:

* A case manager is **qualified** when path A is met (degree in social work, social pedagogy,
  pedagogy or psychology; >= 2 years of counselling after it; psychology also >= 40 units social
  law) and a recognised case-management certificate is held (``drv-curriculum``,
  ``case-manager-dgcc``, ``case-manager-dgcc-participation``, ``disability-manager-dguv``).
* **Provisionally qualified**: nothing is missing, but the officer must judge something: path B
  (Q4), a ``comparable`` certificate, a new case manager (joined less than 12 months ago) whose
  training has not started yet, or case-management training started and not yet overdue
  (Rahmenkonzept §4.1).
* Everyone else is **not qualified**. A path A degree is judged by path A only (no fallback to
  path B). The case-management qualification is required on both paths (Rahmenkonzept §4.1,
  §5.2). Path B's 240-unit requirement is waived for holders of ``case-manager-dgcc``,
  ``disability-manager-dguv`` or ``drv-curriculum`` (certified case manager or equivalent).
* Q2 counts: two qualified case managers satisfy it; if only qualified plus provisionally
  qualified ones reach two, Q2 gives an advisory finding (the count holds only if the officer
  accepts them); fewer than two otherwise is a Q2 finding at the rule's severity (default
  blocking).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from registry.admission.criteria_catalogue import (
    COMPETENCE_GROUPS,
    PATH_A_DEGREES,
    PATH_B_UNIT_EXEMPT,
    RECOGNISED_CERTIFICATES,
    A,
    B,
    FindingMaker,
)
from registry.admission.model import (
    DEFAULT_PERIODS,
    CaseManagerFacts,
    Certificate,
    Degree,
    Finding,
    Periods,
    Severity,
)
from registry.dates import add_months
from registry.dates import german as _de
from registry.words import count, group_label


class Standing(StrEnum):
    QUALIFIED = "qualified"
    PROVISIONAL = "provisional"
    NOT_QUALIFIED = "not_qualified"


@dataclass(frozen=True)
class CaseManagerAssessment:
    case_manager: CaseManagerFacts
    standing: Standing
    findings: tuple[Finding, ...]


# --------------------------------------------------------------------------- Q2–Q4


def assess_case_manager(
    cm: CaseManagerFacts,
    index: int,
    today: date,
    make: FindingMaker,
    periods: Periods = DEFAULT_PERIODS,
) -> CaseManagerAssessment:
    """Q3/Q4: one case manager's findings and standing (see the module docstring)."""
    f = f"case_managers[{index}]"
    who = cm.name
    out: list[tuple[Severity, Finding]] = []  # (nature, finding)

    def add(
        rule: str, code: str, nature: Severity, msg: str, fld: str, due_on: date | None = None
    ) -> None:
        out.append((nature, make(rule, code, nature, msg, fld, subject=cm.key, due_on=due_on)))

    certs = set(cm.certificates)
    if cm.degree in PATH_A_DEGREES:
        if cm.counselling_years < 2:
            add(
                "Q3",
                "path-a-experience",
                B,
                f"{who}: Nach dem Studium sind mindestens 2 Jahre Beratungserfahrung "
                f"erforderlich (angegeben: {cm.counselling_years:g}).",
                f"{f}.counselling_years",
            )
        if cm.degree is Degree.PSYCHOLOGY and cm.social_law_units < 40:
            add(
                "Q3",
                "path-a-social-law",
                B,
                f"{who}: Ein Psychologiestudium erfordert zusätzlich mindestens 40 "
                f"Unterrichtseinheiten Sozialrecht (angegeben: {cm.social_law_units}).",
                f"{f}.social_law_units",
            )
    else:
        missing_b = False
        if cm.counselling_years < 5:
            missing_b = True
            add(
                "Q3",
                "path-b-experience",
                B,
                f"{who}: Ohne Studium der Sozialarbeit, Sozialpädagogik, Pädagogik oder "
                "Psychologie (Weg A) sind nach Weg B mindestens 5 Jahre vergleichbare "
                f"Beratungserfahrung erforderlich (angegeben: {cm.counselling_years:g}).",
                f"{f}.counselling_years",
            )
        if not certs & PATH_B_UNIT_EXEMPT:
            for code, fld, have, need, label in (
                ("path-b-units-total", "total_units", cm.total_units, 240, "insgesamt"),
                (
                    "path-b-units-counselling",
                    "counselling_units",
                    cm.counselling_units,
                    160,
                    "Beratungskompetenz",
                ),
                (
                    "path-b-units-social-law",
                    "social_law_units",
                    cm.social_law_units,
                    40,
                    "Sozialrecht",
                ),
            ):
                if have < need:
                    missing_b = True
                    add(
                        "Q3",
                        code,
                        B,
                        f"{who}: Weg B erfordert mindestens {need} Unterrichtseinheiten "
                        f"{label} (angegeben: {have}), sofern kein Zertifikat als Case "
                        "Manager*in oder Disability Manager*in vorliegt.",
                        f"{f}.{fld}",
                    )
        if not missing_b:
            add(
                "Q4",
                "path-b",
                A,
                f"{who}: Qualifikation nach Weg B (anderer Abschluss, Berufsausbildung oder "
                "Weiterbildung) – Zulassung nur im Einzelfall, die Sachbearbeitung entscheidet.",
                f"{f}.degree",
            )

    # Case-management qualification, required on both paths (Q3).
    if not certs & RECOGNISED_CERTIFICATES:
        if Certificate.COMPARABLE in certs:
            add(
                "Q3",
                "cm-comparable",
                A,
                f"{who}: Eine vergleichbare Fallmanagement-Qualifikation ist angegeben – die "
                "Sachbearbeitung prüft die Gleichwertigkeit.",
                f"{f}.certificates",
            )
        else:
            _training(cm, f, today, periods, add)

    natures = {nature for nature, _ in out}
    if B in natures:
        standing = Standing.NOT_QUALIFIED
    elif A in natures:
        standing = Standing.PROVISIONAL
    else:
        standing = Standing.QUALIFIED
    return CaseManagerAssessment(cm, standing, tuple(fd for _, fd in out))


def _training(
    cm: CaseManagerFacts, f: str, today: date, periods: Periods, add: Callable[..., None]
) -> None:
    """Q3: no certificate yet (Rahmenkonzept §4.1, docs/rules.md Q3).

    * Training not started, joined less than ``training_start_months`` ago: advisory, with the
      date by which the training must start and whether the provider confirms the intensive
      introduction (recommended in a tandem); new staff may work before the training.
    * Training started: advisory, with the date by which it must be completed
      (``training_completion_months`` after its start); past that date it is blocking.
    * Not started and joined ``training_start_months`` or more ago, or no joining date: blocking.
    """
    who = cm.name
    missing = (
        f"{who}: Es fehlt eine Fallmanagement-Qualifikation (DRV-Weiterbildung »Fallmanagement "
        "in der Rehabilitation«, DGCC-Zertifikat oder -Teilnahmebescheinigung, DGUV Disability "
        "Manager*in oder vergleichbar)."
    )
    start = cm.training_started_on
    latest_start = add_months(cm.joined_on, periods.training_start_months) if cm.joined_on else None
    if start is None or start > today:
        if latest_start is None:
            add(
                "Q3",
                "cm-qualification-missing",
                B,
                missing + " Ohne Eintrittsdatum lässt sich die Übergangszeit für neue "
                "Mitarbeitende nicht prüfen.",
                f"{f}.certificates",
            )
        elif today < latest_start:
            introduction = (
                "Der Anbieter bestätigt die intensive Einführung (empfohlen im Tandem)."
                if cm.introduction_confirmed
                else "Der Anbieter hat die intensive Einführung (empfohlen im Tandem) nicht "
                "bestätigt."
            )
            add(
                "Q3",
                "cm-training-not-yet-started",
                A,
                f"{who}: Neu seit {_de(cm.joined_on or today)} und noch ohne "
                "Fallmanagement-Qualifikation; die Weiterbildung muss spätestens am "
                f"{_de(latest_start)} beginnen. {introduction}",
                f"{f}.introduction_confirmed",
                due_on=latest_start,
            )
        else:
            add(
                "Q3",
                "cm-qualification-missing",
                B,
                missing + f" Seit dem Eintritt ({_de(cm.joined_on or today)}) sind mehr als "
                f"{periods.training_start_months} Monate vergangen, ohne dass die Weiterbildung "
                "begonnen hat.",
                f"{f}.certificates",
                due_on=latest_start,
            )
        return
    due = add_months(start, periods.training_completion_months)
    if today > due:
        add(
            "Q3",
            "cm-training-overdue",
            B,
            f"{who}: Die Fallmanagement-Weiterbildung (begonnen am {_de(start)}) hätte bis "
            f"{_de(due)} abgeschlossen sein müssen; ein Abschluss ist nicht nachgewiesen.",
            f"{f}.certificates",
            due_on=due,
        )
        return
    late = (
        f" Sie begann später als {periods.training_start_months} Monate nach dem Eintritt "
        f"({_de(cm.joined_on)})."
        if cm.joined_on is not None and latest_start is not None and start > latest_start
        else ""
    )
    add(
        "Q3",
        "cm-training-in-progress",
        A,
        f"{who}: Fallmanagement-Weiterbildung läuft seit {_de(start)}; der Abschluss ist bis "
        f"{_de(due)} nachzuweisen.{late}",
        f"{f}.training_started_on",
        due_on=due,
    )


def check_staff(
    case_managers: Sequence[CaseManagerFacts],
    today: date,
    make: FindingMaker,
    periods: Periods = DEFAULT_PERIODS,
) -> list[Finding]:
    """Q2–Q4: each case manager's qualification, then the count of qualified ones."""
    assessments = [
        assess_case_manager(cm, i, today, make, periods) for i, cm in enumerate(case_managers)
    ]
    findings = [fd for a in assessments for fd in a.findings]
    qualified = sum(a.standing is Standing.QUALIFIED for a in assessments)
    provisional = sum(a.standing is Standing.PROVISIONAL for a in assessments)
    if qualified >= 2:
        return findings
    if qualified + provisional >= 2:
        findings.append(
            make(
                "Q2",
                "qualified-count-provisional",
                A,
                f"Nur {count(qualified, 'Fallmanager*in', 'Fallmanager*innen')} voll "
                "qualifiziert; die geforderten zwei "
                "kommen nur zustande, wenn die Sachbearbeitung die Qualifikation im Einzelfall "
                f"von {provisional} weiteren anerkennt.",
                "case_managers",
            )
        )
    else:
        findings.append(
            make(
                "Q2",
                "qualified-count",
                B,
                "Mindestens zwei qualifizierte Fallmanager*innen sind erforderlich (Vertretung "
                f"bei Krankheit und Urlaub); qualifiziert: {qualified}, im Einzelfall "
                f"anerkennbar: {provisional}.",
                "case_managers",
            )
        )
    return findings


# --------------------------------------------------------------------------- Q8


def covering_case_managers(
    case_managers: Iterable[CaseManagerFacts], target_group: str
) -> list[CaseManagerFacts]:
    """Q8: case managers named for the group with non-empty competence evidence."""
    return [
        cm
        for cm in case_managers
        if target_group in cm.target_groups and cm.competence_evidence.strip()
    ]


def check_target_groups(
    target_groups: Sequence[str],
    case_managers: Sequence[CaseManagerFacts],
    make: FindingMaker,
    competences_confirmed: Collection[str] | None = None,
    deciding_carrier: str = "",
) -> list[Finding]:
    """Q8: per requested group a blocking finding when no case manager covers it with evidence;
    plus the advisory checklist of DRV Nord §8.3 (only if ``competences_confirmed`` is given),
    naming who judges it: ``deciding_carrier``, the lead carrier's name."""
    findings = []
    for group in target_groups:
        if covering_case_managers(case_managers, group):
            continue
        named = [cm.name for cm in case_managers if group in cm.target_groups]
        hint = (
            f" Benannt, aber ohne Nachweis: {', '.join(named)}."
            if named
            else " Niemand ist für diese Zielgruppe benannt."
        )
        findings.append(
            make(
                "Q8",
                "target-group-uncovered",
                B,
                f"Zielgruppe »{group_label(group)}«: Keine Fallmanager*in mit besonderer "
                "Kompetenz für diese "
                "Zielgruppe und Nachweis (Weiterbildung, Erfahrung) benannt." + hint,
                "case_managers",
                target_group=group,
            )
        )
    if competences_confirmed is not None:
        groups = []
        for group, items in COMPETENCE_GROUPS:
            open_items = [label for code, label in items if code not in competences_confirmed]
            if open_items:
                groups.append(f"{group}: " + ", ".join(open_items))
        if groups:
            findings.append(
                make(
                    "Q8",
                    "competence-checklist",
                    A,
                    (
                        f"Die {deciding_carrier} prüft als entscheidender Träger"
                        if deciding_carrier
                        else "Bitte prüfen Sie"
                    )
                    + " anhand der beschriebenen Erfahrungen und der Nachweise, ob die "
                    "Fallmanager*innen über diese Kenntnisse und Kompetenzen verfügen (DRV Nord "
                    "Fachkonzept §8.3). " + "; ".join(groups) + ".",
                    "case_managers",
                )
            )
    return findings
