"""The local admin channel: lets CLI commands that write reach a running server.

The embedded database admits one process. When ``registry serve`` holds it, write commands
(``user add``, ``seed demo``, ``reindex``, ``import``) post here with the token the server wrote
into ``$REGISTRY_DATA_DIR/admin.json`` (owner-readable only). Only loopback clients are served.
"""

from __future__ import annotations

import hmac
from typing import Any

from litestar import Controller, Request, post
from litestar.exceptions import NotAuthorizedException, NotFoundException

from registry.api.security import registry_of
from registry.operations import OPERATIONS


class AdminChannelController(Controller):
    path = "/internal/admin"
    include_in_schema = False

    @post("/{command:str}", exclude_from_auth=True, status_code=200, sync_to_thread=True)
    def run(
        self, request: Request[Any, Any, Any], command: str, data: dict[str, Any]
    ) -> dict[str, str]:
        client = request.client.host if request.client else ""
        expected = str(request.app.state.admin_token)
        given = request.headers.get("x-admin-token", "")
        if client not in {"127.0.0.1", "::1", "testclient"} or not hmac.compare_digest(
            given, expected
        ):
            raise NotAuthorizedException("Admin-Kanal: Token fehlt oder ist falsch")
        operation = OPERATIONS.get(command)
        if operation is None:
            raise NotFoundException(f"Unbekannter Befehl {command}")
        return {"message": operation(registry_of(request), data)}
