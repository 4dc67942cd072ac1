"""JSON API under /api/v1: one module per area; ROUTE_HANDLERS holds them all, under one router
that provides every handler's ``reg`` (the registry) and ``me`` (the caller)."""

from __future__ import annotations

from typing import Any

from litestar import Router

from registry.api.admission import ADMISSION_HANDLERS
from registry.api.criteria import CriteriaController
from registry.api.directory import DirectoryController
from registry.api.hsds import HsdsController
from registry.api.lifecycle import LIFECYCLE_HANDLERS
from registry.api.network import NETWORK_HANDLERS
from registry.api.quality import QUALITY_HANDLERS
from registry.api.reference import AuthController, ReferenceController, UserController
from registry.api.security import API_DEPENDENCIES

API_HANDLERS: list[Any] = [
    AuthController,
    ReferenceController,
    UserController,
    CriteriaController,
    *ADMISSION_HANDLERS,
    *LIFECYCLE_HANDLERS,
    *NETWORK_HANDLERS,
    *QUALITY_HANDLERS,
    DirectoryController,
    HsdsController,
]

ROUTE_HANDLERS: list[Any] = [
    Router(path="/", route_handlers=API_HANDLERS, dependencies=API_DEPENDENCIES)
]
