"""The status tables of admission (docs/rules.md §5, A3–A5, A7, A9, A14): application and
admission transitions, a site's status from its target groups' statuses, and the version check
of A11. Pure; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import overload

from registry.admission.model import (
    AdmissionAction,
    AdmissionStatus,
    ApplicationAction,
    ApplicationStatus,
)
from registry.errors import IllegalTransition, VersionConflict

AS = AdmissionStatus
AA = AdmissionAction

# --------------------------------------------------------------------------- transitions

APPLICATION_TRANSITIONS: Mapping[tuple[ApplicationStatus, ApplicationAction], ApplicationStatus] = {
    (ApplicationStatus.SUBMITTED, ApplicationAction.DECIDE_ADMIT): ApplicationStatus.DECIDED,
    (ApplicationStatus.SUBMITTED, ApplicationAction.DECIDE_REFUSE): ApplicationStatus.REFUSED,
    (ApplicationStatus.SUBMITTED, ApplicationAction.WITHDRAW): ApplicationStatus.WITHDRAWN,
    (ApplicationStatus.DECIDED, ApplicationAction.WITHDRAW): ApplicationStatus.WITHDRAWN,
}
"""Application status changes (A3–A5, A9). Forwarding happens on submission and changes no
status; a refused or withdrawn application is final."""

ADMISSION_TRANSITIONS: Mapping[tuple[AdmissionStatus, AdmissionAction], AdmissionStatus] = {
    (AS.PENDING, AA.ADMIT): AS.ADMITTED,  # A6
    (AS.PENDING, AA.ADMIT_PENDING_FOLLOW_ON): AS.AWAITING_FOLLOW_ON,  # A7
    (AS.PENDING, AA.REFUSE): AS.REFUSED,  # A5
    (AS.PENDING, AA.WITHDRAW): AS.WITHDRAWN,  # A9
    (AS.AWAITING_FOLLOW_ON, AA.FOLLOW_ON_ADMIT): AS.ADMITTED,  # A7
    (AS.AWAITING_FOLLOW_ON, AA.WITHDRAW): AS.WITHDRAWN,
    (AS.ADMITTED, AA.SUSPEND): AS.SUSPENDED,  # A9, A14
    (AS.ADMITTED, AA.REVOKE): AS.REVOKED,  # A9, A14
    (AS.ADMITTED, AA.CONFIRM): AS.ADMITTED,  # A14
    (AS.ADMITTED, AA.WITHDRAW): AS.WITHDRAWN,
    (AS.SUSPENDED, AA.RESUME): AS.ADMITTED,  # A9
    (AS.SUSPENDED, AA.REVOKE): AS.REVOKED,
    (AS.SUSPENDED, AA.WITHDRAW): AS.WITHDRAWN,
}
"""Status changes of one site's admission for one target group. ``refused``, ``revoked`` and
``withdrawn`` are final; a provider applies anew (A9)."""


@overload
def transition(current: ApplicationStatus, action: ApplicationAction) -> ApplicationStatus: ...
@overload
def transition(current: AdmissionStatus, action: AdmissionAction) -> AdmissionStatus: ...
def transition(
    current: ApplicationStatus | AdmissionStatus, action: ApplicationAction | AdmissionAction
) -> ApplicationStatus | AdmissionStatus:
    """The next status, or ``IllegalTransition`` for anything not in the table."""
    result: ApplicationStatus | AdmissionStatus | None = None
    if isinstance(current, ApplicationStatus) and isinstance(action, ApplicationAction):
        result = APPLICATION_TRANSITIONS.get((current, action))
    elif isinstance(current, AdmissionStatus) and isinstance(action, AdmissionAction):
        result = ADMISSION_TRANSITIONS.get((current, action))
    if result is None:
        raise IllegalTransition(str(current), str(action))
    return result


def can_transition(current: AdmissionStatus, action: AdmissionAction) -> bool:
    return (current, action) in ADMISSION_TRANSITIONS


_SITE_STATUS_PRECEDENCE = (
    AS.ADMITTED,
    AS.AWAITING_FOLLOW_ON,
    AS.SUSPENDED,
    AS.PENDING,
    AS.REVOKED,
    AS.WITHDRAWN,
    AS.REFUSED,
)


def site_status(statuses: Iterable[AdmissionStatus]) -> AdmissionStatus:
    """A site's ``admission_status`` from its target groups' statuses: ``admitted`` when at least
    one group is (API.md), else the most "alive" status present."""
    present = set(statuses)
    for status in _SITE_STATUS_PRECEDENCE:
        if status in present:
            return status
    return AS.PENDING


def ensure_version(read_version: int, current_version: int) -> None:
    """A11: the second of two concurrent writers gets a conflict, nothing is overwritten."""
    if read_version != current_version:
        raise VersionConflict(read_version, current_version)
