"""The real server as a child process: ``registry init``, ``registry user add``, ``registry serve``
on a free port with its own data directory, SIGKILL and restart, ``registry check``.

Used by the crash-safety and concurrency tests and by ``bench/crash.py`` and
``bench/concurrency.py``. Everything goes through the command line and HTTP, exactly as an
operator and the carriers' systems use it; nothing is imported from the running server.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "resilienz-passwort-2026"
SECRET = "resilience-test-secret-not-for-production"

# username: (role, carrier)
USERS: dict[str, tuple[str, str]] = {
    "officer.nord": ("admissions_officer", "drv-nord"),
    "officer.hessen": ("admissions_officer", "drv-hessen"),
    "strategist.nord": ("network_strategist", "drv-nord"),
    "cm.nord": ("case_manager", "drv-nord"),
}


class ServerError(RuntimeError):
    """The child process did not do what it was asked."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class ServerProcess:
    """One data directory and (at most) one ``registry serve`` process on it."""

    def __init__(
        self, data_dir: Path, port: int | None = None, buffer_pool_mb: int | None = None
    ) -> None:
        self.data_dir = data_dir
        self.buffer_pool_mb = buffer_pool_mb  # None: the production default
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self._log: IO[bytes] | None = None
        data_dir.mkdir(parents=True, exist_ok=True)

    # ------------------------------------------------------------------ environment

    def env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "REGISTRY_DATA_DIR": str(self.data_dir),
                # fixed: bearer tokens stay valid across restarts
                "REGISTRY_SECRET_KEY": SECRET,
                "PYTHONPATH": str(ROOT),
                "PYTHONUNBUFFERED": "1",
            }
        )
        if self.buffer_pool_mb is not None:
            env["REGISTRY_GRAPH_BUFFER_POOL_MB"] = str(self.buffer_pool_mb)
        env.update(extra or {})
        return env

    def cli(
        self, *args: str, extra_env: Mapping[str, str] | None = None, timeout: float = 300
    ) -> subprocess.CompletedProcess[str]:
        """Run ``registry <args>`` (as ``python -m registry.cli``) on this data directory."""
        return subprocess.run(
            [sys.executable, "-m", "registry.cli", *args],
            cwd=ROOT,
            env=self.env(extra_env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def _cli_ok(self, *args: str, extra_env: Mapping[str, str] | None = None) -> str:
        done = self.cli(*args, extra_env=extra_env)
        if done.returncode != 0:
            raise ServerError(
                f"registry {' '.join(args)} failed ({done.returncode}):\n"
                f"{done.stdout}\n{done.stderr}"
            )
        return done.stdout

    # ------------------------------------------------------------------ operator commands

    def init(self) -> str:
        return self._cli_ok("init")

    def add_users(self, users: Mapping[str, tuple[str, str]] = USERS) -> None:
        """``registry user add`` for each user, all at once (the running server executes them
        over its admin channel; without a server they would queue on the database lock)."""
        env = self.env({"REGISTRY_PASSWORD": PASSWORD})
        procs = []
        for username, (role, carrier) in users.items():
            args = ["user", "add", username, "--role", role, "--carrier", carrier]
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", "registry.cli", *args],
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        failures = []
        for p in procs:
            out, err = p.communicate(timeout=300)
            if p.returncode != 0:
                failures.append(f"{p.args!r}: {out} {err}")
        if failures:
            raise ServerError("registry user add failed:\n" + "\n".join(failures))

    def check(self) -> subprocess.CompletedProcess[str]:
        """``registry check``: the graph's invariants and the search index (drains first)."""
        return self.cli("check")

    # ------------------------------------------------------------------ process

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    def start(self, timeout: float = 120) -> None:
        """Start ``registry serve`` and wait until ``/healthz`` answers 200."""
        if self.running:
            raise ServerError("server already running")
        self._log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "registry.cli", "serve", "--port", str(self.port)],
            cwd=ROOT,
            env=self.env(),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.starts += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerError(f"server exited with {self.proc.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base_url}/healthz", timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
        self.kill()
        raise ServerError(f"server not healthy within {timeout} s:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, nothing is flushed."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self._reap()

    def stop(self, timeout: float = 30) -> None:
        """A clean shutdown (SIGTERM), SIGKILL if it hangs."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._reap()

    def _reap(self) -> None:
        if self.proc is not None:
            self.proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def metric(self, name: str) -> float | None:
        """One gauge of ``/metrics`` (served to loopback clients)."""
        r = httpx.get(f"{self.base_url}/metrics", timeout=10)
        for line in r.text.splitlines():
            if line.startswith(name + " ") or line.startswith(name + "{"):
                return float(line.rsplit(" ", 1)[1])
        return None

    def wait_outbox_empty(self, timeout: float = 60) -> bool:
        """True once the server reports no pending outbox rows (it drains them by itself)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                if self.metric("registry_outbox_pending") == 0:
                    return True
            time.sleep(0.2)
        return False

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()
