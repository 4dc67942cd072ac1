"""One-time form tokens: a form that records something (the unmet need, N7) carries a token
issued with the page; the first post with it counts, a second one (back button, reload, double
click) is recognised and changes nothing.

A token is ``<issued>.<nonce>.<signature>`` (HMAC-SHA256 with the portal's secret), valid for
``LIFETIME``. Used tokens are remembered in this process until they expire: the embedded graph
allows one server process per data directory, so one process sees every post. Nothing about a
user or a person is in a token or in the memory of used ones (the unmet-need record must not be
linkable to a user, docs/rules.md §10).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from enum import Enum

LIFETIME = 12 * 3600.0
"""Seconds a token stays valid (a working day); an older page must be loaded again."""

_used: dict[str, float] = {}
_lock = threading.Lock()


class Claim(Enum):
    FIRST = "first"
    AGAIN = "again"
    INVALID = "invalid"


def _sign(secret: str, body: str) -> str:
    return hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()[:32]


def issue(secret: str, now: float | None = None) -> str:
    body = f"{int(now if now is not None else time.time())}.{secrets.token_urlsafe(12)}"
    return f"{body}.{_sign(secret, body)}"


def claim(secret: str, token: str, now: float | None = None) -> Claim:
    """FIRST for a valid token seen for the first time (it is used up now), AGAIN for one used
    before, INVALID for a forged, malformed or expired one."""
    moment = now if now is not None else time.time()
    issued, _, rest = token.partition(".")
    nonce, _, signature = rest.partition(".")
    if not (issued.isdigit() and nonce and signature):
        return Claim.INVALID
    if not hmac.compare_digest(_sign(secret, f"{issued}.{nonce}"), signature):
        return Claim.INVALID
    if not 0 <= moment - int(issued) <= LIFETIME:
        return Claim.INVALID
    with _lock:
        for old in [t for t, until in _used.items() if until < moment]:
            del _used[old]
        if token in _used:
            return Claim.AGAIN
        _used[token] = int(issued) + LIFETIME
    return Claim.FIRST


def release(token: str) -> None:
    """Forget a claimed token (what it was to record was refused, so it may be sent again)."""
    with _lock:
        _used.pop(token, None)
