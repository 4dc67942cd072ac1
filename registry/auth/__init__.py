"""Accounts, roles and scopes (docs/rules.md §9), password hashing and bearer tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Role(StrEnum):
    ADMISSIONS_OFFICER = "admissions_officer"
    CASE_MANAGER = "case_manager"
    DIRECTORY_READER = "directory_reader"
    NETWORK_STRATEGIST = "network_strategist"
    PROVIDER = "provider"
    ADMIN = "admin"


ROLE_LABELS = {
    Role.ADMISSIONS_OFFICER: "Sachbearbeitung Zulassung",
    Role.CASE_MANAGER: "Fallmanagement",
    Role.DIRECTORY_READER: "Rehabilitationseinrichtung (nur Suche)",
    Role.NETWORK_STRATEGIST: "Netzwerkarbeit (strategisch)",
    Role.PROVIDER: "Leistungsanbieter",
    Role.ADMIN: "Administration",
}


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: a user with a role and its scope."""

    user_id: str
    username: str
    role: Role
    carrier: str | None = None
    provider: str | None = None
    #: after an admin's reset: only changing the password (and logging out) is allowed
    must_change_password: bool = False

    def is_role(self, *roles: Role) -> bool:
        return self.role in roles


_hasher = PasswordHasher()  # argon2id, memory-hard (docs/rules.md §10)

MIN_PASSWORD_LENGTH = 12


def password_problems(password: str) -> list[str]:
    """Password rules: long enough and not trivially uniform."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"Das Passwort muss mindestens {MIN_PASSWORD_LENGTH} Zeichen lang sein.")
    if len(set(password)) < 5:
        problems.append("Das Passwort muss mindestens 5 verschiedene Zeichen enthalten.")
    return problems


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A hash of a random password: verifying against it costs the same time as a real check, so
# an unknown user name cannot be told apart from a wrong password by timing.
DUMMY_HASH = _hasher.hash("not-a-real-password-0f1e2d3c")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _now() -> float:
    """Wall-clock seconds for token expiry. Not ``registry.clock``: tests and demo data shift
    that clock by months, which must not log everyone out; tests of expiry patch this."""
    return time.time()


def issue_token(secret: str, user_id: str, epoch: int, ttl_seconds: int) -> str:
    """A signed bearer token: user id, token epoch (bumped by 'log out everywhere'), expiry."""
    payload = _b64(json.dumps({"u": user_id, "e": epoch, "x": int(_now()) + ttl_seconds}).encode())
    sig = _b64(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest())
    return f"{payload}.{sig}"


def token_claims(secret: str, token: str) -> dict[str, object] | None:
    """The claims of a genuine, unexpired token; None otherwise."""
    try:
        payload, sig = token.split(".", 1)
        expected = _b64(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(sig, expected):
            return None
        data = json.loads(_unb64(payload))
        if not isinstance(data, dict) or int(data["x"]) < _now():
            return None
        return data
    except (ValueError, KeyError, TypeError):
        return None


def session_token(
    secret: str, token: str, *, binding: str, idle_seconds: int, ttl_seconds: int
) -> str:
    """The portal's form of a token: bound to the session's CSRF token (claim ``c``, its
    :func:`csrf_binding`) and expiring after ``idle_seconds`` without use (every page renews
    it; issue 14, finding 5), at most ``ttl_seconds`` after the login (claim ``s``). Empty when
    the token is not genuine."""
    claims = token_claims(secret, token)
    if claims is None:
        return ""
    started = int(str(claims.get("s", int(_now()))))
    expires = min(int(_now()) + idle_seconds, started + ttl_seconds)
    data = {"u": claims["u"], "e": claims["e"], "x": expires, "s": started, "c": binding}
    payload = _b64(json.dumps(data).encode())
    sig = _b64(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest())
    return f"{payload}.{sig}"


def csrf_binding(csrf: str) -> str:
    return hashlib.sha256(("csrf-binding:" + csrf).encode()).hexdigest()[:32]


def read_token(secret: str, token: str) -> tuple[str, int] | None:
    """(user id, epoch) of a valid, unexpired token; None otherwise."""
    try:
        payload, sig = token.split(".", 1)
        expected = _b64(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(sig, expected):
            return None
        data = json.loads(_unb64(payload))
        if int(data["x"]) < _now():
            return None
        return str(data["u"]), int(data["e"])
    except (ValueError, KeyError, TypeError):
        return None
