"""``SalesOrderLine.product``: the order line's stock ``Product`` (code, name, stock levels), resolved
through stock's per-request loader, next to the older ``productId``/``productCode``/``productName``.

Data: ``helpers.orders_site`` (BD-01 "Brake disc" and CP-02 "Caliper", 500 in stock each).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tenon.core.testing import count_statements

from .helpers import create_order, line, orders_site, ship

LINE_PRODUCTS = """query($id: ID!) { salesOrder(id: $id) { lines {
    productId productCode productName product { id code name onHand } } } }"""


@pytest.fixture
def site(make_app, make_client):
    return orders_site(make_app, make_client)


def test_an_order_line_reads_its_product_with_live_stock(site):
    """rep_east orders 10 brake discs and 4 calipers for C-ZJ (zhejiang, under her east) and reads
    ``lines { product { code name onHand } }``: BD-01 "Brake disc" 500 and CP-02 "Caliper" 500.

    The clerk then ships 4 discs from stock; read again, the disc's ``onHand`` is 500 − 4 = 496
    (the caliper stays 500). ``productId``/``productCode``/``productName`` still answer and agree
    with ``product``.
    """
    rep, ids = site["rep_east"], site.ids
    order = create_order(rep, ids["C-ZJ"], [line(ids["BD-01"], 10), line(ids["CP-02"], 4)])

    lines = rep.ok(LINE_PRODUCTS, {"id": order["id"]})["salesOrder"]["lines"]
    assert [(x["product"]["code"], x["product"]["name"], Decimal(x["product"]["onHand"])) for x in lines] == [
        ("BD-01", "Brake disc", 500), ("CP-02", "Caliper", 500)]
    for x in lines:  # the compatibility fields say the same thing
        assert (x["productId"], x["productCode"], x["productName"]) == (
            x["product"]["id"], x["product"]["code"], x["product"]["name"])
    assert [x["productId"] for x in lines] == [str(ids["BD-01"]), str(ids["CP-02"])]

    rep.ok("mutation($id: ID!) { salesOrderConfirm(id: $id) { id } }", {"id": order["id"]})
    ship(site["clerk"], order["id"], [(order["lines"][0]["id"], 4)])
    lines = rep.ok(LINE_PRODUCTS, {"id": order["id"]})["salesOrder"]["lines"]
    assert [Decimal(x["product"]["onHand"]) for x in lines] == [496, 500]


def test_the_product_of_a_line_follows_the_orders_access(site):
    """The field hangs off ``salesOrder``: a user without an orders role is FORBIDDEN, and rep_south
    (south only) gets NOT_FOUND for rep_east's zhejiang order, products included."""
    ids = site.ids
    order = create_order(site["rep_east"], ids["C-ZJ"], [line(ids["BD-01"], 1)])

    assert site["nobody"].error(LINE_PRODUCTS, {"id": order["id"]})["extensions"]["code"] == "FORBIDDEN"
    assert site["rep_south"].error(LINE_PRODUCTS, {"id": order["id"]})["extensions"]["code"] == "NOT_FOUND"


def test_statement_count_does_not_grow_with_the_number_of_lines(site):
    """Two orders for C-EAST: one with 2 lines, one with 20 lines of 20 different products (each
    with its own stock, so ``onHand`` is a real per-product figure).

    Reading ``lines { productId productCode productName product { code name onHand } }`` costs the
    same number of SQL statements for both: the products of all lines come in one select (the
    compatibility fields share stock's product loader) and their levels in one more, whatever the
    number of lines.
    """
    from tenon.plugins.stock import create_product, receive

    app, rep, ids = site.app, site["rep_east"], site.ids
    product_ids = []
    with app.transaction(operation="test:products") as s:
        for i in range(20):
            p = create_product(s, code=f"NP-{i:02d}", name=f"Part {i}")
            receive(s, product_id=p.id, quantity=Decimal(i + 1), reference="test stock")
            product_ids.append(p.id)
    small = create_order(rep, ids["C-EAST"], [line(ids["BD-01"], 1), line(ids["CP-02"], 1)])
    big = create_order(rep, ids["C-EAST"], [line(pid, 1) for pid in product_ids])
    rep.ok(LINE_PRODUCTS, {"id": small["id"]})  # warm up: engine, connection pool, policies

    counts = {}
    for name, order in (("small", small), ("big", big)):
        with count_statements(app) as statements:
            lines = rep.ok(LINE_PRODUCTS, {"id": order["id"]})["salesOrder"]["lines"]
        counts[name] = len(statements)
        if name == "big":
            assert len(lines) == 20
            assert [(x["product"]["code"], Decimal(x["product"]["onHand"])) for x in lines] == [
                (f"NP-{i:02d}", i + 1) for i in range(20)]
            assert [x["productCode"] for x in lines] == [f"NP-{i:02d}" for i in range(20)]
    assert counts["small"] == counts["big"], counts
