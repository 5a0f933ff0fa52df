"""Shared helpers for tests of the qc plugin (usable by rework tests).

:func:`qc_site` builds a stock + mrp + qc site (``plugins=["stock", "qc"]`` for one without
mrp) with mrp's cast and the knuckle shop (:mod:`tests.plugins.mrp.helpers`), plus::

    insp  inspector          qm  quality_manager     boss  warehouse_manager

Plans are made through GraphQL as ``qm``; stock moves as the clerk through GraphQL.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tenon.core.testing import GraphQLClient

from mrp.helpers import USERS, MrpSite, api_user, build_shop, dec

PLAN_FIELDS = """id code stage currentVersion active blocksNext productId categoryId operationId
    items { code kind nominal lowerTolerance upperTolerance lowerLimit upperLimit decimals required }
    versions { versionNo samplingMethod samplingValue note items { code } }"""
CREATE_PLAN = f"mutation($i: InspectionPlanCreateInput!) {{ inspectionPlanCreate(input: $i) {{ {PLAN_FIELDS} }} }}"
REVISE_PLAN = f"mutation($i: InspectionPlanReviseInput!) {{ inspectionPlanRevise(input: $i) {{ {PLAN_FIELDS} }} }}"
INSP_FIELDS = """id number stage state quantity sampleSize lotId workOrderId operationId workCenterId reinspection
    originType originId quarantined missingValues decidedAt
    planVersion { versionNo items { code } }
    results { sampleNo itemCode measured text passed }
    nonconformance { id number state disposition }"""
INSPECTIONS = f"""query($stage: InspectionStage, $wo: ID, $lot: ID, $p: ID) {{
    inspections(stage: $stage, workOrderId: $wo, lotId: $lot, productId: $p, first: 100) {{
    nodes {{ {INSP_FIELDS} }} }} }}"""
INSPECTION = f"query($id: ID!) {{ inspection(id: $id) {{ {INSP_FIELDS} photos {{ id filename contentType }} }} }}"
CREATE_INSP = f"mutation($i: InspectionCreateInput!) {{ inspectionCreate(input: $i) {{ {INSP_FIELDS} }} }}"
RECORD = f"mutation($id: ID!, $v: [InspectionValueInput!]!) {{ inspectionRecord(id: $id, values: $v) {{ {INSP_FIELDS} }} }}"
NC_FIELDS = "id number state inspectionId quantity disposition reason disposedBy description closedAt"
DISPOSE = f"mutation($i: NonconformanceDisposeInput!) {{ nonconformanceDispose(input: $i) {{ {NC_FIELDS} }} }}"
RELEASE_STATUS = "query($lot: ID!) { lotReleaseStatus(lotId: $lot) }"

BORE = {"code": "BORE", "name": "Bore diameter", "kind": "MEASUREMENT", "nominal": "25.00",
        "lowerTolerance": "-0.05", "upperTolerance": "0.05", "unit": "mm", "decimals": 2}
VISUAL = {"code": "VIS", "name": "Visual", "kind": "PASS_FAIL"}

QC_USERS: dict[str, tuple[list[str], dict[str, Any]]] = {
    **USERS, "insp": (["inspector"], {}), "qm": (["quality_manager"], {}), "boss": (["warehouse_manager"], {}),
}


def qc_site(make_app: Callable[..., Any], make_client: Callable[..., GraphQLClient], *,
            plugins: list[str] | None = None, extra_plugins: Any = (), shop: bool = True) -> MrpSite:
    plugins = plugins or ["stock", "mrp", "qc"]
    app = make_app(plugins=plugins, extra_plugins=list(extra_plugins))
    base = make_client(app)
    site = MrpSite(app, {name: base.as_token(api_user(app, name, roles, attrs))
                         for name, (roles, attrs) in QC_USERS.items()})
    if shop and "mrp" in plugins:
        build_shop(site)
    return site


def plan(site: MrpSite, code: str, stage: str, *, product: str | None = None, category_id: str | None = None,
         items: list[dict[str, Any]] | None = None, sampling: dict[str, Any] | None = None, **more: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"code": code, "name": code, "stage": stage, "items": items if items is not None else [BORE],
                            **more}
    if product:
        data["productId"] = site.ids.get(product, product)
    if category_id:
        data["categoryId"] = category_id
    if sampling:
        data["sampling"] = sampling
    return site.qm.ok(CREATE_PLAN, {"i": data})["inspectionPlanCreate"]


def inspections(site: MrpSite, client: GraphQLClient | None = None, **filters: Any) -> list[dict[str, Any]]:
    return (client or site.insp).ok(INSPECTIONS, filters)["inspections"]["nodes"]


def record(client: GraphQLClient, inspection_id: str, *values: tuple[str, Any] | tuple[str, Any, int]) -> dict[str, Any]:
    v = [{"item": x[0], "value": str(x[1]), "sampleNo": x[2] if len(x) > 2 else 1} for x in values]
    return client.ok(RECORD, {"id": inspection_id, "v": v})["inspectionRecord"]


def record_all(client: GraphQLClient, insp: dict[str, Any], **values: Any) -> dict[str, Any]:
    """The same value per item for every sample."""
    v = [{"item": k, "value": str(val), "sampleNo": n} for k, val in values.items() for n in range(1, insp["sampleSize"] + 1)]
    return client.ok(RECORD, {"id": insp["id"], "v": v})["inspectionRecord"]


def seed_category(app: Any, code: str, parent: str | None = None) -> str:
    from sqlalchemy import select

    from tenon.plugins.stock import Category
    from tenon.plugins.stock.services.products import create_category

    with app.transaction(operation="test:seed") as s:
        pid = s.scalar(select(Category.id).where(Category.code == parent)) if parent else None
        return str(create_category(s, code=code, name=code.title(), parent_id=pid).id)


__all__ = ["BORE", "CREATE_INSP", "CREATE_PLAN", "DISPOSE", "INSPECTION", "RECORD", "RELEASE_STATUS", "REVISE_PLAN",
           "VISUAL", "Decimal", "dec", "inspections", "plan", "qc_site", "record", "record_all", "seed_category"]


# --------------------------------------------------------------------------- shop with an inspected operation

CREATE_OP = "mutation($i: OperationCreateInput!) { mrpOperationCreate(input: $i) { id code } }"
CREATE_ROUTING = "mutation($i: RoutingCreateInput!) { routingCreate(input: $i) { id } }"
CREATE_BOM = "mutation($i: BomCreateInput!) { bomCreate(input: $i) { id } }"
LEVEL_AT = "query($id: ID!, $loc: ID) { product(id: $id) { onHand(locationId: $loc) } }"
LOCATIONS = "query { locations(first: 100) { nodes { id code kind } } }"
SHIP_FIELDS = "id number state lines { id quantity lot { code } }"
CREATE_SHIPMENT = f"mutation($i: ShipmentCreateInput!) {{ shipmentCreate(input: $i) {{ {SHIP_FIELDS} }} }}"
CONFIRM_SHIPMENT = f"mutation($id: ID!) {{ shipmentConfirm(id: $id) {{ {SHIP_FIELDS} }} }}"
SHIPMENT = f"query($id: ID!) {{ shipment(id: $id) {{ {SHIP_FIELDS} }} }}"
CREATE_RECEIPT = "mutation($i: ReceiptCreateInput!) { receiptCreate(input: $i) { id number state } }"


def build_inspected_product(site: MrpSite) -> None:
    """Product KQ (lot-tracked): routing TURNQ (CNC, inspection required) → ASSY; BOM 1 BOLT."""
    from mrp.helpers import product

    p, ids = site.planner, site.ids
    ids["TURNQ"] = p.ok(CREATE_OP, {"i": {"code": "TURNQ", "name": "Turning (inspected)", "workCenterId": ids["CNC"],
                                          "minutesPerUnit": "0.5", "inspectionRequired": True}})["mrpOperationCreate"]["id"]
    ids["KQ"] = product(site.app, "KQ", tracking="lot")
    p.ok(CREATE_ROUTING, {"i": {"productId": ids["KQ"], "steps": [{"operationId": ids["TURNQ"]},
                                                                  {"operationId": ids["ASSY"]}]}})
    p.ok(CREATE_BOM, {"i": {"productId": ids["KQ"], "lines": [{"componentId": ids["BOLT"], "quantity": "1"}]}})


def location_ids(client: GraphQLClient) -> dict[str, str]:
    return {n["code"]: n["id"] for n in client.ok(LOCATIONS)["locations"]["nodes"]}


def on_hand(client: GraphQLClient, product_id: str, location_id: str | None = None) -> Decimal:
    return dec(client.ok(LEVEL_AT, {"id": product_id, "loc": location_id})["product"]["onHand"])


def receive(client: GraphQLClient, lines: list[dict[str, Any]]) -> dict[str, Any]:
    return client.ok(CREATE_RECEIPT, {"i": {"lines": lines, "validate": True}})["receiptCreate"]


def new_shipment(client: GraphQLClient, lines: list[dict[str, Any]]) -> dict[str, Any]:
    return client.ok(CREATE_SHIPMENT, {"i": {"originType": "test.order", "originId": 1, "lines": lines}})["shipmentCreate"]
