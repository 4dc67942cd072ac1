"""The reference data: carriers, districts, postal codes, catalogues (docs/rules.md §3, §4, Q1, N1)."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from registry.reference import (
    DEFAULT_DIRECTORY,
    CarrierRule,
    Reference,
    ReferenceDataError,
    UnknownReference,
    carrier_for_district,
    load_reference,
    read_carrier_rules,
)

ROOT = Path(__file__).resolve().parents[2]

REGIONAL = {
    "drv-baden-wuerttemberg",
    "drv-bayern-sued",
    "drv-nordbayern",
    "drv-schwaben",
    "drv-berlin-brandenburg",
    "drv-braunschweig-hannover",
    "drv-oldenburg-bremen",
    "drv-hessen",
    "drv-mitteldeutschland",
    "drv-nord",
    "drv-rheinland",
    "drv-westfalen",
    "drv-rheinland-pfalz",
    "drv-saarland",
}
FEDERAL = {"drv-bund", "drv-knappschaft-bahn-see"}


@pytest.fixture(scope="module")
def ref() -> Reference:
    return load_reference()


def test_sixteen_carriers_fourteen_regional_two_federal(ref: Reference) -> None:
    # rule §3 (carriers)
    assert {c.id for c in ref.regional_carriers()} == REGIONAL
    assert {c.id for c in ref.federal_carriers()} == FEDERAL
    assert len(ref.carriers) == 16
    assert ref.carrier("drv-oldenburg-bremen").name == "DRV Oldenburg-Bremen"
    assert all(c.region for c in ref.carriers)


def test_exactly_400_districts_with_unique_five_digit_keys(ref: Reference) -> None:
    # rule §3 (reference geography): Germany has 400 districts since 1 July 2021
    keys = [d.key for d in ref.districts]
    assert len(keys) == 400
    assert len(set(keys)) == 400
    assert all(re.fullmatch(r"\d{5}", k) for k in keys)
    assert keys == sorted(keys)


def test_eisenach_is_part_of_the_wartburgkreis(ref: Reference) -> None:
    # rule §3: the 2021 merger of Eisenach (16056) into the Wartburgkreis (16063)
    assert "16056" not in ref.districts_by_key
    wartburg = ref.district("16063")
    assert wartburg.name == "Wartburgkreis"
    assert wartburg.population == 123025 + 42370  # both as of 31.12.2018 (Destatis)


def test_sixteen_states_with_german_names(ref: Reference) -> None:
    states = ref.states()
    assert [s.code for s in states] == [f"{i:02d}" for i in range(1, 17)]
    names = {s.code: s.name for s in states}
    assert names["01"] == "Schleswig-Holstein"
    assert names["09"] == "Bayern"
    assert names["16"] == "Thüringen"
    assert all(d.key.startswith(d.state_code) for d in ref.districts)
    assert sum(len(ref.districts_in_state(s.code)) for s in states) == 400


def test_every_district_has_exactly_one_regional_carrier(ref: Reference) -> None:
    # rule §3: every district has exactly one responsible regional carrier
    for d in ref.districts:
        assert ref.responsible_carrier(d.key) in REGIONAL
        assert carrier_for_district(ref.carrier_rules, d.key) == d.carrier
    regions = [ref.districts_by_carrier(c) for c in REGIONAL]
    assert sum(len(r) for r in regions) == 400


def test_every_regional_carrier_has_a_region_and_federal_ones_none(ref: Reference) -> None:
    # rule §3: federal carriers have no region of their own
    for carrier in REGIONAL:
        assert ref.districts_by_carrier(carrier), carrier
    for carrier in FEDERAL:
        assert ref.districts_by_carrier(carrier) == ()


def test_states_map_to_their_carrier(ref: Reference) -> None:
    # rule §3 (carrier table)
    by_state = {
        "01": {"drv-nord"},
        "02": {"drv-nord"},
        "04": {"drv-oldenburg-bremen"},
        "06": {"drv-hessen"},
        "07": {"drv-rheinland-pfalz"},
        "08": {"drv-baden-wuerttemberg"},
        "10": {"drv-saarland"},
        "11": {"drv-berlin-brandenburg"},
        "12": {"drv-berlin-brandenburg"},
        "13": {"drv-nord"},
        "14": {"drv-mitteldeutschland"},
        "15": {"drv-mitteldeutschland"},
        "16": {"drv-mitteldeutschland"},
        "03": {"drv-braunschweig-hannover", "drv-oldenburg-bremen"},
        "05": {"drv-rheinland", "drv-westfalen"},
        "09": {"drv-bayern-sued", "drv-nordbayern", "drv-schwaben"},
    }
    for code, carriers in by_state.items():
        assert {d.carrier for d in ref.districts_in_state(code)} == carriers, code


def test_bavaria_and_nrw_are_split_by_regierungsbezirk(ref: Reference) -> None:
    # rule §3: Bavaria and North Rhine-Westphalia by Regierungsbezirk
    expected = {
        "091": ("Oberbayern", "drv-bayern-sued"),
        "092": ("Niederbayern", "drv-bayern-sued"),
        "093": ("Oberpfalz", "drv-bayern-sued"),
        "094": ("Oberfranken", "drv-nordbayern"),
        "095": ("Mittelfranken", "drv-nordbayern"),
        "096": ("Unterfranken", "drv-nordbayern"),
        "097": ("Schwaben", "drv-schwaben"),
        "051": ("Düsseldorf", "drv-rheinland"),
        "053": ("Köln", "drv-rheinland"),
        "055": ("Münster", "drv-westfalen"),
        "057": ("Detmold", "drv-westfalen"),
        "059": ("Arnsberg", "drv-westfalen"),
    }
    seen = set()
    for d in ref.districts:
        if d.state_code in ("05", "09"):
            regbez, carrier = expected[d.key[:3]]
            assert (d.regbez, d.carrier) == (regbez, carrier), d
            seen.add(d.key[:3])
    assert seen == set(expected)
    assert len(ref.districts_by_carrier("drv-schwaben")) == 14
    assert len(ref.districts_in_state("09")) == 96
    assert len(ref.districts_in_state("05")) == 53


def test_oldenburg_districts_belong_to_oldenburg_bremen(ref: Reference) -> None:
    # rule §3: Bremen and the Oldenburg districts -> drv-oldenburg-bremen
    oldenburg = {
        "03401": "Delmenhorst",
        "03403": "Oldenburg (Oldenburg)",
        "03405": "Wilhelmshaven",
        "03451": "Ammerland",
        "03453": "Cloppenburg",
        "03455": "Friesland",
        "03458": "Oldenburg",
        "03460": "Vechta",
        "03461": "Wesermarsch",
    }
    for key, name in oldenburg.items():
        assert name in ref.district(key).name
    region = {d.key for d in ref.districts_by_carrier("drv-oldenburg-bremen")}
    assert region == set(oldenburg) | {"04011", "04012"}
    lower_saxony = {d.key for d in ref.districts_in_state("03")}
    assert {d.key for d in ref.districts_by_carrier("drv-braunschweig-hannover")} == (
        lower_saxony - set(oldenburg)
    )


def test_every_postal_code_has_a_known_district_and_a_place(ref: Reference) -> None:
    # rule §3: every postal code resolves to one district
    assert len(ref.postal_codes) > 8300
    for code, places in ref.postal_codes.items():
        assert re.fullmatch(r"\d{5}", code)
        assert places
        for p in places:
            assert p.place.strip() == p.place and p.place
            assert p.district_key in ref.districts_by_key
            assert 47.2 < p.lat < 55.1 and 5.8 < p.lon < 15.1, p
    pairs = [(p.postal_code, p.place) for p in ref.postal_places]
    assert len(pairs) == len(set(pairs))


def test_every_district_has_postal_codes_and_its_centroid_is_their_mean(ref: Reference) -> None:
    # districts.csv lat/lon = mean of the source centroids of its postal codes (imputed ones,
    # listed in crosswalk.csv, are not part of the mean)
    imputed = set()
    with (DEFAULT_DIRECTORY / "crosswalk.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["kind"] == "centroid-imputed":
                imputed.add(row["source"].split(" ", 1)[0])
    points: dict[str, dict[str, tuple[float, float]]] = defaultdict(dict)
    for p in ref.postal_places:
        if p.postal_code not in imputed:
            points[p.district_key][p.postal_code] = (p.lat, p.lon)
    for d in ref.districts:
        assert ref.postal_codes_of_district(d.key)
        own = list(points[d.key].values())
        assert own, d.key
        assert d.lat == pytest.approx(sum(q[0] for q in own) / len(own), abs=2e-6)
        assert d.lon == pytest.approx(sum(q[1] for q in own) / len(own), abs=2e-6)


def test_lookups_raise_for_unknown_ids(ref: Reference) -> None:
    with pytest.raises(UnknownReference):
        ref.carrier("drv-atlantis")
    with pytest.raises(UnknownReference):
        ref.district("16056")
    with pytest.raises(UnknownReference):
        ref.responsible_carrier("99999")
    with pytest.raises(UnknownReference):
        ref.target_group("astrology")
    assert ref.places("00000") == ()


def test_target_group_catalogue(ref: Reference) -> None:
    # rule §4: the codes are part of the public interface
    assert [t.code for t in ref.target_groups] == [
        "language-barrier",
        "cognitive-impairment",
        "hearing-impairment",
        "visual-impairment",
        "neurological",
        "addiction",
        "mental-health",
        "oncology",
        "cardiology",
        "specific-care-structures",
        "outreach",
    ]
    assert all(t.label and len(t.description) > 20 for t in ref.target_groups)
    assert ref.target_group("hearing-impairment").label.startswith("Hörbehinderung")


def test_concept_sections_cover_q1(ref: Reference) -> None:
    # rule Q1: one section per item of the concept
    codes = [s.code for s in ref.concept_sections]
    assert len(codes) == len(set(codes)) == 27
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", c) for c in codes)
    for code in (
        "provider",
        "legal-form",
        "addresses",
        "catchment-area",
        "cooperation-networking",
        "organisation-services",
        "goals-target-groups",
        "methods",
        "crisis-intervention",
        "data-protection",
        "bar-standards",
        "caseload",
        "in-person-counselling",
    ):
        assert code in codes
    assert all(s.label for s in ref.concept_sections)
    # rule Q8: the advisory items of Rahmenkonzept §5.2 and Fachkonzept §8.3, with their source
    advisory = {s.code for s in ref.concept_sections if s.rule == "Q8"}
    assert advisory == {"person-continuity", "material-equipment", "no-legal-advice-no-therapy"}
    assert {s.rule for s in ref.concept_sections} == {"Q1", "Q8"}
    assert all(s.source for s in ref.concept_sections)


def test_partner_types(ref: Reference) -> None:
    # rule N1 (type codes) and N2 (procedure agreements only among social-benefit carriers)
    assert [t.code for t in ref.partner_types] == [
        "employment-agency",
        "jobcenter",
        "health-insurer",
        "rehabilitation-carrier",
        "integration-service",
        "rehab-facility",
        "addiction-counselling",
        "debt-counselling",
        "psychosocial-counselling",
        "self-help-contact-point",
        "employer",
        "company-medical-service",
        "participation-counselling",
        "municipality",
        "drv-internal",
        "other",
    ]
    assert {t.code for t in ref.partner_types if t.social_benefit_carrier} == {
        "employment-agency",
        "jobcenter",
        "health-insurer",
        "rehabilitation-carrier",
        "municipality",
    }
    assert ref.partner_type("jobcenter").label == "Jobcenter"


def test_api_shapes_of_the_json_files() -> None:
    carriers = json.loads((DEFAULT_DIRECTORY / "carriers.json").read_text(encoding="utf-8"))
    assert all(set(c) == {"id", "name", "kind", "region", "service_phone"} for c in carriers)
    groups = json.loads((DEFAULT_DIRECTORY / "target_groups.json").read_text(encoding="utf-8"))
    assert all(set(g) == {"code", "label", "description"} for g in groups)
    words = json.loads((DEFAULT_DIRECTORY / "target_group_words.json").read_text(encoding="utf-8"))
    assert all(set(w) == {"code", "words"} and w["words"] for w in words)
    # rule E3: every target group has its everyday words
    assert {w["code"] for w in words} == {g["code"] for g in groups}


def test_s9_every_carrier_has_a_general_service_number() -> None:
    # §9 / rule E6: printed when the carrier's profile names no contact person
    assert all(c.service_phone.replace(" ", "").isdigit() for c in load_reference().carriers)


def test_load_is_cached_and_immutable(ref: Reference) -> None:
    assert load_reference() is ref
    assert load_reference(DEFAULT_DIRECTORY) is ref
    with pytest.raises(AttributeError):
        ref.districts = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        ref.carriers_by_id["x"] = ref.carriers[0]  # type: ignore[index]


# -- carrier rules as data -----------------------------------------------------------------


def test_longest_prefix_wins() -> None:
    # rule §3: responsibility is reference data (state < Regierungsbezirk < district)
    rules = (
        CarrierRule("state", "03", "a", ""),
        CarrierRule("district", "03460", "b", ""),
        CarrierRule("regbez", "091", "c", ""),
    )
    assert carrier_for_district(rules, "03460") == "b"
    assert carrier_for_district(rules, "03459") == "a"
    assert carrier_for_district(rules, "09162") == "c"
    assert carrier_for_district(rules, "09461") is None


@pytest.mark.parametrize(
    "line",
    [
        "state,031,drv-nord,x",  # prefix too long for the level
        "county,03,drv-nord,x",  # unknown level
        "state,01,drv-nord,duplicate",
    ],
)
def test_bad_carrier_rules_are_rejected(tmp_path: Path, line: str) -> None:
    path = tmp_path / "carrier_regions.csv"
    path.write_text(
        "level,ags_prefix,carrier,description\nstate,01,drv-nord,x\n" + line + "\n",
        encoding="utf-8",
    )
    with pytest.raises(ReferenceDataError):
        read_carrier_rules(path)


def _copy_reference(tmp_path: Path) -> Path:
    target = tmp_path / "reference"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    return target


def test_stale_carrier_column_is_detected(tmp_path: Path) -> None:
    # rule §3: a deployment that edits carrier_regions.csv must re-apply it
    directory = _copy_reference(tmp_path)
    rules = directory / "carrier_regions.csv"
    rules.write_text(
        rules.read_text(encoding="utf-8").replace(
            "district,03460,drv-oldenburg-bremen", "district,03460,drv-braunschweig-hannover"
        ),
        encoding="utf-8",
    )
    with pytest.raises(ReferenceDataError, match="03460"):
        load_reference(directory)
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "seed" / "build_reference.py"),
            "--carriers-only",
            "--out",
            str(directory),
        ],
        check=True,
        capture_output=True,
    )
    moved = load_reference(directory)
    assert moved.responsible_carrier("03460") == "drv-braunschweig-hannover"
    assert len(moved.districts_by_carrier("drv-oldenburg-bremen")) == 10


def test_reapplying_unchanged_rules_leaves_districts_identical(tmp_path: Path) -> None:
    directory = _copy_reference(tmp_path)
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "seed" / "build_reference.py"),
            "--carriers-only",
            "--out",
            str(directory),
        ],
        check=True,
        capture_output=True,
    )
    assert (directory / "districts.csv").read_bytes() == (
        DEFAULT_DIRECTORY / "districts.csv"
    ).read_bytes()


def test_rules_pointing_at_a_federal_carrier_are_rejected(tmp_path: Path) -> None:
    directory = _copy_reference(tmp_path)
    rules = directory / "carrier_regions.csv"
    rules.write_text(
        rules.read_text(encoding="utf-8") + "district,16063,drv-bund,x\n", encoding="utf-8"
    )
    with pytest.raises(ReferenceDataError, match="drv-bund"):
        load_reference(directory)


def test_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ReferenceDataError):
        load_reference(tmp_path / "nowhere")
