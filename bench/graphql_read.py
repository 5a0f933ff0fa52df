"""Read benchmark: a 100-record list with 2 nested relations through Tenon's HTTP API, next to a ceiling.

What it does (bounded; loopback only; stops by itself):

1. creates a site in a temporary directory (SQLite, or with ``--database-url`` a fresh PostgreSQL
   database ``bench_read``) with the test plugin ``scopeplug``
   (``tests/graphql/scopeplug``) and loads ~2,000 rows: 20 items, 380 customers and 1,600 orders in
   4 regions;
2. serves it with uvicorn on 127.0.0.1 (a free port) in a subprocess, one worker;
3. sends ``orders(first: 100) { nodes { number amount customer { name } item { name } } }`` from a few
   concurrent httpx clients with keep-alive, for at most ``--seconds`` or ``--requests`` per run, as
   a scoped rep (regions east and west: the row-scope criterion is in every statement) and as a manager;
4. does the same against a bare strawberry + Litestar app answering the same query with the same field
   count from memory (no database, plain attributes, parser and validation caches on): the ceiling;
   and, to tell the costs apart, a bare variant whose two nested fields are ``async`` resolvers (as a nested
   DataLoader field outside a prefetched page is); with ``--baseline DIR``, Tenon again from another
   source tree (e.g. ``git worktree add /tmp/base HEAD~3``: its code and its ``scopeplug``, on the same
   site, so its migrations must match), before the others, side by side;
5. prints requests/s, p50/p95 latency, SQL statements per request (counted in the server process on
   the request engine, read through a small ``/bench/sql`` route), server CPU per request (process time
   of the server, all threads) and the ratios to the ceiling.

Figures depend on the machine and on what else runs on it; compare rows of one run, not runs.

Usage::

    .venv/bin/python bench/graphql_read.py [--seconds 10] [--requests 2000] [--concurrency 4] [--baseline DIR]
                                           [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import strawberry

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "graphql"))  # the scopeplug test plugin

QUERY = "{ orders(first: 100) { nodes { number amount customer { name } item { name } } } }"
REGIONS = ["east", "west", "north", "south"]
N_ITEMS, N_CUSTOMERS, N_ORDERS = 20, 380, 1600
KINDS = ("tenon-baseline", "tenon", "bare-async", "bare")
CEILING = "bare strawberry + litestar (ceiling)"


# ----------------------------------------------------------------------------------------- the site


def build_site(path: Path, database_url: str | None = None) -> dict[str, str]:
    """Install scopeplug on a fresh site (SQLite, or the PostgreSQL database ``database_url``), load
    the rows; returns API tokens ``{"rep": ..., "manager": ...}``."""
    from scopeplug import plugin
    from scopeplug.models import Customer, Item, Order
    from scopeplug.testdata import api_user

    from tenon.core.installer import init_site

    app = init_site(path, database_url=database_url, plugins=["scopeplug"], extra_plugins=[plugin])
    with app.transaction(operation="bench:seed") as s:
        items = [Item(code=f"I-{i:03d}", name=f"Item {i}") for i in range(N_ITEMS)]
        customers = [Customer(code=f"C-{i:04d}", name=f"Customer {i}", region=REGIONS[i % len(REGIONS)])
                     for i in range(N_CUSTOMERS)]
        s.add_all(items + customers)
        s.flush()
        for i in range(N_ORDERS):
            c = customers[i % N_CUSTOMERS]
            s.add(Order(number=f"O-{i:05d}", customer_id=c.id, item_id=items[i % N_ITEMS].id, region=c.region,
                        amount=Decimal(i % 997) + Decimal("0.25")))
    tokens = {
        "rep": api_user(app, "bench_rep", ["scoped_rep"], {"regions": ["east", "west"]}),
        "manager": api_user(app, "bench_manager", ["manager"]),
    }
    app.dispose()
    return tokens


def _fresh_database(server_url: str) -> str:
    """A new, empty database ``bench_read`` on the PostgreSQL server ``server_url``; its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(server_url)
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text('DROP DATABASE IF EXISTS "bench_read" WITH (FORCE)'))
        c.execute(text('CREATE DATABASE "bench_read"'))
    admin.dispose()
    return base.set(database="bench_read").render_as_string(hide_password=False)


# ------------------------------------------------------------------------------------------ servers


def _sql_route(counter: list[int]) -> Any:
    from litestar import get

    @get("/bench/sql", sync_to_thread=False)
    def sql_count() -> dict[str, float]:
        # CPU seconds of the whole server process (all threads): less sensitive to a busy machine than req/s
        return {"statements": counter[0], "cpu": time.process_time()}

    return sql_count


def tenon_app(site: str) -> Any:
    from scopeplug import plugin
    from sqlalchemy import event

    from tenon.core.kernel import Tenon
    from tenon.core.site import Site
    from tenon.graphql.app import create_app

    tenon = Tenon(Site.load(site), extra_plugins=[plugin])
    counter = [0]

    def count(*_args: Any) -> None:
        counter[0] += 1

    # the engines GraphQL operations use (the outbox and Casbin loads use the kernel's sync engine: not
    # counted): the request engine operations run on, and the async engine (housekeeping, idempotency)
    for engine in (tenon.request_engine, tenon.async_engine.sync_engine):
        event.listen(engine, "before_cursor_execute", count)
    app = create_app(tenon)
    app.register(_sql_route(counter))
    return app


@strawberry.type
class BareCustomer:
    name: str


@strawberry.type
class BareItem:
    name: str


@strawberry.type
class BareOrder:
    number: str
    amount: Decimal
    customer: BareCustomer
    item: BareItem


@strawberry.type
class BareOrderList:
    nodes: list[BareOrder]


@strawberry.type
class BareAsyncOrder:
    number: str
    amount: Decimal
    customer_: strawberry.Private[BareCustomer]
    item_: strawberry.Private[BareItem]

    @strawberry.field
    async def customer(self) -> BareCustomer:
        return self.customer_

    @strawberry.field
    async def item(self) -> BareItem:
        return self.item_


@strawberry.type
class BareAsyncOrderList:
    nodes: list[BareAsyncOrder]


BARE_ORDERS: list[BareOrder] = []
BARE_ASYNC_ORDERS: list[BareAsyncOrder] = []


@strawberry.type
class BareQuery:
    @strawberry.field
    async def orders(self, first: int = 50) -> BareOrderList:
        return BareOrderList(nodes=BARE_ORDERS[:first])


@strawberry.type
class BareAsyncQuery:
    @strawberry.field
    async def orders(self, first: int = 50) -> BareAsyncOrderList:
        return BareAsyncOrderList(nodes=BARE_ASYNC_ORDERS[:first])


def bare_app(nested_async: bool = False) -> Any:
    """The ceiling: the same query shape answered from memory by strawberry + Litestar, nothing else.

    ``nested_async``: ``customer`` and ``item`` are ``async`` resolvers (as a DataLoader field outside a prefetched page is),
    which shows what graphql-core's async execution costs by itself.
    """
    from litestar import Litestar
    from strawberry.extensions import ParserCache, ValidationCache
    from strawberry.litestar import make_graphql_controller

    items = [BareItem(name=f"Item {i}") for i in range(N_ITEMS)]
    customers = [BareCustomer(name=f"Customer {i}") for i in range(N_CUSTOMERS)]
    for i in range(N_ORDERS):
        number, amount = f"O-{i:05d}", Decimal(i % 997) + Decimal("0.25")
        customer, item = customers[i % N_CUSTOMERS], items[i % N_ITEMS]
        BARE_ORDERS.append(BareOrder(number=number, amount=amount, customer=customer, item=item))
        BARE_ASYNC_ORDERS.append(BareAsyncOrder(number=number, amount=amount, customer_=customer, item_=item))
    schema = strawberry.Schema(BareAsyncQuery if nested_async else BareQuery,
                               extensions=[lambda: ParserCache(maxsize=256), lambda: ValidationCache(maxsize=256)])
    controller = make_graphql_controller(schema, path="/graphql", graphql_ide=None)
    return Litestar(route_handlers=[controller, _sql_route([0])])


def serve(kind: str, site: str, port: int) -> None:
    import uvicorn

    if kind == "tenon-baseline":  # PYTHONPATH holds the baseline tree: its tenon, and its scopeplug
        sys.path.insert(0, str(Path(os.environ["PYTHONPATH"].split(os.pathsep)[0]) / "tests" / "graphql"))
    app = tenon_app(site) if kind.startswith("tenon") else bare_app(nested_async=kind == "bare-async")
    uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)).run()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(kind: str, site: str, baseline: Path | None = None) -> Any:
    """Start ``kind`` in a subprocess on a free loopback port; yields its base URL; stops it afterwards."""
    import httpx

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(baseline)} if kind == "tenon-baseline" and baseline else None
    proc = subprocess.Popen([sys.executable, __file__, "--serve", kind, "--site", site, "--port", str(port)], env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{kind} server exited with {proc.returncode}")
            try:
                if httpx.get(f"{url}/bench/sql", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{kind} server did not start within 60 s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ------------------------------------------------------------------------------------------- client


async def load(url: str, token: str | None, seconds: float, max_requests: int, concurrency: int) -> dict[str, Any]:
    import httpx

    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body = {"query": QUERY}
    latencies: list[float] = []
    failures = 0
    sent = 0

    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as probe:
        first = (await probe.post("/graphql", json=body)).json()
        assert not first.get("errors"), first["errors"]
        assert len(first["data"]["orders"]["nodes"]) == 100
        for _ in range(20):  # warm up
            await probe.post("/graphql", json=body)
        before = (await probe.get("/bench/sql")).json()

    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal failures, sent
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30,
                                     limits=httpx.Limits(max_connections=1, max_keepalive_connections=1)) as client:
            while sent < max_requests and time.perf_counter() < deadline:
                sent += 1
                t0 = time.perf_counter()
                r = await client.post("/graphql", json=body)
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 200 or b'"errors"' in r.content:
                    failures += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - start

    async with httpx.AsyncClient(base_url=url, timeout=30) as probe:
        after = (await probe.get("/bench/sql")).json()
    n = len(latencies)
    q = statistics.quantiles(latencies, n=100) if n >= 2 else [latencies[0]] * 99
    return {"requests": n, "failures": failures, "seconds": elapsed, "rps": n / elapsed,
            "p50": q[49] * 1000, "p95": q[94] * 1000, "sql": (after["statements"] - before["statements"]) / n,
            "cpu": (after["cpu"] - before["cpu"]) / n * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="time limit of each run")
    parser.add_argument("--requests", type=int, default=2000, help="request limit of each run")
    parser.add_argument("--concurrency", type=int, default=4, help="concurrent keep-alive clients")
    parser.add_argument("--database-url", metavar="URL",
                        help="a PostgreSQL server (postgresql+psycopg://postgres@127.0.0.1:5432/): the site gets "
                             "a fresh database bench_read on it; default SQLite")
    parser.add_argument("--baseline", type=Path, help="another source tree to serve side by side (same migrations)")
    parser.add_argument("--serve", choices=list(KINDS), help=argparse.SUPPRESS)
    parser.add_argument("--site", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.site, args.port)
        return

    import logging

    logging.getLogger("alembic").setLevel(logging.WARNING)
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="tenon-bench-") as tmp:
        site = str(Path(tmp) / "site")
        t0 = time.perf_counter()
        database_url = _fresh_database(args.database_url) if args.database_url else None
        tokens = build_site(Path(site), database_url)
        print(f"site: {'PostgreSQL' if database_url else 'SQLite'}, {N_ITEMS} items + {N_CUSTOMERS} customers + {N_ORDERS} orders "
              f"(built in {time.perf_counter() - t0:.1f} s)")
        print(f"query: {QUERY}")
        import importlib.util

        # what uvicorn's "auto" picks for every server of the run
        loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
        http = "httptools" if importlib.util.find_spec("httptools") else "h11"
        print(f"each run: at most {args.seconds:g} s or {args.requests} requests, {args.concurrency} keep-alive "
              f"clients, 1 uvicorn worker ({loop}, {http}) in a subprocess; machine: 2 cores shared with the client")
        runs = [
            ("tenon-baseline", "baseline tree, scoped rep", tokens["rep"]),
            ("tenon-baseline", "baseline tree, manager", tokens["manager"]),
        ] if args.baseline else []
        runs += [
            ("tenon", "tenon, scoped rep (east+west)", tokens["rep"]),
            ("tenon", "tenon, manager (all rows)", tokens["manager"]),
            ("bare-async", "bare, nested fields async (no DB)", None),
            ("bare", CEILING, None),
        ]
        for kind in dict.fromkeys(k for k, _l, _t in runs):
            with server(kind, site, args.baseline and args.baseline.resolve()) as url:
                for _k, label, token in (r for r in runs if r[0] == kind):
                    results[label] = asyncio.run(load(url, token, args.seconds, args.requests, args.concurrency))

    ceiling = results[CEILING]["rps"]
    print()
    cpu_ceiling = results[CEILING]["cpu"]
    print(f"{'server':38s} {'requests':>8s} {'fail':>4s} {'req/s':>7s} {'p50 ms':>7s} {'p95 ms':>7s} "
          f"{'SQL/req':>7s} {'CPU ms/req':>10s} {'req/s vs ceiling':>16s} {'CPU vs ceiling':>14s}")
    for label, r in results.items():
        print(f"{label:38s} {r['requests']:8d} {r['failures']:4d} {r['rps']:7.1f} {r['p50']:7.1f} {r['p95']:7.1f} "
              f"{r['sql']:7.2f} {r['cpu']:10.2f} {r['rps'] / ceiling:16.2f} {r['cpu'] / cpu_ceiling:13.1f}x")


if __name__ == "__main__":
    main()
