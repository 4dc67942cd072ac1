"""Demo cooperation agreements of every kind and state (rules N2–N5), through the use cases of
``registry.network``; all names are invented."""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from registry import clock
from registry.network.agreement_drafts import create_agreement
from registry.network.agreement_invitations import accept_invitation
from registry.network.agreement_status import activate_agreement, change_agreement_status
from registry.reference import Reference
from seed.demo.network_partners import SOCIAL_BENEFIT, PartnerRecord, email_slug, make_contact
from seed.demo.state import days_ago

if TYPE_CHECKING:
    from seed.demo.state import DemoRun


def agreement_count(partners: int, providers: int) -> int:
    """About 80 for the default; grows slowly with larger demos."""
    return max(4, min(partners // 4 + 5, 80 + providers // 20))


def _contents(
    rng: random.Random,
    purpose: str,
    groups: list[str],
    review: dict[str, Any],
    title: str,
    group_words: list[str],
) -> dict[str, Any]:
    """The contents of one agreement; ``group_words`` are the groups' labels for its prose."""
    org = email_slug(title)[:24].strip("-")
    contact = make_contact(rng, org)
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
    from registry.api.network_schemas import AgreementIn

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
