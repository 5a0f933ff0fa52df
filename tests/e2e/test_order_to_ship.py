"""``examples/order_to_ship.py`` against a live ``tenon serve`` on 127.0.0.1 over a demo site: the
make-to-order loop from sales order to done, through every role, HTTP only.

The site is the test's own (``make_app`` + the demo data), so on PostgreSQL runs the server
uses the test's PostgreSQL database. The device's API token comes from ``tenon users token``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tenon.core.demo import load_demo

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "order_to_ship.py"
TENON = Path(sys.executable).with_name("tenon")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the server exited early: {log.read_text()[-2000:]}"
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not become healthy in time")


def test_the_order_to_ship_loop_runs_against_a_live_demo_server(make_app):
    """rep_east sells 4 FG-MH220 (make-to-order) to her first customer; the planner releases the
    work order (CNC → LEAK); the clerk scans the requisition and issues it; op_cnc reports op 10;
    the leak tester leak01 signals op 20 with an API token and an idempotency key, and the replay
    is a duplicate counted once; the planner finishes the work order, the clerk ships and confirms,
    the rep closes: DONE, exit 0. Without qc and rework the script says those steps are skipped."""
    app = make_app()
    load_demo(app)
    app.dispose()
    site = str(app.site.path)
    token = subprocess.run([str(TENON), "--site", site, "users", "token", "leak01", "--name", "e2e"],
                           capture_output=True, text=True, check=True, timeout=120).stdout.strip()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = app.site.path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen([str(TENON), "--site", site, "serve", "--port", str(port)], stdout=out,
                                  stderr=subprocess.STDOUT, env={**os.environ, "TENON_LOG_LEVEL": "WARNING"})
        try:
            _wait_healthy(url, server, log)
            result = subprocess.run([sys.executable, str(EXAMPLE), url, "--device-token", token],
                                    capture_output=True, text=True, timeout=180)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "rep_east: created SO-" in out and ": 4 x FG-MH220 " in out
    assert "-> CONFIRMED" in out
    assert "route: 10 5-axis machining, motor housing @CNC -> 20 Helium leak test @LEAK" in out
    assert "clerk: scanned MR-" in out and "issued 4.08 SF-MH220-CAST, 32 RM-INSERT-M8, 8 RM-ORING-180 -> issued" in out
    assert "op_cnc: reported 4 good on WO-" in out
    signal = next(line for line in out.splitlines() if line.startswith("leak01: signalled"))
    assert "duplicate: false); replay -> duplicate: true, same report: true; op 20 good 4 (DONE)" in signal, signal
    assert "produced 4 -> DONE" in out and "is READY" in out
    assert "clerk: confirmed shipment SH-" in out and "-> done" in out
    lines = out.splitlines()
    qc_installed = "qc plugin: installed" in lines[0]
    if not qc_installed:
        assert "inspector: skipped: the qc plugin is not installed" in out
    assert lines[-1].startswith("final state of SO-") and ": DONE (" in lines[-1]
