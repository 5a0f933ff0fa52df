"""First-pass yield from a worked example, open nonconformances by age, inspection photos
(kernel attachments) and the audit trail of qc's mutations."""

from __future__ import annotations

import datetime as dt
import json

from mrp.helpers import FINISH_WO, report

from tenon.core.testing import create_user

from .helpers import DISPOSE, INSPECTION, VISUAL, build_inspected_product, dec, inspections, plan, qc_site, record_all

FPY = """query($f: Date!, $t: Date!, $g: [YieldGroup!], $s: InspectionStage) {
    firstPassYield(from: $f, to: $t, groupBy: $g, stage: $s) {
      productId workCenterId operationId inspections passed quantity passedQuantity firstPassYield } }"""
AGES = "query($at: DateTime) { openNonconformancesByAge(at: $at) { bucket count } }"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00:~\x9bU"
       b"\x00\x00\x00\nIDATx\x9cc\xf8\x0f\x00\x01\x01\x01\x00\x18\xdd\x8d\xb0\x00\x00\x00\x00IEND\xaeB`\x82")


def run_order(site, quantity: int, *, in_process: str, final: str) -> dict:
    """A KQ work order through TURNQ (in-process verdict) and ASSY, finished, final verdict given."""
    wo = site.planner.ok("mutation($i: WorkOrderCreateInput!) { workOrderCreate(input: $i) { id number } }",
                         {"i": {"productId": site.ids["KQ"], "quantity": str(quantity)}})["workOrderCreate"]
    ops = site.planner.ok("mutation($id: ID!) { workOrderRelease(id: $id) { operations { id } } }",
                          {"id": wo["id"]})["workOrderRelease"]["operations"]
    report(site.op_cnc, ops[0]["id"], quantity)
    (ip,) = [i for i in inspections(site, stage="IN_PROCESS", wo=wo["id"])]
    ip = record_all(site.insp, ip, VIS=in_process)
    if in_process == "fail":
        site.insp.ok(DISPOSE, {"i": {"id": ip["nonconformance"]["id"], "disposition": "SCRAP"}})
    report(site.op_asm, ops[1]["id"], quantity)
    site.planner.ok(FINISH_WO, {"id": wo["id"], "b": False})
    (fin,) = inspections(site, stage="FINAL", wo=wo["id"])
    return {"wo": wo, "final": record_all(site.insp, fin, VIS=final)}


def test_first_pass_yield_worked_example(make_app, make_client):
    """KQ, today: WO-A (10 pcs) passes in-process and final; WO-B (5 pcs) passes in-process and
    fails final; its rework order (5 pcs) passes its final re-inspection, which is not a first pass.

    ==========================  ===========  ======  =====================
    group                       inspected    passed  first-pass yield
    ==========================  ===========  ======  =====================
    KQ, all stages              10+10+5+5    25      25 / 30 = 0.8333
    KQ, final                   10+5         10      10 / 15 = 0.6667
    CNC (in-process, TURNQ)     10+5         15      1
    ASM (final: last operation) 10+5         10      0.6667
    ==========================  ===========  ======  =====================

    (Counting the re-inspection would give 30 / 35.) Yesterday has nothing. The open
    nonconformance (rework decided, not closed) is in the 1-3 days band two days later and in
    30+ forty days later."""
    site = qc_site(make_app, make_client)
    build_inspected_product(site)
    plan(site, "QP-KQ-TURN", "IN_PROCESS", product="KQ", operationId=site.ids["TURNQ"], items=[VISUAL],
         sampling={"method": "FIRST_N", "value": "1"})
    plan(site, "QP-KQ-FINAL", "FINAL", product="KQ", items=[VISUAL], sampling={"method": "FIRST_N", "value": "1"})
    run_order(site, 10, in_process="pass", final="pass")
    b = run_order(site, 5, in_process="pass", final="fail")
    from tenon.plugins.mrp import create_linked_work_order

    with site.app.transaction() as s:  # what a rework plugin does on the rework disposition
        rw = str(create_linked_work_order(s, int(b["wo"]["id"]), kind="rework", quantity=5).id)
    ops = site.planner.ok("mutation($id: ID!) { workOrderRelease(id: $id) { operations { id } } }",
                          {"id": rw})["workOrderRelease"]["operations"]
    report(site.op_cnc, ops[0]["id"], 5)
    record_all(site.insp, inspections(site, stage="IN_PROCESS", wo=rw)[0], VIS="pass")
    report(site.op_asm, ops[1]["id"], 5)
    site.planner.ok(FINISH_WO, {"id": rw, "b": False})
    (re,) = inspections(site, stage="FINAL", wo=rw)
    assert record_all(site.insp, re, VIS="pass")["reinspection"] is True

    today = dt.datetime.now(dt.UTC).date()
    day = {"f": str(today), "t": str(today)}
    rows = site.qm.ok(FPY, day)["firstPassYield"]
    assert [(r["productId"], r["inspections"], r["passed"], dec(r["quantity"]), dec(r["passedQuantity"]),
             r["firstPassYield"]) for r in rows] == [(site.ids["KQ"], 4, 3, 30, 25, "0.8333")]
    final = site.qm.ok(FPY, {**day, "s": "FINAL"})["firstPassYield"]
    assert [(dec(r["quantity"]), r["firstPassYield"]) for r in final] == [(15, "0.6667")]
    by_center = site.qm.ok(FPY, {**day, "g": ["WORK_CENTER"]})["firstPassYield"]
    assert {(r["workCenterId"], r["firstPassYield"]) for r in by_center} == {(site.ids["CNC"], "1"), (site.ids["ASM"], "0.6667")}
    by_op = site.qm.ok(FPY, {**day, "g": ["OPERATION", "PRODUCT"], "s": "IN_PROCESS"})["firstPassYield"]
    assert [(r["operationId"], r["productId"], r["inspections"], r["firstPassYield"]) for r in by_op] == [
        (site.ids["TURNQ"], site.ids["KQ"], 2, "1")]
    yesterday = str(today - dt.timedelta(days=1))
    assert site.qm.ok(FPY, {"f": yesterday, "t": yesterday})["firstPassYield"] == []
    assert site.insp.error(FPY, day)["extensions"]["code"] == "FORBIDDEN"
    bad = site.qm.error(FPY, {"f": str(today), "t": yesterday})
    assert (bad["extensions"]["code"], bad["extensions"]["field"]) == ("VALIDATION", "to")

    site.insp.ok(DISPOSE, {"i": {"id": b["final"]["nonconformance"]["id"], "disposition": "SCRAP"}})
    now = dt.datetime.now(dt.UTC)
    ages = lambda days: {r["bucket"]: r["count"] for r in site.qm.ok(  # noqa: E731
        AGES, {"at": (now + dt.timedelta(days=days)).isoformat()})["openNonconformancesByAge"]}
    assert ages(2) == {"0-1": 0, "1-3": 0, "3-7": 0, "7-30": 0, "30+": 0}  # the scrapped one is closed
    failing = run_order(site, 2, in_process="pass", final="fail")
    assert failing["final"]["nonconformance"]["state"] == "OPEN"
    now = dt.datetime.now(dt.UTC)
    assert ages(2) == {"0-1": 0, "1-3": 1, "3-7": 0, "7-30": 0, "30+": 0}
    assert ages(40)["30+"] == 1 and ages(0)["0-1"] == 1


def test_photos_and_audit_trail(make_app, make_client):
    """An inspector attaches a photo to an inspection (kernel attachments, entity qc_inspection);
    the inspection lists it. Recording and the disposition are in the audit trail by user."""
    site = qc_site(make_app, make_client, plugins=["stock", "qc"], shop=False)
    pid = site.boss.ok("mutation($i: ProductCreateInput!) { productCreate(input: $i) { id } }",
                       {"i": {"code": "P1", "name": "P1"}})["productCreate"]["id"]
    site.ids["P1"] = pid
    plan(site, "QP-P1", "RECEIPT", product="P1", items=[VISUAL], sampling={"method": "FIRST_N", "value": "1"})
    insp = site.insp.ok("mutation($i: InspectionCreateInput!) { inspectionCreate(input: $i) { id sampleSize } }",
                        {"i": {"stage": "RECEIPT", "productId": pid, "quantity": "3"}})["inspectionCreate"]
    ops = {"query": "mutation($f: Upload!, $t: String, $i: String) { attachmentUpload(file: $f, entityType: $t, "
                    "entityId: $i) { id } }", "variables": {"f": None, "t": "qc_inspection", "i": insp["id"]}}
    resp = site.insp.http.post("/graphql", data={"operations": json.dumps(ops), "map": json.dumps({"0": ["variables.f"]})},
                               files={"0": ("crack.png", PNG, "image/png")},
                               headers={"Authorization": f"Bearer {site.insp.token}"})
    assert resp.status_code == 200 and not resp.json().get("errors"), resp.text
    photos = site.insp.ok(INSPECTION, {"id": insp["id"]})["inspection"]["photos"]
    assert [(p["filename"], p["contentType"]) for p in photos] == [("crack.png", "image/png")]
    failed = record_all(site.insp, insp, VIS="fail")
    site.insp.ok(DISPOSE, {"i": {"id": failed["nonconformance"]["id"], "disposition": "SCRAP"}})

    admin = site.insp.as_token(create_user(site.app, "auditor", roles=["admin"]))
    log = "query($t: String, $i: String) { auditLog(entityType: $t, entityId: $i, first: 50) { nodes { actor operation action } } }"
    insp_log = admin.ok(log, {"t": "qc_inspection", "i": insp["id"]})["auditLog"]["nodes"]
    assert {(e["actor"], e["action"]) for e in insp_log} >= {("insp", "create"), ("insp", "update")}
    nc_log = admin.ok(log, {"t": "qc_nonconformance", "i": failed["nonconformance"]["id"]})["auditLog"]["nodes"]
    assert ("insp", "update") in {(e["actor"], e["action"]) for e in nc_log}
