"""Operator commands that write. The CLI runs them directly on the data directory, or, when
the server holds the embedded database, hands them to the server over the admin channel; both
paths call the same functions here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from registry.context import Registry


def op_user_add(reg: Registry, params: dict[str, Any]) -> str:
    from registry.auth.service import add_user

    user_id = add_user(
        reg,
        username=str(params["username"]),
        password=str(params["password"]),
        role=str(params["role"]),
        carrier=params.get("carrier") or None,
        provider=params.get("provider") or None,
    )
    return f"Benutzer {params['username']} angelegt ({user_id})."


def op_init(reg: Registry, params: dict[str, Any]) -> str:
    from registry.bootstrap import initialise

    return initialise(reg)


def op_seed_demo(reg: Registry, params: dict[str, Any]) -> str:
    from seed.demo import seed_demo

    return seed_demo(
        reg, providers=int(params.get("providers", 60)), seed=int(params.get("seed", 1))
    )


def op_reindex(reg: Registry, params: dict[str, Any]) -> str:
    from registry.directory.projection import reindex

    count = reindex(reg)
    return f"Suchindex neu aufgebaut: {count} Dokumente."


OPERATIONS: dict[str, Callable[[Registry, dict[str, Any]], str]] = {
    "init": op_init,
    "user-add": op_user_add,
    "seed-demo": op_seed_demo,
    "reindex": op_reindex,
}
