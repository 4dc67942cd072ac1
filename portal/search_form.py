"""The directory search's fields (rules E1-E5), read from an address or a posted form: one
reading for the search page, the provider explanation, the print view (GET and POST) and the
way back after recording an unmet need."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from litestar.datastructures import MultiDict

from portal.base import READER
from portal.forms import Errors, FormData
from registry.auth import Principal
from registry.directory.service import CaseInput
from registry.errors import Problem

SEARCH_ANCHORS = {
    "postal_code",
    "place",
    "carrier",
    "target_group",
    "language",
    "max_distance_km",
    "q",
    "person",
}

SEARCH_KEYS = (
    "carrier",
    "postal_code",
    "place",
    "max_distance_km",
    "q",
    "target_group",
    "language",
    "barrier_free",
    "public_transport",
    "outreach",
)
"""The fields a search consists of (nothing else is carried from page to page)."""


Fields = MultiDict[Any]
"""The fields of an address (``request.query_params``) or of a posted form (:func:`posted`)."""


def posted(data: FormData) -> Fields:
    """A posted form as the same multi-valued mapping an address gives."""
    pairs: list[tuple[str, Any]] = []
    for key, raw in data.items():
        for item in raw if isinstance(raw, list) else [raw]:
            pairs.append((key, str(item)))
    return MultiDict(pairs)


def search_params(fields: Fields, me: Principal) -> dict[str, Any]:
    # §9: a directory reader picks the insured person's carrier per search (default: its own)
    chosen = (fields.get("carrier") or "").strip()[:60] if me.role is READER else ""
    return {
        "carrier": chosen or me.carrier or "",
        "chosen_carrier": chosen,
        "postal_code": (fields.get("postal_code") or "").strip(),
        "place": (fields.get("place") or "").strip(),
        "target_group": [c for c in fields.getall("target_group", []) if c],
        "language": [c for c in fields.getall("language", []) if c],
        "barrier_free": fields.get("barrier_free") in ("on", "true"),
        "public_transport": fields.get("public_transport") in ("on", "true"),
        "outreach": fields.get("outreach") in ("on", "true"),
        "max_distance_km": (fields.get("max_distance_km") or "").strip(),
        "q": (fields.get("q") or "").strip()[:200],
    }


def case_input(params: Mapping[str, Any], errors: Errors) -> CaseInput | None:
    """The directory service's CaseInput, or None with the problems in ``errors``."""
    if not params["postal_code"]:
        errors.add(Problem("postal_code", "Bitte die Postleitzahl des Wohnorts eingeben."))
    elif not params["postal_code"].isdigit() or len(params["postal_code"]) != 5:
        errors.add(Problem("postal_code", "Bitte eine Postleitzahl aus fünf Ziffern eingeben."))
    if not params["target_group"]:
        errors.add(Problem("target_group", "Bitte mindestens eine Zielgruppe wählen.", "E1"))
    distance: float | None = None
    if params["max_distance_km"]:
        try:
            distance = float(params["max_distance_km"].replace(",", "."))
            if distance <= 0:
                raise ValueError
        except ValueError:
            errors.add(Problem("max_distance_km", "Bitte eine Entfernung über 0 km eingeben."))
    if errors:
        return None
    return CaseInput(
        carrier=params["carrier"] or None,
        postal_code=params["postal_code"],
        place=params["place"] or None,
        target_groups=tuple(params["target_group"]),
        languages=tuple(params["language"]),
        barrier_free=params["barrier_free"],
        public_transport=params["public_transport"],
        outreach=params["outreach"],
        max_distance_km=distance,
        q=params["q"],
    )


def search_query(params: Mapping[str, Any]) -> str:
    """The search as a clean query string (for paging, the print view and the PDF)."""
    pairs: list[tuple[str, str]] = []
    if params.get("chosen_carrier"):  # §9: the carrier a directory reader picked
        pairs.append(("carrier", str(params["chosen_carrier"])))
    for key in ("postal_code", "place", "max_distance_km", "q"):
        if params[key]:
            pairs.append((key, str(params[key])))
    pairs += [("target_group", c) for c in params["target_group"]]
    pairs += [("language", c) for c in params["language"]]
    for key in ("barrier_free", "public_transport", "outreach"):
        if params[key]:
            pairs.append((key, "true"))
    return urlencode(pairs)


def clean_query(raw: str) -> str:
    """A search sent back by a form (``suche``), limited to the search's own fields."""
    pairs = [(k, v[:200]) for k, v in parse_qsl(raw[:2000]) if k in SEARCH_KEYS]
    return urlencode(pairs[:40])


def search_errors() -> Errors:
    return Errors(anchors=SEARCH_ANCHORS, default="postal_code")
