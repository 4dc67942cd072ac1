"""Screenshots and the axe check shared by the browser tests.

With ``PORTAL_SCREENSHOTS=<folder>`` set, :func:`shoot` saves a page at desktop (1280 px) and
phone (360 px) width as PNG, reduced to 128 colours; without it, it does nothing
(``docs/screenshots`` is made by ``tests/browser/test_screenshots.py``, see docs/portal.md)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from tests.browser.conftest import axe_check

SHOTS = os.environ.get("PORTAL_SCREENSHOTS", "")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
MAX_FULL_PAGE = 4000  # taller pages are shot at the top only (the coverage table is long)


def assert_accessible(page: Any, name: str) -> None:
    bad = axe_check(page, name)
    assert bad == [], f"{name}: {bad}"


def shoot(page: Any, slug: str) -> None:
    """Save the page at desktop and phone width (only when PORTAL_SCREENSHOTS is set)."""
    if not SHOTS:
        return
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    for suffix, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        height = page.evaluate("document.documentElement.scrollHeight")
        path = folder / f"{slug}-{suffix}.png"
        page.screenshot(path=str(path), full_page=height <= MAX_FULL_PAGE)
        _shrink(path)
    if before:
        page.set_viewport_size(before)


def _shrink(path: Path) -> None:
    """Fewer colours, much smaller files (Pillow, if installed)."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - screenshots stay as taken
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=128)
        small.save(path, optimize=True)


def check(page: Any, name: str, slug: str = "") -> None:
    assert_accessible(page, name)
    if slug:
        shoot(page, slug)
