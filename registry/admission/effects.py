"""What a decision or a change of admissions brings about besides new states: the carriers a
site's admission concerns (A8, with the reach test), their notices, the German lines naming the
sites, and the events of the history (A10). Pure; used by `decision_rules` and `change_rules`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from typing import Protocol

from registry.admission.application_rules import Located
from registry.admission.model import (
    FEDERAL_CARRIERS,
    Actor,
    Admission,
    ApplicationFacts,
    Event,
    NoticeKind,
    NoticeSpec,
)
from registry.network.catchment import reaches
from registry.words import group_label

# --------------------------------------------------------------------------- A8 reach


catchment_reaches = reaches
"""A8 (design decision, also E8, N6): a catchment reaches a district when the site lies in it
or any postal-code centroid of the district lies within the catchment radius. One test for all
three rules: ``registry.network.catchment.reaches``."""


def affected_carriers(site: Located, reached_district_carriers: Iterable[str] = ()) -> set[str]:
    """A8 (design decision): the carriers to inform about a site's admission: its responsible
    carrier, both federal carriers, and the carriers of every district its catchment reaches."""
    return {site.responsible_carrier, *FEDERAL_CARRIERS, *reached_district_carriers}


def notices_for(
    application: ApplicationFacts,
    site_ids: Iterable[str],
    reached_carriers: Mapping[str, Collection[str]] | None,
    message: str,
    acting_carrier: str | None = None,
) -> tuple[NoticeSpec, ...]:
    """A8/A9: one notice per affected carrier of the given sites. Design decision (as N4): the
    acting carrier is left out; its own action is in the application's history, and a notice
    its own officers must acknowledge would be noise."""
    sites = {site.id: site for site in application.sites}
    carriers: set[str] = set()
    for site_id in site_ids:
        carriers |= affected_carriers(sites[site_id], (reached_carriers or {}).get(site_id, ()))
    carriers.discard(acting_carrier or "")
    return tuple(
        NoticeSpec(
            carrier=carrier,
            kind=NoticeKind.ADMISSION,
            message=message,
            subject_type="application",
            subject_id=application.id,
            title=application.provider_name,
        )
        for carrier in sorted(carriers)
    )


def site_lines(
    application: ApplicationFacts, admissions: Iterable[Admission]
) -> tuple[list[str], list[str]]:
    """(site ids, German lines "Standort »X«: a, b") of the given admissions, in site order."""
    by_site: dict[str, list[str]] = {}
    for adm in admissions:
        by_site.setdefault(adm.site_id, []).append(adm.target_group)
    ids = [site.id for site in application.sites if site.id in by_site]
    names = {site.id: site.name for site in application.sites}
    return ids, [
        f"Standort »{names[i]}«: {', '.join(group_label(g) for g in sorted(by_site[i]))}"
        for i in ids
    ]


class EventFactory(Protocol):
    def __call__(
        self,
        kind: str,
        what: str,
        why: str | None,
        *,
        site_id: str | None = None,
        target_groups: tuple[str, ...] = (),
    ) -> Event: ...


def event_factory(actor: Actor, now: datetime, application_id: str) -> EventFactory:
    def make(
        kind: str,
        what: str,
        why: str | None,
        *,
        site_id: str | None = None,
        target_groups: tuple[str, ...] = (),
    ) -> Event:
        return Event(
            kind=kind,
            actor=actor.user_id,
            carrier=actor.carrier,
            at=now,
            what=what,
            why=why,
            application_id=application_id,
            site_id=site_id,
            target_groups=target_groups,
        )

    return make
