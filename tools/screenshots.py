#!/usr/bin/env python3
"""Screenshots of the web console for the README: ``docs/console-*.png``.

    .venv/bin/python tools/screenshots.py [--out docs]

Creates a throw-away demo site (``tenon demo``), adds a little shop-floor activity through GraphQL
(released work orders, one operation report, two cycle counts, one exception) so the capacity and
exception charts have figures, serves it on a free port, and photographs every console page with
Debian's Chromium (``/usr/bin/chromium``) through Playwright: the dashboards at 1366×900, the
terminals at phone size (390×844), the order dashboard also in zh-CN (needs a CJK font such as
``fonts-wqy-microhei`` for legible Chinese). Nothing is fetched from the network.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
TENON = Path(sys.executable).with_name("tenon")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
DESKTOP, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}


def gql(base: str, query: str, variables: dict | None = None, token: str | None = None) -> dict:
    body = httpx.post(f"{base}/graphql", json={"query": query, "variables": variables or {}}, timeout=30,
                      headers={"Authorization": f"Bearer {token}"} if token else {}).json()
    if body.get("errors"):
        raise SystemExit(f"GraphQL error: {body['errors'][0]['message']}")
    return body["data"]


def login(base: str, user: str, password: str) -> str:
    return gql(base, "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
               {"u": user, "p": password})["login"]["token"]


def activity(base: str, admin: str) -> None:
    """Released work orders, a report and an exception, so every chart has something to show."""
    today = dt.date.today()
    pid = gql(base, '{ products(filter: {search: "FG-BT-XM"}, first: 1) { nodes { id } } }', token=admin)["products"]["nodes"][0]["id"]
    wos = []
    for qty, due, prio in ((12, today, 9), (20, today + dt.timedelta(days=1), 5), (8, today + dt.timedelta(days=2), 1)):
        wo = gql(base, "mutation($i: WorkOrderCreateInput!) { workOrderCreate(input: $i) { id number } }",
                 {"i": {"productId": pid, "quantity": str(qty), "dueDate": due.isoformat(), "priority": prio}}, admin)["workOrderCreate"]
        gql(base, "mutation($id: ID!) { workOrderRelease(id: $id) { state } }", {"id": wo["id"]}, admin)
        wos.append(wo)
    op = login(base, "op_cnc", "op_cnc-demo")
    first = gql(base, "query($id: ID!) { workOrder(id: $id) { operations { id } } }", {"id": wos[0]["id"]}, op)["workOrder"]["operations"][0]
    gql(base, "mutation($i: OperationReportInput!) { workOrderOperationReport(input: $i) { id } }",
        {"i": {"operationId": first["id"], "good": "7", "scrap": "1", "reasonCode": "tool-wear", "minutes": "160"}}, op)
    # two weekly cycle counts of raw materials: one with every line right, one with two lines off
    levels = gql(base, '{ stockLevels(kind: "raw_material", first: 50) { nodes { product { id tracking } location { id } } } }',
                 token=admin)["stockLevels"]["nodes"]
    levels = [n for n in levels if n["product"]["tracking"] == "none"]
    where = levels[0]["location"]["id"]
    raw = [n["product"]["id"] for n in levels if n["location"]["id"] == where][:6]
    for off in (0, 2):
        count = gql(base, "mutation($i: CountCreateInput!) { countCreate(input: $i) { id lines { id systemQuantity } } }",
                    {"i": {"locationId": where, "productIds": raw, "reference": "weekly cycle count"}}, admin)["countCreate"]
        entries = [{"lineId": ln["id"], "countedQuantity": str(float(ln["systemQuantity"] or 0) + (1 if i < off else 0))}
                   for i, ln in enumerate(count["lines"])]
        gql(base, "mutation($id: ID!, $e: [CountEntryInput!]!) { countRecord(id: $id, entries: $e) { id } }",
            {"id": count["id"], "e": entries}, admin)
        gql(base, "mutation($id: ID!) { countConfirm(id: $id) { state } }", {"id": count["id"]}, admin)
    gql(base, "mutation($i: ExceptionReportInput!) { productionExceptionReport(input: $i) { id } }",
        {"i": {"workOrderId": wos[1]["id"], "type": "MATERIAL_SHORTAGE", "description": "40Cr bar stock short for WO"}}, op)


def quality(base: str, admin: str) -> None:
    """qc: a final plan for the motor housing FG-MH180 (bore diameter, runout, leak test), three
    inspections (one passed, one failed and so a nonconformance, one waiting), and a heartbeat of the
    receiving printer ZT-RCV-1 for the devices card."""
    pid = gql(base, '{ products(filter: {search: "FG-MH180"}, first: 1) { nodes { id } } }', token=admin)["products"]["nodes"][0]["id"]
    plan = gql(base, "mutation($i: InspectionPlanCreateInput!) { inspectionPlanCreate(input: $i) { id } }", {"i": {
        "code": "QP-MH180-SHOT", "name": "Motor housing final inspection", "stage": "FINAL", "productId": pid,
        "sampling": {"method": "FIRST_N", "value": "2"}, "items": [
            {"code": "BORE", "name": "Bearing bore diameter", "kind": "MEASUREMENT", "nominal": "180.000",
             "lowerTolerance": "-0.025", "upperTolerance": "0.025", "unit": "mm", "decimals": 3},
            {"code": "RUNOUT", "name": "Flange runout", "kind": "MEASUREMENT", "nominal": "0", "upperTolerance": "0.05",
             "unit": "mm", "decimals": 3},
            {"code": "LEAK", "name": "Coolant leak test", "kind": "PASS_FAIL"}]}}, admin)["inspectionPlanCreate"]["id"]
    insp = login(base, "qc_chen", "qc_chen-demo")
    for qty, bore in (("40", "180.010"), ("25", "180.041"), ("30", None)):
        i = gql(base, "mutation($i: InspectionCreateInput!) { inspectionCreate(input: $i) { id sampleSize } }",
                {"i": {"stage": "FINAL", "productId": pid, "quantity": qty, "planId": plan}}, admin)["inspectionCreate"]
        if bore is None:
            continue
        values = [{"item": item, "sampleNo": n, "value": v} for n in range(1, i["sampleSize"] + 1)
                  for item, v in (("BORE", bore if n == 1 else "180.004"), ("RUNOUT", "0.02"), ("LEAK", "pass"))]
        gql(base, "mutation($id: ID!, $v: [InspectionValueInput!]!) { inspectionRecord(id: $id, values: $v) { state } }",
            {"id": i["id"], "v": values}, insp)
    cnc = next(d for d in gql(base, "{ devices(first: 100) { nodes { id code } } }", token=admin)["devices"]["nodes"]
               if d["code"] == "ZT-RCV-1")
    token = gql(base, "mutation($id: ID!) { deviceIssueToken(id: $id) { token } }", {"id": cnc["id"]}, admin)["deviceIssueToken"]["token"]
    gql(base, "mutation { deviceHeartbeat { health } }", token=token)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs"), help="folder for the PNG files")
    parser.add_argument("--only", nargs="*", default=None, help="only these screenshots (names after console-)")
    args = parser.parse_args()
    out, only = Path(args.out), set(args.only) if args.only else None
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        demo = subprocess.run([str(TENON), "--site", str(site), "demo"], check=True, capture_output=True, text=True)
        password = next(line.split("/")[1].split()[0] for line in demo.stdout.splitlines() if line.startswith("admin user:"))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen([str(TENON), "--site", str(site), "serve", "--port", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env={**os.environ, "TENON_LOG_LEVEL": "WARNING"})
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            admin = login(base, "admin", password)
            if only is None or only - {"inspection", "quality", "devices"}:
                activity(base, admin)
            quality(base, admin)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)

                def shoot(name: str, user: str, pw_: str, path: str | None, viewport: dict, locale: str = "en-US",
                          wait: str = "table, .empty", then: str | None = None, clicks: tuple[str, ...] = ()) -> None:
                    if only is not None and name not in only:
                        return
                    ctx = browser.new_context(viewport=viewport, locale=locale, device_scale_factor=1)
                    ctx.route("**/*", lambda r: r.continue_() if r.request.url.startswith((base, "data:", "blob:")) else r.abort())
                    page = ctx.new_page()
                    page.goto(base + "/")
                    if path is not None:
                        page.fill("input[name=username]", user)
                        page.fill("input[name=password]", pw_)
                        page.click("button[type=submit]")
                        page.wait_for_selector("[data-testid=nav]")
                        page.goto(f"{base}/#/{path}")
                        page.wait_for_selector(wait)
                        if then:  # open something first (a terminal task)
                            page.click(then)
                            page.click("[data-testid=exception-open]")
                        for sel in clicks:  # open a record first (an inspection)
                            page.click(sel)
                        if name == "inspection":
                            page.fill("input[name=v-BORE-1]", "180.031")
                            page.fill("input[name=v-BORE-2]", "180.008")
                        page.wait_for_timeout(600)  # the charts' first paint
                    page.screenshot(path=str(out / f"console-{name}.png"), full_page=path is not None and viewport is DESKTOP)
                    print(f"wrote {out / f'console-{name}.png'}")
                    ctx.close()

                shoot("signin", "", "", None, {"width": 900, "height": 560})
                shoot("orders", "admin", password, "orders/progress", DESKTOP)
                shoot("orders-zh", "admin", password, "orders/progress", DESKTOP, locale="zh-CN")
                shoot("capacity", "admin", password, "mrp/capacity", DESKTOP, wait="[data-testid=live].ok")
                shoot("stock", "admin", password, "stock/levels", DESKTOP)
                shoot("exceptions", "admin", password, "mrp/exceptions", DESKTOP)
                shoot("terminal", "op_cnc", "op_cnc-demo", "mrp/terminal", PHONE, wait="[data-testid=tasks]")
                shoot("terminal-task", "op_cnc", "op_cnc-demo", "mrp/terminal", {"width": 390, "height": 1100},
                      locale="zh-CN", wait="[data-testid=tasks]", then="[data-testid=tasks] li:first-child button")
                shoot("scan", "clerk", "clerk-demo", "stock/scan", PHONE, wait="[data-testid=scan-move]")
                shoot("inspection", "qc_chen", "qc_chen-demo", "qc/inspections", {"width": 390, "height": 1400},
                      wait="[data-testid=inspection-list]", clicks=("[data-testid=inspection-list] li:first-child button",))
                shoot("quality", "qm_liu", "qm_liu-demo", "qc/quality", DESKTOP, wait="table[data-testid=fpy-table]")
                shoot("devices", "admin", password, "devices/devices", DESKTOP, wait="table[data-testid=device-list]")
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
