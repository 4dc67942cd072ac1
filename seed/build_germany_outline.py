"""Build portal/static/germany.json: Germany's land outline, simplified, for the portal's maps.

Source (pinned by version and SHA-256, see seed/reference/PROVENANCE.md, section "Germany's
outline for the maps"): npm ``@geo-maps/countries-land-10km`` 0.6.0, file ``map.geo.json``
(political land borders of every country at 10 km resolution, derived from OpenStreetMap;
data ODbL 1.0, © OpenStreetMap contributors; package code MIT).

The package is fetched with ``npm pack`` into a temporary directory (or read from ``--sources``),
checked against the pinned SHA-256 and read as data: only the feature with ``A3 == "DEU"`` is
kept, each ring is simplified (Douglas-Peucker, tolerance in degrees) and rings that shrink
below a minimum area are dropped. The output holds ``[lon, lat]`` rings rounded to 3 decimals.

    python -m seed.build_germany_outline [--sources DIR] [--out FILE] [--tolerance 0.02]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from seed.npm_source import PinnedPackage, json_member

SOURCE = PinnedPackage(
    name="@geo-maps/countries-land-10km",
    version="0.6.0",
    filename="geo-maps-countries-land-10km-0.6.0.tgz",
    sha256="77fc187e7c1dab49f1c4c7096a7ae56da4ed4e2f91d471fb5a70d6a94a8dbb0a",
)
MEMBER = "package/map.geo.json"
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "portal" / "static" / "germany.json"
MIN_AREA = 0.004  # square degrees (about 30 km²): smaller islands vanish at map scale

Point = tuple[float, float]


def germany_polygons(tgz: Path) -> list[list[Point]]:
    """The outer rings of Germany's polygons (holes are irrelevant at map scale)."""
    data = json_member(tgz, MEMBER)
    for feature in data["features"]:
        if feature["properties"].get("A3") == "DEU":
            geometry = feature["geometry"]
            polygons = geometry["coordinates"]
            if geometry["type"] == "Polygon":
                polygons = [polygons]
            return [[(float(x), float(y)) for x, y in polygon[0]] for polygon in polygons]
    raise SystemExit("no feature with A3 = DEU")


def _distance_to_segment(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        return float(((px - ax) ** 2 + (py - ay) ** 2) ** 0.5)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    cx, cy = ax + t * dx, ay + t * dy
    return float(((px - cx) ** 2 + (py - cy) ** 2) ** 0.5)


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker on an open polyline (iterative, keeps both ends)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance_to_segment(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if index >= 0 and best > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_ring(ring: list[Point], tolerance: float) -> list[Point]:
    """A closed ring: split at the point farthest from the first, simplify both halves."""
    if ring[0] == ring[-1]:
        ring = ring[:-1]
    if len(ring) < 4:
        return ring
    far = max(
        range(len(ring)),
        key=lambda i: (ring[i][0] - ring[0][0]) ** 2 + (ring[i][1] - ring[0][1]) ** 2,
    )
    first = simplify(ring[: far + 1], tolerance)
    second = simplify([*ring[far:], ring[0]], tolerance)
    return first[:-1] + second[:-1]


def area(ring: list[Point]) -> float:
    total = 0.0
    for (x1, y1), (x2, y2) in zip(ring, [*ring[1:], ring[0]], strict=True):
        total += x1 * y2 - x2 * y1
    return abs(total) / 2


def build(tgz: Path, tolerance: float) -> dict[str, Any]:
    rings = []
    for polygon in germany_polygons(tgz):
        ring = simplify_ring(polygon, tolerance)
        if len(ring) >= 3 and area(ring) >= MIN_AREA:
            rings.append([[round(x, 3), round(y, 3)] for x, y in ring])
    rings.sort(key=lambda r: -area([(p[0], p[1]) for p in r]))
    return {
        "source": f"npm {SOURCE.name} {SOURCE.version}, {MEMBER} (feature A3 = DEU), simplified",
        "licence": "ODbL 1.0, © OpenStreetMap contributors (data of the package)",
        "tolerance_degrees": tolerance,
        "rings": rings,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sources", type=Path, help=f"directory holding {SOURCE.filename}")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--tolerance", type=float, default=0.02)
    args = parser.parse_args(argv)
    with SOURCE.tarball(args.sources) as tgz:
        result = build(tgz, args.tolerance)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, separators=(",", ":")) + "\n", encoding="utf-8")
    points = sum(len(r) for r in result["rings"])
    print(f"{len(result['rings'])} rings, {points} points -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
