"""The static facts and the hand-kept crosswalk between the GeoNames and Destatis district lists
(states, Regierungsbezirke, name affixes, every resolved difference with its reason), and the
matching of district names that uses them. Used by seed/build_reference.py.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from seed.reference_sources import DestatisDistrict

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
# Matching district names
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
