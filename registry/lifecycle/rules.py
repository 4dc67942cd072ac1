"""Life of an admission after the decision, A13–A15 (DOMAIN.md §5): contracts, reviews, staff
changes, data confirmation. Pure functions, standard library only (and the admission model)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from registry.admission.model import (
    DEFAULT_PERIODS,
    Admission,
    AdmissionStatus,
    Contract,
    Finding,
    Periods,
    Problem,
    TaskSpec,
    add_months,
)

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


def staff_change_tasks(
    new_findings: Sequence[Finding],
    lead_carrier: str,
    provider_id: str,
    application_id: str | None,
    now: datetime,
) -> list[TaskSpec]:
    """A15: each new blocking finding after a staff change becomes a task for the lead carrier;
    the admission stays valid until that carrier acts (suspension is never automatic)."""
    return [
        TaskSpec(
            kind="staff_finding",
            rule=f.rule,
            carrier=lead_carrier,
            provider_id=provider_id,
            message=f"Nach einer Personaländerung: {f.message}",
            created_at=now,
            application_id=application_id,
        )
        for f in new_findings
    ]


def stale_data_task(
    provider_id: str,
    site_id: str,
    site_name: str,
    responsible_carrier: str,
    confirmed_on: date | None,
    now: datetime,
) -> TaskSpec:
    """A15: the flag for the responsible carrier about unconfirmed site data."""
    since = f"zuletzt bestätigt am {confirmed_on:%d.%m.%Y}" if confirmed_on else "nie bestätigt"
    return TaskSpec(
        kind="stale_data",
        rule="A15",
        carrier=responsible_carrier,
        provider_id=provider_id,
        message=f"Standort »{site_name}«: Die Angaben des Anbieters sind nicht aktuell ({since}).",
        created_at=now,
        site_id=site_id,
    )
