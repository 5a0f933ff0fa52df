"""Cost of the region row scope on the sales order list: scoped vs unscoped, 100k orders.

What it does (bounded; in-process; stops by itself):

1. creates a site in a temporary directory (SQLite, or ``--database-url`` naming an EMPTY
   PostgreSQL database) with the orders plugin, and loads, with bulk inserts as the system
   actor: 20 regions (5 top regions with 3 sub-regions each), 1,000 customers spread over the
   15 sub-regions and 5 top regions, and ``--orders`` sales orders (default 100,000) spread over
   the customers;
2. creates a sales rep with ``regions: ["east"]`` (covers east and its 3 sub-regions: 4 of 20
   regions, about a fifth of the orders) and a sales manager (every row);
3. times the first page of 50 plus ``totalCount`` of ``salesOrders`` (newest first), through
   GraphQL (Litestar's in-process test client: parsing, auth, scopes, SQL, serialisation) and
   through the ORM alone with the kernel's scope bound to the session (``app.transaction(actor)``:
   the same ``region_code IN (...)`` criterion as a request), ``--repeat`` times each after a
   warm-up, the two users interleaved run by run; prints the median and minimum and the ratio
   scoped / unscoped (goal: at most 1.2).

Usage::

    /tmp/venv/bin/python bench/orders_scope.py [--orders 100000] [--repeat 60] [--database-url URL] [--explain]

Figures depend on the machine; compare rows of one run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

QUERY = "{ salesOrders(first: 50) { totalCount nodes { id number state regionCode requestedDate } } }"
TOPS = ["east", "south", "north", "west", "central"]


def build(path: Path, database_url: str | None, n_orders: int) -> Any:
    from sqlalchemy import insert, select

    from tenon.core.db import utcnow
    from tenon.core.installer import init_site
    from tenon.plugins.orders import Customer, Region, SalesOrder, create_region

    app = init_site(path, database_url=database_url, plugins=["orders"])
    t0 = time.perf_counter()
    with app.transaction() as s:
        leaves = []
        for top in TOPS:
            create_region(s, code=top, name=top.title())
            leaves.append(top)
            for k in range(3):
                leaves.append(create_region(s, code=f"{top}-{k}", name=f"{top.title()} {k}", parent_code=top).code)
        regions = {r.code: r.id for r in s.scalars(select(Region))}
        now = utcnow()
        s.execute(insert(Customer), [
            {"code": f"C-{i:05d}", "name": f"Customer {i}", "region_id": regions[leaves[i % len(leaves)]],
             "region_code": leaves[i % len(leaves)], "contacts": [], "created_at": now, "updated_at": now}
            for i in range(1000)])
        customers = s.execute(select(Customer.id, Customer.region_code).order_by(Customer.id)).all()
    states = ["draft", "confirmed", "partially_shipped", "shipped", "done", "cancelled"]
    day0 = dt.date(2025, 1, 1)
    batch = 10_000
    for start in range(0, n_orders, batch):
        with app.transaction() as s:
            rows = []
            for i in range(start, min(start + batch, n_orders)):
                cid, region = customers[(i * 7919) % len(customers)]
                d = day0 + dt.timedelta(days=i % 600)
                rows.append({"number": f"SO-B-{i:07d}", "customer_id": cid, "region_code": region,
                             "state": states[i % len(states)], "order_date": d,
                             "requested_date": d + dt.timedelta(days=21), "priority": "normal",
                             "created_at": now, "updated_at": now})
            s.execute(insert(SalesOrder), rows)
    # statistics and visibility map, as autovacuum (PostgreSQL) or a maintained SQLite site has them
    maintenance = "VACUUM ANALYZE" if app.engine.dialect.name == "postgresql" else "ANALYZE"
    with app.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(maintenance)
    print(f"loaded {n_orders:,} orders, 1,000 customers, 20 regions in {time.perf_counter() - t0:.1f} s "
          f"(then {maintenance})")
    return app


def users(app: Any) -> dict[str, Any]:
    from tenon.core import auth

    out = {}
    with app.transaction() as s:
        for name, roles, attrs in (("rep", ["sales_rep"], {"regions": ["east"]}), ("mgr", ["sales_manager"], {})):
            user = auth.create_user(s, name, roles=roles, attributes=attrs)
            out[name] = (auth.issue_token(s, user, kind="api", name="bench"), auth.actor_of(user))
    app.access.reload()
    return out


def timed_pair(a: Callable[[], Any], b: Callable[[], Any], repeat: int) -> list[tuple[float, float, Any]]:
    """Median and minimum (ms) of ``a`` and ``b``, interleaved run by run so machine noise hits both
    alike (on a busy machine the minimum is the steadier estimate of the work itself)."""
    results = [a(), b()]
    for _ in range(2):
        a(), b()
    samples: list[list[float]] = [[], []]
    for i in range(repeat):
        order = (0, 1) if i % 2 == 0 else (1, 0)
        for k in order:
            t = time.perf_counter()
            results[k] = (a, b)[k]()
            samples[k].append(time.perf_counter() - t)
    out = []
    for k in (0, 1):
        xs = sorted(samples[k])
        out.append((statistics.median(xs) * 1000, xs[0] * 1000, results[k]))
    return out


def orm_page(app: Any, actor: Any) -> Callable[[], tuple[int, int]]:
    from sqlalchemy import func, select

    from tenon.plugins.orders import SalesOrder

    stmt = select(SalesOrder).order_by(SalesOrder.id.desc())

    def run() -> tuple[int, int]:
        with app.transaction(actor=actor) as s:
            page = s.scalars(stmt.limit(51)).all()
            total = s.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
        return len(page[:50]), int(total)

    return run


def graphql_page(http: Any, token: str) -> Callable[[], tuple[int, int]]:
    def run() -> tuple[int, int]:
        r = http.post("/graphql", json={"query": QUERY}, headers={"Authorization": f"Bearer {token}"})
        body = r.json()
        assert not body.get("errors"), body
        data = body["data"]["salesOrders"]
        return len(data["nodes"]), data["totalCount"]

    return run


def explain(app: Any, actor: Any) -> None:
    """Print the plans of the statements the ORM really sends (scope criterion included)."""
    from sqlalchemy import event, func, select

    from tenon.plugins.orders import SalesOrder

    stmt = select(SalesOrder).order_by(SalesOrder.id.desc())
    with app.transaction(actor=actor) as s:
        conn = s.connection()
        prefix = "EXPLAIN QUERY PLAN " if conn.dialect.name == "sqlite" else "EXPLAIN "
        for label, q in (("page", stmt.limit(51)),
                         ("count", select(func.count()).select_from(stmt.order_by(None).subquery()))):
            sent: list[tuple[str, Any]] = []

            def grab(_conn: Any, _cursor: Any, statement: str, params: Any, *_rest: Any) -> None:
                sent.append((statement, params))

            event.listen(conn, "before_cursor_execute", grab)
            try:
                s.execute(q).all()
            finally:
                event.remove(conn, "before_cursor_execute", grab)
            sql, params = sent[-1]
            print(f"-- {actor.username}, {label}: {' '.join(sql.split())[:160]}")
            for row in conn.exec_driver_sql(prefix + sql, params):
                print("     ", " | ".join(str(c) for c in row))


def main() -> None:
    parser = argparse.ArgumentParser(description="scoped vs unscoped sales order list")
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--database-url", default=None, help="an EMPTY PostgreSQL database (default: SQLite)")
    parser.add_argument("--explain", action="store_true", help="print the query plans (ORM statements)")
    args = parser.parse_args()

    import logging

    logging.disable(logging.INFO)
    from litestar.testing import TestClient

    from tenon.graphql.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        app = build(Path(tmp) / "site", args.database_url, args.orders)
        who = users(app)
        print(f"database: {app.engine.dialect.name}; {args.repeat} interleaved timed runs each after 3 warm-ups; "
              f"rep covers regions east + 3 sub-regions")
        rows = []
        with TestClient(create_app(app)) as http:
            for label, make in (("GraphQL salesOrders(first: 50) + totalCount", lambda u: graphql_page(http, who[u][0])),
                                ("ORM page of 50 + count, scope bound", lambda u: orm_page(app, who[u][1]))):
                mgr, rep = timed_pair(make("mgr"), make("rep"), args.repeat)
                rows.append((label, mgr, rep))
        print()
        print(f"{'median (min), ms':46} {'unscoped (manager)':>22} {'scoped (rep, east)':>22} {'ratio':>14}")
        for label, (m50, mmin, mres), (r50, rmin, rres) in rows:
            print(f"{label:46} {m50:11.2f} ({mmin:6.2f}) {r50:14.2f} ({rmin:6.2f}) {r50 / m50:7.2f} ({rmin / mmin:.2f})")
            print(f"{'':46} {'rows ' + str(mres[0]) + ' of ' + format(mres[1], ','):>22} "
                  f"{'rows ' + str(rres[0]) + ' of ' + format(rres[1], ','):>22}")
        print("\ngoal: scoped / unscoped <= 1.2 (ratio of medians, of minimums in parentheses)")
        if args.explain:
            print()
            explain(app, who["rep"][1])
            explain(app, who["mgr"][1])
        app.dispose()


if __name__ == "__main__":
    main()
