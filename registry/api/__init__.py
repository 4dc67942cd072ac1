"""JSON API under /api/v1: one module per area; ROUTE_HANDLERS lists them all."""

from __future__ import annotations

from typing import Any

from registry.api.admission import ADMISSION_HANDLERS
from registry.api.reference import AuthController, ReferenceController

ROUTE_HANDLERS: list[Any] = [AuthController, ReferenceController, *ADMISSION_HANDLERS]
