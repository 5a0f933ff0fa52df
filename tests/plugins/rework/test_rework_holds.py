"""Goods qc holds end their holds when a rework takes them, also for a rework opened by hand."""

from __future__ import annotations

from .helpers import (
    CONFIRM_SHIPMENT,
    CREATE_RO,
    RELEASE_RO,
    SHIP,
    WO_OPS,
    finish,
    make,
    order,
    rework_site,
    sales,
)

STATUS = "query($lot: ID!) { lotReleaseStatus(lotId: $lot) }"
RECEIPT = "mutation($i: ReceiptCreateInput!) { receiptCreate(input: $i) { id state } }"
NEW_SHIPMENT = "mutation($i: ShipmentCreateInput!) { shipmentCreate(input: $i) { id } }"


def test_manual_rework_of_a_held_lot_hands_its_holds_over(make_app, make_client):
    """5 KA of an older lot are in stock. A work order of 10 KA is finished; its final inspection
    is open, so qc holds its lot. A rework order opened by hand from that lot (6 of the 10) and
    released: qc's hold on those 6 ends (handed over to the rework order), the 4 left stay held.
    On hand 5 + 4, held 4: a shipment of 5 KA confirms, one more is refused."""
    site = rework_site(make_app, make_client)
    sales(site)
    so = order(site, "c_east", 10)
    site.clerk.ok(RECEIPT, {"i": {"validate": True, "lines": [{"productId": site.ids["KA"], "quantity": "5",
                                                                "lot": "OLD"}]}})
    make(site, so["wo"], 10)
    finish(site, so["wo"]["id"])
    lot = site.planner.ok(WO_OPS, {"id": so["wo"]["id"]})["workOrder"]["lotId"]
    assert site.insp.ok(STATUS, {"lot": lot}) == {"lotReleaseStatus": "held"}

    ro = site.rp.ok(CREATE_RO, {"i": {"lotId": lot, "quantity": "6"}})["reworkOrderCreate"]
    assert site.insp.ok(STATUS, {"lot": lot}) == {"lotReleaseStatus": "held"}  # opening takes nothing yet
    assert site.rp.ok(RELEASE_RO, {"id": ro["id"]})["reworkOrderRelease"]["state"] == "IN_REWORK"
    assert site.insp.ok(STATUS, {"lot": lot}) == {"lotReleaseStatus": "held"}  # 4 of the lot still held
    five, one = (site.clerk.ok(NEW_SHIPMENT, {"i": {"originType": "test.order", "originId": 1, "lines": [
        {"productId": site.ids["KA"], "quantity": q}]}})["shipmentCreate"]["id"] for q in ("5", "1"))
    assert site.clerk.ok(CONFIRM_SHIPMENT, {"id": five})["shipmentConfirm"]["state"] == "done"
    assert site.clerk.error(CONFIRM_SHIPMENT, {"id": one})["extensions"]["code"] == "NOT_RELEASED"


def test_manual_rework_of_the_whole_held_lot_ends_its_hold(make_app, make_client):
    site = rework_site(make_app, make_client)
    sales(site)
    so = order(site, "c_east", 3)
    make(site, so["wo"], 3)
    finish(site, so["wo"]["id"])
    lot = site.planner.ok(WO_OPS, {"id": so["wo"]["id"]})["workOrder"]["lotId"]
    ship = site.salesmgr.ok(SHIP, {"i": {"orderId": so["id"]}})["salesOrderShip"]
    assert site.clerk.error(CONFIRM_SHIPMENT, {"id": ship["id"]})["extensions"]["code"] == "NOT_RELEASED"
    ro = site.rp.ok(CREATE_RO, {"i": {"workOrderId": so["wo"]["id"], "quantity": "3"}})["reworkOrderCreate"]
    site.rp.ok(RELEASE_RO, {"id": ro["id"]})
    assert site.insp.ok(STATUS, {"lot": lot}) == {"lotReleaseStatus": "handed_over"}
