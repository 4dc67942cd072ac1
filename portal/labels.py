"""German labels for the codes the services return (docs/rules.md §2 terms, plain language)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from registry import dates, words
from registry.auth import ROLE_LABELS, Role

APPLICATION_STATUS = {
    "submitted": "eingereicht – Entscheidung ausstehend",
    "decided": "entschieden",
    "refused": "abgelehnt",
    "withdrawn": "zurückgezogen",
}

ADMISSION_STATUS = {
    "pending": "offen",
    "awaiting_follow_on": "wartet auf Folgezulassung",
    "admitted": "zugelassen",
    "suspended": "ruhend",
    "revoked": "widerrufen",
    "withdrawn": "zurückgezogen",
    "refused": "abgelehnt",
}

COUNSELLING_MODES = words.COUNSELLING_MODES


def counselling_modes(details: Mapping[str, Any]) -> list[str]:
    modes = details.get("counselling_modes") or {}
    return [label for code, label in COUNSELLING_MODES.items() if modes.get(code)]


SEVERITY = {"blocking": "blockierend", "advisory": "Hinweis"}

#: Q0: what each criteria rule checks (the national severity setting shows these, not codes)
CRITERIA_RULES = {
    "Q1": "Vollständiges Konzept",
    "Q2": "Mindestens zwei qualifizierte Fallmanager*innen",
    "Q3": "Qualifikation (Studium, Beratungserfahrung, Fallmanagement-Weiterbildung)",
    "Q4": "Qualifikation im Einzelfall (anderer Abschluss oder Weiterbildung)",
    "Q5": "Räume und Erreichbarkeit der Standorte",
    "Q6": "Dokumentation, Datenschutz, Qualitäts- und Beschwerdemanagement",
    "Q8": "Fachkompetenz für die beantragten Zielgruppen",
}

DEGREES = {
    "social-work": "Studium Soziale Arbeit",
    "social-pedagogy": "Studium Sozialpädagogik",
    "pedagogy": "Studium Pädagogik",
    "psychology": "Studium Psychologie",
    "other": "anderes Studium",
    "vocational": "Berufsausbildung im Gesundheits- oder Sozialwesen",
    "none": "nur Weiterbildung",
}

CERTIFICATES = {
    "drv-curriculum": "DRV-Weiterbildung »Fallmanagement in der Rehabilitation« (alle Module)",
    "case-manager-dgcc": "Zertifikat Case Manager*in (DGCC)",
    "case-manager-dgcc-participation": "Teilnahmebescheinigung DGCC (216 Stunden)",
    "disability-manager-dguv": "Disability Manager*in (DGUV)",
    "comparable": "vergleichbare Qualifikation (Entscheidung im Einzelfall)",
}

ORGANISATION = {
    "documentation_system": "Dokumentationssystem (digitale Teilnehmerakte)",
    "data_protection": "Datenschutz und IT-Sicherheit (§ 78 SGB X, § 35 SGB I)",
    "confidentiality_commitments": "unterschriebene Verpflichtungen zur Verschwiegenheit",
    "quality_management": "internes Qualitätsmanagement",
    "complaints_system": "Beschwerdemanagement",
}

SITE_FLAGS = {
    "public_transport": "mit öffentlichen Verkehrsmitteln erreichbar",
    "barrier_free": "barrierefrei zugänglich",
    "rooms_for_individual_talks": "Räume für Einzelgespräche",
    "rooms_for_relatives": "Räume für Gespräche mit Angehörigen",
}

ACTIONS = {
    "suspend": "Zulassung ruhen lassen",
    "resume": "Zulassung wieder aufnehmen",
    "revoke": "Zulassung widerrufen",
}

NOTICE_KIND = {"admission": "Zulassung", "agreement": "Vereinbarung"}

LANGUAGES = words.LANGUAGES


def role_label(role: Role | str) -> str:
    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return str(role)


language_label = words.language_label


def de_date(value: Any) -> str:
    """The Jinja filter ``de_date``: a day, an ISO date or a timestamp as a German date
    (TT.MM.JJJJ, ``registry.dates``); '' for nothing, unreadable text as it is."""
    try:
        day = dates.local_day(value)
    except ValueError:
        return str(value)
    return dates.german(day) if day is not None else ""


def de_datetime(value: Any) -> str:
    """A timestamp as people read it: German date and the clock time in Germany (stored times
    are UTC; "21:45 Uhr" for 20:45 UTC in winter), as the session notice says its time."""
    if not value:
        return ""
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return dates.german_time(parsed)


def de_number(value: Any, digits: int = 1) -> str:
    if value is None or value == "":
        return ""
    number = float(value)
    if number.is_integer():
        return str(int(number))
    return f"{number:.{digits}f}".replace(".", ",")


def days(value: Any) -> str:
    n = int(value or 0)
    return "1 Tag" if n == 1 else f"{n} Tage"


def days_ago(value: Any) -> str:
    """How long ago, in the dative German needs after "vor": "heute", "vor 1 Tag", "vor 3 Tagen"."""
    n = int(value or 0)
    if n <= 0:
        return "heute"
    return "vor 1 Tag" if n == 1 else f"vor {n} Tagen"


#: a stored message in words (events and notices keep the text they were written with):
#: carrier ids and target-group codes in it become their labels
plain = words.plain


# German number agreement and joins without empty parts, shared with the printed list
count = words.count
joined = words.joined
