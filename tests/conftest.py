"""Shared fixtures: a fresh embedded registry in a temporary data directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("REGISTRY_SECRET_KEY", "test-secret-key-not-for-production")


@pytest.fixture(autouse=True)
def _reset_clock() -> Iterator[None]:
    from registry import clock

    clock.reset()
    yield
    clock.reset()


@pytest.fixture
def settings(tmp_path: Path):  # type: ignore[no-untyped-def]
    from registry.settings import Settings

    return Settings(data_dir=tmp_path / "var", graph_buffer_pool_mb=128)
