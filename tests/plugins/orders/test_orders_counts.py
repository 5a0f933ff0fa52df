"""``salesOrders { totalCount }`` from the maintained per-region counter (``orders_sales_order_count``).

Site: ``helpers.orders_site`` (east ⊃ zhejiang, south, north; rep_east sees east and zhejiang,
rep_two east and south, rep_none nothing, salesmgr everything). The unfiltered list reads its
count from the counter rows; it must equal the number of rows the same user pages through,
after creates, cancels, an order moved to another region and deletes. A filtered list (any
filter argument, custom-field criteria) counts its rows.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import delete, insert, select, update

from tenon.core.testing import count_statements

from .helpers import CANCEL_ORDER, CREATE_ORDER, line, orders_site

READERS = ("salesmgr", "rep_east", "rep_south", "rep_two", "rep_none")
PAGE = """query($first: Int, $after: String, $f: SalesOrderFilter) {
    salesOrders(first: $first, after: $after, filter: $f) {
      totalCount nodes { id regionCode } pageInfo { hasNextPage endCursor } } }"""
COUNT = "query { salesOrders(first: 1) { totalCount } }"


def paged(client, f=None) -> tuple[int, list[str]]:
    """(totalCount of the first page, every row's region paging through by 2)."""
    rows, after, total = [], None, None
    while True:
        data = client.ok(PAGE, {"first": 2, "after": after, "f": f})["salesOrders"]
        total = data["totalCount"] if total is None else total
        assert data["totalCount"] == total
        rows += [n["regionCode"] for n in data["nodes"]]
        if not data["pageInfo"]["hasNextPage"]:
            return total, rows
        after = data["pageInfo"]["endCursor"]


def check(site, expected: dict[str, int] | None = None) -> dict[str, int]:
    out = {}
    for who in READERS:
        total, rows = paged(site[who])
        assert total == len(rows), (who, total, rows)
        out[who] = total
    if expected is not None:
        assert out == expected
    return out


def order(site, customer: str, who: str = "salesmgr") -> dict:
    return site[who].ok(CREATE_ORDER, {"i": {"customerId": str(site.ids[customer]),
                                             "lines": [line(site.ids["BD-01"], 1)]}})["salesOrderCreate"]


def test_unfiltered_count_follows_creates_cancels_region_moves_and_deletes(make_app, make_client):
    from tenon.plugins.orders import SalesOrder

    site = orders_site(make_app, make_client)
    check(site, {"salesmgr": 0, "rep_east": 0, "rep_south": 0, "rep_two": 0, "rep_none": 0})
    east = [order(site, "C-EAST", "rep_east") for _ in range(3)]
    zj = order(site, "C-ZJ")
    south = [order(site, "C-SOUTH", "rep_south") for _ in range(2)]
    order(site, "C-NORTH")
    check(site, {"salesmgr": 7, "rep_east": 4, "rep_south": 2, "rep_two": 6, "rep_none": 0})

    # a cancelled order stays in the list (and in the count)
    site["rep_east"].ok(CANCEL_ORDER, {"id": east[0]["id"], "r": "duplicate"})
    check(site, {"salesmgr": 7, "rep_east": 4, "rep_south": 2, "rep_two": 6, "rep_none": 0})

    # a refused create (outside the rep's regions) leaves no count behind
    assert site["rep_east"].error(CREATE_ORDER, {"i": {"customerId": str(site.ids["C-SOUTH"]),
                                                       "lines": [line(site.ids["BD-01"], 1)]}})["extensions"][
        "code"] == "NOT_FOUND"
    # moving the customer does not move its orders (an order keeps the region it was sold in)
    site["salesmgr"].ok("mutation($i: CustomerUpdateInput!) { customerUpdate(input: $i) { regionCode } }",
                        {"i": {"id": str(site.ids["C-ZJ"]), "regionCode": "north"}})
    check(site, {"salesmgr": 7, "rep_east": 4, "rep_south": 2, "rep_two": 6, "rep_none": 0})

    # no mutation changes an order's region or deletes one; the counter follows the ORM anyway
    with site.app.transaction(operation="test:move") as s:
        s.get(SalesOrder, int(zj["id"])).region_code = "south"  # old value not loaded before the set
    check(site, {"salesmgr": 7, "rep_east": 3, "rep_south": 3, "rep_two": 6, "rep_none": 0})
    with site.app.transaction(operation="test:delete") as s:
        s.delete(s.get(SalesOrder, int(east[1]["id"])))
    check(site, {"salesmgr": 6, "rep_east": 2, "rep_south": 3, "rep_two": 5, "rep_none": 0})
    with site.app.transaction(operation="test:bulk delete") as s:
        s.execute(delete(SalesOrder).where(SalesOrder.id == int(south[0]["id"])))
    check(site, {"salesmgr": 5, "rep_east": 2, "rep_south": 2, "rep_two": 4, "rep_none": 0})
    # a transaction that fails leaves the counter as it was
    with pytest.raises(RuntimeError), site.app.transaction(operation="test:rollback") as s:
        s.delete(s.get(SalesOrder, int(south[1]["id"])))
        s.flush()
        raise RuntimeError("abort")
    check(site, {"salesmgr": 5, "rep_east": 2, "rep_south": 2, "rep_two": 4, "rep_none": 0})


def test_bulk_orm_inserts_are_counted_and_bulk_region_updates_refused(make_app, make_client):
    import datetime as dt

    from tenon.plugins.orders import SalesOrder

    site = orders_site(make_app, make_client)
    rows = [{"number": f"B-{i}", "customer_id": site.ids["C-SOUTH"], "region_code": "south", "state": "draft",
             "order_date": dt.date(2026, 1, 1)} for i in range(3)]
    with site.app.transaction(operation="test:bulk") as s:
        s.execute(insert(SalesOrder), rows)
    check(site, {"salesmgr": 3, "rep_east": 0, "rep_south": 3, "rep_two": 3, "rep_none": 0})
    with pytest.raises(NotImplementedError), site.app.transaction(operation="test:bulk update") as s:
        s.execute(update(SalesOrder).values(region_code="east"))
    with pytest.raises(NotImplementedError), site.app.transaction(operation="test:insert select") as s:
        s.execute(insert(SalesOrder).from_select(["number"], select(SalesOrder.number)))
    check(site, {"salesmgr": 3, "rep_east": 0, "rep_south": 3, "rep_two": 3, "rep_none": 0})


def test_filtered_lists_count_their_rows(make_app, make_client):
    site = orders_site(make_app, make_client)
    for customer in ("C-EAST", "C-EAST", "C-ZJ", "C-SOUTH", "C-NORTH"):
        order(site, customer)
    for who, f, n in (("salesmgr", {"regionCode": "east"}, 3), ("rep_east", {"regionCode": "zhejiang"}, 1),
                      ("rep_east", {"states": ["DRAFT"]}, 3), ("rep_south", {"regionCode": "east"}, 0),
                      ("salesmgr", {"customerId": str(site.ids["C-EAST"])}, 2), ("rep_two", {"search": "SO-"}, 4)):
        total, rows = paged(site[who], f)
        assert (who, total, len(rows)) == (who, n, n)


def test_unfiltered_count_reads_counter_rows_not_the_orders(make_app, make_client):
    site = orders_site(make_app, make_client)
    for customer in ("C-EAST", "C-ZJ", "C-SOUTH"):
        order(site, customer)
    for who, n in (("salesmgr", 3), ("rep_east", 2)):
        with count_statements(site.app) as statements:
            assert site[who].ok(COUNT)["salesOrders"]["totalCount"] == n
        sql = [" ".join(s.split()).lower() for s in statements]
        assert any("from orders_sales_order_count" in s for s in sql), sql
        assert not any(re.search(r"count\(\*\).*from orders_sales_order(?!_count)", s) for s in sql), sql
        assert not any(re.search(r"count\(\*\).*from \(select .* from orders_sales_order\b", s) for s in sql), sql
    # a filtered list still counts the rows
    with count_statements(site.app) as statements:
        site["rep_east"].ok(PAGE, {"first": 1, "f": {"states": ["DRAFT"]}})
    assert any(re.search(r"count\(\*\)", " ".join(s.split()).lower()) for s in statements), statements


def test_custom_field_criteria_count_their_rows(make_app, make_client):
    from .helpers import USERS

    users = {**USERS, "cm": (["config_manager"], {})}
    site = orders_site(make_app, make_client, users=users, plugins=("studio",),
                       settings={"api": {"plugin_check_seconds": 0}})
    site["cm"].ok("mutation($i: CustomFieldDefineInput!) { customFieldDefine(input: $i) { id } }", {"i": {
        "entity": "orders.sales_order", "code": "level", "type": "choice", "choices": ["normal", "tightened"],
        "labelZh": "水平", "labelEn": "Level", "owner": "qa", "purpose": "test", "reviewDate": "2027-06-30"}})
    for customer, level in (("C-EAST", "tightened"), ("C-EAST", "normal"), ("C-SOUTH", "tightened")):
        site["salesmgr"].ok(CREATE_ORDER, {"i": {"customerId": str(site.ids[customer]),
                                                 "lines": [line(site.ids["BD-01"], 1)],
                                                 "customFields": {"level": level}}})
    tightened = {"customFields": {"level": {"eq": "tightened"}}}
    assert paged(site["salesmgr"], tightened)[0] == 2
    assert paged(site["rep_east"], tightened) == (1, ["east"])
    check(site, {"salesmgr": 3, "rep_east": 2, "rep_south": 1, "rep_two": 3, "rep_none": 0})


def test_migration_backfills_the_counter_from_existing_orders(make_app, make_client):
    from alembic import command

    from tenon.core import migrate

    site = orders_site(make_app, make_client)
    for customer in ("C-EAST", "C-ZJ", "C-ZJ", "C-SOUTH", "C-NORTH"):
        order(site, customer)
    with migrate._connected(site.app) as cfg:  # back to the tables before the counter existed
        command.downgrade(cfg, "orders_0001")
    migrate.upgrade(site.app, "orders")
    check(site, {"salesmgr": 5, "rep_east": 3, "rep_south": 1, "rep_two": 4, "rep_none": 0})
    order(site, "C-SOUTH")
    check(site, {"salesmgr": 6, "rep_east": 3, "rep_south": 2, "rep_two": 5, "rep_none": 0})


@pytest.mark.postgres_only
def test_parallel_creates_in_one_region_keep_the_count_exact(make_app, make_client):
    """8 threads create 5 orders each at the same moment, all in the same two regions: no
    deadlock or serialization error, and the count is exact (spread over several slots)."""
    import threading
    from decimal import Decimal

    from tenon.plugins.orders import SalesOrderCount, create_sales_order

    site = orders_site(make_app, make_client)
    app, ids = site.app, site.ids
    barrier, errors = threading.Barrier(8), []

    def run(k: int) -> None:
        try:
            barrier.wait(timeout=30)
            for _ in range(5):
                with app.transaction() as s:
                    create_sales_order(s, customer_id=ids["C-EAST" if k % 2 else "C-SOUTH"],
                                       lines=[{"product_id": ids["BD-01"], "quantity": Decimal(1)}])
        except BaseException as exc:  # deadlocks, serialization failures: all unexpected
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    check(site, {"salesmgr": 40, "rep_east": 20, "rep_south": 20, "rep_two": 40, "rep_none": 0})
    with app.transaction() as s:
        assert len(s.scalars(select(SalesOrderCount.slot).where(SalesOrderCount.region_code == "east")).all()) > 1
