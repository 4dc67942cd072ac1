"""Portal page: who serves a district for a target group (issue 12, `GET /network/around`).

The page calls the same use case as the API (`registry.network.around_report`) and draws its
small graph as inline SVG laid out here, on the server: no JavaScript, nothing from a CDN. The
drawing reads left to right, admissions on the left of the district, agreements on its right:

    zulassende Träger, Anbieter | Standorte | Kreis (zuständiger Träger) | Vereinbarungen | Partner, Vertragsparteien

A carrier appears once per role it plays (it may admit a site and be party to an agreement). The
picture is ``role="img"`` with a title and a description; the page lists the same facts as tables
(sites, agreements, and every connection), so nothing is only in the picture.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from litestar import get
from litestar.response import Template

from portal.base import AnyRequest, page
from portal.forms import Errors
from registry.api.security import allow
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import InvalidInput

CASE_MANAGER = Role.CASE_MANAGER
STRATEGIST = Role.NETWORK_STRATEGIST

TYPE_LABELS = {
    "district": "Kreis",
    "carrier": "Träger",
    "provider": "Anbieter",
    "site": "Standort",
    "partner": "Netzwerkpartner",
    "agreement": "Vereinbarung",
}
EDGE_LABELS = {
    "RESPONSIBLE_FOR": "ist zuständig für",
    "OPERATES": "betreibt",
    "ADMITTED": "hat zugelassen",
    "REACHES": "erreicht mit seinem Einzugsgebiet",
    "PARTY_TO": "ist Vertragspartei von",
    "WITH_PARTNER": "wird geschlossen mit",
    "COVERS": "gilt für",
    "SERVES": "bedient",
}

# --------------------------------------------------------------------------- layout

BOX_W = 210.0
BOX_H = 34.0
GAP_Y = 12.0
COL_STEP = 270.0
TOP = 46.0  # room for the column headings
MAX_CHARS = 30
COLUMNS = (
    "Zulassende Träger und Anbieter",
    "Standorte",
    "Kreis",
    "Vereinbarungen",
    "Partner und Vertragsparteien",
)


@dataclass(frozen=True)
class Box:
    key: str  # one per drawn box: "<role>:<id>"
    node_id: str
    type: str
    label: str  # shortened to fit the box
    title: str  # the full name, shown on hover
    x: float
    y: float


@dataclass(frozen=True)
class Line:
    type: str
    d: str  # the SVG path
    title: str


@dataclass
class Drawing:
    width: float
    height: float
    boxes: list[Box] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    headings: list[tuple[float, str]] = field(default_factory=list)  # (x centre, text)


def _short(name: str) -> str:
    return name if len(name) <= MAX_CHARS else name[: MAX_CHARS - 1].rstrip() + "…"


def _curve(x1: float, y1: float, x2: float, y2: float) -> str:
    mid = (x1 + x2) / 2
    return f"M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"


def layout(graph: Mapping[str, Sequence[Mapping[str, str]]]) -> Drawing:
    """Place the answer of `network_around` in five columns (see the module docstring) and
    route every edge as a curve from the side of one box to the facing side of the other."""
    nodes = {n["id"]: n for n in graph["nodes"]}
    edges = list(graph["edges"])

    def by(type_: str) -> set[str]:
        return {e["from"] for e in edges if e["type"] == type_}

    issuers, parties = by("ADMITTED"), by("PARTY_TO")
    responsible = by("RESPONSIBLE_FOR")

    def name_of(node_id: str) -> str:
        return nodes[node_id]["name"]

    def sort_names(ids: Iterable[str]) -> list[str]:
        return sorted(ids, key=lambda i: (name_of(i).casefold(), i))

    provider_of = {e["to"]: e["from"] for e in edges if e["type"] == "OPERATES"}

    def site_order(site_id: str) -> tuple[str, str, str]:
        provider = provider_of.get(site_id, site_id)
        return (name_of(provider).casefold(), name_of(site_id).casefold(), site_id)

    sites = sorted((n["id"] for n in graph["nodes"] if n["type"] == "site"), key=site_order)
    providers = list(dict.fromkeys(provider_of[s] for s in sites if s in provider_of))
    agreements = sort_names(n["id"] for n in graph["nodes"] if n["type"] == "agreement")
    partners = sort_names(n["id"] for n in graph["nodes"] if n["type"] == "partner")
    districts = [n["id"] for n in graph["nodes"] if n["type"] == "district"]

    columns: list[list[tuple[str, str]]] = [
        [("admitted", c) for c in sort_names(issuers)] + [("provider", p) for p in providers],
        [("site", s) for s in sites],
        [("responsible", c) for c in sort_names(responsible)]
        + [("district", d) for d in districts],
        [("agreement", a) for a in agreements],
        [("partner", p) for p in partners] + [("party", c) for c in sort_names(parties)],
    ]
    tallest = max(len(col) for col in columns)
    height = TOP + tallest * (BOX_H + GAP_Y) + GAP_Y
    drawing = Drawing(width=COL_STEP * (len(columns) - 1) + BOX_W + 20, height=height)
    placed: dict[str, Box] = {}
    for i, col in enumerate(columns):
        x = 10 + i * COL_STEP
        drawing.headings.append((x + BOX_W / 2, COLUMNS[i]))
        used = len(col) * (BOX_H + GAP_Y) - GAP_Y
        y = TOP + (height - TOP - GAP_Y - used) / 2
        for role, node_id in col:
            node = nodes[node_id]
            box = Box(
                key=f"{role}:{node_id}",
                node_id=node_id,
                type=node["type"],
                label=_short(node["name"]),
                title=f"{TYPE_LABELS[node['type']]}: {node['name']}",
                x=x,
                y=y,
            )
            placed[box.key] = box
            drawing.boxes.append(box)
            y += BOX_H + GAP_Y

    # which drawn box stands for an edge's end (carriers are drawn once per role)
    source_role = {
        "RESPONSIBLE_FOR": "responsible",
        "ADMITTED": "admitted",
        "PARTY_TO": "party",
        "OPERATES": "provider",
        "REACHES": "site",
        "COVERS": "agreement",
        "WITH_PARTNER": "agreement",
        "SERVES": "partner",
    }
    target_role = {
        "RESPONSIBLE_FOR": "district",
        "ADMITTED": "site",
        "PARTY_TO": "agreement",
        "OPERATES": "site",
        "REACHES": "district",
        "COVERS": "district",
        "WITH_PARTNER": "partner",
        "SERVES": "district",
    }
    for e in edges:
        a = placed.get(f"{source_role[e['type']]}:{e['from']}")
        b = placed.get(f"{target_role[e['type']]}:{e['to']}")
        if a is None or b is None:
            continue
        title = f"{name_of(e['from'])} {EDGE_LABELS[e['type']]} {name_of(e['to'])}"
        if a.x == b.x:  # same column (the responsible carrier above its district)
            d = f"M{a.x + BOX_W / 2:.1f},{a.y + BOX_H:.1f} L{b.x + BOX_W / 2:.1f},{b.y:.1f}"
        elif a.x < b.x:
            d = _curve(a.x + BOX_W, a.y + BOX_H / 2, b.x, b.y + BOX_H / 2)
        else:
            d = _curve(a.x, a.y + BOX_H / 2, b.x + BOX_W, b.y + BOX_H / 2)
        drawing.lines.append(Line(e["type"], d, title))
    return drawing


# --------------------------------------------------------------------------- page


def _districts_by_state(reg: Registry) -> list[tuple[str, list[tuple[str, str]]]]:
    states: dict[str, list[tuple[str, str]]] = {}
    for d in sorted(reg.reference.districts, key=lambda d: (d.state, d.name)):
        states.setdefault(d.state, []).append((d.key, d.name))
    return sorted(states.items())


def _tables(graph: Mapping[str, Sequence[Mapping[str, str]]]) -> dict[str, Any]:
    """The facts of the drawing as rows for the page's tables."""
    names = {n["id"]: n["name"] for n in graph["nodes"]}
    types = {n["id"]: n["type"] for n in graph["nodes"]}
    edges = graph["edges"]

    def ends(type_: str, *, to: str = "", from_: str = "") -> list[str]:
        if to:
            found = [e["from"] for e in edges if e["type"] == type_ and e["to"] == to]
        else:
            found = [e["to"] for e in edges if e["type"] == type_ and e["from"] == from_]
        return sorted(found, key=lambda i: names[i].casefold())

    sites: list[dict[str, Any]] = [
        {
            "id": n["id"],
            "name": n["name"],
            "providers": [{"id": p, "name": names[p]} for p in ends("OPERATES", to=n["id"])],
            "carriers": [names[c] for c in ends("ADMITTED", to=n["id"])],
        }
        for n in graph["nodes"]
        if n["type"] == "site"
    ]
    sites.sort(key=lambda s: ([p["name"] for p in s["providers"]], s["name"]))
    agreements = [
        {
            "id": n["id"],
            "name": n["name"],
            "partners": [{"id": p, "name": names[p]} for p in ends("WITH_PARTNER", from_=n["id"])],
            "carriers": [names[c] for c in ends("PARTY_TO", to=n["id"])],
        }
        for n in graph["nodes"]
        if n["type"] == "agreement"
    ]
    connections = [
        {
            "from": names[e["from"]],
            "from_type": TYPE_LABELS[types[e["from"]]],
            "relation": EDGE_LABELS.get(e["type"], e["type"]),
            "to": names[e["to"]],
            "to_type": TYPE_LABELS[types[e["to"]]],
        }
        for e in edges
    ]
    return {"sites": sites, "agreements": agreements, "connections": connections}


@get("/network/around", guards=[allow(CASE_MANAGER, STRATEGIST)], sync_to_thread=True)
def network_around_page(
    request: AnyRequest, reg: Registry, me: Principal, district: str = "", target_group: str = ""
) -> Template:
    from registry.network.around_report import network_around

    errors = Errors(anchors={"district", "target_group"}, default="district")
    graph: dict[str, Any] | None = None
    district, target_group = district.strip()[:20], target_group.strip()[:80]
    if district or target_group:
        try:
            graph = network_around(reg, me, district=district, target_group=target_group)
        except InvalidInput as exc:
            errors.extend(exc.problems)
    known = reg.reference.districts_by_key.get(district)
    label = {t.code: t.label for t in reg.reference.target_groups}.get(target_group, "")
    return page(
        request,
        "network_around.html",
        title="Netz um einen Kreis",
        errors=errors,
        form={"district": district, "target_group": target_group},
        graph=graph,
        drawing=layout(graph) if graph else None,
        tables=_tables(graph) if graph else None,
        district=known,
        group_label=label,
        district_options=_districts_by_state(reg),
        group_options=[(t.code, t.label) for t in reg.reference.target_groups],
        may_read_agreements=me.role is STRATEGIST,
        type_labels=TYPE_LABELS,
    )


def handlers() -> list[Any]:
    return [network_around_page]
