"""Agreements running out (N5), done by the registry itself.

Design decision: an active or suspended agreement whose ``valid_until`` has passed is moved to
``expired`` lazily, by `expire_agreements`, which every agreement read (list, one, due for
review) calls first; it is a single read when nothing is due and may also be called
periodically (e.g. by the server's background loop or a CLI command). Coverage does not depend
on it: it counts only agreements in force on the day (`coverage.compute_coverage`).
"""

from __future__ import annotations

from registry import clock
from registry.audit import record_event
from registry.context import Registry
from registry.dates import iso
from registry.graph.ports import Tx
from registry.ids import new_id
from registry.network import lifecycle_rules
from registry.network.agreement_common import agreement_of, agreement_values, notify
from registry.network.model import Agreement
from registry.network.repository import NetworkRepository


def expire_agreements(reg: Registry) -> int:
    """N5: move active or suspended agreements past their ``valid_until`` to expired, each with
    an audit event (actor "system") and notices. Returns how many expired. Cheap when nothing
    is due (one read); safe to call concurrently (a lost race is skipped, not an error)."""
    today = clock.today()
    rows = reg.repo(NetworkRepository).agreements_past_end(today=today.isoformat())
    if not rows:
        return 0
    revs = {r["id"]: r["rev"] for r in rows}
    expired = lifecycle_rules.expire_due((agreement_of(r) for r in rows), today)
    done = 0
    for agreement in expired:
        message = (
            f"Die Vereinbarung „{agreement.title}“ ist abgelaufen (Laufzeit bis "
            f"{iso(agreement.valid_until)})."
        )

        def work(tx: Tx, agreement: Agreement = agreement, message: str = message) -> bool:
            if not reg.repo(NetworkRepository, tx).save_agreement(
                agreement_values(agreement),
                old_rev=revs[agreement.id],
                rev=new_id("rev"),
                now=clock.now_iso(),
                status_reason="Laufzeit abgelaufen",
            ):
                return False  # changed meanwhile: the next call looks again
            record_event(
                tx,
                actor=None,
                subject_type="agreement",
                subject_id=agreement.id,
                action="agreement.expired",
                reason="Laufzeit abgelaufen",
                data={"version": agreement.version, "valid_until": iso(agreement.valid_until)},
                carrier="",
            )
            notify(tx, reg, agreement, message, None)
            return True

        if reg.unit_of_work(work):
            done += 1
    return done
