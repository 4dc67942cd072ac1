"""Demo joint announcements of carriers (A12), one of them already closed."""

from __future__ import annotations

from datetime import timedelta

from registry import clock
from registry.admission.announcements import confirm_announcement, create_announcement
from registry.reference import Reference
from seed.demo import words
from seed.demo.state import Announcement, DemoRun, days_ago

# --------------------------------------------------------------------------- announcements


def create_announcements(demo: DemoRun) -> None:
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
            Announcement(created["id"], district.state, tuple(groups), until_ago, created_ago)
        )
        demo.stats["announcements"] += 1
