"""Rule Q0: one national criteria setting (docs/rules.md Q0).

The criteria are the same for every carrier and every provider (Rahmenkonzept §5.2: admission on
this framework, equal treatment; A8: every carrier recognises the lead's decision). The severity
(blocking / advisory) of each criteria rule is one national setting, read by everyone and changed
only by a national admin (an admin without a carrier). A rule never set takes its default
(``criteria_catalogue.DEFAULT_SEVERITIES``); every finding records the severity it was decided
with.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from registry import clock
from registry.admission import criteria_catalogue
from registry.admission.common import national_severities
from registry.admission.model import Severity
from registry.audit import record_event
from registry.auth import Principal, Role
from registry.context import Registry
from registry.errors import Forbidden, InvalidInput, Problem
from registry.graph.ports import Tx
from registry.reference_repository import ReferenceRepository


def criteria_view(severities: Mapping[str, Severity]) -> dict[str, str]:
    return {rule: severity.value for rule, severity in severities.items()}


def get_criteria(reg: Registry, principal: Principal) -> dict[str, str]:
    """Q0: the national setting, ``{"Q1": "blocking", …}``; readable by everyone."""
    return criteria_view(national_severities(reg))


def put_criteria(reg: Registry, principal: Principal, body: Mapping[str, Any]) -> dict[str, str]:
    """Q0: a national admin replaces the setting; a rule left out returns to its default."""
    if principal.role is not Role.ADMIN or principal.carrier:
        raise Forbidden(
            "Die Schweregrade der Kriterien gelten bundesweit; sie ändert nur die bundesweite "
            "Administration.",
            rule="Q0",
        )
    if not all(isinstance(v, str) for v in body.values()):
        raise InvalidInput(
            [Problem("criteria", "Schweregrade sind »blocking« oder »advisory«.", "Q0")]
        )
    after = criteria_catalogue.effective_severities(dict(body))
    before = national_severities(reg)
    values = criteria_view(after)

    def work(tx: Tx) -> None:
        reg.repo(ReferenceRepository, tx).set_criteria_severities(values, clock.now_iso())
        record_event(
            tx,
            actor=principal,
            subject_type="criteria",
            subject_id="national",
            action="criteria.changed",
            data={
                "before": criteria_view(before),
                "after": values,
            },
        )

    reg.unit_of_work(work)
    return values
