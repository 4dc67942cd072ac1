"""Sessions and accounts: throttling and lockout, token expiry, password rules, log out
everywhere, secrets from the environment, portal cookie flags and CSRF."""

from __future__ import annotations

import dataclasses
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient

from registry.auth.service import add_user
from registry.errors import InvalidInput
from registry.settings import Settings
from tests.api.conftest import PASSWORD
from tests.security.conftest import World

TOKEN = "/api/v1/auth/token"


def _user(world: World, name: str, role: str = "case_manager") -> str:
    add_user(world.registry, username=name, password=PASSWORD, role=role, carrier="drv-nord")
    return name


def _login(world: World, username: str, password: str = PASSWORD) -> Any:
    return world.api.client.post(TOKEN, json={"username": username, "password": password})


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --------------------------------------------------------------------------- throttling, lockout


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks(world: World, monkeypatch: pytest.MonkeyPatch) -> Ticks:
    """The registry's login throttle on a clock the test moves."""
    from registry.auth.throttle import LoginThrottle

    t = Ticks()
    throttle = LoginThrottle(free=world.settings.login_max_failures, clock=t)
    monkeypatch.setattr(world.registry, "login_throttle", throttle)
    return t


def test_repeated_failures_throttle_the_name_briefly_with_429(world: World, ticks: Ticks) -> None:
    # issue 14, finding 6: no lockout of 15 minutes that anyone could trigger; a short wait,
    # the same for a name without an account
    name = _user(world, "lock.me")
    for who in (name, "nobody.at.all"):
        for _ in range(world.settings.login_max_failures):
            assert _login(world, who, "falsches-passwort-123").status_code == 401
        r = _login(world, who)
        assert r.status_code == 429, r.text  # API.md: too many attempts
        assert 1 <= int(r.headers["retry-after"]) <= 2
        assert "Anmeldeversuche" in r.json()["detail"]
    ticks.now += 2
    assert _login(world, name).status_code == 200  # seconds, not a quarter of an hour


def test_a_successful_login_resets_the_failure_count(world: World, ticks: Ticks) -> None:
    name = _user(world, "reset.me")
    for _ in range(2):
        for _ in range(world.settings.login_max_failures - 1):
            assert _login(world, name, "falsches-passwort-123").status_code == 401
        assert _login(world, name).status_code == 200


def test_unknown_and_wrong_password_answer_alike(world: World) -> None:
    _user(world, "known.user")
    unknown = _login(world, "nobody.here", "falsches-passwort-123")
    wrong = _login(world, "known.user", "falsches-passwort-123")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()  # the name's existence is not revealed


# --------------------------------------------------------------------------- token expiry


def test_tokens_expire_after_the_configured_time(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import registry.auth

    name = _user(world, "expire.me")
    token = _login(world, name).json()["access_token"]
    client = world.api.client
    start = time.time()
    ttl = world.settings.token_ttl_minutes * 60
    assert client.get("/api/v1/carriers", headers=_bearer(token)).status_code == 200
    monkeypatch.setattr(registry.auth, "_now", lambda: start + ttl - 60)
    assert client.get("/api/v1/carriers", headers=_bearer(token)).status_code == 200
    monkeypatch.setattr(registry.auth, "_now", lambda: start + ttl + 60)
    assert client.get("/api/v1/carriers", headers=_bearer(token)).status_code == 401


def test_tampered_and_foreign_tokens_are_refused(world: World) -> None:
    from registry.auth import issue_token

    name = _user(world, "tamper.me")
    token = _login(world, name).json()["access_token"]
    client = world.api.client
    payload, sig = token.split(".")
    for bad in [
        f"{payload}.{sig[:-2]}AA",
        f"{payload[:-2]}AA.{sig}",
        issue_token("another-secret", "usr-x", 0, 3600),
        "",
        "nonsense",
        "a.b.c",
    ]:
        assert client.get("/api/v1/carriers", headers=_bearer(bad)).status_code == 401


# --------------------------------------------------------------------------- password rules


@pytest.mark.parametrize(
    "password", ["kurz", "elf-zeichen", "aaaaaaaaaaaaaaaa", "abababababababab"]
)
def test_weak_passwords_are_refused(world: World, password: str) -> None:
    with pytest.raises(InvalidInput) as err:
        add_user(world.registry, username="weak.pw", password=password, role="admin")
    assert any(p.field == "password" for p in err.value.problems)
    # the same rules apply when a provider registers itself
    r = world.api.client.post(
        "/api/v1/providers",
        json={
            "name": "Schwach e.V.",
            "legal_form": "e.V.",
            "email": "s@x.example",
            "user": {"username": "weak.provider", "password": password},
        },
    )
    assert r.status_code == 422, r.text
    assert _login(world, "weak.provider", password).status_code == 401


def test_passwords_are_stored_as_memory_hard_hashes(world: World) -> None:
    # docs/rules.md §10: argon2id, never the password itself
    _user(world, "hash.me")
    row = world.registry.graph.read("users.by_username", username="hash.me")[0]
    assert row["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in row["password_hash"]


# --------------------------------------------------------------------------- log out everywhere


def test_log_out_everywhere_invalidates_every_token(world: World) -> None:
    name = _user(world, "everywhere")
    first = _login(world, name).json()["access_token"]
    second = _login(world, name).json()["access_token"]
    client = world.api.client
    r = client.post("/api/v1/auth/logout-everywhere", headers=_bearer(first))
    assert r.status_code == 200
    for token in (first, second):
        assert client.get("/api/v1/carriers", headers=_bearer(token)).status_code == 401
    fresh = _login(world, name).json()["access_token"]
    assert client.get("/api/v1/carriers", headers=_bearer(fresh)).status_code == 200


def test_log_out_everywhere_ends_portal_sessions_too(world: World) -> None:
    name = _user(world, "everywhere.portal")
    client = world.api.client
    client.cookies.clear()
    r = _portal_login(client, name)
    assert r.status_code == 303
    assert client.get("/search", follow_redirects=False).status_code == 200
    token = _login(world, name).json()["access_token"]
    client.post("/api/v1/auth/logout-everywhere", headers=_bearer(token))
    r = client.get("/search", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    client.cookies.clear()


# --------------------------------------------------------------------------- secrets


def test_secret_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REGISTRY_SECRET_KEY", "aus-der-umgebung-0123456789")
    settings = Settings(data_dir=tmp_path)
    assert settings.resolved_secret() == "aus-der-umgebung-0123456789"
    assert not (tmp_path / "secret.key").exists()  # nothing written when the env provides it


def test_generated_secret_is_kept_owner_readable_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("REGISTRY_SECRET_KEY", raising=False)
    settings = Settings(data_dir=tmp_path / "var")
    secret = settings.resolved_secret()
    path = tmp_path / "var" / "secret.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(secret) >= 48
    assert Settings(data_dir=tmp_path / "var").resolved_secret() == secret  # stable


def test_no_secret_files_in_the_repository() -> None:
    root = Path(__file__).resolve().parents[2]
    ignored = (root / ".gitignore").read_text().split()
    assert "var/" in ignored and ".env" in ignored
    skip = {".venv", "var", "node_modules", ".git"}
    found = [
        p
        for name in ("secret.key", "admin.json", ".env")
        for p in root.rglob(name)
        if not skip.intersection(p.relative_to(root).parts)
    ]
    assert found == []


# --------------------------------------------------------------------------- portal cookies, CSRF


def _portal_login(client: TestClient[Any], username: str) -> Any:
    client.get("/login")
    csrf = client.cookies.get("registry_csrf", "")
    return client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "_csrf_token": csrf},
        follow_redirects=False,
    )


def _set_cookies(response: Any) -> dict[str, str]:
    out = {}
    for raw in response.headers.get_list("set-cookie"):
        out[raw.split("=", 1)[0]] = raw.lower()
    return out


@pytest.fixture
def secure_client(world: World) -> Iterator[TestClient[Any]]:
    from registry.app import create_app

    settings = world.settings.model_copy(update={"cookie_secure": True})
    registry = dataclasses.replace(world.registry, settings=settings)  # same backends
    app = create_app(settings, registry=registry)
    with TestClient(app=app, base_url="https://testserver.local") as client:
        yield client


def test_session_cookie_is_httponly_samesite_and_not_readable_by_scripts(world: World) -> None:
    name = _user(world, "cookie.flags")
    client = world.api.client
    client.cookies.clear()
    r = _portal_login(client, name)
    assert r.status_code == 303, r.text
    cookies = _set_cookies(r)
    session = cookies["registry_session"]
    assert "httponly" in session and "samesite=lax" in session and "path=/" in session
    assert "secure" not in session.replace("samesite", "")  # plain HTTP unless configured
    client.cookies.clear()


def test_cookies_are_secure_when_configured(world: World, secure_client: TestClient[Any]) -> None:
    name = _user(world, "cookie.secure")
    r = _portal_login(secure_client, name)
    assert r.status_code == 303, r.text
    cookies = _set_cookies(r)
    assert "; secure" in cookies["registry_session"]
    page = secure_client.get("/login")
    csrf = _set_cookies(page).get("registry_csrf")
    if csrf is not None:
        assert "; secure" in csrf and "httponly" in csrf


def test_portal_forms_need_the_csrf_token(world: World) -> None:
    name = _user(world, "csrf.user", role="admin")
    client = world.api.client
    client.cookies.clear()
    # no token: the login form is refused
    r = client.post("/login", data={"username": name, "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403
    assert _portal_login(client, name).status_code == 303
    # logged in by cookie, a form without the token changes nothing
    r = client.post(
        "/admin/users",
        data={"username": "csrf.victim", "password": PASSWORD, "role": "admin"},
        follow_redirects=False,
    )
    assert r.status_code == 403
    assert not world.registry.graph.read("users.by_username", username="csrf.victim")
    # a wrong token is refused too
    r = client.post(
        "/admin/users",
        data={"username": "csrf.victim", "password": PASSWORD, "role": "admin", "_csrf_token": "x"},
        follow_redirects=False,
    )
    assert r.status_code == 403
    assert not world.registry.graph.read("users.by_username", username="csrf.victim")
    client.cookies.clear()


def test_the_bearer_api_needs_no_csrf_token(world: World) -> None:
    # the JSON API authenticates by header, which a foreign page cannot set
    r = world.api.post(
        "/api/v1/unmet-needs",
        {"postal_code": "23556", "target_groups": ["addiction"]},
        as_="cm.nord",
    )
    assert r.status_code == 201, r.text
