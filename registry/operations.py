"""Operator commands that write. The CLI runs them directly on the data directory, or, when
the server holds the embedded database, hands them to the server over the admin channel; both
paths call the same functions here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
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
    from seed.demo.run import seed_demo

    return seed_demo(
        reg, providers=int(params.get("providers", 60)), seed=int(params.get("seed", 1))
    )


def op_reindex(reg: Registry, params: dict[str, Any]) -> str:
    from registry.directory.projection import reindex

    count = reindex(reg)
    return f"Suchindex neu aufgebaut: {count} Dokumente."


def _absolute(params: dict[str, Any]) -> Path:
    """The backup file; absolute, since the server may run it from another directory."""
    from registry.errors import InvalidInput

    path = Path(str(params.get("file") or ""))
    if not path.is_absolute():
        raise InvalidInput.one("file", "Der Pfad der Sicherung muss absolut sein.")
    return path


def op_export(reg: Registry, params: dict[str, Any]) -> str:
    from registry.backup import export_graph

    path = _absolute(params)
    r = export_graph(reg, path)
    return f"Gesichert: {r['nodes']} Knoten, {r['rels']} Beziehungen nach {path} ({r['seconds']:.1f} s)."


def op_import(reg: Registry, params: dict[str, Any]) -> str:
    from registry.backup_restore import import_graph

    path = _absolute(params)
    r = import_graph(reg, path, force=bool(params.get("force", False)))
    return (
        f"Wiederhergestellt: {r['nodes']} Knoten, {r['rels']} Beziehungen aus {path}, "
        f"Suchindex {r['indexed']} Dokumente ({r['seconds']:.1f} s)."
    )


def op_check(reg: Registry, params: dict[str, Any]) -> str:
    from registry.check import run_check

    return run_check(reg)


OPERATIONS: dict[str, Callable[[Registry, dict[str, Any]], str]] = {
    "init": op_init,
    "user-add": op_user_add,
    "seed-demo": op_seed_demo,
    "reindex": op_reindex,
    "export": op_export,
    "import": op_import,
    "check": op_check,
}
