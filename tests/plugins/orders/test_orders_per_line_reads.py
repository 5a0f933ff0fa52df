"""A document's lines do not each read their product and locations again (issue 13): shipping and
confirming an order of three products reads the products in one SELECT and the locations' kinds in
one, as an order of one line does; what grows with the lines are the line's own writes. With qc
installed, its release check on confirming reads the held quantities of all the shipment's
products in one statement, and not the shipment's lines again; orders reads the shipped order and
its lines once, and stock writes the moves, reservations and receiving balances of all lines in
one statement each (reserving them, on PostgreSQL) and the shipment's row once.

Data: ``helpers.seed_master_data`` with a third product, WH-03 "Wheel hub" (500 in stock).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tenon.core.testing import count_statements, excluded_plugins, is_postgres

from .helpers import CONFIRM_SHIPMENT, PRODUCTS, SHIP_ORDER, api_user, confirmed_order, line, seed_master_data


def _reads(statements: list[str], what: str) -> int:
    return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT") and what in s.split("WHERE")[0])


@pytest.mark.parametrize("plugins", [["orders"], ["orders", "qc"]], ids=["orders", "orders+qc"])
def test_shipping_three_lines_reads_products_and_location_kinds_once(make_app, make_client, plugins):
    if set(plugins) & set(excluded_plugins()):
        pytest.skip("a plugin of this case is left out of this run")
    app = make_app(plugins=plugins)
    ids = seed_master_data(app, products=[*PRODUCTS, ("WH-03", "Wheel hub", 500)])
    rep = make_client(app, api_user(app, "rep_east", ["sales_rep"], {"regions": ["east"]}))
    clerk = make_client(app, api_user(app, "clerk", ["warehouse_clerk"]))
    figures = {}
    # a first shipment, not counted: the worker reads the numbering definitions once (cached)
    warm = clerk.ok(SHIP_ORDER, {"i": {"orderId": confirmed_order(rep, ids["C-ZJ"], [line(ids["BD-01"], 1)])["id"]}})
    clerk.ok(CONFIRM_SHIPMENT, {"id": warm["salesOrderShip"]["id"]})
    for codes in (["BD-01"], ["BD-01", "CP-02", "WH-03"]):
        order = confirmed_order(rep, ids["C-ZJ"], [line(ids[c], 2) for c in codes])
        with count_statements(app) as shipping:
            shipment = clerk.ok(SHIP_ORDER, {"i": {"orderId": order["id"]}})["salesOrderShip"]
        with count_statements(app) as confirming:
            assert clerk.ok(CONFIRM_SHIPMENT, {"id": shipment["id"]})["shipmentConfirm"]["state"] == "done"
        figures[len(codes)] = (shipping, confirming)
        # confirming reads the shipment's lines once (stock passes them to the confirming hook) and,
        # with qc, the held quantities of all its products in one statement
        assert _reads(confirming, "FROM stock_shipment_line") == 1, [" ".join(x.split())[:300] for x in confirming if "stock_shipment_line" in x]
        assert _reads(confirming, "FROM qc_hold") == (1 if "qc" in plugins else 0), confirming
        # orders reads the shipped order and its lines once: the confirming check and the done
        # notification share the order, the workflow's guards get the lines just updated
        assert _reads(confirming, "FROM orders_sales_order ") == 1, confirming
        assert _reads(confirming, "FROM orders_sales_order_line") == 1, confirming
        # the moves, their reservations and the customer's balances are written in one statement
        # each, however many lines (an executemany); what stays per line is the conditional take
        for table in ("UPDATE stock_move ", "UPDATE stock_reservation ", "INSERT INTO stock_balance "):
            assert sum(1 for x in confirming if x.lstrip().startswith(table)) == 1, (table, confirming)
        takes = [x for x in confirming if x.lstrip().startswith("UPDATE stock_balance SET quantity")]
        assert len(takes) == len(codes), confirming
        # confirmed from draft, the lines are reserved first: every line's stock held, then the
        # moves in one INSERT and their reservations in one on PostgreSQL (SQLAlchemy sends a row at
        # a time on SQLite, where it cannot match RETURNING rows to their objects); the shipment's
        # own row is written once, its state and its done stamp together
        for table in ("INSERT INTO stock_move ", "INSERT INTO stock_reservation "):
            inserts = sum(1 for x in confirming if x.lstrip().startswith(table))
            assert inserts == (1 if is_postgres() else len(codes)), (table, confirming)
        assert sum(1 for x in confirming if x.lstrip().startswith("UPDATE stock_shipment ")) == 1, confirming
        for statements in (shipping, confirming):
            assert _reads(statements, "FROM stock_product") <= 1, statements
            assert _reads(statements, "stock_location.kind FROM stock_location") <= 1, statements
    # three lines cost the same reads as one; the difference is writes (shipment lines, moves, ...)
    for one, three in zip(figures[1], figures[3], strict=True):
        reads_one = [s for s in one if s.lstrip().upper().startswith("SELECT")]
        reads_three = [s for s in three if s.lstrip().upper().startswith("SELECT")]
        assert len(reads_three) == len(reads_one), (reads_one, reads_three)


SHIP_WITHOUT_LINES = """mutation($i: SalesOrderShipInput!) { salesOrderShip(input: $i) { id number state } }"""


def test_shipping_reads_the_shipment_lines_back_only_when_the_payload_selects_them(make_app, make_client):
    """``salesOrderShip`` answers ``lines`` from the shipment's lines read back after writing them;
    a client that selects only ``id number state`` (a scanner confirming the next step) is spared
    that SELECT, and one that selects them gets every line."""
    if "orders" in excluded_plugins():
        pytest.skip("orders is left out of this run")
    app = make_app(plugins=["orders"])
    ids = seed_master_data(app, products=[*PRODUCTS, ("WH-03", "Wheel hub", 500)])
    rep = make_client(app, api_user(app, "rep_east", ["sales_rep"], {"regions": ["east"]}))
    clerk = make_client(app, api_user(app, "clerk", ["warehouse_clerk"]))
    codes = ["BD-01", "CP-02", "WH-03"]
    reads = {}
    for query in (SHIP_ORDER, SHIP_WITHOUT_LINES):
        order = confirmed_order(rep, ids["C-ZJ"], [line(ids[c], 2) for c in codes])
        with count_statements(app) as shipping:
            shipment = clerk.ok(query, {"i": {"orderId": order["id"]}})["salesOrderShip"]
        reads[query] = _reads(shipping, "FROM stock_shipment_line")
        if query is SHIP_ORDER:
            assert sorted(x["productId"] for x in shipment["lines"]) == sorted(str(ids[c]) for c in codes)
            assert {Decimal(x["quantity"]) for x in shipment["lines"]} == {Decimal(2)}
        else:
            assert "lines" not in shipment and shipment["state"] == "draft"
    # the open quantities of the order's shipments are read either way; the lines only when selected
    assert reads[SHIP_WITHOUT_LINES] == reads[SHIP_ORDER] - 1, reads
