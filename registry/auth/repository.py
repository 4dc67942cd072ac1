"""Accounts' queries (``users.cypher``): the only code naming them.

A user is ``MEMBER_OF`` its carrier (carrier staff) or ``ACTS_FOR`` its provider (provider
accounts); the read models give both as ids, ``''`` where a user has neither.
"""

from __future__ import annotations

from typing import TypedDict, cast

from registry.auth.names import normalize_username
from registry.graph.repository import Repository


class UserRow(TypedDict):
    """An account with what login and token checks need."""

    id: str
    username: str
    password_hash: str
    role: str
    carrier: str
    provider: str
    active: bool
    token_epoch: int
    must_change_password: bool


class UserSummary(TypedDict):
    """An account as the administration lists it (no secrets)."""

    id: str
    username: str
    role: str
    carrier: str
    provider: str
    active: bool


class NewUser(TypedDict):
    id: str
    username: str
    password_hash: str
    role: str
    carrier: str  # '' for none
    provider: str  # '' for none
    created_at: str


class UserRepository(Repository):
    def by_username(self, username: str) -> UserRow | None:
        """The account of a username as typed: compared in its normalised form (NFKC,
        case-folded), the form in which usernames are stored."""
        key = normalize_username(username)
        return cast(UserRow | None, self._one("users.by_username", username=key))

    def by_id(self, user_id: str) -> UserRow | None:
        return cast(UserRow | None, self._one("users.by_id", id=user_id))

    def create(self, user: NewUser) -> None:
        """The account and its membership (carrier) or the provider it acts for."""
        self._rows(
            "users.create",
            id=user["id"],
            username=normalize_username(user["username"]),
            password_hash=user["password_hash"],
            role=user["role"],
            carrier=user["carrier"],
            provider=user["provider"],
            now=user["created_at"],
        )
        if user["carrier"]:
            self._rows("users.link_carrier", id=user["id"], carrier=user["carrier"])
        if user["provider"]:
            self._rows("users.link_provider", id=user["id"], provider=user["provider"])

    def set_password(self, user_id: str, password_hash: str, *, must_change: bool) -> int:
        """A new password; every token issued so far stops working; the new epoch."""
        rows = self._rows(
            "users.set_password", id=user_id, password_hash=password_hash, must_change=must_change
        )
        return int(rows[0]["token_epoch"]) if rows else 0

    def set_active(self, user_id: str, active: bool) -> int:
        """(De)activate; every token issued so far stops working; the new epoch."""
        rows = self._rows("users.set_active", id=user_id, active=active)
        return int(rows[0]["token_epoch"]) if rows else 0

    def bump_token_epoch(self, user_id: str) -> int:
        """Every token issued so far stops working; the new epoch."""
        rows = self._rows("users.bump_token_epoch", id=user_id)
        return int(rows[0]["token_epoch"]) if rows else 0

    def all(self) -> list[UserSummary]:
        """Every account, by username."""
        return cast(list[UserSummary], self._rows("users.list"))


class InMemoryUserRepository(UserRepository):
    """The accounts as a dict; usernames unique as the graph's key makes them."""

    def __init__(self) -> None:
        self.users: dict[str, UserRow] = {}

    def by_username(self, username: str) -> UserRow | None:
        key = normalize_username(username)
        found = next((u for u in self.users.values() if u["username"] == key), None)
        return cast(UserRow, dict(found)) if found is not None else None

    def by_id(self, user_id: str) -> UserRow | None:
        found = self.users.get(user_id)
        return cast(UserRow, dict(found)) if found is not None else None

    def create(self, user: NewUser) -> None:
        if user["id"] in self.users or self.by_username(user["username"]) is not None:
            raise ValueError(f"duplicate user {user['id']} / {user['username']}")
        self.users[user["id"]] = {
            "id": user["id"],
            "username": normalize_username(user["username"]),
            "password_hash": user["password_hash"],
            "role": user["role"],
            "carrier": user["carrier"],
            "provider": user["provider"],
            "active": True,
            "token_epoch": 0,
            "must_change_password": False,
        }

    def set_password(self, user_id: str, password_hash: str, *, must_change: bool) -> int:
        user = self.users.get(user_id)
        if user is None:
            return 0
        user["password_hash"] = password_hash
        user["must_change_password"] = must_change
        user["token_epoch"] += 1
        return user["token_epoch"]

    def set_active(self, user_id: str, active: bool) -> int:
        user = self.users.get(user_id)
        if user is None:
            return 0
        user["active"] = active
        user["token_epoch"] += 1
        return user["token_epoch"]

    def bump_token_epoch(self, user_id: str) -> int:
        user = self.users.get(user_id)
        if user is None:
            return 0
        user["token_epoch"] += 1
        return user["token_epoch"]

    def all(self) -> list[UserSummary]:
        keys = UserSummary.__annotations__
        return [
            cast(UserSummary, {k: u[k] for k in keys})  # type: ignore[literal-required]
            for u in sorted(self.users.values(), key=lambda u: u["username"])
        ]
