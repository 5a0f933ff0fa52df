"""Region scope, the user's explicit requirement: a sales rep sees only her regions, on every read path.

Data (``helpers.orders_site`` plus these orders, created by the sales manager)::

    order     customer  region    product  qty  state
    O-EAST    C-EAST    east      BD-01    5    confirmed (requested 2000-01-10: overdue)
    O-ZJ      C-ZJ      zhejiang  CP-02    3    shipped   (confirmed 2026-03-02 08:00, shipped 2026-03-06 20:00: 4.5 days)
    O-SOUTH   C-SOUTH   south     BD-01    7    shipped   (confirmed 2026-03-01 08:00, shipped 2026-03-11 08:00: 10 days)
    O-SOUTH2  C-SOUTH   south     BD-01    1    draft
    O-NORTH   C-NORTH   north     BD-01    2    confirmed

A region code covers the region and every region below it: rep_east ([east]) sees east and
zhejiang. Expected per user (orders; BD-01's order lines; open orders in orderProgress; KPI
count and average over March 2026)::

    rep_east   O-EAST O-ZJ                      BD-01: O-EAST           open: O-EAST          KPI 1, 4.5
    rep_south  O-SOUTH O-SOUTH2                 BD-01: O-SOUTH O-SOUTH2 open: -               KPI 1, 10
    rep_two    O-EAST O-ZJ O-SOUTH O-SOUTH2     BD-01: 3 lines          open: O-EAST          KPI 2, 7.25
    rep_none   -                                -                       -                     KPI 0
    salesmgr / planner: all five                BD-01: 4 lines          open: O-EAST O-NORTH  KPI 2, 7.25

Outside the scope, a record answers NOT_FOUND exactly like a missing id, and mutations on it
(confirm, edit, cancel, close) are NOT_FOUND with nothing changed.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from .helpers import (
    CANCEL_ORDER,
    CLOSE_ORDER,
    CONFIRM_ORDER,
    CREATE_ORDER,
    UPDATE_ORDER,
    create_order,
    line,
    orders_site,
    set_state_times,
    ship,
    utc,
)

SPEC = [("O-EAST", "C-EAST", "BD-01", 5, "confirmed", "2000-01-10"),
        ("O-ZJ", "C-ZJ", "CP-02", 3, "shipped", None),
        ("O-SOUTH", "C-SOUTH", "BD-01", 7, "shipped", None),
        ("O-SOUTH2", "C-SOUTH", "BD-01", 1, "draft", None),
        ("O-NORTH", "C-NORTH", "BD-01", 2, "confirmed", "2999-01-01")]
TIMES = {"O-ZJ": (utc(2026, 3, 2, 8), utc(2026, 3, 6, 20)), "O-SOUTH": (utc(2026, 3, 1, 8), utc(2026, 3, 11, 8))}

EXPECTED = {
    #            orders                                   BD-01 lines                      open                 kpi
    "rep_east": ({"O-EAST", "O-ZJ"}, {"O-EAST"}, ["O-EAST"], (1, 4.5)),
    "rep_south": ({"O-SOUTH", "O-SOUTH2"}, {"O-SOUTH", "O-SOUTH2"}, [], (1, 10.0)),
    "rep_two": ({"O-EAST", "O-ZJ", "O-SOUTH", "O-SOUTH2"}, {"O-EAST", "O-SOUTH", "O-SOUTH2"}, ["O-EAST"], (2, 7.25)),
    "rep_none": (set(), set(), [], (0, None)),
    "salesmgr": ({"O-EAST", "O-ZJ", "O-SOUTH", "O-SOUTH2", "O-NORTH"}, {"O-EAST", "O-SOUTH", "O-SOUTH2", "O-NORTH"},
                 ["O-EAST", "O-NORTH"], (2, 7.25)),
    "planner": ({"O-EAST", "O-ZJ", "O-SOUTH", "O-SOUTH2", "O-NORTH"}, {"O-EAST", "O-SOUTH", "O-SOUTH2", "O-NORTH"},
                ["O-EAST", "O-NORTH"], (2, 7.25)),
}
CUSTOMERS_SEEN = {"rep_east": {"C-EAST", "C-ZJ"}, "rep_south": {"C-SOUTH"}, "rep_two": {"C-EAST", "C-ZJ", "C-SOUTH"},
                  "rep_none": set(), "salesmgr": {"C-EAST", "C-ZJ", "C-SOUTH", "C-NORTH"},
                  "planner": {"C-EAST", "C-ZJ", "C-SOUTH", "C-NORTH"}}

LIST = """{ salesOrders(first: 50) { totalCount nodes { customerReference regionCode
    lines { productCode } customer { code } history { toState } } } }"""
BY_ID = "query($id: ID!) { salesOrder(id: $id) { customerReference } }"
PRODUCT_LINES = "query($id: ID!) { product(id: $id) { code orderLines { orderId order { customerReference } } } }"
CUSTOMERS = "{ customers(first: 50) { totalCount nodes { code orders { customerReference } } } }"
CUSTOMER = "query($id: ID!) { customer(id: $id) { code orders { customerReference } } }"
PROGRESS = """{ orderProgress(first: 50, asOf: "2026-06-01") { totalCount nodes { number overdue
    order { customerReference } } } }"""
KPI = """query($r: String) { deliveryCycleTime(from: "2026-03-01", to: "2026-03-31", region: $r) {
    count averageDays distribution { label count } } }"""


@pytest.fixture
def site(make_app, make_client):
    site = orders_site(make_app, make_client)
    mgr, clerk, ids = site["salesmgr"], site["clerk"], site.ids
    site.orders = {}
    for ref, customer, product, qty, state, requested in SPEC:
        extra = {"customerReference": ref}
        if requested:
            extra.update(orderDate="2000-01-01" if requested < "2026" else "2026-01-01", requestedDate=requested)
        order = create_order(mgr, ids[customer], [line(ids[product], qty)], **extra)
        if state != "draft":
            mgr.ok(CONFIRM_ORDER, {"id": order["id"]})
        if state == "shipped":
            ship(clerk, order["id"])
            set_state_times(site.app, order["id"], dict(zip(("confirmed", "shipped"), TIMES[ref], strict=True)))
        site.orders[ref] = order
    return site


def refs(nodes):
    return {n["customerReference"] for n in nodes}


@pytest.mark.parametrize("user", list(EXPECTED))
def test_every_read_path_holds_only_the_readers_regions(site, user):
    orders, bd_lines, open_orders, (kpi_count, kpi_avg) = EXPECTED[user]
    c = site[user]

    listed = c.ok(LIST)["salesOrders"]
    assert refs(listed["nodes"]) == orders
    assert listed["totalCount"] == len(orders)
    for node in listed["nodes"]:  # nested lines, customer and history come along, all in scope
        assert node["lines"] and node["customer"] is not None and node["history"]

    for ref, order in site.orders.items():
        if ref in orders:
            assert c.ok(BY_ID, {"id": order["id"]})["salesOrder"]["customerReference"] == ref
        else:
            err = c.error(BY_ID, {"id": order["id"]})
            assert err["extensions"]["code"] == "NOT_FOUND"
            assert err["message"].replace(order["id"], "<id>") == \
                c.error(BY_ID, {"id": "999999"})["message"].replace("999999", "<id>")

    product = c.ok(PRODUCT_LINES, {"id": site.ids["BD-01"]})["product"]
    assert {x["order"]["customerReference"] for x in product["orderLines"]} == bd_lines
    assert len(product["orderLines"]) == len(bd_lines)

    customers = c.ok(CUSTOMERS)["customers"]
    assert {n["code"] for n in customers["nodes"]} == CUSTOMERS_SEEN[user]
    assert customers["totalCount"] == len(CUSTOMERS_SEEN[user])
    seen_via_customers = {ref for n in customers["nodes"] for ref in refs(n["orders"])}
    assert seen_via_customers == orders
    for code in ("C-EAST", "C-SOUTH", "C-NORTH"):
        if code in CUSTOMERS_SEEN[user]:
            assert c.ok(CUSTOMER, {"id": site.ids[code]})["customer"]["code"] == code
        else:
            assert c.error(CUSTOMER, {"id": site.ids[code]})["extensions"]["code"] == "NOT_FOUND"

    progress = c.ok(PROGRESS)["orderProgress"]
    assert [n["order"]["customerReference"] for n in progress["nodes"]] == open_orders
    assert progress["totalCount"] == len(open_orders)

    kpi = c.ok(KPI)["deliveryCycleTime"]
    assert (kpi["count"], kpi["averageDays"]) == (kpi_count, kpi_avg)
    assert sum(b["count"] for b in kpi["distribution"]) == kpi_count


def test_a_region_filter_never_widens_the_scope(site):
    """rep_east asking the KPI or the lists for region `south` gets nothing, not South's figures."""
    rep = site["rep_east"]
    assert rep.ok(KPI, {"r": "south"})["deliveryCycleTime"]["count"] == 0
    assert rep.ok(KPI, {"r": "zhejiang"})["deliveryCycleTime"]["count"] == 1
    assert rep.ok('{ salesOrders(filter: {regionCode: "south"}) { totalCount } }')["salesOrders"]["totalCount"] == 0
    assert site["salesmgr"].ok(KPI, {"r": "south"})["deliveryCycleTime"]["count"] == 1
    assert site["salesmgr"].ok(KPI, {"r": "east"})["deliveryCycleTime"]["averageDays"] == 4.5


def test_another_regions_order_cannot_be_confirmed_edited_cancelled_or_closed(site):
    """rep_east against South's draft O-SOUTH2 and shipped O-SOUTH: NOT_FOUND every time, and the
    sales manager reads both back unchanged (state, notes, version, history)."""
    rep, ids = site["rep_east"], site.ids
    draft, shipped = site.orders["O-SOUTH2"], site.orders["O-SOUTH"]
    before = {o["id"]: site.order(o["id"]) for o in (draft, shipped)}
    attempts = [
        (CONFIRM_ORDER, {"id": draft["id"]}),
        (UPDATE_ORDER, {"i": {"id": draft["id"], "notes": "mine now"}}),
        (UPDATE_ORDER, {"i": {"id": draft["id"], "lines": [line(ids["BD-01"], 99)]}}),
        (CANCEL_ORDER, {"id": draft["id"], "r": "poach"}),
        (CLOSE_ORDER, {"id": shipped["id"]}),
        (CREATE_ORDER, {"i": {"customerId": str(ids["C-SOUTH"]), "lines": [line(ids["BD-01"], 1)]}}),
        ("mutation($id: ID!) { customerUpdate(input: {id: $id, notes: \"x\"}) { id } }", {"id": ids["C-SOUTH"]}),
    ]
    for doc, variables in attempts:
        err = rep.error(doc, variables)
        assert err["extensions"]["code"] == "NOT_FOUND", (doc, err)
    assert {o["id"]: site.order(o["id"]) for o in (draft, shipped)} == before
    assert site["salesmgr"].ok('{ salesOrders { totalCount } }')["salesOrders"]["totalCount"] == 5
    assert site["salesmgr"].ok(CUSTOMER, {"id": ids["C-SOUTH"]})["customer"]["code"] == "C-SOUTH"


def test_a_rep_creates_customers_and_orders_only_in_her_regions(site):
    """rep_east may create a customer in zhejiang (under east) but not in south (FORBIDDEN), and may
    not move her customer C-EAST to south (FORBIDDEN, unchanged)."""
    rep, ids = site["rep_east"], site.ids
    create = "mutation($i: CustomerCreateInput!) { customerCreate(input: $i) { code regionCode } }"
    assert rep.ok(create, {"i": {"name": "Jiaxing Bearings", "regionCode": "zhejiang"}})["customerCreate"][
        "regionCode"] == "zhejiang"
    err = rep.error(create, {"i": {"name": "Shenzhen Hubs", "regionCode": "south"}})
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("FORBIDDEN", "regionCode")
    move = "mutation($id: ID!) { customerUpdate(input: {id: $id, regionCode: \"south\"}) { regionCode } }"
    assert rep.error(move, {"id": ids["C-EAST"]})["extensions"]["code"] == "FORBIDDEN"
    assert site["salesmgr"].ok(CUSTOMER, {"id": ids["C-EAST"]})["customer"]["code"] == "C-EAST"
    assert site["salesmgr"].ok('{ customers(search: "Shenzhen") { totalCount } }')["customers"]["totalCount"] == 0

    order = create_order(rep, ids["C-ZJ"], [line(ids["BD-01"], 2, "9.5")])
    assert order["regionCode"] == "zhejiang"
    assert rep.ok(CONFIRM_ORDER, {"id": order["id"]})["salesOrderConfirm"]["state"] == "CONFIRMED"
    total = rep.ok("query($id: ID!) { salesOrder(id: $id) { totalAmount } }", {"id": order["id"]})
    assert Decimal(total["salesOrder"]["totalAmount"]) == Decimal("19")


def test_region_codes_are_matched_literally(make_app, make_client):
    """`_` is a LIKE wildcard: a rep covering `n_e` must not see region `nxe` (nor `n_e-sub`'s
    sibling `nxe-sub`), while `n_e-sub` below `n_e` is covered."""
    from .helpers import api_user, seed_master_data

    app = make_app(plugins=["orders"])
    seed_master_data(app, regions=[("n_e", "NE", None), ("nxe", "NXE", None), ("n_e-sub", "NE sub", "n_e"),
                                   ("nxe-sub", "NXE sub", "nxe")],
                     customers=[("C-1", "One", "n_e"), ("C-2", "Two", "nxe"), ("C-3", "Three", "n_e-sub"),
                                ("C-4", "Four", "nxe-sub")], products=[])
    rep = make_client(app, api_user(app, "rep", ["sales_rep"], {"regions": ["n_e"]}))
    nodes = rep.ok("{ customers { nodes { code } } }")["customers"]["nodes"]
    assert sorted(n["code"] for n in nodes) == ["C-1", "C-3"]
