"""Admission criteria Q0–Q8 (docs/rules.md §6): the pre-check of an application.

``check_application`` returns the findings of an application; ``recheck_staff`` re-runs the staff
rules after a change of case managers (A15). Pure functions, standard library only.

Severities (Q0). Each rule has a default severity (``DEFAULT_SEVERITIES``); a carrier may set
another for the applications it leads. A finding whose own nature differs from its rule's default
keeps it: within blocking rules, the parts the sources make "soll" or leave to the officer are
always advisory (Q2 provisional count, Q3 comparable qualification and training in progress,
Q5 public transport, Q8 checklist). Every other finding takes the carrier's severity for its rule.
The effective severity is recorded on each finding.

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

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from registry.admission.model import (
    CRITERIA_RULES,
    DEFAULT_PERIODS,
    ApplicationFacts,
    CaseManagerFacts,
    Certificate,
    Degree,
    Finding,
    OrganisationFacts,
    Periods,
    Severity,
    SiteFacts,
)
from registry.dates import add_months
from registry.dates import german as _de
from registry.errors import InvalidInput, Problem

B = Severity.BLOCKING
A = Severity.ADVISORY

DEFAULT_SEVERITIES: Mapping[str, Severity] = {
    "Q1": B,
    "Q2": B,
    "Q3": B,
    "Q4": A,
    "Q5": B,
    "Q6": B,
    "Q8": B,
}
"""Q0: the default severity of each criteria rule (Q7 has no findings of its own)."""

CONCEPT_SECTIONS: tuple[tuple[str, str], ...] = (
    ("provider", "Leistungserbringer"),
    ("legal-form", "Rechtsform"),
    ("addresses", "Adresse von Hauptsitz und Standorten"),
    ("catchment-area", "Geographisches Einzugsgebiet"),
    ("cooperation", "Kooperationen und Vernetzung"),
    ("organisation", "Konzept der Einrichtung, Organisation und Leistungsangebot"),
    ("goals-target-groups", "Ziele und Zielgruppen des Fallmanagements"),
    (
        "implementation",
        "Durchführung: Methoden, Struktur, Umfang, Begleitung im Betrieb, "
        "Kooperation mit Reha-Einrichtung und Träger",
    ),
    ("reachability", "Kommunikationswege und Erreichbarkeit der Fallmanager*innen"),
    ("crisis-intervention", "Krisenintervention und Notfallmanagement"),
    ("experience", "Bisherige Erfahrungen mit Fallmanagement"),
    ("rooms", "Ort der Beratungsgespräche und Räumlichkeiten"),
    ("documentation", "Dokumentation"),
    ("staff-qualifications", "Qualifikation des Personals"),
    ("disability-competence", "Kompetenzen in der Betreuung von Menschen mit Behinderungen"),
    (
        "quality-assurance",
        "Qualitätssicherung (Supervision, Fortbildungen, Abbruchanalysen)",
    ),
    ("data-protection", "Datenschutz"),
    ("bar-standards", "Einhaltung der trägerübergreifenden Beratungsstandards der BAR"),
    ("caseload", "Betreuungsschlüssel und Fallaufkommen"),
    ("in-person-counselling", "Beratung vorzugsweise in Präsenz"),
)
"""Q1: the sections a concept must cover (code, German label); DRV Nord §8.1, Rahmenkonzept
§5.2. ``GET /concept-sections`` lists them."""

CONCEPT_SECTION_CODES: tuple[str, ...] = tuple(code for code, _ in CONCEPT_SECTIONS)
_SECTION_LABELS = dict(CONCEPT_SECTIONS)

COMPETENCE_GROUPS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Fachliche und methodische Kenntnisse",
        (
            ("labour-market", "Arbeitsmarktkenntnisse"),
            ("vocational-knowledge", "berufskundliche Kenntnisse"),
            ("social-law", "sozialrechtliche Kenntnisse"),
            (
                "participation-benefits",
                "Kenntnisse über Zugangsvoraussetzungen und -wege sowie Inhalte der Leistungen "
                "zur Teilhabe der Sozialleistungsträger",
            ),
            (
                "communication-methods",
                "methodische Kenntnisse von Kommunikation, Gesprächsführung und Moderation",
            ),
            (
                "clinical-pictures",
                "Grundkenntnisse der Krankheitsbilder der zu betreuenden Menschen "
                "(wünschenswert: Reha-Erfahrung)",
            ),
        ),
    ),
    (
        "Vernetzung",
        (
            ("care-structures", "Kenntnis der Versorgungsstrukturen und -angebote"),
            (
                "specialist-contacts",
                "Kontakte zu Fachärzt*innen, Psychotherapeut*innen und Beratungsstellen",
            ),
            ("jobcenter-contacts", "Kontakte zur Agentur für Arbeit und zum Jobcenter"),
            (
                "occupational-health-contacts",
                "Kontakte zu betriebsärztlichen Diensten und Arbeitgebenden",
            ),
            (
                "workplace-representation-contacts",
                "Kontakte zu betrieblichen Schwerbehindertenvertretungen, Betriebs- und "
                "Personalräten",
            ),
            (
                "benefit-carrier-contacts",
                "Kontakte zu den Sozialleistungsträgern und deren Beratungsstellen",
            ),
            ("self-help-contacts", "Kontakte zu regionalen Kontaktstellen der Selbsthilfe"),
        ),
    ),
    (
        "Soziale Kompetenzen",
        (
            ("communication-skills", "Kommunikationsfähigkeit und Kontaktfreude"),
            ("negotiation", "Verhandlungsgeschick"),
            ("boundaries", "Abgrenzungs- und Distanzierungsfähigkeit"),
            ("objective-judgement", "objektives Urteilsvermögen"),
            ("conflict-skills", "Konfliktfähigkeit"),
            ("compromise", "Kompromissfähigkeit"),
            ("accepting-criticism", "Kritikfähigkeit"),
            ("openness-honesty", "Offenheit und Ehrlichkeit"),
            ("transparency", "transparente Arbeitsweise"),
            ("empathy", "Empathie"),
            ("intercultural-sensitivity", "interkulturelle Sensibilität"),
            ("structured-work", "selbstständige, flexible und strukturierte Arbeitsweise"),
            ("pragmatism", "Pragmatismus"),
            ("expression", "gute schriftliche und mündliche Ausdrucksweise"),
            ("flexibility", "Flexibilität hinsichtlich der Arbeitszeit und der Arbeitsumgebung"),
            ("creativity", "Kreativität"),
            ("reliability", "Zuverlässigkeit"),
            ("counselling-experience", "Beratungserfahrung"),
        ),
    ),
)
"""Q8: the knowledge and competences DRV Nord's Fachkonzept §8.3 expects of every case manager,
in full and in its three groups (group label, (code, German label)): an advisory checklist for
the officer, who judges them from the described experience and the evidence."""

COMPETENCE_CHECKLIST: tuple[tuple[str, str], ...] = tuple(
    item for _, items in COMPETENCE_GROUPS for item in items
)
"""Q8: every item of the §8.3 checklist (code, German label)."""

PATH_A_DEGREES = frozenset(
    {Degree.SOCIAL_WORK, Degree.SOCIAL_PEDAGOGY, Degree.PEDAGOGY, Degree.PSYCHOLOGY}
)
RECOGNISED_CERTIFICATES = frozenset(
    {
        Certificate.DRV_CURRICULUM,
        Certificate.CASE_MANAGER_DGCC,
        Certificate.CASE_MANAGER_DGCC_PARTICIPATION,
        Certificate.DISABILITY_MANAGER_DGUV,
    }
)
PATH_B_UNIT_EXEMPT = frozenset(
    {Certificate.CASE_MANAGER_DGCC, Certificate.DISABILITY_MANAGER_DGUV, Certificate.DRV_CURRICULUM}
)

_ORGANISATION_ITEMS: tuple[tuple[str, str], ...] = (
    (
        "documentation_system",
        "ein standardisiertes Dokumentationssystem (digitale Teilnehmendenakte)",
    ),
    ("data_protection", "Datenschutz und IT-Sicherheit (§ 78 SGB X, § 35 SGB I)"),
    ("confidentiality_commitments", "unterschriebene Verpflichtungen zur Verschwiegenheit"),
    ("quality_management", "ein internes Qualitätsmanagement"),
    ("complaints_system", "ein Beschwerdesystem"),
)


class Standing(StrEnum):
    QUALIFIED = "qualified"
    PROVISIONAL = "provisional"
    NOT_QUALIFIED = "not_qualified"


@dataclass(frozen=True)
class CaseManagerAssessment:
    case_manager: CaseManagerFacts
    standing: Standing
    findings: tuple[Finding, ...]


# --------------------------------------------------------------------------- severities


def effective_severities(settings: Mapping[str, Severity | str] | None) -> dict[str, Severity]:
    """Q0: the carrier's settings over the defaults; an omitted rule takes its default.

    Raises ``InvalidInput`` for an unknown rule or severity (for the profile ``PUT``).
    """
    result = dict(DEFAULT_SEVERITIES)
    problems: list[Problem] = []
    for rule, value in (settings or {}).items():
        if rule not in DEFAULT_SEVERITIES:
            problems.append(
                Problem(f"criteria.{rule}", f"Unbekannte Kriterienregel »{rule}«.", "Q0")
            )
            continue
        try:
            result[rule] = Severity(value)
        except ValueError:
            problems.append(
                Problem(
                    f"criteria.{rule}",
                    f"Schweregrad »{value}« ist unbekannt (erlaubt: blocking, advisory).",
                    "Q0",
                )
            )
    if problems:
        raise InvalidInput(problems)
    return result


class _Maker:
    """Builds findings with the effective severity (Q0) for one check run."""

    def __init__(self, severities: Mapping[str, Severity | str] | None) -> None:
        self.severities = effective_severities(severities)

    def __call__(
        self,
        rule: str,
        code: str,
        nature: Severity,
        message: str,
        field: str,
        *,
        target_group: str | None = None,
        subject: str | None = None,
        due_on: date | None = None,
    ) -> Finding:
        severity = self.severities[rule] if nature is DEFAULT_SEVERITIES[rule] else nature
        return Finding(
            rule=rule,
            code=code,
            severity=severity,
            message=message,
            field=field,
            target_group=target_group,
            subject=subject,
            due_on=due_on,
        )


# --------------------------------------------------------------------------- Q1, Q5, Q6


class ConceptItem(Protocol):
    """An item of the concept as reference data holds it (``registry.reference.ConceptSection``)."""

    @property
    def code(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def rule(self) -> str: ...


def check_concept(
    concept: Mapping[str, str], sections: Sequence[str | ConceptItem], make: _Maker
) -> list[Finding]:
    """Q1: every required concept section present and non-empty; a missing one is blocking.
    Q8: an advisory item (``rule`` Q8: Personenkontinuität, material equipment, no legal advice
    and no therapeutic tasks; Rahmenkonzept §5.2, Fachkonzept §8.3) missing is advisory."""
    findings = []
    for section in sections:
        if isinstance(section, str):
            code, label, rule = section, _SECTION_LABELS.get(section, section), "Q1"
        else:
            code, label, rule = section.code, section.label, section.rule
        if (concept.get(code) or "").strip():
            continue
        if rule == "Q8":
            findings.append(
                make(
                    "Q8",
                    "concept-item-missing",
                    A,
                    f"Das Konzept sollte darlegen: {label}.",
                    f"concept.{code}",
                    subject=code,
                )
            )
            continue
        findings.append(
            make(
                "Q1",
                "concept-section-missing",
                B,
                f"Das Konzept behandelt den Punkt »{label}« nicht (Abschnitt fehlt oder ist leer).",
                f"concept.{code}",
                subject=code,
            )
        )
    return findings


def check_sites(sites: Sequence[SiteFacts], make: _Maker) -> list[Finding]:
    """Q5: rooms for individual talks and for relatives (blocking); public transport (advisory,
    not for outreach-only sites)."""
    findings = []
    for i, site in enumerate(sites):
        if not site.rooms_for_individual_talks:
            findings.append(
                make(
                    "Q5",
                    "rooms-individual-missing",
                    B,
                    f"Standort »{site.name}«: Es fehlen der Zielgruppe angemessene Räume für "
                    "Einzelgespräche.",
                    f"sites[{i}].rooms_for_individual_talks",
                    subject=site.id,
                )
            )
        if not site.rooms_for_relatives:
            findings.append(
                make(
                    "Q5",
                    "rooms-relatives-missing",
                    B,
                    f"Standort »{site.name}«: Es fehlen Räume für Gespräche mit Angehörigen "
                    "oder Bezugspersonen.",
                    f"sites[{i}].rooms_for_relatives",
                    subject=site.id,
                )
            )
        if not site.public_transport and not site.outreach_only:
            findings.append(
                make(
                    "Q5",
                    "public-transport-missing",
                    A,
                    f"Standort »{site.name}«: Der Beratungsort sollte mit öffentlichen "
                    "Verkehrsmitteln erreichbar sein.",
                    f"sites[{i}].public_transport",
                    subject=site.id,
                )
            )
    return findings


def check_organisation(organisation: OrganisationFacts, make: _Maker) -> list[Finding]:
    """Q6: each missing organisation item is blocking."""
    return [
        make(
            "Q6",
            f"{name}-missing",
            B,
            f"Nachweis fehlt: {label}.",
            f"organisation.{name}",
        )
        for name, label in _ORGANISATION_ITEMS
        if not getattr(organisation, name)
    ]


# --------------------------------------------------------------------------- Q2–Q4


def assess_case_manager(
    cm: CaseManagerFacts,
    index: int,
    today: date,
    make: _Maker,
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
    make: _Maker,
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
                f"Nur {qualified} Fallmanager*in(nen) voll qualifiziert; die geforderten zwei "
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
    make: _Maker,
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
                f"Zielgruppe »{group}«: Keine Fallmanager*in mit besonderer Kompetenz für diese "
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
    make = _Maker(severities)
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
    make = _Maker(severities)
    current = [
        *check_staff(case_managers, today, make, periods),
        *check_target_groups(target_groups, case_managers, make),
    ]
    known = {fd.identity for fd in previous}
    return [fd for fd in current if fd.severity is Severity.BLOCKING and fd.identity not in known]
