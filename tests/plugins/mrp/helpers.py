"""Shared helpers for tests of the mrp plugin (usable by qc and rework tests).

:func:`mrp_site` builds a stock + mrp site (add ``orders`` with ``plugins=``) and the cast::

    planner   planner                       clerk   warehouse_clerk
    op_cnc    operator  work_centers [CNC]  op_asm  operator  work_centers [ASM]
    lead      work_center_lead  [CNC, ASM]  dev_cnc device    work_centers [CNC]
    nobody    no role

and, with ``shop=True``, the knuckle shop: work centers CNC (2 machines, lead ``lead``) and ASM;
operations TURN (CNC, 0.5 min/pc + 10 setup) and ASSY (ASM, 1 min/pc, 5 setup); products KA
(knuckle assembly, lot-tracked, routing TURN → ASSY), BOLT, BRG (lot-tracked bearings), STEEL;
KA's BOM: 4 BOLT (scrap 5 %) and 2 BRG. Master data is made through GraphQL as the planner;
stock is received as the system actor through stock's public services.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tenon.core import auth
from tenon.core.testing import GraphQLClient

WO_FIELDS = """id number kind state quantity producedQuantity scrapQuantity dueDate priority countingSource
    bomId routingId requisitionId parentId originId originLineId lotId
    operations { id sequence name state plannedMinutes goodQuantity scrapQuantity reportedMinutes blocked
                 workCenter { code } }"""
CREATE_WC = "mutation($i: WorkCenterCreateInput!) { workCenterCreate(input: $i) { id code capacity workingDays } }"
CREATE_OP = "mutation($i: OperationCreateInput!) { mrpOperationCreate(input: $i) { id code } }"
CREATE_ROUTING = "mutation($i: RoutingCreateInput!) { routingCreate(input: $i) { id versionNo active steps { sequence } } }"
CREATE_BOM = "mutation($i: BomCreateInput!) { bomCreate(input: $i) { id versionNo active lines { position kind } } }"
EXPLODE = """query($p: ID!, $q: Decimal!) { bomExplosion(productId: $p, quantity: $q) {
    productId quantity perUnit level made product { code } } }"""
CREATE_WO = f"mutation($i: WorkOrderCreateInput!) {{ workOrderCreate(input: $i) {{ {WO_FIELDS} }} }}"
RELEASE_WO = f"mutation($id: ID!) {{ workOrderRelease(id: $id) {{ {WO_FIELDS} }} }}"
FINISH_WO = f"mutation($id: ID!, $b: Boolean!) {{ workOrderFinish(id: $id, backorder: $b) {{ {WO_FIELDS} }} }}"
CANCEL_WO = f"mutation($id: ID!) {{ workOrderCancel(id: $id, reason: \"test\") {{ {WO_FIELDS} }} }}"
WO = f"query($id: ID!) {{ workOrder(id: $id) {{ {WO_FIELDS} history {{ fromState toState actor }} }} }}"
REPORT = """mutation($i: OperationReportInput!) { workOrderOperationReport(input: $i) {
    id goodQuantity scrapQuantity reasonCode operator source minutes lotId } }"""
SIGNAL = """mutation($i: OperationSignalInput!) { workOrderOperationSignal(input: $i) {
    duplicate report { id goodQuantity source operator } } }"""
REQ_FIELDS = "id number state lines { id quantity issuedQuantity product { code } }"
ISSUE_REQ = f"""mutation($id: ID!, $lines: [RequisitionIssueLineInput!]) {{
    requisitionIssue(id: $id, lines: $lines) {{ {REQ_FIELDS} }} }}"""
DISPATCH = """query($wc: ID!) { dispatchList(workCenterId: $wc) { availableQuantity
    operation { id sequence state } workOrder { number dueDate priority } } }"""

USERS: dict[str, tuple[list[str], dict[str, Any]]] = {
    "planner": (["planner"], {}),
    "clerk": (["warehouse_clerk"], {}),
    "op_cnc": (["operator"], {"work_centers": ["CNC"]}),
    "op_asm": (["operator"], {"work_centers": ["ASM"]}),
    "lead": (["work_center_lead"], {"work_centers": ["CNC", "ASM"]}),
    "lead2": (["work_center_lead"], {"work_centers": ["CNC", "ASM"]}),
    "dev_cnc": (["device"], {"work_centers": ["CNC"]}),
    "nobody": ([], {}),
}


def dec(value: Any) -> Decimal:
    return Decimal(str(value))


def api_user(app: Any, username: str, roles: list[str], attributes: dict[str, Any] | None = None) -> str:
    """A user without a password and an API token for it; returns the token."""
    with app.transaction(operation="test:create_user") as s:
        user = auth.create_user(s, username, roles=roles, attributes=attributes)
        return auth.issue_token(s, user, kind="api", name="test")


@dataclass
class MrpSite:
    """An app with stock and mrp (and maybe orders), one client per user, and ids by code."""

    app: Any
    clients: dict[str, GraphQLClient]
    ids: dict[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> GraphQLClient:
        try:
            return self.clients[name]
        except KeyError:
            raise AttributeError(name) from None


def product(app: Any, code: str, *, tracking: str = "none", kind: str = "finished", stock: Any = 0,
            lot: str | None = None) -> str:
    """A stock product (and stock on hand, in lot ``lot``), as the system actor; its id."""
    from tenon.plugins.stock import create_product, receive

    with app.transaction(operation="test:seed") as s:
        p = create_product(s, name=code.title(), code=code, tracking=tracking, kind=kind)
        if stock:
            receive(s, product_id=p.id, quantity=Decimal(str(stock)), lot=lot)
        return str(p.id)


def receive_more(app: Any, product_id: str, quantity: Any, lot: str | None = None) -> None:
    from tenon.plugins.stock import receive

    with app.transaction(operation="test:seed") as s:
        receive(s, product_id=int(product_id), quantity=Decimal(str(quantity)), lot=lot)


def mrp_site(make_app: Callable[..., Any], make_client: Callable[..., GraphQLClient], *,
             plugins: list[str] | None = None, settings: dict[str, Any] | None = None, shop: bool = True) -> MrpSite:
    app = make_app(plugins=plugins or ["stock", "mrp"], settings=settings)
    base = make_client(app)
    site = MrpSite(app, {name: base.as_token(api_user(app, name, roles, attrs)) for name, (roles, attrs) in USERS.items()})
    if shop:
        build_shop(site)
    return site


def build_shop(site: MrpSite) -> None:
    p, ids = site.planner, site.ids
    ids["CNC"] = p.ok(CREATE_WC, {"i": {"code": "CNC", "name": "CNC turning", "capacity": "2", "leadUsername": "lead",
                                        "hoursPerDay": "8"}})["workCenterCreate"]["id"]
    ids["ASM"] = p.ok(CREATE_WC, {"i": {"code": "ASM", "name": "Assembly", "leadUsername": "lead"}})["workCenterCreate"]["id"]
    ids["TURN"] = p.ok(CREATE_OP, {"i": {"code": "TURN", "name": "Turning", "workCenterId": ids["CNC"],
                                         "minutesPerUnit": "0.5", "setupMinutes": "10"}})["mrpOperationCreate"]["id"]
    ids["ASSY"] = p.ok(CREATE_OP, {"i": {"code": "ASSY", "name": "Assembly", "workCenterId": ids["ASM"],
                                         "minutesPerUnit": "1", "setupMinutes": "5"}})["mrpOperationCreate"]["id"]
    ids["KA"] = product(site.app, "KA", tracking="lot")
    ids["BOLT"] = product(site.app, "BOLT", kind="raw_material", stock=1000)
    ids["BRG"] = product(site.app, "BRG", kind="raw_material", tracking="lot", stock=120, lot="BRG-L1")
    receive_more(site.app, ids["BRG"], 200, lot="BRG-L2")
    p.ok(CREATE_ROUTING, {"i": {"productId": ids["KA"], "steps": [{"operationId": ids["TURN"]},
                                                                  {"operationId": ids["ASSY"]}]}})
    p.ok(CREATE_BOM, {"i": {"productId": ids["KA"], "lines": [
        {"componentId": ids["BOLT"], "quantity": "4", "scrapFactor": "0.05"},
        {"componentId": ids["BRG"], "quantity": "2"}]}})


def new_work_order(site: MrpSite, quantity: Any = 100, *, release: bool = True, **more: Any) -> dict[str, Any]:
    wo = site.planner.ok(CREATE_WO, {"i": {"productId": site.ids["KA"], "quantity": str(quantity), **more}})["workOrderCreate"]
    if release:
        wo = site.planner.ok(RELEASE_WO, {"id": wo["id"]})["workOrderRelease"]
    return wo


def report(client: GraphQLClient, operation_id: str, good: Any, scrap: Any = 0, **more: Any) -> dict[str, Any]:
    body = client.post(REPORT, {"i": {"operationId": operation_id, "good": str(good), "scrap": str(scrap), **more}})
    return body
