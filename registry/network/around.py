"""Who serves a district for a target group (issue 12, `GET /network/around`), as pure assembly.

The use case (`registry.network.around_report`) finds the facts in the graph: the admitted sites
whose catchment reaches the district (rule A8's reach test, as coverage N6 counts them) with their
providers and the carriers that issued the admissions, and the agreements in force covering the
district (the district itself, its state, or national) with the partners serving the group there
and the carriers that are parties. This module turns those facts into the answer's small graph:

    {"nodes": [{"id", "type", "name"}], "edges": [{"from", "to", "type"}]}

Node types: ``district``, ``carrier``, ``provider``, ``site``, ``partner``, ``agreement``; each
node once, however many facts name it. Edge types (from → to):

* ``RESPONSIBLE_FOR`` carrier → district (rule A2)
* ``OPERATES`` provider → site; ``ADMITTED`` carrier → site (issued the site's admission for the
  group); ``REACHES`` site → district (its catchment reaches it)
* ``PARTY_TO`` carrier → agreement; ``WITH_PARTNER`` agreement → partner; ``COVERS`` agreement →
  district (directly, through its state, or nationally); ``SERVES`` partner → district (a site's
  service radius reaches it, rule E7/N6)

Order is deterministic: the district first, then by type (carrier, provider, site, partner,
agreement) and name; edges by type, then ends. Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

NODE_TYPES: tuple[str, ...] = ("district", "carrier", "provider", "site", "partner", "agreement")
EDGE_TYPES: tuple[str, ...] = (
    "RESPONSIBLE_FOR",
    "OPERATES",
    "ADMITTED",
    "REACHES",
    "PARTY_TO",
    "WITH_PARTNER",
    "COVERS",
    "SERVES",
)


@dataclass(frozen=True)
class Named:
    """Something shown by name: its id and its label (never a code where a label exists)."""

    id: str
    name: str


@dataclass(frozen=True)
class ServingSite:
    """An admitted site reaching the district, its provider, and the carriers that issued its
    admissions for the group (usually one: the site's responsible carrier, rule E1)."""

    site: Named
    provider: Named
    issuers: tuple[Named, ...] = ()


@dataclass(frozen=True)
class ServingAgreement:
    """An agreement in force covering the district, its parties (carriers) and the partners it
    names that serve the group in the district."""

    agreement: Named
    parties: tuple[Named, ...] = ()
    partners: tuple[Named, ...] = ()


@dataclass
class _Graph:
    nodes: dict[tuple[str, str], str] = field(default_factory=dict)  # (type, id) -> name
    edges: set[tuple[str, str, str]] = field(default_factory=set)  # (type, from, to)

    def node(self, type_: str, item: Named) -> str:
        self.nodes.setdefault((type_, item.id), item.name or item.id)
        return item.id

    def edge(self, type_: str, source: str, target: str) -> None:
        self.edges.add((type_, source, target))


def assemble(
    district: Named,
    *,
    responsible: Named | None,
    sites: Iterable[ServingSite],
    agreements: Iterable[ServingAgreement],
) -> dict[str, list[dict[str, Any]]]:
    """The answer of `GET /network/around` from the facts (see the module docstring)."""
    g = _Graph()
    hub = g.node("district", district)
    if responsible is not None:
        g.edge("RESPONSIBLE_FOR", g.node("carrier", responsible), hub)
    for s in sites:
        site = g.node("site", s.site)
        g.edge("OPERATES", g.node("provider", s.provider), site)
        g.edge("REACHES", site, hub)
        for issuer in s.issuers:
            g.edge("ADMITTED", g.node("carrier", issuer), site)
    for a in agreements:
        agreement = g.node("agreement", a.agreement)
        g.edge("COVERS", agreement, hub)
        for party in a.parties:
            g.edge("PARTY_TO", g.node("carrier", party), agreement)
        for p in a.partners:
            partner = g.node("partner", p)
            g.edge("WITH_PARTNER", agreement, partner)
            g.edge("SERVES", partner, hub)
    type_rank = {t: i for i, t in enumerate(NODE_TYPES)}
    edge_rank = {t: i for i, t in enumerate(EDGE_TYPES)}
    nodes = sorted(
        g.nodes.items(), key=lambda kv: (type_rank[kv[0][0]], kv[1].casefold(), kv[0][1])
    )
    edges = sorted(g.edges, key=lambda e: (edge_rank[e[0]], e[1], e[2]))
    return {
        "nodes": [{"id": key[1], "type": key[0], "name": name} for key, name in nodes],
        "edges": [{"from": e[1], "to": e[2], "type": e[0]} for e in edges],
    }
