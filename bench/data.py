"""Synthetic benchmark data: providers, sites, admissions and cases, and their bulk load.

Everything is derived from one seed, so two runs with the same arguments see the same data.
Places are real (``reference.postal_places``); a site's or a case's district is drawn weighted
by the district's population, then one of its postal places uniformly, then the point is moved
by up to ~1.5 km so sites of one postal code do not all share one coordinate.

Admission states follow the procedure (rules A5-A9): per provider a lead carrier (the one of
its headquarters) decides each target group (mostly admitted, some refused); sites in the lead's
region are admitted at once, the others mostly by their own carrier's follow-on admission, some
still ``awaiting_follow_on``; a few admitted groups are later suspended, revoked or withdrawn;
some providers have a pending application for one more group. A few providers and sites are
inactive. The rows have the shape the graph queries return, so
`registry.directory.projection.site_documents_from_rows` turns them into the very documents
the projection builds from the graph (the PostGIS baseline is loaded from those).
"""

from __future__ import annotations

import json
import random
import re
from bisect import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from typing import Any

from registry.graph.ports import GraphStore, Tx
from registry.reference import District, PostalPlace, Reference
from seed.demo import words

LOAD_BATCH = 2000
TODAY = date(2026, 3, 1)

# Words for site descriptions per target group (what a provider would write, and what case
# managers type into the free-text field).
GROUP_WORDS: dict[str, str] = {
    "addiction": "Suchtberatung und Nachsorge",
    "mental-health": "psychosoziale Beratung bei psychischen Erkrankungen",
    "oncology": "Begleitung nach Krebserkrankungen",
    "cardiology": "Rückkehr in Arbeit nach Herzerkrankungen",
    "neurological": "neuropsychologische Begleitung",
    "cognitive-impairment": "Leichte Sprache, Unterstützung bei kognitiven Einschränkungen",
    "visual-impairment": "Beratung für sehbehinderte Menschen, Braille",
    "hearing-impairment": "Beratung in Gebärdensprache",
    "language-barrier": "muttersprachliche Beratung, Dolmetscherdienste",
    "specific-care-structures": "Kenntnis der regionalen Versorgungsstrukturen",
    "outreach": "aufsuchende Beratung zu Hause",
}

# Free-text queries of cases: prefixes, folded spellings and typos (rule E3).
TEXT_QUERIES: tuple[str, ...] = (
    "Sucht",
    "Suchtberatung",
    "Suchtberatug",
    "gebardensprache",
    "Gebärdensprache",
    "psychosozial",
    "Caritas",
    "Diakonie",
    "Diakonei",
    "AWO",
    "Lotsenhaus",
    "Krebs",
    "Herz",
    "aufsuchende Beratung",
    "Nachsorge",
    "Braille",
    "Teilhabe",
)


@dataclass(frozen=True)
class BenchCase:
    """One search as a case manager would enter it."""

    carrier: str
    postal_code: str
    place: str
    lat: float
    lon: float
    target_groups: tuple[str, ...]
    languages: tuple[str, ...] = ()
    barrier_free: bool = False
    outreach: bool = False
    max_distance_km: float | None = None
    q: str = ""

    def query_params(self) -> list[tuple[str, str]]:
        """The query string of GET /api/v1/directory/search for this case."""
        params = [
            ("carrier", self.carrier),
            ("postal_code", self.postal_code),
            ("place", self.place),
        ]
        params.extend(("target_group", g) for g in self.target_groups)
        params.extend(("language", lang) for lang in self.languages)
        if self.barrier_free:
            params.append(("barrier_free", "true"))
        if self.outreach:
            params.append(("outreach", "true"))
        if self.max_distance_km is not None:
            params.append(("max_distance_km", f"{self.max_distance_km:g}"))
        if self.q:
            params.append(("q", self.q))
        return params


@dataclass
class Dataset:
    """Rows ready for the graph (same keys as the graph queries return)."""

    providers: list[dict[str, Any]] = field(default_factory=list)
    sites: list[dict[str, Any]] = field(default_factory=list)
    admissions: list[dict[str, Any]] = field(default_factory=list)

    def status_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for a in self.admissions:
            counts[a["status"]] = counts.get(a["status"], 0) + 1
        return dict(sorted(counts.items()))


class Geography:
    """Population-weighted draws of real places."""

    def __init__(self, reference: Reference) -> None:
        places: dict[str, list[PostalPlace]] = {}
        for p in reference.postal_places:
            places.setdefault(p.district_key, []).append(p)
        self.districts: list[District] = [d for d in reference.districts if places.get(d.key)]
        self.places = places
        self._cum = list(accumulate(max(d.population, 1) for d in self.districts))
        self.by_state: dict[str, list[District]] = {}
        for d in self.districts:
            self.by_state.setdefault(d.state_code, []).append(d)
        self._state_cum = {
            code: list(accumulate(max(d.population, 1) for d in ds))
            for code, ds in self.by_state.items()
        }

    def district(self, rng: random.Random, state_code: str | None = None) -> District:
        if state_code is None:
            return self.districts[bisect(self._cum, rng.random() * self._cum[-1])]
        cum = self._state_cum[state_code]
        return self.by_state[state_code][bisect(cum, rng.random() * cum[-1])]

    def place(self, rng: random.Random, district: District) -> PostalPlace:
        return rng.choice(self.places[district.key])


def city_of(place: str) -> str:
    return re.split(r"\s*[,(/]", place, maxsplit=1)[0].strip() or place


def _jitter(rng: random.Random, lat: float, lon: float) -> tuple[float, float]:
    return lat + rng.uniform(-0.012, 0.012), lon + rng.uniform(-0.018, 0.018)


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _site_counts(rng: random.Random, providers: int, sites: int) -> list[int]:
    """Sites per provider: mostly 1-5, a long tail of larger organisations; sums to `sites`."""
    counts = [
        rng.choices([1, 2, 3, 4, 5, 6, 8, 10, 14, 20], weights=[20, 18, 15, 12, 10, 8, 7, 5, 3, 2])[
            0
        ]
        for _ in range(providers)
    ]
    total = sum(counts)
    while total != sites:
        i = rng.randrange(providers)
        if total < sites:
            counts[i] += 1
            total += 1
        elif counts[i] > 1:
            counts[i] -= 1
            total -= 1
    return counts


@dataclass
class _ProviderPlan:
    id: str
    name: str
    lead: str
    hq_state: str
    groups: list[str]
    admitted: set[str]
    pending: str | None
    withdrawn: bool
    spoken: list[str]
    sign: bool


class Generator:
    """Deterministic synthetic data; `providers` then `more_sites` to grow a dataset."""

    def __init__(self, reference: Reference, seed: int = 1) -> None:
        self.ref = reference
        self.geo = Geography(reference)
        self.rng = random.Random(seed)
        self._plans: list[_ProviderPlan] = []
        self._names: set[str] = set()
        self._site_seq = 0

    # -------------------------------------------------------------------- providers and sites

    def providers(self, count: int, sites: int) -> Dataset:
        """`count` providers with `sites` sites in total, and their admissions."""
        out = Dataset()
        for n, site_count in enumerate(_site_counts(self.rng, count, sites)):
            hq_district = self.geo.district(self.rng)
            plan = self._plan(n, hq_district)
            self._plans.append(plan)
            out.providers.append(self._provider_row(plan))
            for k in range(site_count):
                district = hq_district if k == 0 else self._further(plan)
                self._add_site(out, plan, district, headquarters=k == 0)
        return out

    def more_sites(self, sites: int) -> Dataset:
        """`sites` further sites of existing providers (the larger variant)."""
        out = Dataset()
        for _ in range(sites):
            plan = self.rng.choice(self._plans)
            self._add_site(out, plan, self._further(plan), headquarters=False)
        return out

    def _further(self, plan: _ProviderPlan) -> District:
        if self.rng.random() < 0.7:
            return self.geo.district(self.rng, plan.hq_state)
        return self.geo.district(self.rng)

    def _plan(self, n: int, hq: District) -> _ProviderPlan:
        rng = self.rng
        city = city_of(self.geo.place(rng, hq).place)
        region = rng.choice(words.REGION_WORDS.get(hq.state_code, ("Deutschland",)))
        pattern, _legal = rng.choice(words.PROVIDER_PATTERNS)
        name = pattern.format(city=city, region=region)
        suffix = 2
        base = name
        while name in self._names:
            name = f"{base} {suffix}"
            suffix += 1
        self._names.add(name)
        extra = rng.choices([0, 1, 2], weights=[45, 35, 20])[0]
        spoken: list[str] = []
        while len(spoken) < extra:
            code = _weighted(rng, words.LANGUAGES)
            if code not in spoken:
                spoken.append(code)
        sign = rng.random() < 0.06
        groups: list[str] = []
        if spoken and rng.random() < 0.7:
            groups.append("language-barrier")
        if sign:
            groups.append("hearing-impairment")
        if rng.random() < 0.25:
            groups.append("outreach")
        wanted = rng.choices([1, 2, 3], weights=[40, 40, 20])[0]
        while wanted:
            g = _weighted(rng, words.INDICATION_GROUPS)
            if g not in groups:
                groups.append(g)
                wanted -= 1
        admitted = {g for g in groups if rng.random() < 0.92}
        unused = [t.code for t in self.ref.target_groups if t.code not in groups]
        pending = rng.choice(unused) if unused and rng.random() < 0.04 else None
        return _ProviderPlan(
            id=f"prv-bench-{n:05d}",
            name=name,
            lead=hq.carrier,
            hq_state=hq.state_code,
            groups=groups,
            admitted=admitted,
            pending=pending,
            withdrawn=rng.random() < 0.01,
            spoken=spoken,
            sign=sign,
        )

    def _provider_row(self, plan: _ProviderPlan) -> dict[str, Any]:
        slug = re.sub(r"[^a-z0-9]+", "-", plan.name.casefold()).strip("-")[:40]
        return {
            "id": plan.id,
            "name": plan.name,
            "legal_form": "gGmbH",
            "email": f"kontakt@{slug}.example",
            "phone": f"0{self.rng.randint(30, 9999)} {self.rng.randint(10000, 999999)}",
            "website": f"https://{slug}.example",
            "active": self.rng.random() >= 0.005,
            "created_at": "2024-01-15T09:00:00+00:00",
        }

    def _add_site(
        self, out: Dataset, plan: _ProviderPlan, district: District, *, headquarters: bool
    ) -> None:
        rng = self.rng
        self._site_seq += 1
        site_id = f"ste-bench-{self._site_seq:06d}"
        postal = self.geo.place(rng, district)
        lat, lon = _jitter(rng, postal.lat, postal.lon)
        catchment = float(rng.choice([20, 25, 30, 40, 50, 60, 70, 80]))
        outreach: float | None = None
        if "outreach" in plan.groups or rng.random() < 0.35:
            outreach = min(float(rng.choice([10, 15, 20, 30, 40, 50])), catchment)
        barrier_free = rng.random() < 0.75
        languages = ["de", *(c for c in plan.spoken if rng.random() < 0.85)]
        if plan.sign:
            languages.append("dgs")
        city = city_of(postal.place)
        prefix = "Hauptsitz" if headquarters else rng.choice(words.SITE_PREFIXES)
        description = (
            f"{plan.name}: Fallmanagement für Versicherte der Rentenversicherung in {city} und "
            "Umgebung; " + ", ".join(GROUP_WORDS[g] for g in plan.groups if g in GROUP_WORDS) + "."
        )
        details = {
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
            "description": description,
            "contact_email": "",
            "contact_phone": "",
        }
        confirmed = TODAY - timedelta(days=rng.randint(0, 500))
        out.sites.append(
            {
                "id": site_id,
                "provider_id": plan.id,
                "name": f"{prefix} {city}",
                "headquarters": headquarters,
                "street": f"{rng.choice(words.STREETS)} {rng.randint(1, 120)}",
                "postal_code": postal.postal_code,
                "place": postal.place,
                "district_key": district.key,
                "responsible_carrier": district.carrier,
                "lat": lat,
                "lon": lon,
                "catchment_radius_km": catchment,
                "outreach_radius_km": outreach,
                "public_transport": rng.random() < 0.9,
                "barrier_free": barrier_free,
                "languages": languages,
                "active": rng.random() >= 0.01,
                "details": json.dumps(details, ensure_ascii=False, sort_keys=True),
                "confirmed_on": confirmed.isoformat(),
                "created_at": "2024-01-15T09:00:00+00:00",
            }
        )
        self._admissions(out, plan, site_id, district.carrier)

    def _admissions(self, out: Dataset, plan: _ProviderPlan, site_id: str, carrier: str) -> None:
        rng = self.rng
        decided = TODAY - timedelta(days=rng.randint(30, 900))
        follow_on = carrier != plan.lead
        awaiting = follow_on and rng.random() < 0.12
        for group in plan.groups:
            status = "admitted" if group in plan.admitted else "refused"
            if status == "admitted":
                if awaiting:
                    status = "awaiting_follow_on"
                elif plan.withdrawn:
                    status = "withdrawn"
                else:
                    roll = rng.random()
                    if roll < 0.03:
                        status = "suspended"
                    elif roll < 0.04:
                        status = "revoked"
            changed = (
                decided + timedelta(days=rng.randint(0, 25)) if status != "admitted" else decided
            )
            out.admissions.append(
                self._admission_row(plan, site_id, group, carrier, status, decided, changed)
            )
        if plan.pending:
            out.admissions.append(
                self._admission_row(plan, site_id, plan.pending, carrier, "pending", decided, TODAY)
            )

    @staticmethod
    def _admission_row(
        plan: _ProviderPlan,
        site_id: str,
        group: str,
        carrier: str,
        status: str,
        decided: date,
        changed: date,
    ) -> dict[str, Any]:
        issued = status in ("admitted", "suspended", "revoked", "withdrawn")
        return {
            "id": f"{site_id}|{group}",
            "site_id": site_id,
            "provider_id": plan.id,
            "application_id": f"app-bench-{plan.id[10:]}",
            "target_group": group,
            "carrier": carrier,
            "issued_by": carrier if issued else "",
            "status": status,
            "decided_at": decided.isoformat() if status != "pending" else "",
            "changed_at": f"{changed.isoformat()}T10:00:00+00:00",
            "review_due": (decided + timedelta(days=3 * 365)).isoformat() if issued else "",
            "reason": "Bedarf an externer Fachkompetenz (Benchmarkdaten)",
        }

    # -------------------------------------------------------------------- cases

    def cases(self, count: int, seed: int = 7) -> list[BenchCase]:
        """`count` realistic searches (own RNG: the same cases whatever the data size)."""
        rng = random.Random(seed)
        federal = [c.id for c in self.ref.carriers if c.kind == "federal"]
        out = []
        for _ in range(count):
            district = self.geo.district(rng)
            postal = self.geo.place(rng, district)
            roll = rng.random()
            carrier = district.carrier if roll < 0.75 else rng.choice(federal)
            groups = [_weighted(rng, words.INDICATION_GROUPS)]
            if rng.random() < 0.35:
                extra = rng.choice(
                    ["language-barrier", "outreach", "hearing-impairment"]
                    + [g for g, _ in words.INDICATION_GROUPS]
                )
                if extra not in groups:
                    groups.append(extra)
            languages: tuple[str, ...] = ()
            if "language-barrier" in groups or rng.random() < 0.08:
                languages = (_weighted(rng, words.LANGUAGES),)
            if "hearing-impairment" in groups:
                languages = ("dgs",)
            out.append(
                BenchCase(
                    carrier=carrier,
                    postal_code=postal.postal_code,
                    place=postal.place,
                    lat=postal.lat,
                    lon=postal.lon,
                    target_groups=tuple(groups),
                    languages=languages,
                    barrier_free=rng.random() < 0.2,
                    outreach="outreach" in groups or rng.random() < 0.12,
                    max_distance_km=(
                        float(rng.choice([10, 20, 30, 50])) if rng.random() < 0.2 else None
                    ),
                    q=rng.choice(TEXT_QUERIES) if rng.random() < 0.15 else "",
                )
            )
        return out


# ------------------------------------------------------------------------ bulk load


def _batches(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [rows[i : i + LOAD_BATCH] for i in range(0, len(rows), LOAD_BATCH)]


def load(graph: GraphStore, data: Dataset) -> None:
    """Write a dataset into the graph with the bench-only UNWIND queries (bench.cypher)."""
    links = [
        {"id": s["id"], "provider_id": s["provider_id"], "district_key": s["district_key"]}
        for s in data.sites
    ]

    def run(name: str, rows: list[dict[str, Any]]) -> None:
        for batch in _batches(rows):

            def work(tx: Tx, batch: list[dict[str, Any]] = batch) -> None:
                tx.run(name, rows=batch)

            graph.write(work)

    run("bench.load_providers", data.providers)
    run("bench.load_sites", data.sites)
    run("bench.link_sites_to_providers", links)
    run("bench.link_sites_to_districts", links)
    run("bench.load_admissions", data.admissions)
    run("bench.link_admission_issuers", [a for a in data.admissions if a["issued_by"]])
