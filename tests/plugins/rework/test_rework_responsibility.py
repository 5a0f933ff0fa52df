"""Responsibility: the cause list the quality manager keeps, responsibility on rework orders,
``reworkStats`` on a worked example, roles, and the region scope (a sales rep sees the rework
orders of her region's sales orders only, in lists, by id, on the sales order and in the stats)."""

from __future__ import annotations

import datetime as dt

from mrp.helpers import new_work_order

from tenon.testing import count_statements

from .helpers import (
    CANCEL_RO,
    CAUSE,
    CREATE_RO,
    RELEASE_RO,
    RESPONSIBILITY,
    RO,
    ROS,
    WO_OPS,
    dec,
    make,
    order,
    report,
    rework_site,
    sales,
)

STATS = """query($f: Date!, $t: Date!) { reworkStats(from: $f, to: $t) {
    total { count quantity hours materialCost }
    byCause { key label count quantity hours materialCost }
    byWorkCenter { key count quantity hours materialCost }
    byOperation { key count quantity hours }
    byOperator { key label count quantity hours materialCost } } }"""
ISSUE = "mutation($id: ID!) { requisitionIssue(id: $id) { state } }"


def _rows(groups, *fields):
    return [tuple(g[f] if f in ("key", "label", "count") else dec(g[f]) for f in fields) for g in groups]


def test_responsibility_stats_group_count_quantity_hours_and_material_cost(make_app, make_client):
    site = rework_site(make_app, make_client, plugins=["stock", "mrp", "qc", "rework"])
    qm, rp, ids = site.qm, site.rp, site.ids
    machining = qm.ok(CAUSE, {"i": {"code": "machining", "name": "Machining out of tolerance"}})["reworkCauseCreate"]
    assembly = qm.ok(CAUSE, {"i": {"code": "ASSEMBLY", "name": "Assembly error"}})["reworkCauseCreate"]
    assert machining["code"] == "MACHINING"
    assert rp.error(CAUSE, {"i": {"code": "X", "name": "x"}})["extensions"]["code"] == "FORBIDDEN"
    assert qm.error(CAUSE, {"i": {"code": "ASSEMBLY", "name": "again"}})["extensions"]["field"] == "code"

    wo = new_work_order(site, 20)
    make(site, wo, 20)
    turn_cnc = {"operationId": ids["TURN"], "workCenterId": ids["CNC"], "operator": "op_cnc", "causeId": machining["id"]}

    def rework(qty, responsibility=None, **more):
        body = {"workOrderId": wo["id"], "quantity": str(qty), **more}
        if responsibility:
            body["responsibility"] = responsibility
            assert rp.error(CREATE_RO, {"i": body})["extensions"] == {"code": "FORBIDDEN", "field": "responsibility"}
        return qm.ok(CREATE_RO, {"i": body})["reworkOrderCreate"]

    # RW1: 4 pcs, machining at CNC/TURN by op_cnc, both operations redone (30 + 60 min), 2 BRG at 12.50 issued
    ro1 = rework(4, materials=[{"productId": ids["BRG"], "quantity": "2", "unitCost": "12.5"}])
    assert rp.error(RESPONSIBILITY, {"id": ro1["id"], "i": turn_cnc})["extensions"]["code"] == "FORBIDDEN"
    ro1 = qm.ok(RESPONSIBILITY, {"id": ro1["id"], "i": {**turn_cnc, "notes": "worn insert"}})["reworkOrderSetResponsibility"]
    assert ro1["responsibility"] == {"operationId": ids["TURN"], "workCenterId": ids["CNC"], "operator": "op_cnc",
                                     "supplierLotId": None, "notes": "worn insert", "cause": {"code": "MACHINING"}}
    r1 = rp.ok(RELEASE_RO, {"id": ro1["id"]})["reworkOrderRelease"]
    site.clerk.ok(ISSUE, {"id": r1["requisitionId"]})
    turn, assy = site.planner.ok(WO_OPS, {"id": r1["workOrderId"]})["workOrder"]["operations"]
    assert not report(site.op_cnc, turn["id"], 4, minutes="30").get("errors")
    assert not report(site.op_asm, assy["id"], 4, minutes="60").get("errors")
    # RW2: 2 pcs, same responsibility, not released yet (no hours, no material)
    rework(2, turn_cnc)
    # RW3: 1 pc, assembly at ASM by op_asm, only assembly redone (15 min), 4 BOLT at 0.50 issued
    ro3 = rework(1, {"operationId": ids["ASSY"], "workCenterId": ids["ASM"], "operator": "op_asm",
                     "causeId": assembly["id"]}, operationIds=[ids["ASSY"]],
                 materials=[{"productId": ids["BOLT"], "quantity": "4", "unitCost": "0.5"}])
    r3 = rp.ok(RELEASE_RO, {"id": ro3["id"]})["reworkOrderRelease"]
    site.clerk.ok(ISSUE, {"id": r3["requisitionId"]})
    (only,) = site.planner.ok(WO_OPS, {"id": r3["workOrderId"]})["workOrder"]["operations"]
    assert not report(site.op_asm, only["id"], 1, minutes="15").get("errors")
    # RW4: 3 pcs without responsibility; RW5: cancelled, does not count
    rework(3)
    cancelled = rework(5, turn_cnc)
    assert rp.ok(CANCEL_RO, {"id": cancelled["id"]})["reworkOrderCancel"]["state"] == "CANCELLED"

    today = dt.datetime.now(dt.UTC).date().isoformat()
    stats = site.planner.ok(STATS, {"f": today, "t": today})["reworkStats"]
    assert _rows([stats["total"]], "count", "quantity", "hours", "materialCost") == [(4, dec(10), dec("1.75"), dec(27))]
    assert _rows(stats["byCause"], "key", "label", "count", "quantity", "hours", "materialCost") == [
        ("MACHINING", "MACHINING", 2, dec(6), dec("1.5"), dec(25)),
        ("ASSEMBLY", "ASSEMBLY", 1, dec(1), dec("0.25"), dec(2)),
        (None, "(unassigned)", 1, dec(3), dec(0), dec(0))]
    assert _rows(stats["byWorkCenter"], "key", "count", "quantity", "hours", "materialCost") == [
        ("CNC", 2, dec(6), dec("1.5"), dec(25)), ("ASM", 1, dec(1), dec("0.25"), dec(2)), (None, 1, dec(3), dec(0), dec(0))]
    assert _rows(stats["byOperation"], "key", "count", "quantity", "hours") == [
        ("TURN", 2, dec(6), dec("1.5")), ("ASSY", 1, dec(1), dec("0.25")), (None, 1, dec(3), dec(0))]
    assert _rows(stats["byOperator"], "key", "count", "quantity") == [("op_cnc", 2, dec(6)), ("op_asm", 1, dec(1)),
                                                                      (None, 1, dec(3))]
    assert dec(rp.ok(RO, {"id": ro1["id"]})["reworkOrder"]["hours"]) == dec("1.5")

    yesterday = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)).isoformat()
    assert site.planner.ok(STATS, {"f": yesterday, "t": yesterday})["reworkStats"]["total"]["count"] == 0
    too_long = site.planner.error(STATS, {"f": "2025-01-01", "t": "2026-12-31"})
    assert (too_long["extensions"]["code"], too_long["extensions"]["field"]) == ("VALIDATION", "to")
    assert site.planner.error(STATS, {"f": today, "t": yesterday})["extensions"]["field"] == "to"

    # a retired cause cannot be given to a new rework order; bad input names its field
    qm.ok("mutation($i: ReworkCauseUpdateInput!) { reworkCauseUpdate(input: $i) { active } }",
          {"i": {"id": assembly["id"], "active": False}})
    retired = qm.error(CREATE_RO, {"i": {"workOrderId": wo["id"], "quantity": "1",
                                        "responsibility": {"causeId": assembly["id"]}}})
    assert retired["extensions"]["field"] == "responsibility.causeId"
    assert rp.error(CREATE_RO, {"i": {"workOrderId": wo["id"], "quantity": "21"}})["extensions"]["field"] == "quantity"
    assert rp.error(CREATE_RO, {"i": {"workOrderId": wo["id"], "quantity": "0"}})["extensions"]["field"] == "quantity"
    assert rp.error(CREATE_RO, {"i": {"quantity": "1"}})["extensions"]["code"] == "VALIDATION"
    assert rp.error(RELEASE_RO, {"id": ro1["id"]})["extensions"]["code"] == "INVALID_STATE"
    assert rp.error(RO, {"id": "99999"})["extensions"]["code"] == "NOT_FOUND"

    # nested fields are batched: the statements of a page do not grow with its size
    page = f"""query($n: Int) {{ reworkOrders(first: $n) {{ nodes {{ number product {{ code }} hours materialCost
        workOrderNumber materials {{ product {{ code }} }} responsibility {{ cause {{ code }} }} }} }} }}"""
    counts = []
    for n in (3, 5):  # both pages hold a released one (work order, requisition, material, cause)
        with count_statements(site.app) as statements:
            assert len(site.planner.ok(page, {"n": n})["reworkOrders"]["nodes"]) == n
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_a_sales_rep_sees_the_rework_orders_of_her_regions_sales_orders_only(make_app, make_client):
    site = rework_site(make_app, make_client)
    sales(site)
    east, west = order(site, "c_east", 5), order(site, "c_west", 5)
    for so in (east, west):
        make(site, so["wo"], 5)
        site.rp.ok(CREATE_RO, {"i": {"workOrderId": so["wo"]["id"], "quantity": "1"}})
    free = new_work_order(site, 3)              # not made for a sales order
    make(site, free, 3)
    lone = site.rp.ok(CREATE_RO, {"i": {"workOrderId": free["id"], "quantity": "1"}})["reworkOrderCreate"]

    everyone = site.planner.ok(ROS)["reworkOrders"]
    assert everyone["totalCount"] == 3
    mine = site.rep_east.ok(ROS)["reworkOrders"]
    assert (mine["totalCount"], [n["regionCode"] for n in mine["nodes"]]) == (1, ["east"])
    assert [n["regionCode"] for n in site.rep_west.ok(ROS)["reworkOrders"]["nodes"]] == ["west"]
    west_ro = site.planner.ok(ROS, {"f": {"salesOrderId": west["id"]}})["reworkOrders"]["nodes"][0]
    west_id = site.planner.ok("query($s: ID!) { reworkOrders(filter: {salesOrderId: $s}) { nodes { id } } }",
                              {"s": west["id"]})["reworkOrders"]["nodes"][0]["id"]
    assert west_ro["regionCode"] == "west"
    assert site.rep_east.error(RO, {"id": west_id})["extensions"]["code"] == "NOT_FOUND"
    assert site.rep_east.error(RO, {"id": lone["id"]})["extensions"]["code"] == "NOT_FOUND"
    on_order = "query($id: ID!) { salesOrder(id: $id) { reworkOrders { regionCode } } }"
    assert site.rep_east.ok(on_order, {"id": east["id"]})["salesOrder"]["reworkOrders"] == [{"regionCode": "east"}]
    today = dt.datetime.now(dt.UTC).date().isoformat()
    stats = "query($d: Date!) { reworkStats(from: $d, to: $d) { total { count } } }"
    assert site.rep_east.ok(stats, {"d": today})["reworkStats"]["total"]["count"] == 1
    assert site.planner.ok(stats, {"d": today})["reworkStats"]["total"]["count"] == 3
    # reading is all a sales rep may do
    assert site.rep_east.error(RELEASE_RO, {"id": lone["id"]})["extensions"]["code"] == "FORBIDDEN"
    assert site.nobody.error(ROS)["extensions"]["code"] == "FORBIDDEN"
