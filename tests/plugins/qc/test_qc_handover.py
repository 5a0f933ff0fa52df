"""``hand_over_holds``: another plugin (here a fake rework plugin, on qc's rework hook) takes
goods qc holds after a failed final inspection. The holds it takes end ``handed_over`` to that
record, the shipment gate stops counting them, a partial take splits the hold."""

from __future__ import annotations

from mrp.helpers import FINISH_WO, WO, report

from tenon import PluginInfo, hookimpl

from .helpers import (
    CONFIRM_SHIPMENT,
    DISPOSE,
    RELEASE_STATUS,
    VISUAL,
    build_inspected_product,
    inspections,
    new_shipment,
    plan,
    qc_site,
    record_all,
)


class Taker:
    """On the rework disposition, takes ``take`` of the failed goods into record ("test.taker", 7)."""

    __name__ = "taker"

    def __init__(self, take: str | None) -> None:
        self.take, self.handed = take, []

    @hookimpl
    def tenon_plugin_info(self):
        return PluginInfo(name="taker", version="0.1.0", depends=("qc",))

    @hookimpl
    def tenon_qc_rework_disposed(self, session, nonconformance, inspection):
        from tenon.plugins.qc import hand_over_holds

        got = hand_over_holds(session, to_type="test.taker", to_id=7, inspection_id=inspection.id,
                              product_id=inspection.product_id, quantity=self.take)
        self.handed = [(h.state, f"{h.quantity:.0f}", h.handed_to_type, h.handed_to_id, h.ended_at is not None)
                       for h in got]


def test_handed_over_holds_stop_gating_shipments(make_app, make_client):
    """WO of 4 KQ, final inspection fails: 4 held, a shipment of 3 KQ is NOT_RELEASED. The rework
    disposition's taker takes 3: that hold ends handed_over (recorded to whom and when), 1 stays
    held, so a shipment of 3 (4 on hand − 1 held) confirms and one of 2 more is still refused."""
    taker = Taker("3")
    site = qc_site(make_app, make_client, plugins=["stock", "mrp", "qc", "taker"], extra_plugins=[taker])
    build_inspected_product(site)
    plan(site, "QP-KQ-FINAL", "FINAL", product="KQ", items=[VISUAL], sampling={"method": "FIRST_N", "value": "1"})
    wo = site.planner.ok("mutation($i: WorkOrderCreateInput!) { workOrderCreate(input: $i) { id } }",
                         {"i": {"productId": site.ids["KQ"], "quantity": "4"}})["workOrderCreate"]
    ops = site.planner.ok("mutation($id: ID!) { workOrderRelease(id: $id) { operations { id } } }",
                          {"id": wo["id"]})["workOrderRelease"]["operations"]
    report(site.op_cnc, ops[0]["id"], 4)
    assert "errors" not in report(site.op_asm, ops[1]["id"], 4)
    site.planner.ok(FINISH_WO, {"id": wo["id"], "b": False})
    lot_id = site.planner.ok(WO, {"id": wo["id"]})["workOrder"]["lotId"]
    (fin,) = inspections(site, stage="FINAL")
    fin = record_all(site.insp, fin, VIS="fail")
    three = new_shipment(site.clerk, [{"productId": site.ids["KQ"], "quantity": "3"}])
    assert site.clerk.error(CONFIRM_SHIPMENT, {"id": three["id"]})["extensions"]["code"] == "NOT_RELEASED"

    site.insp.ok(DISPOSE, {"i": {"id": fin["nonconformance"]["id"], "disposition": "REWORK", "reason": "redo"}})
    assert taker.handed == [("handed_over", "3", "test.taker", 7, True)]
    assert site.insp.ok(RELEASE_STATUS, {"lot": lot_id}) == {"lotReleaseStatus": "held"}  # 1 still held
    assert site.clerk.ok(CONFIRM_SHIPMENT, {"id": three["id"]})["shipmentConfirm"]["state"] == "done"
    more = new_shipment(site.clerk, [{"productId": site.ids["KQ"], "quantity": "1"}])
    err = site.clerk.error(CONFIRM_SHIPMENT, {"id": more["id"]})
    assert (err["extensions"]["code"], err["extensions"]["details"]["lines"][0]["reason"]) == (
        "NOT_RELEASED", "finished goods not released")


def test_handing_over_everything_ends_the_lot_hold(make_app, make_client):
    """Without a quantity the taker takes all the failed goods: the lot is handed_over, no longer held."""
    taker = Taker(None)
    site = qc_site(make_app, make_client, plugins=["stock", "mrp", "qc", "taker"], extra_plugins=[taker])
    build_inspected_product(site)
    plan(site, "QP-KQ-FINAL", "FINAL", product="KQ", items=[VISUAL], sampling={"method": "FIRST_N", "value": "1"})
    wo = site.planner.ok("mutation($i: WorkOrderCreateInput!) { workOrderCreate(input: $i) { id } }",
                         {"i": {"productId": site.ids["KQ"], "quantity": "2"}})["workOrderCreate"]
    ops = site.planner.ok("mutation($id: ID!) { workOrderRelease(id: $id) { operations { id } } }",
                          {"id": wo["id"]})["workOrderRelease"]["operations"]
    report(site.op_cnc, ops[0]["id"], 2)
    report(site.op_asm, ops[1]["id"], 2)
    site.planner.ok(FINISH_WO, {"id": wo["id"], "b": False})
    lot_id = site.planner.ok(WO, {"id": wo["id"]})["workOrder"]["lotId"]
    (fin,) = inspections(site, stage="FINAL")
    fin = record_all(site.insp, fin, VIS="fail")
    site.insp.ok(DISPOSE, {"i": {"id": fin["nonconformance"]["id"], "disposition": "REWORK", "reason": "redo"}})
    assert taker.handed == [("handed_over", "2", "test.taker", 7, True)]
    assert site.insp.ok(RELEASE_STATUS, {"lot": lot_id}) == {"lotReleaseStatus": "handed_over"}
    s = new_shipment(site.clerk, [{"productId": site.ids["KQ"], "quantity": "2", "lotId": lot_id}])
    assert site.clerk.ok(CONFIRM_SHIPMENT, {"id": s["id"]})["shipmentConfirm"]["state"] == "done"
