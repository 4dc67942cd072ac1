"""Browser tests: the real server (``registry serve``) on a free port with a temporary data
directory, driven by Playwright in Debian's Chromium, with axe-core injected into each page.

Skipped with a printed reason when /usr/bin/chromium or the ``playwright`` package is missing.
The browser is never downloaded (``playwright install`` is not used). axe-core comes from npm:
``npm ci --prefix tests/browser``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.code_scan import problems, visible

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "browser-passwort-2026"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STAFF = {
    "officer.nord": ("admissions_officer", "drv-nord"),
    "officer.hessen": ("admissions_officer", "drv-hessen"),
    "cm.nord": ("case_manager", "drv-nord"),
    "reader.nord": ("directory_reader", "drv-nord"),
    "strategist.nord": ("network_strategist", "drv-nord"),
    "admin": ("admin", None),
}
AXE_RESULTS: dict[str, list[dict[str, Any]]] = {}


def _skip_reason() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} fehlt (apt-get install -y chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "Python-Paket playwright fehlt (pip install playwright; nie 'playwright install')"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = _skip_reason()
    if reason is None:
        return
    print(f"\nBrowser-Tests übersprungen: {reason}")
    marker = pytest.mark.skip(reason=reason)
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(marker)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare(data_dir: Path) -> dict[str, str]:
    """Schema, reference data and a small world made through the services (rules apply):
    staff of every role, a provider with a submitted application (to decide), and an admitted
    one (for the search)."""
    from registry.admission.applications import get_application
    from registry.admission.decisions import decide_application
    from registry.admission.providers import register_provider
    from registry.admission.submission import submit_application
    from registry.api.schemas import ApplicationIn
    from registry.auth import Principal, Role
    from registry.auth.service import add_user
    from registry.bootstrap import initialise
    from registry.context import open_registry
    from registry.settings import Settings
    from tests.api.helpers import application, site

    reg = open_registry(Settings(data_dir=data_dir, graph_buffer_pool_mb=128))
    try:
        initialise(reg)
        for username, (role, carrier) in STAFF.items():
            add_user(reg, username=username, password=PASSWORD, role=role, carrier=carrier)

        def principal(username: str) -> Principal:
            row = reg.graph.read("users.by_username", username=username)[0]
            return Principal(
                row["id"],
                username,
                Role(row["role"]),
                row["carrier"] or None,
                row["provider"] or None,
            )

        out: dict[str, str] = {}
        for username, name, postal, place in (
            ("anbieter.offen", "Brücke Lübeck gGmbH", "23552", "Lübeck"),
            ("anbieter.zugelassen", "Lotse Kiel e. V.", "24103", "Kiel"),
        ):
            provider = register_provider(
                reg,
                None,
                {"name": name, "legal_form": "gGmbH", "email": "info@x.example"},
                first_user={"username": username, "password": PASSWORD},
            )
            body = application(
                reg.reference,
                "drv-nord",
                [site(f"Standort {place}", postal, place, headquarters=True)],
                ["addiction", "mental-health"],
                provider={"id": provider["id"]},
            )
            me = principal(username)
            app = submit_application(
                reg, me, ApplicationIn.model_validate(body).model_dump(mode="python")
            )
            out[username] = app["id"]
        admitted = get_application(reg, principal("officer.nord"), out["anbieter.zugelassen"])
        decide_application(
            reg,
            principal("officer.nord"),
            admitted["id"],
            {
                "target_groups": {
                    g: {"admit": True, "reason": "Uns fehlt diese Fachkompetenz in der Region."}
                    for g in admitted["target_groups"]
                },
                "overrides": [],
                "version": admitted["version"],
            },
        )
        return out
    finally:
        reg.close()


def _main(data_dir: str) -> None:
    print(json.dumps(_prepare(Path(data_dir))))


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    data_dir = tmp_path_factory.mktemp("browser-registry")
    env = {
        **os.environ,
        "REGISTRY_DATA_DIR": str(data_dir),
        "REGISTRY_SECRET_KEY": "browser-test-secret",
        "REGISTRY_GRAPH_BUFFER_POOL_MB": "128",
        "REGISTRY_PASSWORD": PASSWORD,
    }
    cli = [sys.executable, "-m", "registry.cli"]
    subprocess.run([*cli, "init"], env=env, cwd=ROOT, check=True, capture_output=True)
    if os.environ.get("BROWSER_DEMO_SEED") == "1" and (ROOT / "seed" / "demo.py").exists():
        subprocess.run(
            [*cli, "seed", "demo", "--providers", "8"],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    # a separate process: the embedded database stays locked by whoever opened it
    prepared = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from tests.browser.conftest import _main; _main({str(data_dir)!r})",
        ],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    applications = json.loads(prepared.stdout.strip().splitlines()[-1])
    port = _free_port()
    log = (data_dir / "server.log").open("w")
    proc = subprocess.Popen(
        [*cli, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # readiness, not a timed assertion
            if proc.poll() is not None:
                raise RuntimeError((data_dir / "server.log").read_text())
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        yield {"base": base, "applications": applications}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, server: dict[str, Any]) -> Iterator[Any]:
    # bypass_csp: the pages' Content-Security-Policy forbids inline scripts, which is how
    # Playwright injects axe-core for the accessibility checks (the pages themselves keep it)
    context = browser.new_context(base_url=server["base"], locale="de-DE", bypass_csp=True)
    pg = context.new_page()
    yield pg
    context.close()


def login(page: Any, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Anmelden", exact=True).click()


def axe_check(page: Any, name: str) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.1 A/AA rules) and return the serious or critical violations."""
    if not AXE.exists():
        pytest.skip("axe-core fehlt: npm ci --prefix tests/browser")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'best-practice']}
        })"""
    )
    violations = [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]
    AXE_RESULTS[name] = violations
    bad = [v for v in violations if v["impact"] in ("serious", "critical")]
    # issue 17, item 2: the page a person sees in the browser shows labels, never codes
    codes = problems(visible(page.content()).text)
    if codes:
        bad.append(
            {
                "id": "code-shown",
                "impact": "serious",
                "help": "Codes statt Bezeichnungen",
                "nodes": codes[:5],
            }
        )
    return bad


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not AXE_RESULTS:
        return
    out = Path(os.environ.get("AXE_REPORT", str(session.config.rootpath / "var" / "axe.json")))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(AXE_RESULTS, ensure_ascii=False, indent=2))
    lines = ["", "axe-core je Seite (Verstöße nach Schwere):"]
    for name, violations in sorted(AXE_RESULTS.items()):
        counts: dict[str, int] = {}
        for v in violations:
            counts[v["impact"]] = counts.get(v["impact"], 0) + 1
        summary = ", ".join(f"{k} {n}" for k, n in sorted(counts.items())) or "keine"
        lines.append(f"  {name}: {summary}")
    print("\n".join(lines))
