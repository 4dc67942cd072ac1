"""The catalogue of the admission criteria (docs/rules.md §6): default severities (Q0), the
concept sections (Q1), the competence checklist (Q8), the recognised degrees and certificates
(Q2–Q4), the organisation items (Q6), and the finding maker that gives each finding its effective
severity (Q0). Pure; standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from registry.admission.model import Certificate, Degree, Finding, Severity
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
SECTION_LABELS = dict(CONCEPT_SECTIONS)

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

ORGANISATION_ITEMS: tuple[tuple[str, str], ...] = (
    (
        "documentation_system",
        "ein standardisiertes Dokumentationssystem (digitale Teilnehmendenakte)",
    ),
    ("data_protection", "Datenschutz und IT-Sicherheit (§ 78 SGB X, § 35 SGB I)"),
    ("confidentiality_commitments", "unterschriebene Verpflichtungen zur Verschwiegenheit"),
    ("quality_management", "ein internes Qualitätsmanagement"),
    ("complaints_system", "ein Beschwerdesystem"),
)


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


class FindingMaker:
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
