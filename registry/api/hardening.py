"""App-level hardening (issue 14): security headers on every response, unparsable or too deeply
nested JSON refused as 400 before any handler sees it, and API documentation served from the
package (no public CDN, nothing a Content-Security-Policy would have to allow).
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from litestar.enums import MediaType
from litestar.exceptions import ClientException, SerializationException
from litestar.openapi.plugins import OpenAPIRenderPlugin
from litestar.types import ASGIApp, Message, Receive, Scope, Send

# --------------------------------------------------------------------------- headers

_PRINT_TEMPLATE = Path(__file__).resolve().parent.parent / "directory" / "templates" / "print.html"


def _inline_style_hashes(template: Path) -> list[str]:
    """CSP hashes of the static ``<style>`` blocks of a self-contained page (the directory's
    printable list carries its CSS inline so that it prints alone). Only blocks without template
    expressions: their rendered text is the template's."""
    try:
        text = template.read_text(encoding="utf-8")
    except OSError:
        return []
    out = []
    for block in re.findall(r"<style>(.*?)</style>", text, flags=re.DOTALL):
        if "{{" in block or "{%" in block:
            continue
        digest = hashlib.sha256(block.encode("utf-8")).digest()
        out.append(f"'sha256-{base64.b64encode(digest).decode()}'")
    return out


def content_security_policy() -> str:
    """No inline script anywhere and nothing from another origin; inline styles only the
    hashed blocks of the printable list; the registry is never framed."""
    styles = " ".join(["'self'", *_inline_style_hashes(_PRINT_TEMPLATE)])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            f"style-src {styles}",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


HSTS = "max-age=31536000; includeSubDomains"


def security_headers(*, hsts: bool) -> dict[str, str]:
    """The headers every response carries; HSTS only when the registry is served over TLS
    (``REGISTRY_HSTS`` or ``REGISTRY_COOKIE_SECURE``): a browser told so over plain HTTP on
    loopback would refuse the registry afterwards."""
    headers = {
        "content-security-policy": content_security_policy(),
        "x-frame-options": "DENY",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "permissions-policy": (
            "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
            "interest-cohort=(), browsing-topics=()"
        ),
        "cross-origin-opener-policy": "same-origin",
        "cross-origin-resource-policy": "same-origin",
    }
    if hsts:
        headers["strict-transport-security"] = HSTS
    return headers


class SecurityHeaders:
    """ASGI wrapper: adds the security headers to every HTTP response (pages, API, errors,
    static files, the schema), keeping a header a handler set itself."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, str]) -> None:
        self.app = app
        self.headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


# --------------------------------------------------------------------------- JSON bodies

MAX_JSON_DEPTH = 32  # the deepest body of API.md nests six levels


def _too_deep(value: Any, limit: int) -> bool:
    """Whether a decoded JSON value nests deeper than ``limit`` (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _is_json(content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind == "application/json" or kind.endswith("+json")


async def guard_json_body(request: Any) -> None:
    """``before_request``: a JSON body that cannot be read, or nests deeper than
    ``MAX_JSON_DEPTH``, is refused with 400 before a handler decodes it (API.md "Errors").
    Without this, a body nested ~1,000 deep made the decoder raise RecursionError: a 500 with a
    traceback logged, even without login. The decoded body stays cached on the request."""
    if request.method in ("GET", "HEAD", "OPTIONS", "DELETE"):
        return
    if not _is_json(request.headers.get("content-type", "")):
        return
    if not await request.body():
        return
    try:
        decoded = await request.json()
    except RecursionError as exc:
        raise ClientException("Der Inhalt ist zu tief verschachteltes JSON.") from exc
    except SerializationException as exc:
        raise ClientException("Der Inhalt ist kein lesbares JSON.") from exc
    if _too_deep(decoded, MAX_JSON_DEPTH):
        raise ClientException(
            f"Der Inhalt ist zu tief verschachteltes JSON (höchstens {MAX_JSON_DEPTH} Ebenen)."
        )


# --------------------------------------------------------------------------- API documentation


class OfflineDocsPlugin(OpenAPIRenderPlugin):
    """The API documentation as one server-rendered page from the OpenAPI schema: every
    operation with method, path, summary and description, and links to the schema as JSON and
    YAML. No script and nothing from another origin: it works offline and under the CSP."""

    def __init__(self, *, path: str = "/", **kwargs: Any) -> None:
        super().__init__(path=path, media_type=MediaType.HTML, favicon="", style="", **kwargs)

    def render(self, request: Any, openapi_schema: dict[str, Any]) -> bytes:
        esc = html.escape
        info = openapi_schema.get("info") or {}
        base = request.app.openapi_config.path if request.app.openapi_config else "/schema"
        groups: dict[str, list[str]] = {}
        for path, item in sorted((openapi_schema.get("paths") or {}).items()):
            for method, op in item.items():
                if method not in ("get", "post", "put", "patch", "delete") or not isinstance(
                    op, dict
                ):
                    continue
                tag = (op.get("tags") or ["API"])[0]
                summary = op.get("summary") or op.get("operationId") or ""
                description = op.get("description") or ""
                codes = ", ".join(sorted(str(c) for c in (op.get("responses") or {})))
                groups.setdefault(tag, []).append(
                    "<li><code>"
                    + esc(method.upper())
                    + " "
                    + esc(path)
                    + "</code> "
                    + esc(summary)
                    + (f"<p class='hint'>{esc(description)}</p>" if description else "")
                    + (f"<p class='hint'>Antworten: {esc(codes)}</p>" if codes else "")
                    + "</li>"
                )
        sections = "".join(
            f"<h2>{esc(tag)}</h2><ul class='plain-list'>{''.join(items)}</ul>"
            for tag, items in sorted(groups.items())
        )
        page = (
            "<!doctype html><html lang='de'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{esc(str(info.get('title', 'API')))} – Schnittstelle</title>"
            "<link rel='stylesheet' href='/static/portal.css'></head><body><main>"
            f"<h1>{esc(str(info.get('title', 'API')))}</h1>"
            f"<p>Version {esc(str(info.get('version', '')))}. Das vollständige Schema: "
            f"<a href='{esc(base)}/openapi.json'>OpenAPI als JSON</a>, "
            f"<a href='{esc(base)}/openapi.yaml'>als YAML</a>. Anmeldung mit "
            "<code>POST /api/v1/auth/token</code>, danach <code>Authorization: Bearer …</code>."
            f"</p>{sections}</main></body></html>"
        )
        return page.encode("utf-8")
