"""A small HTTP client for the resilience runs: tokens shared between threads, valid bodies.

Bodies come from :mod:`tests.api.helpers` (the same ones the API tests use); the concept
section codes are read from the running server (``GET /concept-sections``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import httpx

from tests.api.helpers import application, case_manager, site
from tests.resilience.server import PASSWORD

API = "/api/v1"
REASON_ADMIT = "Wir benötigen externe Expertise für diese Zielgruppe, die wir nicht vorhalten."
REASON_REFUSE = "Kein Bedarf in der Region."

# Every site of a run lies at one of two places, so a search there reaches all of them
# (catchment radius 50 km, distance 0): Kiel (DRV Nord) and Kassel (DRV Hessen).
NORD_PLACE = ("24103", "Kiel")
HESSEN_PLACE = ("34117", "Kassel")
GROUPS = ("addiction", "oncology")

TRANSPORT_ERRORS = (httpx.TransportError,)  # the server went away mid-request


@dataclass(frozen=True)
class _Section:
    code: str


@dataclass(frozen=True)
class Reference:
    """What ``tests.api.helpers.application`` needs of the reference data."""

    concept_sections: tuple[_Section, ...]


class LoginRefused(RuntimeError):
    """The server refused a login that should have worked."""


class TokenBook:
    """Bearer tokens by username, shared by all threads (the signing secret is fixed, so they
    stay valid across restarts)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._tokens: dict[str, str] = {}
        self._lock = threading.Lock()

    def token(self, username: str, password: str = PASSWORD) -> str:
        with self._lock:
            if username in self._tokens:
                return self._tokens[username]
        r = httpx.post(
            f"{self.base_url}{API}/auth/token",
            json={"username": username, "password": password},
            timeout=30,
        )
        if r.status_code != 200:
            raise LoginRefused(f"login as {username}: {r.status_code} {r.text[:200]}")
        token = str(r.json()["access_token"])
        with self._lock:
            self._tokens[username] = token
        return token

    def forget(self, username: str) -> None:
        with self._lock:
            self._tokens.pop(username, None)


class Api:
    """One connection pool (use one per thread)."""

    def __init__(self, base_url: str, tokens: TokenBook, timeout: float = 60) -> None:
        self.tokens = tokens
        self.http = httpx.Client(base_url=base_url + API, timeout=timeout)

    def call(
        self,
        method: str,
        path: str,
        as_: str | None,
        body: Any = None,
        params: dict[str, Any] | None = None,
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens.token(as_)}"} if as_ else {}
        return self.http.request(method, path, json=body, params=params, headers=headers)

    def get(self, path: str, as_: str | None, **params: Any) -> httpx.Response:
        return self.call("GET", path, as_, params=params or None)

    def post(self, path: str, as_: str | None, body: Any = None) -> httpx.Response:
        return self.call("POST", path, as_, body)

    def close(self) -> None:
        self.http.close()


def load_reference(api: Api, as_: str) -> Reference:
    r = api.get("/concept-sections", as_)
    r.raise_for_status()
    return Reference(tuple(_Section(s["code"]) for s in r.json()))


def application_body(
    ref: Reference,
    name: str,
    *,
    with_hessen_site: bool,
    groups: tuple[str, ...],
    provider_id: str | None = None,
) -> dict[str, Any]:
    """A valid application received by DRV Nord: a Kiel site (headquarters) and optionally a
    Kassel site (rule A7: a follow-on for DRV Hessen)."""
    sites = [site(f"{name} Kiel", NORD_PLACE[0], NORD_PLACE[1], headquarters=True)]
    if with_hessen_site:
        sites.append(site(f"{name} Kassel", HESSEN_PLACE[0], HESSEN_PLACE[1]))
    for s in sites:  # each application its own places: the same address is the same site (A9)
        s["address"]["street"] = f"{name}-Straße 1"
    provider = (
        {"id": provider_id}
        if provider_id
        else {
            "name": name,
            "legal_form": "gGmbH",
            "email": "kontakt@resilienz.example",
            "phone": "0431 123456",
            "website": "https://resilienz.example",
        }
    )
    cms = [case_manager("Anna Beispiel", list(groups)), case_manager("Bernd Muster", list(groups))]
    return application(ref, "drv-nord", sites, list(groups), provider=provider, case_managers=cms)


def decision_body(admit: dict[str, bool], version: int, note: str = "") -> dict[str, Any]:
    return {
        "target_groups": {
            g: {
                "admit": yes,
                "reason": (REASON_ADMIT if yes else REASON_REFUSE) + (f" {note}" if note else ""),
            }
            for g, yes in admit.items()
        },
        "version": version,
    }


def partner_body(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "type": "jobcenter",
        "sites": [
            {
                "name": f"{name} Hauptstelle",
                "address": {"street": "Markt 1", "postal_code": NORD_PLACE[0], "place": ""},
                "service_radius_km": 30,
            }
        ],
        "services": ["Beratung"],
        "target_groups": ["addiction"],
        "contacts": [
            {
                "name": "Petra Kontakt",
                "role": "Teamleitung",
                "email": "petra@partner.example",
                "phone": "0431 9999",
                "reachability": "Mo–Fr 9–12 Uhr",
            }
        ],
        "carriers": [],
    }


def agreement_body(partner_id: str, title: str, valid_from: str) -> dict[str, Any]:
    return {
        "kind": "cooperation_agreement",
        "purpose": "general",
        "title": title,
        "carriers": ["drv-nord"],
        "partners": [partner_id],
        "scope": {"level": "districts", "districts": ["01002"]},  # Kiel
        "valid_from": valid_from,
        "contents": {
            "roles": "Der Partner berät, der Träger steuert das Fallmanagement.",
            "target_groups": ["addiction"],
            "services": ["Schuldnerberatung"],
            "contacts": [{"name": "Max Fest", "role": "Ansprechpartner", "email": "m@x.example"}],
            "reaction_time_days": 5,
            "channels": ["digital", "phone"],
            "common_documents": ["Überleitungsbogen"],
            "documentation": "Verlauf und Ergebnis im gemeinsamen Bogen.",
            "data_protection": "Einwilligung, §35 SGB I, §78 SGB X.",
            "review": {"interval_months": 12},
        },
    }
