"""Browser tests: a real Lantern server on its own fresh database, driven by Playwright in
Debian's Chromium. Skipped (with the reason shown) where no Chromium is installed."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("LANTERN_CHROMIUM") or shutil.which("chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

NO_CHROMIUM = "Chromium is not installed (apt-get install chromium)"


@dataclass
class Server:
    url: str
    state_dir: Path
    env: dict[str, str]

    @property
    def password(self) -> str:
        return (self.state_dir / "demo-password").read_text().strip()

    def manage(self, *args: str) -> str:
        return subprocess.check_output(
            [sys.executable, str(ROOT / "manage.py"), *args], env=self.env, cwd=ROOT, text=True
        )

    def code(self, username: str, *, following: bool = False) -> str:
        """The user's current code, or the next period's for a second sign-in (a code is
        accepted only once)."""
        extra = ["--next"] if following else []
        return self.manage("demo_totp", username, *extra).split()[0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


@pytest.fixture(scope="session")
def browser_database() -> Iterator[str]:
    """A database of its own, migrated and seeded once, dropped at the end (never truncated:
    the audit trail refuses it)."""
    url = os.environ["DATABASE_URL"]
    name = f"lantern_browser_{os.getpid()}"
    admin = _with_database(url, "postgres")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(url, name)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _serve(database: str, state_dir: Path, **settings: str) -> Iterator[Server]:
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": database,
        "LANTERN_STATE_DIR": str(state_dir),
        "LANTERN_DEBUG": "false",
        "ALLOWED_HOSTS": "localhost,127.0.0.1",
        "LANTERN_WEBAUTHN_ORIGINS": f"http://localhost:{port}",
        **settings,
    }
    server = Server(url=f"http://localhost:{port}", state_dir=state_dir, env=env)
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def seeded(browser_database: str, tmp_path_factory: Any) -> tuple[str, Path]:
    state_dir = tmp_path_factory.mktemp("lantern-state")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": browser_database,
        "LANTERN_STATE_DIR": str(state_dir),
    }
    for command in (["migrate", "-v", "0"], ["demo_seed"]):
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *command],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return browser_database, state_dir


@pytest.fixture(scope="session")
def lantern(seeded: tuple[str, Path]) -> Iterator[Server]:
    yield from _serve(*seeded)


@pytest.fixture(scope="session")
def lantern_short_session(seeded: tuple[str, Path]) -> Iterator[Server]:
    """Sessions idle out after 30 s, with the warning 24 s before: the time-out journey in
    seconds rather than fifteen minutes, with room for a loaded machine."""
    yield from _serve(
        *seeded, LANTERN_SESSION_IDLE_SECONDS="30", LANTERN_SESSION_WARNING_SECONDS="24"
    )


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    # Every browser test reaches Chromium through this fixture, so this is where they are
    # skipped without it (a `pytestmark` in a conftest applies to no test module).
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    # Axe is injected as a script, which the CSP rightly refuses; only the test bypasses it.
    context = chromium.new_context(bypass_csp=True, viewport={"width": 1200, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


def accessibility_violations(page: Any) -> list[str]:
    """Axe-core's WCAG 2.2 AA rules on the current page: one line per violation."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][0]['target']}"
        for v in result["violations"]
    ]


def sign_in(page: Any, server: Server, username: str, *, again: bool = False) -> None:
    # The code is fetched first (a second or two) so the pages themselves are quick; a code
    # from the period before is still accepted.
    code = server.code(username, following=again)
    page.goto(f"{server.url}/sign-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", server.password)
    page.click("button:has-text('Continue')")
    page.fill("#id_code", code)
    page.click("form button:has-text('Continue')")
    page.wait_for_url(lambda url: "/sign-in/" not in url)
