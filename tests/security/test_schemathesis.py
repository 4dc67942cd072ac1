"""Generated hostile input: schemathesis against the served OpenAPI schema, every operation,
authenticated as each role (and anonymous), valid and invalid data.

The expectation: no response is a 5xx, and every response conforms to the schema (a declared
status code and content type, a body matching the declared schema, the declared headers).
Half the generated cases use the ids of real objects in the path, so they reach the services.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.conftest import World

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# one user per role, plus no login at all (schemathesis also drops the token in some negative
# cases: those must answer 401)
AS = [
    None,
    "officer.nord",
    "cm.nord",
    "reader.nord",
    "strategist.nord",
    "provider.a",
    "admin",
]
EXAMPLES_PER_OPERATION_AND_ROLE = 4
MIN_CASES = 1_000

REAL_PATH_OBJECTS = {
    "provider_id": "provider_id",
    "application_id": "application_id",
    "site_id": "site_id",
    "cm_id": "cm_id",
    "notice_id": "notice_id",
    "carrier_id": "carrier_id",
    "partner_id": "partner_id",
    "agreement_id": "agreement_id",
}


def _httpx_kwargs(case: Any, headers: dict[str, str]) -> dict[str, Any]:
    """The generated request as arguments of the Litestar (httpx) test client."""
    kw = case.as_transport_kwargs(base_url="http://testserver.local", headers=headers)
    out: dict[str, Any] = {
        "method": kw["method"],
        "url": kw["url"],
        "headers": kw.get("headers") or {},
        "params": kw.get("params") or None,
        "cookies": kw.get("cookies") or None,
    }
    if "json" in kw:
        out["content"] = json.dumps(kw["json"]).encode()
        out["headers"].setdefault("Content-Type", "application/json")
    elif kw.get("data") is not None:
        data = kw["data"]
        if isinstance(data, dict):
            out["data"] = data
        else:
            out["content"] = data if isinstance(data, bytes) else str(data).encode()
    if kw.get("files"):
        out["files"] = kw["files"]
    return out


class Tally:
    def __init__(self) -> None:
        self.cases = 0
        self.server_errors = 0
        self.by_status: Counter[int] = Counter()
        self.failures: list[str] = []


def _run_operation(world: World, operation: Any, username: str | None, tally: Tally) -> None:
    real = {
        name: world.ids[obj]
        for name, obj in REAL_PATH_OBJECTS.items()
        if name in (operation.path_parameters or {})
        or any(p.name == name for p in operation.path_parameters)
    }
    modes = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
    strategies = [operation.as_strategy(generation_mode=m) for m in modes]
    if real:
        strategies += [
            operation.as_strategy(generation_mode=m, path_parameters=real) for m in modes
        ]

    @hypothesis.settings(
        max_examples=EXAMPLES_PER_OPERATION_AND_ROLE,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(*strategies))
    def run(case: Any) -> None:
        headers = world.api.headers(username)
        response = world.api.client.request(**_httpx_kwargs(case, headers))
        path = case.operation.path
        if path.endswith(("/logout-everywhere", "/auth/logout", "/auth/password")):
            world.forget_token(username)  # the caller's sessions may have ended
        if path.endswith("/auth/token"):
            # the fuzzer is one source address guessing: its own logins must stay possible
            world.registry.login_throttle = None
        tally.cases += 1
        tally.by_status[response.status_code] += 1
        if response.status_code >= 500:
            tally.server_errors += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (Exception, BaseExceptionGroup) as exc:  # a failed check: keep it, go on
            text = str(exc).strip().splitlines()
            tally.failures.append(
                f"{case.method} {case.formatted_path} as {username or 'anonymous'} -> "
                f"{response.status_code}: {' | '.join(text[:6])[:400]}"
            )

    run()


@pytest.fixture(scope="module")
def schema(world: World) -> Any:
    raw = world.api.client.get("/schema/openapi.json").json()
    return schemathesis.openapi.from_dict(raw)


def test_generated_requests_never_5xx_and_always_match_the_schema(
    world: World, schema: Any
) -> None:
    tally = Tally()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 50
    for operation in operations:
        for username in AS:
            _run_operation(world, operation, username, tally)
    print(
        f"\nschemathesis {schemathesis.__version__}: {tally.cases} generated cases over "
        f"{len(operations)} operations x {len(AS)} callers; 5xx responses: "
        f"{tally.server_errors}; schema violations: {len(tally.failures)}; statuses: "
        f"{dict(sorted(tally.by_status.items()))}"
    )
    assert tally.cases >= MIN_CASES
    assert tally.server_errors == 0, "\n".join(tally.failures[:40])
    assert not tally.failures, "\n".join(tally.failures[:40])

    # the data of the world is still there (nothing generated destroyed it wholesale)
    r = world.api.get(f"/api/v1/applications/{world.ids['application_id']}", as_="officer.nord")
    assert r.status_code == 200
