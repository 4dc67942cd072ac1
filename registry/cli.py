"""The ``registry`` command (API.md "Command line")."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from registry.settings import Settings, get_settings


def _admin_channel(settings: Settings) -> dict[str, Any] | None:
    path = settings.data_dir / "admin.json"
    if not path.exists():
        return None
    try:
        info: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return info


def _via_server(settings: Settings, command: str, params: dict[str, Any]) -> str:
    info = _admin_channel(settings)
    if info is None:
        raise SystemExit(
            "Die Datenbank ist gesperrt, aber kein laufender Server ist erreichbar "
            f"({settings.data_dir / 'admin.json'} fehlt)."
        )
    request = urllib.request.Request(
        f"{info['url']}/internal/admin/{command}",
        data=json.dumps(params).encode(),
        headers={"Content-Type": "application/json", "X-Admin-Token": info["token"]},
        method="POST",
    )
    try:
        body = _post_when_listening(request)
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode(errors="replace")
        raise SystemExit(
            f"Der laufende Server lehnte den Befehl ab ({exc.code}): {detail}"
        ) from exc
    except urllib.error.URLError as exc:
        raise SystemExit(
            f"Der laufende Server (pid {info.get('pid')}) antwortet nicht: {exc}"
        ) from exc
    return f"{body['message']} (ausgeführt vom laufenden Server, pid {info.get('pid')})"


def _post_when_listening(request: urllib.request.Request, wait_seconds: float = 20.0) -> Any:
    """POST to the server; a server that holds the database but is still starting (its port
    not yet open) gets a few seconds to start listening."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            with urllib.request.urlopen(request, timeout=3600) as response:
                return json.loads(response.read())
        except urllib.error.URLError as exc:
            refused = isinstance(exc.reason, ConnectionRefusedError)
            if isinstance(exc, urllib.error.HTTPError) or not refused:
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def run_operation(command: str, params: dict[str, Any], settings: Settings | None = None) -> str:
    """Run a write operation here, or hand it to the server that holds the embedded database."""
    from registry.context import open_registry
    from registry.graph.embedded import DatabaseLocked
    from registry.operations import OPERATIONS

    settings = settings or get_settings()
    try:
        reg = open_registry(settings)
    except DatabaseLocked:
        return _via_server(settings, command, params)
    try:
        if command != "init":
            OPERATIONS["init"](reg, {})
        return OPERATIONS[command](reg, params)
    finally:
        reg.close()


def _password(args: argparse.Namespace) -> str:
    value = os.environ.get("REGISTRY_PASSWORD")
    if value:
        return value
    if not sys.stdin.isatty():
        raise SystemExit("Kein Passwort: REGISTRY_PASSWORD setzen oder interaktiv aufrufen.")
    first = getpass.getpass("Passwort: ")
    if first != getpass.getpass("Passwort wiederholen: "):
        raise SystemExit("Die Passwörter stimmen nicht überein.")
    return first


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="registry", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="Schema anlegen/aktualisieren, Referenzdaten laden")
    seed = sub.add_parser("seed", help="Demodaten erzeugen")
    seed.add_argument("what", choices=["demo"])
    seed.add_argument("--providers", type=int, default=60)
    seed.add_argument("--seed", type=int, default=1)
    serve = sub.add_parser("serve", help="API und Portal bereitstellen")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    user = sub.add_parser("user", help="Benutzer verwalten")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    add = user_sub.add_parser("add")
    add.add_argument("username")
    add.add_argument("--role", required=True)
    add.add_argument("--carrier", default=None)
    add.add_argument("--provider", default=None)
    sub.add_parser("reindex", help="Suchindex aus dem Graphen neu aufbauen")
    exp = sub.add_parser("export", help="Vollsicherung (JSON Lines)")
    exp.add_argument("file")
    imp = sub.add_parser("import", help="Wiederherstellung (JSON Lines)")
    imp.add_argument("file")
    imp.add_argument("--force", action="store_true", help="vorhandene Daten ersetzen")
    sub.add_parser("check", help="Invarianten des Graphen prüfen")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = get_settings()
    try:
        if args.command == "init":
            print(run_operation("init", {}, settings))
        elif args.command == "seed":
            print(
                run_operation(
                    "seed-demo", {"providers": args.providers, "seed": args.seed}, settings
                )
            )
        elif args.command == "user":
            params = {
                "username": args.username,
                "role": args.role,
                "carrier": args.carrier,
                "provider": args.provider,
                "password": _password(args),
            }
            print(run_operation("user-add", params, settings))
        elif args.command == "reindex":
            print(run_operation("reindex", {}, settings))
        elif args.command in {"export", "import"}:
            # absolute: the running server may execute it (admin channel) from another cwd
            params = {
                "file": str(Path(args.file).resolve()),
                "force": getattr(args, "force", False),
            }
            print(run_operation(args.command, params, settings))
        elif args.command == "check":
            print(run_operation("check", {"file": ""}, settings))
        elif args.command == "serve":
            _serve(settings, args.host, args.port)
    except _user_errors() as exc:
        print(f"Fehler: {_describe(exc)}", file=sys.stderr)
        return 2
    return 0


def _user_errors() -> tuple[type[Exception], ...]:
    from registry.errors import DomainError

    return (DomainError,)


def _describe(exc: Exception) -> str:
    from registry.errors import InvalidInput

    if isinstance(exc, InvalidInput):
        return "; ".join(f"{p.field}: {p.message}" for p in exc.problems)
    return str(exc)


def _serve(settings: Settings, host: str | None, port: int | None) -> None:
    import uvicorn

    from registry.app import create_app

    if host or port:
        settings = settings.model_copy(
            update={"host": host or settings.host, "port": port or settings.port}
        )
    from registry.observability import logging_config

    # JSON logs; uvicorn's own access log is off: it would print query strings (search needs)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_config=logging_config(),
        access_log=False,
    )


if __name__ == "__main__":
    raise SystemExit(main())
