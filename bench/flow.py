"""The order-to-shipment loop over HTTP against a fresh site, and the plain-SQL floor in the same run.

What it does (bounded; loopback only; stops by itself):

1. creates a fresh site (SQLite in a temporary directory, or two new databases on the PostgreSQL
   server of ``--database-url``) with every available plugin, and seeds it in-process: work
   centers CNC and LEAK, eight lot-tracked housings ``FG-00``…``FG-07`` with a two-operation
   routing (CNC → LEAK) and a BOM (a casting and 8 inserts, stocked at the default location), ten
   customers, and one API token per person (rep, planner, clerk, operator at CNC, device at LEAK,
   inspector when qc is installed, with a final plan per housing);
   a copy of the seeded database is kept for the floor;
2. starts ``tenon serve --workers W`` on 127.0.0.1 (unchanged; SQL statements are counted in the
   server processes by a SQLAlchemy event listener that a ``sitecustomize`` on ``PYTHONPATH``
   installs, a shared-memory counter per process plus statement kinds per table);
3. warms up with 3 orders from one client, measuring the SQL statements of each request kind (the
   statements sent until the server is quiet again, so after-commit deliveries count with the
   mutation that caused them; median over the warm-up orders);
4. runs ``--orders`` N orders (1–3 lines of 1–5 pieces, seeded) from ``--clients`` C concurrent
   keep-alive clients, every user action one mutation (one committed transaction):
   ``make-to-order``: rep creates and confirms → planner releases each line's work order → clerk
   scans the requisition and issues it → operator reports operation 1 → planner hands the count to
   the machine → device signals operation 2 with an idempotency key → planner finishes → (qc
   installed: each housing has a final plan, first 2 pieces × 2 checks) inspector finds the final
   inspection qc opened and records it passing, which releases the goods → clerk ships and confirms
   → rep closes; ``make-to-stock``: rep creates and
   confirms → clerk ships from stock and confirms → planner creates a replenishment work order per
   line, which runs the same production steps → rep closes;
5. prints orders/s, requests/s, p50/p95 latency and SQL statements per mutation kind, SQL per order,
   server CPU ms per order (``/proc``: utime + stime of the server and its workers) and the peak
   RSS of the server processes;
6. the floor: the rows the run added to every table (read back from the Tenon database) inserted
   with plain SQLAlchemy Core into the seeded copy, plus as many UPDATE statements per table as
   the server sent, in as many committed transactions as the run had mutations, from one process
   and one connection; prints its time and Tenon/floor.

Figures depend on the machine and what else runs on it; compare the rows of one run, not runs.

Usage::

    .venv/bin/python bench/flow.py [--orders 200] [--clients 4] [--workers 1]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--mode make-to-order|make-to-stock]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

SITECUSTOMIZE = r'''
# Injected by bench/flow.py into the servers it starts: counts SQL statements (per process).
import os as _os
_dir = _os.environ.get("TENON_FLOW_SQL_DIR")
if _dir:
    import json as _json, mmap as _mmap, re as _re, struct as _struct, threading as _threading, time as _time
    from sqlalchemy import event as _event
    from sqlalchemy.engine import Engine as _Engine
    _path = _os.path.join(_dir, f"{_os.getpid()}")
    with open(_path + ".cnt", "wb") as _f:
        _f.write(b"\0" * 8)
    _fd = open(_path + ".cnt", "r+b")
    _mm = _mmap.mmap(_fd.fileno(), 8)
    _kinds, _counts, _total = {}, {}, [0]
    _rx = _re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM|\w+)\s*("?[\w.]+"?)?', _re.I)

    def _kind(statement):
        m = _rx.match(statement)
        if not m:
            return "OTHER", ""
        verb = m.group(1).split()[0].upper()
        return verb, (m.group(2) or "").strip('"') if verb in ("INSERT", "UPDATE", "DELETE") else ""

    def _on_execute(conn, cursor, statement, parameters, context, executemany):
        k = _kinds.get(statement)
        if k is None:
            k = _kinds[statement] = _kind(statement)
        _counts[k] = _counts.get(k, 0) + 1
        _total[0] += 1
        _struct.pack_into("q", _mm, 0, _total[0])

    _event.listen(_Engine, "before_cursor_execute", _on_execute)

    def _dump():
        last = -1
        while True:
            _time.sleep(0.3)
            if _total[0] != last:
                last = _total[0]
                data = [[v, t, n] for (v, t), n in list(_counts.items())]
                with open(_path + ".tmp", "w") as f:
                    _json.dump(data, f)
                _os.replace(_path + ".tmp", _path + ".json")

    _threading.Thread(target=_dump, daemon=True, name="flow-sql-dump").start()
'''

CREATE_SO = "mutation($i: SalesOrderCreateInput!) { salesOrderCreate(input: $i) { id number } }"
CONFIRM_SO = "mutation($id: ID!) { salesOrderConfirm(id: $id) { state } }"
WOS = "query($o: ID!) { workOrders(originId: $o) { nodes { id } } }"
CREATE_WO = "mutation($i: WorkOrderCreateInput!) { workOrderCreate(input: $i) { id } }"
RELEASE = "mutation($id: ID!) { workOrderRelease(id: $id) { id quantity requisitionId operations { id } } }"
REQ = "query($id: ID!) { requisition(id: $id) { number } }"
SCAN = "query($c: String!) { scan(code: $c) { kind documentId } }"
ISSUE = "mutation($id: ID!) { requisitionIssue(id: $id) { state } }"
REPORT = "mutation($i: OperationReportInput!) { workOrderOperationReport(input: $i) { id } }"
SOURCE = "mutation($id: ID!) { workOrderSetCountingSource(id: $id, countingSource: MACHINE) { countingSource } }"
SIGNAL = "mutation($i: OperationSignalInput!) { workOrderOperationSignal(input: $i) { duplicate } }"
FINISH = "mutation($id: ID!) { workOrderFinish(id: $id, backorder: false) { state } }"
SHIP = "mutation($i: SalesOrderShipInput!) { salesOrderShip(input: $i) { id } }"
CONFIRM_SH = "mutation($id: ID!) { shipmentConfirm(id: $id) { state } }"
CLOSE = "mutation($id: ID!) { salesOrderClose(id: $id) { state } }"
PRODUCTS = 8
FINAL_ITEMS = [{"code": "BORE", "name": "Bore", "kind": "measurement", "nominal": "220.000", "lower_tolerance": "0",
                "upper_tolerance": "0.046", "unit": "mm", "decimals": 3},
               {"code": "VISUAL", "name": "Visual", "kind": "pass_fail"}]
PASSING = {"BORE": "220.020", "VISUAL": "pass"}
FINAL_OPEN = ("query($w: ID!) { inspections(workOrderId: $w, stage: FINAL, states: [OPEN]) { nodes { id sampleSize "
              "planVersion { items { code } } } } }")
RECORD = "mutation($id: ID!, $v: [InspectionValueInput!]!) { inspectionRecord(id: $id, values: $v) { state } }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------- site


def make_databases(tmp: Path, server_url: str | None) -> tuple[str | None, str | None, Any]:
    """(Tenon database URL, floor database URL, cleanup); ``None`` URLs mean SQLite files in the sites."""
    if not server_url:
        return None, None, lambda: None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(server_url).set(drivername="postgresql+psycopg")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    names = [f"tenon_flow_{os.getpid()}", f"tenon_flow_{os.getpid()}_floor"]
    with admin.connect() as c:
        for n in names:
            c.execute(text(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{names[0]}"'))

    def cleanup() -> None:
        with admin.connect() as c:
            for n in names:
                c.execute(text(f'DROP DATABASE IF EXISTS "{n}" WITH (FORCE)'))
        admin.dispose()

    urls = [base.set(database=n).render_as_string(hide_password=False) for n in names]
    return urls[0], urls[1], cleanup


def copy_for_floor(site: Path, url: str | None, floor_url: str | None, tmp: Path) -> str:
    """A copy of the seeded database; returns its URL."""
    if url is None:
        target = tmp / "floor.db"
        shutil.copyfile(site / "tenon.db", target)
        return f"sqlite:///{target}"
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{make_url(floor_url).database}" TEMPLATE "{make_url(url).database}"'))
    admin.dispose()
    return floor_url


def seed(site: Path, url: str | None, mode: str) -> dict[str, Any]:
    from tenon.core import auth
    from tenon.core.installer import init_site
    from tenon.plugins.mrp.models import ProductSetting
    from tenon.plugins.mrp.services import boms, library, work_centers
    from tenon.plugins.orders.services import customers, regions
    from tenon.plugins.stock import create_product, receive

    app = init_site(site, database_url=url)
    out: dict[str, Any] = {"plugins": sorted(app.plugin_names) if hasattr(app, "plugin_names") else []}
    with app.transaction(operation="bench:seed") as s:
        cnc = work_centers.create_work_center(s, code="CNC", name="5-axis machining", capacity=6)
        leak = work_centers.create_work_center(s, code="LEAK", name="Leak test", capacity=2)
        mill = library.create_operation(s, code="OP-MILL", name="Machine", work_center_id=cnc.id,
                                        minutes_per_unit=Decimal(9), setup_minutes=Decimal(30))
        test = library.create_operation(s, code="OP-LEAK", name="Leak test", work_center_id=leak.id,
                                        minutes_per_unit=Decimal("1.2"), inspection_required=True)
        cast = create_product(s, name="Housing casting", code="CAST", kind="semi_finished", tracking="lot")
        receive(s, product_id=cast.id, quantity=Decimal(10_000_000), lot="CAST-L1")
        insert = create_product(s, name="Thread insert M8", code="INSERT", kind="raw_material")
        receive(s, product_id=insert.id, quantity=Decimal(100_000_000))
        out["products"] = []
        for i in range(PRODUCTS):
            fg = create_product(s, name=f"Housing {i}", code=f"FG-{i:02d}", kind="finished", tracking="lot")
            library.create_routing(s, product_id=fg.id, steps=[{"operation_id": mill.id}, {"operation_id": test.id}])
            boms.create_bom(s, product_id=fg.id, lines=[{"component_id": cast.id, "quantity": Decimal(1)},
                                                        {"component_id": insert.id, "quantity": Decimal(8)}])
            if mode == "make-to-order":
                s.add(ProductSetting(product_id=fg.id, make_to_order=True))
            else:
                receive(s, product_id=fg.id, quantity=Decimal(10_000_000), lot=f"FG-{i:02d}-OPEN")
            out["products"].append(str(fg.id))
        regions.create_region(s, code="east", name="East")
        out["customers"] = [str(customers.create_customer(s, name=f"Customer {i}", region_code="east").id)
                            for i in range(10)]
        cast_ = {"rep": (["sales_rep"], {"regions": ["east"]}), "planner": (["planner"], {}),
                 "clerk": (["warehouse_clerk"], {}), "operator": (["operator"], {"work_centers": ["CNC"]}),
                 "device": (["device"], {"work_centers": ["LEAK"]})}
        if app.has_plugin("qc"):  # a final plan per housing: held until the work order's final inspection passes
            from tenon.plugins.qc.services.plans import create_plan

            for i, pid in enumerate(out["products"]):
                create_plan(s, code=f"QP-FG-{i:02d}", name=f"Housing {i} final inspection", stage="final",
                            product_id=int(pid), sampling_method="first_n", sampling_value=2, items=FINAL_ITEMS)
            cast_["inspector"] = (["inspector"], {})
        out["tokens"] = {}
        for role, (roles, attrs) in cast_.items():
            user = auth.create_user(s, f"bench_{role}", roles=roles, attributes=attrs)
            out["tokens"][role] = auth.issue_token(s, user, kind="api", name="bench")
    app.dispose()
    return out


# ---------------------------------------------------------------------------------------------- server


def processes(root: int) -> list[int]:
    """``root`` and its descendants (from /proc)."""
    parents: dict[int, list[int]] = defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(stat.rsplit(")", 1)[1].split()[1])].append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(parents.get(pid, []))
    return out


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pids: list[int]) -> list[float]:
    out = []
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    out.append(int(line.split()[1]) / 1024)
        except OSError:
            continue
    return out


class SqlCounter:
    """Reads the counters the injected ``sitecustomize`` keeps per server process."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory

    def total(self) -> int:
        n = 0
        for p in self.dir.glob("*.cnt"):
            with open(p, "rb") as f:
                n += struct.unpack("q", f.read(8) or b"\0" * 8)[0]
        return n

    def quiet_total(self, settle: float = 0.06) -> int:
        """The total once nothing was sent for ``settle`` seconds (after-commit work done)."""
        last = self.total()
        while True:
            time.sleep(settle)
            now = self.total()
            if now == last:
                return now
            last = now

    def by_kind(self) -> dict[tuple[str, str], int]:
        time.sleep(0.8)  # the processes dump every 0.3 s
        out: dict[tuple[str, str], int] = defaultdict(int)
        for p in self.dir.glob("*.json"):
            for verb, table, n in json.loads(p.read_text()):
                out[(verb, table)] += n
        return out


# ---------------------------------------------------------------------------------------------- load


class Stats:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.requests = 0
        self.mutations = 0
        self.retries = 0
        self.failures: list[str] = []
        self.sql: dict[str, list[int]] = defaultdict(list)


class Loop:
    """One order through the loop, as the people (API tokens) do it over HTTP."""

    def __init__(self, http: Any, info: dict[str, Any], mode: str, stats: Stats, counter: SqlCounter | None = None):
        self.http, self.info, self.mode, self.stats, self.counter = http, info, mode, stats, counter
        self.headers = {role: {"Authorization": f"Bearer {tok}"} for role, tok in info["tokens"].items()}

    async def call(self, role: str, kind: str, query: str, **variables: Any) -> dict[str, Any]:
        mutation = query.startswith("mutation")
        for attempt in range(4):
            before = self.counter.total() if self.counter else 0
            t0 = time.perf_counter()
            r = await self.http.post("/graphql", json={"query": query, "variables": variables},
                                     headers=self.headers[role])
            self.stats.latency[kind].append(time.perf_counter() - t0)
            self.stats.requests += 1
            body = r.json()
            if self.counter:
                self.stats.sql[kind].append(await asyncio.to_thread(self.counter.quiet_total) - before)
            errors = body.get("errors")
            if not errors:
                self.stats.mutations += mutation
                return body["data"]
            code = (errors[0].get("extensions") or {}).get("code")
            if code == "CONFLICT" and attempt < 3:  # what a client does: reload and retry
                self.stats.retries += 1
                continue
            raise RuntimeError(f"{kind}: {code}: {errors[0].get('message')}")
        raise AssertionError("unreachable")

    async def produce(self, wo_id: str, key: str) -> None:
        wo = (await self.call("planner", "workOrderRelease", RELEASE, id=wo_id))["workOrderRelease"]
        number = (await self.call("clerk", "requisition (query)", REQ, id=wo["requisitionId"]))["requisition"]["number"]
        doc = (await self.call("clerk", "scan (query)", SCAN, c=number))["scan"]
        await self.call("clerk", "requisitionIssue", ISSUE, id=doc["documentId"])
        ops = wo["operations"]
        await self.call("operator", "workOrderOperationReport", REPORT,
                        i={"operationId": ops[0]["id"], "good": wo["quantity"], "minutes": "10"})
        await self.call("planner", "workOrderSetCountingSource", SOURCE, id=wo_id)
        await self.call("device", "workOrderOperationSignal", SIGNAL,
                        i={"workOrderId": wo_id, "quantity": wo["quantity"], "idempotencyKey": key})
        await self.call("planner", "workOrderFinish", FINISH, id=wo_id)
        if "inspector" in self.headers:  # qc: the final inspection qc opened at the finish, recorded passing
            found = (await self.call("inspector", "inspections (query)", FINAL_OPEN, w=wo_id))["inspections"]["nodes"]
            for insp in found:
                values = [{"item": it["code"], "sampleNo": n, "value": PASSING[it["code"]]}
                          for n in range(1, insp["sampleSize"] + 1) for it in insp["planVersion"]["items"]]
                state = (await self.call("inspector", "inspectionRecord", RECORD, id=insp["id"], v=values))[
                    "inspectionRecord"]["state"]
                if state != "PASSED":
                    raise RuntimeError(f"final inspection of work order {wo_id}: {state}")

    async def order(self, idx: int) -> None:
        rng = random.Random(1000 + idx)
        products = self.info["products"]
        lines = [{"productId": products[(idx + k) % len(products)], "quantity": str(rng.randint(1, 5)),
                  "unitPrice": "180"} for k in range(rng.randint(1, 3))]
        customer = self.info["customers"][idx % len(self.info["customers"])]
        so = (await self.call("rep", "salesOrderCreate", CREATE_SO,
                              i={"customerId": customer, "lines": lines, "customerReference": f"BENCH-{idx}"}))[
            "salesOrderCreate"]
        await self.call("rep", "salesOrderConfirm", CONFIRM_SO, id=so["id"])
        if self.mode == "make-to-order":
            wos = (await self.call("planner", "workOrders (query)", WOS, o=so["id"]))["workOrders"]["nodes"]
            for k, wo in enumerate(wos):
                await self.produce(wo["id"], f"bench-{idx}-{k}")
            await self.ship(so["id"])
        else:
            await self.ship(so["id"])
            for k, line in enumerate(lines):
                wo = (await self.call("planner", "workOrderCreate", CREATE_WO,
                                      i={"productId": line["productId"], "quantity": line["quantity"]}))["workOrderCreate"]
                await self.produce(wo["id"], f"bench-{idx}-{k}")
        await self.call("rep", "salesOrderClose", CLOSE, id=so["id"])

    async def ship(self, order_id: str) -> None:
        sh = (await self.call("clerk", "salesOrderShip", SHIP, i={"orderId": order_id}))["salesOrderShip"]
        await self.call("clerk", "shipmentConfirm", CONFIRM_SH, id=sh["id"])


async def run_orders(url: str, info: dict[str, Any], mode: str, first: int, count: int, clients: int,
                     counter: SqlCounter | None = None) -> tuple[Stats, float]:
    import httpx

    stats = Stats()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(first, first + count):
        queue.put_nowait(i)

    async def client() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=120) as http:
            loop = Loop(http, info, mode, stats, counter)
            while not queue.empty():
                idx = queue.get_nowait()
                try:
                    await loop.order(idx)
                except Exception as exc:  # noqa: BLE001  (recorded and printed; the run goes on)
                    stats.failures.append(f"order {idx}: {exc}")

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return stats, time.perf_counter() - t0


# ---------------------------------------------------------------------------------------------- floor


def max_ids(url: str, tables: list[Any]) -> dict[str, int]:
    from sqlalchemy import create_engine, func, select

    engine = create_engine(url)
    out = {}
    with engine.connect() as c:
        for t in tables:
            out[t.name] = c.scalar(select(func.max(t.c.id))) or 0
    engine.dispose()
    return out


def new_rows(url: str, tables: list[Any], since: dict[str, int], until: dict[str, int]) -> dict[str, list[dict]]:
    from sqlalchemy import create_engine, select

    engine = create_engine(url)
    out = {}
    with engine.connect() as c:
        for t in tables:
            rows = c.execute(select(t).where(t.c.id > since[t.name], t.c.id <= until[t.name]).order_by(t.c.id))
            out[t.name] = [dict(r._mapping) for r in rows]
    engine.dispose()
    return out


def floor_engine(url: str) -> Any:
    from sqlalchemy import create_engine, event

    engine = create_engine(url)
    if url.startswith("sqlite"):
        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:  # the same as Tenon's site engine
            cur = dbapi_connection.cursor()
            for pragma in ("foreign_keys=ON", "journal_mode=WAL", "busy_timeout=10000", "synchronous=NORMAL"):
                cur.execute(f"PRAGMA {pragma}")
            cur.close()
    return engine


def sample_rows(url: str, tables: list[Any], limit: int = 50) -> dict[str, list[dict]]:
    """Up to ``limit`` rows of each table (targets for UPDATE statements on rows the run did not add)."""
    from sqlalchemy import create_engine, select

    engine = create_engine(url)
    with engine.connect() as c:
        out = {t.name: [dict(r._mapping) for r in c.execute(select(t).limit(limit))] for t in tables}
    engine.dispose()
    return out


def run_floor(url: str, tables: list[Any], warm: dict[str, list[dict]], rows: dict[str, list[dict]],
              updates: dict[str, int], others: dict[str, list[dict]], transactions: int) -> dict[str, Any]:
    """Insert ``warm`` untimed, then ``rows`` and ``updates[table]`` UPDATE statements (on the rows
    the run added to that table, else on ``others``, by primary key, to their final values) in
    exactly ``transactions`` committed transactions (timed), parents before children."""
    from sqlalchemy import and_, update

    engine = floor_engine(url)
    by_name = {t.name: t for t in tables}
    with engine.begin() as c:
        for t in tables:
            if warm.get(t.name):
                c.execute(t.insert(), warm[t.name])
    work: list[tuple[str, str, dict]] = [("insert", t.name, r) for t in tables for r in rows.get(t.name, [])]
    skipped: dict[str, int] = {}
    for name, n in sorted(updates.items()):
        pool = rows.get(name) or others.get(name)
        if not pool or name not in by_name:
            skipped[name] = n
            continue
        work.extend(("update", name, pool[k % len(pool)]) for k in range(n))
    n_tx = max(1, min(transactions, len(work)))
    bounds = [round(k * len(work) / n_tx) for k in range(n_tx + 1)]
    t0 = time.perf_counter()
    statements = 0
    with engine.connect() as c:
        for k in range(n_tx):
            chunk = work[bounds[k]:bounds[k + 1]]
            with c.begin():
                i = 0
                while i < len(chunk):
                    kind, name, _ = chunk[i]
                    j = i
                    while j < len(chunk) and chunk[j][:2] == (kind, name):
                        j += 1
                    table = by_name[name]
                    if kind == "insert":
                        c.execute(table.insert(), [r for _, _, r in chunk[i:j]])
                        statements += 1
                    else:
                        pk = [col.name for col in table.primary_key.columns]
                        for _, _, r in chunk[i:j]:
                            values = {col: r[col] for col in r if col not in pk}
                            c.execute(update(table).where(and_(*(table.c[col] == r[col] for col in pk)))
                                      .values(**values))
                            statements += 1
                    i = j
    elapsed = time.perf_counter() - t0
    engine.dispose()
    return {"seconds": elapsed, "transactions": n_tx, "statements": statements,
            "inserted": sum(len(v) for v in rows.values()), "updates": sum(updates.values()) - sum(skipped.values()),
            "skipped_updates": skipped}


# ---------------------------------------------------------------------------------------------- main


#: cost centres: the first rule whose pattern is in a sample's stack (innermost first) takes it
CENTRES = [
    ("database driver (sqlite3 / psycopg I/O)", ("sqlite3", "psycopg/", "aiosqlite")),
    ("SQLAlchemy ORM and Core (compile, flush, load)", ("sqlalchemy/",)),
    ("Casbin access checks", ("casbin/",)),
    ("GraphQL parse, validate, execute (graphql-core)", ("graphql/",)),
    ("strawberry (schema, resolvers, extensions)", ("strawberry/",)),
    ("Tenon kernel (tenon/core, tenon/graphql)", ("tenon/core/", "tenon/graphql/")),
    ("Tenon plugins (stock, orders, mrp services)", ("tenon/plugins/",)),
    ("HTTP server (uvicorn, h11, Litestar)", ("uvicorn/", "h11/", "litestar/", "httptools")),
    ("asyncio and the rest", ("",)),
]


#: leaf frames of threads that wait, not work: the event loop's select, thread-pool and aiosqlite
#: workers blocked on their queues, condition waits, psycopg waiting for the server, this bench's dumper
IDLE = ("EpollSelector.select (", "_connection_worker_thread (aiosqlite/core.py:59)",
        "_worker (concurrent/futures/thread.py:81)", "Condition.wait (", "_dump (sitecustomize",
        "Connection.wait (psycopg", "wait_async (psycopg", "sleep (")


def print_profile(path: Path) -> None:
    """Top cost centres of py-spy's raw (collapsed) stacks: by innermost owner, and inclusive."""
    own: dict[str, int] = defaultdict(int)
    incl: dict[str, int] = defaultdict(int)
    leaf: dict[str, int] = defaultdict(int)
    total = 0
    for line in path.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit() or "flow-sql-dump" in stack:
            continue
        frames = stack.split(";")
        if not frames or any(frames[-1].startswith(i) for i in IDLE):
            continue  # a thread waiting (py-spy's idle detection misses blocked queue gets on a loaded machine)
        count = int(n)
        total += count
        for name, patterns in CENTRES:
            if any(p in f for f in reversed(frames) for p in patterns if p):
                incl[name] += count
        for f in reversed(frames):
            name = next((c for c, patterns in CENTRES if any(p and p in f for p in patterns)), None)
            if name is not None:
                own[name] += count
                break
        else:
            own[CENTRES[-1][0]] += count
        leaf[frames[-1].split(" (")[0] + " (" + frames[-1].split("(")[-1].split(":")[0].split("/")[-1] + ")"] += count
    if not total:
        print("profile: no samples")
        return
    print(f"\nprofile ({total} busy samples of the server processes): share of CPU, by innermost owner "
          f"(inclusive in brackets)")
    for name, _ in CENTRES:
        print(f"  {own[name] * 100 / total:5.1f} %  ({incl[name] * 100 / total:5.1f} %)  {name}")
    print("  top functions (self):")
    for name, count in sorted(leaf.items(), key=lambda kv: -kv[1])[:10]:
        print(f"  {count * 100 / total:5.1f} %  {name}")


def quantile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100)[q - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200, help="orders in the timed run")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=1, help="tenon serve --workers")
    parser.add_argument("--database-url", default=None,
                        help="a PostgreSQL server where the user may create databases (default: SQLite)")
    parser.add_argument("--mode", choices=("make-to-order", "make-to-stock"), default="make-to-order")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up orders (one client; SQL per request kind)")
    parser.add_argument("--profile", metavar="FILE", default=None,
                        help="sample the server processes with py-spy during the timed run (raw stacks to FILE) "
                             "and print the top cost centres in %%")
    args = parser.parse_args()
    if not 1 <= args.orders <= 100_000 or not 1 <= args.clients <= 256 or not 1 <= args.workers <= 64:
        parser.error("--orders 1..100000, --clients 1..256, --workers 1..64")
    import logging

    import httpx

    logging.getLogger("alembic").setLevel(logging.WARNING)
    tenon = Path(sys.executable).with_name("tenon")
    tmp = Path(tempfile.mkdtemp(prefix="tenon-bench-flow-"))
    url, floor_url, cleanup = make_databases(tmp, args.database_url)
    server = None
    try:
        site = tmp / "site"
        t0 = time.perf_counter()
        info = seed(site, url, args.mode)
        floor = copy_for_floor(site, url, floor_url, tmp)
        from tenon.core.db import Base
        from tenon.core.kernel import Tenon
        from tenon.core.site import Site

        app = Tenon(Site.load(str(site)))
        site_url = app.site.database_url
        plugins = sorted(app.installed_versions())
        app.dispose()
        from sqlalchemy import create_engine, inspect

        eng = create_engine(site_url)
        present = set(inspect(eng).get_table_names())
        eng.dispose()
        tables = [t for t in Base.metadata.sorted_tables if t.name in present and "id" in t.c]
        skipped = sorted(t.name for t in Base.metadata.sorted_tables if t.name in present and "id" not in t.c)
        seeded = max_ids(site_url, tables)
        print(f"site: {'PostgreSQL' if url else 'SQLite'}, plugins {', '.join(plugins)}; seeded in "
              f"{time.perf_counter() - t0:.1f} s; mode {args.mode}, {args.workers} worker(s), {args.clients} clients")

        inject = tmp / "inject"
        inject.mkdir()
        (inject / "sitecustomize.py").write_text(SITECUSTOMIZE)
        sqldir = tmp / "sql"
        sqldir.mkdir()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(inject), os.environ.get("PYTHONPATH", "")]),
               "TENON_FLOW_SQL_DIR": str(sqldir), "TENON_LOG_LEVEL": "WARNING"}
        log = open(tmp / "serve.log", "wb")
        server = subprocess.Popen([str(tenon), "--site", str(site), "serve", "--port", str(port),
                                   "--workers", str(args.workers)], stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the server did not start: {(tmp / 'serve.log').read_text()[-2000:]}")
            time.sleep(0.2)
        time.sleep(1.0 if args.workers > 1 else 0.2)  # every worker up
        counter = SqlCounter(sqldir)
        with httpx.Client(base_url=base, timeout=30) as probe:
            fields = probe.post("/graphql", json={"query": "{ __type(name: \"Mutation\") { fields { name } } }"},
                                headers={"Authorization": f"Bearer {info['tokens']['planner']}"}).json()
        names = {f["name"] for f in ((fields.get("data") or {}).get("__type") or {}).get("fields") or []}
        if "inspectionRecord" in names and "inspector" in info["tokens"]:
            print("qc installed: a final inspection per work order (first 2 pieces x 2 checks), recorded passing "
                  "by the inspector (make-to-order: before the shipment)")
        else:
            print("qc not installed: no final inspection step (the loop runs without it)")

        warm, _ = asyncio.run(run_orders(base, info, args.mode, 0, args.warmup, 1, counter))
        if warm.failures:
            raise SystemExit("warm-up failed: " + "; ".join(warm.failures[:3]))
        counter.quiet_total()
        kinds_before = counter.by_kind()
        warmed = max_ids(site_url, tables)
        pids = processes(server.pid)
        cpu0, sql0 = cpu_seconds(pids), counter.total()
        spy = None
        if args.profile:
            spy = subprocess.Popen([str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(server.pid),
                                    "--subprocesses", "--format", "raw", "--rate", "50", "--output", args.profile],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)

        stats, elapsed = asyncio.run(run_orders(base, info, args.mode, args.warmup, args.orders, args.clients))
        if spy is not None:
            spy.send_signal(2)
            spy.wait(timeout=60)
        pids = processes(server.pid)
        cpu = cpu_seconds(pids) - cpu0
        sql = counter.quiet_total(0.2) - sql0
        kinds_after = counter.by_kind()
        rss = peak_rss_mb(pids)
        after = max_ids(site_url, tables)
        server.terminate()
        server.wait(timeout=30)
        server = None
        log.close()

        ok = args.orders - len(stats.failures)
        print(f"\n{ok}/{args.orders} orders in {elapsed:.1f} s: {ok / elapsed:.2f} orders/s, "
              f"{stats.requests / elapsed:.1f} requests/s ({stats.mutations} mutations, "
              f"{stats.requests - stats.mutations} queries, {stats.retries} CONFLICT retries)")
        for f in stats.failures[:5]:
            print(f"  failed: {f}")
        print(f"SQL statements: {sql / max(ok, 1):.1f} per order ({sql} in all, after-commit deliveries included)")
        print(f"server CPU: {cpu * 1000 / max(ok, 1):.1f} ms per order ({cpu:.1f} s over {len(pids)} process(es) in "
              f"{elapsed:.1f} s)")
        print(f"peak RSS: {sum(rss):.0f} MB in all, {max(rss or [0]):.0f} MB the largest of {len(rss)} process(es)")
        print(f"\n{'request kind':<28} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'SQL (warm-up median)':>21}")
        for kind in sorted(stats.latency, key=lambda k: (k.endswith("(query)"), k)):
            lat = stats.latency[kind]
            sql_k = statistics.median(warm.sql[kind]) if warm.sql.get(kind) else float("nan")
            print(f"{kind:<28} {len(lat):>6} {quantile(lat, 50) * 1000:>8.1f} {quantile(lat, 95) * 1000:>8.1f} "
                  f"{sql_k:>21.0f}")

        updates = {t: n - kinds_before.get(("UPDATE", t), 0) for (v, t), n in kinds_after.items() if v == "UPDATE"}
        deletes = {t: n - kinds_before.get(("DELETE", t), 0) for (v, t), n in kinds_after.items() if v == "DELETE"}
        delta = {k: n - kinds_before.get(k, 0) for k, n in kinds_after.items() if n - kinds_before.get(k, 0) > 0}
        verbs: dict[str, int] = defaultdict(int)
        for (verb, _t), n in delta.items():
            verbs[verb] += n
        print("\nSQL per order by kind: " + ", ".join(f"{v} {n / max(ok, 1):.1f}" for v, n in
                                                     sorted(verbs.items(), key=lambda kv: -kv[1])))
        writes = sorted(((n, v, t) for (v, t), n in delta.items() if t), reverse=True)[:8]
        print("  most written tables per order: " + ", ".join(f"{v} {t} {n / max(ok, 1):.1f}" for n, v, t in writes))
        warm_rows = new_rows(site_url, tables, seeded, warmed)
        rows = new_rows(site_url, tables, warmed, after)
        all_tables = [t for t in Base.metadata.sorted_tables if t.name in present]
        result = run_floor(floor, all_tables, warm_rows, rows, {t: n for t, n in updates.items() if n > 0},
                           sample_rows(site_url, all_tables), stats.mutations)
        print(f"\nfloor (plain SQLAlchemy Core, one process, one connection): {result['inserted']} rows inserted "
              f"into {sum(1 for v in rows.values() if v)} tables and {result['updates']} UPDATE statements in "
              f"{result['transactions']} transactions: {result['seconds']:.2f} s "
              f"({result['statements']} statements)")
        gone = {t: n for t, n in deletes.items() if n > 0}
        print(f"  not replayed: DELETE statements {gone or 'none'}, UPDATE statements on tables with no row to "
              f"update {result['skipped_updates'] or 'none'}; rows added to tables without an id column "
              f"({', '.join(skipped) or 'none'}) are not copied (their UPDATEs are)")
        print(f"Tenon/floor: {elapsed / result['seconds']:.1f}x (wall time of the same rows in the same "
              f"number of transactions)")
        if args.profile and Path(args.profile).exists():
            print_profile(Path(args.profile))
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        cleanup()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
