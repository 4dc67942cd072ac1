"""Issue 14, finding 8: JSON nested ~1,000 deep answered 500 (RecursionError in the decoder),
even without login, with a full traceback logged. Now: 400 naming the body, nothing at error
level, before authentication or any handler."""

from __future__ import annotations

import logging

import pytest

from tests.api.conftest import Api
from tests.api.conftest import api as api  # noqa: F401 - the module's registry and client


def _nested(depth: int) -> list[bytes]:
    return [
        b"[" * depth + b"]" * depth,
        b'{"a":' * depth + b"1" + b"}" * depth,
        b'{"name": ' + b"[" * depth + b"]" * depth + b"}",
    ]


@pytest.mark.parametrize("depth", [40, 1_000, 100_000])
@pytest.mark.parametrize(
    ("path", "user"),
    [
        ("/api/v1/auth/token", None),  # public
        ("/api/v1/providers", None),  # public self-registration
        ("/api/v1/agreements", "strategist.nord"),
        ("/api/v1/partners", "cm.nord"),
    ],
)
def test_deeply_nested_json_is_a_400_without_a_logged_traceback(
    api: Api,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
    path: str,
    user: str | None,
    depth: int,
) -> None:
    headers = {**api.headers(user), "content-type": "application/json"}
    for body in _nested(depth):
        caplog.clear()
        with caplog.at_level(logging.ERROR):
            r = api.client.post(path, content=body, headers=headers)
        assert r.status_code == 400, (depth, r.status_code, r.text[:200])
        problem = r.json()["errors"][0]
        assert problem["field"] == "body"
        assert "verschachtelt" in problem["message"]
        errors = [rec for rec in caplog.records if rec.levelno >= logging.ERROR]
        assert errors == [], [rec.getMessage() for rec in errors]


def test_ordinary_nesting_still_passes_and_broken_json_is_a_400(api: Api) -> None:  # noqa: F811
    headers = {**api.headers("strategist.nord"), "content-type": "application/json"}
    r = api.client.post("/api/v1/partners", content=b'{"name": ', headers=headers)
    assert r.status_code == 400
    assert r.json()["errors"][0]["message"] == "Der Inhalt ist kein lesbares JSON."
    # a real body of six levels is read as before (422: its content is invalid, not its form)
    body = b'{"name": "X", "type": "other", "sites": [{"name": "S", "address": {"postal_code": '
    body += b'"23556", "street": "", "place": ""}, "service_radius_km": [[[1]]]}]}'
    r = api.client.post("/api/v1/partners", content=body, headers=headers)
    assert r.status_code == 422, r.text
