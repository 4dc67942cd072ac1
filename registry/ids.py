"""Identifiers. Random by default; the demo generator seeds them for reproducible data."""

from __future__ import annotations

import random
import threading
import time

_lock = threading.Lock()
_rng = random.Random()


def seed_ids(seed: int | None) -> None:
    with _lock:
        _rng.seed(seed)


def new_id(prefix: str) -> str:
    with _lock:
        return f"{prefix}-{_rng.getrandbits(64):016x}"


_last_ns = 0


def sequential_id(prefix: str) -> str:
    """An id that sorts in creation order (audit events of one unit of work share a time)."""
    global _last_ns
    with _lock:
        _last_ns = max(_last_ns + 1, time.time_ns())
        return f"{prefix}-{_last_ns:020d}"
