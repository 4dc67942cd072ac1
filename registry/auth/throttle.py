"""Login throttling (issue 14, finding 6): per account name and per source address, in memory.

Unlike a lockout stored with the account, the throttle

- treats every name alike, whether an account has it or not (so it reveals no account),
- cannot keep a person out for long: after ``free`` failures within ``window`` seconds a name
  must wait ``delay`` seconds after its latest failure (doubling, at most ``max_delay``), and a
  success clears the name;
- limits a source address to ``per_address`` failures within the window (a guesser spreading
  over many names), again for the window at most.

A throttled attempt is refused before the password is checked (429 with ``Retry-After``).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from contextlib import AbstractContextManager
from dataclasses import dataclass, field


def _monotonic() -> float:
    return time.monotonic()


@dataclass
class LoginThrottle:
    free: int = 5
    window: float = 15 * 60
    delay: float = 2.0
    max_delay: float = 60.0
    per_address: int = 30
    clock: object = field(default=_monotonic, repr=False)
    _names: dict[str, deque[float]] = field(default_factory=dict, repr=False)
    _addresses: dict[str, deque[float]] = field(default_factory=dict, repr=False)
    # typed as a context manager: ``threading.Lock`` is a factory function, not a type
    _lock: AbstractContextManager[bool] = field(default_factory=threading.Lock, repr=False)

    def _now(self) -> float:
        return float(self.clock())  # type: ignore[operator]

    def _recent(self, table: dict[str, deque[float]], key: str, now: float) -> deque[float]:
        times = table.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del table[key]
        return times

    def retry_after(self, name: str, address: str) -> float:
        """Seconds to wait before this name may try again from this address; 0 when free."""
        with self._lock:
            now = self._now()
            wait = 0.0
            failures = self._recent(self._names, name, now)
            over = len(failures) - self.free
            if over >= 0:
                delay = min(self.max_delay, self.delay * (2**over))
                wait = max(wait, failures[-1] + delay - now)
            by_address = self._recent(self._addresses, address, now)
            if address and len(by_address) >= self.per_address:
                wait = max(wait, by_address[-self.per_address] + self.window - now)
            return max(0.0, wait)

    def failed(self, name: str, address: str) -> None:
        with self._lock:
            now = self._now()
            self._names.setdefault(name, deque()).append(now)
            if address:
                self._addresses.setdefault(address, deque()).append(now)
            for table in (self._names, self._addresses):  # bounded: forget stale keys
                if len(table) > 100_000:
                    for key in [k for k, v in table.items() if v and v[-1] <= now - self.window]:
                        del table[key]

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._names.pop(name, None)
