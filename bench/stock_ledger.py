"""Stock ledger benchmark: on-hand lookup time as the ledger grows, and moves posted per second.

What it does (bounded; in-process; stops by itself):

1. creates a site in a temporary directory (SQLite, or ``--database-url`` naming an EMPTY
   PostgreSQL database) with the stock plugin, 500 products and 3 extra internal locations;
2. loads a ledger history with fast bulk inserts (not through the services): receipts from the
   supplier location, transfers between internal locations and shipments to the customer location,
   never taking an internal location below zero; the balances are written to match (so
   ``check_balances`` agrees). Sizes: ``--sizes 10000,1000000`` moves, cumulative;
3. at each size, times ``on_hand(product, location)`` (one indexed balance lookup) and
   ``on_hand(product)`` (all internal locations) for random products, next to the same figure
   computed by summing the moves (what a ledger without balances would cost);
4. posts moves through the service (``ledger.move_stock``: conditional UPDATE + upsert + move row),
   one unit of work per move and 100 moves per unit of work, and prints moves/s;
5. optionally (``--check``) times ``tenon stock check`` over the whole ledger.

Usage::

    /tmp/venv/bin/python bench/stock_ledger.py [--sizes 10000,1000000] [--lookups 2000]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_stock] [--check]
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select, text

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

N_PRODUCTS = 500


def build_site(database_url: str | None) -> Any:
    from tenon.core.installer import init_site

    path = Path(tempfile.mkdtemp(prefix="tenon-bench-stock-"))
    return init_site(path, database_url=database_url, plugins=["stock"])


def master_data(app: Any) -> tuple[list[int], list[int], int, int]:
    from tenon.plugins.stock.services import products
    from tenon.plugins.stock import default_stock_location, virtual_location
    from tenon.plugins.stock.models import Product, Uom

    with app.transaction() as s:
        stock = default_stock_location(s)
        locs = [stock.id] + [products.create_location(s, code=f"WH/B-{i:02d}", name=f"Bin {i}", parent_id=stock.parent_id).id
                             for i in range(1, 4)]
        supplier, customer = virtual_location(s, "supplier").id, virtual_location(s, "customer").id
        s.execute(insert(Product), [{"code": f"BP-{i:05d}", "name": f"Bench part {i}", "unit": "pcs",
                                     "kind": "raw_material", "tracking": "none", "reorder_point": Decimal(0),
                                     "active": True, "version": 1} for i in range(N_PRODUCTS)])
        assert s.scalar(select(Uom.id).where(Uom.code == "pcs"))
        pids = list(s.scalars(select(Product.id).order_by(Product.id)))
    return pids, locs, supplier, customer


class History:
    """Generates a plausible ledger and keeps the running balances it implies."""

    def __init__(self, pids: list[int], locs: list[int], supplier: int, customer: int, seed: int = 7) -> None:
        self.pids, self.locs, self.supplier, self.customer = pids, locs, supplier, customer
        self.rng = random.Random(seed)
        self.bal: dict[tuple[int, int], int] = {}

    def rows(self, n: int) -> list[tuple[Any, ...]]:
        rng, out = self.rng, []
        for _ in range(n):
            p = rng.choice(self.pids)
            r = rng.random()
            q = rng.randint(1, 20)
            if r < 0.45:
                frm, to = self.supplier, rng.choice(self.locs)
            else:
                frm = rng.choice(self.locs)
                to = self.customer if r < 0.8 else rng.choice([x for x in self.locs if x != frm])
                have = self.bal.get((p, frm), 0)
                if have < q:  # never below zero: receive instead
                    frm, to = self.supplier, frm
            self.bal[(p, frm)] = self.bal.get((p, frm), 0) - q
            self.bal[(p, to)] = self.bal.get((p, to), 0) + q
            out.append((p, q, frm, to))
        return out


def bulk_insert_moves(app: Any, rows: list[tuple[Any, ...]]) -> float:
    """Insert done moves as fast as the backend allows: COPY on PostgreSQL, executemany on SQLite."""
    t0 = time.perf_counter()
    now = "2026-01-01 00:00:00+00"
    if app.engine.dialect.name == "postgresql":
        raw = app.engine.raw_connection()
        try:
            cur = raw.cursor()
            cols = "product_id, quantity, from_location_id, to_location_id, state, origin_type, reference, done_at, done_by"
            with cur.copy(f"COPY stock_move ({cols}) FROM STDIN") as copy:
                for p, q, f, t in rows:
                    copy.write_row((p, q, f, t, "done", "bench.history", "", now, "bench"))
            raw.commit()
        finally:
            raw.close()
    else:
        raw = app.engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.executemany(
                "INSERT INTO stock_move (product_id, quantity, from_location_id, to_location_id, state, origin_type,"
                " reference, done_at, done_by, created_at, updated_at) VALUES (?,?,?,?,'done','bench.history','',?,"
                "'bench',?,?)", [(p, q, f, t, now, now, now) for p, q, f, t in rows])
            raw.commit()
        finally:
            raw.close()
    return time.perf_counter() - t0


def write_balances(app: Any, hist: History, internal: set[int]) -> None:
    from tenon.plugins.stock import Balance

    with app.transaction() as s:
        s.execute(delete(Balance).where(Balance.product_id.in_(hist.pids)))
        s.execute(insert(Balance), [{"product_id": p, "location_id": loc, "lot_id": None, "lot_key": 0,
                                     "internal": loc in internal, "quantity": Decimal(q), "reserved": Decimal(0)}
                                    for (p, loc), q in hist.bal.items()])
    if app.engine.dialect.name == "postgresql":
        with app.engine.connect() as c:
            c.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE stock_move; ANALYZE stock_balance"))
    else:
        with app.engine.begin() as c:
            c.execute(text("ANALYZE"))


def time_lookups(app: Any, hist: History, n: int) -> dict[str, float]:
    """Microseconds per lookup (median of batches), balance-based vs summing the ledger."""
    from tenon.plugins.stock import on_hand
    from tenon.plugins.stock import Move

    rng = random.Random(11)
    keys = [(rng.choice(hist.pids), rng.choice(hist.locs)) for _ in range(n)]
    out = {}
    with app.transaction() as s:
        for label, fn in (
            ("on_hand(product, location)", lambda p, loc: on_hand(s, p, loc)),
            ("on_hand(product)", lambda p, loc: on_hand(s, p)),
        ):
            fn(*keys[0])  # warm
            rounds = []
            for _round in range(3):  # best of 3 medians: the figure is noisy on a shared machine
                gc.collect()
                batches = []
                for i in range(0, n, 100):
                    t0 = time.perf_counter()
                    for p, loc in keys[i:i + 100]:
                        fn(p, loc)
                    batches.append((time.perf_counter() - t0) / len(keys[i:i + 100]))
                rounds.append(statistics.median(batches))
            out[label] = min(rounds) * 1e6
        # the ledger-only alternative, on fewer keys (it is slow on big ledgers)
        m = min(n, 200)
        t0 = time.perf_counter()
        for p, loc in keys[:m]:
            inflow = s.scalar(select(func.coalesce(func.sum(Move.quantity), 0)).where(
                Move.product_id == p, Move.to_location_id == loc, Move.state == "done"))
            outflow = s.scalar(select(func.coalesce(func.sum(Move.quantity), 0)).where(
                Move.product_id == p, Move.from_location_id == loc, Move.state == "done"))
            _ = inflow - outflow
        out["sum of moves (no balances)"] = (time.perf_counter() - t0) / m * 1e6
        # correctness spot check: balances equal the ledger for the sampled keys
        p, loc = keys[0]
        assert on_hand(s, p, loc) == Decimal(hist.bal.get((p, loc), 0))
    return out


def service_rate(app: Any, pids: list[int], locs: list[int], n_single: int, n_batched: int) -> dict[str, float]:
    from tenon.plugins.stock import move_stock

    rng = random.Random(3)
    out = {}

    def one(s: Any) -> None:
        p = rng.choice(pids)
        frm, to = rng.sample(locs, 2)
        from tenon.plugins.stock import available

        if available(s, p, frm) < 1:
            frm, to = to, frm
        move_stock(s, product_id=p, quantity=Decimal(1), from_location_id=frm, to_location_id=to,
                   origin_type="bench.service")

    t0 = time.perf_counter()
    for _ in range(n_single):
        with app.transaction(operation="bench:move") as s:  # audited, like a GraphQL mutation
            one(s)
    out["1 move per transaction (audited)"] = n_single / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    done = 0
    while done < n_batched:
        with app.transaction(operation="bench:moves") as s:
            for _ in range(100):
                one(s)
        done += 100
    out["100 moves per transaction (audited)"] = done / (time.perf_counter() - t0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,1000000", help="Cumulative ledger sizes to measure at.")
    ap.add_argument("--lookups", type=int, default=2000)
    ap.add_argument("--database-url", default=None, help="An EMPTY PostgreSQL database (default: SQLite in a temp dir).")
    ap.add_argument("--service-moves", type=int, default=1000)
    ap.add_argument("--check", action="store_true", help="Also time the balance check over the whole ledger.")
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]

    app = build_site(args.database_url)
    print(f"backend: {app.engine.dialect.name}; site {app.site.path}")
    pids, locs, supplier, customer = master_data(app)
    hist = History(pids, locs, supplier, customer)
    loaded = 0
    for size in sizes:
        rows = hist.rows(size - loaded)
        secs = bulk_insert_moves(app, rows)
        loaded = size
        write_balances(app, hist, set(locs))
        print(f"\nledger: {loaded:,} moves ({len(rows):,} bulk-inserted in {secs:.1f} s, "
              f"{len(rows) / secs:,.0f} rows/s); {len(hist.bal):,} balance rows")
        for label, us in time_lookups(app, hist, args.lookups).items():
            print(f"  {label:<30} {us:10.1f} µs per lookup")
    print(f"\nposting through the service (ledger.move_stock) on a {loaded:,}-move ledger:")
    for label, rate in service_rate(app, pids, locs, args.service_moves, args.service_moves).items():
        print(f"  {label:<38} {rate:8.0f} moves/s")
    if args.check:
        from tenon.plugins.stock.ledger import check_balances

        t0 = time.perf_counter()
        with app.transaction() as s:
            problems = check_balances(s)
        print(f"\nstock check over {loaded:,} moves: {time.perf_counter() - t0:.1f} s, {len(problems)} differences")
    app.dispose()


if __name__ == "__main__":
    main()
