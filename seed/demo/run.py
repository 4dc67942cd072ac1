"""Synthetic demo data, created through the services so that every rule applies.

``registry seed demo [--providers N] [--seed S]`` (API.md "Command line") calls
:func:`seed_demo`. It creates

* users of every role: ``admin`` (unscoped) and, for every carrier, ``zulassung.<suffix>``,
  ``fallmanagement.<suffix>``, ``reha.<suffix>``, ``netzwerk.<suffix>`` and ``admin.<suffix>``
  (suffix: the carrier id without ``drv-``), plus ``anbieter.demo`` for the first demo provider,
  ``anbieter.<n>`` for providers 2–5 and for every provider that withdraws an application;
* a few joint announcements (A12);
* ``N`` providers with 1–4 sites at real postal codes, weighted by district population and
  spread over every regional carrier's region, and one application each, taken through the
  workflow to every state: submitted (some overdue, A5), decided and fully admitted (with
  follow-on admissions by the other carriers, A7), decided with follow-on tasks still open
  (some overdue), refused, partially admitted (a target group without a competent case manager
  refused, Q8), withdrawn (A9), suspended and revoked (A9); some admissions are reviewed (A14),
  older notices are acknowledged (A8);
* carrier profiles (contacts, Q0), contracts (A13), site confirmations and stale data, staff
  changes (A15) through the use cases of ``registry.lifecycle``; network partners of all 16
  types and agreements of every kind and state through the ``registry.network`` use cases (see
  :data:`EXTENSIONS` and ``lifecycle.py``, ``network_partners.py``, ``network_agreements.py``,
  ``quality.py`` in this package).

Past dates come from moving :mod:`registry.clock` back before a step and resetting it after.
The same seed gives the same data (names, statuses, ids); a second run on the same data
directory keeps the existing users and adds ``N`` more providers. The clock is process-wide:
run the generator before ``registry serve`` (as ``make run`` does), not through a running
server, or the server's requests see the shifted clock meanwhile.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable

from registry import clock, ids
from registry.admission.provider_repository import ProviderRepository
from registry.admission.repository import AdmissionRepository
from registry.auth.repository import UserRepository
from registry.context import Registry
from registry.directory.projection import drain
from seed.demo import lifecycle, network_agreements, network_partners, quality
from seed.demo.admission import acknowledge_notices, review_due_admissions, seed_provider
from seed.demo.announcements import create_announcements
from seed.demo.geography import Geography
from seed.demo.lifecycle import seed_carrier_profiles
from seed.demo.state import DemoRun
from seed.demo.users import DEFAULT_PASSWORD, create_staff_users

STATUS_LABELS = {
    "submitted": "eingereicht",
    "decided": "entschieden",
    "refused": "abgelehnt",
    "withdrawn": "zurückgezogen",
}


def seed_demo(
    reg: Registry,
    *,
    providers: int = 60,
    seed: int = 1,
    password: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> str:
    """Create demo data through the services; returns a German one-line summary.

    ``password`` defaults to ``$REGISTRY_PASSWORD``, else ``DEFAULT_PASSWORD``; ``progress``
    (optional) is called with (step, done, total) while providers are created."""
    started = time.monotonic()
    password = password or os.environ.get("REGISTRY_PASSWORD") or DEFAULT_PASSWORD
    existing = reg.repo(ProviderRepository).all_providers()
    offset = len(existing)
    rerun = reg.repo(UserRepository).by_username("anbieter.demo") is not None
    rng = random.Random(f"demo:{seed}:{offset}")
    ids.seed_ids(seed if offset == 0 else seed * 1_000_003 + offset)
    demo = DemoRun(reg, rng, password, Geography(reg, rng))
    demo.names.update(p["name"] for p in existing)
    parts: list[str] = []
    # Every service still writes its outbox rows in its own unit of work; only the search
    # index update after each call (a tantivy commit, ~50 ms) is deferred to one drain at the
    # end (registry.directory.projection.try_drain honours the flag).
    deferred = reg.defer_index
    reg.defer_index = True
    try:
        create_staff_users(demo)
        if not rerun:
            seed_carrier_profiles(demo)
        if not reg.repo(AdmissionRepository).announcements():
            create_announcements(demo)
        for i in range(providers):
            seed_provider(demo, offset + i + 1)
            if progress:
                progress("providers", i + 1, providers)
        review_due_admissions(demo)
        if progress:
            progress("reviews", providers, providers)
        for name, extension in EXTENSIONS:
            parts.append(f"{name}: {extension(demo, providers)}")
            if progress:
                progress(name, providers, providers)
        acknowledge_notices(demo)
        if progress:
            progress("notices", providers, providers)
    finally:
        clock.reset()
        ids.seed_ids(None)  # later ids (the server's) are random again
        reg.defer_index = deferred
    drain(reg)
    statuses = ", ".join(
        f"{STATUS_LABELS.get(k, k)} {v}"
        for k, v in sorted(demo.stats.items())
        if k in STATUS_LABELS
    )
    head = (
        f"Demo-Benutzer waren schon vorhanden; {providers} weitere Anbieter ergänzt "
        f"(jetzt {offset + providers})"
        if rerun
        else f"Demodaten angelegt: {providers} Anbieter"
    )
    return (
        f"{head} (Seed {seed}): {demo.stats['sites']} Standorte, {providers} Anträge "
        f"({statuses}), {demo.stats['follow_ons_open']} offene Folgezulassungen, "
        f"{demo.users_created} Benutzer neu, {demo.stats['announcements']} Bekanntmachungen, "
        f"{demo.stats['notices_acknowledged']} Hinweise bestätigt; "
        + "; ".join(parts)
        + f"; Passwort aller Demo-Benutzer: $REGISTRY_PASSWORD bzw. {DEFAULT_PASSWORD!r}"
        f" ({time.monotonic() - started:.1f} s)."
    )


# --------------------------------------------------------------------------- later parts


def _seed_lifecycle(demo: DemoRun, providers: int) -> str:
    """Contracts (A13), confirmed and stale site data, staff changes (A15)."""
    contracts = lifecycle.seed_contracts(demo, demo.records)
    confirmed = lifecycle.seed_site_confirmations(demo, demo.records)
    staff = lifecycle.seed_staff_changes(demo, demo.records)
    return (
        f"{contracts['recorded']} Verträge erfasst, {contracts['pending']} ausstehend; "
        f"{confirmed} Standortdaten bestätigt; Personaländerungen: "
        f"{staff['add']} neu, {staff['qualify']} nachqualifiziert, {staff['leave']} ausgeschieden"
    )


def _seed_network(demo: DemoRun, providers: int) -> str:
    """Partners (about five per provider: 300 for the default) and agreements (about 80)."""
    partners = network_partners.seed_partners(demo, providers)
    fates = network_agreements.seed_agreements(demo, partners, providers)
    labels = {
        "draft": "Entwurf",
        "active": "aktiv",
        "active_review_due": "aktiv mit Überprüfung fällig/bald fällig",
        "override": "unvollständig aktiviert",
        "suspended": "ausgesetzt",
        "terminated": "beendet",
        "expired": "abgelaufen",
    }
    detail = ", ".join(f"{labels[k]} {v}" for k, v in sorted(fates.items()))
    return f"{len(partners)} Partner, {sum(fates.values())} Vereinbarungen ({detail})"


def _seed_quality(demo: DemoRun, providers: int) -> str:
    """A16: visits in every state, complaint counts and yearly figures (``quality.py``)."""
    from registry.words import count

    q = quality.seed_quality(demo, demo.records)
    visits = q["planned"] + q["invited"] + q["joined"] + q["past"] + q["done"]
    return (
        f"{q['providers']} Anbieter mit QS-Daten; {visits} Hospitationen ({q['planned']} "
        f"geplant, {q['invited']} mit Einladung eines zweiten Trägers, {q['joined']} mit "
        f"Beitritt, {q['past']} fällig und noch nicht erfasst, {q['done']} durchgeführt); "
        f"{count(q['complaints'], 'Beschwerde', 'Beschwerden')} in "
        f"{count(q['complaint_entries'], 'Eintrag', 'Einträgen')}; "
        f"{count(q['reports'], 'Jahresbericht', 'Jahresberichte')}, bei "
        f"{count(q['reports_missing'], 'Anbieter', 'Anbietern')} fehlt der letzte Bericht"
    )


EXTENSIONS: tuple[tuple[str, Callable[[DemoRun, int], str]], ...] = (
    ("Verträge und Personal", _seed_lifecycle),
    ("Netzwerk", _seed_network),
    ("Qualität", _seed_quality),
)
"""Later parts of the demo, each one function of (demo, providers) -> German summary; they run
after the providers and their applications (``demo.records``)."""
