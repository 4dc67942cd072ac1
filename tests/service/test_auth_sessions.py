"""Sessions and accounts on the fakes (issue 14, findings 5 and 9): log out on the server,
change one's password, an admin's reset (one-time password, change at the next login),
deactivation ending sessions at once, usernames unique after normalisation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.auth import Principal, Role
from registry.auth.names import hidden_character, normalize_username
from registry.auth.repository import InMemoryUserRepository, UserRepository
from registry.auth.service import (
    LoginFailed,
    add_user,
    change_password,
    login,
    logout,
    principal_from_token,
    reset_password,
    set_user_active,
)
from registry.context import Registry
from registry.errors import Conflict, InvalidInput, NotFound
from tests.service.conftest import fake_registry, shared_fakes

PASSWORD = "richtig-langes-Passwort-1"
ADMIN = Principal("u-admin", "admin", Role.ADMIN)
ADMIN_HESSEN = Principal("u-admin-h", "admin.hessen", Role.ADMIN, carrier="drv-hessen")


@pytest.fixture
def reg(tmp_path: Path) -> Iterator[Registry]:
    fakes = shared_fakes()
    fakes[UserRepository] = InMemoryUserRepository()
    registry = fake_registry(tmp_path, fakes)
    registry.settings.secret_key = "test-secret"
    yield registry


def _user(reg: Registry, username: str = "officer.kiel") -> str:
    return add_user(
        reg, username=username, password=PASSWORD, role="admissions_officer", carrier="drv-nord"
    )


def _me(reg: Registry, token: str) -> Principal:
    me = principal_from_token(reg, token)
    assert me is not None
    return me


def test_logout_ends_the_token_on_the_server(reg: Registry) -> None:
    _user(reg)
    token = login(reg, "officer.kiel", PASSWORD)
    logout(reg, _me(reg, token))
    assert principal_from_token(reg, token) is None  # a replayed token is refused
    assert _me(reg, login(reg, "officer.kiel", PASSWORD)).username == "officer.kiel"


def test_changing_ones_password_needs_the_current_one_and_ends_other_sessions(
    reg: Registry,
) -> None:
    _user(reg)
    other = login(reg, "officer.kiel", PASSWORD)
    mine = login(reg, "officer.kiel", PASSWORD)
    with pytest.raises(InvalidInput) as bad:
        change_password(reg, _me(reg, mine), "falsch", "ein-neues-langes-Passwort")
    assert {p.field for p in bad.value.problems} == {"current"}
    with pytest.raises(InvalidInput) as weak:
        change_password(reg, _me(reg, mine), PASSWORD, "kurz")
    assert {p.field for p in weak.value.problems} == {"new"}
    fresh = change_password(reg, _me(reg, mine), PASSWORD, "ein-neues-langes-Passwort")
    assert principal_from_token(reg, other) is None and principal_from_token(reg, mine) is None
    assert _me(reg, fresh).username == "officer.kiel"
    with pytest.raises(LoginFailed):
        login(reg, "officer.kiel", PASSWORD)
    assert login(reg, "officer.kiel", "ein-neues-langes-Passwort")


def test_an_admins_reset_gives_a_one_time_password_to_be_changed_at_next_login(
    reg: Registry,
) -> None:
    user_id = _user(reg)
    before = login(reg, "officer.kiel", PASSWORD)
    with pytest.raises(NotFound):  # outside a carrier admin's scope
        reset_password(reg, ADMIN_HESSEN, user_id)
    one_time = reset_password(reg, ADMIN, user_id)
    assert principal_from_token(reg, before) is None
    with pytest.raises(LoginFailed):
        login(reg, "officer.kiel", PASSWORD)
    me = _me(reg, login(reg, "officer.kiel", one_time))
    assert me.must_change_password  # the middleware opens only the password change
    fresh = change_password(reg, me, one_time, "mein-eigenes-Passwort-9")
    assert not _me(reg, fresh).must_change_password


def test_deactivation_ends_every_session_at_once(reg: Registry) -> None:
    user_id = _user(reg)
    token = login(reg, "officer.kiel", PASSWORD)
    with pytest.raises(NotFound):
        set_user_active(reg, ADMIN_HESSEN, user_id, False)
    assert set_user_active(reg, ADMIN, user_id, False)["active"] is False
    assert principal_from_token(reg, token) is None
    with pytest.raises(LoginFailed):
        login(reg, "officer.kiel", PASSWORD)
    set_user_active(reg, ADMIN, user_id, True)
    assert principal_from_token(reg, token) is None  # reactivation revives no old session
    assert login(reg, "officer.kiel", PASSWORD)


@pytest.mark.parametrize("look_alike", ["Officer.Kiel", "OFFICER.KIEL", "ｏｆｆｉｃｅｒ.ｋｉｅｌ"])
def test_usernames_are_unique_after_normalisation(reg: Registry, look_alike: str) -> None:
    # issue 14, finding 9: NFKC and case folding make look-alikes one name
    _user(reg)
    with pytest.raises(Conflict):
        _user(reg, look_alike)
    assert login(reg, look_alike, PASSWORD)  # the same account, however typed
    assert normalize_username(look_alike) == "officer.kiel"


@pytest.mark.parametrize("hidden", ["\u202e", "\u200b", "\u200d", "\u2066", "\x07", "\ufeff"])
def test_hidden_characters_are_refused_in_usernames(reg: Registry, hidden: str) -> None:
    with pytest.raises(InvalidInput) as bad:
        _user(reg, f"officer{hidden}.kiel")
    assert {p.field for p in bad.value.problems} == {"username"}
    assert hidden_character(f"a{hidden}b") is not None
    assert hidden_character("Müller-Lüdenscheidt & Söhne") is None
