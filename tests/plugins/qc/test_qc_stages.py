"""Inspections created automatically at the three stages, only for the stages whose plugin is
installed; the next operation waits for an in-process inspection; the final release gates
stock's shipments (refused with NOT_RELEASED naming the lines, then allowed after release);
incoming lots are quarantined (unavailable to pick and ship) until they pass."""

from __future__ import annotations

from mrp.helpers import FINISH_WO, WO, new_work_order, report

from tenon.testing import wait_for_outbox

from .helpers import (
    BORE,
    CONFIRM_SHIPMENT,
    RELEASE_STATUS,
    SHIPMENT,
    VISUAL,
    build_inspected_product,
    dec,
    inspections,
    location_ids,
    new_shipment,
    on_hand,
    plan,
    qc_site,
    receive,
    record,
    record_all,
)

NOTES = "query { notifications(first: 50) { nodes { title event } } }"


def test_in_process_holds_the_next_operation_and_final_release_gates_shipments(make_app, make_client):
    """KQ: in-process plan after TURNQ (first 2 pieces, BORE), final plan (first 1, visual).
    A work order of 10: reporting TURNQ opens an in-process inspection of 10 (sample 2) and holds
    ASSY (OPERATION_BLOCKED) until it passes. ASSY's report receives lot <WO number> into stock:
    held for its final release. A shipment of 4 KQ (no lot) and one naming the lot are refused
    with NOT_RELEASED and stay draft with stock unchanged. Finishing opens the final inspection
    (10, the lot); the plan's inspector is notified. It passes: the lot is released and the
    refused shipment confirms."""
    site = qc_site(make_app, make_client)
    build_inspected_product(site)
    plan(site, "QP-KQ-TURN", "IN_PROCESS", product="KQ", operationId=site.ids["TURNQ"],
         sampling={"method": "FIRST_N", "value": "2"}, inspectorUsername="insp")
    plan(site, "QP-KQ-FINAL", "FINAL", product="KQ", items=[VISUAL], sampling={"method": "FIRST_N", "value": "1"},
         inspectorUsername="insp")
    wo = site.planner.ok("mutation($i: WorkOrderCreateInput!) { workOrderCreate(input: $i) { id number } }",
                         {"i": {"productId": site.ids["KQ"], "quantity": "10"}})["workOrderCreate"]
    wo = site.planner.ok("mutation($id: ID!) { workOrderRelease(id: $id) { id number operations { id name } } }",
                         {"id": wo["id"]})["workOrderRelease"]
    turn, assy = wo["operations"]
    assert "errors" not in report(site.op_cnc, turn["id"], 10)
    (ip,) = inspections(site, stage="IN_PROCESS")
    assert (ip["state"], dec(ip["quantity"]), ip["sampleSize"], ip["operationId"], ip["workOrderId"]) == (
        "OPEN", 10, 2, turn["id"], wo["id"])
    blocked = site.planner.ok(WO, {"id": wo["id"]})["workOrder"]["operations"]
    assert [o["blocked"] for o in blocked] == [False, True]
    assert report(site.op_asm, assy["id"], 10)["errors"][0]["extensions"]["code"] == "OPERATION_BLOCKED"

    ip = record(site.insp, ip["id"], ("BORE", "25.01", 1))
    assert ip["state"] == "OPEN"  # sample 2 still missing: ASSY still waits
    assert report(site.op_asm, assy["id"], 10)["errors"][0]["extensions"]["code"] == "OPERATION_BLOCKED"
    assert record(site.insp, ip["id"], ("BORE", "24.99", 2))["state"] == "PASSED"
    assert "errors" not in report(site.op_asm, assy["id"], 10)
    lot_id = site.planner.ok(WO, {"id": wo["id"]})["workOrder"]["lotId"]
    assert site.insp.ok(RELEASE_STATUS, {"lot": lot_id}) == {"lotReleaseStatus": "held"}
    assert on_hand(site.clerk, site.ids["KQ"]) == 10

    loose = new_shipment(site.clerk, [{"productId": site.ids["KQ"], "quantity": "4"}])
    by_lot = new_shipment(site.clerk, [{"productId": site.ids["BOLT"], "quantity": "1"},
                                       {"productId": site.ids["KQ"], "quantity": "1", "lotId": lot_id}])
    err = site.clerk.error(CONFIRM_SHIPMENT, {"id": loose["id"]})
    assert err["extensions"]["code"] == "NOT_RELEASED"
    assert [(ln["lineId"], ln["reason"]) for ln in err["extensions"]["details"]["lines"]] == [
        (loose["lines"][0]["id"], "finished goods not released")]
    err = site.clerk.error(CONFIRM_SHIPMENT, {"id": by_lot["id"]})
    assert [(ln["lineId"], ln["lot"], ln["reason"]) for ln in err["extensions"]["details"]["lines"]] == [
        (by_lot["lines"][1]["id"], wo["number"], "lot not released")]  # the BOLT line is not named
    assert site.clerk.ok(SHIPMENT, {"id": loose["id"]})["shipment"]["state"] == "draft"
    assert on_hand(site.clerk, site.ids["KQ"]) == 10 and on_hand(site.clerk, site.ids["BOLT"]) == 1000

    assert site.planner.ok(FINISH_WO, {"id": wo["id"], "b": False})["workOrderFinish"]["state"] == "DONE"
    (fin,) = inspections(site, stage="FINAL")
    assert (fin["state"], dec(fin["quantity"]), fin["lotId"], fin["workOrderId"], fin["reinspection"]) == (
        "OPEN", 10, lot_id, wo["id"], False)
    wait_for_outbox(site.app)
    titles = [n["title"] for n in site.insp.ok(NOTES)["notifications"]["nodes"]]
    assert f"Final inspection {fin['number']} is waiting" in titles
    assert f"In-process inspection {ip['number']} is waiting" in titles
    assert site.clerk.error(CONFIRM_SHIPMENT, {"id": loose["id"]})["extensions"]["code"] == "NOT_RELEASED"

    assert record_all(site.insp, fin, VIS="pass")["state"] == "PASSED"
    assert site.insp.ok(RELEASE_STATUS, {"lot": lot_id}) == {"lotReleaseStatus": "released"}
    assert site.clerk.ok(CONFIRM_SHIPMENT, {"id": loose["id"]})["shipmentConfirm"]["state"] == "done"
    assert site.clerk.ok(CONFIRM_SHIPMENT, {"id": by_lot["id"]})["shipmentConfirm"]["state"] == "done"
    assert on_hand(site.clerk, site.ids["KQ"]) == 5


def test_without_a_plan_or_a_flag_nothing_is_inspected(make_app, make_client):
    """KA (no plans, no inspected operation) runs and ships as without qc; an inspected operation
    without an in-process plan opens nothing and holds nothing."""
    site = qc_site(make_app, make_client)
    build_inspected_product(site)
    wo = new_work_order(site, 5)
    for op, client in zip(wo["operations"], (site.op_cnc, site.op_asm), strict=True):
        assert "errors" not in report(client, op["id"], 5)
    site.planner.ok(FINISH_WO, {"id": wo["id"], "b": False})
    kq = site.planner.ok("mutation($i: WorkOrderCreateInput!) { workOrderCreate(input: $i) { id } }",
                         {"i": {"productId": site.ids["KQ"], "quantity": "3"}})["workOrderCreate"]
    kq = site.planner.ok("mutation($id: ID!) { workOrderRelease(id: $id) { id operations { id } } }",
                         {"id": kq["id"]})["workOrderRelease"]
    assert "errors" not in report(site.op_cnc, kq["operations"][0]["id"], 3)
    assert "errors" not in report(site.op_asm, kq["operations"][1]["id"], 3)
    assert inspections(site) == []
    s = new_shipment(site.clerk, [{"productId": site.ids["KA"], "quantity": "5"}, {"productId": site.ids["KQ"], "quantity": "3"}])
    assert site.clerk.ok(CONFIRM_SHIPMENT, {"id": s["id"]})["shipmentConfirm"]["state"] == "done"


def test_incoming_lot_is_quarantined_until_it_passes_on_a_site_without_mrp(make_app, make_client):
    """stock + qc only (no mrp: no in-process or final stage, no work orders in the schema).
    STEEL has a receipt plan (visual, first 1); PLAIN has none. Receiving 100 STEEL lot S-1 and 20
    PLAIN opens one incoming inspection and moves S-1 into QC-QUARANTINE: nothing of it is in the
    default location, picking a shipment of it is INSUFFICIENT_STOCK, shipping lot S-1 is
    NOT_RELEASED. S-1 fails: it stays quarantined. Lot S-2 (50) passes: it moves back and ships."""
    site = qc_site(make_app, make_client, plugins=["stock", "qc"])
    assert site.planner.error("{ workOrders { totalCount } }")["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    mk = "mutation($i: ProductCreateInput!) { productCreate(input: $i) { id } }"
    steel = site.boss.ok(mk, {"i": {"code": "STEEL", "name": "Steel", "tracking": "lot", "kind": "raw_material"}})["productCreate"]["id"]
    plain = site.boss.ok(mk, {"i": {"code": "PLAIN", "name": "Plain"}})["productCreate"]["id"]
    site.ids.update(STEEL=steel, PLAIN=plain)
    plan(site, "QP-STEEL-IN", "RECEIPT", product="STEEL", items=[VISUAL, {**BORE, "required": False}],
         sampling={"method": "FIRST_N", "value": "1"})
    rc = receive(site.clerk, [{"productId": steel, "quantity": "100", "lot": "S-1"}, {"productId": plain, "quantity": "20"}])
    (inc,) = inspections(site)
    assert (inc["stage"], inc["state"], inc["quarantined"], inc["originType"], inc["originId"], dec(inc["quantity"])) == (
        "RECEIPT", "OPEN", True, "stock.receipt", rc["id"], 100)
    locs = location_ids(site.boss)
    stock_loc = next(i for c, i in locs.items() if c.endswith("/STOCK"))
    assert (on_hand(site.clerk, steel, stock_loc), on_hand(site.clerk, steel, locs["QC-QUARANTINE"])) == (0, 100)
    assert on_hand(site.clerk, plain, stock_loc) == 20
    s1 = inc["lotId"]
    assert site.insp.ok(RELEASE_STATUS, {"lot": s1}) == {"lotReleaseStatus": "quarantined"}

    pick = new_shipment(site.clerk, [{"productId": steel, "quantity": "10"}])
    err = site.clerk.error("mutation($id: ID!) { shipmentPick(id: $id) { id } }", {"id": pick["id"]})
    assert err["extensions"]["code"] == "INSUFFICIENT_STOCK"
    named = new_shipment(site.clerk, [{"productId": steel, "quantity": "10", "lotId": s1}])
    err = site.clerk.error(CONFIRM_SHIPMENT, {"id": named["id"]})
    assert (err["extensions"]["code"], err["extensions"]["details"]["lines"][0]["reason"]) == ("NOT_RELEASED", "lot quarantined")

    failed = record(site.insp, inc["id"], ("VIS", "fail"))  # BORE is optional: the result is final
    assert (failed["state"], failed["quarantined"], failed["nonconformance"]["state"]) == ("FAILED", True, "OPEN")
    assert site.insp.ok(RELEASE_STATUS, {"lot": s1}) == {"lotReleaseStatus": "quarantined"}
    assert on_hand(site.clerk, steel, locs["QC-QUARANTINE"]) == 100

    receive(site.clerk, [{"productId": steel, "quantity": "50", "lot": "S-2"}])
    s2_insp = next(i for i in inspections(site) if i["state"] == "OPEN")
    passed = record(site.insp, s2_insp["id"], ("VIS", "ok"), ("BORE", "25.00"))
    assert (passed["state"], passed["quarantined"]) == ("PASSED", False)
    assert (on_hand(site.clerk, steel, stock_loc), on_hand(site.clerk, steel, locs["QC-QUARANTINE"])) == (50, 100)
    assert site.clerk.ok(CONFIRM_SHIPMENT, {"id": pick["id"]})["shipmentConfirm"]["state"] == "done"
    assert {i["stage"] for i in inspections(site)} == {"RECEIPT"}


def finish_kq(site, quantity: int) -> dict:
    wo = site.planner.ok("mutation($i: WorkOrderCreateInput!) { workOrderCreate(input: $i) { id number } }",
                         {"i": {"productId": site.ids["KQ"], "quantity": str(quantity)}})["workOrderCreate"]
    ops = site.planner.ok("mutation($id: ID!) { workOrderRelease(id: $id) { operations { id } } }",
                          {"id": wo["id"]})["workOrderRelease"]["operations"]
    report(site.op_cnc, ops[0]["id"], quantity)
    report(site.op_asm, ops[1]["id"], quantity)
    site.planner.ok(FINISH_WO, {"id": wo["id"], "b": False})
    return {**wo, "lotId": site.planner.ok(WO, {"id": wo["id"]})["workOrder"]["lotId"]}


def test_a_picked_shipment_is_checked_on_the_lots_stock_reserved(make_app, make_client):
    """Lot A (4 KQ) waits for its final inspection, lot B (6 KQ, made later) passed: 10 on hand,
    4 held, so 5 without a lot pass the quantity rule. Picking reserves first-in first-out: lot A
    first, so confirming is NOT_RELEASED naming lot A ("picked lot not released"). A shipment of
    lot B confirms."""
    site = qc_site(make_app, make_client)
    build_inspected_product(site)
    plan(site, "QP-KQ-FINAL", "FINAL", product="KQ", items=[VISUAL], sampling={"method": "FIRST_N", "value": "1"})
    a, b = finish_kq(site, 4), finish_kq(site, 6)
    record_all(site.insp, inspections(site, stage="FINAL", wo=b["id"])[0], VIS="pass")
    assert [site.insp.ok(RELEASE_STATUS, {"lot": w["lotId"]})["lotReleaseStatus"] for w in (a, b)] == ["held", "released"]
    s = new_shipment(site.clerk, [{"productId": site.ids["KQ"], "quantity": "5"}])
    site.clerk.ok("mutation($id: ID!) { shipmentPick(id: $id) { id } }", {"id": s["id"]})
    err = site.clerk.error(CONFIRM_SHIPMENT, {"id": s["id"]})
    assert err["extensions"]["code"] == "NOT_RELEASED"
    assert [(ln["lineId"], ln["lot"], ln["reason"]) for ln in err["extensions"]["details"]["lines"]] == [
        (s["lines"][0]["id"], a["number"], "picked lot not released")]
    site.boss.ok("mutation($id: ID!) { shipmentCancel(id: $id) { id } }", {"id": s["id"]})  # frees lot B's reservation
    named = new_shipment(site.clerk, [{"productId": site.ids["KQ"], "quantity": "5", "lotId": b["lotId"]}])
    assert site.clerk.ok(CONFIRM_SHIPMENT, {"id": named["id"]})["shipmentConfirm"]["state"] == "done"
