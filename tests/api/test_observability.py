"""Request ids, JSON access logs without personal data, /metrics, /readyz (issue 9, part 8)."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Iterator

import httpx
import pytest

from registry.observability import (
    JsonFormatter,
    Metrics,
    log_exception,
    metrics_allowed,
    request_id_from,
    route_of,
)
from registry.search.ports import Health
from tests.api.conftest import Api


@pytest.fixture
def access(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.INFO)
    yield caplog


def _lines(caplog: pytest.LogCaptureFixture, logger: str | None = None) -> list[dict[str, object]]:
    fmt = JsonFormatter()
    return [json.loads(fmt.format(r)) for r in caplog.records if logger is None or r.name == logger]


# --------------------------------------------------------------------------- request ids


def test_every_response_carries_a_generated_request_id(api: Api) -> None:
    a = api.client.get("/healthz")
    b = api.client.get("/healthz")
    assert a.headers["x-request-id"] and b.headers["x-request-id"]
    assert a.headers["x-request-id"] != b.headers["x-request-id"]


def test_a_sane_incoming_request_id_is_kept_and_a_hostile_one_replaced(api: Api) -> None:
    kept = api.client.get("/healthz", headers={"X-Request-ID": "lb-1234.abc_DEF:9"})
    assert kept.headers["x-request-id"] == "lb-1234.abc_DEF:9"
    for hostile in ["a b", "x" * 129, "<script>", "id\u00e9"]:
        raw = [(b"x-request-id", hostile.encode("utf-8"))]
        r = api.client.get("/healthz", headers=raw)
        assert r.headers["x-request-id"] != hostile
        assert len(r.headers["x-request-id"]) == 32


def test_request_id_from_accepts_only_sane_values() -> None:
    assert request_id_from([(b"x-request-id", b"abc-1")]) == "abc-1"
    assert request_id_from([(b"X-Request-Id", b"\xff\xfe")]) != "\xff\xfe"
    assert len(request_id_from([])) == 32


# --------------------------------------------------------------------------- access log


def test_one_json_access_line_per_request_with_template_status_duration_id(
    api: Api, access: pytest.LogCaptureFixture
) -> None:
    r = api.get("/api/v1/applications/app-does-not-exist", as_="officer.nord")
    assert r.status_code == 404
    lines = [x for x in _lines(access, "registry.access") if x["route"] != "/api/v1/auth/token"]
    assert len(lines) == 1
    line = lines[0]
    assert line["method"] == "GET"
    assert line["route"] == "/api/v1/applications/{application_id}"
    assert line["status"] == 404
    assert isinstance(line["duration_ms"], float | int) and line["duration_ms"] >= 0
    assert line["request_id"] == r.headers["x-request-id"]
    assert line["level"] == "info" and line["logger"] == "registry.access"
    assert "app-does-not-exist" not in json.dumps(line)  # the template, not the concrete path


def test_search_query_strings_are_never_logged(api: Api, access: pytest.LogCaptureFixture) -> None:
    # docs/rules.md §10: a search describes an insured person's needs; nothing of it is logged
    secret = "Gebaerdensprache-Suchtberatung-Zwickau"
    for path in ["/api/v1/directory/search", "/api/v1/partners/search", "/api/v1/applications"]:
        api.get(
            f"{path}?postal_code=08056&place={secret}&target_group=addiction&q={secret}",
            as_="cm.nord",
        )
    # every server-side record (httpx is the test client's own request log)
    text = "\n".join(json.dumps(x) for x in _lines(access) if x["logger"] != "httpx")
    assert '"route": "/api/v1/partners/search"' in text
    assert secret not in text
    assert "08056" not in text
    assert "postal_code" not in text


def test_unmatched_paths_are_logged_without_the_path(
    api: Api, access: pytest.LogCaptureFixture
) -> None:
    r = api.client.get("/no/such/page/Max-Mustermann")
    assert r.status_code == 404
    lines = _lines(access, "registry.access")
    assert [x["route"] for x in lines] == ["unmatched"]
    assert "Mustermann" not in json.dumps(lines)


def test_unexpected_exceptions_are_logged_as_json_with_traceback(
    access: pytest.LogCaptureFixture,
) -> None:
    scope = {"type": "http", "method": "GET", "path_template": "/api/v1/x/{id:str}"}
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        asyncio.run(log_exception(exc, scope))  # type: ignore[arg-type]
    [line] = _lines(access, "registry.error")
    assert line["route"] == "/api/v1/x/{id}" and line["error"] == "RuntimeError"
    assert "boom" in str(line["exc"])


def test_route_of_shortens_parameters_and_names_unmatched() -> None:
    assert route_of({"path_template": "/a/{b:str}/c/{d:int}"}) == "/a/{b}/c/{d}"
    assert route_of({}) == "unmatched"


# --------------------------------------------------------------------------- metrics


def test_metrics_access_rule() -> None:
    assert metrics_allowed("127.0.0.1", {}, "")
    assert metrics_allowed("::1", {}, "")
    assert not metrics_allowed("127.0.0.1", {"x-forwarded-for": "203.0.113.9"}, "")
    assert not metrics_allowed("127.0.0.1", {"forwarded": "for=203.0.113.9"}, "")
    assert not metrics_allowed("10.0.0.7", {}, "")
    assert not metrics_allowed("10.0.0.7", {"authorization": "Bearer x"}, "")
    assert metrics_allowed("10.0.0.7", {"authorization": "Bearer s3cret"}, "s3cret")
    assert not metrics_allowed("10.0.0.7", {"authorization": "Bearer wrong"}, "s3cret")


def test_metrics_are_refused_to_remote_clients_without_token(api: Api) -> None:
    r = api.client.get("/metrics")  # the test client is not a loopback address
    assert r.status_code == 403


def test_metrics_with_token_show_requests_histogram_and_gauges(api: Api) -> None:
    api.client.get("/healthz")
    api.get("/api/v1/applications/app-zzz", as_="officer.nord")
    settings = api.registry.settings
    settings.metrics_token = "metrics-test-token"
    try:
        r = api.client.get("/metrics", headers={"Authorization": "Bearer metrics-test-token"})
    finally:
        settings.metrics_token = ""
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert 'registry_http_requests_total{method="GET",route="/healthz",status="200"}' in text
    assert re.search(
        r'registry_http_request_duration_seconds_bucket\{method="GET",'
        r'route="/api/v1/applications/\{application_id\}",status="404",le="\+Inf"\} [1-9]',
        text,
    )
    for gauge in [
        "registry_graph_up 1.0",
        "registry_search_up 1.0",
        "registry_schema_current 1.0",
        "registry_outbox_pending 0.0",
    ]:
        assert gauge in text
    assert "app-zzz" not in text and "officer" not in text  # no ids, no users


def test_metrics_on_loopback_need_no_token(api: Api) -> None:
    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=api.client.app, client=("127.0.0.1", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://local") as client:
            return await client.get("/metrics")

    r = asyncio.run(call())
    assert r.status_code == 200
    assert "# TYPE registry_http_requests_total counter" in r.text


def test_histogram_buckets_are_cumulative() -> None:
    m = Metrics(buckets=(0.1, 1.0))
    m.observe("GET", "/x", 200, 0.05)
    m.observe("GET", "/x", 200, 0.5)
    m.observe("GET", "/x", 200, 5.0)
    text = m.render()
    assert (
        'registry_http_request_duration_seconds_bucket{method="GET",route="/x",status="200",le="0.1"} 1'
        in text
    )
    assert 'le="1"} 2' in text
    assert 'le="+Inf"} 3' in text
    assert 'registry_http_requests_total{method="GET",route="/x",status="200"} 3' in text


# --------------------------------------------------------------------------- health


def test_readyz_is_200_when_graph_schema_and_search_are_ready(api: Api) -> None:
    r = api.client.get("/readyz")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ready"] is True
    assert body["schema"]["version"] == body["schema"]["expected"]


def test_readyz_is_503_when_search_is_down(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api.registry.search, "health", lambda: Health(False, "test", "down"))
    r = api.client.get("/readyz")
    assert r.status_code == 503
    assert r.json()["search"] == {"ok": False, "detail": "down"}
    assert api.client.get("/healthz").status_code == 200  # liveness is separate


def test_readyz_is_503_when_schema_is_behind(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    graph = api.registry.graph
    real = graph.health

    def behind() -> dict[str, object]:
        return {**real(), "schema_version": 0}

    monkeypatch.setattr(graph, "health", behind)
    r = api.client.get("/readyz")
    assert r.status_code == 503
    assert r.json()["schema"]["ok"] is False
