"""A customer return: part of a shipped sales order line comes back; it is received from the
customer location into a returns location at once, reworked on the original's operations and
re-inspected; more than was shipped and not yet returned is NOT_SHIPPED."""

from __future__ import annotations

from .helpers import (
    CANCEL_RO,
    CONFIRM_SHIPMENT,
    CREATE_RO,
    LEVELS,
    ORDER,
    RELEASE_RO,
    RESPONSIBILITY,
    RO,
    SHIP,
    WO_OPS,
    dec,
    finish,
    inspect,
    make,
    order,
    report,
    rework_site,
    sales,
)

LOCATION = "mutation($i: LocationCreateInput!) { locationCreate(input: $i) { id code } }"


def test_a_customer_return_is_received_reworked_and_reinspected(make_app, make_client):
    site = rework_site(make_app, make_client)
    sales(site)
    so = order(site, "c_west", 10)
    make(site, so["wo"], 10)
    finish(site, so["wo"]["id"])
    inspect(site, so["wo"]["id"], "pass")
    ship = site.salesmgr.ok(SHIP, {"i": {"orderId": so["id"]}})["salesOrderShip"]
    site.clerk.ok(CONFIRM_SHIPMENT, {"id": ship["id"]})
    assert site.salesmgr.ok(ORDER, {"id": so["id"]})["salesOrder"]["state"] == "SHIPPED"

    returns = site.wh.ok(LOCATION, {"i": {"code": "WH/RETURNS", "name": "Returns"}})["locationCreate"]["id"]
    line = so["lines"][0]["id"]
    ro = site.salesmgr.ok(CREATE_RO, {"i": {"salesOrderLineId": line, "quantity": "2",
                                           "returnsLocationId": returns}})["reworkOrderCreate"]
    assessed = site.qm.ok(RESPONSIBILITY, {"id": ro["id"], "i": {"notes": "customer found a scratched bore"}})
    assert assessed["reworkOrderSetResponsibility"]["responsibility"]["notes"] == "customer found a scratched bore"
    assert (ro["source"], ro["state"], ro["salesOrderId"], ro["regionCode"], ro["locationId"]) == (
        "CUSTOMER_RETURN", "OPEN", so["id"], "west", returns)
    assert ro["originalWorkOrderId"] == so["wo"]["id"] and ro["lotId"] is not None   # the lot that was shipped
    levels = site.clerk.ok(LEVELS, {"p": site.ids["KA"], "l": returns})["stockLevels"]["nodes"]
    assert [(dec(n["onHand"]), n["location"]["code"]) for n in levels] == [(dec(2), "WH/RETURNS")]

    # only 8 more may come back; nothing without a returns location; only shipped lines
    over = site.salesmgr.error(CREATE_RO, {"i": {"salesOrderLineId": line, "quantity": "9", "returnsLocationId": returns}})
    assert (over["extensions"]["code"], over["extensions"]["details"]) == ("NOT_SHIPPED", {"returnable": "8.0000"})
    missing = site.salesmgr.error(CREATE_RO, {"i": {"salesOrderLineId": line, "quantity": "1"}})
    assert missing["extensions"]["field"] == "returnsLocationId"
    # a sales rep of another region does not see the line at all
    assert site.rep_east.error(CREATE_RO, {"i": {"salesOrderLineId": line, "quantity": "1"}})["extensions"]["code"] == "FORBIDDEN"

    released = site.rp.ok(RELEASE_RO, {"id": ro["id"]})["reworkOrderRelease"]
    rwo = site.planner.ok(WO_OPS, {"id": released["workOrderId"]})["workOrder"]
    assert (rwo["kind"], [o["name"] for o in rwo["operations"]]) == ("rework", ["Turning", "Assembly"])
    assert site.clerk.ok(LEVELS, {"p": site.ids["KA"], "l": returns})["stockLevels"]["nodes"] == []  # into production
    make(site, {"id": rwo["id"]}, 2)
    finish(site, rwo["id"])
    inspect(site, rwo["id"], "pass")
    done = site.salesmgr.ok(RO, {"id": ro["id"]})["reworkOrder"]
    assert (done["state"], dec(done["passedQuantity"])) == ("DONE", dec(2))
    lines = site.salesmgr.ok(ORDER, {"id": so["id"]})["salesOrder"]["progress"]["lines"]
    assert (dec(lines[0]["shipped"]), dec(lines[0]["reworkedQuantity"])) == (dec(10), dec(2))


def test_cancelling_a_released_rework_order_puts_the_goods_back(make_app, make_client):
    site = rework_site(make_app, make_client, plugins=["stock", "mrp", "qc", "rework"])
    from mrp.helpers import CANCEL_WO, new_work_order

    wo = new_work_order(site, 6)
    make(site, wo, 6)
    lot = site.planner.ok(WO_OPS, {"id": wo["id"]})["workOrder"]["lotId"]
    stock_of = lambda: sorted((n["lot"]["code"], dec(n["onHand"])) for n in site.clerk.ok(  # noqa: E731
        LEVELS, {"p": site.ids["KA"]})["stockLevels"]["nodes"])
    before = stock_of()
    for how in ("rework", "mrp"):
        ro = site.rp.ok(CREATE_RO, {"i": {"lotId": lot, "quantity": "2",
                                          "materials": [{"productId": site.ids["BOLT"], "quantity": "1"}]}})["reworkOrderCreate"]
        released = site.rp.ok(RELEASE_RO, {"id": ro["id"]})["reworkOrderRelease"]
        assert stock_of() == [(c, q - 2) for c, q in before]
        if how == "rework":
            out = site.rp.ok(CANCEL_RO, {"id": ro["id"]})["reworkOrderCancel"]
        else:                             # the planner cancels the rework work order in mrp
            site.planner.ok(CANCEL_WO, {"id": released["workOrderId"]})
            out = site.rp.ok(RO, {"id": ro["id"]})["reworkOrder"]
        assert (out["state"], out["workOrderState"]) == ("CANCELLED", "cancelled")
        assert stock_of() == before
        req = site.clerk.ok("query($id: ID!) { requisition(id: $id) { state } }", {"id": released["requisitionId"]})
        assert req["requisition"]["state"] == "cancelled"
    # once the rework work order started, mrp refuses and nothing changes
    ro = site.rp.ok(CREATE_RO, {"i": {"lotId": lot, "quantity": "1"}})["reworkOrderCreate"]
    released = site.rp.ok(RELEASE_RO, {"id": ro["id"]})["reworkOrderRelease"]
    first = site.planner.ok(WO_OPS, {"id": released["workOrderId"]})["workOrder"]["operations"][0]
    assert not report(site.op_cnc, first["id"], 1).get("errors")
    assert site.rp.error(CANCEL_RO, {"id": ro["id"]})["extensions"]["code"] == "INVALID_STATE"
    assert site.rp.ok(RO, {"id": ro["id"]})["reworkOrder"]["state"] == "IN_REWORK"
