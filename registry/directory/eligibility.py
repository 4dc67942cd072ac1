"""Which providers and partners fit a case: docs/rules.md section 7, rules E1-E5 and E7.

Pure rules: standard library, the project's one distance function (`registry.distance`) and
the document types of the search read model (themselves standard-library dataclasses). Every
search backend retrieves candidates its own way and then asks `evaluate` / `evaluate_partner`
for the exact decision, so all backends and the `explain` endpoint agree by construction.

`evaluate` never stops at the first failing rule: it returns every failing rule with the fact
that failed, in German, for the explain page.

Text matching (rules E3 and E7, TEXT_RULE) is `registry.directory.text_rule`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from registry.dates import iso
from registry.directory.text_rule import text_matches
from registry.distance import distance_km
from registry.search.documents import (
    ADMITTED,
    AWAITING_FOLLOW_ON,
    PENDING,
    REFUSED,
    REVOKED,
    SUSPENDED,
    WITHDRAWN,
    PartnerDocument,
    SiteDocument,
)

__all__ = [
    "Case",
    "Evaluation",
    "PartnerQuery",
    "Reason",
    "evaluate",
    "evaluate_partner",
    "fits",
    "rank",
]

D = TypeVar("D", SiteDocument, PartnerDocument)


# --------------------------------------------------------------------------- inputs / outputs


@dataclass(frozen=True, kw_only=True)
class Case:
    """What a directory search asks (docs/rules.md section 7). No data of the insured person."""

    lat: float
    lon: float
    target_groups: tuple[str, ...]
    languages: tuple[str, ...] = ()
    barrier_free: bool = False
    public_transport: bool = False
    outreach: bool = False
    max_distance_km: float | None = None
    text: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "target_groups", tuple(dict.fromkeys(self.target_groups)))
        object.__setattr__(self, "languages", tuple(dict.fromkeys(self.languages)))
        if not self.target_groups:
            raise ValueError("Mindestens eine Zielgruppe angeben.")
        if self.max_distance_km is not None and self.max_distance_km < 0:
            raise ValueError("Die Höchstentfernung darf nicht negativ sein.")


@dataclass(frozen=True, kw_only=True)
class PartnerQuery:
    """What a partner search asks (rule E7). `types`: any of them; the rest: all required."""

    lat: float
    lon: float
    types: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    max_distance_km: float | None = None
    text: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "types", tuple(dict.fromkeys(self.types)))
        object.__setattr__(self, "services", tuple(s for s in self.services if s.strip()))
        object.__setattr__(self, "target_groups", tuple(dict.fromkeys(self.target_groups)))
        if self.max_distance_km is not None and self.max_distance_km < 0:
            raise ValueError("Die Höchstentfernung darf nicht negativ sein.")


@dataclass(frozen=True)
class Reason:
    """One failing rule and the fact that failed, in German."""

    rule: str
    message: str


@dataclass(frozen=True)
class Evaluation(Generic[D]):
    doc: D
    eligible: bool
    distance_km: float
    reasons: tuple[Reason, ...] = field(default=())


# --------------------------------------------------------------------------- formatting


def _number(value: float) -> str:
    """German number: '30' for whole numbers, else one decimal with a comma."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}".replace(".", ",")


def _distance(value: float, limit: float) -> str:
    """A distance that reads as beyond `limit` when it is (more decimals near the limit)."""
    for digits in (1, 2, 3):
        text = f"{value:.{digits}f}"
        if float(text) > limit:
            break
    return text.replace(".", ",")


# --------------------------------------------------------------------------- rules E1-E5


def _admission_reasons(doc: SiteDocument, case: Case) -> list[Reason]:
    reasons: list[Reason] = []
    carrier = doc.responsible_carrier or "den zuständigen Träger"
    for group in case.target_groups:
        state = doc.admissions.get(group)
        if state is None:
            reasons.append(
                Reason("E1", f"Zielgruppe {group} ist für diesen Standort nicht zugelassen")
            )
            continue
        status, since = state.status, iso(state.since)
        if status == ADMITTED:
            continue
        if status == SUSPENDED:
            text = (
                f"Zielgruppe {group} ist seit {since} ausgesetzt"
                if since
                else (f"Zielgruppe {group} ist ausgesetzt")
            )
            reasons.append(Reason("E5", text))
        elif status == REVOKED:
            when = f" am {since}" if since else ""
            reasons.append(Reason("E5", f"Zulassung für Zielgruppe {group} wurde{when} widerrufen"))
        elif status == WITHDRAWN:
            when = f" am {since}" if since else ""
            reasons.append(
                Reason(
                    "E5",
                    f"Zulassung für Zielgruppe {group} wurde{when} vom Anbieter zurückgezogen",
                )
            )
        elif status == AWAITING_FOLLOW_ON:
            reasons.append(
                Reason(
                    "E5",
                    f"Standort wartet auf die Folgezulassung durch {carrier} (Zielgruppe {group})",
                )
            )
        elif status == PENDING:
            text = f"Über die Zulassung für Zielgruppe {group} ist noch nicht entschieden"
            reasons.append(Reason("E1", text + (f" (beantragt am {since})" if since else "")))
        elif status == REFUSED:
            when = f" am {since}" if since else ""
            reasons.append(Reason("E1", f"Zulassung für Zielgruppe {group} wurde{when} abgelehnt"))
    return reasons


def evaluate(doc: SiteDocument, case: Case) -> Evaluation[SiteDocument]:
    """Rules E1-E5 for one site and one case: eligible, distance and every failing rule."""
    dist = distance_km(case.lat, case.lon, doc.lat, doc.lon)
    reasons: list[Reason] = []
    # E1: active provider and site, an admission for every requested target group.
    if not doc.provider_active:
        reasons.append(Reason("E1", f"Anbieter {doc.provider_name} ist nicht aktiv"))
    if not doc.site_active:
        reasons.append(Reason("E1", "Standort ist nicht aktiv"))
    reasons.extend(_admission_reasons(doc, case))
    # E2: catchment area, maximum distance, outreach.
    if dist > doc.catchment_radius_km:
        reasons.append(
            Reason(
                "E2",
                f"Einzugsgebiet {_number(doc.catchment_radius_km)} km, der Wohnort liegt "
                f"{_distance(dist, doc.catchment_radius_km)} km entfernt",
            )
        )
    if case.max_distance_km is not None and dist > case.max_distance_km:
        reasons.append(
            Reason(
                "E2",
                f"Höchstentfernung {_number(case.max_distance_km)} km, der Standort liegt "
                f"{_distance(dist, case.max_distance_km)} km entfernt",
            )
        )
    if case.outreach:
        radius = doc.outreach_radius_km or 0.0
        if radius <= 0:
            reasons.append(Reason("E2", "Standort bietet keine aufsuchende Beratung an"))
        elif dist > radius:
            reasons.append(
                Reason(
                    "E2",
                    f"Aufsuchende Beratung bis {_number(radius)} km, der Wohnort liegt "
                    f"{_distance(dist, radius)} km entfernt",
                )
            )
    # E3: languages, barrier-free, public transport, free text.
    if case.languages:
        offered = {lang.casefold() for lang in doc.languages}
        for lang in case.languages:
            if lang.casefold() not in offered:
                reasons.append(Reason("E3", f"Sprache {lang} wird am Standort nicht angeboten"))
    if case.barrier_free and not doc.barrier_free:
        reasons.append(Reason("E3", "Standort ist nicht barrierefrei"))
    if case.public_transport and not doc.public_transport:
        reasons.append(
            Reason("E3", "Standort ist nicht mit öffentlichen Verkehrsmitteln erreichbar")
        )
    if case.text:
        for word in text_matches(case.text, doc.search_text):
            reasons.append(
                Reason("E3", f"Suchbegriff „{word}“ kommt in den Angaben des Standorts nicht vor")
            )
    return Evaluation(doc, not reasons, dist, tuple(reasons))


def fits(doc: SiteDocument, case: Case) -> float | None:
    """Rules E1–E5 as a yes/no answer for the search's hot path: the distance when the site
    fits, else None. The same decision as ``evaluate(doc, case).eligible`` (a property test
    checks it), but it stops at the first failing rule and writes no reason texts."""
    if not (doc.provider_active and doc.site_active):
        return None
    admissions = doc.admissions
    for group in case.target_groups:
        state = admissions.get(group)
        if state is None or state.status != ADMITTED:
            return None
    dist = distance_km(case.lat, case.lon, doc.lat, doc.lon)
    if dist > doc.catchment_radius_km:
        return None
    if case.max_distance_km is not None and dist > case.max_distance_km:
        return None
    if case.outreach:
        radius = doc.outreach_radius_km or 0.0
        if radius <= 0 or dist > radius:
            return None
    if case.languages:
        offered = {lang.casefold() for lang in doc.languages}
        if any(lang.casefold() not in offered for lang in case.languages):
            return None
    if (case.barrier_free and not doc.barrier_free) or (
        case.public_transport and not doc.public_transport
    ):
        return None
    if case.text and text_matches(case.text, doc.search_text):
        return None
    return dist


# --------------------------------------------------------------------------- rule E7


def evaluate_partner(doc: PartnerDocument, query: PartnerQuery) -> Evaluation[PartnerDocument]:
    """Rule E7 for one partner site: type, services, target groups, service radius, distance."""
    dist = distance_km(query.lat, query.lon, doc.lat, doc.lon)
    reasons: list[Reason] = []
    if not doc.active:
        reasons.append(Reason("E7", f"Partner {doc.name} ist nicht aktiv"))
    if query.types and doc.type not in query.types:
        reasons.append(
            Reason("E7", f"Art {doc.type} ist nicht gesucht (gesucht: {', '.join(query.types)})")
        )
    for service in query.services:
        if not any(not text_matches(service, offered) for offered in doc.services):
            reasons.append(Reason("E7", f"Leistung „{service}“ wird nicht angeboten"))
    for group in query.target_groups:
        if group not in doc.target_groups:
            reasons.append(Reason("E7", f"Zielgruppe {group} wird nicht unterstützt"))
    if dist > doc.service_radius_km:
        reasons.append(
            Reason(
                "E7",
                f"Einzugsbereich {_number(doc.service_radius_km)} km, der Wohnort liegt "
                f"{_distance(dist, doc.service_radius_km)} km entfernt",
            )
        )
    if query.max_distance_km is not None and dist > query.max_distance_km:
        reasons.append(
            Reason(
                "E7",
                f"Höchstentfernung {_number(query.max_distance_km)} km, der Standort liegt "
                f"{_distance(dist, query.max_distance_km)} km entfernt",
            )
        )
    if query.text:
        for word in text_matches(query.text, doc.search_text):
            reasons.append(
                Reason("E7", f"Suchbegriff „{word}“ kommt in den Angaben des Partners nicht vor")
            )
    return Evaluation(doc, not reasons, dist, tuple(reasons))


# --------------------------------------------------------------------------- rule E4


def rank_key(evaluation: Evaluation[D]) -> tuple[float, str, str, str]:
    """E4 order: distance, then provider (partner) name, then id. Nothing else."""
    name = evaluation.doc.sort_name
    return (evaluation.distance_km, name.casefold(), name, evaluation.doc.id)


def rank(evaluations: Iterable[Evaluation[D]]) -> list[Evaluation[D]]:
    """Rule E4: the eligible ones, nearest first, ties by provider name, then site id."""
    return sorted((e for e in evaluations if e.eligible), key=rank_key)


def search_all(docs: Sequence[SiteDocument], case: Case) -> list[Evaluation[SiteDocument]]:
    """The reference answer: every document evaluated, the eligible ones ranked (E1-E5)."""
    return rank(evaluate(d, case) for d in docs)
