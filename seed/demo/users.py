"""The demo's users: the password, the role accounts of every carrier, the provider accounts,
and creating a user through the account service unless it exists."""

from __future__ import annotations

from typing import TYPE_CHECKING

from registry.auth import Principal, Role
from registry.auth.repository import UserRepository, UserRow
from registry.reference import Reference

if TYPE_CHECKING:
    from seed.demo.state import DemoRun

DEFAULT_PASSWORD = "demo-passwort-2026"
PROVIDER_ACCOUNTS = 5  # providers 1..5 register themselves with an account
MAX_ACCOUNTS = 150  # further provider accounts per run (each costs an argon2 hash)

CARRIER_ROLES: tuple[tuple[str, Role], ...] = (
    ("zulassung", Role.ADMISSIONS_OFFICER),
    ("fallmanagement", Role.CASE_MANAGER),
    ("reha", Role.DIRECTORY_READER),
    ("netzwerk", Role.NETWORK_STRATEGIST),
    ("admin", Role.ADMIN),
)


def carrier_suffix(carrier_id: str) -> str:
    return carrier_id.removeprefix("drv-")


def provider_username(number: int) -> str:
    """The account name of demo provider ``number`` (1-based)."""
    return "anbieter.demo" if number == 1 else f"anbieter.{number}"


def staff_users(reference: Reference) -> list[tuple[str, Role, str | None]]:
    """(username, role, carrier) of every demo user that is not a provider account."""
    out: list[tuple[str, Role, str | None]] = [("admin", Role.ADMIN, None)]
    for carrier in reference.carriers:
        for prefix, role in CARRIER_ROLES:
            out.append((f"{prefix}.{carrier_suffix(carrier.id)}", role, carrier.id))
    return out


def principal_of(row: UserRow) -> Principal:
    return Principal(
        user_id=row["id"],
        username=row["username"],
        role=Role(row["role"]),
        carrier=row["carrier"] or None,
        provider=row["provider"] or None,
    )


def ensure_user(
    demo: DemoRun,
    username: str,
    role: Role,
    carrier: str | None = None,
    provider: str | None = None,
) -> Principal:
    """The user's principal; creates the user (through the service) unless it exists."""
    from registry.auth.service import add_user

    existing = demo.reg.repo(UserRepository).by_username(username)
    if existing is not None:
        principal = principal_of(existing)
    else:
        user_id = add_user(
            demo.reg,
            username=username,
            password=demo.password,
            role=role.value,
            carrier=carrier,
            provider=provider,
        )
        demo.users_created += 1
        principal = Principal(user_id, username, role, carrier, provider)
    demo.users[username] = principal
    return principal


def create_staff_users(demo: DemoRun) -> None:
    for username, role, carrier in staff_users(demo.reg.reference):
        ensure_user(demo, username, role, carrier)
