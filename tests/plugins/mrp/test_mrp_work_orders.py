"""Work orders through GraphQL: release → requisition → issue → reporting with lot streaming →
finished goods in stock with the consumed lots traceable both ways; over-reporting; scopes;
partial completion with a backorder that does not issue material twice."""

from __future__ import annotations

from .helpers import ISSUE_REQ, REQ_FIELDS, CANCEL_WO, DISPATCH, FINISH_WO, RELEASE_WO, WO, dec, mrp_site, new_work_order, report

REQ = f"query($id: ID!) {{ requisition(id: $id) {{ {REQ_FIELDS} }} }}"
TRACE = """query($lot: ID!, $d: TraceDirection!) { lotTrace(lotId: $lot, direction: $d) {
    nodes { depth quantity lot { code } } } }"""
LEVEL = "query($id: ID!) { product(id: $id) { onHand } }"


def test_release_issue_stream_receive_and_trace(make_app, make_client):
    """100 KA: release asks for 420 bolts (4 × 1.05) and 200 bearings; TURN plans 10 + 0.5 × 100 =
    60 min, ASSY 5 + 100 = 105. The clerk issues everything: bearings FIFO, 120 of lot BRG-L1 and 80
    of BRG-L2. Turning reports 40 good; assembly may report up to 40 (lot streaming), 41 is
    OVER_REPORTED; assembly reports 30 → 30 KA received in lot WO-…, which consumed 60 bearings
    of BRG-L1. Turning reports 60 more (2 scrapped among them → 58 good + 2 scrap), finishing its 100;
    assembly reports 68 (98 available − 30 = 68): 98 KA in stock; the lot consumed 120 of BRG-L1 and
    76 of BRG-L2; assembly is complete (input 98 all reported) and the work order can finish.
    """
    site = mrp_site(make_app, make_client)
    wo = new_work_order(site, 100)
    assert wo["state"] == "RELEASED" and wo["number"].startswith("WO-") and len(wo["number"]) == len("WO-2026-00001")
    turn, assy = wo["operations"]
    assert (turn["state"], assy["state"]) == ("READY", "PENDING")
    assert (dec(turn["plannedMinutes"]), dec(assy["plannedMinutes"])) == (dec(60), dec(105))
    req = site.clerk.ok(REQ, {"id": wo["requisitionId"]})["requisition"]
    assert req["state"] == "APPROVED" or req["state"].lower() == "approved"
    assert {ln["product"]["code"]: dec(ln["quantity"]) for ln in req["lines"]} == {"BOLT": dec(420), "BRG": dec(200)}
    site.clerk.ok(ISSUE_REQ, {"id": wo["requisitionId"]})

    assert site.op_asm.error(*_r(turn["id"], 1))["extensions"]["code"] == "NOT_FOUND"  # not their work center
    assert "errors" not in report(site.op_cnc, turn["id"], 40, minutes="20")
    err = report(site.op_asm, assy["id"], 41)["errors"][0]
    assert err["extensions"]["code"] == "OVER_REPORTED" and err["extensions"]["details"]["available"] == "40.0000"
    r = report(site.op_asm, assy["id"], 30, minutes="30")["data"]["workOrderOperationReport"]
    assert r["lotId"] is not None and r["operator"] == "op_asm"
    assert dec(site.planner.ok(LEVEL, {"id": site.ids["KA"]})["product"]["onHand"]) == 30
    up = site.planner.ok(TRACE, {"lot": r["lotId"], "d": "UP"})["lotTrace"]["nodes"]
    assert {(n["lot"]["code"], dec(n["quantity"] or 0)) for n in up if n["depth"] == 1} == {("BRG-L1", dec(60))}

    err = report(site.op_cnc, turn["id"], 59, scrap=2, reasonCode="BURR")["errors"][0]
    assert err["extensions"]["code"] == "OVER_REPORTED"  # 40 + 59 + 2 > 100
    err = report(site.op_cnc, turn["id"], 58, scrap=2)["errors"][0]
    assert (err["extensions"]["code"], err["extensions"]["field"]) == ("VALIDATION", "reasonCode")
    assert "errors" not in report(site.op_cnc, turn["id"], 58, scrap=2, reasonCode="BURR")
    assert "errors" not in report(site.op_asm, assy["id"], 68)
    got = site.planner.ok(WO, {"id": wo["id"]})["workOrder"]
    assert (got["state"], dec(got["producedQuantity"]), dec(got["scrapQuantity"])) == ("IN_PROGRESS", dec(98), dec(2))
    assert [(o["state"], dec(o["goodQuantity"])) for o in got["operations"]] == [("DONE", dec(98)), ("DONE", dec(98))]
    assert [h["toState"] for h in got["history"]] == ["released", "in_progress"]
    assert dec(site.planner.ok(LEVEL, {"id": site.ids["KA"]})["product"]["onHand"]) == 98
    up = site.planner.ok(TRACE, {"lot": r["lotId"], "d": "UP"})["lotTrace"]["nodes"]
    assert {(n["lot"]["code"], dec(n["quantity"])) for n in up if n["depth"] == 1} == {("BRG-L1", dec(120)), ("BRG-L2", dec(76))}
    lot_l2 = site.planner.ok('query { lots(code: "BRG-L2") { nodes { id } } }')["lots"]["nodes"][0]["id"]
    down = site.planner.ok(TRACE, {"lot": lot_l2, "d": "DOWN"})["lotTrace"]["nodes"]
    assert [n["lot"]["code"] for n in down if n["depth"] == 1] == [got["number"]]
    assert report(site.op_asm, assy["id"], 1)["errors"][0]["extensions"]["code"] == "INVALID_STATE"
    done = site.planner.ok(FINISH_WO, {"id": wo["id"], "b": False})["workOrderFinish"]
    assert done["state"] == "DONE"


def _r(op_id, good):
    from .helpers import REPORT

    return REPORT, {"i": {"operationId": op_id, "good": str(good)}}


def test_partial_finish_backorder_takes_over_material_in_production(make_app, make_client):
    """100 KA released; everything issued (420 bolts, 200 bearings). Only 50 are made (no scrap);
    the work order is finished with a backorder for 50. Consumed: 50 × 4.2 = 210 bolts and 100
    bearings; still in production: 210 bolts and 100 bearings, exactly what 50 more need, so the
    backorder's release asks the warehouse for nothing. Without that credit it would ask for 420
    and 200 again (the partial-production failure of other systems)."""
    site = mrp_site(make_app, make_client)
    wo = new_work_order(site, 100)
    site.clerk.ok(ISSUE_REQ, {"id": wo["requisitionId"]})
    turn, assy = wo["operations"]
    report(site.op_cnc, turn["id"], 50)
    report(site.op_asm, assy["id"], 50)
    done = site.planner.ok(FINISH_WO, {"id": wo["id"], "b": True})["workOrderFinish"]
    assert done["state"] == "DONE" and [o["state"] for o in done["operations"]] == ["CANCELLED", "CANCELLED"]
    bo = site.planner.ok("query($p: ID!) { workOrders(parentId: $p) { nodes { id kind quantity state } } }",
                         {"p": wo["id"]})["workOrders"]["nodes"]
    assert [(b["kind"], dec(b["quantity"]), b["state"]) for b in bo] == [("backorder", dec(50), "DRAFT")]
    released = site.planner.ok(RELEASE_WO, {"id": bo[0]["id"]})["workOrderRelease"]
    assert released["requisitionId"] is None
    req = site.clerk.ok(REQ, {"id": wo["requisitionId"]})["requisition"]
    assert req["state"].lower() == "closed"


def test_cancel_and_dispatch_list(make_app, make_client):
    """Dispatch: ready work at CNC by due date, then priority; cancelling a released order cancels its
    requisition; a work order in progress cannot be cancelled (INVALID_STATE)."""
    site = mrp_site(make_app, make_client)
    late = new_work_order(site, 10, dueDate="2026-12-20")
    urgent = new_work_order(site, 10, dueDate="2026-12-10", priority=5)
    normal = new_work_order(site, 10, dueDate="2026-12-10")
    items = site.op_cnc.ok(DISPATCH, {"wc": site.ids["CNC"]})["dispatchList"]
    assert [i["workOrder"]["number"] for i in items] == [urgent["number"], normal["number"], late["number"]]
    assert [dec(i["availableQuantity"]) for i in items] == [dec(10)] * 3
    assert site.op_cnc.ok(DISPATCH, {"wc": site.ids["ASM"]})["dispatchList"] == []
    cancelled = site.planner.ok(CANCEL_WO, {"id": late["id"]})["workOrderCancel"]
    assert cancelled["state"] == "CANCELLED"
    assert site.clerk.ok(REQ, {"id": late["requisitionId"]})["requisition"]["state"].lower() == "cancelled"
    report(site.op_cnc, urgent["operations"][0]["id"], 1)
    err = site.planner.error(CANCEL_WO, {"id": urgent["id"]})
    assert err["extensions"]["code"] == "INVALID_STATE"
    assert site.planner.error(RELEASE_WO, {"id": "abc"})["extensions"]["code"] == "VALIDATION"
    assert site.planner.error(RELEASE_WO, {"id": "99999"})["extensions"]["code"] == "NOT_FOUND"
