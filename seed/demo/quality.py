"""Demo data for quality assurance (rule A16) through the use cases of ``registry.quality``:
visits in every state, complaint counts by category and month and the yearly figures of the
last ended years, for most providers with an admission in force. Called by ``seed.demo.run``.

Visits are planned, joined and recorded by an admissions officer of a carrier that admitted a
site of the provider; the provider reports its figures with its own account (created here for a
provider that has none, within ``MAX_ACCOUNTS``). A few providers leave the latest year
unreported, so the "missing report" task and the advisory finding (A14) appear."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from registry import clock
from registry.admission.repository import AdmissionRepository
from registry.auth import Principal, Role
from registry.quality import rules
from registry.quality.complaints import record_complaints
from registry.quality.figures import report_figures
from registry.quality.repository import QualityRepository
from registry.quality.visits import join_visit, plan_visit, record_done
from seed.demo.state import days_ago
from seed.demo.users import MAX_ACCOUNTS, ensure_user, provider_username

if TYPE_CHECKING:
    import random

    from seed.demo.state import DemoRun, ProviderRecord

#: share of providers with an admission in force that get quality data
SHARE = 0.8
#: besides every tenth chosen provider, this share leaves the latest ended year unreported
MISSING_LATEST = 0.05

VISIT_NOTES = (
    "Hospitation im Fallmanagement, Schwerpunkt Erstgespräch und Hilfeplanung.",
    "Gemeinsame Hospitation: Ablauf der Fallbesprechungen und Dokumentation.",
    "Hospitation vor Ort: Räume, Erreichbarkeit und aufsuchende Beratung.",
    "Regelhospitation nach Rahmenkonzept §8.",
    "Hospitation mit Blick auf die Zusammenarbeit mit den Reha-Fachberatungen.",
)
FINDINGS = (
    "Fallmanagement strukturiert und gut dokumentiert; keine Beanstandungen.",
    "Hilfeplanung nachvollziehbar; Wartezeit auf das Erstgespräch sollte kürzer werden.",
    "Beratung kompetent und zugewandt; Netzwerkpartner vor Ort gut eingebunden.",
    "Räume barrierefrei und geeignet; Vertretungsregelung noch schriftlich festhalten.",
    "Dokumentation lückenhaft; Nachbesserung bis zur nächsten Hospitation vereinbart.",
    "Gute Zusammenarbeit mit dem Träger; Berichte kommen pünktlich.",
)
#: complaint categories, the frequent ones first (weights below)
COMPLAINT_WEIGHTS: dict[str, int] = {
    "reachability": 30,
    "waiting_time": 25,
    "communication": 15,
    "counselling": 10,
    "documentation": 8,
    "cooperation": 5,
    "accessibility": 4,
    "data_protection": 2,
    "other": 6,
}


def _visits(
    demo: DemoRun,
    provider_id: str,
    carriers: list[str],
    planner: str,
    age: int,
    kinds: list[str],
    stats: Counter[str],
) -> None:
    """The visits of one provider: ``kinds`` out of done, past (not yet recorded), planned
    (in the future), invited (in the future, inviting a second admitting carrier, who joins)
    and invited_open (the same, not joined yet). ``age`` is how many days the first admission has been in force."""

    rng = demo.rng
    reg = demo.reg
    officer = demo.officer(planner)
    others = [c for c in carriers if c != planner]
    for wanted in kinds:
        # a visit done or overdue needs an admission old enough; else one planned ahead
        too_young = (wanted == "done" and age < 60) or (wanted == "past" and age < 10)
        kind = "planned" if too_young else wanted
        if kind == "done":
            ago = rng.randint(30, min(330, age - 20))
            planned = clock.today() - timedelta(days=ago)
            with days_ago(min(ago + rng.uniform(14, 45), age - 1)):
                visit = plan_visit(
                    reg,
                    officer,
                    provider_id,
                    {"planned_on": planned, "carriers": [], "note": rng.choice(VISIT_NOTES)},
                )
            with days_ago(max(ago - rng.uniform(0, 12), 0.2)):
                record_done(reg, officer, provider_id, visit["id"], planned, rng.choice(FINDINGS))
            stats["done"] += 1
        elif kind == "past":
            # rules.validate_visit_plan allows a day in the past (within a year): a visit whose
            # day has come and that no one has recorded yet (overdue after 30 days)
            ago = rng.randint(2, min(60, age - 5))
            with days_ago(min(ago + rng.uniform(10, 40), age - 1)):
                plan_visit(
                    reg,
                    officer,
                    provider_id,
                    {
                        "planned_on": clock.today() - timedelta(days=ago),
                        "carriers": [],
                        "note": rng.choice(VISIT_NOTES),
                    },
                )
            stats["past"] += 1
        elif kind == "planned" or not others:
            with days_ago(rng.uniform(0.2, min(30.0, max(age - 1, 0.5)))):
                plan_visit(
                    reg,
                    officer,
                    provider_id,
                    {
                        "planned_on": clock.today() + timedelta(days=rng.randint(14, 200)),
                        "carriers": [],
                        "note": rng.choice(VISIT_NOTES),
                    },
                )
            stats["planned"] += 1
        else:  # invited: the guest joins it; invited_open: not yet
            guest = rng.choice(others)
            planned_at = rng.uniform(2, min(40.0, max(age - 1, 2.5)))
            with days_ago(planned_at):
                visit = plan_visit(
                    reg,
                    officer,
                    provider_id,
                    {
                        "planned_on": clock.today() + timedelta(days=rng.randint(20, 180)),
                        "carriers": [guest],
                        "note": "Gemeinsame Hospitation der zulassenden Träger (§8).",
                    },
                )
            if wanted == "invited":
                with days_ago(rng.uniform(0.1, planned_at - 1)):
                    join_visit(reg, demo.officer(guest), provider_id, visit["id"])
                stats["joined"] += 1
            else:
                stats["invited"] += 1


def _complaints(
    demo: DemoRun, provider_id: str, carriers: list[str], age: int, stats: Counter[str]
) -> None:
    """A few complaint counts (1-3) by category and month, entered by admitting carriers."""

    rng = demo.rng
    seen: set[tuple[str, str, str]] = set()
    for _ in range(rng.randint(1, 3)):
        carrier = rng.choice(carriers)
        at = rng.uniform(0.2, min(360.0, max(age - 1, 0.5)))
        category = rng.choices(list(COMPLAINT_WEIGHTS), list(COMPLAINT_WEIGHTS.values()))[0]
        with days_ago(at):
            month = f"{clock.today():%Y-%m}"
            if (carrier, month, category) in seen:
                continue
            seen.add((carrier, month, category))
            count = rng.choices([1, 2, 3], [70, 22, 8])[0]
            record_complaints(
                demo.reg,
                demo.officer(carrier),
                provider_id,
                {"month": month, "category": category, "count": count},
            )
        stats["complaint_entries"] += 1
        stats["complaints"] += count


def _figures(rng: random.Random, groups: list[str], sites: int, scale: float) -> dict[str, Any]:
    """One year's counts, consistent with rules.validate_yearly_figures: each kind of
    provision and the completed cases at most the total; goal reached and return to work at
    most the completed cases."""
    cases = {g: max(1, round(rng.randint(4, 30) * sites * scale)) for g in groups}
    total = sum(cases.values())
    completed = round(total * rng.uniform(0.45, 0.8))
    goal = round(completed * rng.uniform(0.5, 0.85))
    return {
        "cases": cases,
        "provision": {
            "in_person": round(total * rng.uniform(0.6, 0.95)),
            "outreach": round(total * rng.uniform(0.05, 0.3)),
            "remote": round(total * rng.uniform(0.1, 0.4)),
        },
        "completed": completed,
        "goal_reached": goal,
        "return_to_work": round(completed * rng.uniform(0.3, 0.7)),
    }


def _account(demo: DemoRun, rec: ProviderRecord) -> Principal | None:
    """The provider's own account: the one it has, else one created now (a provider without
    an account reports nothing; every account costs a memory-hard password hash)."""

    if rec.account is not None:
        return rec.account
    if demo.accounts >= MAX_ACCOUNTS:
        return None
    demo.accounts += 1
    account = ensure_user(
        demo, provider_username(rec.number), Role.PROVIDER, provider=rec.provider_id
    )
    rec.account = account
    return account


def _reports(
    demo: DemoRun,
    rec: ProviderRecord,
    since: date,
    skip_latest: bool,
    stats: Counter[str],
) -> None:
    """The yearly figures of every ended year the provider owes (rules.years_owed: the last
    ended years since its first admission), each reported in the first quarter after the year
    (a few a little late); ``skip_latest`` leaves the latest year out."""

    rng = demo.rng
    today = clock.today()
    years = rules.years_owed(since, (), today)
    if skip_latest and years:
        years = years[:-1]
        stats["reports_missing"] += 1
    if not years:
        return
    account = _account(demo, rec)
    if account is None:
        return
    rows = demo.reg.repo(AdmissionRepository).admissions_of_provider(rec.provider_id)
    in_force = [r for r in rows if r["status"] in ("admitted", "suspended")]
    groups = sorted({r["target_group"] for r in in_force})
    sites = len({r["site_id"] for r in in_force})
    for year in years:
        # the year the admission began counts only its cases since the admission
        scale = 1.0 if year > since.year else max(0.1, (date(year, 12, 31) - since).days / 365)
        body = _figures(rng, groups, sites, scale)
        on = date(year + 1, 1, 5) + timedelta(days=rng.randint(0, 100))
        on = min(on, today - timedelta(days=1))
        with days_ago((today - on).days + rng.uniform(0, 0.5)):
            report_figures(demo.reg, account, rec.provider_id, year, body)
        stats["reports"] += 1


def seed_quality(demo: DemoRun, records: list[ProviderRecord]) -> Counter[str]:
    """Visits, complaint counts and yearly figures for most providers with an admission in
    force (the choice is drawn from the demo's random generator). The visit states rotate
    over the chosen providers, so that even a small demo has each of them."""
    rng = demo.rng
    repo = demo.reg.repo(QualityRepository)
    today = clock.today()
    stats: Counter[str] = Counter()
    rotation = ("done", "invited", "past", "planned")
    chosen = 0
    for rec in records:
        carriers = repo.admitting_carriers(rec.provider_id)
        since_at = repo.admitted_since(rec.provider_id)
        if not carriers or not since_at or rng.random() >= SHARE:
            continue
        since = date.fromisoformat(since_at[:10])
        age = (today - since).days
        planner = rec.lead if rec.lead in carriers else carriers[0]
        # the first kind rotates; a second carrier is invited wherever there is one
        kinds = [rotation[chosen % len(rotation)]]
        if len(carriers) > 1:
            kinds = [k for k in kinds if k != "invited"] + ["invited"]
            if not stats["invited"] or rng.random() < 0.4:
                kinds.append("invited_open")
        kinds += [k for k in ("done", "planned") if k not in kinds and rng.random() < 0.35]
        chosen += 1
        stats["providers"] += 1
        _visits(demo, rec.provider_id, carriers, planner, age, kinds, stats)
        if rng.random() < 0.5:
            _complaints(demo, rec.provider_id, carriers, age, stats)
        _reports(demo, rec, since, chosen % 10 == 3 or rng.random() < MISSING_LATEST, stats)
    return stats
