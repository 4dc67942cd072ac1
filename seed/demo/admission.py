"""A demo provider's application taken through the admission workflow to its scenario's end
(submitted, decided, follow-on admissions, refused, partial, withdrawn, suspended, revoked), the
reviews of due admissions (A14) and the acknowledged notices (A8)."""

from __future__ import annotations

import random
from typing import Any

from registry import clock
from registry.admission.applications import get_application, withdraw_application
from registry.admission.decisions import admit_follow_on, decide_application, list_follow_ons
from registry.admission.providers import register_provider
from registry.admission.repository import AdmissionRepository
from registry.admission.site_admissions import change_site_admission, review_site_admission
from registry.admission.submission import submit_application
from registry.auth import Principal, Role
from registry.auth.repository import UserRepository
from registry.errors import DomainError
from registry.reference import Reference
from seed.demo import words
from seed.demo.providers import (
    make_case_managers,
    make_concept,
    make_phone,
    make_provider_name,
    make_site_body,
    pick_languages,
    pick_receiving_carrier,
    pick_scenario,
    pick_sites,
    pick_target_groups,
    slug,
)
from seed.demo.state import DemoRun, ProviderRecord, Scenario, Timeline, days_ago
from seed.demo.users import MAX_ACCOUNTS, PROVIDER_ACCOUNTS, ensure_user, provider_username

REVIEW_DAYS = 1096  # A14 default: 36 months


def _timeline(rng: random.Random, scenario: Scenario) -> Timeline:
    def before(t: float, lo: float, hi: float) -> float:
        return max(t - rng.uniform(lo, hi), t * 0.3)

    if scenario is Scenario.SUBMITTED:
        # A5: half of them older than the 30 days after which a decision is overdue
        return Timeline(rng.uniform(32, 120) if rng.random() < 0.5 else rng.uniform(0.5, 25))
    if scenario is Scenario.FOLLOW_ON_OPEN:
        submitted = rng.uniform(30, 120)
        # A7: half of the open follow-on tasks older than 14 days (overdue)
        decided = (
            rng.uniform(16, min(60.0, submitted - 3)) if rng.random() < 0.5 else rng.uniform(1, 10)
        )
        return Timeline(submitted, decided)
    if scenario is Scenario.REFUSED:
        submitted = rng.uniform(30, 700)
        return Timeline(submitted, before(submitted, 7, 30))
    if scenario is Scenario.WITHDRAWN and rng.random() < 0.5:
        submitted = rng.uniform(10, 300)
        return Timeline(submitted, after=before(submitted, 3, 30), withdraw_before_decision=True)
    submitted = rng.uniform(45, 1250)
    decided = before(submitted, 7, 40)
    follow_on = before(decided, 2, 25)
    after = (
        before(follow_on, 20, 400)
        if scenario in (Scenario.WITHDRAWN, Scenario.SUSPENDED, Scenario.REVOKED)
        else None
    )
    return Timeline(submitted, decided, follow_on, after)


def seed_provider(demo: DemoRun, number: int) -> None:
    from registry.api.schemas import ApplicationIn

    rng = demo.rng
    reg = demo.reg
    scenario = pick_scenario(demo, number)
    times = _timeline(rng, scenario)
    sites = pick_sites(demo, number, scenario)
    hq = sites[0]
    name, legal_form = make_provider_name(demo, hq)
    org = slug(name)
    provider = {
        "name": name,
        "legal_form": legal_form,
        "email": f"kontakt@{org}.example",
        "phone": make_phone(rng),
        "website": f"https://www.{org}.example",
    }
    spoken, sign = pick_languages(rng)
    site_names: set[str] = set()
    site_bodies = [
        make_site_body(demo, s, i == 0, name, spoken, sign, site_names) for i, s in enumerate(sites)
    ]
    outreach = any(s["outreach_radius_km"] for s in site_bodies)
    groups = pick_target_groups(
        rng, spoken, sign, outreach, 2 if scenario is Scenario.PARTIAL else 1
    )
    uncovered = rng.choice(groups[1:]) if scenario is Scenario.PARTIAL else None
    decided_kind = scenario not in (Scenario.SUBMITTED,)
    missing_sections = (
        rng.choice([1, 2]) if number in (3, 9) or (number > 10 and rng.random() < 0.08) else 0
    )
    single = number == 10 or (number > 10 and decided_kind and rng.random() < 0.05)
    count = 1 if single else rng.choice([2, 2, 3, 3, 4, 5, 6])
    case_managers = make_case_managers(
        demo, count, groups, uncovered, spoken, sign, times.submitted
    )
    receiving = pick_receiving_carrier(demo, number, hq)
    announcement = next(
        (
            a.id
            for a in demo.announcements
            if a.state == hq.district.state
            and set(a.target_groups) & set(groups)
            and a.created_days_ago > times.submitted > a.open_until_days_ago
        ),
        "",
    )
    body: dict[str, Any] = {
        "receiving_carrier": receiving,
        "sites": site_bodies,
        "target_groups": groups,
        "case_managers": case_managers,
        "concept": make_concept(demo, name, missing_sections),
        "organisation": {
            "documentation_system": True,
            "data_protection": True,
            "confidentiality_commitments": True,
            "quality_management": True,
            "complaints_system": True,
        },
        "announcement_id": announcement if rng.random() < 0.6 else "",
    }
    username = provider_username(number)
    # Providers 1..5 register themselves with an account; a quarter of the others get one
    # later (at most MAX_ACCOUNTS per run: every account costs a memory-hard password hash);
    # a provider that withdraws needs one anyway (A9: only the provider withdraws).
    wants_account = (
        number <= PROVIDER_ACCOUNTS
        or scenario is Scenario.WITHDRAWN
        or (rng.random() < 0.25 and demo.accounts < MAX_ACCOUNTS)
    )
    with days_ago(times.submitted):
        if number <= PROVIDER_ACCOUNTS:
            # the provider registers itself with its first account, then applies
            if demo.reg.repo(UserRepository).by_username(username) is not None:
                raise RuntimeError(f"user {username} exists but its provider does not")
            created = register_provider(
                reg, None, provider, first_user={"username": username, "password": demo.password}
            )
            applicant = ensure_user(demo, username, Role.PROVIDER, provider=created["id"])
            demo.accounts += 1
            body["provider"] = {"id": created["id"]}
        else:
            # a paper application entered by the receiving carrier's admissions officer
            applicant = demo.officer(receiving)
            body["provider"] = provider
        payload = ApplicationIn.model_validate(body).model_dump(mode="python")
        app = submit_application(reg, applicant, payload)
    app_id = app["id"]
    provider_id = app["provider"]["id"]
    lead = demo.officer(app["lead_carrier"])
    demo.stats["sites"] += len(sites)
    demo.stats["forwarded"] += bool(app["forwarded"])
    account: Principal | None = demo.users.get(username)
    if wants_account and account is None:
        with days_ago(times.submitted):
            account = ensure_user(demo, username, Role.PROVIDER, provider=provider_id)
        demo.accounts += 1

    if times.withdraw_before_decision and times.after is not None:
        assert account is not None
        with days_ago(times.after):
            withdraw_application(reg, account, app_id, rng.choice(words.WITHDRAWAL_REASONS))
    elif times.decided is not None:
        with days_ago(times.decided):
            _decide(demo, lead, app, scenario, uncovered)
        if times.follow_on is not None:
            with days_ago(times.follow_on):
                _admit_follow_ons(demo, app)
        if (
            scenario is Scenario.ADMITTED
            and times.follow_on
            and times.follow_on > 60
            and rng.random() < 0.08
        ):
            _suspend_and_resume(demo, app, times.follow_on)
        if times.after is not None:
            with days_ago(times.after):
                _after(demo, app, scenario, account)
    # The outcome, read through the port (get_application would also load the history, a
    # scan of the audit trail that grows with the data)
    read = reg.repo(AdmissionRepository).get_application(app_id)
    assert read is not None
    status = read["status"]
    demo.stats[status] += 1
    site_groups: dict[str, set[str]] = {}
    site_ids = [s["id"] for s in app["sites"]]
    for row in reg.repo(AdmissionRepository).admissions_of_sites(site_ids):
        site_groups.setdefault(row["site_id"], set()).add(row["status"])
    for statuses in site_groups.values():
        demo.stats["follow_ons_open"] += "awaiting_follow_on" in statuses
    demo.records.append(
        ProviderRecord(
            number,
            provider_id,
            app_id,
            app["lead_carrier"],
            scenario,
            times,
            account,
            status,
        )
    )


def _decide(
    demo: DemoRun, lead: Principal, app: dict[str, Any], scenario: Scenario, uncovered: str | None
) -> None:
    from registry.api.schemas import DecisionIn

    ref: Reference = demo.reg.reference
    rng = demo.rng
    carrier_name = ref.carrier(app["lead_carrier"]).name
    decisions: dict[str, dict[str, Any]] = {}
    for g in app["target_groups"]:
        if scenario is Scenario.REFUSED:
            decisions[g] = {"admit": False, "reason": rng.choice(words.REFUSAL_REASONS)}
        elif g == uncovered:
            decisions[g] = {
                "admit": False,
                "reason": "Keine Fallmanager*in mit nachgewiesener besonderer Kompetenz für "
                "diese Zielgruppe benannt (Q8).",
            }
        else:
            decisions[g] = {
                "admit": True,
                "reason": f"Die {carrier_name} benötigt für Versicherte der Zielgruppe "
                f"»{ref.target_group(g).label}« externe Expertise ({words.GROUP_NEEDS[g]}), "
                "die sie selbst nicht vorhält.",
            }
    admitted = {g for g, d in decisions.items() if d["admit"]}
    rules_to_override = sorted(
        {
            f["rule"]
            for f in app["findings"]
            if f["severity"] == "blocking"
            and (f["target_group"] in admitted if f.get("target_group") else bool(admitted))
        }
    )
    body = DecisionIn.model_validate(
        {
            "target_groups": decisions,
            "overrides": [
                {
                    "rule": r,
                    "reason": words.OVERRIDE_REASONS.get(r, "Im Einzelfall geprüft und anerkannt."),
                }
                for r in rules_to_override
            ],
            "version": app["version"],
        }
    ).model_dump()
    decide_application(demo.reg, lead, app["id"], body)
    demo.stats["overridden"] += bool(rules_to_override)


def _admit_follow_ons(demo: DemoRun, app: dict[str, Any]) -> None:
    """A7: each other carrier admits its sites on the basis of the lead's decision."""
    carriers = sorted({s["responsible_carrier"] for s in app["sites"]} - {app["lead_carrier"]})
    for carrier in carriers:
        officer = demo.officer(carrier)
        for task in list_follow_ons(demo.reg, officer, "open"):
            if task["application_id"] == app["id"]:
                admit_follow_on(demo.reg, officer, task["id"])


def _admitted_sites(demo: DemoRun, app: dict[str, Any]) -> list[dict[str, Any]]:
    lead = demo.officer(app["lead_carrier"])
    current = get_application(demo.reg, lead, app["id"])
    return [s for s in current["sites"] if s["admission_status"] == "admitted"]


def _suspend_and_resume(demo: DemoRun, app: dict[str, Any], since: float) -> None:
    rng = demo.rng
    sites = _admitted_sites(demo, app)
    if not sites:
        return
    site = sites[0]
    officer = demo.officer(site["responsible_carrier"])
    suspended_at = since * rng.uniform(0.5, 0.9)
    with days_ago(suspended_at):
        change_site_admission(
            demo.reg, officer, site["id"], "suspend", rng.choice(words.SUSPENSION_REASONS)
        )
    with days_ago(suspended_at * rng.uniform(0.3, 0.8)):
        change_site_admission(
            demo.reg, officer, site["id"], "resume", rng.choice(words.RESUME_REASONS)
        )


def _after(
    demo: DemoRun,
    app: dict[str, Any],
    scenario: Scenario,
    account: Principal | None,
) -> None:
    rng = demo.rng
    if scenario is Scenario.WITHDRAWN:
        assert account is not None
        withdraw_application(demo.reg, account, app["id"], rng.choice(words.WITHDRAWAL_REASONS))
        return
    sites = _admitted_sites(demo, app)
    if scenario is Scenario.SUSPENDED:
        sites = sites[:1]
    for site in sites:
        officer = demo.officer(site["responsible_carrier"])
        if scenario is Scenario.SUSPENDED:
            change_site_admission(
                demo.reg, officer, site["id"], "suspend", rng.choice(words.SUSPENSION_REASONS)
            )
        else:
            change_site_admission(
                demo.reg, officer, site["id"], "revoke", rng.choice(words.REVOCATION_REASONS)
            )


# --------------------------------------------------------------------------- review, notices


def review_due_admissions(demo: DemoRun) -> None:
    """A14: about half of the admissions past their review date were reviewed and confirmed
    (around their due date); the rest stay due for review."""
    rng = demo.rng
    today = clock.today()
    for carrier in demo.geo.regional:
        officer = demo.officer(carrier)
        rows = demo.reg.repo(AdmissionRepository).admissions_due(carrier, today.isoformat())
        for row in rows:
            if rng.random() >= 0.5:
                continue
            due_ago = (today - clock.parse(row["review_due"] + "T12:00:00").date()).days
            with days_ago(max(0.5, due_ago - rng.uniform(-20, min(due_ago, 30)))):
                try:
                    review_site_admission(
                        demo.reg,
                        officer,
                        row["site_id"],
                        "confirmed",
                        rng.choice(words.REVIEW_REASONS),
                    )
                except DomainError:
                    continue  # e.g. a suspended site: confirming is not a legal transition
            demo.stats["reviewed"] += 1


def acknowledge_notices(demo: DemoRun) -> None:
    """A8, N4: officers (admission notices) and strategists (agreement notices) acknowledged
    most notices older than three weeks, a few days after they came."""
    from registry.notices import acknowledge, list_notices

    rng = demo.rng
    now = clock.now()
    readers = [demo.officer(c.id) for c in demo.reg.reference.carriers] + [
        demo.strategist(c.id) for c in demo.reg.reference.carriers
    ]
    for officer in readers:
        for notice in list_notices(demo.reg, officer, acknowledged=False):
            created = clock.parse(notice["created_at"])
            age = (now - created).total_seconds() / 86400
            if age < 21 or rng.random() < 0.15:
                continue
            with days_ago(age - rng.uniform(0.5, 10)):
                acknowledge(demo.reg, officer, notice["id"])
            demo.stats["notices_acknowledged"] += 1
