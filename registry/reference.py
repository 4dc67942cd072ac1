"""Reference data: carriers, districts, postal codes and the catalogues (docs/rules.md §3, §4, Q1, N1).

The data lives in ``seed/reference/`` (built by ``seed/build_reference.py``, provenance in
``seed/reference/PROVENANCE.md``). This module only reads it; it imports nothing but the
standard library, so domain rules may use it.

Regional responsibility is reference data, not code (docs/rules.md §3): ``carrier_regions.csv``
holds rules keyed by a prefix of the official district key (AGS): 2 digits = a state, 3 digits =
a Regierungsbezirk, 5 digits = one district. The longest matching prefix wins. ``districts.csv``
carries the resolved carrier per district; loading checks that both agree.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

DEFAULT_DIRECTORY = Path(__file__).resolve().parent.parent / "seed" / "reference"

CarrierKind = Literal["regional", "federal"]


class ReferenceDataError(ValueError):
    """The reference files are missing, malformed or inconsistent."""


class UnknownReference(KeyError):
    """A lookup by id/key/code found nothing."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True, slots=True)
class Carrier:
    id: str
    name: str
    kind: CarrierKind
    region: str
    #: the carrier's general service number (carriers.json, source in PROVENANCE.md), printed
    #: on a directory list when the carrier's profile names no contact person (rule E6, §9)
    service_phone: str = ""

    @property
    def is_federal(self) -> bool:
        return self.kind == "federal"


@dataclass(frozen=True, slots=True)
class State:
    code: str  # 2-digit AGS prefix, e.g. "01"
    name: str  # German name, e.g. "Schleswig-Holstein"


@dataclass(frozen=True, slots=True)
class District:
    key: str  # 5-digit AGS (Kreisschlüssel)
    name: str
    state: str  # German state name
    state_code: str  # 2-digit
    regbez: str  # Regierungsbezirk name, "" where the state has none
    population: int
    carrier: str  # id of the responsible regional carrier
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class PostalPlace:
    """One (postal code, place) pair. The first entry of a postal code is its primary place."""

    postal_code: str
    place: str
    district_key: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class TargetGroup:
    code: str
    label: str
    description: str
    #: everyday words for the group that free text finds (rule E3; target_group_words.json)
    words: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ConceptSection:
    """An item of a provider's concept: ``rule`` Q1 (required: missing is blocking) or Q8
    (advisory); ``source`` names the passage it comes from (docs/rules.md)."""

    code: str
    label: str
    rule: str = "Q1"
    source: str = ""


@dataclass(frozen=True, slots=True)
class PartnerType:
    code: str
    label: str
    social_benefit_carrier: bool  # may be party to a procedure agreement (rule N2)


@dataclass(frozen=True, slots=True)
class CarrierRule:
    """One row of carrier_regions.csv: every district whose key starts with the prefix."""

    level: Literal["state", "regbez", "district"]
    ags_prefix: str
    carrier: str
    description: str


_LEVEL_LENGTH = {"state": 2, "regbez": 3, "district": 5}


def carrier_for_district(rules: Iterable[CarrierRule], district_key: str) -> str | None:
    """The carrier of the longest rule prefix matching the district key (None if no rule)."""
    best: CarrierRule | None = None
    for rule in rules:
        if district_key.startswith(rule.ags_prefix) and (
            best is None or len(rule.ags_prefix) > len(best.ags_prefix)
        ):
            best = rule
    return best.carrier if best else None


def read_carrier_rules(path: Path) -> tuple[CarrierRule, ...]:
    """Read and validate carrier_regions.csv (no duplicate prefixes, levels match lengths)."""
    rules: list[CarrierRule] = []
    seen: set[str] = set()
    for row in _read_csv(path):
        level = row["level"]
        prefix = row["ags_prefix"]
        if level not in _LEVEL_LENGTH:
            raise ReferenceDataError(f"{path.name}: unknown level {level!r}")
        if len(prefix) != _LEVEL_LENGTH[level] or not prefix.isdigit():
            raise ReferenceDataError(f"{path.name}: prefix {prefix!r} does not fit level {level}")
        if prefix in seen:
            raise ReferenceDataError(f"{path.name}: prefix {prefix} listed twice")
        seen.add(prefix)
        rules.append(CarrierRule(level, prefix, row["carrier"], row["description"]))  # type: ignore[arg-type]
    return tuple(rules)


@dataclass(frozen=True)
class Reference:
    """All reference data, immutable, with lookups. Build it with `load_reference`."""

    carriers: tuple[Carrier, ...]
    districts: tuple[District, ...]
    postal_places: tuple[PostalPlace, ...]
    target_groups: tuple[TargetGroup, ...]
    concept_sections: tuple[ConceptSection, ...]
    partner_types: tuple[PartnerType, ...]
    carrier_rules: tuple[CarrierRule, ...]
    _carriers: Mapping[str, Carrier] = field(init=False, repr=False, compare=False)
    _districts: Mapping[str, District] = field(init=False, repr=False, compare=False)
    _places: Mapping[str, tuple[PostalPlace, ...]] = field(init=False, repr=False, compare=False)
    _by_carrier: Mapping[str, tuple[District, ...]] = field(init=False, repr=False, compare=False)
    _target_groups: Mapping[str, TargetGroup] = field(init=False, repr=False, compare=False)
    _partner_types: Mapping[str, PartnerType] = field(init=False, repr=False, compare=False)
    _codes_by_district: Mapping[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        places: dict[str, list[PostalPlace]] = {}
        codes: dict[str, set[str]] = {}
        for p in self.postal_places:
            places.setdefault(p.postal_code, []).append(p)
            codes.setdefault(p.district_key, set()).add(p.postal_code)
        by_carrier: dict[str, list[District]] = {c.id: [] for c in self.carriers}
        for d in self.districts:
            by_carrier.setdefault(d.carrier, []).append(d)
        _set = object.__setattr__
        _set(self, "_carriers", MappingProxyType({c.id: c for c in self.carriers}))
        _set(self, "_districts", MappingProxyType({d.key: d for d in self.districts}))
        _set(self, "_places", MappingProxyType({k: tuple(v) for k, v in places.items()}))
        _set(self, "_by_carrier", MappingProxyType({k: tuple(v) for k, v in by_carrier.items()}))
        _set(self, "_target_groups", MappingProxyType({t.code: t for t in self.target_groups}))
        _set(self, "_partner_types", MappingProxyType({t.code: t for t in self.partner_types}))
        _set(
            self,
            "_codes_by_district",
            MappingProxyType({k: tuple(sorted(v)) for k, v in codes.items()}),
        )

    # -- carriers -------------------------------------------------------------------------

    def carrier(self, carrier_id: str) -> Carrier:
        try:
            return self._carriers[carrier_id]
        except KeyError:
            raise UnknownReference(f"Unbekannter Träger: {carrier_id}") from None

    @property
    def carriers_by_id(self) -> Mapping[str, Carrier]:
        return self._carriers

    def regional_carriers(self) -> tuple[Carrier, ...]:
        return tuple(c for c in self.carriers if c.kind == "regional")

    def federal_carriers(self) -> tuple[Carrier, ...]:
        return tuple(c for c in self.carriers if c.kind == "federal")

    # -- districts ------------------------------------------------------------------------

    def district(self, key: str) -> District:
        try:
            return self._districts[key]
        except KeyError:
            raise UnknownReference(f"Unbekannter Kreis: {key}") from None

    @property
    def districts_by_key(self) -> Mapping[str, District]:
        return self._districts

    def responsible_carrier(self, district_key: str) -> str:
        """Id of the one regional carrier responsible for the district (rule A2)."""
        return self.district(district_key).carrier

    def districts_by_carrier(self, carrier_id: str) -> tuple[District, ...]:
        """The region of a carrier (empty for the federal carriers)."""
        self.carrier(carrier_id)
        return self._by_carrier.get(carrier_id, ())

    def states(self) -> tuple[State, ...]:
        """The 16 states, ordered by code."""
        seen: dict[str, str] = {}
        for d in self.districts:
            seen.setdefault(d.state_code, d.state)
        return tuple(State(code, name) for code, name in sorted(seen.items()))

    def districts_in_state(self, state_code: str) -> tuple[District, ...]:
        return tuple(d for d in self.districts if d.state_code == state_code)

    # -- postal codes ---------------------------------------------------------------------

    def places(self, postal_code: str) -> tuple[PostalPlace, ...]:
        """All places of a postal code, primary place first; empty if unknown."""
        return self._places.get(postal_code, ())

    @property
    def postal_codes(self) -> Mapping[str, tuple[PostalPlace, ...]]:
        return self._places

    def postal_codes_of_district(self, district_key: str) -> tuple[str, ...]:
        """The postal codes with at least one place in the district, sorted."""
        self.district(district_key)
        return self._codes_by_district.get(district_key, ())

    # -- catalogues -----------------------------------------------------------------------

    def target_group(self, code: str) -> TargetGroup:
        try:
            return self._target_groups[code]
        except KeyError:
            raise UnknownReference(f"Unbekannte Zielgruppe: {code}") from None

    def partner_type(self, code: str) -> PartnerType:
        try:
            return self._partner_types[code]
        except KeyError:
            raise UnknownReference(f"Unbekannter Partnertyp: {code}") from None


# -- loading ------------------------------------------------------------------------------


def load_reference(directory: Path | None = None) -> Reference:
    """Load (and validate) the reference data; cached per directory, the result is immutable."""
    return _load_cached((directory or DEFAULT_DIRECTORY).resolve())


@lru_cache(maxsize=8)
def _load_cached(directory: Path) -> Reference:
    if not directory.is_dir():
        raise ReferenceDataError(f"reference directory not found: {directory}")
    carriers = tuple(
        Carrier(c["id"], c["name"], c["kind"], c["region"], str(c.get("service_phone") or ""))
        for c in _read_json(directory / "carriers.json")
    )
    districts = tuple(
        District(
            key=r["key"],
            name=r["name"],
            state=r["state"],
            state_code=r["state_code"],
            regbez=r["regbez"],
            population=int(r["population"]),
            carrier=r["carrier"],
            lat=float(r["lat"]),
            lon=float(r["lon"]),
        )
        for r in _read_csv(directory / "districts.csv")
    )
    postal_places = tuple(
        PostalPlace(
            r["postal_code"], r["place"], r["district_key"], float(r["lat"]), float(r["lon"])
        )
        for r in _read_csv(directory / "postal_codes.csv")
    )
    words = {
        str(w["code"]): tuple(str(x) for x in w["words"])
        for w in _read_json(directory / "target_group_words.json")
    }
    target_groups = tuple(
        TargetGroup(t["code"], t["label"], t["description"], words.get(t["code"], ()))
        for t in _read_json(directory / "target_groups.json")
    )
    concept_sections = tuple(
        ConceptSection(s["code"], s["label"], s.get("rule", "Q1"), s.get("source", ""))
        for s in _read_json(directory / "concept_sections.json")
    )
    partner_types = tuple(
        PartnerType(p["code"], p["label"], bool(p["social_benefit_carrier"]))
        for p in _read_json(directory / "partner_types.json")
    )
    rules = read_carrier_rules(directory / "carrier_regions.csv")
    reference = Reference(
        carriers=carriers,
        districts=districts,
        postal_places=postal_places,
        target_groups=target_groups,
        concept_sections=concept_sections,
        partner_types=partner_types,
        carrier_rules=rules,
    )
    validate(reference)
    return reference


def validate(reference: Reference) -> None:
    """Raise ReferenceDataError unless the data is consistent (docs/rules.md §3)."""
    problems: list[str] = []
    carriers = reference.carriers_by_id
    if len(carriers) != len(reference.carriers):
        problems.append("carrier ids are not unique")
    for c in reference.carriers:
        if c.kind not in ("regional", "federal"):
            problems.append(f"carrier {c.id}: kind {c.kind!r}")
        if not c.service_phone:
            problems.append(f"carrier {c.id}: no service_phone (carriers.json)")
    if any(not t.words for t in reference.target_groups):
        problems.append("target_group_words.json: every target group needs its everyday words")
    if len(reference.districts_by_key) != len(reference.districts):
        problems.append("district keys are not unique")
    for rule in reference.carrier_rules:
        target = carriers.get(rule.carrier)
        if target is None or target.kind != "regional":
            problems.append(
                f"carrier_regions.csv: {rule.ags_prefix} -> {rule.carrier} (not regional)"
            )
    for d in reference.districts:
        expected = carrier_for_district(reference.carrier_rules, d.key)
        if d.carrier != expected:
            problems.append(
                f"district {d.key}: carrier {d.carrier} but carrier_regions.csv says {expected}"
                " (run seed/build_reference.py --carriers-only)"
            )
    for p in reference.postal_places:
        if p.district_key not in reference.districts_by_key:
            problems.append(f"postal code {p.postal_code}: unknown district {p.district_key}")
    if problems:
        shown = "; ".join(problems[:10])
        raise ReferenceDataError(f"{len(problems)} problem(s) in the reference data: {shown}")


def _read_csv(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    except OSError as exc:
        raise ReferenceDataError(f"cannot read {path}: {exc}") from exc


def _read_json(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReferenceDataError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, list):
        raise ReferenceDataError(f"{path.name}: expected a JSON list")
    return data
