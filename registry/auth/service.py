"""Use cases of accounts: add a user, log in (with throttling and lockout), recognise a token,
log out everywhere, list users. Accounts are read and written through :class:`UserRepository`."""

from __future__ import annotations

from datetime import timedelta

from registry.admission.repository import ProviderRepository
from registry.audit import record_event
from registry.auth import (
    DUMMY_HASH,
    Principal,
    Role,
    hash_password,
    issue_token,
    password_problems,
    read_token,
    verify_password,
)
from registry.auth.repository import UserRepository, UserSummary
from registry.clock import now, now_iso, parse
from registry.context import Registry
from registry.errors import Conflict, Forbidden, InvalidInput, NotFound, Problem
from registry.graph.ports import Tx
from registry.ids import new_id


class LoginFailed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def add_user(
    reg: Registry,
    *,
    username: str,
    password: str,
    role: str,
    carrier: str | None = None,
    provider: str | None = None,
    actor: Principal | None = None,
) -> str:
    problems: list[Problem] = []
    username = username.strip()
    if not username:
        problems.append(Problem("username", "Der Benutzername darf nicht leer sein."))
    try:
        role_value = Role(role)
    except ValueError:
        problems.append(
            Problem("role", f"Unbekannte Rolle {role!r}; erlaubt: {', '.join(r for r in Role)}")
        )
        role_value = None
    problems += [Problem("password", p) for p in password_problems(password)]
    if role_value is Role.PROVIDER:
        if not provider:
            problems.append(Problem("provider", "Ein Anbieter-Konto braucht --provider."))
        elif reg.repo(ProviderRepository).get(provider) is None:
            problems.append(Problem("provider", f"Unbekannter Anbieter {provider!r}."))
        if carrier:
            problems.append(Problem("carrier", "Ein Anbieter-Konto gehört zu keinem Träger."))
    elif role_value is not None:
        if carrier and carrier not in reg.reference.carriers_by_id:
            problems.append(Problem("carrier", f"Unbekannter Träger {carrier!r}."))
        if not carrier and role_value is not Role.ADMIN:
            problems.append(Problem("carrier", "Diese Rolle braucht einen Träger (--carrier)."))
        if provider:
            problems.append(Problem("provider", "Nur Anbieter-Konten gehören zu einem Anbieter."))
    if actor is not None:
        problems += _scope_problems(actor, role_value, carrier)
    if problems:
        raise InvalidInput(problems)
    user_id = new_id("usr")
    password_hash = hash_password(password)

    def work(tx: Tx) -> None:
        users = reg.repo(UserRepository, tx)
        if users.by_username(username) is not None:
            raise Conflict(f"Der Benutzername {username!r} ist vergeben.")
        users.create(
            {
                "id": user_id,
                "username": username,
                "password_hash": password_hash,
                "role": str(role_value),
                "carrier": carrier or "",
                "provider": provider or "",
                "created_at": now_iso(),
            }
        )
        record_event(
            tx,
            actor=actor,
            subject_type="user",
            subject_id=user_id,
            action="user.created",
            data={"username": username, "role": str(role_value), "carrier": carrier or ""},
        )

    reg.graph.write(work)
    return user_id


def login(reg: Registry, username: str, password: str) -> str:
    """A bearer token for valid credentials; locks the account after repeated failures."""
    user = reg.repo(UserRepository).by_username(username)
    if user is None:
        verify_password(DUMMY_HASH, password)
        raise LoginFailed("Benutzername oder Passwort falsch.")
    user_id = user["id"]
    if user["locked_until"] and parse(user["locked_until"]) > now():
        raise LoginFailed("Zu viele Fehlversuche: das Konto ist vorübergehend gesperrt.")
    if not user["active"] or not verify_password(user["password_hash"], password):
        failures = int(user["failed_logins"]) + 1
        settings = reg.settings
        locked_until = ""
        if failures >= settings.login_max_failures:
            locked_until = (now() + timedelta(minutes=settings.login_lockout_minutes)).isoformat()
        reg.graph.write(
            lambda tx: reg.repo(UserRepository, tx).record_login_failure(user_id, locked_until)
        )
        raise LoginFailed("Benutzername oder Passwort falsch.")
    if int(user["failed_logins"]):
        reg.graph.write(lambda tx: reg.repo(UserRepository, tx).record_login_success(user_id))
    return issue_token(
        reg.settings.resolved_secret(),
        user_id,
        int(user["token_epoch"]),
        reg.settings.token_ttl_minutes * 60,
    )


def principal_from_token(reg: Registry, token: str) -> Principal | None:
    """The caller a signed token names, if the token is genuine, unexpired and of the user's
    current token epoch and the account is active; None otherwise."""
    parsed = read_token(reg.settings.resolved_secret(), token)
    if parsed is None:
        return None
    user_id, epoch = parsed
    user = reg.repo(UserRepository).by_id(user_id)
    if user is None or not user["active"] or int(user["token_epoch"]) != epoch:
        return None
    return Principal(
        user_id=user["id"],
        username=user["username"],
        role=Role(user["role"]),
        carrier=user["carrier"] or None,
        provider=user["provider"] or None,
    )


def logout_everywhere(reg: Registry, principal: Principal) -> None:
    def work(tx: Tx) -> None:
        reg.repo(UserRepository, tx).bump_token_epoch(principal.user_id)
        record_event(
            tx,
            actor=principal,
            subject_type="user",
            subject_id=principal.user_id,
            action="user.logout_everywhere",
        )

    reg.graph.write(work)


def _scope_problems(actor: Principal, role: Role | None, carrier: str | None) -> list[Problem]:
    """DOMAIN.md §9: an admin manages the users in its scope (all, or its own carrier)."""
    if actor.role is not Role.ADMIN:
        raise Forbidden("Benutzer verwaltet die Administration.")
    if actor.carrier is None:
        return []
    problems = []
    if carrier != actor.carrier:
        problems.append(
            Problem("carrier", "Sie können nur Benutzer Ihres eigenen Trägers anlegen.")
        )
    if role is Role.PROVIDER:
        problems.append(
            Problem("role", "Anbieter-Konten legt die trägerübergreifende Administration an.")
        )
    return problems


def list_users(reg: Registry, actor: Principal) -> list[UserSummary]:
    """The accounts an admin may see: all, or those of its own carrier (DOMAIN.md §9)."""
    if actor.role is not Role.ADMIN:
        raise Forbidden("Benutzer verwaltet die Administration.")
    return [
        u
        for u in reg.repo(UserRepository).all()
        if actor.carrier is None or u["carrier"] == actor.carrier
    ]


def get_user(reg: Registry, actor: Principal, user_id: str) -> UserSummary:
    """One account an admin may see (as :func:`list_users` lists it)."""
    if actor.role is not Role.ADMIN:
        raise Forbidden("Benutzer verwaltet die Administration.")
    user = reg.repo(UserRepository).by_id(user_id)
    if user is None or (actor.carrier is not None and user["carrier"] != actor.carrier):
        raise NotFound("Benutzer nicht gefunden")
    return {
        "id": user["id"],
        "username": user["username"],
        "role": user["role"],
        "carrier": user["carrier"],
        "provider": user["provider"],
        "active": user["active"],
    }
