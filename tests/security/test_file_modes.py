"""Issue 14, finding 9: the graph file was world-readable (0644). The data directory and every
directory in it are 0700, every file 0600: the graph, the search index, the secret key, the
admin channel; also files the engines add after opening (log, checkpoint, index segments) and
a data directory created by an older version with the default umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry.bootstrap import initialise
from registry.context import open_registry
from registry.settings import Settings


@pytest.fixture
def default_umask() -> Iterator[None]:
    old = os.umask(0o022)  # as a shell starts the server
    try:
        yield
    finally:
        os.umask(old)


def _too_open(data_dir: Path) -> list[str]:
    wrong = []
    for path in [data_dir, *data_dir.rglob("*")]:
        if path.is_symlink():
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            wrong.append(f"{path.relative_to(data_dir.parent)}: {oct(mode)}")
    return wrong


def _use(data_dir: Path) -> None:
    from registry.network.partners import create_partner
    from tests.service.network_world import CM_NORD, partner_body

    settings = Settings(data_dir=data_dir, graph_buffer_pool_mb=64, secret_key="")
    reg = open_registry(settings)
    try:
        initialise(reg)
        settings.resolved_secret()  # secret.key in the data dir
        create_partner(reg, CM_NORD, partner_body("Jobcenter Lübeck"))  # graph and index writes
    finally:
        reg.close()


def test_a_new_data_directory_is_the_owners_only(tmp_path: Path, default_umask: None) -> None:
    data_dir = tmp_path / "var"
    _use(data_dir)
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.name.startswith("registry.lbug") for p in files)  # the graph
    assert any("search" in p.parts for p in files)  # the index
    assert _too_open(data_dir) == []


def test_an_existing_world_readable_data_directory_is_narrowed(
    tmp_path: Path, default_umask: None
) -> None:
    data_dir = tmp_path / "var"
    _use(data_dir)
    for path in [data_dir, *data_dir.rglob("*")]:  # as an older version left it
        path.chmod(0o755 if path.is_dir() else 0o644)
    assert _too_open(data_dir)
    os.umask(0o022)
    _use(data_dir)
    assert _too_open(data_dir) == []
