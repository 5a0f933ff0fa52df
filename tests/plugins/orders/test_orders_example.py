"""``examples/make_to_stock.py`` against a live ``tenon serve``: a plain HTTP client (urllib only)
signs in as a sales rep, sells and confirms, signs in as a clerk, ships, and prints the final state.

The site is the test's own (``make_app``), so on PostgreSQL runs the server uses the test's
PostgreSQL database (the site's ``tenon.toml`` names it)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tenon.core.testing import create_user

from .helpers import seed_master_data

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "make_to_stock.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited early: {proc.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not become healthy in time")


def test_example_client_sells_and_ships_against_a_live_server(make_app):
    """rep_east sells 3 brake discs (BD-01, 500 in stock at the default location) to C-EAST, the
    first customer of her regions by code; the clerk ships them from the location that has them;
    the example prints SHIPPED and exits 0. The server is always stopped."""
    app = make_app(plugins=["orders"])
    seed_master_data(app)
    create_user(app, "rep_east", roles=["sales_rep"], attributes={"regions": ["east"]}, password="rep-pass-123")
    create_user(app, "clerk", roles=["warehouse_clerk"], password="clerk-pass-123")
    app.dispose()

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    tenon = Path(sys.executable).with_name("tenon")
    server = subprocess.Popen([str(tenon), "--site", str(app.site.path), "serve", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_healthy(url, server)
        result = subprocess.run(
            [sys.executable, str(EXAMPLE), url, "--rep", "rep_east", "--rep-password", "rep-pass-123",
             "--clerk", "clerk", "--clerk-password", "clerk-pass-123", "--product", "BD-01", "--quantity", "3"],
            capture_output=True, text=True, timeout=120)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stderr is not None:
            server.stderr.close()
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout.splitlines()
    assert out[0].startswith("rep_east: created SO-") and "C-EAST Hangzhou Motors (east): 3 x BD-01" in out[0]
    assert out[1].endswith("-> CONFIRMED")
    assert out[-1].startswith("final state of SO-") and out[-1].endswith(": SHIPPED")
