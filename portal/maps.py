"""Offline maps of Germany: an inline SVG picture (no JavaScript) and the data of the
interactive map (``static/map.js`` with the vendored Leaflet; no tile server, no CDN).

Germany's outline (``static/germany.json``, built by ``seed/build_germany_outline.py`` from the
npm package ``@geo-maps/countries-land-10km``, ODbL 1.0, © OpenStreetMap contributors) and points
given by latitude and longitude are projected with one simple equirectangular projection (the
longitude scaled by the cosine of Germany's middle latitude), which is plenty for a country of
Germany's size. The same drawing serves the directory's result map and the coverage map.

A map is a picture: the page always carries the same facts as text (the numbered result list,
the coverage table); the SVG is ``role="img"`` with a title and a description. With JavaScript,
``static/map.js`` replaces the SVG by a zoomable, pannable, keyboard-operable map of the district
boundaries (``static/districts.geo.json``, built by ``seed/build_districts.py`` from BKG VG250,
© GeoBasis-DE / BKG 2016): the markers of ``MapView.data()`` cluster and lead to their list entry;
on the coverage map the districts are coloured by their ``kind`` (a choropleth). The SVG stays the
picture for browsers without JavaScript (and for printing): it costs a few kilobytes and shows
where the results lie without any script.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

OUTLINE_FILE = Path(__file__).resolve().parent / "static" / "germany.json"
LAT_MID = 51.2
COS_MID = math.cos(math.radians(LAT_MID))
# Germany's bounding box (lon, lat), a little wider than the outline
WEST, EAST, SOUTH, NORTH = 5.7, 15.2, 47.2, 55.1
SCALE = 100.0  # projected units per degree of latitude
MIN_SPAN_DEG = 1.6  # the smallest view (in degrees of latitude, about 180 km)


def project(lat: float, lon: float) -> tuple[float, float]:
    """(lat, lon) -> (x, y) in the SVG's coordinates (y grows southwards)."""
    return ((lon - WEST) * COS_MID * SCALE, (NORTH - lat) * SCALE)


@cache
def outline_rings() -> tuple[tuple[tuple[float, float], ...], ...]:
    data = json.loads(OUTLINE_FILE.read_text(encoding="utf-8"))
    return tuple(tuple((float(p[0]), float(p[1])) for p in ring) for ring in data["rings"])


@cache
def outline_path() -> str:
    """The outline as the ``d`` attribute of one SVG path."""
    parts = []
    for ring in outline_rings():
        points = [project(lat, lon) for lon, lat in ring]
        parts.append(
            "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points) + " Z",
        )
    return " ".join(parts)


@dataclass(frozen=True)
class Marker:
    """A point on the map. ``kind`` selects the shape and colour (a CSS class ``map-<kind>``);
    ``label`` is drawn beside it (e.g. the result number); ``title`` is the hover text."""

    lat: float
    lon: float
    kind: str
    label: str = ""
    title: str = ""
    ring: bool = False  # an extra ring around the marker (e.g. unmet need recorded)
    scale: float = 1.0  # relative size (e.g. by the number of providers)
    key: str = ""  # the district key (AGS) a coverage marker stands for


@dataclass
class MapView:
    """What the ``_map.html`` macro draws."""

    view_box: str
    outline: str
    radius: float
    font_size: float
    stroke: float
    markers: list[dict[str, Any]] = field(default_factory=list)
    zoomed: bool = False

    def __bool__(self) -> bool:
        return bool(self.markers)

    def data(self) -> dict[str, Any]:
        """What ``static/map.js`` needs (a JSON data block on the page): the markers with their
        latitude and longitude, and for district markers their key (the choropleth)."""
        return {
            "fit": self.zoomed,
            "markers": [
                {
                    k: m[k]
                    for k in ("lat", "lon", "kind", "label", "title", "ring", "scale", "key")
                    if m.get(k) not in (None, "", False)
                }
                for m in self.markers
            ],
        }


def _germany_box() -> tuple[float, float, float, float]:
    x0, y0 = project(NORTH, WEST)
    x1, y1 = project(SOUTH, EAST)
    return x0, y0, x1 - x0, y1 - y0


def _fit_box(points: Sequence[tuple[float, float]]) -> tuple[float, float, float, float]:
    """The view around the points (lat, lon) with a margin, at least ``MIN_SPAN_DEG`` tall,
    with Germany's aspect ratio; never larger than Germany's box."""
    gx, gy, gw, gh = _germany_box()
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    span_lat = max(max(lats) - min(lats), MIN_SPAN_DEG) * 1.3
    span_lon = max(max(lons) - min(lons), 0.0) * 1.3
    height = max(span_lat * SCALE, span_lon * COS_MID * SCALE * gh / gw)
    width = height * gw / gh
    if height >= gh:
        return gx, gy, gw, gh
    cx, cy = project((max(lats) + min(lats)) / 2, (max(lons) + min(lons)) / 2)
    x = min(max(cx - width / 2, gx), gx + gw - width)
    y = min(max(cy - height / 2, gy), gy + gh - height)
    return x, y, width, height


def draw(markers: Iterable[Marker], *, fit: bool = False, size: float = 6.0) -> MapView:
    """A map of Germany with the markers; ``fit`` zooms to the markers (a local search).
    ``size`` is the markers' radius in the whole-Germany view (in projected units, about a
    kilometre each); markers keep their size on the screen when the view zooms in."""
    items = [m for m in markers if m.lat and m.lon]
    if fit and items:
        x, y, w, h = _fit_box([(m.lat, m.lon) for m in items])
    else:
        x, y, w, h = _germany_box()
    gh = _germany_box()[3]
    zoom = gh / h
    radius = size / max(zoom, 1.0)
    view = MapView(
        view_box=f"{x:.1f} {y:.1f} {w:.1f} {h:.1f}",
        outline=outline_path(),
        radius=round(radius, 2),
        font_size=round(radius * 2.4, 2),
        stroke=round(radius / 3.5, 2),
        zoomed=zoom > 1.01,
    )
    for m in items:
        px, py = project(m.lat, m.lon)
        view.markers.append(
            {
                "x": round(px, 2),
                "y": round(py, 2),
                "kind": m.kind,
                "label": m.label,
                "title": m.title,
                "ring": m.ring,
                "scale": m.scale,
                "lat": round(m.lat, 5),
                "lon": round(m.lon, 5),
                "key": m.key,
            }
        )
    return view


def shape_points(x: float, y: float, r: float, kind: str) -> str:
    """The ``points`` of a polygon marker: a square for gaps, a triangle for a gap to come.
    Different shapes as well as colours, so that colour is never the only cue (WCAG 1.4.1)."""
    if kind == "triangle":
        h = r * 1.25
        return f"{x:.2f},{y - h:.2f} {x + h:.2f},{y + h * 0.8:.2f} {x - h:.2f},{y + h * 0.8:.2f}"
    s = r * 0.9
    return f"{x - s:.2f},{y - s:.2f} {x + s:.2f},{y - s:.2f} {x + s:.2f},{y + s:.2f} {x - s:.2f},{y + s:.2f}"
