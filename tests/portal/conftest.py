"""Portal test harness: a fresh embedded registry per test module, users of every role, and a
browser-like client that logs in through the login form (session cookie + CSRF token)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from litestar.testing import TestClient

PASSWORD = "test-passwort-2026"

USERS = {
    "officer.nord": ("admissions_officer", "drv-nord", None),
    "officer.hessen": ("admissions_officer", "drv-hessen", None),
    "cm.nord": ("case_manager", "drv-nord", None),
    "reader.nord": ("directory_reader", "drv-nord", None),
    "strategist.nord": ("network_strategist", "drv-nord", None),
    "admin": ("admin", None, None),
    "admin.nord": ("admin", "drv-nord", None),
}

_CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page without CSRF field"
    return match.group(1)


class Portal:
    """A client that behaves like a browser: cookies, the CSRF field of the last page."""

    def __init__(self, client: TestClient[Any], registry: Any) -> None:
        self.client = client
        self.registry = registry
        self.token = ""

    def get(self, path: str, **kw: Any) -> Any:
        kw.setdefault("follow_redirects", False)
        r = self.client.get(path, **kw)
        self._remember_token(r.text)
        return r

    def _remember_token(self, html: str) -> None:
        match = _CSRF.search(html)
        if match:
            self.token = match.group(1)

    def post(self, path: str, data: Any = None, *, csrf: bool = True, **kw: Any) -> Any:
        kw.setdefault("follow_redirects", False)
        if isinstance(data, dict):
            data = list(data.items())
        fields = list(data or [])
        if csrf:
            if not self.token:
                self.get("/login")
            fields.append(("_csrf_token", self.token))
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        body = urlencode(_flatten(fields))
        r = self.client.post(path, content=body, headers=headers, **kw)
        self._remember_token(r.text)
        return r

    def logout(self) -> None:
        self.client.cookies.clear()
        self.token = ""

    def login(self, username: str, password: str = PASSWORD) -> Any:
        self.logout()
        self.get("/login")
        r = self.post("/login", {"username": username, "password": password})
        assert r.status_code == 303, r.text
        self.token = ""  # the CSRF token is rotated at login: the next form's comes from a page
        return r

    def add_provider_user(self, username: str, provider_id: str) -> None:
        from registry.auth.service import add_user

        add_user(
            self.registry,
            username=username,
            password=PASSWORD,
            role="provider",
            provider=provider_id,
        )


def _flatten(fields: list[tuple[str, Any]]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, value in fields:
        if isinstance(value, list | tuple):
            out.extend((key, str(v)) for v in value)
        elif isinstance(value, bool):
            if value:
                out.append((key, "on"))
        elif value is not None:
            out.append((key, str(value)))
    return out


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    from registry.app import create_app
    from registry.auth.service import add_user
    from registry.bootstrap import initialise
    from registry.context import open_registry
    from registry.settings import Settings

    data_dir: Path = tmp_path_factory.mktemp("portal")
    settings = Settings(data_dir=data_dir, graph_buffer_pool_mb=128, secret_key="test-secret")
    reg = open_registry(settings)
    initialise(reg)
    for username, (role, carrier, provider) in USERS.items():
        add_user(
            reg,
            username=username,
            password=PASSWORD,
            role=role,
            carrier=carrier,
            provider=provider,
        )
    app = create_app(settings, registry=reg)
    with TestClient(app=app, base_url="http://testserver.local") as client:
        yield Portal(client, reg)
    reg.close()
