"""Account use cases on the fakes (no database): login with lockout, tokens, log out
everywhere, creating and listing users within an admin's scope (docs/rules.md §9, §10)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from registry import clock
from registry.admission.in_memory import InMemoryProviderRepository
from registry.admission.provider_repository import ProviderRepository
from registry.audit import AuditRepository, InMemoryAuditRepository
from registry.auth import Principal, Role
from registry.auth.repository import InMemoryUserRepository, UserRepository
from registry.auth.service import (
    LoginFailed,
    LoginThrottled,
    add_user,
    get_user,
    list_users,
    login,
    logout_everywhere,
    principal_from_token,
)
from registry.auth.throttle import LoginThrottle
from registry.context import Registry
from registry.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.service.conftest import fake_registry, shared_fakes

PASSWORD = "richtig-langes-Passwort-1"

ADMIN = Principal("u-admin", "admin", Role.ADMIN)
ADMIN_NORD = Principal("u-admin-nord", "admin.nord", Role.ADMIN, carrier="drv-nord")
OFFICER_NORD = Principal("u-of-nord", "officer.nord", Role.ADMISSIONS_OFFICER, "drv-nord")


@dataclass
class AuthWorld:
    reg: Registry
    users: InMemoryUserRepository
    providers: InMemoryProviderRepository
    audit: InMemoryAuditRepository


@pytest.fixture
def world(tmp_path: Path) -> Iterator[AuthWorld]:
    fakes = shared_fakes()
    users, providers = InMemoryUserRepository(), InMemoryProviderRepository()
    fakes[UserRepository] = users
    fakes[ProviderRepository] = providers
    reg = fake_registry(tmp_path, fakes)
    reg.settings.secret_key = "test-secret"
    yield AuthWorld(reg, users, providers, fakes[AuditRepository])
    clock.reset()


def _officer(w: AuthWorld, username: str = "officer.kiel") -> str:
    return add_user(
        w.reg, username=username, password=PASSWORD, role="admissions_officer", carrier="drv-nord"
    )


def _fields(err: pytest.ExceptionInfo[InvalidInput]) -> set[str]:
    return {p.field for p in err.value.problems}


# --------------------------------------------------------------------------- login, lockout


def test_login_issues_a_token_naming_the_user_and_its_scope(world: AuthWorld) -> None:
    user_id = _officer(world)
    token = login(world.reg, "officer.kiel", PASSWORD)
    assert principal_from_token(world.reg, token) == Principal(
        user_id, "officer.kiel", Role.ADMISSIONS_OFFICER, carrier="drv-nord"
    )


class Ticks:
    """A monotonic clock the throttle reads, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks(world: AuthWorld) -> Ticks:
    t = Ticks()
    world.reg.login_throttle = LoginThrottle(free=5, clock=t)
    return t


def test_unknown_user_and_wrong_password_fail_alike(world: AuthWorld, ticks: Ticks) -> None:
    _officer(world)
    with pytest.raises(LoginFailed) as unknown:
        login(world.reg, "niemand", PASSWORD)
    with pytest.raises(LoginFailed) as wrong:
        login(world.reg, "officer.kiel", PASSWORD + "x")
    assert unknown.value.message == wrong.value.message


def test_unknown_locked_and_wrong_answer_alike_and_throttle_briefly(
    world: AuthWorld, ticks: Ticks
) -> None:
    # issue 14, finding 6: a name is throttled whether an account has it or not, never for long
    _officer(world)
    for name in ("officer.kiel", "niemand"):
        for _ in range(5):
            with pytest.raises(LoginFailed) as failed:
                login(world.reg, name, "falsch-falsch-falsch", "10.0.0.1")
            assert failed.value.message == "Benutzername oder Passwort falsch."
        with pytest.raises(LoginThrottled) as throttled:  # even the right password, briefly
            login(world.reg, name, PASSWORD, "10.0.0.1")
        assert 1 <= throttled.value.retry_after <= 2
    ticks.now += 2
    assert login(world.reg, "officer.kiel", PASSWORD)  # seconds later the person is in again
    # the delay doubles for a guesser, to a minute at most
    for _ in range(12):
        ticks.now += 61
        with pytest.raises(LoginFailed):
            login(world.reg, "niemand", "falsch-falsch-falsch", "10.0.0.2")
    with pytest.raises(LoginThrottled) as throttled:
        login(world.reg, "niemand", "falsch", "10.0.0.3")
    assert throttled.value.retry_after == 60


def test_a_source_address_is_throttled_across_names(world: AuthWorld, ticks: Ticks) -> None:
    _officer(world)
    throttle = world.reg.login_throttle
    for n in range(throttle.per_address):
        with pytest.raises(LoginFailed):
            login(world.reg, f"name{n}", "falsch-falsch-falsch", "10.0.0.9")
    with pytest.raises(LoginThrottled):
        login(world.reg, "officer.kiel", PASSWORD, "10.0.0.9")
    assert login(world.reg, "officer.kiel", PASSWORD, "10.0.0.10")  # from elsewhere: in
    ticks.now += throttle.window
    assert login(world.reg, "officer.kiel", PASSWORD, "10.0.0.9")


def test_a_success_forgets_earlier_failures(world: AuthWorld, ticks: Ticks) -> None:
    _officer(world)
    for _ in range(4):
        with pytest.raises(LoginFailed):
            login(world.reg, "officer.kiel", "falsch-falsch-falsch")
    login(world.reg, "officer.kiel", PASSWORD)
    for _ in range(4):
        with pytest.raises(LoginFailed):
            login(world.reg, "officer.kiel", "falsch-falsch-falsch")
    assert login(world.reg, "officer.kiel", PASSWORD)


def test_an_inactive_account_cannot_log_in_and_its_tokens_stop_working(world: AuthWorld) -> None:
    user_id = _officer(world)
    token = login(world.reg, "officer.kiel", PASSWORD)
    world.users.users[user_id]["active"] = False
    assert principal_from_token(world.reg, token) is None
    with pytest.raises(LoginFailed) as inactive:
        login(world.reg, "officer.kiel", PASSWORD)
    assert inactive.value.message == "Benutzername oder Passwort falsch."


def test_logout_everywhere_invalidates_every_token_and_is_audited(world: AuthWorld) -> None:
    _officer(world)
    first = login(world.reg, "officer.kiel", PASSWORD)
    second = login(world.reg, "officer.kiel", PASSWORD)
    me = principal_from_token(world.reg, first)
    assert me is not None
    logout_everywhere(world.reg, me)
    assert principal_from_token(world.reg, first) is None
    assert principal_from_token(world.reg, second) is None
    assert principal_from_token(world.reg, login(world.reg, "officer.kiel", PASSWORD)) == me
    assert world.audit.events[-1]["action"] == "user.logout_everywhere"


def test_a_token_signed_with_another_secret_names_nobody(world: AuthWorld) -> None:
    _officer(world)
    token = login(world.reg, "officer.kiel", PASSWORD)
    world.reg.settings.secret_key = "another-secret"
    assert principal_from_token(world.reg, token) is None


# --------------------------------------------------------------------------- creating users


def test_a_user_is_created_with_its_membership_and_audited(world: AuthWorld) -> None:
    user_id = add_user(
        world.reg,
        username="  strategist.nord ",
        password=PASSWORD,
        role="network_strategist",
        carrier="drv-nord",
        actor=ADMIN_NORD,
    )
    stored = world.users.users[user_id]
    assert (stored["username"], stored["role"], stored["carrier"], stored["provider"]) == (
        "strategist.nord",
        "network_strategist",
        "drv-nord",
        "",
    )
    assert stored["password_hash"] != PASSWORD
    event = world.audit.events[-1]
    assert (event["action"], event["subject_id"], event["actor"]) == (
        "user.created",
        user_id,
        ADMIN_NORD.user_id,
    )


def test_a_taken_username_is_a_conflict(world: AuthWorld) -> None:
    _officer(world)
    with pytest.raises(Conflict):
        _officer(world)
    assert len(world.users.users) == 1


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"role": "king", "carrier": "drv-nord"}, {"role"}),
        ({"role": "case_manager"}, {"carrier"}),
        ({"role": "case_manager", "carrier": "drv-atlantis"}, {"carrier"}),
        ({"role": "case_manager", "carrier": "drv-nord", "provider": "prv-1"}, {"provider"}),
        ({"role": "provider"}, {"provider"}),
        ({"role": "provider", "provider": "prv-unbekannt"}, {"provider"}),
        ({"role": "provider", "provider": "prv-1", "carrier": "drv-nord"}, {"carrier"}),
        ({"role": "admin", "username": " "}, {"username"}),
        ({"role": "admin", "password": "kurz"}, {"password"}),
    ],
)
def test_invalid_users_name_every_field_at_fault(
    world: AuthWorld, fields: dict[str, str], expected: set[str]
) -> None:
    world.providers.create(
        {
            "id": "prv-1",
            "name": "Beratung Nord",
            "legal_form": "gGmbH",
            "email": "",
            "phone": "",
            "website": "",
        },
        now=clock.now_iso(),
    )
    args = {"username": "neu", "password": PASSWORD, **fields}
    with pytest.raises(InvalidInput) as err:
        add_user(world.reg, **args)
    assert _fields(err) == expected
    assert not world.users.users


def test_a_provider_account_acts_for_an_existing_provider(world: AuthWorld) -> None:
    world.providers.create(
        {
            "id": "prv-1",
            "name": "Beratung Nord",
            "legal_form": "gGmbH",
            "email": "",
            "phone": "",
            "website": "",
        },
        now=clock.now_iso(),
    )
    user_id = add_user(
        world.reg, username="anbieter", password=PASSWORD, role="provider", provider="prv-1"
    )
    me = principal_from_token(world.reg, login(world.reg, "anbieter", PASSWORD))
    assert me == Principal(user_id, "anbieter", Role.PROVIDER, provider="prv-1")


def test_a_carrier_admin_creates_staff_of_its_own_carrier_only(world: AuthWorld) -> None:
    with pytest.raises(InvalidInput) as other:
        add_user(
            world.reg,
            username="cm.hessen",
            password=PASSWORD,
            role="case_manager",
            carrier="drv-hessen",
            actor=ADMIN_NORD,
        )
    assert _fields(other) == {"carrier"}
    with pytest.raises(Forbidden):
        add_user(
            world.reg,
            username="cm.nord",
            password=PASSWORD,
            role="case_manager",
            carrier="drv-nord",
            actor=OFFICER_NORD,
        )
    assert not world.users.users


def test_admins_list_and_read_the_users_of_their_scope(world: AuthWorld) -> None:
    nord = _officer(world, "officer.nord")
    hessen = add_user(
        world.reg,
        username="officer.hessen",
        password=PASSWORD,
        role="admissions_officer",
        carrier="drv-hessen",
    )
    assert [u["username"] for u in list_users(world.reg, ADMIN)] == [
        "officer.hessen",
        "officer.nord",
    ]
    assert [u["id"] for u in list_users(world.reg, ADMIN_NORD)] == [nord]
    assert "password_hash" not in list_users(world.reg, ADMIN)[0]
    assert get_user(world.reg, ADMIN, hessen)["carrier"] == "drv-hessen"
    with pytest.raises(NotFound):
        get_user(world.reg, ADMIN_NORD, hessen)
    with pytest.raises(Forbidden):
        list_users(world.reg, OFFICER_NORD)
