"""mrp benchmark: BOM explosion of a 5-level BOM with 1,000 lines, and operation reports through
GraphQL over HTTP (reports per second, latency, SQL statements per report).

What it does (bounded; loopback only; stops by itself):

1. creates a SQLite site (stock + mrp) in a temporary directory;
2. builds a BOM tree of 5 levels and exactly 1,000 lines (4 → 16 → 64 → 192 phantom
   sub-assemblies, 724 raw-material lines under them, 60 distinct raw materials, scrap factors on
   every fifth line) and times ``explode`` of 100 units in-process (median of ``--explosions`` runs);
3. makes work orders with a one-operation routing (quantity 10 million, no BOM materials: the
   report path itself), serves the site with uvicorn on 127.0.0.1 in a subprocess (one worker) and
   sends ``workOrderOperationReport(good: 1)`` as an operator from ``--concurrency`` keep-alive
   clients, each on its own work order, for at most ``--seconds`` or ``--requests``;
4. prints explosion time, reports/s, p50/p95 latency and SQL statements per report (counted in the
   server process on the request engine, read through a small ``/bench/sql`` route).

Figures depend on the machine and what else runs on it; compare rows of one run, not runs.

Usage::

    .venv/bin/python bench/mrp.py [--seconds 10] [--requests 2000] [--concurrency 4] [--explosions 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from graphql_read import free_port  # noqa: E402  (the same loopback helpers)

REPORT = """mutation($i: OperationReportInput!) { workOrderOperationReport(input: $i) { id goodQuantity } }"""
BRANCHING = (4, 4, 4, 3)  # sub-assembly fan-out of levels 1-4
LEAF_LINES = 724  # level-5 lines: 4 + 16 + 64 + 192 + 724 = 1000


def build_bom(session: Any) -> tuple[int, int]:
    """The 5-level tree; returns (top product id, number of BOM lines)."""
    from tenon.plugins.mrp.services.boms import create_bom
    from tenon.plugins.stock import create_product

    raws = [create_product(session, name=f"Raw {i}", code=f"RAW-{i:03d}", kind="raw_material").id for i in range(60)]
    top = create_product(session, name="Top", code="TOP").id
    level, lines, n = [top], 0, 0
    for depth, fan in enumerate(BRANCHING, start=1):
        nxt = []
        for parent in level:
            kids = [create_product(session, name=f"Sub {depth}.{n + k}", code=f"SUB-{depth}-{n + k:04d}",
                                   kind="semi_finished").id for k in range(fan)]
            n += fan
            create_bom(session, product_id=parent, lines=[
                {"component_id": k, "quantity": Decimal(2), "kind": "phantom"} for k in kids])
            lines += fan
            nxt.extend(kids)
        level = nxt
    extra = LEAF_LINES - 3 * len(level)  # the first `extra` leaves' parents get 4 lines, the rest 3
    for i, parent in enumerate(level):
        count = 4 if i < extra else 3
        create_bom(session, product_id=parent, lines=[
            {"component_id": raws[(i * 4 + j) % len(raws)], "quantity": Decimal("1.5"),
             "scrap_factor": Decimal("0.05") if (lines + j) % 5 == 0 else Decimal(0)} for j in range(count)])
        lines += count
    return top, lines


def build_site(path: Path, clients: int, explosions: int = 5) -> dict[str, Any]:
    from tenon.core import auth
    from tenon.core.installer import init_site
    from tenon.plugins.mrp.services import library, work_centers, work_orders
    from tenon.plugins.mrp.services.boms import explode
    from tenon.plugins.stock import create_product

    app = init_site(path, plugins=["stock", "mrp"])
    out: dict[str, Any] = {}
    with app.transaction(operation="bench:seed") as s:
        t0 = time.perf_counter()
        out["top"], out["lines"] = build_bom(s)
        out["build"] = time.perf_counter() - t0
    times = []
    for _ in range(explosions):
        with app.transaction(operation="bench:explode") as s:
            t0 = time.perf_counter()
            rows = explode(s, out["top"], 100)
            times.append(time.perf_counter() - t0)
    out["explode_ms"] = statistics.median(times) * 1000
    out["components"] = len(rows)
    with app.transaction(operation="bench:seed") as s:
        wc = work_centers.create_work_center(s, code="CNC", name="CNC")
        op = library.create_operation(s, code="TURN", name="Turning", work_center_id=wc.id, minutes_per_unit=Decimal("0.5"))
        fg = create_product(s, name="Bench part", code="FG-BENCH")
        library.create_routing(s, product_id=fg.id, steps=[{"operation_id": op.id}])
        ops = []
        for _ in range(clients):
            wo = work_orders.create_work_order(s, product_id=fg.id, quantity=Decimal(10_000_000), with_materials=False)
            work_orders.release_work_order(s, wo.id)
            ops.append(str(work_orders.operations_of(s, wo.id)[0].id))
        user = auth.create_user(s, "bench_op", roles=["operator"], attributes={"work_centers": ["CNC"]})
        out["token"] = auth.issue_token(s, user, kind="api", name="bench")
        out["operations"] = ops
    app.dispose()
    return out


def serve(site: str, port: int) -> None:
    import uvicorn
    from graphql_read import _sql_route
    from sqlalchemy import event

    from tenon.core.kernel import Tenon
    from tenon.core.site import Site
    from tenon.graphql.app import create_app

    tenon = Tenon(Site.load(site))
    counter = [0]
    event.listen(tenon.async_engine.sync_engine, "before_cursor_execute", lambda *a: counter.__setitem__(0, counter[0] + 1))
    app = create_app(tenon)
    app.register(_sql_route(counter))
    uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)).run()


async def load(url: str, token: str, operations: list[str], seconds: float, max_requests: int) -> dict[str, Any]:
    import httpx

    headers = {"Authorization": f"Bearer {token}"}
    latencies: list[float] = []
    failures, sent = 0, 0
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as probe:
        first = (await probe.post("/graphql", json={"query": REPORT, "variables": {"i": {"operationId": operations[0], "good": "1"}}})).json()
        assert not first.get("errors"), first["errors"]
        before = (await probe.get("/bench/sql")).json()
    deadline = time.perf_counter() + seconds

    async def worker(op_id: str) -> None:
        nonlocal failures, sent
        body = {"query": REPORT, "variables": {"i": {"operationId": op_id, "good": "1"}}}
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as client:
            while sent < max_requests and time.perf_counter() < deadline:
                sent += 1
                t0 = time.perf_counter()
                r = await client.post("/graphql", json=body)
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 200 or b'"errors"' in r.content:
                    failures += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker(op) for op in operations))
    elapsed = time.perf_counter() - start
    async with httpx.AsyncClient(base_url=url, timeout=30) as probe:
        after = (await probe.get("/bench/sql")).json()
    n = len(latencies)
    q = statistics.quantiles(latencies, n=100) if n >= 2 else [latencies[0]] * 99
    return {"requests": n, "failures": failures, "rps": n / elapsed, "p50": q[49] * 1000, "p95": q[94] * 1000,
            "sql": (after["statements"] - before["statements"]) / n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="time limit of the report run")
    parser.add_argument("--requests", type=int, default=2000, help="request limit of the report run")
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent clients (one work order each)")
    parser.add_argument("--explosions", type=int, default=5, help="explosion repetitions (median)")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--site", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.site, args.port)
        return
    import logging
    import subprocess

    import httpx

    logging.getLogger("alembic").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="tenon-bench-mrp-") as tmp:
        site = str(Path(tmp) / "site")
        info = build_site(Path(site), args.concurrency, args.explosions)
        print(f"BOM: 5 levels, {info['lines']} lines (built in {info['build']:.1f} s); explosion of 100 units → "
              f"{info['components']} components: {info['explode_ms']:.1f} ms (median of {args.explosions})")
        port = free_port()
        proc = subprocess.Popen([sys.executable, __file__, "--serve", "--site", site, "--port", str(port)])
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{url}/bench/sql", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("server did not start") from None
                    time.sleep(0.2)
            r = asyncio.run(load(url, info["token"], info["operations"], args.seconds, args.requests))
        finally:
            proc.terminate()
            proc.wait(timeout=15)
        print(f"operation reports over HTTP (SQLite, 1 uvicorn worker, {args.concurrency} clients): {r['rps']:.1f}/s, "
              f"p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms, {r['sql']:.1f} SQL statements per report, "
              f"{r['failures']} failures of {r['requests']}")


if __name__ == "__main__":
    main()
