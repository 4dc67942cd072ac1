"""Places and distances.

`distance_km` is the one distance function of the project (great-circle on the WGS84 mean
radius, via geopy). The geocoder port and its adapters live here as well:

* `Geocoder` — the port: ``resolve(postal_code, place=None, street=None) -> ResolvedPlace``.
* `GazetteerGeocoder` — the default, offline: postal code (+ place) -> district, carrier and the
  postal-code centroid, from the reference data (docs/rules.md §3).
* `NominatimGeocoder` — street addresses via a Nominatim server (geopy), rate-limited and
  cached; district and carrier still come from the gazetteer, only lat/lon from the street.
* `make_geocoder(spec, reference)` — "gazetteer" or "nominatim:<base URL>".
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol, runtime_checkable
from urllib.parse import urlsplit

from registry.reference import PostalPlace, Reference

log = logging.getLogger(__name__)


from registry.distance import EARTH_RADIUS_KM, distance_km  # noqa: E402,F401  (re-export)

# -- results and errors -------------------------------------------------------------------

Precision = Literal["postal-code", "street"]


@dataclass(frozen=True, slots=True)
class ResolvedPlace:
    postal_code: str
    place: str
    district_key: str
    district_name: str
    state: str
    responsible_carrier: str
    lat: float
    lon: float
    precision: Precision = "postal-code"  # "street" when lat/lon come from the street address

    def as_dict(self) -> dict[str, Any]:
        """The shape of ``GET /places/resolve`` (API.md)."""
        return {
            "postal_code": self.postal_code,
            "place": self.place,
            "district": {"key": self.district_key, "name": self.district_name},
            "state": self.state,
            "responsible_carrier": self.responsible_carrier,
            "lat": self.lat,
            "lon": self.lon,
        }


class GeocodingError(ValueError):
    """Base class; ``message`` is German and may be shown to users."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidPostalCode(GeocodingError):
    """The input is not a German postal code (five digits)."""

    def __init__(self, postal_code: str) -> None:
        super().__init__(
            f"Ungültige Postleitzahl „{postal_code}“: erwartet werden genau fünf Ziffern."
        )
        self.postal_code = postal_code


class UnknownPostalCode(GeocodingError, LookupError):
    """Five digits, but not a postal code of the gazetteer."""

    def __init__(self, postal_code: str) -> None:
        super().__init__(f"Die Postleitzahl {postal_code} ist nicht bekannt.")
        self.postal_code = postal_code


@dataclass(frozen=True, slots=True)
class PlaceOption:
    place: str
    district_key: str
    district_name: str


class AmbiguousPlace(GeocodingError):
    """The postal code spans several districts and the place does not decide between them."""

    def __init__(self, postal_code: str, options: Sequence[PlaceOption]) -> None:
        self.postal_code = postal_code
        self.options = list(options)
        self.candidates: list[str] = list(dict.fromkeys(o.place for o in options))
        super().__init__(
            f"Die Postleitzahl {postal_code} liegt in mehreren Kreisen. "
            f"Bitte den Ort angeben: {', '.join(self.candidates)}."
        )


# -- the port ------------------------------------------------------------------------------


@runtime_checkable
class Geocoder(Protocol):
    def resolve(
        self, postal_code: str, place: str | None = None, street: str | None = None
    ) -> ResolvedPlace:
        """Resolve a German address to its district and responsible carrier.

        Raises InvalidPostalCode, UnknownPostalCode or AmbiguousPlace.
        """
        ...


# -- place-name matching -------------------------------------------------------------------

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_NON_WORD = re.compile(r"[^0-9a-z]+")
_BASE_CUT = re.compile(r"\s*(?:[,/(]|\bbei\b|\bb\.\s).*$", re.IGNORECASE)


def normalize_place(name: str) -> str:
    """Case-, umlaut-, punctuation- and whitespace-insensitive form: "Lübeck" == "LUEBECK "."""
    text = name.casefold().translate(_UMLAUTS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", text).strip()


def _base(name: str) -> str:
    """The name before any qualifier: "Wismar, Mecklenburg" -> "wismar"."""
    return normalize_place(_BASE_CUT.sub("", name)) or normalize_place(name)


def _match_places(places: Sequence[PostalPlace], wanted: str) -> list[PostalPlace]:
    """Places matching the wanted name; exact first, then by base name, then by word prefix."""
    norm = normalize_place(wanted)
    if not norm:
        return []
    tiers: tuple[Callable[[PostalPlace], bool], ...] = (
        lambda p: normalize_place(p.place) == norm,
        lambda p: _base(p.place) == _base(wanted),
        lambda p: (
            normalize_place(p.place).startswith(norm + " ")
            or norm.startswith(normalize_place(p.place) + " ")
        ),
    )
    for matches in tiers:
        found = [p for p in places if matches(p)]
        if found:
            return found
    return []


# -- the gazetteer -------------------------------------------------------------------------

_POSTAL_CODE = re.compile(r"\d{5}")


def check_postal_code(postal_code: str) -> str:
    """The postal code without surrounding blanks; InvalidPostalCode unless it is five digits."""
    code = postal_code.strip() if isinstance(postal_code, str) else ""
    if not _POSTAL_CODE.fullmatch(code) or not code.isascii():
        raise InvalidPostalCode(str(postal_code))
    return code


class GazetteerGeocoder:
    """Offline geocoder over the reference data: the postal code decides, the place breaks ties.

    * One district: the matching place if given (else the primary place), its postal-code
      centroid. A place that matches nothing does not fail: the postal code decides.
    * Several districts: the place must match places in exactly one district, else
      AmbiguousPlace lists the candidates.
    """

    def __init__(self, reference: Reference) -> None:
        self.reference = reference

    def resolve(
        self, postal_code: str, place: str | None = None, street: str | None = None
    ) -> ResolvedPlace:
        code = check_postal_code(postal_code)
        places = self.reference.places(code)
        if not places:
            raise UnknownPostalCode(code)
        matched = _match_places(places, place) if place and place.strip() else []
        pool = matched or list(places)
        districts = list(dict.fromkeys(p.district_key for p in pool))
        if len(districts) > 1:
            raise AmbiguousPlace(code, [self._option(p) for p in pool])
        return self._resolved(pool[0])

    def _option(self, p: PostalPlace) -> PlaceOption:
        return PlaceOption(p.place, p.district_key, self.reference.district(p.district_key).name)

    def _resolved(self, p: PostalPlace) -> ResolvedPlace:
        district = self.reference.district(p.district_key)
        return ResolvedPlace(
            postal_code=p.postal_code,
            place=p.place,
            district_key=district.key,
            district_name=district.name,
            state=district.state,
            responsible_carrier=district.carrier,
            lat=p.lat,
            lon=p.lon,
        )


# -- Nominatim -----------------------------------------------------------------------------


class _LRU:
    """A small thread-safe LRU map."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._data: OrderedDict[tuple[str, ...], tuple[float, float] | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...]) -> tuple[bool, tuple[float, float] | None]:
        with self._lock:
            if key not in self._data:
                return False, None
            self._data.move_to_end(key)
            return True, self._data[key]

    def put(self, key: tuple[str, ...], value: tuple[float, float] | None) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


class NominatimGeocoder:
    """Street-level coordinates from a Nominatim server; district and carrier from the gazetteer.

    Without a street it is the gazetteer. With a street it asks Nominatim (structured query:
    street, postal code, place, Germany), at most one request per ``min_delay_seconds``, and
    caches answers (also "not found") in an in-memory LRU. A result farther than
    ``max_deviation_km`` from the postal-code centroid is taken as a wrong match. If the server
    finds nothing, fails or times out, the postal-code centroid is used (precision stays
    "postal-code"); the address still resolves.
    """

    def __init__(
        self,
        base_url: str,
        gazetteer: GazetteerGeocoder,
        *,
        user_agent: str = "drv-registry",
        min_delay_seconds: float = 1.0,
        timeout: float = 10.0,
        cache_size: int = 4096,
        max_deviation_km: float = 30.0,
    ) -> None:
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim

        parts = urlsplit(base_url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                f"Nominatim base URL must be http(s)://host[:port][/path]: {base_url!r}"
            )
        self.base_url = base_url.strip()
        self.gazetteer = gazetteer
        self.max_deviation_km = max_deviation_km
        self._nominatim = Nominatim(
            domain=parts.netloc + parts.path.rstrip("/"),
            scheme=parts.scheme,
            user_agent=user_agent,
            timeout=timeout,
        )
        # errors are handled here (not cached, centroid used), so no retries and no swallowing
        self._geocode = RateLimiter(
            self._nominatim.geocode,
            min_delay_seconds=min_delay_seconds,
            max_retries=0,
            swallow_exceptions=False,
        )
        self._cache = _LRU(cache_size)

    def resolve(
        self, postal_code: str, place: str | None = None, street: str | None = None
    ) -> ResolvedPlace:
        base = self.gazetteer.resolve(postal_code, place)
        if not street or not street.strip():
            return base
        point = self._street_point(base, " ".join(street.split()))
        if point is None:
            return base
        return replace(base, lat=point[0], lon=point[1], precision="street")

    def _street_point(self, base: ResolvedPlace, street: str) -> tuple[float, float] | None:
        key = (base.postal_code, base.place, normalize_place(street))
        hit, cached = self._cache.get(key)
        if hit:
            return cached
        from geopy.exc import GeopyError

        query = {
            "street": street,
            "postalcode": base.postal_code,
            "city": base.place,
            "country": "Deutschland",
        }
        try:
            location = self._geocode(query, exactly_one=True, country_codes="de")
        except GeopyError as exc:
            log.warning("Nominatim lookup failed for %s %s: %s", base.postal_code, street, exc)
            return None
        point: tuple[float, float] | None = None
        if location is not None:
            lat, lon = float(location.latitude), float(location.longitude)
            if distance_km(base.lat, base.lon, lat, lon) <= self.max_deviation_km:
                point = (lat, lon)
            else:
                log.warning(
                    "Nominatim result for %s %s is too far from the postal code; ignored",
                    base.postal_code,
                    street,
                )
        self._cache.put(key, point)
        return point


# -- configuration -------------------------------------------------------------------------


def make_geocoder(spec: str, reference: Reference, **nominatim_options: Any) -> Geocoder:
    """ "gazetteer" or "nominatim:<base URL>" (e.g. "nominatim:http://localhost:8080")."""
    text = spec.strip()
    gazetteer = GazetteerGeocoder(reference)
    if text == "gazetteer":
        return gazetteer
    if text.startswith("nominatim:"):
        return NominatimGeocoder(text.removeprefix("nominatim:"), gazetteer, **nominatim_options)
    raise ValueError(f"unknown geocoder {spec!r}: use 'gazetteer' or 'nominatim:<base URL>'")
