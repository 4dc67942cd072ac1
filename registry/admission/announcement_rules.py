"""Joint announcements of carriers (docs/rules.md §5, A12): what one must name and when it is
open. Pure; no I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date

from registry.admission.model import FEDERAL_CARRIERS, Announcement, DistrictRef
from registry.errors import Problem

# --------------------------------------------------------------------------- A12


def validate_announcement(
    announcement: Announcement,
    *,
    author_carrier: str,
    known_carriers: Collection[str],
    known_target_groups: Collection[str],
    districts: Mapping[str, DistrictRef],
    today: date,
) -> list[Problem]:
    """A12: a joint announcement names known carriers (the author's among them), known target
    groups, a region (districts or a state, not both) in which one of the carriers works
    (federal carriers work everywhere), a text, and an end date not in the past."""
    problems: list[Problem] = []

    def bad(field: str, message: str) -> None:
        problems.append(Problem(field, message, "A12"))

    ann = announcement
    if not ann.carriers:
        bad("carriers", "Mindestens ein Träger ist anzugeben.")
    for c in ann.carriers:
        if c not in known_carriers:
            bad("carriers", f"Unbekannter Träger »{c}«.")
    if ann.carriers and author_carrier not in ann.carriers:
        bad("carriers", "Der veröffentlichende Träger muss selbst zu den Trägern gehören.")
    if not ann.target_groups:
        bad("target_groups", "Mindestens eine Zielgruppe ist anzugeben.")
    for g in ann.target_groups:
        if g not in known_target_groups:
            bad("target_groups", f"Unbekannte Zielgruppe »{g}«.")
    if bool(ann.districts) == bool(ann.state):
        bad("districts", "Entweder Kreise oder ein Bundesland angeben.")
    federal = any(c in FEDERAL_CARRIERS for c in ann.carriers)
    region_keys: list[str] = []
    for key in ann.districts:
        if key not in districts:
            bad("districts", f"Unbekannter Kreis »{key}«.")
        else:
            region_keys.append(key)
    if ann.state:
        region_keys = [k for k, d in districts.items() if d.state == ann.state]
        if not region_keys:
            bad("state", f"Unbekanntes Bundesland »{ann.state}«.")
    if not federal and region_keys:
        outside = [k for k in region_keys if districts[k].responsible_carrier not in ann.carriers]
        if ann.districts and outside:
            bad("districts", "Kreise außerhalb der Region der Träger: " + ", ".join(outside) + ".")
        if ann.state and len(outside) == len(region_keys):
            bad("state", f"Keiner der Träger ist in »{ann.state}« zuständig.")
    if not ann.text.strip():
        bad("text", "Der Text der Bekanntmachung fehlt.")
    if ann.open_until < today:
        bad("open_until", "Das Enddatum liegt in der Vergangenheit.")
    return problems


def is_open(announcement: Announcement, today: date) -> bool:
    """A12: an announcement is open up to and including its ``open_until`` date."""
    return today <= announcement.open_until
