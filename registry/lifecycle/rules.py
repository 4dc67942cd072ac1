"""Life of an admission after the decision, A13–A15 (docs/rules.md §5): contracts, reviews, staff
changes, data confirmation. Pure functions, standard library only (and the admission model and the registry's error vocabulary)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from registry.admission.model import (
    DEFAULT_PERIODS,
    Admission,
    AdmissionStatus,
    Contract,
    Finding,
    Periods,
    Severity,
    TaskSpec,
)
from registry.dates import add_months, german
from registry.errors import Problem
from registry.words import language_list

_IN_FORCE = frozenset({AdmissionStatus.ADMITTED, AdmissionStatus.SUSPENDED})


# --------------------------------------------------------------------------- A13


def validate_contract(
    signed_on: date | None, model_contract_version: str, today: date
) -> list[Problem]:
    """A13: a recorded contract has a signing date (not in the future) and a model-contract
    version."""
    problems = []
    if signed_on is None:
        problems.append(Problem("signed_on", "Das Datum der Unterzeichnung fehlt.", "A13"))
    elif signed_on > today:
        problems.append(
            Problem("signed_on", "Das Datum der Unterzeichnung liegt in der Zukunft.", "A13")
        )
    if not (model_contract_version or "").strip():
        problems.append(
            Problem("model_contract_version", "Die Version des Mustervertrags fehlt.", "A13")
        )
    return problems


def carriers_with_contract_pending(
    provider_id: str, admissions: Iterable[Admission], contracts: Iterable[Contract]
) -> set[str]:
    """A13: carriers that issued an admission (in force) to the provider but have recorded no
    contract with it: their officers see "contract pending". The directory is not affected."""
    issuers = {a.issued_by for a in admissions if a.status in _IN_FORCE and a.issued_by}
    signed = {c.carrier for c in contracts if c.provider_id == provider_id}
    return issuers - signed


# --------------------------------------------------------------------------- A14


def due_for_review(
    admissions: Iterable[Admission], carrier: str, today: date, within_days: int = 0
) -> list[Admission]:
    """A14: the carrier's admissions in force whose review date lies within ``within_days`` of
    today or has passed, earliest first."""
    horizon = today + timedelta(days=within_days)
    due = [
        a
        for a in admissions
        if a.issued_by == carrier
        and a.status in _IN_FORCE
        and a.review_due is not None
        and a.review_due <= horizon
    ]
    return sorted(due, key=lambda a: (a.review_due or today, a.site_id, a.target_group))


# --------------------------------------------------------------------------- A15


def confirmation_due(confirmed_on: date, periods: Periods = DEFAULT_PERIODS) -> date:
    """A15: the date by which the provider must confirm its site data again."""
    return add_months(confirmed_on, periods.data_confirmation_months)


def is_data_stale(
    confirmed_on: date | None,
    created_on: date,
    today: date,
    periods: Periods = DEFAULT_PERIODS,
) -> bool:
    """A15: site data unconfirmed for longer than the period (default 12 months); a site never
    confirmed counts from its creation. Stale data is flagged, never hidden."""
    return today > confirmation_due(confirmed_on or created_on, periods)


def issuing_carriers(lead_carrier: str, issuers: Iterable[str | None]) -> list[str]:
    """A15: who is told of a new staff finding on an application: the lead and every carrier
    that issued one of its admissions in force (each follow-on carrier), lead first."""
    others = sorted({c for c in issuers if c and c != lead_carrier})
    return ([lead_carrier] if lead_carrier else []) + others


def staff_change_tasks(
    new_findings: Sequence[Finding],
    carriers: Sequence[str],
    provider_id: str,
    application_id: str | None,
    now: datetime,
) -> list[TaskSpec]:
    """A15: each new blocking finding after a staff change becomes a task for **every** carrier
    that issued an affected admission (``carriers``: :func:`issuing_carriers`), each deciding
    on its own admissions; they stay valid until that carrier acts (suspension is never
    automatic). One task per finding and carrier, findings first."""
    return [
        TaskSpec(
            kind="staff_finding",
            rule=f.rule,
            carrier=carrier,
            provider_id=provider_id,
            message=f"Nach einer Personaländerung: {f.message}",
            created_at=now,
            application_id=application_id,
        )
        for f in new_findings
        for carrier in carriers
    ]


SITE_FACT_FIELDS = (
    "languages",
    "barrier_free",
    "public_transport",
    "catchment_radius_km",
    "outreach_radius_km",
    "rooms_for_individual_talks",
    "rooms_for_relatives",
)
"""A15: the directory facts of a site the provider keeps current (``PATCH .../sites/{id}``)."""

CRITERION_FIELDS = frozenset(SITE_FACT_FIELDS) - {"barrier_free"}
"""The facts a criterion looks at: Q5 (rooms, public transport, outreach-only through the radii)
and the A15 language advisory; barrier-free access informs the directory (E3) only."""

_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


def validate_site_facts(patch: Mapping[str, object]) -> list[Problem]:
    """A15: the site facts a provider sends, each problem naming its field and rule (E2 for
    the radii, E3 for languages and the filters' yes/no facts, Q5 for the rooms)."""
    problems: list[Problem] = []
    if "catchment_radius_km" in patch:
        value = patch["catchment_radius_km"]
        if not _number(value) or not 0 < float(value) <= 500:  # type: ignore[arg-type]
            problems.append(
                Problem(
                    "catchment_radius_km",
                    "Der Radius des Einzugsgebiets muss größer als 0 und höchstens 500 km sein.",
                    "E2",
                )
            )
    if "outreach_radius_km" in patch:
        value = patch["outreach_radius_km"]
        if value is not None and (not _number(value) or not 0 <= float(value) <= 1000):  # type: ignore[arg-type]
            problems.append(
                Problem(
                    "outreach_radius_km",
                    "Der Radius der aufsuchenden Arbeit liegt zwischen 0 und 1000 km "
                    "(leer oder 0: keine aufsuchende Arbeit).",
                    "E2",
                )
            )
    if "languages" in patch:
        value = patch["languages"]
        if not isinstance(value, list | tuple) or not value or len(value) > 40:
            problems.append(
                Problem("languages", "Mindestens eine und höchstens 40 Sprachen angeben.", "E3")
            )
        else:
            for i, lang in enumerate(value):
                if not isinstance(lang, str) or not _LANGUAGE.match(lang):
                    problems.append(
                        Problem(
                            f"languages[{i}]",
                            "Sprachcode aus zwei oder drei Kleinbuchstaben (ISO 639), z. B. »tr«.",
                            "E3",
                        )
                    )
    for name, rule in (
        ("barrier_free", "E3"),
        ("public_transport", "E3"),
        ("rooms_for_individual_talks", "Q5"),
        ("rooms_for_relatives", "Q5"),
    ):
        if name in patch and not isinstance(patch[name], bool):
            problems.append(Problem(name, "Bitte ja oder nein angeben.", rule))
    return problems


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def unspoken_languages(
    site_languages: Iterable[str], staff_languages: Iterable[Iterable[str]]
) -> list[str]:
    """A15: the languages a site lists that none of the provider's case managers speaks (an
    advisory finding, never a refusal), in the site's order."""
    spoken = {lang for langs in staff_languages for lang in langs}
    return [lang for lang in dict.fromkeys(site_languages) if lang not in spoken]


def language_finding(site_id: str, site_name: str, missing: Sequence[str]) -> Finding | None:
    """A15: the advisory finding for a site's languages no case manager speaks (filed under
    Q5, the site's suitability, since findings name a criteria rule; always advisory)."""
    if not missing:
        return None
    return Finding(
        "Q5",
        "site-language-unspoken",
        Severity.ADVISORY,
        f"Standort »{site_name}«: Keine Fallmanager*in des Anbieters spricht "
        + language_list(missing)
        + " (Hinweis, kein Ablehnungsgrund).",
        "languages",
        subject=site_id,
    )


def site_change_findings(
    before: Sequence[Finding], after: Sequence[Finding]
) -> tuple[list[Finding], list[Finding]]:
    """A15/Q5: after a change of a site's facts, the findings that are new (not among
    ``before`` by identity) and those that are gone."""
    known = {f.identity for f in before}
    now_ids = {f.identity for f in after}
    return (
        [f for f in after if f.identity not in known],
        [f for f in before if f.identity not in now_ids],
    )


@dataclass(frozen=True)
class PendingFollowOn:
    """A7: an open follow-on admission task as the lead's escalation sees it."""

    id: str
    application_id: str
    site_id: str
    carrier: str
    created_at: datetime


def escalated_follow_ons(
    follow_ons: Iterable[PendingFollowOn],
    led_applications: Collection[str],
    lead_carrier: str,
    now: datetime,
    periods: Periods = DEFAULT_PERIODS,
) -> list[PendingFollowOn]:
    """A7: the open follow-on tasks of the applications ``lead_carrier`` leads that are past
    their overdue date (``follow_on_days``): each becomes a task for the lead, which sees which
    carrier has not yet admitted which site. Oldest first."""
    due = [
        f
        for f in follow_ons
        if f.application_id in led_applications
        and f.carrier != lead_carrier
        and (now - f.created_at).days > periods.follow_on_days
    ]
    return sorted(due, key=lambda f: (f.created_at, f.id))


LEAD_CHANGE_TASK_KIND = "lead_changed"
"""A9: the stored task of a follow-on carrier after the lead suspended or revoked the group."""


@dataclass(frozen=True)
class IssuedAdmission:
    """A9: one admission as the lead's suspension or revocation sees it."""

    site_id: str
    target_group: str
    application_id: str
    issued_by: str
    status: str


def follow_on_carriers_to_tell(
    changed: Iterable[tuple[str, str]],
    application_id: str,
    lead_carrier: str,
    admissions: Iterable[IssuedAdmission],
) -> list[IssuedAdmission]:
    """A9: when the lead suspends or revokes target groups (``changed``: (site, group) pairs it
    changed on ``application_id``), every admission in force of the same application and group
    issued by another carrier (a follow-on admission): that carrier gets a notice and a task to
    decide on its own admission (never automatic)."""
    groups = {g for _, g in changed}
    return sorted(
        (
            m
            for m in admissions
            if m.application_id == application_id
            and m.target_group in groups
            and m.issued_by
            and m.issued_by != lead_carrier
            and m.status in {s.value for s in _IN_FORCE}
        ),
        key=lambda m: (m.issued_by, m.site_id, m.target_group),
    )


def stale_data_task(
    provider_id: str,
    site_id: str,
    site_name: str,
    responsible_carrier: str,
    confirmed_on: date | None,
    now: datetime,
) -> TaskSpec:
    """A15: the flag for the responsible carrier about unconfirmed site data."""
    since = f"zuletzt bestätigt am {german(confirmed_on)}" if confirmed_on else "nie bestätigt"
    return TaskSpec(
        kind="stale_data",
        rule="A15",
        carrier=responsible_carrier,
        provider_id=provider_id,
        message=f"Standort »{site_name}«: Die Angaben des Anbieters sind nicht aktuell ({since}).",
        created_at=now,
        site_id=site_id,
    )
