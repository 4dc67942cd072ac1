"""Demo network partners and cooperation agreements (rules N1–N5), through the use cases of
``registry.network``. Called by ``seed/demo.py``; all names are invented."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from registry import clock
from registry.network.agreement_drafts import create_agreement
from registry.network.agreement_invitations import accept_invitation
from registry.network.agreement_status import activate_agreement, change_agreement_status
from registry.network.partners import create_partner, update_partner
from registry.reference import District, Reference
from seed import demo_words as words

if TYPE_CHECKING:
    from seed.demo import DemoRun

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


def agreement_count(partners: int, providers: int) -> int:
    """About 80 for the default; grows slowly with larger demos."""
    return max(4, min(partners // 4 + 5, 80 + providers // 20))


def _slug(text: str) -> str:
    from seed.demo import slug

    return slug(text)


def _contact(rng: random.Random, org_slug: str) -> dict[str, str]:
    first = rng.choice(words.FIRST_NAMES)
    last = rng.choice(words.LAST_NAMES)
    return {
        "name": f"{first} {last}",
        "role": rng.choice(CONTACT_ROLES),
        "email": f"{_slug(first)}.{_slug(last)}@{org_slug}.example",
        "phone": f"0{rng.randint(30, 9999)} {rng.randint(100000, 9999999)}",
        "reachability": rng.choice(REACHABILITY),
    }


def seed_partners(demo: DemoRun, providers: int) -> list[PartnerRecord]:
    """N1: partners of all 16 types near the population, created by the carriers' case
    managers (they keep the network current, Rahmenkonzept §6.2) or strategists."""
    from registry.api.network import PartnerIn
    from seed.demo import city_of, days_ago

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
        org = _slug(name)[:30].strip("-")
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
                "contacts": [_contact(rng, org) for _ in range(rng.choice([1, 1, 2]))],
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


def _contents(
    rng: random.Random,
    purpose: str,
    groups: list[str],
    review: dict[str, Any],
    title: str,
    group_words: list[str],
) -> dict[str, Any]:
    """The contents of one agreement; ``group_words`` are the groups' labels for its prose."""
    org = _slug(title)[:24].strip("-")
    contact = _contact(rng, org)
    contact.pop("reachability")
    if purpose == "referral":
        return {
            "target_group_criteria": "Versicherte der Zielgruppen "
            + ", ".join(group_words)
            + " mit besonderem Unterstützungsbedarf bei der Rückkehr in Arbeit.",
            "transmission": "Zuweisung mit Einwilligung über den gemeinsamen Übergabebogen, "
            "elektronisch über das Postfach des Trägers.",
            "data_protection": "Übermittlung nur mit schriftlicher Einwilligung (§ 67b SGB X).",
            "contacts": [contact],
            "informing_target_group": "Faltblatt in der Reha-Einrichtung und Hinweis im "
            "Reha-Entlassungsgespräch.",
            "review": review,
        }
    return {
        "roles": "Der Träger steuert das Fallmanagement; der Partner bringt seine Leistungen ein "
        "und meldet Veränderungen zeitnah.",
        "target_groups": groups,
        "services": ["Gemeinsame Fallbesprechung", "Vermittlung", "Informationsaustausch"],
        "contacts": [contact],
        "reaction_time_days": rng.choice([3, 5, 10]),
        "channels": sorted(rng.sample(["digital", "phone", "written"], rng.randint(1, 3))),
        "common_documents": ["Einwilligungserklärung", "Übergabebogen"],
        "documentation": "Verlauf und Ergebnis werden im Übergabebogen dokumentiert.",
        "data_protection": "Sozialdatenschutz nach SGB X; Austausch nur mit Einwilligung.",
        "review": review,
    }


def seed_agreements(demo: DemoRun, partners: list[PartnerRecord], providers: int) -> Counter[str]:
    """N2–N5: agreements of every kind; most active, some incomplete drafts, some activated
    despite gaps (with a reason), some due for review, suspended, ended or expired; national
    ones by DRV Bund."""
    from registry.api.network import AgreementIn
    from seed.demo import days_ago

    rng = demo.rng
    ref: Reference = demo.reg.reference
    label_of = {t.code: t.label for t in ref.target_groups}
    stats: Counter[str] = Counter()
    if not partners:
        return stats
    for i in range(agreement_count(len(partners), providers)):
        level = rng.choices(["districts", "state", "national"], [50, 35, 15])[0]
        if i < 3:
            level = ("national", "state", "districts")[i]
        kind = rng.choices(
            ["cooperation_agreement", "letter_of_intent", "procedure_agreement"], [50, 25, 25]
        )[0]
        purpose = "referral" if rng.random() < 0.2 else "general"
        pool = [p for p in partners if kind != "procedure_agreement" or p.type in SOCIAL_BENEFIT]
        anchor = rng.choice(pool)
        district = anchor.district
        if level == "national":
            author = "drv-bund"
            scope: dict[str, Any] = {"level": "national"}
            chosen = [anchor] + rng.sample(pool, min(len(pool), rng.randint(0, 2)))
            where = "bundesweit"
        elif level == "state":
            author = district.carrier if rng.random() < 0.85 else "drv-knappschaft-bahn-see"
            scope = {"level": "state", "state": district.state}
            near = [p for p in pool if p.district.state == district.state]
            chosen = [anchor] + rng.sample(near, min(len(near), rng.randint(0, 2)))
            where = district.state
        else:
            author = district.carrier
            keys = sorted(
                {district.key}
                | {
                    d.key
                    for d in rng.sample(
                        demo.geo.near[district.key], min(3, len(demo.geo.near[district.key]))
                    )
                    if d.carrier == district.carrier
                }
            )
            scope = {"level": "districts", "districts": keys}
            near = [p for p in pool if p.district.key in keys]
            chosen = [anchor] + rng.sample(near, min(len(near), rng.randint(0, 1)))
            where = district.name.split(",")[0]
        partner_ids = list(dict.fromkeys(p.id for p in chosen))
        carriers = [author] + (["drv-bund"] if author != "drv-bund" and rng.random() < 0.3 else [])
        groups = sorted({g for p in chosen for g in p.target_groups})[:4] or ["mental-health"]
        label = {
            "cooperation_agreement": "Kooperationsvereinbarung",
            "letter_of_intent": "Absichtserklärung",
            "procedure_agreement": "Verfahrensabsprache",
        }[kind]
        title = f"{label} Fallmanagement {where} ({ref.carrier(author).name}) Nr. {i + 1}"
        created_ago = rng.uniform(30, 1100)
        # what becomes of it
        fate = rng.choices(
            [
                "draft",
                "active",
                "active_review_due",
                "override",
                "suspended",
                "terminated",
                "expired",
            ],
            [12, 48, 15, 8, 5, 6, 6],
        )[0]
        if i < 7:
            fate = (
                "draft",
                "active",
                "active_review_due",
                "override",
                "suspended",
                "terminated",
                "expired",
            )[i]
        activated_ago = max(created_ago - rng.uniform(5, 40), 1.0)
        valid_from = clock.today() - timedelta(days=int(created_ago))
        valid_until = None
        if fate == "expired":
            valid_until = clock.today() - timedelta(
                days=int(rng.uniform(1, activated_ago - 1) if activated_ago > 2 else 1)
            )
            valid_until = max(
                valid_until, valid_from + timedelta(days=int(created_ago - activated_ago) + 2)
            )
        elif rng.random() < 0.4:
            valid_until = clock.today() + timedelta(days=rng.randint(200, 1500))
        if fate == "active_review_due":
            review: dict[str, Any] = {
                "next_review": (clock.today() + timedelta(days=rng.randint(-60, 80))).isoformat()
            }
        else:
            review = {"interval_months": rng.choice([12, 24, 36])}
        group_words = [label_of.get(g, g) for g in groups]
        contents = _contents(rng, purpose, groups, review, title, group_words)
        if fate in ("draft", "override"):
            for key in rng.sample(sorted(contents), rng.randint(1, 3)):
                contents.pop(key)
        parsed = AgreementIn.model_validate(
            {
                "kind": kind,
                "purpose": purpose,
                "title": title,
                "carriers": carriers,
                "partners": partner_ids,
                "scope": scope,
                "valid_from": valid_from,
                "valid_until": valid_until,
                "contents": contents,
            }
        )
        body = parsed.model_dump(mode="json")
        body["contents"] = parsed.contents.model_dump(mode="json", exclude_none=True)
        strategist = demo.strategist(author)
        with days_ago(created_ago):
            created = create_agreement(demo.reg, strategist, body)
        agreement_id = created["id"]
        if fate != "draft":
            # rule N4: the invited carriers accept before the agreement can take effect
            for invited in created["invited"]:
                with days_ago((created_ago + activated_ago) / 2):
                    accept_invitation(demo.reg, demo.strategist(invited), agreement_id)
            with days_ago(activated_ago):
                activate_agreement(
                    demo.reg,
                    strategist,
                    agreement_id,
                    override_reason="Die fehlenden Inhalte werden bei der ersten Überprüfung "
                    "ergänzt; die Zusammenarbeit soll sofort beginnen."
                    if fate == "override"
                    else None,
                )
        if fate in ("suspended", "terminated"):
            with days_ago(activated_ago * rng.uniform(0.1, 0.8)):
                change_agreement_status(
                    demo.reg,
                    strategist,
                    agreement_id,
                    "suspend" if fate == "suspended" else "terminate",
                    "Der Partner strukturiert seine Beratungsstelle um; die Zusammenarbeit ruht."
                    if fate == "suspended"
                    else "Der Partner hat das Angebot in der Region eingestellt.",
                )
        stats[fate] += 1
    return stats
