"""What a demo provider is made of: its name, sites, languages, target groups, case managers,
concept and the carrier that receives its application."""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import timedelta
from typing import Any

from registry import clock
from seed.demo import words
from seed.demo.geography import Site
from seed.demo.state import FORCED_SCENARIOS, SCENARIO_WEIGHTS, DemoRun, Scenario

# --------------------------------------------------------------------------- providers


_UMLAUTS = {ord("ä"): "ae", ord("ö"): "oe", ord("ü"): "ue", ord("ß"): "ss"}


def slug(text: str) -> str:
    text = text.casefold().translate(_UMLAUTS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:48].strip("-")


def city_of(place: str) -> str:
    """The place name without qualifiers: "Frankfurt am Main" stays, "Kiel, Stadt" -> "Kiel"."""
    return re.split(r"\s*[,(/]", place, maxsplit=1)[0].strip() or place


def make_provider_name(demo: DemoRun, hq: Site) -> tuple[str, str]:
    rng = demo.rng
    city = city_of(hq.place)
    region = rng.choice(words.REGION_WORDS.get(hq.district.state_code, ("Deutschland",)))
    for attempt in range(30):
        pattern, legal_form = rng.choice(words.PROVIDER_PATTERNS)
        base = pattern.format(city=city, region=region if attempt < 10 else city)
        name = f"{base} {legal_form}" if legal_form != "Stiftung" else base
        if attempt >= 20:
            name = f"{base} {hq.district.name.split(',')[0]} {legal_form}"
        if name not in demo.names:
            demo.names.add(name)
            return name, legal_form
    n = 2
    while f"{name} ({n})" in demo.names:
        n += 1
    demo.names.add(f"{name} ({n})")
    return f"{name} ({n})", legal_form


def make_phone(rng: random.Random) -> str:
    return f"0{rng.randint(30, 9999)} {rng.randint(100000, 9999999)}"


def pick_scenario(demo: DemoRun, number: int) -> Scenario:
    if number <= len(FORCED_SCENARIOS):
        return FORCED_SCENARIOS[number - 1]
    return demo.rng.choices(list(SCENARIO_WEIGHTS), weights=list(SCENARIO_WEIGHTS.values()))[0]


def pick_sites(demo: DemoRun, number: int, scenario: Scenario) -> list[Site]:
    rng = demo.rng
    geo = demo.geo
    # The first providers' headquarters go round the regional carriers, so that every
    # region has providers even in a small demo; afterwards by population.
    hq_carrier = geo.regional[(number - 1) % len(geo.regional)] if number <= 14 else None
    hq = geo.site_in(geo.headquarters_district(hq_carrier), set())
    count = rng.choices([1, 2, 3, 4], weights=[45, 30, 15, 10])[0]
    if scenario is Scenario.FOLLOW_ON_OPEN:
        count = max(count, 2)
    sites = [hq]
    used = {hq.postal_code}
    for k in range(1, count):
        foreign = (scenario is Scenario.FOLLOW_ON_OPEN and k == 1) or rng.random() < 0.3
        site = geo.site_in(geo.further_district(hq.district, foreign), used)
        used.add(site.postal_code)
        sites.append(site)
    return sites


def pick_languages(rng: random.Random) -> tuple[list[str], bool]:
    extra = rng.choices([0, 1, 2], weights=[45, 35, 20])[0]
    pool = [code for code, _ in words.LANGUAGES]
    weights = [w for _, w in words.LANGUAGES]
    chosen: list[str] = []
    while len(chosen) < extra:
        code = rng.choices(pool, weights)[0]
        if code not in chosen:
            chosen.append(code)
    return chosen, rng.random() < 0.06


def make_site_body(
    demo: DemoRun,
    site: Site,
    headquarters: bool,
    provider_name: str,
    spoken: list[str],
    sign: bool,
    site_names: set[str],
) -> dict[str, Any]:
    rng = demo.rng
    city = city_of(site.place)
    name = f"Hauptsitz {city}" if headquarters else f"{rng.choice(words.SITE_PREFIXES)} {city}"
    while name in site_names:
        name += " II"
    site_names.add(name)
    catchment = rng.choice([20, 25, 30, 40, 50, 60, 70, 80])
    outreach: float | None = None
    if rng.random() < 0.4:
        outreach = float(rng.choice([10, 15, 20, 30, 40, 50]))
        outreach = min(outreach, float(catchment))
    barrier_free = rng.random() < 0.75
    languages = ["de"] + [c for c in spoken if rng.random() < 0.85] + (["dgs"] if sign else [])
    return {
        "name": name,
        "headquarters": headquarters,
        "address": {
            "street": f"{rng.choice(words.STREETS)} {rng.randint(1, 120)}",
            "postal_code": site.postal_code,
            "place": site.place,
        },
        "catchment_radius_km": float(catchment),
        "outreach_radius_km": outreach,
        "public_transport": rng.random() < 0.9,
        "barrier_free": barrier_free,
        "rooms_for_individual_talks": True,
        "rooms_for_relatives": True,
        "languages": languages,
        "details": {
            "opening_hours": rng.choice(words.OPENING_HOURS),
            "counselling_modes": {
                "in_person": True,
                "home_visits": outreach is not None,
                "phone": rng.random() < 0.8,
                "video": rng.random() < 0.5,
            },
            "accepts_new_cases": rng.random() < 0.85,
            "waiting_time_weeks": rng.choice([0, 0, 1, 2, 2, 3, 4, 6, 8]),
            "accessibility_notes": rng.choice(words.ACCESSIBILITY_NOTES) if barrier_free else "",
            "description": (
                f"{provider_name}: Fallmanagement für Versicherte der Rentenversicherung in "
                f"{city} und Umgebung, Beratung vor Ort"
                + (", telefonisch und per Video." if rng.random() < 0.5 else " und telefonisch.")
            ),
            "contact_email": "",
            "contact_phone": make_phone(rng),
        },
    }


def pick_target_groups(
    rng: random.Random, spoken: list[str], sign: bool, outreach: bool, at_least: int
) -> list[str]:
    groups: list[str] = []
    if spoken and rng.random() < 0.7:
        groups.append("language-barrier")
    if sign:
        groups.append("hearing-impairment")
    if outreach and rng.random() < 0.5:
        groups.append("outreach")
    pool = [g for g, _ in words.INDICATION_GROUPS]
    weights = [w for _, w in words.INDICATION_GROUPS]
    wanted = max(rng.choices([1, 2, 3], weights=[40, 40, 20])[0], at_least - len(groups))
    added = 0
    while added < wanted:
        g = rng.choices(pool, weights)[0]
        if g not in groups:
            groups.append(g)
            added += 1
    return groups[:5]


def make_case_managers(
    demo: DemoRun,
    count: int,
    groups: list[str],
    uncovered: str | None,
    spoken: list[str],
    sign: bool,
    today_ago: float,
) -> list[dict[str, Any]]:
    """Case managers: the first two fully qualified (path A, recognised certificate); the
    rest mixed (training in progress, path B, comparable qualification: advisory findings)."""
    rng = demo.rng
    today = clock.today() - timedelta(days=today_ago)
    covered = [g for g in groups if g != uncovered]
    names: set[str] = set()
    out: list[dict[str, Any]] = []
    for i in range(count):
        while True:
            name = f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}"
            if name not in names:
                names.add(name)
                break
        kind = (
            "a" if i < 2 else rng.choices(["a", "training", "b", "comparable"], [70, 12, 8, 10])[0]
        )
        degree = (
            rng.choices(
                ["social-work", "social-pedagogy", "pedagogy", "psychology"], [45, 30, 10, 15]
            )[0]
            if kind != "b"
            else rng.choice(["vocational", "other"])
        )
        joined = today - timedelta(days=rng.randint(200, 4000))
        cm: dict[str, Any] = {
            "name": name,
            "degree": degree,
            "counselling_years": rng.randint(5 if kind == "b" else 2, 20) + rng.choice([0, 0.5]),
            "social_law_units": rng.randint(40, 120)
            if degree == "psychology"
            else rng.randint(0, 80),
            "counselling_units": 0,
            "total_units": 0,
            "certificates": [],
            "languages": ["de"],
            "training_started_on": None,
            "joined_on": joined,
            "target_groups": [],
            "competence_evidence": "",
        }
        if kind in ("a", "b"):
            cm["certificates"] = [
                rng.choices(
                    [
                        "drv-curriculum",
                        "case-manager-dgcc",
                        "case-manager-dgcc-participation",
                        "disability-manager-dguv",
                    ],
                    [35, 35, 15, 15],
                )[0]
                if kind == "a"
                else "case-manager-dgcc"
            ]
        elif kind == "comparable":
            cm["certificates"] = ["comparable"]
        else:  # training started within 12 months of joining, not yet due (Q3)
            started = today - timedelta(days=rng.randint(30, 400))
            cm["training_started_on"] = started
            cm["joined_on"] = started - timedelta(days=rng.randint(0, 300))
        if spoken and rng.random() < 0.5:
            cm["languages"].append(rng.choice(spoken))
        if sign and i == 0:
            cm["languages"].append("dgs")
        out.append(cm)
    # Q8: every covered group has one or two case managers with competence and evidence.
    for g in covered:
        for cm in rng.sample(out, min(len(out), rng.choice([1, 1, 2]))):
            cm["target_groups"].append(g)
    for cm in out:
        if not cm["target_groups"] and covered:
            cm["target_groups"].append(rng.choice(covered))
        cm["target_groups"] = [g for g in groups if g in cm["target_groups"]]
        cm["competence_evidence"] = "; ".join(
            rng.choice(words.COMPETENCE_EVIDENCE[g]) for g in cm["target_groups"]
        )
    return out


def make_concept(demo: DemoRun, provider_name: str, missing: int) -> dict[str, str]:
    sections = list(demo.reg.reference.concept_sections)
    dropped = {s.code for s in demo.rng.sample(sections, missing)} if missing else set()
    return {
        s.code: f"{s.label}: im Konzept von {provider_name} beschrieben (Abschnitt {i + 1})."
        for i, s in enumerate(sections)
        if s.code not in dropped
    }


def pick_receiving_carrier(demo: DemoRun, number: int, hq: Site) -> str:
    r = demo.rng.random()
    if number == 1 or r < 0.8:
        return hq.district.carrier
    if r < 0.9:
        return demo.rng.choice(["drv-bund", "drv-bund", "drv-knappschaft-bahn-see"])
    return demo.rng.choice(demo.geo.regional)  # often not responsible: forwarded (A3)
