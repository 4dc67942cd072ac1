"""The network rules' own errors (docs/rules.md §8), in the registry's vocabulary
(``registry.errors``): `IllegalAgreementTransition` (an action the agreement's status does not
allow; its message names both by their German labels) and `IncompleteAgreement` (rule N3:
activation without all contents). Input that breaks any other rule raises ``InvalidInput`` with
its problems."""

from __future__ import annotations

from collections.abc import Mapping

from registry.errors import IllegalTransition, InvalidInput, Problem
from registry.network.model import AgreementAction, AgreementStatus, Missing

# --- exceptions ----------------------------------------------------------------------------------

STATUS_LABELS: Mapping[AgreementStatus, str] = {
    AgreementStatus.DRAFT: "Entwurf",
    AgreementStatus.ACTIVE: "aktiv",
    AgreementStatus.SUSPENDED: "ausgesetzt",
    AgreementStatus.TERMINATED: "beendet",
    AgreementStatus.EXPIRED: "abgelaufen",
}

ACTION_LABELS: Mapping[AgreementAction, str] = {
    AgreementAction.EDIT: "ändern",
    AgreementAction.ACTIVATE: "aktivieren",
    AgreementAction.SUSPEND: "aussetzen",
    AgreementAction.RESUME: "fortsetzen",
    AgreementAction.TERMINATE: "beenden",
    AgreementAction.EXPIRE: "ablaufen lassen",
}


class IllegalAgreementTransition(IllegalTransition):
    """The action is not allowed in the agreement's current status (see `TRANSITIONS`); the
    message names both by their German labels."""

    def __init__(self, status: AgreementStatus, action: AgreementAction) -> None:
        super().__init__(
            status.value,
            action.value,
            f"Eine Vereinbarung im Status „{STATUS_LABELS[status]}“ kann man nicht "
            f"{ACTION_LABELS[action]}.",
        )


class IncompleteAgreement(InvalidInput):
    """Rule N3: activation without all contents and without an override reason."""

    def __init__(self, missing: list[Missing]) -> None:
        super().__init__([Problem(m.field, m.message, m.rule) for m in missing])
        self.missing = missing
