"""The registry's one error vocabulary. The pure rules and the use cases raise these; each entry
point decides what a caller sees (the API in ``registry.api.errors``, the portal in
``portal.base``), so no error here knows an HTTP status."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem of a rejected input (API.md: field, message, rule): the field as a path such
    as ``contacts[0].email``, a German message for the user and the rule it comes from."""

    field: str
    message: str
    rule: str | None = None

    def as_dict(self) -> dict[str, str]:
        out = {"field": self.field, "message": self.message}
        if self.rule:
            out["rule"] = self.rule
        return out


class DomainError(Exception):
    """Base of every error the domain raises on purpose; ``message`` is German, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """The input breaks a field constraint or a domain rule; carries every problem found.
    Nothing was changed."""

    def __init__(self, problems: Iterable[Problem], message: str = "Ungültige Eingabe") -> None:
        super().__init__(message)
        self.problems = list(problems)

    @classmethod
    def one(cls, field: str, message: str, rule: str | None = None) -> InvalidInput:
        return cls([Problem(field, message, rule)])


class NotFound(DomainError):
    """Unknown, or out of the caller's scope (docs/rules.md §9 reveals nothing)."""

    def __init__(self, message: str = "Nicht gefunden") -> None:
        super().__init__(message)


class Forbidden(DomainError):
    """The caller's role, carrier or provider may not do this; ``rule`` names the rule that
    says so, where one does."""

    def __init__(
        self, message: str = "Für Ihre Rolle nicht erlaubt", rule: str | None = None
    ) -> None:
        super().__init__(message)
        self.rule = rule


class Conflict(DomainError):
    """A concurrent change won (A11), a uniqueness rule was hit, or the object's state does not
    allow the change."""


class IllegalTransition(Conflict):
    """An action the transition table of the object's status does not allow. ``current`` and
    ``action`` are codes (for logs and staff); the message a person reads names no codes."""

    def __init__(self, current: str, action: str, message: str | None = None) -> None:
        super().__init__(message or "Diese Aktion ist im aktuellen Status nicht zulässig.")
        self.current = current
        self.action = action


class VersionConflict(Conflict):
    """Optimistic concurrency: the version read is stale (A11)."""

    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(
            f"Der Vorgang wurde inzwischen geändert (gelesen: Version {expected}, "
            f"aktuell: Version {actual}). Bitte neu laden."
        )
        self.expected = expected
        self.actual = actual
