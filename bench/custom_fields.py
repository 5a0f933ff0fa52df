"""Custom fields: a filtered product list vs the same list filtered on a column, and the schema rebuild.

What it does (bounded; in-process; stops by itself):

1. creates a site in a temporary directory (SQLite, or ``--database-url`` naming an EMPTY
   PostgreSQL database) with stock and studio, defines two product fields (a decimal
   ``surface_roughness_ra`` and a choice ``finish``) and bulk-inserts ``--products`` products
   (default 50,000) with values as the system actor;
2. times the first page of 50 plus ``totalCount`` of ``products`` through GraphQL (Litestar's
   in-process test client) filtered on a plain column (``kind``: the reference), on the choice field
   (equality: JSONB containment, GIN index on PostgreSQL) and on the decimal field (a range: its
   expression index on PostgreSQL), ``--repeat`` times each after a warm-up, interleaved; prints
   the median and minimum and the ratio to the reference;
3. times what a definition costs a running server: ``Tenon.load`` plus ``build_schema`` of the
   plugin set with the two fields (what a server does on its next check after ``customFieldDefine``).

Usage::

    .venv/bin/python bench/custom_fields.py [--products 50000] [--repeat 30] [--database-url URL]

Figures depend on the machine; compare rows of one run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

QUERIES = {
    "column kind (reference)": '{ products(first: 50, filter: {kind: "raw_material"}) { totalCount nodes { code } } }',
    "custom choice eq": '{ products(first: 50, filter: {customFields: {finish: {eq: "ground"}}}) '
                        "{ totalCount nodes { code customFields { finish } } } }",
    "custom decimal range": '{ products(first: 50, filter: {customFields: {surfaceRoughnessRa: {lte: "0.4"}}}) '
                            "{ totalCount nodes { code customFields { surfaceRoughnessRa } } } }",
}


def build(path: Path, database_url: str | None, n: int) -> Any:
    import datetime as dt

    from sqlalchemy import insert, select

    from tenon.core.db import utcnow
    from tenon.core.installer import init_site
    from tenon.plugins.stock import Product
    from tenon.plugins.studio.models import FieldValue
    from tenon.plugins.studio.services import fields

    app = init_site(path, database_url=database_url, plugins=["stock", "studio"])
    meta = {"owner": "bench", "purpose": "bench", "review_date": dt.date(2030, 1, 1), "label_zh": "x", "label_en": "x"}
    with app.transaction() as s:
        fields.define(s, entity="stock.product", code="surface_roughness_ra", kind="decimal", scale=2, **meta)
        fields.define(s, entity="stock.product", code="finish", kind="choice", choices=["ground", "turned", "cast"], **meta)
    kinds = ["raw_material", "semi_finished", "finished", "consumable"]
    now = utcnow()
    for start in range(0, n, 10_000):
        with app.transaction() as s:
            s.execute(insert(Product), [{"code": f"P-B-{i:07d}", "name": f"Part {i}", "unit": "pcs",
                                         "kind": kinds[i % 4], "tracking": "none", "created_at": now,
                                         "updated_at": now} for i in range(start, min(start + 10_000, n))])
            ids = s.scalars(select(Product.id).where(Product.code >= f"P-B-{start:07d}",
                                                     Product.code < f"P-B-{start + 10_000:07d}")).all()
            s.execute(insert(FieldValue), [{"entity": "stock.product", "record_id": pid, "created_at": now,
                                            "updated_at": now,
                                            "data": {"surface_roughness_ra": f"{(pid * 37 % 2500) / 100:.2f}",
                                                     "finish": ["ground", "turned", "cast"][pid % 3]}}
                                           for pid in ids])
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    from litestar.testing import TestClient

    from tenon.core.kernel import Tenon
    from tenon.graphql.app import create_app
    from tenon.graphql.compose import build_schema
    from tenon.testing import create_user

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        app = build(Path(tmp) / "site", args.database_url, args.products)
        print(f"site: {app.engine.dialect.name}, {args.products} products with values, built in "
              f"{time.perf_counter() - t0:.1f} s")
        token = create_user(app, "bench_admin", roles=["admin"])
        times: dict[str, list[float]] = {k: [] for k in QUERIES}
        with TestClient(create_app(app)) as client:
            headers = {"Authorization": f"Bearer {token}"}
            counts = {}
            for name, q in QUERIES.items():  # warm-up
                body = client.post("/graphql", json={"query": q}, headers=headers).json()
                assert not body.get("errors"), body
                counts[name] = body["data"]["products"]["totalCount"]
            for _ in range(args.repeat):
                for name, q in QUERIES.items():
                    t = time.perf_counter()
                    client.post("/graphql", json={"query": q}, headers=headers)
                    times[name].append((time.perf_counter() - t) * 1000)
        ref = statistics.median(times["column kind (reference)"])
        print(f"{'products(first: 50) + totalCount':34} {'matches':>8} {'median ms':>10} {'min ms':>8} {'ratio':>6}")
        for name, ts in times.items():
            med = statistics.median(ts)
            print(f"{name:34} {counts[name]:8d} {med:10.1f} {min(ts):8.1f} {med / ref:6.2f}")

        rebuild = []
        for _ in range(5):
            t = time.perf_counter()
            fresh = Tenon(app.site)
            build_schema(fresh)
            rebuild.append((time.perf_counter() - t) * 1000)
            fresh.dispose()
        print(f"schema rebuild after a definition (Tenon.load + build_schema): median "
              f"{statistics.median(rebuild):.0f} ms, min {min(rebuild):.0f} ms (servers check every 1 s)")
        app.dispose()


if __name__ == "__main__":
    main()
