"""API test harness: a fresh embedded registry per test module, users of every role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

PASSWORD = "test-passwort-2026"

USERS = {
    "officer.nord": ("admissions_officer", "drv-nord", None),
    "officer.hessen": ("admissions_officer", "drv-hessen", None),
    "officer.bund": ("admissions_officer", "drv-bund", None),
    "officer.westfalen": ("admissions_officer", "drv-westfalen", None),
    "officer.rheinland": ("admissions_officer", "drv-rheinland", None),
    "officer.bayern": ("admissions_officer", "drv-bayern-sued", None),
    "cm.nord": ("case_manager", "drv-nord", None),
    "cm.hessen": ("case_manager", "drv-hessen", None),
    "reader.nord": ("directory_reader", "drv-nord", None),
    "strategist.nord": ("network_strategist", "drv-nord", None),
    "strategist.hessen": ("network_strategist", "drv-hessen", None),
    "strategist.bund": ("network_strategist", "drv-bund", None),
    "admin": ("admin", None, None),
    "admin.nord": ("admin", "drv-nord", None),
}


class Api:
    """A test client that logs users in and remembers their tokens."""

    def __init__(self, client: TestClient[Any], registry: Any) -> None:
        self.client = client
        self.registry = registry
        self._tokens: dict[str, str] = {}

    def token(self, username: str) -> str:
        if username not in self._tokens:
            r = self.client.post(
                "/api/v1/auth/token", json={"username": username, "password": PASSWORD}
            )
            assert r.status_code == 200, r.text
            self._tokens[username] = r.json()["access_token"]
        return self._tokens[username]

    def headers(self, username: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"} if username else {}

    def get(self, path: str, as_: str | None = None, **kw: Any) -> Any:
        headers = {**self.headers(as_), **kw.pop("headers", {})}
        return self.client.get(path, headers=headers, **kw)

    def post(self, path: str, body: Any = None, as_: str | None = None, **kw: Any) -> Any:
        return self.client.post(path, json=body, headers=self.headers(as_), **kw)

    def put(self, path: str, body: Any = None, as_: str | None = None) -> Any:
        return self.client.put(path, json=body, headers=self.headers(as_))

    def patch(self, path: str, body: Any = None, as_: str | None = None) -> Any:
        return self.client.patch(path, json=body, headers=self.headers(as_))

    def delete(self, path: str, as_: str | None = None) -> Any:
        return self.client.delete(path, headers=self.headers(as_))

    def add_provider_user(self, username: str, provider_id: str) -> None:
        from registry.auth.service import add_user

        add_user(
            self.registry,
            username=username,
            password=PASSWORD,
            role="provider",
            provider=provider_id,
        )


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    from registry.app import create_app
    from registry.auth.service import add_user
    from registry.bootstrap import initialise
    from registry.context import open_registry
    from registry.settings import Settings

    data_dir: Path = tmp_path_factory.mktemp("registry")
    settings = Settings(data_dir=data_dir, graph_buffer_pool_mb=64, secret_key="test-secret")
    reg = open_registry(settings)
    initialise(reg)
    for username, (role, carrier, provider) in USERS.items():
        add_user(
            reg, username=username, password=PASSWORD, role=role, carrier=carrier, provider=provider
        )
    app = create_app(settings, registry=reg)
    with TestClient(app=app) as client:
        yield Api(client, reg)
    reg.close()
