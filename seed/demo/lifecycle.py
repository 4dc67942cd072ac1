"""Demo data for an admission's life after the decision (rules A13, A15, Q0), through
the use cases of ``registry.lifecycle``. Called by ``seed.demo.run``."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from registry import clock
from registry.admission.repository import AdmissionRepository
from registry.errors import DomainError
from registry.lifecycle.carrier_profile import put_carrier_profile
from registry.lifecycle.contracts import record_contract
from registry.lifecycle.sites import confirm_site
from registry.lifecycle.staff import (
    add_case_manager,
    list_case_managers,
    remove_case_manager,
    update_case_manager,
)
from seed.demo import words
from seed.demo.state import days_ago

if TYPE_CHECKING:
    from seed.demo.state import DemoRun, ProviderRecord


def seed_carrier_profiles(demo: DemoRun) -> int:
    """§3: each carrier's admin records its contact persons for case management (the criteria
    severities are one national setting, rule Q0: the demo keeps the defaults)."""
    from registry.api.schemas import ProfileIn

    rng = demo.rng
    done = 0
    for carrier in demo.reg.reference.carriers:
        suffix = carrier.id.removeprefix("drv-")
        contacts = []
        for role in ("Fallmanagementbeauftragte", "Ansprechperson für Leistungsanbieter"):
            first, last = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
            contacts.append(
                {
                    "name": f"{first} {last} ({role})",
                    "phone": f"0{rng.randint(30, 999)} {rng.randint(10000, 999999)}",
                    "email": f"fallmanagement@{suffix}.drv.example",
                }
            )
        body = ProfileIn.model_validate({"contacts": contacts}).model_dump()
        put_carrier_profile(demo.reg, demo.users[f"admin.{suffix}"], carrier.id, body)
        done += 1
    return done


def seed_contracts(demo: DemoRun, records: list[ProviderRecord]) -> Counter[str]:
    """A13: most carriers that admitted a provider's site recorded the contract a few weeks
    after; the rest stay "contract pending"."""
    from registry.api.schemas import ContractIn

    rng = demo.rng
    stats: Counter[str] = Counter()
    for rec in records:
        if rec.times.decided is None:
            continue
        rows = demo.reg.repo(AdmissionRepository).admissions_of_provider(rec.provider_id)
        issuers = sorted({r["issued_by"] for r in rows if r["issued_by"]})
        for carrier in issuers:
            if rng.random() < 0.15:
                stats["pending"] += 1
                continue
            issued = rec.times.decided if carrier == rec.lead else rec.times.follow_on
            if issued is None:
                continue
            at = max(issued - rng.uniform(3, 40), issued * 0.3)
            version = "Mustervertrag 2022" if at > 730 else "Mustervertrag 2024"
            with days_ago(at):
                body = ContractIn.model_validate(
                    {
                        "signed_on": clock.today() - timedelta(days=rng.randint(0, 5)),
                        "model_contract_version": version,
                    }
                ).model_dump()
                record_contract(demo.reg, demo.officer(carrier), rec.provider_id, body)
            stats["recorded"] += 1
    return stats


def seed_site_confirmations(demo: DemoRun, records: list[ProviderRecord]) -> int:
    """A15: providers with an account confirm their site data, most within the last year;
    everyone else's data ages and is flagged as stale after 12 months."""
    from registry.admission.providers import get_provider

    rng = demo.rng
    done = 0
    for rec in records:
        if rec.account is None or rec.status == "withdrawn":
            continue
        for site in get_provider(demo.reg, rec.account, rec.provider_id)["sites"]:
            if rng.random() < 0.15 or rec.times.submitted < 2:
                continue
            with days_ago(rng.uniform(1, min(330.0, rec.times.submitted - 1))):
                confirm_site(demo.reg, rec.account, rec.provider_id, site["id"])
            done += 1
    return done


def seed_staff_changes(demo: DemoRun, records: list[ProviderRecord]) -> Counter[str]:
    """A15: some providers report staff changes (joined, new qualification, left); a departure
    that leaves fewer than two qualified case managers becomes a task for the lead (Q2)."""
    from registry.api.schemas import CaseManagerIn

    rng = demo.rng
    stats: Counter[str] = Counter()
    for rec in records:
        if rec.account is None or rec.status != "decided" or rng.random() >= 0.4:
            continue
        last = rec.times.follow_on or rec.times.decided or rec.times.submitted
        at = rng.uniform(1, max(1.5, min(300.0, last - 1)))
        staff = list_case_managers(demo.reg, rec.account, rec.provider_id)
        in_training = [c for c in staff if c.get("training_started_on")]
        action = rng.choices(["add", "qualify", "leave"], [40, 30, 30])[0]
        if action == "qualify" and not in_training:
            action = "add"
        with days_ago(at):
            try:
                if action == "add":
                    groups = sorted({g for c in staff for g in (c.get("target_groups") or [])})
                    first, last_name = rng.choice(words.FIRST_NAMES), rng.choice(words.LAST_NAMES)
                    picked = rng.sample(groups, min(len(groups), rng.randint(1, 2)))
                    body: dict[str, Any] = CaseManagerIn.model_validate(
                        {
                            "name": f"{first} {last_name}",
                            "degree": rng.choice(["social-work", "social-pedagogy"]),
                            "counselling_years": rng.randint(2, 12),
                            "social_law_units": 40,
                            "certificates": ["case-manager-dgcc"],
                            "joined_on": clock.today() - timedelta(days=rng.randint(0, 20)),
                            "target_groups": picked,
                            "competence_evidence": "; ".join(
                                rng.choice(words.COMPETENCE_EVIDENCE[g]) for g in picked
                            ),
                        }
                    ).model_dump()
                    add_case_manager(demo.reg, rec.account, rec.provider_id, body)
                elif action == "qualify":
                    cm = rng.choice(in_training)
                    update_case_manager(
                        demo.reg,
                        rec.account,
                        rec.provider_id,
                        cm["id"],
                        {"certificates": ["drv-curriculum"], "training_started_on": None},
                    )
                else:
                    cm = rng.choice(staff)
                    remove_case_manager(demo.reg, rec.account, rec.provider_id, cm["id"])
            except DomainError:
                stats["rejected"] += 1  # e.g. a name already on the staff
                continue
        stats[action] += 1
    return stats
