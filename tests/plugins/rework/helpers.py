"""Shared helpers for the rework tests: the mrp knuckle shop (tests/plugins/mrp/helpers.py) with
qc, rework and orders, a final inspection plan for KA, and the people of a rework.

Cast, besides mrp's (planner, clerk, op_cnc, op_asm, lead, ...)::

    insp      inspector (qc)           qm        quality_manager (qc + rework)
    rp        rework_planner           salesmgr  sales_manager
    rep_east  sales_rep regions [east] rep_west  sales_rep regions [west]
"""

from __future__ import annotations

from typing import Any

from mrp.helpers import FINISH_WO, RELEASE_WO, api_user, dec, mrp_site, report  # noqa: F401

PLUGINS = ["stock", "orders", "mrp", "qc", "rework"]
PEOPLE = {"insp": (["inspector"], {}), "qm": (["quality_manager"], {}), "rp": (["rework_planner"], {}),
          "salesmgr": (["sales_manager"], {}), "rep_east": (["sales_rep"], {"regions": ["east"]}),
          "rep_west": (["sales_rep"], {"regions": ["west"]}), "wh": (["warehouse_manager"], {})}

RO_FIELDS = """id number state source quantity passedQuantity lotId locationId originalWorkOrderId inspectionId
    nonconformanceId salesOrderId salesOrderLineId regionCode parentId operationIds workOrderId workOrderNumber
    workOrderState requisitionId reinspectionId hours materialCost
    responsibility { operationId workCenterId operator supplierLotId notes cause { code } }
    materials { productId quantity unitCost }"""
CREATE_RO = f"mutation($i: ReworkOrderCreateInput!) {{ reworkOrderCreate(input: $i) {{ {RO_FIELDS} }} }}"
RELEASE_RO = f"mutation($id: ID!) {{ reworkOrderRelease(id: $id) {{ {RO_FIELDS} }} }}"
CANCEL_RO = f"mutation($id: ID!) {{ reworkOrderCancel(id: $id, reason: \"test\") {{ {RO_FIELDS} }} }}"
RESPONSIBILITY = f"""mutation($id: ID!, $i: ReworkResponsibilityInput!) {{
    reworkOrderSetResponsibility(id: $id, input: $i) {{ {RO_FIELDS} }} }}"""
RO = f"query($id: ID!) {{ reworkOrder(id: $id) {{ {RO_FIELDS} }} }}"
ROS = "query($f: ReworkOrderFilter) { reworkOrders(filter: $f) { totalCount nodes { number state source regionCode } } }"
CAUSE = "mutation($i: ReworkCauseCreateInput!) { reworkCauseCreate(input: $i) { id code name active } }"
WO_OPS = "query($id: ID!) { workOrder(id: $id) { id number kind state parentId lotId producedQuantity operations { id name state } } }"
PLAN = """mutation($i: InspectionPlanCreateInput!) { inspectionPlanCreate(input: $i) { id } }"""
INSPECTIONS = """query($wo: ID!) { inspections(workOrderId: $wo) { nodes { id number stage state quantity lotId
    reinspection nonconformance { id number state } } } }"""
RECORD = """mutation($id: ID!, $v: [InspectionValueInput!]!) { inspectionRecord(id: $id, values: $v) {
    id state nonconformance { id number state } } }"""
DISPOSE = """mutation($i: NonconformanceDisposeInput!) { nonconformanceDispose(input: $i) { id state disposition } }"""
NC = "query { nonconformances(first: 20) { nodes { id number state disposition } } }"
CREATE_ORDER = "mutation($i: SalesOrderCreateInput!) { salesOrderCreate(input: $i) { id number lines { id } } }"
CONFIRM = "mutation($id: ID!) { salesOrderConfirm(id: $id) { id state } }"
SHIP = "mutation($i: SalesOrderShipInput!) { salesOrderShip(input: $i) { id number } }"
CONFIRM_SHIPMENT = "mutation($id: ID!) { shipmentConfirm(id: $id) { id state } }"
CLOSE_ORDER = "mutation($id: ID!) { salesOrderClose(id: $id) { id state } }"
ORDER = """query($id: ID!) { salesOrder(id: $id) { state lines { id producedQuantity shippedQuantity }
    progress { shipped percentComplete lines { shipped reworkQuantity reworkedQuantity } }
    reworkOrders { number state } } }"""
MTO = "mutation($p: ID!) { productMrpSettingSet(productId: $p, makeToOrder: true) }"
WOS = "query($o: ID!) { workOrders(originId: $o) { nodes { id number kind state } } }"
LEVELS = "query($p: ID!, $l: ID) { stockLevels(productId: $p, locationId: $l) { nodes { onHand lot { code } location { code } } } }"


def rework_site(make_app: Any, make_client: Any, *, plugins: list[str] | None = None,
                settings: dict[str, Any] | None = None) -> Any:
    site = mrp_site(make_app, make_client, plugins=plugins or PLUGINS, settings=settings)
    for name, (roles, attrs) in PEOPLE.items():
        site.clients[name] = site.planner.as_token(api_user(site.app, name, roles, attrs))
    site.ids["plan"] = site.qm.ok(PLAN, {"i": {"code": "KA-FINAL", "name": "Knuckle final", "stage": "FINAL",
                                              "productId": site.ids["KA"], "sampling": {"method": "FIRST_N", "value": "1"},
                                              "items": [{"code": "BORE", "kind": "PASS_FAIL"}]}})["inspectionPlanCreate"]["id"]
    return site


def sales(site: Any) -> None:
    """Regions east and west, a customer in each, KA made to order."""
    from tenon.plugins.orders import create_customer, create_region

    with site.app.transaction() as s:
        create_region(s, code="east", name="East")
        create_region(s, code="west", name="West")
        site.ids["c_east"] = str(create_customer(s, name="Hangzhou Motors", region_code="east", code="C-EAST").id)
        site.ids["c_west"] = str(create_customer(s, name="Chengdu Axles", region_code="west", code="C-WEST").id)
    site.planner.ok(MTO, {"p": site.ids["KA"]})


def order(site: Any, customer: str, qty: Any = 10) -> dict[str, Any]:
    """A confirmed sales order of ``qty`` KA; its work order (released)."""
    so = site.salesmgr.ok(CREATE_ORDER, {"i": {"customerId": site.ids[customer], "requestedDate": "2026-12-24",
                                               "lines": [{"productId": site.ids["KA"], "quantity": str(qty)}]}})["salesOrderCreate"]
    site.salesmgr.ok(CONFIRM, {"id": so["id"]})
    wo = site.planner.ok(WOS, {"o": so["id"]})["workOrders"]["nodes"][0]
    so["wo"] = site.planner.ok(RELEASE_WO, {"id": wo["id"]})["workOrderRelease"]
    return so


def make(site: Any, wo: dict[str, Any], qty: Any, *, minutes: Any = None) -> None:
    """Report every operation of a released work order in full (issuing its material first)."""
    if wo.get("requisitionId"):
        site.clerk.ok("mutation($id: ID!) { requisitionIssue(id: $id) { state } }", {"id": wo["requisitionId"]})
    ops = site.planner.ok(WO_OPS, {"id": wo["id"]})["workOrder"]["operations"]
    clients = {"Turning": site.op_cnc, "Assembly": site.op_asm}
    for op in ops:
        extra = {"minutes": str(minutes)} if minutes is not None else {}
        body = report(clients[op["name"]], op["id"], qty, **extra)
        assert not body.get("errors"), body["errors"]


def finish(site: Any, wo_id: str) -> dict[str, Any]:
    return site.planner.ok(FINISH_WO, {"id": wo_id, "b": False})["workOrderFinish"]


def final_inspection(site: Any, wo_id: str) -> dict[str, Any]:
    nodes = site.insp.ok(INSPECTIONS, {"wo": wo_id})["inspections"]["nodes"]
    return next(n for n in nodes if n["stage"] == "FINAL")


def inspect(site: Any, wo_id: str, verdict: str) -> dict[str, Any]:
    insp = final_inspection(site, wo_id)
    return site.insp.ok(RECORD, {"id": insp["id"], "v": [{"item": "BORE", "value": verdict}]})["inspectionRecord"]
