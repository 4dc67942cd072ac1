"""Identifiers. Random by default; the demo generator seeds them for reproducible data."""

from __future__ import annotations

import random
import threading

_lock = threading.Lock()
_rng = random.Random()


def seed_ids(seed: int | None) -> None:
    with _lock:
        _rng.seed(seed)


def new_id(prefix: str) -> str:
    with _lock:
        return f"{prefix}-{_rng.getrandbits(64):016x}"
