"""Scale benchmark: list pages, counts, on-hand and the order dashboard at a million orders and ten
million stock moves, on PostgreSQL, through the real server.

What it does (PostgreSQL only; loopback only; stops by itself):

1. creates (or with ``--reuse`` keeps) a database ``bench_scale_<orders>_<moves>`` with the demo site
   (``tenon demo``: users, regions, customers, products, locations);
2. bulk-loads ``--orders`` sales orders (one line each, states spread over the life cycle, the demo's
   customers and their regions) and ``--moves`` done stock moves between the demo's locations,
   server-side (``INSERT ... SELECT generate_series``, in chunks), then ``VACUUM ANALYZE``;
3. serves it with ``tenon serve`` (one worker) and, one client with keep-alive, sends each query
   ``--requests`` times as an unscoped sales manager and as a scoped sales rep (the row scope is in
   every statement): the page alone, the page with ``totalCount``, the order dashboard
   (``orderProgress``), on-hand of a product (``product { onHand }``), stock levels and the move list;
4. prints p50/p95 per query, and the plain SQL ``count(*)`` time beside it (``EXPLAIN ANALYZE``),
   unscoped and with the rep's region criterion: the floor an unfiltered ``totalCount`` would have
   without the maintained per-region counter (``orders_sales_order_count``, which it reads instead).

Loading 1M orders and 10M moves takes minutes; sizes are flags, and the database is kept for later
runs with ``--reuse``. Figures depend on the machine and on what else runs on it.

Usage::

    .venv/bin/python bench/scale.py [--orders 1000000] [--moves 10000000] [--requests 30] [--reuse]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

ORDER_STATES = ("draft", "confirmed", "in_production", "ready", "partially_shipped", "shipped", "done", "cancelled")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _required(conn: Any, table: str) -> set[str]:
    from sqlalchemy import text

    rows = conn.execute(text("SELECT column_name FROM information_schema.columns WHERE table_name = :t "
                             "AND is_nullable = 'NO' AND column_default IS NULL"), {"t": table}).scalars()
    return set(rows)


def bulk(conn: Any, table: str, n: int, columns: dict[str, str], from_: str, chunk: int, label: str) -> None:
    """``INSERT INTO table (columns) SELECT exprs FROM generate_series(lo, hi) g <from_>`` in chunks."""
    from sqlalchemy import text

    missing = _required(conn, table) - set(columns) - {"id"}
    if missing:
        raise SystemExit(f"{table}: no value for the required column(s) {sorted(missing)}")
    names = ", ".join(columns)
    exprs = ", ".join(columns.values())
    started = time.perf_counter()
    for lo in range(1, n + 1, chunk):
        hi = min(lo + chunk - 1, n)
        conn.execute(text(f"INSERT INTO {table} ({names}) SELECT {exprs} FROM generate_series({lo}, {hi}) g {from_}"))
        conn.commit()
        print(f"  {label}: {hi:,}/{n:,} ({time.perf_counter() - started:.0f} s)", flush=True)


def load(url: str, orders: int, moves: int, chunk: int) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        # bulk rows reference existing demo rows by construction: skip the per-row FK triggers
        conn.execute(text("SET session_replication_role = replica"))
        customers = conn.execute(text("SELECT count(*) FROM orders_customer")).scalar_one()
        products = conn.execute(text("SELECT count(*) FROM stock_product")).scalar_one()
        internal = conn.execute(text("SELECT count(*) FROM stock_location WHERE kind = 'internal'")).scalar_one()
        print(f"demo data: {customers} customers, {products} products, {internal} internal locations", flush=True)
        conn.execute(text("CREATE TEMP TABLE bench_customer AS SELECT id, region_code, "
                          "row_number() OVER (ORDER BY id) - 1 AS k FROM orders_customer"))
        conn.execute(text("CREATE TEMP TABLE bench_product AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS k "
                          "FROM stock_product"))
        conn.execute(text("CREATE TEMP TABLE bench_location AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS k "
                          "FROM stock_location WHERE kind = 'internal'"))
        conn.commit()
        states = "ARRAY[" + ", ".join(f"'{s}'" for s in ORDER_STATES) + "]"
        audit = {"created_at": "now()", "updated_at": "now()", "created_by": "'bench'", "updated_by": "'bench'",
                 "version": "1"}
        bulk(conn, "orders_sales_order", orders, {
            "number": "'BK-' || lpad(g::text, 9, '0')", "customer_id": "c.id", "region_code": "c.region_code",
            "state": f"({states})[1 + g % {len(ORDER_STATES)}]", "order_date": "date '2024-01-01' + (g % 900)",
            "requested_date": "date '2024-01-15' + (g % 900)", "priority": "'normal'",
            "customer_reference": "'REF-' || (g % 100000)", "notes": "''", "cancel_reason": "''", **audit,
        }, f"JOIN bench_customer c ON c.k = g % {customers}", chunk, "orders")
        first_order = conn.execute(text("SELECT min(id) FROM orders_sales_order WHERE number LIKE 'BK-%'")).scalar_one()
        line_columns = {
            "order_id": f"{first_order} + g - 1", "region_code": "o.region_code", "position": "1",
            "product_id": "p.id", "quantity": "1 + g % 20", "unit_price": "10", "produced_quantity": "0",
            "shipped_quantity": "CASE WHEN o.state IN ('shipped', 'done') THEN 1 + g % 20 ELSE 0 END",
        }
        required = _required(conn, "orders_sales_order_line")
        line_columns.update({k: v for k, v in audit.items() if k in required})
        bulk(conn, "orders_sales_order_line", orders, line_columns,
             f"JOIN orders_sales_order o ON o.id = {first_order} + g - 1 JOIN bench_product p ON p.k = g % {products}",
             chunk, "order lines")
        move_columns = {
            "product_id": "p.id", "quantity": "1 + g % 50", "from_location_id": "a.id", "to_location_id": "b.id",
            "state": "'done'", "reference": "'BK-MOVE'", "done_at": "timestamp '2024-01-01' + (g % 900) * interval '1 day'",
            "done_by": "'bench'",
        }
        required = _required(conn, "stock_move")
        move_columns.update({k: v for k, v in audit.items() if k in required})
        bulk(conn, "stock_move", moves, move_columns,
             f"JOIN bench_product p ON p.k = g % {products} "
             f"JOIN bench_location a ON a.k = g % {internal} JOIN bench_location b ON b.k = (g + 1) % {internal}",
             chunk, "stock moves")
        # the rows above bypassed the ORM: recount the maintained per-region order counter
        from tenon.plugins.orders.models import SALES_ORDER_COUNTER

        started = time.perf_counter()
        SALES_ORDER_COUNTER.rebuild(conn)
        conn.commit()
        print(f"  order counter rebuilt ({time.perf_counter() - started:.1f} s)", flush=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        started = time.perf_counter()
        conn.execute(text("VACUUM ANALYZE"))
        print(f"  VACUUM ANALYZE ({time.perf_counter() - started:.0f} s)", flush=True)
    engine.dispose()


def build(base_url: str, name: str, args: argparse.Namespace, site_dir: Path) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from tenon.core.demo import load_demo
    from tenon.core.installer import init_site

    url = make_url(base_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        exists = c.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is not None
        if exists and not args.reuse:
            c.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        if not exists or not args.reuse:
            c.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    db_url = url.set(database=name).render_as_string(hide_password=False)
    if exists and args.reuse:
        print(f"reusing database {name}", flush=True)
        from tenon.core.site import Site

        Site.create(site_dir, db_url)
        from tenon.core.audit import create_key

        create_key(site_dir)
        # a database loaded by an older checkout: bring its tables to this one's (timed: the
        # orders counter's migration backfills from every order)
        from tenon.core.installer import migrate_all
        from tenon.core.kernel import Tenon

        started = time.perf_counter()
        app = Tenon(Site.load(site_dir))
        upgraded = migrate_all(app)
        app.dispose()
        print(f"migrated ({time.perf_counter() - started:.1f} s; versions updated: "
              f"{', '.join(u.plugin for u in upgraded) or 'none'})", flush=True)
        return db_url
    app = init_site(site_dir, database_url=db_url)
    load_demo(app)
    app.dispose()
    load(db_url, args.orders, args.moves, args.chunk)
    return db_url


class Client:
    def __init__(self, base: str) -> None:
        import httpx

        self.http = httpx.Client(base_url=base, timeout=120)

    def post(self, query: str, token: str | None = None, **variables: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        body = self.http.post("/graphql", json={"query": query, "variables": variables}, headers=headers).json()
        if body.get("errors"):
            raise RuntimeError(f"{query[:80]}: {body['errors'][0]}")
        return body["data"]

    def login(self, username: str) -> str:
        return self.post("mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
                         u=username, p=f"{username}-demo")["login"]["token"]


QUERIES = {
    "salesOrders page (50)": "{ salesOrders(first: 50) { nodes { number state regionCode } } }",
    "salesOrders page + totalCount": "{ salesOrders(first: 50) { totalCount nodes { number state regionCode } } }",
    "salesOrders totalCount only": "{ salesOrders(first: 50) { totalCount } }",
    "salesOrders state filter + totalCount": "{ salesOrders(first: 50, filter: {states: [CONFIRMED]}) "
                                             "{ totalCount nodes { number } } }",
    "orderProgress (dashboard) + totalCount": "{ orderProgress(first: 50) { totalCount nodes { number state "
                                              "ordered shipped percentComplete overdue } } }",
}
STOCK_QUERIES = {
    "product onHand": "query($id: ID!) { product(id: $id) { onHand reserved available } }",
    "stockLevels page (50)": "{ stockLevels(first: 50) { nodes { onHand product { code } location { code } } } }",
    "moves page (50) + totalCount": "{ moves(first: 50) { totalCount nodes { quantity state } } }",
}


def measure(client: Client, query: str, token: str, requests: int, **variables: Any) -> tuple[float, float]:
    client.post(query, token, **variables)  # warm
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.post(query, token, **variables)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def sql_count(url: str, where: str = "") -> float:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as c:
        plan = c.execute(text(f"EXPLAIN (ANALYZE, FORMAT JSON) SELECT count(*) FROM orders_sales_order {where}")
                         ).scalar_one()
    engine.dispose()
    return float(plan[0]["Execution Time"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/",
                        help="the PostgreSQL server (a database is created on it)")
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--moves", type=int, default=10_000_000)
    parser.add_argument("--chunk", type=int, default=500_000, help="rows per INSERT ... SELECT")
    parser.add_argument("--requests", type=int, default=30, help="requests per query")
    parser.add_argument("--reuse", action="store_true", help="keep and reuse the loaded database")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args()
    name = f"bench_scale_{args.orders}_{args.moves}"
    site_dir = Path(tempfile.mkdtemp(prefix="tenon-bench-scale-"))
    started = time.perf_counter()
    url = build(args.database_url, name, args, site_dir / "site")
    print(f"database ready ({time.perf_counter() - started:.0f} s)", flush=True)

    port = _free_port()
    log = open(site_dir / "serve.log", "wb")
    env = {**os.environ, "TENON_LOG_LEVEL": "WARNING"}
    env.pop("TENON_DATABASE_URL", None)
    proc = subprocess.Popen([str(Path(sys.executable).with_name("tenon")), "--site", str(site_dir / "site"), "serve",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit((site_dir / "serve.log").read_text()[-3000:])
            time.sleep(0.3)
        client = Client(base)
        users = {"salesmgr (unscoped)": client.login("salesmgr"), "rep_east (scoped)": client.login("rep_east")}
        clerk = client.login("clerk")
        product = client.post("{ products(first: 1) { nodes { id } } }", clerk)["products"]["nodes"][0]["id"]
        counts = {who: client.post("{ salesOrders(first: 1) { totalCount } }", token)["salesOrders"]["totalCount"]
                  for who, token in users.items()}
        print(f"\n{args.orders:,} bulk orders, {args.moves:,} bulk moves; orders visible: "
              + ", ".join(f"{who} {n:,}" for who, n in counts.items()))
        print(f"\n{'query':<42}{'who':<22}{'p50 ms':>9}{'p95 ms':>9}")
        for label, query in QUERIES.items():
            for who, token in users.items():
                p50, p95 = measure(client, query, token, args.requests)
                print(f"{label:<42}{who:<22}{p50:>9.1f}{p95:>9.1f}", flush=True)
        for label, query in STOCK_QUERIES.items():
            p50, p95 = measure(client, query, clerk, args.requests, **({"id": product} if "$id" in query else {}))
            print(f"{label:<42}{'clerk':<22}{p50:>9.1f}{p95:>9.1f}", flush=True)
        east = ("WHERE region_code IN (SELECT code FROM orders_region WHERE path LIKE '%/east/%')")
        print(f"\nplain SQL: SELECT count(*) FROM orders_sales_order: {sql_count(url):.1f} ms unscoped, "
              f"{sql_count(url, east):.1f} ms with rep_east's regions (the floor without the counter)")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
        if args.drop:
            from sqlalchemy import create_engine, text
            from sqlalchemy.engine import make_url

            admin = create_engine(make_url(args.database_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
