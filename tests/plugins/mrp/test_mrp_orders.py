"""The optional orders integration: only on a site with orders (the other mrp tests run without).

A make-to-order line gets a work order when the order is confirmed; the order goes in production
when its work order starts and becomes ready when the finished goods are received; cancelling the
order cancels unstarted work orders and is refused with PRODUCTION_STARTED once one started."""

from __future__ import annotations

import time

from tenon.core.events import deliver_outbox

from .helpers import RELEASE_WO, WO, api_user, dec, mrp_site, product, report

CREATE_ORDER = """mutation($i: SalesOrderCreateInput!) { salesOrderCreate(input: $i) { id number lines { id } } }"""
CONFIRM = "mutation($id: ID!) { salesOrderConfirm(id: $id) { id state } }"
CANCEL = "mutation($id: ID!) { salesOrderCancel(id: $id, reason: \"customer\") { id state } }"
ORDER = "query($id: ID!) { salesOrder(id: $id) { state lines { producedQuantity } } }"
WOS = "query($o: ID!) { workOrders(originId: $o) { nodes { id number state dueDate priority originLineId quantity } } }"
NOTES = "query { notifications(first: 50) { nodes { title event } } }"
MTO = "mutation($p: ID!) { productMrpSettingSet(productId: $p, makeToOrder: true) }"


def _sales(site, **settings):
    from tenon.plugins.orders import create_customer, create_region

    with site.app.transaction() as s:
        create_region(s, code="east", name="East")
        cust = create_customer(s, name="Hangzhou Motors", region_code="east", code="C-EAST").id
    site.clients["salesmgr"] = site.planner.as_token(api_user(site.app, "salesmgr", ["sales_manager"]))
    site.ids["other"] = product(site.app, "OTHER", stock=100)
    return str(cust)


def _order(site, cust, qty=10, priority="URGENT"):
    body = {"customerId": cust, "requestedDate": "2026-12-24", "priority": priority,
            "lines": [{"productId": site.ids["KA"], "quantity": str(qty), "dueDate": "2026-12-20"},
                      {"productId": site.ids["other"], "quantity": "1"}]}
    so = site.salesmgr.ok(CREATE_ORDER, {"i": body})["salesOrderCreate"]
    return so


def test_confirmation_creates_work_orders_and_progress_follows(make_app, make_client):
    site = mrp_site(make_app, make_client, plugins=["stock", "orders", "mrp"])
    cust = _sales(site)
    so = _order(site, cust)
    site.salesmgr.ok(CONFIRM, {"id": so["id"]})
    assert site.planner.ok(WOS, {"o": so["id"]})["workOrders"]["nodes"] == []  # KA not flagged yet

    site.planner.ok(MTO, {"p": site.ids["KA"]})
    so = _order(site, cust, qty=10)
    site.salesmgr.ok(CONFIRM, {"id": so["id"]})
    wos = site.planner.ok(WOS, {"o": so["id"]})["workOrders"]["nodes"]
    assert [(w["state"], w["dueDate"], w["priority"], w["originLineId"], dec(w["quantity"])) for w in wos] == [
        ("DRAFT", "2026-12-20", 30, so["lines"][0]["id"], dec(10))]
    # after commit, the first work center's lead hears of the new work order (the server's outbox
    # worker may be delivering it at the same moment: wait for it)
    wanted, titles = f"New work order {wos[0]['number']}", []
    for _ in range(50):
        deliver_outbox(site.app)
        titles = [n["title"] for n in site.lead.ok(NOTES)["notifications"]["nodes"]]
        if wanted in titles:
            break
        time.sleep(0.1)
    assert wanted in titles
    wo = site.planner.ok(RELEASE_WO, {"id": wos[0]["id"]})["workOrderRelease"]
    turn, assy = wo["operations"]
    report(site.op_cnc, turn["id"], 10)
    assert site.salesmgr.ok(ORDER, {"id": so["id"]})["salesOrder"]["state"] == "IN_PRODUCTION"
    # orders itself refuses cancelling an order in production (its own state rule)
    assert site.salesmgr.error(CANCEL, {"id": so["id"]})["extensions"]["code"] in ("INVALID_STATE", "VALIDATION")
    assert site.planner.ok(WO, {"id": wo["id"]})["workOrder"]["state"] == "IN_PROGRESS"
    report(site.op_asm, assy["id"], 4)
    got = site.salesmgr.ok(ORDER, {"id": so["id"]})["salesOrder"]
    assert (got["state"], dec(got["lines"][0]["producedQuantity"])) == ("IN_PRODUCTION", dec(4))
    report(site.op_asm, assy["id"], 6)
    # the OTHER line (1 from stock) is not produced, so orders keeps it in production until it is
    got = site.salesmgr.ok(ORDER, {"id": so["id"]})["salesOrder"]
    assert dec(got["lines"][0]["producedQuantity"]) == 10


def test_cancelling_the_order_cancels_unstarted_work_orders(make_app, make_client):
    site = mrp_site(make_app, make_client, plugins=["stock", "orders", "mrp"])
    cust = _sales(site)
    site.planner.ok(MTO, {"p": site.ids["KA"]})
    so = _order(site, cust)
    site.salesmgr.ok(CONFIRM, {"id": so["id"]})
    wo = site.planner.ok(WOS, {"o": so["id"]})["workOrders"]["nodes"][0]
    site.planner.ok(RELEASE_WO, {"id": wo["id"]})
    assert site.salesmgr.ok(CANCEL, {"id": so["id"]})["salesOrderCancel"]["state"] == "CANCELLED"
    assert site.planner.ok(WO, {"id": wo["id"]})["workOrder"]["state"] == "CANCELLED"


def test_a_confirmed_order_with_a_started_work_order_cannot_be_cancelled(make_app, make_client):
    """mrp's own veto, for an order still ``confirmed`` whose work order started (e.g. moved back by
    hand): orders' cancellation asks mrp first, which refuses with PRODUCTION_STARTED."""
    from tenon import TenonError
    from tenon.plugins.mrp import WorkOrder
    from tenon.plugins.orders import cancel_sales_order

    site = mrp_site(make_app, make_client, plugins=["stock", "orders", "mrp"])
    cust = _sales(site)
    site.planner.ok(MTO, {"p": site.ids["KA"]})
    so = _order(site, cust)
    site.salesmgr.ok(CONFIRM, {"id": so["id"]})
    wo_id = int(site.planner.ok(WOS, {"o": so["id"]})["workOrders"]["nodes"][0]["id"])
    with site.app.transaction() as s:
        s.get(WorkOrder, wo_id).state = "in_progress"
        try:
            cancel_sales_order(s, int(so["id"]), reason="test")
        except TenonError as exc:
            assert exc.code == "PRODUCTION_STARTED" and "WO-" in exc.message
        else:
            raise AssertionError("cancelled despite production")


def test_short_stock_setting_makes_lines_to_order(make_app, make_client):
    """With ``[mrp] make_to_order_when_short``, a line whose product lacks available stock gets a
    work order (KA: none on hand), one with enough stock does not (OTHER: 100 for 1)."""
    site = mrp_site(make_app, make_client, plugins=["stock", "orders", "mrp"],
                    settings={"mrp": {"make_to_order_when_short": True}})
    cust = _sales(site)
    so = _order(site, cust)
    site.salesmgr.ok(CONFIRM, {"id": so["id"]})
    wos = site.planner.ok(WOS, {"o": so["id"]})["workOrders"]["nodes"]
    assert [w["originLineId"] for w in wos] == [so["lines"][0]["id"]]
