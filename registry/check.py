"""``registry check``: the graph's invariants, verified on the whole database.

:func:`find_violations` is pure (plain rows in, violations out; standard library only) and is
tested without a database. :func:`load_facts` reads the rows (through
:class:`registry.check_repository.CheckRepository`, queries ``check.*``) and probes the
search index; :func:`run_check` is the operator command: it first drains the outbox (as the
server does after every commit), then loads, compares and raises :class:`InvariantsViolated`
(exit code non-zero, every violation on its own line) if anything is wrong.

Invariants (the rule each one protects in brackets):

* [A2] a site's responsible carrier is the carrier of its district; the site lies in that
  district (LOCATED_IN) and belongs to an existing provider (OPERATES).
* [A9] a provider has no two sites at the same normalised address.
* [Modell] every relationship a node must have exactly once is there exactly once (a site's
  OPERATES and LOCATED_IN, an admission's site, group and application, an application's
  provider, lead and receiving carrier, …): ladybug enforces none of this for relationship
  tables joining several pairs, Neo4j none at all.
* [A6/A7] an admission that is or was in force (admitted, suspended, revoked) was issued by the
  site's responsible carrier.
* [A7] every open follow-on task belongs to a site whose admission for that application awaits
  its follow-on admission (so never to a refused target group or an admitted site), and is the
  task of the site's responsible carrier; every awaiting admission has its open task.
* [A3/A4] an application's lead carrier is a regional carrier.
* [A11] an application's version is at least 1.
* [A8] a notice's subject exists.
* [A1] no admission without its site, its application and its provider.
* [E1/E5] when the outbox is empty, the directory index holds exactly the sites with an admitted
  target group, each document equal to the one the graph gives now; every site of an active
  network partner is in the partner index [E7].
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from registry.admission.site_identity import address_key  # pure
from registry.errors import Conflict  # standard library only

if TYPE_CHECKING:
    from registry.context import Registry

Row = Mapping[str, Any]

IN_FORCE = frozenset({"admitted", "suspended", "revoked"})
AWAITING = "awaiting_follow_on"


@dataclass(frozen=True, order=True)
class Violation:
    rule: str
    subject: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.subject}: {self.message}"


@dataclass(frozen=True)
class IndexFacts:
    """What the search indexes hold, probed for the ids the graph knows."""

    pending_outbox: int
    site_count: int  # documents in the directory index
    sites_found: frozenset[str]  # graph site ids that have a document
    sites_stale: frozenset[str] = frozenset()  # documents that differ from the graph's
    partner_sites_found: frozenset[str] = frozenset()  # graph partner-site ids with a document


@dataclass(frozen=True)
class Facts:
    carriers: Sequence[Row] = ()
    districts: Sequence[Row] = ()
    providers: Sequence[Row] = ()
    sites: Sequence[Row] = ()
    site_districts: Sequence[Row] = ()
    provider_sites: Sequence[Row] = ()
    applications: Sequence[Row] = ()
    admissions: Sequence[Row] = ()
    follow_ons: Sequence[Row] = ()
    notices: Sequence[Row] = ()
    agreements: Sequence[Row] = ()
    announcements: Sequence[Row] = ()
    partners: Sequence[Row] = ()
    partner_sites: Sequence[Row] = ()
    cardinality: Sequence[Row] = ()  # (label, relation, id, n) where n != 1
    index: IndexFacts | None = None  # None: the index was not probed


def _ids(rows: Iterable[Row], key: str = "id") -> set[str]:
    return {str(r[key]) for r in rows}


def expected_index_sites(admissions: Iterable[Row]) -> set[str]:
    """Sites the directory index must hold: those with at least one admitted target group."""
    return {str(a["site_id"]) for a in admissions if a["status"] == "admitted"}


def _site_violations(facts: Facts) -> list[Violation]:
    out: list[Violation] = []
    district_carrier = {str(d["key"]): d["carrier"] for d in facts.districts}
    providers = _ids(facts.providers)
    in_district: dict[str, set[str]] = defaultdict(set)
    for r in facts.site_districts:
        in_district[str(r["site_id"])].add(str(r["district_key"]))
    owners: dict[str, set[str]] = defaultdict(set)
    for r in facts.provider_sites:
        owners[str(r["site_id"])].add(str(r["provider_id"]))
    for s in facts.sites:
        sid = f"Standort {s['id']}"
        key = str(s["district_key"])
        if key not in district_carrier:
            out.append(Violation("A2", sid, f"Kreis {key} unbekannt"))
        elif s["responsible_carrier"] != district_carrier[key]:
            out.append(
                Violation(
                    "A2",
                    sid,
                    f"zuständiger Träger {s['responsible_carrier']}, der Kreis {key} gehört zu "
                    f"{district_carrier[key]}",
                )
            )
        if in_district[str(s["id"])] != {key}:
            found = sorted(in_district[str(s["id"])])
            out.append(Violation("A2", sid, f"liegt laut Graph in {found}, erwartet [{key}]"))
        if s["provider_id"] not in providers:
            out.append(Violation("A1", sid, f"Anbieter {s['provider_id']} fehlt"))
        elif owners[str(s["id"])] != {str(s["provider_id"])}:
            out.append(
                Violation(
                    "A1",
                    sid,
                    f"gehört laut Graph zu {sorted(owners[str(s['id'])])}, "
                    f"erwartet {s['provider_id']}",
                )
            )
    return out


def _model_violations(facts: Facts) -> list[Violation]:
    out = [
        Violation(
            "Modell",
            f"{r['label']} {r['id']}",
            f"Beziehung {r['relation']} {r['n']}-mal statt genau einmal",
        )
        for r in facts.cardinality
    ]
    seen: dict[tuple[str, str], str] = {}
    for s in sorted(facts.sites, key=lambda r: str(r["id"])):
        key = (
            str(s["provider_id"]),
            address_key(
                str(s.get("street") or ""),
                str(s.get("postal_code") or ""),
                str(s.get("place") or ""),
            ),
        )
        if not key[1].strip("|"):
            continue  # no address to compare (only in hand-made facts)
        if key in seen:
            out.append(
                Violation(
                    "A9",
                    f"Standort {s['id']}",
                    f"gleiche Anschrift wie Standort {seen[key]} desselben Anbieters",
                )
            )
        else:
            seen[key] = str(s["id"])
    return out


def _admission_violations(facts: Facts) -> list[Violation]:
    out: list[Violation] = []
    sites = {str(s["id"]): s for s in facts.sites}
    applications = _ids(facts.applications)
    providers = _ids(facts.providers)
    for a in facts.admissions:
        aid = f"Zulassung {a['id']}"
        site = sites.get(str(a["site_id"]))
        if site is None:
            out.append(Violation("A1", aid, f"Standort {a['site_id']} fehlt"))
        elif a["status"] in IN_FORCE and a["issued_by"] != site["responsible_carrier"]:
            out.append(
                Violation(
                    "A6/A7",
                    aid,
                    f"Status {a['status']} erteilt von {a['issued_by'] or '(niemand)'}, zuständig "
                    f"ist {site['responsible_carrier']} (Standort {a['site_id']}, "
                    f"Zielgruppe {a['target_group']})",
                )
            )
        if a["application_id"] not in applications:
            out.append(Violation("A1", aid, f"Antrag {a['application_id']} fehlt"))
        if a["provider_id"] not in providers:
            out.append(Violation("A1", aid, f"Anbieter {a['provider_id']} fehlt"))
        elif site is not None and site["provider_id"] != a["provider_id"]:
            out.append(
                Violation("A1", aid, f"Standort {a['site_id']} gehört zu {site['provider_id']}")
            )
    return out


def _follow_on_violations(facts: Facts) -> list[Violation]:
    out: list[Violation] = []
    sites = {str(s["id"]): s for s in facts.sites}
    status_of: dict[tuple[str, str], list[str]] = defaultdict(list)
    for a in facts.admissions:
        status_of[(str(a["application_id"]), str(a["site_id"]))].append(str(a["status"]))
    open_tasks: set[tuple[str, str]] = set()
    for t in facts.follow_ons:
        if t["status"] != "open":
            continue
        pair = (str(t["application_id"]), str(t["site_id"]))
        open_tasks.add(pair)
        tid = f"Folgezulassung {t['id']}"
        statuses = status_of.get(pair, [])
        if AWAITING not in statuses:
            seen = ", ".join(sorted(set(statuses))) or "keine Zulassung"
            out.append(
                Violation(
                    "A7",
                    tid,
                    f"offen, aber Standort {pair[1]} wartet im Antrag {pair[0]} auf keine "
                    f"Folgezulassung ({seen})",
                )
            )
        site = sites.get(pair[1])
        if site is not None and t["carrier"] != site["responsible_carrier"]:
            out.append(
                Violation(
                    "A7",
                    tid,
                    f"Aufgabe von {t['carrier']}, zuständig ist {site['responsible_carrier']}",
                )
            )
    for (application_id, site_id), statuses in sorted(status_of.items()):
        if AWAITING in statuses and (application_id, site_id) not in open_tasks:
            out.append(
                Violation(
                    "A7",
                    f"Standort {site_id}",
                    f"wartet im Antrag {application_id} auf Folgezulassung ohne offene Aufgabe",
                )
            )
    return out


def _application_violations(facts: Facts) -> list[Violation]:
    out: list[Violation] = []
    kinds = {str(c["id"]): c["kind"] for c in facts.carriers}
    for a in facts.applications:
        aid = f"Antrag {a['id']}"
        if kinds.get(str(a["lead_carrier"])) != "regional":
            out.append(
                Violation(
                    "A3/A4",
                    aid,
                    f"federführender Träger {a['lead_carrier']} ist kein Regionalträger",
                )
            )
        version = a["version"]
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            out.append(Violation("A11", aid, f"Version {version!r} ist nicht ≥ 1"))
    return out


def _notice_violations(facts: Facts) -> list[Violation]:
    subjects = {
        "application": _ids(facts.applications),
        "agreement": _ids(facts.agreements),
        "announcement": _ids(facts.announcements),
        "site": _ids(facts.sites),
        "provider": _ids(facts.providers),
        "partner": _ids(facts.partners),
    }
    out: list[Violation] = []
    for n in facts.notices:
        known = subjects.get(str(n["subject_type"]))
        if known is None:
            out.append(
                Violation("A8", f"Hinweis {n['id']}", f"unbekannte Art {n['subject_type']!r}")
            )
        elif n["subject_id"] not in known:
            out.append(
                Violation(
                    "A8", f"Hinweis {n['id']}", f"{n['subject_type']} {n['subject_id']} fehlt"
                )
            )
    return out


def _index_violations(facts: Facts) -> list[Violation]:
    index = facts.index
    if index is None:
        return []
    if index.pending_outbox:
        return [
            Violation(
                "E1",
                "Suchindex",
                f"{index.pending_outbox} Änderungen im Outbox noch nicht übernommen "
                "(Suchdienst erreichbar? sonst registry reindex)",
            )
        ]
    out: list[Violation] = []
    expected = expected_index_sites(facts.admissions)
    for site_id in sorted(expected - index.sites_found):
        out.append(Violation("E1", f"Standort {site_id}", "zugelassen, fehlt im Suchindex"))
    for site_id in sorted(index.sites_found - expected):
        out.append(Violation("E5", f"Standort {site_id}", "im Suchindex, aber nicht zugelassen"))
    orphans = index.site_count - len(index.sites_found)
    if orphans > 0:
        out.append(Violation("E5", "Suchindex", f"{orphans} Dokumente ohne Standort im Graphen"))
    for site_id in sorted(index.sites_stale & expected):
        out.append(Violation("E1", f"Standort {site_id}", "Suchindex weicht vom Graphen ab"))
    live = {str(s["id"]) for s in facts.partner_sites if s["partner_active"]}
    for site_id in sorted(live - index.partner_sites_found):
        out.append(
            Violation("E7", f"Partnerstandort {site_id}", "aktiver Partner fehlt im Suchindex")
        )
    return out


def find_violations(facts: Facts) -> list[Violation]:
    """Every broken invariant, sorted (pure: no database, no clock)."""
    found = [
        *_site_violations(facts),
        *_model_violations(facts),
        *_admission_violations(facts),
        *_follow_on_violations(facts),
        *_application_violations(facts),
        *_notice_violations(facts),
        *_index_violations(facts),
    ]
    return sorted(found)


# --------------------------------------------------------------------------- loading


def _probe_index(reg: Registry, facts: Facts, pending: int) -> IndexFacts:
    from registry.directory.projection import load_site_documents

    if pending:
        return IndexFacts(pending_outbox=pending, site_count=0, sites_found=frozenset())
    site_ids = sorted(_ids(facts.sites))
    found: set[str] = set()
    stale: set[str] = set()
    expected = expected_index_sites(facts.admissions)
    graph_docs = {d.id: d for d in load_site_documents(reg, sorted(expected))}
    for site_id in site_ids:
        doc = reg.index.sites.get(site_id)
        if doc is None:
            continue
        found.add(site_id)
        if site_id in graph_docs and doc != graph_docs[site_id]:
            stale.add(site_id)
    partners_found = {
        str(s["id"]) for s in facts.partner_sites if reg.index.partners.get(str(s["id"]))
    }
    return IndexFacts(
        pending_outbox=0,
        site_count=reg.index.sites.count(),
        sites_found=frozenset(found),
        sites_stale=frozenset(stale),
        partner_sites_found=frozenset(partners_found),
    )


def load_facts(reg: Registry, *, with_index: bool = True) -> Facts:
    """Read every fact the invariants need (and probe the index if there is one)."""
    from registry.check_repository import CheckRepository

    checks = reg.repo(CheckRepository)
    facts = Facts(**checks.facts())
    if with_index and reg.search is not None:
        facts = replace(facts, index=_probe_index(reg, facts, checks.pending_outbox()))
    return facts


class InvariantsViolated(Conflict):
    """Raised by :func:`run_check`; the CLI prints it and exits non-zero."""

    def __init__(self, violations: list[Violation]) -> None:
        lines = "\n".join(str(v) for v in violations)
        super().__init__(f"{len(violations)} Invarianten verletzt:\n{lines}")
        self.violations = violations


def run_check(reg: Registry) -> str:
    """Drain the outbox, check every invariant; raises InvariantsViolated if any is broken."""
    from registry.directory.projection import try_drain

    if reg.search is not None:
        try_drain(reg)
    facts = load_facts(reg)
    violations = find_violations(facts)
    if violations:
        raise InvariantsViolated(violations)
    index = (
        f"Suchindex: {facts.index.site_count} Standorte abgeglichen"
        if facts.index
        else "Suchindex nicht geprüft"
    )
    return (
        f"Invarianten erfüllt: {len(facts.sites)} Standorte, {len(facts.admissions)} "
        f"Zulassungen, {len(facts.applications)} Anträge, {len(facts.notices)} Hinweise; {index}."
    )
