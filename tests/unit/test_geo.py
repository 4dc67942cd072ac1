"""The geocoder port: gazetteer and Nominatim adapters (docs/rules.md §3, rules A1, A2)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from registry.geo import (
    AmbiguousPlace,
    GazetteerGeocoder,
    Geocoder,
    GeocodingError,
    InvalidPostalCode,
    NominatimGeocoder,
    ResolvedPlace,
    UnknownPostalCode,
    distance_km,
    make_geocoder,
    normalize_place,
)
from registry.reference import Reference, load_reference


@pytest.fixture(scope="module")
def ref() -> Reference:
    return load_reference()


@pytest.fixture(scope="module")
def gazetteer(ref: Reference) -> GazetteerGeocoder:
    return GazetteerGeocoder(ref)


# -- postal code -> district -> carrier ----------------------------------------------------

KNOWN = [
    # postal code, place, district key, carrier
    ("23556", "Lübeck", "01003", "drv-nord"),
    ("24103", "Kiel", "01002", "drv-nord"),
    ("20095", "Hamburg", "02000", "drv-nord"),
    ("18055", "Rostock", "13003", "drv-nord"),
    ("19053", "Schwerin", "13004", "drv-nord"),
    ("26121", "Oldenburg", "03403", "drv-oldenburg-bremen"),
    ("27749", "Delmenhorst", "03401", "drv-oldenburg-bremen"),
    ("26382", "Wilhelmshaven", "03405", "drv-oldenburg-bremen"),
    ("49377", "Vechta", "03460", "drv-oldenburg-bremen"),
    ("49661", "Cloppenburg", "03453", "drv-oldenburg-bremen"),
    ("28195", "Bremen", "04011", "drv-oldenburg-bremen"),
    ("27568", "Bremerhaven", "04012", "drv-oldenburg-bremen"),
    ("30159", "Hannover", "03241", "drv-braunschweig-hannover"),
    ("38100", "Braunschweig", "03101", "drv-braunschweig-hannover"),
    ("49074", "Osnabrück", "03404", "drv-braunschweig-hannover"),
    ("26721", "Emden", "03402", "drv-braunschweig-hannover"),
    ("10115", "Berlin", "11000", "drv-berlin-brandenburg"),
    ("14467", "Potsdam", "12054", "drv-berlin-brandenburg"),
    ("04109", "Leipzig", "14713", "drv-mitteldeutschland"),
    ("01067", "Dresden", "14612", "drv-mitteldeutschland"),
    ("39104", "Magdeburg", "15003", "drv-mitteldeutschland"),
    ("99084", "Erfurt", "16051", "drv-mitteldeutschland"),
    ("40213", "Düsseldorf", "05111", "drv-rheinland"),
    ("45127", "Essen", "05113", "drv-rheinland"),
    ("50667", "Köln", "05315", "drv-rheinland"),
    ("53111", "Bonn", "05314", "drv-rheinland"),
    ("44135", "Dortmund", "05913", "drv-westfalen"),
    ("48143", "Münster", "05515", "drv-westfalen"),
    ("33602", "Bielefeld", "05711", "drv-westfalen"),
    ("44787", "Bochum", "05911", "drv-westfalen"),
    ("60311", "Frankfurt am Main", "06412", "drv-hessen"),
    ("34117", "Kassel", "06611", "drv-hessen"),
    ("55116", "Mainz", "07315", "drv-rheinland-pfalz"),
    ("54290", "Trier", "07211", "drv-rheinland-pfalz"),
    ("66111", "Saarbrücken", "10041", "drv-saarland"),
    ("70173", "Stuttgart", "08111", "drv-baden-wuerttemberg"),
    ("76131", "Karlsruhe", "08212", "drv-baden-wuerttemberg"),
    ("76275", "Ettlingen", "08215", "drv-baden-wuerttemberg"),
    ("80331", "München", "09162", "drv-bayern-sued"),
    ("84028", "Landshut", "09261", "drv-bayern-sued"),
    ("93047", "Regensburg", "09362", "drv-bayern-sued"),
    ("90402", "Nürnberg", "09564", "drv-nordbayern"),
    ("97070", "Würzburg", "09663", "drv-nordbayern"),
    ("95444", "Bayreuth", "09462", "drv-nordbayern"),
    ("96047", "Bamberg", "09461", "drv-nordbayern"),
    ("96103", "Hallstadt", "09471", "drv-nordbayern"),
    ("86150", "Augsburg", "09761", "drv-schwaben"),
    ("87435", "Kempten", "09763", "drv-schwaben"),
    ("89231", "Neu-Ulm", "09775", "drv-schwaben"),
    ("99817", "Eisenach", "16063", "drv-mitteldeutschland"),
]


@pytest.mark.parametrize(("postal_code", "place", "district", "carrier"), KNOWN)
def test_known_postal_codes_resolve_to_district_and_carrier(
    gazetteer: GazetteerGeocoder, postal_code: str, place: str, district: str, carrier: str
) -> None:
    # rule A2 / §3: the responsible carrier is the regional carrier of the district
    resolved = gazetteer.resolve(postal_code)
    assert resolved.district_key == district
    assert resolved.responsible_carrier == carrier
    assert normalize_place(resolved.place).startswith(normalize_place(place).split()[0])
    assert gazetteer.resolve(postal_code, place).district_key == district


def test_eisenach_postal_codes_resolve_to_the_wartburgkreis(
    gazetteer: GazetteerGeocoder, ref: Reference
) -> None:
    # rule §3: Eisenach has been part of the Wartburgkreis (16063) since 2021
    codes = {p.postal_code for p in ref.postal_places if p.place == "Eisenach"}
    codes.discard("54298")  # a village Eisenach in the Eifel (Rhineland-Palatinate)
    assert codes
    for code in codes:
        resolved = gazetteer.resolve(code, "Eisenach")
        assert resolved.district_key == "16063"
        assert resolved.district_name == "Wartburgkreis"


def test_every_postal_code_resolves_to_a_district_and_carrier(
    gazetteer: GazetteerGeocoder, ref: Reference
) -> None:
    # rule §3: every postal code resolves to one district (the place decides where it spans
    # several) and every district has one responsible regional carrier
    regional = {c.id for c in ref.regional_carriers()}
    ambiguous = 0
    for code, places in ref.postal_codes.items():
        for p in places:
            resolved = gazetteer.resolve(code, p.place)
            assert resolved.district_key == p.district_key, (code, p.place)
            assert resolved.responsible_carrier == ref.district(p.district_key).carrier
            assert resolved.responsible_carrier in regional
        if len({p.district_key for p in places}) > 1:
            ambiguous += 1
            with pytest.raises(AmbiguousPlace):
                gazetteer.resolve(code)
        else:
            assert gazetteer.resolve(code).district_key == places[0].district_key
    assert 0 < ambiguous < len(ref.postal_codes) // 20


# -- ambiguity ------------------------------------------------------------------------------


def test_postal_code_spanning_districts_needs_the_place(gazetteer: GazetteerGeocoder) -> None:
    # rule §3: ambiguous without a place -> an error naming the candidates
    with pytest.raises(AmbiguousPlace) as info:
        gazetteer.resolve("06120")
    assert info.value.candidates == ["Halle", "Lieskau"]
    assert {o.district_key for o in info.value.options} == {"15002", "15088"}
    assert "Halle" in info.value.message and "Lieskau" in info.value.message
    assert gazetteer.resolve("06120", "Halle").district_key == "15002"
    assert gazetteer.resolve("06120", "Lieskau").district_key == "15088"


def test_place_that_matches_nothing_keeps_it_ambiguous(gazetteer: GazetteerGeocoder) -> None:
    # rule §3
    with pytest.raises(AmbiguousPlace) as info:
        gazetteer.resolve("03058", "Atlantis")
    assert "Gallinchen" in info.value.candidates
    assert "Haasow" in info.value.candidates
    assert gazetteer.resolve("03058", "Gallinchen").district_key == "12052"  # Cottbus
    assert gazetteer.resolve("03058", "Haasow").district_key == "12071"  # Spree-Neiße


def test_several_places_in_one_district_are_not_ambiguous(gazetteer: GazetteerGeocoder) -> None:
    # rule §3: one district, so the postal code alone decides; the primary place is returned
    resolved = gazetteer.resolve("01067")
    assert resolved.place == "Dresden"
    assert resolved.district_key == "14612"
    named = gazetteer.resolve("01067", "Dresden Friedrichstadt")
    assert named.place == "Dresden Friedrichstadt"
    assert (named.lat, named.lon) == (resolved.lat, resolved.lon)
    unknown_place = gazetteer.resolve("23556", "Travemünde")
    assert unknown_place.place == "Lübeck"


# -- place-name tolerance -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("Lübeck", "Lübeck"),
        ("Luebeck", "Lübeck"),
        ("  LÜBECK  ", "Lübeck"),
        ("lubeck", "Lübeck"),
    ],
)
def test_place_matching_ignores_case_umlauts_and_whitespace(
    gazetteer: GazetteerGeocoder, place: str, expected: str
) -> None:
    assert gazetteer.resolve("23556", place).place == expected


@pytest.mark.parametrize(
    ("postal_code", "place", "expected"),
    [
        ("06120", "halle (saale)", "Halle"),
        ("06120", "Halle/Saale", "Halle"),
        ("23952", "Wismar", "Wismar, Mecklenburg"),
        ("09227", "Einsiedel", "Einsiedel bei Chemnitz"),
        ("01067", "dresden   friedrichstadt", "Dresden Friedrichstadt"),
        ("03058", "gross gaglow", "Groß Gaglow"),
        ("03058", "Groß  Döbbern", "Groß Döbbern"),
    ],
)
def test_place_matching_by_base_name(
    gazetteer: GazetteerGeocoder, postal_code: str, place: str, expected: str
) -> None:
    assert gazetteer.resolve(postal_code, place).place == expected


def test_normalize_place() -> None:
    assert normalize_place("Groß-Gerau") == normalize_place("gross gerau") == "gross gerau"
    assert normalize_place("Müllheim") == normalize_place("MUELLHEIM")
    assert normalize_place("Frankfurt (Oder)") == "frankfurt oder"
    assert normalize_place("  ") == ""


# -- input validation -----------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["", "1234", "123456", "12a45", "2355 6", "２３５５６", "-2355"])
def test_postal_code_must_be_five_digits(gazetteer: GazetteerGeocoder, bad: str) -> None:
    with pytest.raises(InvalidPostalCode) as info:
        gazetteer.resolve(bad)
    assert "fünf Ziffern" in info.value.message
    assert isinstance(info.value, GeocodingError)


def test_surrounding_blanks_are_tolerated(gazetteer: GazetteerGeocoder) -> None:
    assert gazetteer.resolve(" 23556 ").postal_code == "23556"


def test_unknown_postal_code(gazetteer: GazetteerGeocoder) -> None:
    with pytest.raises(UnknownPostalCode) as info:
        gazetteer.resolve("00000")
    assert "00000" in info.value.message
    assert isinstance(info.value, LookupError)


def test_resolved_place_api_shape(gazetteer: GazetteerGeocoder) -> None:
    data = gazetteer.resolve("23556", "Lübeck").as_dict()
    assert data == {
        "postal_code": "23556",
        "place": "Lübeck",
        "district": {"key": "01003", "name": "Lübeck, Hansestadt"},
        "state": "Schleswig-Holstein",
        "responsible_carrier": "drv-nord",
        "lat": data["lat"],
        "lon": data["lon"],
    }
    assert distance_km(data["lat"], data["lon"], 53.87, 10.69) < 10


def test_street_is_ignored_by_the_gazetteer(gazetteer: GazetteerGeocoder) -> None:
    plain = gazetteer.resolve("23556")
    assert gazetteer.resolve("23556", None, "Breite Straße 1") == plain
    assert plain.precision == "postal-code"


# -- make_geocoder ------------------------------------------------------------------------


def test_make_geocoder(ref: Reference) -> None:
    assert isinstance(make_geocoder("gazetteer", ref), GazetteerGeocoder)
    nominatim = make_geocoder("nominatim:http://127.0.0.1:9/base/", ref, min_delay_seconds=0)
    assert isinstance(nominatim, NominatimGeocoder)
    assert isinstance(nominatim, Geocoder)
    assert isinstance(GazetteerGeocoder(ref), Geocoder)
    with pytest.raises(ValueError):
        make_geocoder("google", ref)
    with pytest.raises(ValueError):
        make_geocoder("nominatim:ftp://example", ref)
    with pytest.raises(ValueError):
        make_geocoder("nominatim:", ref)


# -- Nominatim against a local stand-in server ----------------------------------------------


class _StandIn(BaseHTTPRequestHandler):
    """Answers /search like Nominatim; the test sets `answer` and reads `requests`."""

    answer: ClassVar[tuple[int, Any]] = (200, [])
    requests: ClassVar[list[dict[str, list[str]]]] = []

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        parts = urlsplit(self.path)
        type(self).requests.append({"path": [parts.path], **parse_qs(parts.query)})
        status, body = type(self).answer
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return


@pytest.fixture()
def server() -> Iterator[str]:
    _StandIn.requests = []
    _StandIn.answer = (200, [])
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/nominatim"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _hit(lat: float, lon: float) -> list[dict[str, Any]]:
    return [
        {
            "place_id": 1,
            "lat": str(lat),
            "lon": str(lon),
            "display_name": "Breite Straße 1, 23552 Lübeck, Deutschland",
            "boundingbox": [str(lat - 0.001), str(lat + 0.001), str(lon - 0.001), str(lon + 0.001)],
        }
    ]


def _nominatim(base_url: str, gazetteer: GazetteerGeocoder, **kw: Any) -> NominatimGeocoder:
    return NominatimGeocoder(base_url, gazetteer, min_delay_seconds=0, timeout=5, **kw)


def test_nominatim_gives_street_coordinates_and_gazetteer_district(
    server: str, gazetteer: GazetteerGeocoder
) -> None:
    # rules A1/A2: the street sets the point, the postal code (+place) the district and carrier
    _StandIn.answer = (200, _hit(53.8679, 10.6870))
    geocoder = _nominatim(server, gazetteer)
    resolved = geocoder.resolve("23552", "Lübeck", "Breite Straße 1")
    assert isinstance(resolved, ResolvedPlace)
    assert (resolved.lat, resolved.lon) == (53.8679, 10.6870)
    assert resolved.precision == "street"
    assert resolved.district_key == "01003"
    assert resolved.responsible_carrier == "drv-nord"
    (request,) = _StandIn.requests
    assert request["path"] == ["/nominatim/search"]
    assert request["street"] == ["Breite Straße 1"]
    assert request["postalcode"] == ["23552"]
    assert request["city"] == ["Lübeck"]
    assert request["countrycodes"] == ["de"]
    assert request["format"] == ["json"]


def test_nominatim_answers_are_cached(server: str, gazetteer: GazetteerGeocoder) -> None:
    _StandIn.answer = (200, _hit(53.8679, 10.6870))
    geocoder = _nominatim(server, gazetteer)
    first = geocoder.resolve("23552", "Lübeck", "Breite Straße 1")
    again = geocoder.resolve("23552", "luebeck", "  breite   straße 1 ")
    assert again == first
    assert len(_StandIn.requests) == 1


def test_nominatim_cache_is_bounded(server: str, gazetteer: GazetteerGeocoder) -> None:
    _StandIn.answer = (200, _hit(53.8679, 10.6870))
    geocoder = _nominatim(server, gazetteer, cache_size=1)
    geocoder.resolve("23552", None, "Breite Straße 1")
    geocoder.resolve("23552", None, "Königstraße 2")
    geocoder.resolve("23552", None, "Breite Straße 1")
    assert len(_StandIn.requests) == 3


def test_without_street_no_request_is_made(server: str, gazetteer: GazetteerGeocoder) -> None:
    geocoder = _nominatim(server, gazetteer)
    assert geocoder.resolve("23552") == gazetteer.resolve("23552")
    assert geocoder.resolve("23552", None, "   ") == gazetteer.resolve("23552")
    assert _StandIn.requests == []


def test_not_found_falls_back_to_the_postal_code_centroid(
    server: str, gazetteer: GazetteerGeocoder
) -> None:
    _StandIn.answer = (200, [])
    geocoder = _nominatim(server, gazetteer)
    resolved = geocoder.resolve("23552", None, "Nirgendwo 99")
    assert resolved == gazetteer.resolve("23552")
    geocoder.resolve("23552", None, "Nirgendwo 99")
    assert len(_StandIn.requests) == 1  # "not found" is cached too


def test_server_error_falls_back_and_is_not_cached(
    server: str, gazetteer: GazetteerGeocoder
) -> None:
    _StandIn.answer = (500, {"error": "overloaded"})
    geocoder = _nominatim(server, gazetteer)
    assert geocoder.resolve("23552", None, "Breite Straße 1") == gazetteer.resolve("23552")
    _StandIn.answer = (200, _hit(53.8679, 10.6870))
    assert geocoder.resolve("23552", None, "Breite Straße 1").precision == "street"
    assert len(_StandIn.requests) == 2


def test_far_away_result_is_ignored(server: str, gazetteer: GazetteerGeocoder) -> None:
    _StandIn.answer = (200, _hit(48.137, 11.575))  # Munich, not Lübeck
    geocoder = _nominatim(server, gazetteer)
    assert geocoder.resolve("23552", None, "Breite Straße 1").precision == "postal-code"


def test_unreachable_server_falls_back(gazetteer: GazetteerGeocoder) -> None:
    geocoder = _nominatim("http://127.0.0.1:9", gazetteer)  # discard port: nothing listens
    assert geocoder.resolve("23552", None, "Breite Straße 1") == gazetteer.resolve("23552")


def test_nominatim_validates_before_asking(server: str, gazetteer: GazetteerGeocoder) -> None:
    # rule §3: ambiguity and bad input are decided by the gazetteer, without a request
    geocoder = _nominatim(server, gazetteer)
    with pytest.raises(AmbiguousPlace):
        geocoder.resolve("06120", None, "Hauptstraße 1")
    with pytest.raises(InvalidPostalCode):
        geocoder.resolve("6120", None, "Hauptstraße 1")
    with pytest.raises(UnknownPostalCode):
        geocoder.resolve("00000", None, "Hauptstraße 1")
    assert _StandIn.requests == []


def test_distance_km_agrees_with_geopy_great_circle() -> None:
    import random

    from geopy.distance import great_circle

    from registry.geo import distance_km

    rng = random.Random(7)
    for _ in range(2000):
        a = (rng.uniform(47, 55.1), rng.uniform(5.8, 15.1))
        b = (rng.uniform(47, 55.1), rng.uniform(5.8, 15.1))
        assert abs(distance_km(*a, *b) - great_circle(a, b).km) < 1e-6
