"""The sales order list: typed filter and orderBy, within the caller's regions."""

from __future__ import annotations

from .helpers import confirmed_order, create_order, line, orders_site

LIST = """query($f: SalesOrderFilter, $o: SalesOrderOrder) {
  salesOrders(filter: $f, orderBy: $o) { totalCount nodes { number state regionCode requestedDate } } }"""


def test_filter_and_order_sales_orders(make_app, make_client):
    """Three orders: east draft (due 2027-05-10), east confirmed (due 05-01), south draft (due 05-05).
    The manager filters by state and region and sorts by requested date; the east rep's list of
    drafts holds only her draft, whatever the filter asks for."""
    site = orders_site(make_app, make_client)
    mgr, rep = site["salesmgr"], site["rep_east"]
    bd = site.ids["BD-01"]
    a = create_order(mgr, site.ids["C-EAST"], [line(bd, 1)], requestedDate="2027-05-10")
    b = confirmed_order(mgr, site.ids["C-EAST"], [line(bd, 1)], requestedDate="2027-05-01")
    c = create_order(mgr, site.ids["C-SOUTH"], [line(bd, 1)], requestedDate="2027-05-05")

    newest_first = [n["number"] for n in mgr.ok(LIST)["salesOrders"]["nodes"]]
    assert newest_first == [c["number"], b["number"], a["number"]]

    by_due = mgr.ok(LIST, {"o": {"field": "REQUESTED_DATE"}})["salesOrders"]["nodes"]
    assert [n["requestedDate"] for n in by_due] == ["2027-05-01", "2027-05-05", "2027-05-10"]

    drafts = mgr.ok(LIST, {"f": {"states": ["DRAFT"]}})["salesOrders"]
    assert drafts["totalCount"] == 2 and {n["number"] for n in drafts["nodes"]} == {a["number"], c["number"]}
    south = mgr.ok(LIST, {"f": {"regionCode": "south"}})["salesOrders"]
    assert [n["number"] for n in south["nodes"]] == [c["number"]]
    due_early = mgr.ok(LIST, {"f": {"requestedBefore": "2027-05-06"}})["salesOrders"]
    assert {n["number"] for n in due_early["nodes"]} == {b["number"], c["number"]}
    period = mgr.ok(LIST, {"f": {"requestedFrom": "2027-05-05", "requestedBefore": "2027-05-11"}})["salesOrders"]
    assert {n["number"] for n in period["nodes"]} == {a["number"], c["number"]}

    rep_drafts = rep.ok(LIST, {"f": {"states": ["DRAFT"]}})["salesOrders"]
    assert [n["number"] for n in rep_drafts["nodes"]] == [a["number"]], "the filter never widens the scope"
    assert rep.ok(LIST, {"f": {"regionCode": "south"}})["salesOrders"]["totalCount"] == 0
