"""The rework loop through GraphQL: a failed final inspection → nonconformance disposed rework →
rework order (traced to the sales order, work order, inspection and lot, responsibility
guessed) → released: rework work order with the operations to redo, the failed goods into
production, repair material through a requisition → rework operations reported → the rework
work order finished → qc's re-inspection passes → the order's shipment is allowed → order done.
"""

from __future__ import annotations

from tenon.testing import wait_for_outbox

from .helpers import (
    CLOSE_ORDER,
    CONFIRM_SHIPMENT,
    DISPOSE,
    NC,
    ORDER,
    RELEASE_RO,
    RO,
    ROS,
    SHIP,
    WO_OPS,
    dec,
    final_inspection,
    finish,
    inspect,
    make,
    order,
    rework_site,
    sales,
)

NOTES = "query { notifications(first: 50) { nodes { title event } } }"
LOT_RW = "query($id: ID!) { lot(id: $id) { code reworkOrders { number } } }"
WO_RW = "query($id: ID!) { workOrder(id: $id) { reworkOrders { number state } } }"
AUDIT = """query { auditLog(first: 200) { nodes { tableName action } } }"""


def test_failed_final_inspection_is_reworked_reinspected_and_shipped(make_app, make_client):
    site = rework_site(make_app, make_client)
    sales(site)
    so = order(site, "c_east", 10)
    wo = so["wo"]
    make(site, wo, 10, minutes=30)
    finish(site, wo["id"])                     # qc opens the final inspection of the 10
    failed = inspect(site, wo["id"], "fail")
    assert failed["state"] == "FAILED" and failed["nonconformance"]["state"] == "OPEN"

    # the failed goods are held: shipping them is refused by qc's gate
    ship = site.salesmgr.ok(SHIP, {"i": {"orderId": so["id"]}})["salesOrderShip"]
    refused = site.clerk.error(CONFIRM_SHIPMENT, {"id": ship["id"]})
    assert refused["extensions"]["code"] == "NOT_RELEASED"

    # the inspector disposes the nonconformance rework: rework opens a rework order for it
    site.insp.ok(DISPOSE, {"i": {"id": failed["nonconformance"]["id"], "disposition": "REWORK", "reason": "bore"}})
    ro = site.rp.ok(ROS)["reworkOrders"]["nodes"]
    assert [(r["state"], r["source"], r["regionCode"]) for r in ro] == [("OPEN", "NONCONFORMANCE", "east")]
    ro_id = site.rp.ok("{ reworkOrders { nodes { id } } }")["reworkOrders"]["nodes"][0]["id"]
    got = site.rp.ok(RO, {"id": ro_id})["reworkOrder"]
    insp = final_inspection(site, wo["id"])
    assert (dec(got["quantity"]), got["originalWorkOrderId"], got["inspectionId"], got["nonconformanceId"],
            got["salesOrderId"], got["salesOrderLineId"], got["lotId"]) == (
        dec(10), wo["id"], insp["id"], failed["nonconformance"]["id"], so["id"], so["lines"][0]["id"], insp["lotId"])
    # responsibility guessed from the last operation before the final inspection: ASSY at ASM, by op_asm
    assert got["responsibility"]["operationId"] == site.ids["ASSY"]
    assert got["responsibility"]["workCenterId"] == site.ids["ASM"]
    assert got["responsibility"]["operator"] == "op_asm"

    # after commit the rework planners and the responsible work center's lead are told
    wait_for_outbox(site.app)
    titles = {name: [n["title"] for n in site.clients[name].ok(NOTES)["notifications"]["nodes"]
                     if n["event"] == "rework.order.created"] for name in ("rp", "lead")}
    assert titles == {"rp": [f"Rework order {got['number']} opened (10 pcs, nonconformance)"],
                      "lead": [f"Rework order {got['number']} opened (10 pcs, nonconformance): ASM is held responsible"]}

    # the links appear on the original's types
    assert site.rp.ok(WO_RW, {"id": wo["id"]})["workOrder"]["reworkOrders"] == [{"number": got["number"], "state": "OPEN"}]
    assert site.rp.ok(LOT_RW, {"id": got["lotId"]})["lot"]["reworkOrders"] == [{"number": got["number"]}]
    progress = site.salesmgr.ok(ORDER, {"id": so["id"]})["salesOrder"]
    assert progress["reworkOrders"] == [{"number": got["number"], "state": "OPEN"}]
    assert dec(progress["progress"]["lines"][0]["reworkQuantity"]) == 10

    # only assembly is redone, with 2 bearings of repair material
    site.rp.ok("mutation($i: ReworkOrderUpdateInput!) { reworkOrderUpdate(input: $i) { id } }",
               {"i": {"id": ro_id, "operationIds": [site.ids["ASSY"]],
                      "materials": [{"productId": site.ids["BRG"], "quantity": "2", "unitCost": "12.5"}]}})
    released = site.rp.ok(RELEASE_RO, {"id": ro_id})["reworkOrderRelease"]
    assert released["state"] == "IN_REWORK" and released["workOrderState"] == "released"
    rwo = site.planner.ok(WO_OPS, {"id": released["workOrderId"]})["workOrder"]
    assert (rwo["kind"], rwo["parentId"], [o["name"] for o in rwo["operations"]]) == ("rework", wo["id"], ["Assembly"])
    serves = "query($id: ID!) { workOrder(id: $id) { reworkOrder { number } } }"
    assert site.rp.ok(serves, {"id": rwo["id"]})["workOrder"]["reworkOrder"] == {"number": got["number"]}
    assert site.rp.ok(serves, {"id": wo["id"]})["workOrder"]["reworkOrder"] is None

    site.clerk.ok("mutation($id: ID!) { requisitionIssue(id: $id) { state } }", {"id": released["requisitionId"]})
    make(site, {"id": rwo["id"]}, 10, minutes=45)
    finish(site, rwo["id"])                    # qc's final inspection of the rework work order: the re-inspection
    re = final_inspection(site, rwo["id"])
    assert re["reinspection"] is True and dec(re["quantity"]) == 10
    assert site.rp.ok(RO, {"id": ro_id})["reworkOrder"]["state"] == "IN_REWORK"
    assert inspect(site, rwo["id"], "pass")["state"] == "PASSED"

    done = site.rp.ok(RO, {"id": ro_id})["reworkOrder"]
    assert (done["state"], dec(done["passedQuantity"]), done["reinspectionId"]) == ("DONE", dec(10), re["id"])
    assert (dec(done["hours"]), dec(done["materialCost"])) == (dec("0.75"), dec(25))
    # the nonconformance it carried out is closed
    assert [n["state"] for n in site.insp.ok(NC)["nonconformances"]["nodes"]] == ["CLOSED"]
    lines = site.salesmgr.ok(ORDER, {"id": so["id"]})["salesOrder"]["progress"]["lines"]
    assert (dec(lines[0]["reworkQuantity"]), dec(lines[0]["reworkedQuantity"])) == (dec(0), dec(10))

    # the shipment is allowed now (the reworked lot is released); the order ships and closes
    assert site.clerk.ok(CONFIRM_SHIPMENT, {"id": ship["id"]})["shipmentConfirm"]["state"] == "done"
    after = site.salesmgr.ok(ORDER, {"id": so["id"]})["salesOrder"]
    assert (after["state"], dec(after["lines"][0]["shippedQuantity"]), after["progress"]["percentComplete"]) == (
        "SHIPPED", dec(10), 100.0)
    assert site.salesmgr.ok(CLOSE_ORDER, {"id": so["id"]})["salesOrderClose"]["state"] == "DONE"


RECEIPT = "mutation($i: ReceiptCreateInput!) { receiptCreate(input: $i) { id state } }"
BY_STAGE = """query($p: ID!) { inspections(productId: $p, stage: RECEIPT) { nodes { id state lotId
    nonconformance { id } } } }"""


def test_received_goods_that_fail_are_reworked_from_quarantine_with_the_supplier_lot_responsible(make_app, make_client):
    site = rework_site(make_app, make_client, plugins=["stock", "mrp", "qc", "rework"])
    stray = site.planner.ok("""mutation($i: OperationCreateInput!) { mrpOperationCreate(input: $i) { id } }""",
                            {"i": {"code": "PAINT", "name": "Painting", "workCenterId": site.ids["ASM"]}})["mrpOperationCreate"]["id"]
    site.qm.ok("""mutation($i: InspectionPlanCreateInput!) { inspectionPlanCreate(input: $i) { id } }""",
               {"i": {"code": "KA-IN", "name": "Knuckle incoming", "stage": "RECEIPT", "productId": site.ids["KA"],
                      "items": [{"code": "LOOK", "kind": "PASS_FAIL"}]}})
    site.clerk.ok(RECEIPT, {"i": {"lines": [{"productId": site.ids["KA"], "quantity": "3", "lot": "SUP-7"}],
                                  "supplier": "Forge Co", "validate": True}})
    (insp,) = site.insp.ok(BY_STAGE, {"p": site.ids["KA"]})["inspections"]["nodes"]
    failed = site.insp.ok("""mutation($id: ID!, $v: [InspectionValueInput!]!) { inspectionRecord(id: $id, values: $v) {
        nonconformance { id } } }""", {"id": insp["id"], "v": [{"item": "LOOK", "sampleNo": n, "value": "fail"} for n in (1, 2, 3)]})["inspectionRecord"]
    site.insp.ok(DISPOSE, {"i": {"id": failed["nonconformance"]["id"], "disposition": "REWORK"}})
    ro_id = site.rp.ok("{ reworkOrders { nodes { id } } }")["reworkOrders"]["nodes"][0]["id"]
    ro = site.rp.ok(RO, {"id": ro_id})["reworkOrder"]
    quarantine = site.clerk.ok("{ locations(first: 50) { nodes { id code } } }")["locations"]["nodes"]
    assert ro["locationId"] == next(n["id"] for n in quarantine if n["code"] == "QC-QUARANTINE")
    assert (ro["originalWorkOrderId"], ro["responsibility"]["supplierLotId"], ro["lotId"]) == (None, insp["lotId"], insp["lotId"])

    # an operation that is not in the routing is refused at release, and nothing changes
    site.rp.ok("mutation($i: ReworkOrderUpdateInput!) { reworkOrderUpdate(input: $i) { id } }",
               {"i": {"id": ro_id, "operationIds": [site.ids["TURN"], stray]}})
    bad = site.rp.error(RELEASE_RO, {"id": ro_id})
    assert (bad["extensions"]["field"], bad["extensions"]["details"]) == ("operationIds", {"unknown": [stray]})
    assert site.rp.ok(RO, {"id": ro_id})["reworkOrder"]["state"] == "OPEN"
    site.rp.ok("mutation($i: ReworkOrderUpdateInput!) { reworkOrderUpdate(input: $i) { id } }",
               {"i": {"id": ro_id, "operationIds": None}})
    released = site.rp.ok(RELEASE_RO, {"id": ro_id})["reworkOrderRelease"]   # no original: the full routing
    rwo = site.planner.ok(WO_OPS, {"id": released["workOrderId"]})["workOrder"]
    assert (rwo["kind"], rwo["parentId"], [o["name"] for o in rwo["operations"]]) == ("rework", None, ["Turning", "Assembly"])
    make(site, {"id": rwo["id"]}, 3)
    finish(site, rwo["id"])
    inspect(site, rwo["id"], "pass")
    assert site.rp.ok(RO, {"id": ro_id})["reworkOrder"]["state"] == "DONE"
    assert [n["state"] for n in site.insp.ok(NC)["nonconformances"]["nodes"]] == ["CLOSED"]


def test_a_failed_reinspection_opens_the_next_rework_order_traced_to_the_same_original(make_app, make_client):
    from mrp.helpers import new_work_order

    site = rework_site(make_app, make_client, plugins=["stock", "mrp", "qc", "rework"])
    wo = new_work_order(site, 4)
    make(site, wo, 4)
    finish(site, wo["id"])
    nc1 = inspect(site, wo["id"], "fail")["nonconformance"]["id"]
    site.insp.ok(DISPOSE, {"i": {"id": nc1, "disposition": "REWORK"}})
    first = site.rp.ok("{ reworkOrders { nodes { id } } }")["reworkOrders"]["nodes"][0]["id"]
    site.rp.ok("mutation($i: ReworkOrderUpdateInput!) { reworkOrderUpdate(input: $i) { id } }",
               {"i": {"id": first, "operationIds": [site.ids["TURN"]]}})
    rwo = site.rp.ok(RELEASE_RO, {"id": first})["reworkOrderRelease"]["workOrderId"]
    make(site, {"id": rwo}, 4)
    finish(site, rwo)
    nc2 = inspect(site, rwo, "fail")["nonconformance"]["id"]
    assert site.rp.ok(RO, {"id": first})["reworkOrder"]["state"] == "FAILED"
    site.insp.ok(DISPOSE, {"i": {"id": nc2, "disposition": "REWORK"}})
    second = site.rp.ok("{ reworkOrders { nodes { id } } }")["reworkOrders"]["nodes"][0]["id"]
    got = site.rp.ok(RO, {"id": second})["reworkOrder"]
    assert (got["parentId"], got["originalWorkOrderId"], got["operationIds"], got["nonconformanceId"]) == (
        first, wo["id"], [site.ids["TURN"]], nc2)
    # the rework's own last operation (turning, by op_cnc) is held responsible this time
    assert (got["responsibility"]["operationId"], got["responsibility"]["operator"]) == (site.ids["TURN"], "op_cnc")
