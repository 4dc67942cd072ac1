"""Where demo providers are: districts weighted by population, and postal places in them that the
geocoder resolves unambiguously."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from registry.context import Registry
from registry.geo import GeocodingError, distance_km
from registry.reference import District, Reference

# --------------------------------------------------------------------------- geography


@dataclass(frozen=True)
class Site:
    """A picked address: a postal place that resolves to exactly its district."""

    postal_code: str
    place: str
    district: District


class Geography:
    """Picks districts weighted by population and postal places in them."""

    NEAR_KM = 130.0

    def __init__(self, reg: Registry, rng: random.Random) -> None:
        self.reg = reg
        self.rng = rng
        ref: Reference = reg.reference
        self.districts = [d for d in ref.districts if ref.postal_codes_of_district(d.key)]
        self.weights = [max(d.population, 1) for d in self.districts]
        self.regional = [c.id for c in ref.regional_carriers()]
        self.by_carrier: dict[str, list[District]] = {c: [] for c in self.regional}
        for d in self.districts:
            self.by_carrier.setdefault(d.carrier, []).append(d)
        self._places: dict[str, tuple[list[tuple[str, list[str]]], list[int]]] = {}
        self.near: dict[str, list[District]] = {
            d.key: [
                o for o in self.districts if distance_km(d.lat, d.lon, o.lat, o.lon) <= self.NEAR_KM
            ]
            for d in self.districts
        }

    def _weighted(self, pool: Sequence[District]) -> District:
        return self.rng.choices(pool, weights=[max(d.population, 1) for d in pool])[0]

    def headquarters_district(self, carrier: str | None) -> District:
        if carrier:
            return self._weighted(self.by_carrier[carrier])
        return self.rng.choices(self.districts, weights=self.weights)[0]

    def further_district(self, hq: District, foreign: bool) -> District:
        """A district near the headquarters, in its carrier's region or (foreign) another's."""
        near = [d for d in self.near[hq.key] if (d.carrier != hq.carrier) == foreign]
        if near:
            return self._weighted(near)
        pool = [d for d in self.districts if (d.carrier != hq.carrier) == foreign]
        return self._weighted(pool)

    def _places_of(self, district: District) -> tuple[list[tuple[str, list[str]]], list[int]]:
        """The district's place names with their postal codes; a place weighs the square of
        its number of postal codes, so that towns (many codes) win over villages (one)."""
        cached = self._places.get(district.key)
        if cached is None:
            ref: Reference = self.reg.reference
            by_place: dict[str, list[str]] = {}
            for code in ref.postal_codes_of_district(district.key):
                for p in ref.places(code):
                    if p.district_key == district.key:
                        by_place.setdefault(p.place, []).append(code)
            items = sorted(by_place.items())
            cached = (items, [len(codes) ** 2 for _, codes in items])
            self._places[district.key] = cached
        return cached

    def site_in(self, district: District, avoid: set[str]) -> Site:
        """A postal place of the district that the geocoder resolves to it unambiguously."""
        items, weights = self._places_of(district)
        for attempt in range(30):
            place, codes = self.rng.choices(items, weights)[0]
            code = self.rng.choice(codes)
            if code in avoid and attempt < 10:
                continue
            try:
                resolved = self.reg.geocoder.resolve(code, place)
            except GeocodingError:  # e.g. ambiguous without a street: try another code
                continue
            if resolved.district_key == district.key:
                return Site(code, place, district)
        raise RuntimeError(f"no resolvable postal place in district {district.key}")
