"""Synthetic demo data, created through the services so that every rule applies.

``registry seed demo [--providers N] [--seed S]`` (API.md "Command line") calls
:func:`seed_demo`. It creates

* users of every role: ``admin`` (unscoped) and, for every carrier, ``zulassung.<suffix>``,
  ``fallmanagement.<suffix>``, ``reha.<suffix>``, ``netzwerk.<suffix>`` and ``admin.<suffix>``
  (suffix: the carrier id without ``drv-``), plus ``anbieter.demo`` for the first demo provider,
  ``anbieter.<n>`` for providers 2–5 and for every provider that withdraws an application;
* a few joint announcements (A12);
* ``N`` providers with 1–4 sites at real postal codes, weighted by district population and
  spread over every regional carrier's region, and one application each, taken through the
  workflow to every state: submitted (some overdue, A5), decided and fully admitted (with
  follow-on admissions by the other carriers, A7), decided with follow-on tasks still open
  (some overdue), refused, partially admitted (a target group without a competent case manager
  refused, Q8), withdrawn (A9), suspended and revoked (A9); some admissions are reviewed (A14),
  older notices are acknowledged (A8);
* carrier profiles (contacts, Q0), contracts (A13), site confirmations and stale data, staff
  changes (A15) through the use cases of ``registry.lifecycle``; network partners of all 16
  types and agreements of every kind and state through the ``registry.network`` use cases (see
  :data:`EXTENSIONS` and ``seed/demo_lifecycle.py``, ``seed/demo_network.py``).

Past dates come from moving :mod:`registry.clock` back before a step and resetting it after.
The same seed gives the same data (names, statuses, ids); a second run on the same data
directory keeps the existing users and adds ``N`` more providers. The clock is process-wide:
run the generator before ``registry serve`` (as ``make run`` does), not through a running
server, or the server's requests see the shifted clock meanwhile.
"""

from __future__ import annotations

import os
import random
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Any

from registry import clock, ids
from registry.admission.announcements import confirm_announcement, create_announcement
from registry.admission.applications import get_application, withdraw_application
from registry.admission.decisions import admit_follow_on, decide_application, list_follow_ons
from registry.admission.provider_repository import ProviderRepository
from registry.admission.providers import register_provider
from registry.admission.repository import AdmissionRepository
from registry.admission.site_admissions import change_site_admission, review_site_admission
from registry.admission.submission import submit_application
from registry.auth import Principal, Role
from registry.auth.repository import UserRepository, UserRow
from registry.context import Registry
from registry.directory.projection import drain
from registry.errors import DomainError
from registry.geo import GeocodingError, distance_km
from registry.reference import District, Reference
from seed import demo_words as words

DEFAULT_PASSWORD = "demo-passwort-2026"
PROVIDER_ACCOUNTS = 5  # providers 1..5 register themselves with an account
MAX_ACCOUNTS = 150  # further provider accounts per run (each costs an argon2 hash)

CARRIER_ROLES: tuple[tuple[str, Role], ...] = (
    ("zulassung", Role.ADMISSIONS_OFFICER),
    ("fallmanagement", Role.CASE_MANAGER),
    ("reha", Role.DIRECTORY_READER),
    ("netzwerk", Role.NETWORK_STRATEGIST),
    ("admin", Role.ADMIN),
)


class Scenario(StrEnum):
    """Where a provider's application ends up."""

    ADMITTED = "admitted"
    FOLLOW_ON_OPEN = "follow_on_open"
    SUBMITTED = "submitted"
    REFUSED = "refused"
    PARTIAL = "partial"
    WITHDRAWN = "withdrawn"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


# The first providers take every scenario once (so even a small demo shows every state);
# the rest are drawn with these weights.
FORCED_SCENARIOS: tuple[Scenario, ...] = (
    Scenario.ADMITTED,
    Scenario.FOLLOW_ON_OPEN,
    Scenario.SUBMITTED,
    Scenario.REFUSED,
    Scenario.PARTIAL,
    Scenario.WITHDRAWN,
    Scenario.SUSPENDED,
    Scenario.REVOKED,
)
SCENARIO_WEIGHTS: dict[Scenario, int] = {
    Scenario.ADMITTED: 56,
    Scenario.FOLLOW_ON_OPEN: 10,
    Scenario.SUBMITTED: 10,
    Scenario.REFUSED: 5,
    Scenario.PARTIAL: 7,
    Scenario.WITHDRAWN: 4,
    Scenario.SUSPENDED: 4,
    Scenario.REVOKED: 4,
}

STATUS_LABELS = {
    "submitted": "eingereicht",
    "decided": "entschieden",
    "refused": "abgelehnt",
    "withdrawn": "zurückgezogen",
}

REVIEW_DAYS = 1096  # A14 default: 36 months


def carrier_suffix(carrier_id: str) -> str:
    return carrier_id.removeprefix("drv-")


def provider_username(number: int) -> str:
    """The account name of demo provider ``number`` (1-based)."""
    return "anbieter.demo" if number == 1 else f"anbieter.{number}"


def staff_users(reference: Reference) -> list[tuple[str, Role, str | None]]:
    """(username, role, carrier) of every demo user that is not a provider account."""
    out: list[tuple[str, Role, str | None]] = [("admin", Role.ADMIN, None)]
    for carrier in reference.carriers:
        for prefix, role in CARRIER_ROLES:
            out.append((f"{prefix}.{carrier_suffix(carrier.id)}", role, carrier.id))
    return out


# --------------------------------------------------------------------------- geography


@dataclass(frozen=True)
class _Site:
    """A picked address: a postal place that resolves to exactly its district."""

    postal_code: str
    place: str
    district: District


class _Geography:
    """Picks districts weighted by population and postal places in them."""

    NEAR_KM = 130.0

    def __init__(self, reg: Registry, rng: random.Random) -> None:
        self.reg = reg
        self.rng = rng
        ref: Reference = reg.reference
        self.districts = [d for d in ref.districts if ref.postal_codes_of_district(d.key)]
        self.weights = [max(d.population, 1) for d in self.districts]
        self.regional = [c.id for c in ref.regional_carriers()]
        self.by_carrier: dict[str, list[District]] = {c: [] for c in self.regional}
        for d in self.districts:
            self.by_carrier.setdefault(d.carrier, []).append(d)
        self._places: dict[str, tuple[list[tuple[str, list[str]]], list[int]]] = {}
        self.near: dict[str, list[District]] = {
            d.key: [
                o for o in self.districts if distance_km(d.lat, d.lon, o.lat, o.lon) <= self.NEAR_KM
            ]
            for d in self.districts
        }

    def _weighted(self, pool: Sequence[District]) -> District:
        return self.rng.choices(pool, weights=[max(d.population, 1) for d in pool])[0]

    def headquarters_district(self, carrier: str | None) -> District:
        if carrier:
            return self._weighted(self.by_carrier[carrier])
        return self.rng.choices(self.districts, weights=self.weights)[0]

    def further_district(self, hq: District, foreign: bool) -> District:
        """A district near the headquarters, in its carrier's region or (foreign) another's."""
        near = [d for d in self.near[hq.key] if (d.carrier != hq.carrier) == foreign]
        if near:
            return self._weighted(near)
        pool = [d for d in self.districts if (d.carrier != hq.carrier) == foreign]
        return self._weighted(pool)

    def _places_of(self, district: District) -> tuple[list[tuple[str, list[str]]], list[int]]:
        """The district's place names with their postal codes; a place weighs the square of
        its number of postal codes, so that towns (many codes) win over villages (one)."""
        cached = self._places.get(district.key)
        if cached is None:
            ref: Reference = self.reg.reference
            by_place: dict[str, list[str]] = {}
            for code in ref.postal_codes_of_district(district.key):
                for p in ref.places(code):
                    if p.district_key == district.key:
                        by_place.setdefault(p.place, []).append(code)
            items = sorted(by_place.items())
            cached = (items, [len(codes) ** 2 for _, codes in items])
            self._places[district.key] = cached
        return cached

    def site_in(self, district: District, avoid: set[str]) -> _Site:
        """A postal place of the district that the geocoder resolves to it unambiguously."""
        items, weights = self._places_of(district)
        for attempt in range(30):
            place, codes = self.rng.choices(items, weights)[0]
            code = self.rng.choice(codes)
            if code in avoid and attempt < 10:
                continue
            try:
                resolved = self.reg.geocoder.resolve(code, place)
            except GeocodingError:  # e.g. ambiguous without a street: try another code
                continue
            if resolved.district_key == district.key:
                return _Site(code, place, district)
        raise RuntimeError(f"no resolvable postal place in district {district.key}")


# --------------------------------------------------------------------------- the run


@dataclass
class _Announcement:
    id: str
    state: str
    target_groups: tuple[str, ...]
    open_until_days_ago: float  # negative: open until that many days from now
    created_days_ago: float


@dataclass
class DemoRun:
    reg: Registry
    rng: random.Random
    password: str
    geo: _Geography
    users: dict[str, Principal] = field(default_factory=dict)
    users_created: int = 0
    names: set[str] = field(default_factory=set)
    announcements: list[_Announcement] = field(default_factory=list)
    stats: Counter[str] = field(default_factory=Counter)
    records: list[ProviderRecord] = field(default_factory=list)
    accounts: int = 0  # provider accounts created by this run

    def officer(self, carrier: str) -> Principal:
        return self.users[f"zulassung.{carrier_suffix(carrier)}"]

    def strategist(self, carrier: str) -> Principal:
        return self.users[f"netzwerk.{carrier_suffix(carrier)}"]


@contextmanager
def days_ago(days: float) -> Iterator[None]:
    """Run a step as if it happened ``days`` days ago (then put the clock back)."""
    clock.reset()
    clock.shift(-timedelta(days=days))
    try:
        yield
    finally:
        clock.reset()


def _principal(row: UserRow) -> Principal:
    return Principal(
        user_id=row["id"],
        username=row["username"],
        role=Role(row["role"]),
        carrier=row["carrier"] or None,
        provider=row["provider"] or None,
    )


def _ensure_user(
    demo: DemoRun,
    username: str,
    role: Role,
    carrier: str | None = None,
    provider: str | None = None,
) -> Principal:
    """The user's principal; creates the user (through the service) unless it exists."""
    from registry.auth.service import add_user

    existing = demo.reg.repo(UserRepository).by_username(username)
    if existing is not None:
        principal = _principal(existing)
    else:
        user_id = add_user(
            demo.reg,
            username=username,
            password=demo.password,
            role=role.value,
            carrier=carrier,
            provider=provider,
        )
        demo.users_created += 1
        principal = Principal(user_id, username, role, carrier, provider)
    demo.users[username] = principal
    return principal


def _create_staff_users(demo: DemoRun) -> None:
    for username, role, carrier in staff_users(demo.reg.reference):
        _ensure_user(demo, username, role, carrier)


def seed_demo(
    reg: Registry,
    *,
    providers: int = 60,
    seed: int = 1,
    password: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> str:
    """Create demo data through the services; returns a German one-line summary.

    ``password`` defaults to ``$REGISTRY_PASSWORD``, else ``DEFAULT_PASSWORD``; ``progress``
    (optional) is called with (step, done, total) while providers are created."""
    started = time.monotonic()
    password = password or os.environ.get("REGISTRY_PASSWORD") or DEFAULT_PASSWORD
    existing = reg.repo(ProviderRepository).all_providers()
    offset = len(existing)
    rerun = reg.repo(UserRepository).by_username("anbieter.demo") is not None
    rng = random.Random(f"demo:{seed}:{offset}")
    ids.seed_ids(seed if offset == 0 else seed * 1_000_003 + offset)
    demo = DemoRun(reg, rng, password, _Geography(reg, rng))
    demo.names.update(p["name"] for p in existing)
    parts: list[str] = []
    # Every service still writes its outbox rows in its own unit of work; only the search
    # index update after each call (a tantivy commit, ~50 ms) is deferred to one drain at the
    # end (registry.directory.projection.try_drain honours the flag).
    deferred = reg.defer_index
    reg.defer_index = True
    try:
        _create_staff_users(demo)
        if not rerun:
            from seed.demo_lifecycle import seed_carrier_profiles

            seed_carrier_profiles(demo)
        if not reg.repo(AdmissionRepository).announcements():
            _create_announcements(demo)
        for i in range(providers):
            _seed_provider(demo, offset + i + 1)
            if progress:
                progress("providers", i + 1, providers)
        _review_due_admissions(demo)
        if progress:
            progress("reviews", providers, providers)
        for name, extension in EXTENSIONS:
            parts.append(f"{name}: {extension(demo, providers)}")
            if progress:
                progress(name, providers, providers)
        _acknowledge_notices(demo)
        if progress:
            progress("notices", providers, providers)
    finally:
        clock.reset()
        ids.seed_ids(None)  # later ids (the server's) are random again
        reg.defer_index = deferred
    drain(reg)
    statuses = ", ".join(
        f"{STATUS_LABELS.get(k, k)} {v}"
        for k, v in sorted(demo.stats.items())
        if k in STATUS_LABELS
    )
    head = (
        f"Demo-Benutzer waren schon vorhanden; {providers} weitere Anbieter ergänzt "
        f"(jetzt {offset + providers})"
        if rerun
        else f"Demodaten angelegt: {providers} Anbieter"
    )
    return (
        f"{head} (Seed {seed}): {demo.stats['sites']} Standorte, {providers} Anträge "
        f"({statuses}), {demo.stats['follow_ons_open']} offene Folgezulassungen, "
        f"{demo.users_created} Benutzer neu, {demo.stats['announcements']} Bekanntmachungen, "
        f"{demo.stats['notices_acknowledged']} Hinweise bestätigt; "
        + "; ".join(parts)
        + f"; Passwort aller Demo-Benutzer: $REGISTRY_PASSWORD bzw. {DEFAULT_PASSWORD!r}"
        f" ({time.monotonic() - started:.1f} s)."
    )


# --------------------------------------------------------------------------- announcements


def _create_announcements(demo: DemoRun) -> None:
    """A12: a few joint announcements, one of them already closed."""
    from registry.api.schemas import AnnouncementIn

    ref: Reference = demo.reg.reference
    rng = demo.rng
    regional = [c.id for c in ref.regional_carriers()]
    plans = [(c, rng.uniform(5, 90), -rng.uniform(30, 180)) for c in rng.sample(regional, 4)]
    closed_author = rng.choice([c for c in regional if c not in {p[0] for p in plans}])
    plans.append((closed_author, rng.uniform(200, 300), rng.uniform(20, 100)))
    for author, created_ago, until_ago in plans:
        district = demo.geo.headquarters_district(author)
        groups = sorted(
            {
                rng.choices(
                    [g for g, _ in words.INDICATION_GROUPS], [w for _, w in words.INDICATION_GROUPS]
                )[0]
                for _ in range(2)
            }
        )
        partners = [author, "drv-bund"] + (
            ["drv-knappschaft-bahn-see"] if rng.random() < 0.5 else []
        )
        labels = ", ".join(ref.target_group(g).label for g in groups)
        names = " und ".join(ref.carrier(c).name for c in partners)
        text = (
            f"{names} suchen gemeinsam Leistungsanbieter für das Fallmanagement in "
            f"{district.state}, Zielgruppen: {labels}. Anträge können bei jedem der "
            "genannten Träger gestellt werden."
        )
        with days_ago(created_ago):
            open_until = (clock.today() + timedelta(days=created_ago - until_ago)).isoformat()
            body = AnnouncementIn.model_validate(
                {
                    "carriers": partners,
                    "target_groups": groups,
                    "state": district.state,
                    "text": text,
                    "open_until": open_until,
                }
            ).model_dump()
            created = create_announcement(demo.reg, demo.strategist(author), body)
            # rule N4: each other named carrier confirms before the announcement is published
            for other in partners:
                if other != author:
                    confirm_announcement(demo.reg, demo.strategist(other), created["id"])
        demo.announcements.append(
            _Announcement(created["id"], district.state, tuple(groups), until_ago, created_ago)
        )
        demo.stats["announcements"] += 1


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


def _provider_name(demo: DemoRun, hq: _Site) -> tuple[str, str]:
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


def _phone(rng: random.Random) -> str:
    return f"0{rng.randint(30, 9999)} {rng.randint(100000, 9999999)}"


def _scenario(demo: DemoRun, number: int) -> Scenario:
    if number <= len(FORCED_SCENARIOS):
        return FORCED_SCENARIOS[number - 1]
    return demo.rng.choices(list(SCENARIO_WEIGHTS), weights=list(SCENARIO_WEIGHTS.values()))[0]


def _pick_sites(demo: DemoRun, number: int, scenario: Scenario) -> list[_Site]:
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


def _languages(rng: random.Random) -> tuple[list[str], bool]:
    extra = rng.choices([0, 1, 2], weights=[45, 35, 20])[0]
    pool = [code for code, _ in words.LANGUAGES]
    weights = [w for _, w in words.LANGUAGES]
    chosen: list[str] = []
    while len(chosen) < extra:
        code = rng.choices(pool, weights)[0]
        if code not in chosen:
            chosen.append(code)
    return chosen, rng.random() < 0.06


def _site_body(
    demo: DemoRun,
    site: _Site,
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
            "contact_phone": _phone(rng),
        },
    }


def _target_groups(
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


def _case_managers(
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


def _concept(demo: DemoRun, provider_name: str, missing: int) -> dict[str, str]:
    sections = list(demo.reg.reference.concept_sections)
    dropped = {s.code for s in demo.rng.sample(sections, missing)} if missing else set()
    return {
        s.code: f"{s.label}: im Konzept von {provider_name} beschrieben (Abschnitt {i + 1})."
        for i, s in enumerate(sections)
        if s.code not in dropped
    }


def _receiving_carrier(demo: DemoRun, number: int, hq: _Site) -> str:
    r = demo.rng.random()
    if number == 1 or r < 0.8:
        return hq.district.carrier
    if r < 0.9:
        return demo.rng.choice(["drv-bund", "drv-bund", "drv-knappschaft-bahn-see"])
    return demo.rng.choice(demo.geo.regional)  # often not responsible: forwarded (A3)


# --------------------------------------------------------------------------- the workflow


@dataclass
class Timeline:
    """Days before today of each step (larger = earlier)."""

    submitted: float
    decided: float | None = None
    follow_on: float | None = None
    after: float | None = None  # suspension, revocation or withdrawal
    withdraw_before_decision: bool = False


@dataclass
class ProviderRecord:
    """What the generator did for one provider (later steps build on it)."""

    number: int
    provider_id: str
    application_id: str
    lead: str
    scenario: Scenario
    times: Timeline
    account: Principal | None
    status: str


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


def _seed_provider(demo: DemoRun, number: int) -> None:
    from registry.api.schemas import ApplicationIn

    rng = demo.rng
    reg = demo.reg
    scenario = _scenario(demo, number)
    times = _timeline(rng, scenario)
    sites = _pick_sites(demo, number, scenario)
    hq = sites[0]
    name, legal_form = _provider_name(demo, hq)
    org = slug(name)
    provider = {
        "name": name,
        "legal_form": legal_form,
        "email": f"kontakt@{org}.example",
        "phone": _phone(rng),
        "website": f"https://www.{org}.example",
    }
    spoken, sign = _languages(rng)
    site_names: set[str] = set()
    site_bodies = [
        _site_body(demo, s, i == 0, name, spoken, sign, site_names) for i, s in enumerate(sites)
    ]
    outreach = any(s["outreach_radius_km"] for s in site_bodies)
    groups = _target_groups(rng, spoken, sign, outreach, 2 if scenario is Scenario.PARTIAL else 1)
    uncovered = rng.choice(groups[1:]) if scenario is Scenario.PARTIAL else None
    decided_kind = scenario not in (Scenario.SUBMITTED,)
    missing_sections = (
        rng.choice([1, 2]) if number in (3, 9) or (number > 10 and rng.random() < 0.08) else 0
    )
    single = number == 10 or (number > 10 and decided_kind and rng.random() < 0.05)
    count = 1 if single else rng.choice([2, 2, 3, 3, 4, 5, 6])
    case_managers = _case_managers(demo, count, groups, uncovered, spoken, sign, times.submitted)
    receiving = _receiving_carrier(demo, number, hq)
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
        "concept": _concept(demo, name, missing_sections),
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
            applicant = _ensure_user(demo, username, Role.PROVIDER, provider=created["id"])
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
            account = _ensure_user(demo, username, Role.PROVIDER, provider=provider_id)
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


def _review_due_admissions(demo: DemoRun) -> None:
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


def _acknowledge_notices(demo: DemoRun) -> None:
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


# --------------------------------------------------------------------------- later parts


def _seed_lifecycle(demo: DemoRun, providers: int) -> str:
    """Contracts (A13), confirmed and stale site data, staff changes (A15)."""
    from seed import demo_lifecycle as lifecycle

    contracts = lifecycle.seed_contracts(demo, demo.records)
    confirmed = lifecycle.seed_site_confirmations(demo, demo.records)
    staff = lifecycle.seed_staff_changes(demo, demo.records)
    return (
        f"{contracts['recorded']} Verträge erfasst, {contracts['pending']} ausstehend; "
        f"{confirmed} Standortdaten bestätigt; Personaländerungen: "
        f"{staff['add']} neu, {staff['qualify']} nachqualifiziert, {staff['leave']} ausgeschieden"
    )


def _seed_network(demo: DemoRun, providers: int) -> str:
    """Partners (about five per provider: 300 for the default) and agreements (about 80)."""
    from seed import demo_network as network

    partners = network.seed_partners(demo, providers)
    fates = network.seed_agreements(demo, partners, providers)
    labels = {
        "draft": "Entwurf",
        "active": "aktiv",
        "active_review_due": "aktiv mit Überprüfung fällig/bald fällig",
        "override": "unvollständig aktiviert",
        "suspended": "ausgesetzt",
        "terminated": "beendet",
        "expired": "abgelaufen",
    }
    detail = ", ".join(f"{labels[k]} {v}" for k, v in sorted(fates.items()))
    return f"{len(partners)} Partner, {sum(fates.values())} Vereinbarungen ({detail})"


def _seed_quality(demo: DemoRun, providers: int) -> str:
    """A16: visits in every state, complaint counts and yearly figures (seed/demo_quality.py)."""
    from registry.words import count
    from seed import demo_quality as quality

    q = quality.seed_quality(demo, demo.records)
    visits = q["planned"] + q["invited"] + q["joined"] + q["past"] + q["done"]
    return (
        f"{q['providers']} Anbieter mit QS-Daten; {visits} Hospitationen ({q['planned']} "
        f"geplant, {q['invited']} mit Einladung eines zweiten Trägers, {q['joined']} mit "
        f"Beitritt, {q['past']} fällig und noch nicht erfasst, {q['done']} durchgeführt); "
        f"{count(q['complaints'], 'Beschwerde', 'Beschwerden')} in "
        f"{count(q['complaint_entries'], 'Eintrag', 'Einträgen')}; "
        f"{count(q['reports'], 'Jahresbericht', 'Jahresberichte')}, bei "
        f"{count(q['reports_missing'], 'Anbieter', 'Anbietern')} fehlt der letzte Bericht"
    )


EXTENSIONS: tuple[tuple[str, Callable[[DemoRun, int], str]], ...] = (
    ("Verträge und Personal", _seed_lifecycle),
    ("Netzwerk", _seed_network),
    ("Qualität", _seed_quality),
)
"""Later parts of the demo, each one function of (demo, providers) -> German summary; they run
after the providers and their applications (``demo.records``)."""
