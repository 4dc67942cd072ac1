"""Use cases of accounts: add a user, log in (throttled per name and address), recognise a
token, log out (everywhere), change one's password, an admin's reset and deactivation, list
users. Accounts are read and written through :class:`UserRepository`."""

from __future__ import annotations

import math
import secrets

from registry.admission.provider_repository import ProviderRepository
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
from registry.auth.names import hidden_character_message, normalize_username
from registry.auth.repository import UserRepository, UserSummary
from registry.auth.throttle import LoginThrottle
from registry.clock import now_iso
from registry.context import Registry
from registry.errors import Conflict, Forbidden, InvalidInput, NotFound, Problem
from registry.graph.ports import Tx
from registry.ids import new_id

LOGIN_FAILED = "Benutzername oder Passwort falsch."


class LoginFailed(Exception):
    def __init__(self, message: str = LOGIN_FAILED) -> None:
        super().__init__(message)
        self.message = message


class LoginThrottled(Exception):
    """Too many failed attempts for this name or from this address (429 with Retry-After)."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        self.message = (
            "Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es in "
            f"{retry_after} Sekunden erneut."
        )
        super().__init__(self.message)


def login_throttle(reg: Registry) -> LoginThrottle:
    """The registry's throttle of login attempts (process memory; settings give its limits)."""
    if reg.login_throttle is None:
        reg.login_throttle = LoginThrottle(
            free=reg.settings.login_max_failures,
            window=reg.settings.login_lockout_minutes * 60,
        )
    return reg.login_throttle


def username_problems(username: str) -> list[Problem]:
    """A username must be non-empty and free of hidden characters (finding 9)."""
    if not username.strip():
        return [Problem("username", "Der Benutzername darf nicht leer sein.")]
    hidden = hidden_character_message(username)
    return [Problem("username", hidden)] if hidden else []


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
    problems = username_problems(username)
    username = normalize_username(username)
    try:
        role_value = Role(role)
    except ValueError:
        # the portal offers the roles by name, so only the command line types a role's key
        problems.append(
            Problem("role", "Bitte eine Rolle wählen.")
            if not role
            else Problem("role", f"Unbekannte Rolle »{role}«; erlaubt: {', '.join(Role)}")
        )
        role_value = None
    problems += [Problem("password", p) for p in password_problems(password)]
    if role_value is Role.PROVIDER:
        if not provider:
            problems.append(
                Problem("provider", "Ein Anbieter-Konto braucht seinen Anbieter (--provider).")
            )
        elif reg.repo(ProviderRepository).get(provider) is None:
            problems.append(Problem("provider", f"Unbekannter Anbieter »{provider}«."))
        if carrier:
            problems.append(Problem("carrier", "Ein Anbieter-Konto gehört zu keinem Träger."))
    elif role_value is not None:
        if carrier and carrier not in reg.reference.carriers_by_id:
            problems.append(Problem("carrier", f"Unbekannter Träger »{carrier}«."))
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
            raise Conflict(
                "Der Benutzername ist (in Groß-/Kleinschreibung oder Schreibweise) vergeben."
            )
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

    reg.unit_of_work(work)
    return user_id


def login(reg: Registry, username: str, password: str, address: str = "") -> str:
    """A bearer token for valid credentials of an active account.

    Unknown names, inactive accounts and wrong passwords answer alike: the same message after
    the same memory-hard check. Failures are throttled per name (whether an account has it or
    not) and per source ``address``; a throttled attempt is refused before any check
    (:class:`LoginThrottled`) and never for long (issue 14, finding 6)."""
    name = normalize_username(username)
    throttle = login_throttle(reg)
    wait = throttle.retry_after(name, address)
    if wait > 0:
        raise LoginThrottled(max(1, math.ceil(wait)))
    user = reg.repo(UserRepository).by_username(name)
    genuine = verify_password(user["password_hash"] if user else DUMMY_HASH, password)
    if user is None or not user["active"] or not genuine:
        throttle.failed(name, address)
        raise LoginFailed()
    throttle.succeeded(name)
    return issue_token(
        reg.settings.resolved_secret(),
        user["id"],
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
        must_change_password=bool(user.get("must_change_password")),
    )


def logout(reg: Registry, principal: Principal) -> None:
    """End the caller's session on the server: the token (the API's bearer token and the
    portal's cookie are the same) is refused afterwards. Tokens carry the account's epoch, so
    this ends the account's other sessions too."""

    def work(tx: Tx) -> None:
        reg.repo(UserRepository, tx).bump_token_epoch(principal.user_id)
        record_event(
            tx,
            actor=principal,
            subject_type="user",
            subject_id=principal.user_id,
            action="user.logout",
        )

    reg.unit_of_work(work)


def change_password(reg: Registry, principal: Principal, current: str, new: str) -> str:
    """One's own password: the current one proves it is the person; every session ends; a new
    token for the caller."""
    user = reg.repo(UserRepository).by_id(principal.user_id)
    if user is None or not user["active"]:
        raise Forbidden("Konto nicht aktiv.")
    problems: list[Problem] = []
    if not verify_password(user["password_hash"], current):
        problems.append(Problem("current", "Das bisherige Passwort stimmt nicht."))
    problems += [Problem("new", p) for p in password_problems(new)]
    if new == current:
        problems.append(Problem("new", "Das neue Passwort muss sich vom bisherigen unterscheiden."))
    if problems:
        raise InvalidInput(problems)
    password_hash = hash_password(new)
    epoch = 0

    def work(tx: Tx) -> None:
        nonlocal epoch
        epoch = reg.repo(UserRepository, tx).set_password(
            principal.user_id, password_hash, must_change=False
        )
        record_event(
            tx,
            actor=principal,
            subject_type="user",
            subject_id=principal.user_id,
            action="user.password_changed",
        )

    reg.unit_of_work(work)
    return issue_token(
        reg.settings.resolved_secret(),
        principal.user_id,
        epoch,
        reg.settings.token_ttl_minutes * 60,
    )


def reset_password(reg: Registry, actor: Principal, user_id: str) -> str:
    """An admin's reset (docs/rules.md §9, in its scope): a one-time password, shown once; the user
    must change it at the next login; every session of the user ends."""
    get_user(reg, actor, user_id)  # scope: 404 outside it
    one_time = secrets.token_urlsafe(12)
    password_hash = hash_password(one_time)

    def work(tx: Tx) -> None:
        reg.repo(UserRepository, tx).set_password(user_id, password_hash, must_change=True)
        record_event(
            tx,
            actor=actor,
            subject_type="user",
            subject_id=user_id,
            action="user.password_reset",
        )

    reg.unit_of_work(work)
    return one_time


def set_user_active(reg: Registry, actor: Principal, user_id: str, active: bool) -> UserSummary:
    """An admin (de)activates an account in its scope; deactivation ends its sessions at once."""
    get_user(reg, actor, user_id)
    if user_id == actor.user_id and not active:
        raise InvalidInput.one("active", "Das eigene Konto kann nicht deaktiviert werden.")

    def work(tx: Tx) -> None:
        reg.repo(UserRepository, tx).set_active(user_id, active)
        record_event(
            tx,
            actor=actor,
            subject_type="user",
            subject_id=user_id,
            action="user.activated" if active else "user.deactivated",
        )

    reg.unit_of_work(work)
    return get_user(reg, actor, user_id)


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

    reg.unit_of_work(work)


def _scope_problems(actor: Principal, role: Role | None, carrier: str | None) -> list[Problem]:
    """docs/rules.md §9: an admin manages the users in its scope (all, or its own carrier)."""
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
    """The accounts an admin may see: all, or those of its own carrier (docs/rules.md §9)."""
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
