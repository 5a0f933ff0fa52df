"""Fixtures of the browser tests: a live ``tenon serve`` on 127.0.0.1 with the demo plant, and
Debian's Chromium driven by Playwright (Playwright's own browser download is not used).

Every page runs offline: any request that leaves 127.0.0.1 is aborted and recorded, and the
tests assert that none was attempted.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest

from tenon.core.kernel import Tenon
from tenon.core.site import Site
from tenon.core.testing import create_user

TENON = Path(sys.executable).with_name("tenon")
CHROMIUM = os.environ.get("TENON_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ADMIN, ADMIN_PASSWORD = "console-admin", "console-pass-1"
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Live:
    """A served site: ``base`` URL, the in-process ``app``, and ``gql(query, token)`` over HTTP."""

    def __init__(self, app: Tenon, base: str) -> None:
        self.app, self.base = app, base
        self.http = httpx.Client(base_url=base, timeout=30)

    def token(self, username: str, password: str) -> str:
        return self.gql("mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
                        {"u": username, "p": password})["login"]["token"]

    def gql(self, query: str, variables: dict[str, Any] | None = None, token: str | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers).json()
        assert not body.get("errors"), body["errors"]
        return body["data"]


def serve(site: Path) -> tuple[subprocess.Popen[bytes], str, Any]:
    port = free_port()
    log = open(site / "serve.log", "wb")
    proc = subprocess.Popen([str(TENON), "--site", str(site), "serve", "--port", str(port)], stdout=log,
                            stderr=subprocess.STDOUT, env={**os.environ, "TENON_LOG_LEVEL": "WARNING"})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return proc, base, log
        except httpx.HTTPError:
            pass
        assert proc.poll() is None and time.monotonic() < deadline, (site / "serve.log").read_text()
        time.sleep(0.2)


def stop(proc: subprocess.Popen[bytes], log: Any) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def new_site(_tenon_sites: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Factory of fresh sites with every bundled plugin (SQLite or ``TENON_TEST_DATABASE_URL``)."""
    made: list[tuple[Tenon, str | None]] = []

    def factory() -> Tenon:
        path = tmp_path_factory.mktemp("console-site")
        url, dbname = _tenon_sites.new(path, None, [])
        app = Tenon(Site.create(path, database_url=url))
        create_user(app, ADMIN, roles=["admin"], password=ADMIN_PASSWORD)
        made.append((app, dbname))
        return app

    yield factory
    for app, dbname in made:
        app.dispose()
        if dbname and _tenon_sites.pg:
            _tenon_sites.pg.drop(dbname)


@pytest.fixture(scope="module")
def live_demo(new_site: Any) -> Iterator[Live]:
    """The demo plant (``tenon demo``), served."""
    app = new_site()
    subprocess.run([str(TENON), "--site", str(app.site.path), "demo"], check=True, capture_output=True)
    proc, base, log = serve(app.site.path)
    live = Live(app, base)
    try:
        yield live
    finally:
        live.http.close()
        stop(proc, log)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Offline:
    """Requests a page tried to send beyond 127.0.0.1 (each aborted)."""

    def __init__(self) -> None:
        self.blocked: list[str] = []

    def route(self, route: Any) -> None:
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()


@pytest.fixture
def open_context(browser: Any) -> Iterator[Any]:
    """``open_context(locale="en-US", viewport=None)``: a fresh browser context (own storage), offline."""
    contexts: list[tuple[Any, Offline, list[str]]] = []

    def factory(locale: str = "en-US", viewport: dict[str, int] | None = None) -> Any:
        ctx = browser.new_context(locale=locale, viewport=viewport or {"width": 1366, "height": 900})
        ctx.set_default_timeout(15000)
        offline, errors = Offline(), []
        ctx.route("**/*", offline.route)
        ctx.on("weberror", lambda e: errors.append(str(e.error)))
        contexts.append((ctx, offline, errors))
        return ctx

    yield factory
    for ctx, offline, errors in contexts:
        ctx.close()
        assert offline.blocked == [], f"requests beyond the machine: {offline.blocked}"
        assert errors == [], f"uncaught errors in the page: {errors}"


def sign_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(base + "/")
    page.fill("[data-testid=signin] input[name=username]", username)
    page.fill("[data-testid=signin] input[name=password]", password)
    page.click("[data-testid=signin] button[type=submit]")
    page.wait_for_selector("[data-testid=nav]")


def table(page: Any, testid: str) -> dict[str, dict[str, str]]:
    """A figures table as ``{row key: {column key: text}}``."""
    page.wait_for_selector(f"table[data-testid={testid}], p[data-testid={testid}]")
    return page.eval_on_selector_all(
        f"table[data-testid={testid}] tbody tr",
        "rows => Object.fromEntries(rows.map(r => [r.dataset.key, Object.fromEntries("
        "[...r.querySelectorAll('td')].map(td => [td.dataset.col, td.textContent.trim()]))]))")
