"""Field types shared by the request schemas: trimmed, bounded, no control characters."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def reject_control_characters(request: Any) -> None:
    """A ``before_request`` hook: a query parameter with a NUL byte or another control
    character is invalid input (422, naming the parameter), on every route."""
    from registry.errors import InvalidInput

    for name, value in request.query_params.multi_items():
        if _CONTROL.search(value):
            raise InvalidInput.one(name, "darf keine Steuerzeichen enthalten")


def _no_control(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("darf keine Steuerzeichen enthalten")
    return value


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(_no_control),
]
"""A required short text: non-empty after trimming (API.md)."""


def _no_hidden(value: str) -> str:
    from registry.auth.names import hidden_character

    found = hidden_character(value)
    if found is not None:
        raise ValueError(
            f"darf keine unsichtbaren oder steuernden Zeichen enthalten ({found}: Steuerzeichen, "
            "Richtungswechsel, Zeichen ohne Breite)"
        )
    return value


Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(_no_hidden),
]
"""A required name (provider, site, partner, person): a Text that also refuses bidirectional
overrides and zero-width characters, which make look-alike names (issue 14, finding 9)."""

OptText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=300), AfterValidator(_no_control)
]
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000),
    AfterValidator(_no_control),
]
OptLongText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=20_000), AfterValidator(_no_control)
]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
PostalCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\d{5}$")]
LanguageCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z]{2,3}$")]
Radius = Annotated[float, Field(ge=0, le=1000)]
Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
]
Day = date


class Strict(BaseModel):
    """Request bodies reject unknown fields, so a typo is an error rather than silently lost."""

    model_config = ConfigDict(extra="forbid")
