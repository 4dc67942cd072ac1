"""Issue 14, finding 7: security headers on every response, HSTS only when configured for TLS,
the API documentation served from the package (no public CDN)."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from tests.api.conftest import Api
from tests.api.conftest import api as api  # noqa: F401 - the module's registry and client

# one of every kind: portal page, login form, API success and error, static file, schema, docs
PATHS = [
    "/",
    "/login",
    "/api/v1/carriers",
    "/api/v1/agreements/nope",
    "/static/portal.css",
    "/schema",
    "/schema/openapi.json",
    "/healthz",
    "/no-such-page",
]


def _csp(headers: Any) -> dict[str, str]:
    policy = headers["content-security-policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in policy.split(";")
        if part.strip()
    }


@pytest.mark.parametrize("path", PATHS)
def test_every_response_carries_the_security_headers(api: Api, path: str) -> None:  # noqa: F811
    r = api.get(path, as_="strategist.nord" if path.startswith("/api/") else None)
    h = r.headers
    csp = _csp(h)
    # no inline script, nothing from another origin, never framed
    assert csp["script-src"] == "'self'"
    assert "'unsafe-inline'" not in h["content-security-policy"]
    assert "'unsafe-eval'" not in h["content-security-policy"]
    assert "http" not in h["content-security-policy"]
    assert csp["default-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert h["x-frame-options"] == "DENY"
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "no-referrer"
    assert "camera=()" in h["permissions-policy"] and "geolocation=()" in h["permissions-policy"]
    # plain HTTP on loopback: no HSTS unless configured
    assert "strict-transport-security" not in h


def test_pages_have_no_inline_script_or_style(api: Api) -> None:  # noqa: F811
    # the CSP would block them: every script and style is a static file of the package
    for path in ("/", "/login", "/register", "/schema"):
        text = api.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert "<style" not in text and " style=" not in text, path
        assert not re.search(r"\son[a-z]+=", text), path  # no inline event handlers
        assert "cdn." not in text and "googleapis" not in text, path


def test_the_api_documentation_is_served_from_the_package(api: Api) -> None:  # noqa: F811
    r = api.get("/schema")
    assert r.status_code == 200
    assert "text/html" in r.headers["content-type"]
    text = r.text
    # no public CDN: works offline and under the CSP (a description may name a web page)
    assert not re.search(r"<(script|link|img)[^>]+https?://", text)
    assert "<script" not in text
    assert "POST /api/v1/agreements/{agreement_id}/accept" in text
    assert "/schema/openapi.json" in text
    assert api.get("/schema/openapi.json").json()["info"]["version"] == "1.0.0"
    assert api.get("/schema/openapi.yaml").status_code == 200
    for cdn_page in ("/schema/swagger", "/schema/redoc", "/schema/rapidoc", "/schema/elements"):
        assert api.get(cdn_page).status_code == 404, cdn_page


def test_the_printable_list_keeps_its_inline_style_by_hash(api: Api) -> None:  # noqa: F811
    # the directory's printable list carries its CSS inline (it prints alone): the CSP allows
    # exactly that block by its hash, no other inline style
    params = {"postal_code": "23556", "target_group": ["addiction"]}
    r = api.get("/api/v1/directory/print", as_="cm.nord", params=params)
    assert r.status_code == 200, r.text
    (block,) = re.findall(r"<style>(.*?)</style>", r.text, flags=re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in _csp(r.headers)["style-src"]


@pytest.fixture
def tls_client(tmp_path: Path) -> Iterator[TestClient[Any]]:
    from registry.app import create_app
    from registry.bootstrap import initialise
    from registry.context import open_registry
    from registry.settings import Settings

    settings = Settings(
        data_dir=tmp_path, graph_buffer_pool_mb=64, secret_key="test-secret", hsts=True
    )
    reg = open_registry(settings)
    initialise(reg)
    with TestClient(app=create_app(settings, registry=reg)) as client:
        yield client
    reg.close()


def test_hsts_when_configured_for_tls(tls_client: TestClient[Any]) -> None:
    # REGISTRY_HSTS=1 (or REGISTRY_COOKIE_SECURE=1): browsers keep to HTTPS
    for path in ("/", "/api/v1/carriers", "/static/portal.css"):
        hsts = tls_client.get(path).headers["strict-transport-security"]
        assert hsts.startswith("max-age=") and int(hsts.split("=")[1].split(";")[0]) >= 15552000
