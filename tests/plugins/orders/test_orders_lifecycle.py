"""The make-to-stock lifecycle through GraphQL: create, confirm, ship partially, ship the rest,
close; illegal transitions; validation; who may do what. Data: ``helpers.orders_site``."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from .helpers import (
    CANCEL_ORDER,
    CLOSE_ORDER,
    CONFIRM_ORDER,
    CONFIRM_SHIPMENT,
    CREATE_ORDER,
    ORDERS,
    SHIP_ORDER,
    UPDATE_ORDER,
    confirmed_order,
    create_order,
    line,
    orders_site,
    ship,
)


@pytest.fixture
def site(make_app, make_client):
    return orders_site(make_app, make_client)


def states(order):
    return [(h["fromState"], h["toState"]) for h in order["history"]]


def test_make_to_stock_with_a_partial_shipment(site):
    """rep_east sells 10 brake discs and 4 calipers to C-ZJ (zhejiang, under her east) and confirms.

    The clerk ships 4 discs (4/14 shipped → PARTIALLY_SHIPPED), then everything still open
    (6 discs + 4 calipers → SHIPPED), and rep_east closes the order (DONE). Every step is in
    the history with its actor; the stock of discs goes 500 → 496 → 490.
    """
    rep, clerk, ids = site["rep_east"], site["clerk"], site.ids
    order = create_order(rep, ids["C-ZJ"], [line(ids["BD-01"], 10, "42.50"), line(ids["CP-02"], 4, "120")],
                         requestedDate="2999-01-31", priority="HIGH", customerReference="PO-7781")
    assert re.fullmatch(r"SO-\d{4}-00001", order["number"])
    assert (order["state"], order["regionCode"], order["priority"]) == ("DRAFT", "zhejiang", "HIGH")
    assert [(x["productCode"], Decimal(x["quantity"])) for x in order["lines"]] == [("BD-01", 10), ("CP-02", 4)]

    assert rep.ok(CONFIRM_ORDER, {"id": order["id"]})["salesOrderConfirm"]["state"] == "CONFIRMED"
    disc, caliper = order["lines"]

    shipment = ship(clerk, order["id"], [(disc["id"], 4)])
    assert [(x["lineId"], Decimal(x["quantity"])) for x in shipment["lines"]] == [(disc["id"], 4)]
    after_first = site.order(order["id"])
    assert after_first["state"] == "PARTIALLY_SHIPPED"
    assert [Decimal(x["shippedQuantity"]) for x in after_first["lines"]] == [4, 0]
    assert [Decimal(x["openQuantity"]) for x in after_first["lines"]] == [6, 4]

    rest = ship(clerk, order["id"])  # no lines: everything still open
    assert sorted((x["lineId"], Decimal(x["quantity"])) for x in rest["lines"]) == sorted(
        [(disc["id"], 6), (caliper["id"], 4)])
    assert site.order(order["id"])["state"] == "SHIPPED"

    assert rep.ok(CLOSE_ORDER, {"id": order["id"]})["salesOrderClose"]["state"] == "DONE"
    final = site.order(order["id"])
    assert states(final) == [(None, "DRAFT"), ("DRAFT", "CONFIRMED"), ("CONFIRMED", "PARTIALLY_SHIPPED"),
                             ("PARTIALLY_SHIPPED", "SHIPPED"), ("SHIPPED", "DONE")]
    assert [h["actor"] for h in final["history"]] == ["rep_east", "rep_east", "clerk", "clerk", "rep_east"]
    assert [Decimal(x["shippedQuantity"]) for x in final["lines"]] == [10, 4]

    stock = site["salesmgr"].ok("query($id: ID!) { product(id: $id) { onHand } }", {"id": ids["BD-01"]})
    assert Decimal(stock["product"]["onHand"]) == 490


def test_shipments_show_on_the_order_and_count_against_the_open_quantity(site):
    """10 discs ordered; a draft shipment of 7 is not done yet, so only 3 more may be shipped
    (asking 4 is OVER_SHIPMENT); the order lists the shipment until and after it is confirmed."""
    rep, clerk, ids = site["rep_east"], site["clerk"], site.ids
    order = confirmed_order(rep, ids["C-EAST"], [line(ids["BD-01"], 10)])
    lid = order["lines"][0]["id"]
    draft = ship(clerk, order["id"], [(lid, 7)], confirm=False)

    err = clerk.error(SHIP_ORDER, {"i": {"orderId": order["id"], "lines": [{"lineId": lid, "quantity": "4"}]}})
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("OVER_SHIPMENT", "lines[0].quantity")
    assert Decimal(err["extensions"]["details"]["open"]) == 3

    listed = clerk.ok("query($id: ID!) { salesOrder(id: $id) { state shipments { id state lines { quantity } } } }",
                      {"id": order["id"]})["salesOrder"]
    assert listed["state"] == "CONFIRMED"
    assert [(s["id"], s["state"]) for s in listed["shipments"]] == [(draft["id"], "draft")]

    clerk.ok(CONFIRM_SHIPMENT, {"id": draft["id"]})
    ship(clerk, order["id"], [(lid, 3)])
    assert site.order(order["id"])["state"] == "SHIPPED"


def test_illegal_transitions_are_invalid_state_errors_naming_the_state(site):
    """Each refused step answers INVALID_STATE with field `state` and the current state in the
    message and details, and leaves the order and its history unchanged."""
    rep, clerk, ids = site["rep_east"], site["clerk"], site.ids
    draft = create_order(rep, ids["C-EAST"], [line(ids["BD-01"], 2)])
    confirmed = confirmed_order(rep, ids["C-EAST"], [line(ids["BD-01"], 2)])
    shipped = confirmed_order(rep, ids["C-EAST"], [line(ids["BD-01"], 2)])
    ship(clerk, shipped["id"])

    cases = [
        (rep, CONFIRM_ORDER, {"id": confirmed["id"]}, "confirmed"),      # confirm twice
        (rep, CLOSE_ORDER, {"id": draft["id"]}, "draft"),                # close before shipping
        (rep, CLOSE_ORDER, {"id": confirmed["id"]}, "confirmed"),
        (rep, CANCEL_ORDER, {"id": shipped["id"], "r": "late"}, "shipped"),  # cancel after shipping
        (clerk, SHIP_ORDER, {"i": {"orderId": draft["id"]}}, "draft"),   # ship a draft
        (clerk, SHIP_ORDER, {"i": {"orderId": shipped["id"]}}, "shipped"),
        (rep, UPDATE_ORDER, {"i": {"id": confirmed["id"], "lines": [line(ids["BD-01"], 5)]}}, "confirmed"),
    ]
    before = {o["id"]: site.order(o["id"]) for o in (draft, confirmed, shipped)}
    for client, doc, variables, state in cases:
        err = client.error(doc, variables)
        assert err["extensions"]["code"] == "INVALID_STATE", (doc, err)
        assert err["extensions"]["field"] == "state"
        assert f"is {state}" in err["message"]
        assert err["extensions"]["details"]["state"] == state
    assert {o["id"]: site.order(o["id"]) for o in (draft, confirmed, shipped)} == before


def test_cancel_from_draft_and_confirmed_but_not_with_an_open_shipment(site):
    """Cancelling records the reason; an order with a (draft) shipment cannot be cancelled until
    stock cancels that shipment."""
    rep, clerk, ids = site["rep_east"], site["clerk"], site.ids
    draft = create_order(rep, ids["C-EAST"], [line(ids["BD-01"], 2)])
    done = rep.ok(CANCEL_ORDER, {"id": draft["id"], "r": "duplicate"})["salesOrderCancel"]
    assert (done["state"], done["cancelReason"]) == ("CANCELLED", "duplicate")

    confirmed = confirmed_order(rep, ids["C-EAST"], [line(ids["BD-01"], 2)])
    pending = ship(clerk, confirmed["id"], confirm=False)
    err = rep.error(CANCEL_ORDER, {"id": confirmed["id"], "r": "too late"})
    assert err["extensions"]["code"] == "VALIDATION"
    assert site.order(confirmed["id"])["state"] == "CONFIRMED"

    from tenon.plugins.stock import cancel_shipment

    with site.app.transaction(operation="test:cancel shipment") as s:
        cancel_shipment(s, int(pending["id"]))
    assert rep.ok(CANCEL_ORDER, {"id": confirmed["id"], "r": "customer withdrew"})["salesOrderCancel"]["state"] == \
        "CANCELLED"
    assert [h["toState"] for h in site.order(confirmed["id"])["history"]] == ["DRAFT", "CONFIRMED", "CANCELLED"]


def test_edit_header_and_draft_lines_with_optimistic_version(site):
    """A draft's lines are replaced as a whole; a stale version is a CONFLICT and changes nothing."""
    rep, ids = site["rep_east"], site.ids
    order = create_order(rep, ids["C-EAST"], [line(ids["BD-01"], 2)])
    edited = rep.ok(UPDATE_ORDER, {"i": {"id": order["id"], "version": order["version"], "notes": "call first",
                                         "requestedDate": "2999-02-01",
                                         "lines": [line(ids["CP-02"], 3), line(ids["BD-01"], 1)]}})["salesOrderUpdate"]
    assert edited["notes"] == "call first" and edited["requestedDate"] == "2999-02-01"
    assert [(x["position"], x["productCode"], Decimal(x["quantity"])) for x in edited["lines"]] == [
        (1, "CP-02", 3), (2, "BD-01", 1)]
    assert edited["version"] > order["version"]

    stale = rep.error(UPDATE_ORDER, {"i": {"id": order["id"], "version": order["version"], "notes": "overwrite"}})
    assert stale["extensions"]["code"] == "CONFLICT"
    assert site.order(order["id"])["notes"] == "call first"

    cleared = rep.ok(UPDATE_ORDER, {"i": {"id": order["id"], "requestedDate": None}})["salesOrderUpdate"]
    assert cleared["requestedDate"] is None


@pytest.mark.parametrize(("lines", "extra", "field"), [
    ([], {}, "lines"),
    ([{"productId": "BD-01", "quantity": "0"}], {}, "lines[0].quantity"),
    ([{"productId": "BD-01", "quantity": "1", "unitPrice": "-1"}], {}, "lines[0].unitPrice"),
    ([{"productId": "999999", "quantity": "1"}], {}, "lines[0].productId"),
    ([{"productId": "BD-01", "quantity": "1"}], {"orderDate": "2026-05-10", "requestedDate": "2026-05-01"},
     "requestedDate"),
])
def test_invalid_orders_are_refused_and_nothing_is_created(site, lines, extra, field):
    rep, ids = site["rep_east"], site.ids
    for x in lines:
        if x["productId"] in ids:
            x["productId"] = str(ids[x["productId"]])
    err = rep.error(CREATE_ORDER, {"i": {"customerId": str(ids["C-EAST"]), "lines": lines, **extra}})
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("VALIDATION", field)
    assert site["salesmgr"].ok(ORDERS)["salesOrders"]["totalCount"] == 0


def test_customer_numbers_and_the_credit_limit_guard(site):
    """Customers get C-00001, C-00002 from the numbering rule. With a credit limit of 1000, a first
    order of 8 × 100 = 800 confirms; a second of 3 × 100 = 300 would bring open orders to 1100:
    CREDIT_LIMIT_EXCEEDED, and it stays a draft."""
    rep, ids = site["rep_east"], site.ids
    create = """mutation($i: CustomerCreateInput!) { customerCreate(input: $i) { id code regionCode creditLimit
        contacts { name email } } }"""
    first = rep.ok(create, {"i": {"name": "Wuxi Gears", "regionCode": "east", "creditLimit": "1000",
                                  "contacts": [{"name": "Ms. Xu", "email": "xu@wuxi.example"}]}})["customerCreate"]
    second = rep.ok(create, {"i": {"name": "Suzhou Springs", "regionCode": "zhejiang"}})["customerCreate"]
    assert (first["code"], second["code"]) == ("C-00001", "C-00002")
    assert first["contacts"] == [{"name": "Ms. Xu", "email": "xu@wuxi.example"}]

    confirmed_order(rep, first["id"], [line(ids["BD-01"], 8, "100")])
    over = create_order(rep, first["id"], [line(ids["BD-01"], 3, "100")])
    err = rep.error(CONFIRM_ORDER, {"id": over["id"]})
    assert err["extensions"]["code"] == "CREDIT_LIMIT_EXCEEDED"
    assert Decimal(err["extensions"]["details"]["openValue"]) == 1100
    assert site.order(over["id"])["state"] == "DRAFT"


READS = {
    "salesOrders": "{ salesOrders { totalCount } }",
    "customers": "{ customers { totalCount } }",
    "orderProgress": "{ orderProgress { totalCount } }",
    "deliveryCycleTime": '{ deliveryCycleTime(from: "2026-01-01", to: "2026-12-31") { count } }',
    "regions": "{ regions { totalCount } }",
    "salesOrder": "{ salesOrder(id: 1) { number } }",
    "customer": "{ customer(id: 1) { code } }",
}


@pytest.mark.parametrize("user", ["nobody", "clerk", "planner"])
def test_roles_without_sales_rights_cannot_create_confirm_cancel_or_close(site, user):
    """Planner and clerk read orders but may not create, confirm, cancel, edit or close them;
    a user without a role may not even read them. Each refusal is FORBIDDEN and changes nothing."""
    ids = site.ids
    order = create_order(site["rep_east"], ids["C-EAST"], [line(ids["BD-01"], 1)])
    client = site[user]
    attempts = [
        (CREATE_ORDER, {"i": {"customerId": str(ids["C-EAST"]), "lines": [line(ids["BD-01"], 1)]}}),
        (CONFIRM_ORDER, {"id": order["id"]}),
        (CANCEL_ORDER, {"id": order["id"], "r": "x"}),
        (CLOSE_ORDER, {"id": order["id"]}),
        (UPDATE_ORDER, {"i": {"id": order["id"], "notes": "x"}}),
        ("mutation { customerCreate(input: {name: \"X\", regionCode: \"east\"}) { id } }", None),
        ("mutation { regionCreate(input: {code: \"x\", name: \"X\"}) { id } }", None),
        ("mutation($id: ID!) { customerUpdate(input: {id: $id, notes: \"x\"}) { id } }", {"id": ids["C-EAST"]}),
    ]
    for doc, variables in attempts:
        assert client.error(doc, variables)["extensions"]["code"] == "FORBIDDEN", doc
    after = site.order(order["id"])
    assert (after["state"], after["notes"], after["version"]) == ("DRAFT", "", order["version"])
    assert site["salesmgr"].ok(ORDERS)["salesOrders"]["totalCount"] == 1
    if user == "nobody":
        for doc in READS.values():
            assert client.error(doc)["extensions"]["code"] == "FORBIDDEN", doc
    else:
        assert client.ok(ORDERS)["salesOrders"]["totalCount"] == 1


def test_only_shippers_may_ship(site):
    """salesOrderShip needs `ship`: sales reps and planners are FORBIDDEN; no shipment is made."""
    ids = site.ids
    order = confirmed_order(site["rep_east"], ids["C-EAST"], [line(ids["BD-01"], 1)])
    for user in ("rep_east", "planner", "nobody"):
        err = site[user].error(SHIP_ORDER, {"i": {"orderId": order["id"]}})
        assert err["extensions"]["code"] == "FORBIDDEN"
    assert site["clerk"].ok("query($id: ID!) { salesOrder(id: $id) { shipments { id } } }",
                            {"id": order["id"]})["salesOrder"]["shipments"] == []
    assert site["salesmgr"].ok(SHIP_ORDER, {"i": {"orderId": order["id"]}})["salesOrderShip"]["state"] == "draft"


def test_order_numbers_follow_the_sequence(site):
    """Three orders: SO-<year>-00001..00003 (the counter restarts every year)."""
    rep, ids = site["rep_east"], site.ids
    numbers = [create_order(rep, ids["C-EAST"], [line(ids["BD-01"], 1)])["number"] for _ in range(3)]
    assert [re.fullmatch(r"SO-(\d{4})-(\d{5})", n).groups()[1] for n in numbers] == ["00001", "00002", "00003"]
