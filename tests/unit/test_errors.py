"""The one error vocabulary (registry.errors) and its one HTTP mapping (registry.api.errors):
domain errors carry no HTTP status; the API maps every kind of them, by class."""

from __future__ import annotations

import importlib
import json
import pkgutil
from typing import Any

import pytest

import registry
from registry.api.errors import DOMAIN_STATUS, domain_handler, domain_status
from registry.errors import (
    Conflict,
    DomainError,
    Forbidden,
    IllegalTransition,
    InvalidInput,
    NotFound,
    Problem,
    VersionConflict,
)


def _every_module() -> None:
    """Import every module of ``registry`` so that every subclass of DomainError is defined."""
    for info in pkgutil.walk_packages(registry.__path__, "registry."):
        importlib.import_module(info.name)


def _subclasses(kind: type[DomainError]) -> list[type[DomainError]]:
    out: list[type[DomainError]] = []
    for sub in kind.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


def _sample(kind: type[DomainError]) -> DomainError:
    """An instance of ``kind`` (the constructors differ; a subclass with its own arguments is
    made without calling its constructor: the mapping only looks at the class)."""
    if issubclass(kind, InvalidInput):
        args: tuple[object, ...] = ([Problem("name", "fehlt", "A1")],)
    elif issubclass(kind, IllegalTransition):
        args = ("draft", "activate")
    elif issubclass(kind, VersionConflict):
        args = (1, 2)
    else:
        args = ("Text",)
    try:
        return kind(*args)
    except (TypeError, AttributeError, KeyError):
        return kind.__new__(kind)


def test_domain_errors_carry_no_http_status() -> None:
    _every_module()
    kinds = [DomainError, *_subclasses(DomainError)]
    assert len(kinds) >= 7
    for kind in kinds:
        assert not hasattr(kind, "status_code"), kind
        assert not hasattr(kind, "status"), kind


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InvalidInput.one("name", "fehlt", "A1"), 422),
        (NotFound(), 404),
        (Forbidden("Nur der federführende Träger", "A5"), 403),
        (Conflict("schon vorhanden"), 409),
        (IllegalTransition("draft", "activate"), 409),
        (VersionConflict(3, 4), 409),
        (DomainError("sonst etwas"), 400),
    ],
)
def test_api_maps_each_kind_of_domain_error(error: DomainError, status: int) -> None:
    assert domain_status(error) == status


def test_api_maps_every_subclass_to_a_client_error() -> None:
    """Every DomainError subclass defined anywhere in the registry falls under one of the mapped
    kinds (no subclass is left to the generic 400, none becomes a 5xx)."""
    _every_module()
    mapped = tuple(kind for kind, _ in DOMAIN_STATUS)
    for kind in _subclasses(DomainError):
        assert issubclass(kind, mapped), kind
        assert 400 < domain_status(_sample(kind)) < 500, kind


def test_invalid_input_lists_every_problem_in_the_body() -> None:
    error = InvalidInput([Problem("sites", "Mindestens ein Standort", "A1"), Problem("x", "y")])
    response: Any = domain_handler(None, error)  # type: ignore[arg-type]
    assert response.status_code == 422
    body = response.content if isinstance(response.content, dict) else json.loads(response.content)
    assert body == {
        "detail": "Ungültige Eingabe",
        "errors": [
            {"field": "sites", "message": "Mindestens ein Standort", "rule": "A1"},
            {"field": "x", "message": "y"},
        ],
    }


def test_illegal_transition_names_no_codes_by_default() -> None:
    error = IllegalTransition("submitted", "decide")
    assert (error.current, error.action) == ("submitted", "decide")
    assert "submitted" not in error.message and "decide" not in error.message
    assert isinstance(error, Conflict)
