"""Domain errors that the API turns into its error format (API.md: field, message, rule)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    rule: str | None = None

    def as_dict(self) -> dict[str, str]:
        out = {"field": self.field, "message": self.message}
        if self.rule:
            out["rule"] = self.rule
        return out


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """422: the input breaks a field constraint or a domain rule; nothing was changed."""

    status_code = 422

    def __init__(self, problems: list[Problem], message: str = "Ungültige Eingabe") -> None:
        super().__init__(message)
        self.problems = problems

    @classmethod
    def one(cls, field: str, message: str, rule: str | None = None) -> InvalidInput:
        return cls([Problem(field, message, rule)])


class NotFound(DomainError):
    """404: unknown, or out of the caller's scope (docs/rules.md §9 reveals nothing)."""

    status_code = 404

    def __init__(self, message: str = "Nicht gefunden") -> None:
        super().__init__(message)


class Forbidden(DomainError):
    status_code = 403

    def __init__(self, message: str = "Für Ihre Rolle nicht erlaubt") -> None:
        super().__init__(message)


class Conflict(DomainError):
    """409: a concurrent change won (A11) or a uniqueness rule was hit."""

    status_code = 409
