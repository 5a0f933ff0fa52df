"""Nonconformances: one of each disposition (scrap, use as is, rework), who may give them, the
rework disposition unavailable without a plugin that does rework, and the rework work order's
final inspection (a re-inspection)."""

from __future__ import annotations

from mrp.helpers import FINISH_WO, WO, report

from tenon import PluginInfo, hookimpl
from tenon.testing import wait_for_outbox

from .helpers import (
    CONFIRM_SHIPMENT,
    DISPOSE,
    RELEASE_STATUS,
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
LOCS = "query { locations(first: 100) { nodes { id code kind } } }"


def failed_lot(site, product_id: str, lot: str, quantity: int = 30) -> dict:
    receive(site.clerk, [{"productId": product_id, "quantity": str(quantity), "lot": lot}])
    insp = next(i for i in inspections(site) if i["state"] == "OPEN")
    return record(site.insp, insp["id"], ("VIS", "fail"))


def test_scrap_and_use_as_is_on_incoming_lots(make_app, make_client):
    """Lot A fails and is scrapped by the inspector: its 30 leave quarantine for the scrap
    location, the nonconformance is closed, the lot is `scrapped`. Lot B fails: the inspector may
    not use it as is (FORBIDDEN), the quality manager must give a reason (VALIDATION), then it is
    released back to stock and ships; the decision is recorded with who and why. Rework is
    DISPOSITION_UNAVAILABLE (no rework plugin) and changes nothing. Quality managers are told of
    each failure."""
    site = qc_site(make_app, make_client, plugins=["stock", "qc"])
    steel = site.boss.ok("mutation($i: ProductCreateInput!) { productCreate(input: $i) { id } }",
                         {"i": {"code": "STEEL", "name": "Steel", "tracking": "lot"}})["productCreate"]["id"]
    site.ids["STEEL"] = steel
    plan(site, "QP-STEEL-IN", "RECEIPT", product="STEEL", items=[VISUAL], sampling={"method": "FIRST_N", "value": "1"})
    locs = location_ids(site.boss)
    scrap = next(n["id"] for n in site.boss.ok(LOCS)["locations"]["nodes"] if n["kind"] == "inventory_loss")
    stock_loc = next(i for c, i in locs.items() if c.endswith("/STOCK"))

    a = failed_lot(site, steel, "A")
    nc_a = a["nonconformance"]
    unavailable = site.insp.error(DISPOSE, {"i": {"id": nc_a["id"], "disposition": "REWORK"}})
    assert (unavailable["extensions"]["code"], unavailable["extensions"]["field"]) == ("DISPOSITION_UNAVAILABLE", "disposition")
    got = site.insp.ok(DISPOSE, {"i": {"id": nc_a["id"], "disposition": "SCRAP"}})["nonconformanceDispose"]
    assert (got["state"], got["disposition"], got["disposedBy"]) == ("CLOSED", "SCRAP", "insp")
    quarantine = location_ids(site.boss)["QC-QUARANTINE"]
    assert (on_hand(site.clerk, steel, quarantine), on_hand(site.clerk, steel, scrap)) == (0, 30)
    assert site.insp.ok(RELEASE_STATUS, {"lot": a["lotId"]}) == {"lotReleaseStatus": "scrapped"}
    again = site.insp.error(DISPOSE, {"i": {"id": nc_a["id"], "disposition": "SCRAP"}})
    assert again["extensions"]["code"] == "INVALID_STATE"

    b = failed_lot(site, steel, "B", 20)
    nc_b = b["nonconformance"]["id"]
    assert site.insp.error(DISPOSE, {"i": {"id": nc_b, "disposition": "USE_AS_IS", "reason": "ok"}})["extensions"]["code"] == "FORBIDDEN"
    no_reason = site.qm.error(DISPOSE, {"i": {"id": nc_b, "disposition": "USE_AS_IS"}})
    assert (no_reason["extensions"]["code"], no_reason["extensions"]["field"]) == ("VALIDATION", "reason")
    assert on_hand(site.clerk, steel, quarantine) == 20  # refused dispositions moved nothing
    got = site.qm.ok(DISPOSE, {"i": {"id": nc_b, "disposition": "USE_AS_IS",
                                     "reason": "scratch on the packaging only; customer agreed"}})["nonconformanceDispose"]
    assert (got["state"], got["disposition"], got["disposedBy"], got["reason"]) == (
        "CLOSED", "USE_AS_IS", "qm", "scratch on the packaging only; customer agreed")
    assert (on_hand(site.clerk, steel, quarantine), on_hand(site.clerk, steel, stock_loc)) == (0, 20)
    s = new_shipment(site.clerk, [{"productId": steel, "quantity": "20", "lotId": b["lotId"]}])
    assert site.clerk.ok(CONFIRM_SHIPMENT, {"id": s["id"]})["shipmentConfirm"]["state"] == "done"
    wait_for_outbox(site.app)
    titles = [n["title"] for n in site.qm.ok(NOTES)["notifications"]["nodes"]]
    assert sum("failed: nonconformance waiting" in t for t in titles) == 2


class FakeRework:
    """Implements qc's rework hook: opens an mrp rework work order of the failed quantity with
    only the ASSY operation, linked to the failed work order."""

    __name__ = "fake_rework"

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []
        self.recorded: list[tuple[str, str, bool]] = []

    @hookimpl
    def tenon_plugin_info(self):
        return PluginInfo(name="fakerework", version="0.1.0", depends=("qc", "mrp"))

    @hookimpl
    def tenon_qc_rework_disposed(self, session, nonconformance, inspection):
        from sqlalchemy import select

        from tenon.plugins.mrp import Operation, create_linked_work_order

        assy = session.scalar(select(Operation.id).where(Operation.code == "ASSY"))
        create_linked_work_order(session, inspection.work_order_id, kind="rework", quantity=nonconformance.quantity,
                                 operation_ids=[assy])
        self.calls.append((nonconformance.state, inspection.state, inspection.stage))

    @hookimpl
    def tenon_qc_inspection_recorded(self, session, inspection):
        self.recorded.append((inspection.stage, inspection.state, inspection.reinspection))


def test_rework_disposition_and_the_reinspection_of_the_rework_order(make_app, make_client):
    """KQ with in-process (after TURNQ) and final plans. WO of 4: the in-process inspection fails,
    so ASSY stays held after the failure until its nonconformance gets a disposition (scrap:
    nothing in stock to move at that stage). Then the final inspection fails; with a rework plugin installed the inspector
    chooses rework: the hook runs in the transaction (the nonconformance dispositioned), the lot
    stays held, a rework work order exists. It runs, finishes, and gets its own final inspection,
    marked a re-inspection; when that passes, the rework's lot is released. The owned hook
    tenon_qc_inspection_recorded was notified once per final result."""
    rework = FakeRework()
    site = qc_site(make_app, make_client, plugins=["stock", "mrp", "qc", "fakerework"], extra_plugins=[rework])
    build_inspected_product(site)
    plan(site, "QP-KQ-TURN", "IN_PROCESS", product="KQ", items=[VISUAL], sampling={"method": "FIRST_N", "value": "1"})
    plan(site, "QP-KQ-FINAL", "FINAL", product="KQ", items=[VISUAL], sampling={"method": "FIRST_N", "value": "1"})
    wo = site.planner.ok("mutation($i: WorkOrderCreateInput!) { workOrderCreate(input: $i) { id number } }",
                         {"i": {"productId": site.ids["KQ"], "quantity": "4"}})["workOrderCreate"]
    ops = site.planner.ok("mutation($id: ID!) { workOrderRelease(id: $id) { operations { id } } }",
                          {"id": wo["id"]})["workOrderRelease"]["operations"]
    report(site.op_cnc, ops[0]["id"], 4)
    (ip,) = inspections(site, stage="IN_PROCESS")
    ip = record(site.insp, ip["id"], ("VIS", "fail"))
    assert ip["state"] == "FAILED"
    assert report(site.op_asm, ops[1]["id"], 4)["errors"][0]["extensions"]["code"] == "OPERATION_BLOCKED"
    site.insp.ok(DISPOSE, {"i": {"id": ip["nonconformance"]["id"], "disposition": "SCRAP"}})
    assert "errors" not in report(site.op_asm, ops[1]["id"], 4)
    site.planner.ok(FINISH_WO, {"id": wo["id"], "b": False})

    (fin,) = inspections(site, stage="FINAL")
    fin = record_all(site.insp, fin, VIS="fail")
    got = site.insp.ok(DISPOSE, {"i": {"id": fin["nonconformance"]["id"], "disposition": "REWORK",
                                       "reason": "re-assemble"}})["nonconformanceDispose"]
    assert (got["state"], got["disposition"]) == ("DISPOSITIONED", "REWORK")
    assert rework.calls == [("dispositioned", "failed", "final")]
    assert site.insp.ok(RELEASE_STATUS, {"lot": fin["lotId"]}) == {"lotReleaseStatus": "held"}

    (rw,) = site.planner.ok("query($p: ID) { workOrders(parentId: $p) { nodes { id kind quantity } } }",
                            {"p": wo["id"]})["workOrders"]["nodes"]
    assert (rw["kind"], dec(rw["quantity"])) == ("rework", 4)
    rw_ops = site.planner.ok("mutation($id: ID!) { workOrderRelease(id: $id) { operations { id name } } }",
                             {"id": rw["id"]})["workOrderRelease"]["operations"]
    assert [o["name"] for o in rw_ops] == ["Assembly"]
    assert "errors" not in report(site.op_asm, rw_ops[0]["id"], 4)
    site.planner.ok(FINISH_WO, {"id": rw["id"], "b": False})
    (re,) = inspections(site, stage="FINAL", wo=rw["id"])
    assert (re["reinspection"], re["state"], dec(re["quantity"])) == (True, "OPEN", 4)
    assert record_all(site.insp, re, VIS="pass")["state"] == "PASSED"
    rw_lot = site.planner.ok(WO, {"id": rw["id"]})["workOrder"]["lotId"]
    assert site.insp.ok(RELEASE_STATUS, {"lot": rw_lot}) == {"lotReleaseStatus": "released"}
    assert rework.recorded == [("in_process", "failed", False), ("final", "failed", False), ("final", "passed", True)]
    closed = site.qm.ok("mutation($id: ID!) { nonconformanceClose(id: $id) { state closedAt } }",
                        {"id": got["id"]})["nonconformanceClose"]
    assert closed["state"] == "CLOSED" and closed["closedAt"]
