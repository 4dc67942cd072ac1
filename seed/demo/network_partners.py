"""Demo network partners of all 16 types (rule N1), through the use cases of
``registry.network``; all names are invented."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from registry.network.partners import create_partner, update_partner
from registry.reference import District, Reference
from seed.demo import words
from seed.demo.providers import city_of, slug
from seed.demo.state import days_ago

if TYPE_CHECKING:
    from seed.demo.state import DemoRun


# type code -> (name patterns, services, target groups it serves)
PARTNER_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "employment-agency": (
        ("Agentur für Arbeit {city}",),
        ("Berufliche Rehabilitation", "Arbeitsvermittlung", "Berufsberatung"),
        ("mental-health", "addiction", "cognitive-impairment", "specific-care-structures"),
    ),
    "jobcenter": (
        ("Jobcenter {district}", "Jobcenter {city}"),
        ("Grundsicherung", "Eingliederungsleistungen", "Arbeitsvermittlung"),
        ("addiction", "mental-health", "language-barrier"),
    ),
    "health-insurer": (
        ("Gesundheitskasse {region} – Geschäftsstelle {city}", "Betriebskrankenkasse {city}"),
        ("Krankengeldfallmanagement", "Stufenweise Wiedereingliederung", "Hilfsmittel"),
        ("oncology", "cardiology", "mental-health", "neurological"),
    ),
    "rehabilitation-carrier": (
        ("Berufsgenossenschaft {region} – Bezirksverwaltung {city}", "Unfallkasse {region}"),
        ("Leistungen zur Teilhabe am Arbeitsleben", "Reha-Management"),
        ("neurological", "specific-care-structures"),
    ),
    "integration-service": (
        ("Integrationsfachdienst {city}", "IFD {district}"),
        ("Begleitung im Arbeitsleben", "Arbeitsplatzsicherung", "Vermittlung"),
        ("hearing-impairment", "visual-impairment", "cognitive-impairment", "mental-health"),
    ),
    "rehab-facility": (
        ("Reha-Klinik am Park {city}", "Fachklinik {city}", "Rehabilitationszentrum {city}"),
        ("Medizinische Rehabilitation", "Sozialdienst", "Nachsorge"),
        ("oncology", "cardiology", "neurological", "addiction", "mental-health"),
    ),
    "addiction-counselling": (
        ("Suchtberatungsstelle {city}", "Fachstelle Sucht {district}"),
        ("Suchtberatung", "Vermittlung in Entwöhnung", "Nachsorge"),
        ("addiction",),
    ),
    "debt-counselling": (
        ("Schuldner- und Insolvenzberatung {city}",),
        ("Schuldnerberatung", "Insolvenzberatung"),
        ("addiction", "mental-health", "specific-care-structures"),
    ),
    "psychosocial-counselling": (
        (
            "Psychosoziale Kontakt- und Beratungsstelle {city}",
            "Sozialpsychiatrischer Dienst {district}",
        ),
        ("Psychosoziale Beratung", "Krisenhilfe", "Tagesstruktur"),
        ("mental-health", "addiction"),
    ),
    "self-help-contact-point": (
        ("Selbsthilfekontaktstelle {city}", "Selbsthilfebüro {district}"),
        ("Vermittlung in Selbsthilfegruppen", "Gruppengründung"),
        ("addiction", "mental-health", "oncology", "cardiology"),
    ),
    "employer": (
        (
            "Stadtwerke {city}",
            "Maschinenbau {city} GmbH",
            "Klinikum {city}",
            "Logistikzentrum {city} GmbH",
        ),
        ("Betriebliches Eingliederungsmanagement", "Arbeitsplatzanpassung"),
        ("specific-care-structures", "mental-health"),
    ),
    "company-medical-service": (
        ("Arbeitsmedizinisches Zentrum {city}", "Betriebsärztlicher Dienst {region}"),
        ("Arbeitsmedizinische Beratung", "Wiedereingliederung"),
        ("cardiology", "oncology", "mental-health"),
    ),
    "participation-counselling": (
        ("EUTB {city} – Ergänzende unabhängige Teilhabeberatung",),
        ("Teilhabeberatung", "Peer-Beratung"),
        ("cognitive-impairment", "hearing-impairment", "visual-impairment", "language-barrier"),
    ),
    "municipality": (
        ("Stadt {city} – Sozialamt", "Kreisverwaltung {district} – Fachdienst Soziales"),
        ("Eingliederungshilfe", "Sozialhilfe", "Wohnungsnotfallhilfe"),
        ("cognitive-impairment", "language-barrier", "specific-care-structures"),
    ),
    "drv-internal": (
        ("Sozialmedizinischer Dienst {carrier} – {city}", "Reha-Fachberatung {carrier} {city}"),
        ("Sozialmedizinische Begutachtung", "Reha-Fachberatung"),
        ("specific-care-structures", "neurological", "oncology"),
    ),
    "other": (
        ("Bildungswerk {city}", "Verein Arbeit und Integration {city} e.V."),
        ("Qualifizierung", "Bewerbungstraining", "Sprachkurse"),
        ("language-barrier", "cognitive-impairment"),
    ),
}
PARTNER_WEIGHTS: dict[str, int] = {
    "employment-agency": 6,
    "jobcenter": 8,
    "health-insurer": 7,
    "rehabilitation-carrier": 4,
    "integration-service": 7,
    "rehab-facility": 10,
    "addiction-counselling": 9,
    "debt-counselling": 7,
    "psychosocial-counselling": 8,
    "self-help-contact-point": 7,
    "employer": 6,
    "company-medical-service": 4,
    "participation-counselling": 5,
    "municipality": 5,
    "drv-internal": 3,
    "other": 4,
}
CONTACT_ROLES = (
    "Ansprechperson Rehabilitation",
    "Teamleitung",
    "Fachberatung",
    "Koordination Netzwerk",
    "Sachbearbeitung",
)
REACHABILITY = ("Mo–Fr 9–12 Uhr", "Mo–Do 8–16 Uhr", "Di und Do 13–17 Uhr", "nach Vereinbarung")
SOCIAL_BENEFIT = (
    "employment-agency",
    "jobcenter",
    "health-insurer",
    "rehabilitation-carrier",
    "municipality",
)


@dataclass(frozen=True)
class PartnerRecord:
    id: str
    type: str
    district: District
    target_groups: tuple[str, ...]
    created_days_ago: float


def partner_count(providers: int) -> int:
    """About five partners per provider (300 for the default 60), at most 2,000 (five per
    district; every partner costs a search-index commit)."""
    return min(5 * providers, 2000)


def email_slug(text: str) -> str:
    return slug(text)


def make_contact(rng: random.Random, org_slug: str) -> dict[str, str]:
    first = rng.choice(words.FIRST_NAMES)
    last = rng.choice(words.LAST_NAMES)
    return {
        "name": f"{first} {last}",
        "role": rng.choice(CONTACT_ROLES),
        "email": f"{email_slug(first)}.{email_slug(last)}@{org_slug}.example",
        "phone": f"0{rng.randint(30, 9999)} {rng.randint(100000, 9999999)}",
        "reachability": rng.choice(REACHABILITY),
    }


def seed_partners(demo: DemoRun, providers: int) -> list[PartnerRecord]:
    """N1: partners of all 16 types near the population, created by the carriers' case
    managers (they keep the network current, Rahmenkonzept §6.2) or strategists."""
    from registry.api.network_schemas import PartnerIn

    rng = demo.rng
    ref: Reference = demo.reg.reference
    types = list(PARTNER_KINDS)
    records: list[PartnerRecord] = []
    names: set[str] = set()
    for i in range(partner_count(providers)):
        kind = types[i] if i < len(types) else rng.choices(types, list(PARTNER_WEIGHTS.values()))[0]
        patterns, services, groups = PARTNER_KINDS[kind]
        district = demo.geo.headquarters_district(None)
        site = demo.geo.site_in(district, set())
        city = city_of(site.place)
        carrier = ref.carrier(district.carrier)
        region = rng.choice(words.REGION_WORDS.get(district.state_code, ("Deutschland",)))
        name = rng.choice(patterns).format(
            city=city, district=district.name.split(",")[0], region=region, carrier=carrier.name
        )
        if name in names:
            name = f"{name} ({site.place})"
        n = 2
        base = name
        while name in names:
            name = f"{base} {n}"
            n += 1
        names.add(name)
        org = email_slug(name)[:30].strip("-")
        sites = [
            {
                "name": "Hauptstelle" if k == 0 else f"Außenstelle {k}",
                "address": {
                    "street": f"{rng.choice(words.STREETS)} {rng.randint(1, 90)}",
                    "postal_code": s.postal_code,
                    "place": s.place,
                },
                "service_radius_km": float(rng.choice([10, 15, 20, 30, 40, 60])),
            }
            for k, s in enumerate(
                [site]
                + (
                    [
                        demo.geo.site_in(
                            demo.geo.further_district(district, False), {site.postal_code}
                        )
                    ]
                    if rng.random() < 0.2
                    else []
                )
            )
        ]
        chosen_groups = sorted(set(rng.sample(groups, rng.randint(1, min(3, len(groups))))))
        others = [c.id for c in ref.federal_carriers()] if rng.random() < 0.3 else []
        body = PartnerIn.model_validate(
            {
                "name": name,
                "type": kind,
                "sites": sites,
                "services": list(rng.sample(services, rng.randint(1, len(services)))),
                "target_groups": chosen_groups,
                "contacts": [make_contact(rng, org) for _ in range(rng.choice([1, 1, 2]))],
                "carriers": [],
            }
        ).model_dump()
        suffix = district.carrier.removeprefix("drv-")
        author = demo.users[
            f"fallmanagement.{suffix}" if rng.random() < 0.7 else f"netzwerk.{suffix}"
        ]
        created_ago = rng.uniform(20, 900)
        with days_ago(created_ago):
            created = create_partner(demo.reg, author, body)
        # rule N4: each further carrier adds only itself to the carriers working with it
        for k, other in enumerate(others):
            with days_ago(created_ago * (0.9 - 0.1 * k)):
                update_partner(
                    demo.reg,
                    demo.strategist(other),
                    created["id"],
                    {"carriers": [*created["carriers"], other]},
                )
                created["carriers"] = [*created["carriers"], other]
        records.append(
            PartnerRecord(created["id"], kind, district, tuple(chosen_groups), created_ago)
        )
    return records
