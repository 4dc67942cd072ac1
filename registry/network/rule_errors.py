"""The errors of the network rules (docs/rules.md §8): `IllegalTransition` (an action the
agreement's status does not allow), `ValidationFailed` (input breaks a rule; carries the problems
for the 422 body as `Problem(field, message, rule)` with German messages) and `IncompleteAgreement`
(rule N3: activation without all contents), with the German labels their messages use.
"""

from __future__ import annotations

from collections.abc import Mapping

from registry.network.model import (
    AgreementAction,
    AgreementStatus,
    Missing,
    Problem,
)

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


class IllegalTransition(Exception):
    """The action is not allowed in the agreement's current status (see `TRANSITIONS`)."""

    def __init__(self, status: AgreementStatus, action: AgreementAction) -> None:
        self.status = status
        self.action = action
        self.message = (
            f"Eine Vereinbarung im Status „{STATUS_LABELS[status]}“ kann man nicht "
            f"{ACTION_LABELS[action]}."
        )
        super().__init__(self.message)


class ValidationFailed(Exception):
    """Input breaks a rule; `problems` is the list for the 422 body."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))


class IncompleteAgreement(ValidationFailed):
    """Rule N3: activation without all contents and without an override reason."""

    def __init__(self, missing: list[Missing]) -> None:
        self.missing = missing
        super().__init__([Problem(m.field, m.message, m.rule) for m in missing])
