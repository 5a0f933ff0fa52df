"""``tenon demo`` from the command line: the plant it builds, idempotent (a second run, ``--serve
--port N`` as the README's first command, adds no row to any table and then serves), and
``--serve`` on a port that is in use is one ``error:`` line.

The site is the test's own (``make_app``, every bundled plugin), so on PostgreSQL runs the CLI
works on the test's PostgreSQL database (the site's ``tenon.toml`` names it)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sqlalchemy import func, inspect, select

from tenon.core.db import Base

from tenon.core.demo import demo_password

TENON = Path(sys.executable).with_name("tenon")


def _demo(site: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(TENON), "--site", str(site), "demo", *args], capture_output=True, text=True,
                          timeout=300)


def _row_counts(app) -> dict[str, int]:
    """Rows per table, for every table of the site's database."""
    with app.transaction() as s:
        names = set(inspect(s.connection()).get_table_names())
        return {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables
                if t.name in names}


def test_demo_twice_adds_nothing_and_the_plant_is_there(make_app, make_client):
    """The first run prints every role's user with its password and fills the plant; the second
    run leaves the row count of every table as it was (sales orders, work orders, moves, counts,
    exceptions, users, audit ...)."""
    app = make_app()
    first = _demo(app.site.path)
    assert first.returncode == 0, first.stderr
    assert "demo data loaded in" in first.stderr
    users = {line.split()[0]: line for line in first.stdout.splitlines()[1:] if " / " in line}
    roles = {"admin", "auditor", "warehouse_clerk", "warehouse_manager", "sales_rep", "sales_manager", "planner",
             "operator", "work_center_lead", "device"}
    assert roles <= {r.strip(",") for line in users.values() for r in line.split("roles: ")[1].split()[:2]}
    assert f"{demo_password('op_cnc')}" in users["op_cnc"] and "work centers: CNC, WASH" in users["op_cnc"]
    before = _row_counts(app)
    # the second run also serves (the README's first command): once /health answers, nothing was added
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = app.site.path / "demo-serve.log"
    with open(log, "wb") as out:
        second = subprocess.Popen([str(TENON), "--site", str(app.site.path), "demo", "--serve", "--port", str(port)],
                                  stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120
            while True:
                assert second.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    time.sleep(0.3)
            assert _row_counts(app) == before
        finally:
            second.terminate()
            second.wait(timeout=30)
    assert "0 created, 16 already there" in log.read_text()

    planner = make_client(app).login("planner", demo_password("planner"))
    data = planner.ok("""{ workCenters(first: 20) { nodes { code capacity workingDays } }
        workOrders(first: 50) { nodes { state } }
        productionExceptions(first: 50) { totalCount }
        products(first: 100) { totalCount } customers(first: 1) { totalCount } }""")
    assert [w["code"] for w in data["workCenters"]["nodes"]] == sorted(
        ["MELT", "HPDC", "TRIM", "XRAY", "CNC", "WASH", "LEAK", "ASM"])
    states = [w["state"] for w in data["workOrders"]["nodes"]]
    assert (states.count("DONE"), states.count("IN_PROGRESS"), states.count("RELEASED")) == (10, 2, 4)
    assert data["productionExceptions"]["totalCount"] == 8
    assert data["products"]["totalCount"] >= 40 and data["customers"]["totalCount"] == 50
    fg = planner.ok("""{ products(filter: {search: "FG-MH220-ASM"}) { nodes { id } } }""")["products"]["nodes"][0]
    levels = {r["level"] for r in planner.ok("query($p: ID!) { bomExplosion(productId: $p, quantity: 1) { level } }",
                                               {"p": fg["id"]})["bomExplosion"]}
    assert max(levels) >= 2  # FG-MH220-ASM → FG-MH220 (made) → casting, and a phantom seal kit


def test_demo_serve_on_a_port_in_use_is_one_error_line(tmp_path):
    """Checked before anything is created or loaded: exit 1, one ``error:`` line naming the port."""
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = _demo(tmp_path / "site", "--serve", "--port", str(port))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and f"127.0.0.1:{port}" in lines[0], result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "site").exists()
