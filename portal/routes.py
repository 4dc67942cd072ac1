"""Every route of the portal in one place: each page module's handlers in the portal's Router.

The Router carries the portal's exception handlers (``portal.base``: the one mapping of domain
errors to error pages) and its dependencies (``reg``: the registry, ``me``: the logged-in user).
"""

from __future__ import annotations

from typing import Any

from litestar import Router
from litestar.static_files import create_static_files_router

from portal import (
    account_pages,
    admin_pages,
    admission_pages,
    application_form_pages,
    auth_pages,
    coverage_pages,
    criteria_pages,
    directory_pages,
    lifecycle_pages,
    network_agreement_edit_pages,
    network_agreement_pages,
    network_around,
    network_partner_pages,
    notice_pages,
    overview_pages,
    partner_search_pages,
    pickers,
    provider_site_pages,
    quality_pages,
    session_pages,
    staff_pages,
)
from portal.base import DEPENDENCIES, PORTAL_EXCEPTION_HANDLERS, STATIC_DIR, portal_template_config

__all__ = ["PORTAL_HANDLERS", "portal_router", "portal_template_config"]


def page_handlers() -> list[Any]:
    """The handlers of every page module, area by area."""
    return [
        *auth_pages.handlers(),
        *admission_pages.handlers(),
        *application_form_pages.handlers(),
        *notice_pages.handlers(),
        *admin_pages.handlers(),
        *criteria_pages.handlers(),
        *directory_pages.handlers(),
        *partner_search_pages.handlers(),
        *overview_pages.handlers(),
        *lifecycle_pages.handlers(),
        *provider_site_pages.handlers(),
        *staff_pages.handlers(),
        *quality_pages.handlers(),
        *account_pages.handlers(),
        *network_partner_pages.handlers(),
        *network_agreement_pages.handlers(),
        *network_agreement_edit_pages.handlers(),
        *coverage_pages.handlers(),
        *network_around.handlers(),
        *pickers.handlers(),
        *session_pages.handlers(),
    ]


portal_router = Router(
    path="/",
    route_handlers=page_handlers(),
    exception_handlers=PORTAL_EXCEPTION_HANDLERS,
    dependencies=DEPENDENCIES,
    include_in_schema=False,
)

PORTAL_HANDLERS: list[Any] = [
    portal_router,
    create_static_files_router(path="/static", directories=[STATIC_DIR], include_in_schema=False),
]
