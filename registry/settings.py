"""Configuration from the environment (prefix ``REGISTRY_``), one cached accessor."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

_SECRETS: dict[Path, str] = {}  # read once per data dir, not on every request


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="REGISTRY_", extra="ignore")

    data_dir: Path = Path("./var")
    graph_url: str = ""  # empty: embedded ladybug database in data_dir/graph
    graph_user: str = "neo4j"
    graph_password: str = ""
    graph_database: str = "neo4j"
    graph_buffer_pool_mb: int = 512
    search_url: str = ""  # empty: embedded tantivy index in data_dir/search
    search_key: str = ""
    geocoder: str = "gazetteer"
    secret_key: str = ""  # empty: generated once into data_dir/secret.key (0600)
    token_ttl_minutes: int = 480
    max_body_bytes: int = 1_000_000
    login_max_failures: int = 5  # failures of a name before each try waits (issue 14)
    login_lockout_minutes: int = 15  # the window in which failures count (no lock any more)
    session_idle_minutes: int = 30  # a portal session ends after this long without a page
    # periods of docs/rules.md (design decisions, configurable)
    lead_decision_overdue_days: int = 30  # A5
    follow_on_overdue_days: int = 14  # A7
    review_period_months: int = 36  # A14
    data_confirmation_months: int = 12  # A15
    training_completion_months: int = 24  # Q3
    notice_overdue_days: int = 14  # A8: unacknowledged notices show their age
    cookie_secure: bool = False  # set true behind HTTPS
    hsts: bool = False  # Strict-Transport-Security on every response (also when cookie_secure)
    metrics_token: str = ""  # bearer token for /metrics from non-loopback clients (empty: none)
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)

    @property
    def embedded_graph(self) -> bool:
        return not self.graph_url

    @property
    def embedded_search(self) -> bool:
        return not self.search_url

    def resolved_secret(self) -> str:
        """The signing secret: from the environment, else a random one kept in the data dir."""
        if self.secret_key:
            return self.secret_key
        path = (self.data_dir / "secret.key").resolve()
        cached = _SECRETS.get(path)
        if cached is not None:
            return cached
        if path.exists():
            value = path.read_text().strip()
        else:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            value = secrets.token_urlsafe(48)
            path.touch(mode=0o600)
            path.write_text(value)
        _SECRETS[path] = value
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
