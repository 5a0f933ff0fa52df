"""mrp uninstalled under qc (mrp is optional for qc) and installed again: qc keeps its inspections,
holds and plans, but nothing of qc keeps pointing at mrp's rows, which are gone. A reinstalled mrp
numbers its rows from 1 again, so a hold still naming "work order 1" would be attached to the new
work order 1's final inspection and released by it."""

from __future__ import annotations

from mrp.helpers import (
    CREATE_BOM,
    CREATE_OP,
    CREATE_ROUTING,
    CREATE_WC,
    FINISH_WO,
    WO,
    api_user,
    new_work_order,
    report,
)

from tenon.core.installer import install, uninstall
from tenon.core.kernel import Tenon

from .helpers import (
    CONFIRM_SHIPMENT,
    RELEASE_STATUS,
    VISUAL,
    dec,
    inspections,
    new_shipment,
    on_hand,
    plan,
    qc_site,
    record_all,
)

PLANS = "{ inspectionPlans { nodes { code active operationId } } }"


def _make(site, quantity, *, finish):
    wo = new_work_order(site, quantity)
    for op, client in zip(wo["operations"], (site.op_cnc, site.op_asm), strict=True):
        assert "errors" not in report(client, op["id"], quantity)
    if finish:
        assert site.planner.ok(FINISH_WO, {"id": wo["id"], "b": False})["workOrderFinish"]["state"] == "DONE"
    return site.planner.ok(WO, {"id": wo["id"]})["workOrder"]


def _shop_again(site):
    """mrp's master data once more (stock's products are still there); new users for mrp's roles,
    whose assignments went with mrp."""
    for name, roles, attrs in (("planner", ["planner"], {}), ("op_cnc", ["operator"], {"work_centers": ["CNC"]}),
                               ("op_asm", ["operator"], {"work_centers": ["ASM"]})):
        site.clients[name] = site.insp.as_token(api_user(site.app, f"{name}_again", roles, attrs))
    p, ids = site.planner, site.ids
    ids["CNC"] = p.ok(CREATE_WC, {"i": {"code": "CNC", "name": "CNC turning"}})["workCenterCreate"]["id"]
    ids["ASM"] = p.ok(CREATE_WC, {"i": {"code": "ASM", "name": "Assembly"}})["workCenterCreate"]["id"]
    ids["TURN"] = p.ok(CREATE_OP, {"i": {"code": "TURN", "name": "Turning", "workCenterId": ids["CNC"],
                                         "minutesPerUnit": "0.5"}})["mrpOperationCreate"]["id"]
    ids["ASSY"] = p.ok(CREATE_OP, {"i": {"code": "ASSY", "name": "Assembly", "workCenterId": ids["ASM"],
                                         "minutesPerUnit": "1"}})["mrpOperationCreate"]["id"]
    p.ok(CREATE_ROUTING, {"i": {"productId": ids["KA"], "steps": [{"operationId": ids["TURN"]},
                                                                  {"operationId": ids["ASSY"]}]}})
    p.ok(CREATE_BOM, {"i": {"productId": ids["KA"], "lines": [{"componentId": ids["BOLT"], "quantity": "4"}]}})


def test_a_reinstalled_mrp_inherits_nothing_of_qc(make_app, make_client):
    """KA has a final plan; an in-process plan is bound to operation TURN. Work order A (5 KA) is
    reported to the end but not finished: its 5 KA are held for a final inspection that never comes.
    Work order C (1 KA) is finished: its final inspection is open. mrp is uninstalled: the open
    inspection stays, naming no work order; the plan bound to the removed operation is inactive and
    bound to none (it would otherwise apply to whatever operation gets that id). mrp is installed
    again; work order B (2 KA) gets A's old id (and number, so its lot too), is made and finished,
    and its final inspection of 2 passes: 2 KA may ship, not 3 (A's 5 stay held). C's old
    inspection, passed, releases C's one more."""
    site = qc_site(make_app, make_client, settings={"api": {"plugin_check_seconds": 0}})
    plan(site, "QP-KA-FINAL", "FINAL", product="KA", items=[VISUAL], sampling={"method": "FIRST_N", "value": "1"})
    plan(site, "QP-KA-TURN", "IN_PROCESS", product="KA", operationId=site.ids["TURN"], items=[VISUAL])
    a = _make(site, 5, finish=False)
    c = _make(site, 1, finish=True)
    assert site.insp.ok(RELEASE_STATUS, {"lot": a["lotId"]}) == {"lotReleaseStatus": "held"}
    (old,) = inspections(site, stage="FINAL")
    assert (old["workOrderId"], old["lotId"]) == (c["id"], c["lotId"])

    elsewhere = Tenon(site.app.site)  # `tenon plugins uninstall mrp`, then `install mrp`, in a shell
    try:
        uninstall(elsewhere, "mrp")
        assert {p["code"]: (p["active"], p["operationId"]) for p in site.qm.ok(PLANS)["inspectionPlans"]["nodes"]} == {
            "QP-KA-FINAL": (True, None), "QP-KA-TURN": (False, None)}
        assert [(i["id"], i["state"], i["workOrderId"], i["workCenterId"]) for i in inspections(site)] == [
            (old["id"], "OPEN", None, None)]
        install(elsewhere, ["mrp"])
    finally:
        elsewhere.dispose()
    _shop_again(site)

    b = _make(site, 2, finish=True)
    assert b["id"] == a["id"]  # the numbering started again
    (fin,) = [i for i in inspections(site, stage="FINAL") if i["id"] != old["id"]]
    assert (dec(fin["quantity"]), fin["workOrderId"]) == (2, b["id"])
    assert record_all(site.insp, fin, VIS="pass")["state"] == "PASSED"
    # 8 KA in stock (A 5, C 1, B 2); only B's 2 are released
    assert on_hand(site.clerk, site.ids["KA"]) == 8
    assert ship(site, 3)["extensions"]["code"] == "NOT_RELEASED"
    assert ship(site, 2) is None
    assert record_all(site.insp, old, VIS="pass")["state"] == "PASSED"  # C's, decided after all
    assert site.insp.ok(RELEASE_STATUS, {"lot": c["lotId"]}) == {"lotReleaseStatus": "released"}
    assert ship(site, 2)["extensions"]["code"] == "NOT_RELEASED"  # A's 5 are still held
    assert ship(site, 1) is None
    assert inspections(site, stage="IN_PROCESS") == []  # the unbound plan inspects no new operation


def ship(site, quantity):
    """Confirm a shipment of ``quantity`` KA: ``None`` when done, else the error (the shipment stays a draft)."""
    shipment = new_shipment(site.clerk, [{"productId": site.ids["KA"], "quantity": str(quantity)}])
    body = site.clerk.post(CONFIRM_SHIPMENT, {"id": shipment["id"]})
    return body["errors"][0] if body.get("errors") else None
