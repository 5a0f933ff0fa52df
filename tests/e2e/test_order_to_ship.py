"""The README's quick start, end to end: ``tenon demo`` on a fresh site, then ``tenon demo --serve
--port N`` (the README's first command on a site that has the demo: it adds no row to any table,
and serves), the demo plant seen through GraphQL, and ``examples/order_to_ship.py`` against that
live server on 127.0.0.1: the make-to-order loop from sales order to done, HTTP only.

The site is the test's own (``make_app``), so on PostgreSQL runs the CLI and the server use the
test's PostgreSQL database (the site's ``tenon.toml`` names it). One demo load serves every check
(the load is the slow part on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sqlalchemy import func, inspect, select

from tenon.core.db import Base
from tenon.core.demo import demo_password

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "order_to_ship.py"
TENON = Path(sys.executable).with_name("tenon")
ROLES = {"admin", "auditor", "warehouse_clerk", "warehouse_manager", "sales_rep", "sales_manager", "planner",
         "operator", "work_center_lead", "device", "inspector", "quality_manager", "rework_planner"}
#: tables of qc and rework the demo fills (and a second run must not add to)
QUALITY_TABLES = ("qc_plan", "qc_plan_version", "qc_check_item", "qc_inspection", "qc_inspection_result", "qc_hold",
                  "qc_nonconformance", "rework_order", "rework_cause")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _row_counts(app) -> dict[str, int]:
    """Rows per table, for every table of the site's database."""
    with app.transaction() as s:
        names = set(inspect(s.connection()).get_table_names())
        return {t.name: s.scalar(select(func.count()).select_from(t)) for t in Base.metadata.sorted_tables
                if t.name in names}


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the server exited early: {log.read_text()[-3000:]}"
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the server did not become healthy in time: {log.read_text()[-3000:]}")


def _check_plant(client, with_rework: bool) -> None:
    """What the demo built: eight work centers, work orders in three states, exceptions, the BOM
    levels, and figures on every KPI (exception response, load, inventory accuracy, overdue orders,
    first-pass yield, open nonconformances, rework statistics)."""
    planner = client.login("planner", demo_password("planner"))
    data = planner.ok("""{ workCenters(first: 20) { nodes { code } } workOrders(first: 50) { nodes { state } }
        productionExceptions(first: 50) { totalCount } products(first: 100) { totalCount }
        customers(first: 1) { totalCount } }""")
    assert sorted(w["code"] for w in data["workCenters"]["nodes"]) == sorted(
        ["MELT", "HPDC", "TRIM", "XRAY", "CNC", "WASH", "LEAK", "ASM"])
    states = [w["state"] for w in data["workOrders"]["nodes"]]
    # 10 done, 2 in progress, 4 released (mrp's history) and the done rework work order of rework's demo
    assert (states.count("DONE"), states.count("IN_PROGRESS"), states.count("RELEASED")) == (10 + with_rework, 2, 4)
    assert data["productionExceptions"]["totalCount"] == 8
    assert data["products"]["totalCount"] >= 40 and data["customers"]["totalCount"] == 50
    asm = planner.ok('{ products(filter: {search: "FG-MH220-ASM"}) { nodes { id } } }')["products"]["nodes"][0]
    rows = planner.ok("query($p: ID!) { bomExplosion(productId: $p, quantity: 1) { level made product { code } } }",
                      {"p": asm["id"]})["bomExplosion"]
    assert any(r["made"] and r["product"]["code"] == "FG-MH220" for r in rows)  # a made sub-assembly
    assert {"RM-SEAL-SHAFT45", "RM-ORING-180"} <= {r["product"]["code"] for r in rows}  # the phantom kit's parts

    # every dashboard and KPI shows something
    today = dt.datetime.now(dt.UTC).date()
    past, soon = str(today - dt.timedelta(days=28)), str(today + dt.timedelta(days=7))
    kpi = planner.ok("""query($f: Date!, $t: Date!, $ft: DateTime!, $tt: DateTime!) {
        exceptionResponseTime(from: $f, to: $t) { count averageMinutes openPastSla }
        workCenterLoad(from: $f, to: $t) { day plannedHours reportedHours }
        inventoryAccuracy(from: $ft, to: $tt) { countedLines accuracy }
        orderProgress(first: 100) { nodes { overdue } } }""",
                     {"f": past, "t": soon, "ft": f"{past}T00:00:00Z", "tt": f"{soon}T00:00:00Z"})
    times = kpi["exceptionResponseTime"]
    assert sum(r["count"] for r in times) == 8 and sum(r["openPastSla"] for r in times) == 1
    averages = [r["averageMinutes"] for r in times if r["averageMinutes"] is not None]
    assert min(averages) < 10 and max(averages) > 30  # answered fast and slow
    load = kpi["workCenterLoad"]
    assert sum(float(d["reportedHours"]) for d in load if d["day"] <= str(today)) > 0
    assert sum(float(d["plannedHours"]) for d in load if d["day"] > str(today)) > 0
    accuracy = kpi["inventoryAccuracy"]
    assert accuracy["countedLines"] > 0 and float(accuracy["accuracy"]) < 1  # counts with differences
    assert any(n["overdue"] for n in kpi["orderProgress"]["nodes"])

    # quality: active final plans for the make-to-order housings, first-pass yield, open
    # nonconformances, a nonconformance of each disposition, and a rework with its responsibility
    qm = client.login("qm_liu", demo_password("qm_liu"))
    q = qm.ok("""query($f: Date!, $t: Date!) { inspectionPlans(first: 50) { nodes { code stage active } }
        firstPassYield(from: $f, to: $t) { inspections passed firstPassYield }
        openNonconformancesByAge { bucket count } nonconformances(first: 50) { nodes { state disposition } } }""",
              {"f": past, "t": str(today)})
    plans = {p["code"]: (p["stage"], p["active"]) for p in q["inspectionPlans"]["nodes"]}
    for code in ("QP-MH220-FINAL", "QP-INV-H1-FINAL", "QP-GB-H2-FINAL"):
        assert plans[code] == ("FINAL", True), plans
    assert plans["QP-A356-RCV"] == ("RECEIPT", True) and plans["QP-CAST-XRAY"] == ("IN_PROCESS", True)
    fpy = q["firstPassYield"]  # 5 ingot receipts (2 passed), with rework's demo 2 housings (1 passed)
    assert (sum(r["inspections"] for r in fpy), sum(r["passed"] for r in fpy)) == ((7, 3) if with_rework else (5, 2))
    assert sum(b["count"] for b in q["openNonconformancesByAge"]) == 1
    assert {n["disposition"] for n in q["nonconformances"]["nodes"]} == {"SCRAP", "USE_AS_IS", None} | (
        {"REWORK"} if with_rework else set())
    if not with_rework:
        return
    stats = qm.ok("""query($f: Date!, $t: Date!) { reworkStats(from: $f, to: $t) {
        total { count quantity hours } byCause { key count } byWorkCenter { key } } }""",
                  {"f": past, "t": str(today)})["reworkStats"]
    assert stats["total"]["count"] == 1 and float(stats["total"]["quantity"]) == 39 and float(stats["total"]["hours"]) > 0
    assert [g["key"] for g in stats["byCause"]] == ["CASTING"] and [g["key"] for g in stats["byWorkCenter"]] == ["HPDC"]


def test_readme_quick_start_then_the_order_to_ship_loop(make_app, make_client):
    """First run: a user for every role with its password. Second run ``--serve --port N``: no row
    added, then served. rep_east sells 4 FG-MH220 (make-to-order) to her first customer; the planner
    releases the work order (CNC → LEAK); the clerk scans the requisition and issues it; op_cnc
    reports op 10; leak01 signals op 20 with an API token and an idempotency key, and the replay is
    a duplicate counted once; the planner finishes, the clerk ships and confirms, the rep closes:
    DONE, exit 0. With qc, qc_chen records the passing final inspection before the shipment; with qc and
    rework, a second order fails its final inspection (leak rate), its shipment is refused
    (NOT_RELEASED), qm_liu disposes REWORK, rwk_zhou releases the rework order, its work order is
    reported and finished, the re-inspection passes, and the order ships and ends DONE."""
    app = make_app()
    site = str(app.site.path)
    with_rework = app.has_plugin("rework")
    first = subprocess.run([str(TENON), "--site", site, "demo"], capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "demo data loaded in" in first.stderr
    users = {line.split()[0]: line for line in first.stdout.splitlines()[1:] if " / " in line}
    assert ROLES - (set() if with_rework else {"rework_planner"}) <= {r.strip(",") for line in users.values() for r in line.split("roles: ")[1].split()[:2]}
    assert demo_password("op_cnc") in users["op_cnc"] and "work centers: CNC, WASH" in users["op_cnc"]
    before = _row_counts(app)
    assert all(before[t] > 0 for t in QUALITY_TABLES if with_rework or not t.startswith("rework_")), before

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = app.site.path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen([str(TENON), "--site", site, "demo", "--serve", "--port", str(port)], stdout=out,
                                  stderr=subprocess.STDOUT, env={**os.environ, "TENON_LOG_LEVEL": "WARNING"})
        try:
            _wait_healthy(url, server, log)
            assert _row_counts(app) == before  # the second run created nothing
            assert "0 created, 16 already there" in log.read_text()
            _check_plant(make_client(app), with_rework)
            token = subprocess.run([str(TENON), "--site", site, "users", "token", "leak01", "--name", "e2e"],
                                   capture_output=True, text=True, check=True, timeout=120).stdout.strip()
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
    assert "qc plugin: installed" in lines[0]
    if not with_rework:  # TENON_TEST_WITHOUT_PLUGINS=rework: the passing loop only
        assert "failing path: skipped: the rework plugin is not installed on this site" in out
        assert any(ln.startswith("qc_chen: final inspection QI-") and ln.endswith("-> PASSED") for ln in lines)
        assert lines[-1].startswith("final state of SO-") and ": DONE (" in lines[-1]
        return
    inspected = [ln for ln in lines if ln.startswith("qc_chen: final inspection QI-")]
    assert len(inspected) == 2 and inspected[0].endswith("-> PASSED") and inspected[1].endswith("-> FAILED"), out
    assert "2 samples x 3 checks" in inspected[0] and "Helium leak rate 2.5 cc/min" in inspected[1]
    assert lines.index(inspected[0]) < next(i for i, ln in enumerate(lines) if ln.startswith("clerk: shipment SH-"))
    assert "qc_chen: lot of WO-" in out and ": released for shipment" in out
    refused = next(ln for ln in lines if "refused: NOT_RELEASED" in ln)
    assert refused.startswith("clerk: shipment SH-") and "FG-MH220 (finished goods not released)" in refused
    assert "qm_liu: disposed NC-" in out and "REWORK -> DISPOSITIONED" in out
    assert "rwk_zhou: rework order RW-" in out and "released -> IN_REWORK; rework work order WO-" in out
    reinspected = next(ln for ln in lines if ln.startswith("qc_chen: re-inspection QI-"))
    assert reinspected.endswith("-> PASSED") and lines.index(refused) < lines.index(reinspected)
    assert any(ln.startswith("rwk_zhou: rework order RW-") and "-> DONE (passed 4)" in ln for ln in lines)
    assert lines.index(reinspected) < lines.index(next(ln for ln in lines if ln.startswith("clerk: confirmed shipment SH-")
                                                         and " for SO-" in ln))
    assert lines[-2].startswith("failing path: final state of SO-") and lines[-2].endswith(": DONE")
    assert lines[-1].startswith("final state of SO-") and ": DONE (" in lines[-1]
