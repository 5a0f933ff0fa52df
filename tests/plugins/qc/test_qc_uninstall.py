"""qc installed on a site that already has stock and mrp data, used, then uninstalled: nothing
else breaks, nothing of qc remains, and shipments are no longer gated."""

from __future__ import annotations

from mrp.helpers import FINISH_WO, api_user, mrp_site, new_work_order, report
from sqlalchemy import inspect, or_, select

from tenon.core.installer import install, uninstall
from tenon.core.kernel import Tenon
from tenon.core.models import CasbinRule, OutboxMessage, SequenceDef

from .helpers import (
    CONFIRM_SHIPMENT,
    VISUAL,
    build_inspected_product,
    inspections,
    location_ids,
    new_shipment,
    on_hand,
    plan,
    receive,
)


def run_ka(site, quantity: int) -> dict:
    wo = new_work_order(site, quantity)
    for op, client in zip(wo["operations"], (site.op_cnc, site.op_asm), strict=True):
        assert "errors" not in report(client, op["id"], quantity)
    site.planner.ok(FINISH_WO, {"id": wo["id"], "b": False})
    return wo


def qc_remains(app) -> list[str]:
    with app.transaction() as s:
        tables = [t for t in inspect(s.connection()).get_table_names() if t.startswith("qc_")]
        rules = [" ".join(filter(None, (r.v0, r.v1, r.v2))) for r in s.scalars(select(CasbinRule).where(or_(
            CasbinRule.v0.in_(("inspector", "quality_manager")), CasbinRule.v1.in_(("inspector", "quality_manager")),
            CasbinRule.v1.like("qc.%"))))]
        seqs = list(s.scalars(select(SequenceDef.code).where(SequenceDef.code.like("qc.%"))))
        outbox = list(s.scalars(select(OutboxMessage.subscriber).where(OutboxMessage.subscriber.like("qc.%"))))
    return tables + rules + seqs + outbox


def test_install_use_and_uninstall_qc_on_a_site_with_stock_and_mrp_data(make_app, make_client):
    """Before qc: 5 KA made and in stock. With qc: a final plan for KA, an in-process plan for KQ
    after TURNQ, a receipt plan for BOLT. A second KA order of 5 waits for its final inspection,
    so shipping 10 KA is NOT_RELEASED; a KQ order's ASSY is held by its open in-process
    inspection; 100 BOLT are received into quarantine. After uninstalling qc: the shipment of 10
    confirms, KQ's ASSY reports, a new work order runs and finishes without inspections, qc's
    GraphQL fields, tables, policy lines, role assignments, sequences and outbox rows are gone.
    The quarantined BOLT stay in QC-QUARANTINE (stock's data). Installing qc again starts empty."""
    site = mrp_site(make_app, make_client, settings={"api": {"plugin_check_seconds": 0}})
    build_inspected_product(site)
    run_ka(site, 5)
    assert on_hand(site.clerk, site.ids["KA"]) == 5
    assert site.planner.error("{ inspections { totalCount } }")["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

    elsewhere = Tenon(site.app.site)  # `tenon plugins install qc` in a shell
    try:
        install(elsewhere, ["qc"])
        base = site.planner
        for name, roles in (("insp", ["inspector"]), ("qm", ["quality_manager"])):
            site.clients[name] = base.as_token(api_user(site.app, name, roles))
        plan(site, "QP-KA-FINAL", "FINAL", product="KA", items=[VISUAL])
        plan(site, "QP-KQ-TURN", "IN_PROCESS", product="KQ", operationId=site.ids["TURNQ"], items=[VISUAL])
        plan(site, "QP-BOLT-IN", "RECEIPT", product="BOLT", items=[VISUAL])

        held = run_ka(site, 5)
        (fin,) = inspections(site, stage="FINAL")
        assert (fin["workOrderId"], fin["state"]) == (held["id"], "OPEN")
        ship = new_shipment(site.clerk, [{"productId": site.ids["KA"], "quantity": "10"}])
        assert site.clerk.error(CONFIRM_SHIPMENT, {"id": ship["id"]})["extensions"]["code"] == "NOT_RELEASED"

        kq = site.planner.ok("mutation($i: WorkOrderCreateInput!) { workOrderCreate(input: $i) { id } }",
                             {"i": {"productId": site.ids["KQ"], "quantity": "3"}})["workOrderCreate"]
        ops = site.planner.ok("mutation($id: ID!) { workOrderRelease(id: $id) { operations { id } } }",
                              {"id": kq["id"]})["workOrderRelease"]["operations"]
        report(site.op_cnc, ops[0]["id"], 3)
        assert report(site.op_asm, ops[1]["id"], 3)["errors"][0]["extensions"]["code"] == "OPERATION_BLOCKED"
        receive(site.clerk, [{"productId": site.ids["BOLT"], "quantity": "100"}])
        quarantine = location_ids(site.planner)["QC-QUARANTINE"]
        assert on_hand(site.clerk, site.ids["BOLT"], quarantine) == 100

        uninstall(elsewhere, "qc")
    finally:
        elsewhere.dispose()

    assert site.clerk.ok(CONFIRM_SHIPMENT, {"id": ship["id"]})["shipmentConfirm"]["state"] == "done"
    assert "errors" not in report(site.op_asm, ops[1]["id"], 3)
    site.planner.ok(FINISH_WO, {"id": kq["id"], "b": False})
    run_ka(site, 2)
    assert on_hand(site.clerk, site.ids["KA"]) == 2 and on_hand(site.clerk, site.ids["KQ"]) == 3
    assert site.planner.error("{ inspections { totalCount } }")["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert qc_remains(site.app) == []
    assert on_hand(site.clerk, site.ids["BOLT"], quarantine) == 100

    again = Tenon(site.app.site)
    try:
        install(again, ["qc"])
    finally:
        again.dispose()
    site.clients["insp2"] = site.planner.as_token(api_user(site.app, "insp2", ["inspector"]))
    assert site.insp2.ok("{ inspections { totalCount } inspectionPlans { totalCount } }") == {
        "inspections": {"totalCount": 0}, "inspectionPlans": {"totalCount": 0}}
