"""The server-rendered German portal (Litestar + Jinja2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import get
from litestar.contrib.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

_HERE = Path(__file__).resolve().parent


def portal_template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(directory=_HERE / "templates", engine=JinjaTemplateEngine)


@get("/", include_in_schema=False, exclude_from_auth=True)
async def home() -> Template:
    return Template(template_name="home.html", context={})


PORTAL_HANDLERS: list[Any] = [
    home,
    create_static_files_router(path="/static", directories=[_HERE / "static"], include_in_schema=False),
]
