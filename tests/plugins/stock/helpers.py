"""Shared helpers for tests of the stock plugin, usable by other plugins' tests (orders, mrp, qc).

Everything goes through GraphQL as a client would; :func:`stock_site` builds the usual cast::

    users  boss (warehouse_manager)   clerk (warehouse_clerk)   planner (planner)   nobody (no role)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tenon.core.testing import GraphQLClient, create_user

PRODUCT_FIELDS = "id code name unit kind tracking reorderPoint barcode active onHand reserved available"
CREATE_PRODUCT = f"mutation($i: ProductCreateInput!) {{ productCreate(input: $i) {{ {PRODUCT_FIELDS} }} }}"
PRODUCT = f"query($id: ID!) {{ product(id: $id) {{ {PRODUCT_FIELDS} }} }}"
LEVEL_AT = """query($id: ID!, $loc: ID) { product(id: $id) {
    onHand(locationId: $loc) reserved(locationId: $loc) available(locationId: $loc) } }"""
CREATE_RECEIPT = """mutation($i: ReceiptCreateInput!) { receiptCreate(input: $i) {
    id number state lines { quantity lotCode lot { id code } product { code } } } }"""
VALIDATE_RECEIPT = "mutation($id: ID!) { receiptValidate(id: $id) { id number state } }"
SHIPMENT_FIELDS = """id number state originType originId reference
    lines { id quantity originLineId product { id code } lot { code } }
    moves { id state quantity lot { id code } fromLocation { code } toLocation { code } }"""
CREATE_SHIPMENT = f"mutation($i: ShipmentCreateInput!) {{ shipmentCreate(input: $i) {{ {SHIPMENT_FIELDS} }} }}"
PICK_SHIPMENT = f"mutation($id: ID!) {{ shipmentPick(id: $id) {{ {SHIPMENT_FIELDS} }} }}"
CONFIRM_SHIPMENT = f"mutation($id: ID!) {{ shipmentConfirm(id: $id) {{ {SHIPMENT_FIELDS} }} }}"
CANCEL_SHIPMENT = f"mutation($id: ID!) {{ shipmentCancel(id: $id) {{ {SHIPMENT_FIELDS} }} }}"
SHIPMENT = f"query($id: ID!) {{ shipment(id: $id) {{ {SHIPMENT_FIELDS} }} }}"
REQ_FIELDS = """id number state originType originId
    lines { id quantity issuedQuantity remainingQuantity product { code } }
    fromLocation { code } toLocation { code kind }"""
CREATE_REQ = f"mutation($i: RequisitionCreateInput!) {{ requisitionCreate(input: $i) {{ {REQ_FIELDS} }} }}"
APPROVE_REQ = f"mutation($id: ID!) {{ requisitionApprove(id: $id) {{ {REQ_FIELDS} }} }}"
ISSUE_REQ = f"""mutation($id: ID!, $lines: [RequisitionIssueLineInput!]) {{
    requisitionIssue(id: $id, lines: $lines) {{ {REQ_FIELDS} }} }}"""
CLOSE_REQ = f"mutation($id: ID!) {{ requisitionClose(id: $id) {{ {REQ_FIELDS} }} }}"
LOCATIONS = "query($kind: String) { locations(kind: $kind, first: 100) { nodes { id code kind isDefault } } }"
CREATE_LOCATION = "mutation($i: LocationCreateInput!) { locationCreate(input: $i) { id code kind barcode } }"
CREATE_TRANSFER = """mutation($i: TransferCreateInput!) { transferCreate(input: $i) { id number state } }"""
MOVES = """query($p: ID, $o: String, $oid: Int, $lot: ID) { moves(productId: $p, originType: $o, originId: $oid,
    lotId: $lot, first: 100) { totalCount nodes { id state quantity originType originId reference
    lot { code } fromLocation { code kind } toLocation { code kind } } } }"""


def dec(value: Any) -> Decimal:
    return Decimal(str(value))


@dataclass
class StockSite:
    """An app with the stock plugin and one client per role."""

    app: Any
    boss: GraphQLClient
    clerk: GraphQLClient
    planner: GraphQLClient
    nobody: GraphQLClient

    def location_id(self, code: str) -> str:
        nodes = self.boss.ok(LOCATIONS)["locations"]["nodes"]
        return next(n["id"] for n in nodes if n["code"] == code)


def stock_site(make_app: Callable[..., Any], make_client: Callable[..., GraphQLClient],
               plugins: list[str] | None = None) -> StockSite:
    app = make_app(plugins=plugins or ["stock"])
    clients = {name: make_client(app, create_user(app, name, roles=roles))
               for name, roles in (("boss", ["warehouse_manager"]), ("clerk", ["warehouse_clerk"]),
                                   ("planner", ["planner"]), ("nobody", []))}
    return StockSite(app=app, **clients)


def create_product(client: GraphQLClient, code: str | None = None, name: str = "Item", **fields: Any) -> dict[str, Any]:
    """``productCreate``; returns the product (``id``, ``code``, ...)."""
    data: dict[str, Any] = {"name": name, **fields}
    if code is not None:
        data["code"] = code
    return client.ok(CREATE_PRODUCT, {"i": data})["productCreate"]


def receive(client: GraphQLClient, product_id: str, quantity: Any, *, lot: str | None = None,
            location_id: str | None = None) -> dict[str, Any]:
    """Receive ``quantity`` (validated at once) into ``location_id`` (default stock location)."""
    line: dict[str, Any] = {"productId": product_id, "quantity": str(quantity)}
    if lot:
        line["lot"] = lot
    data: dict[str, Any] = {"lines": [line], "validate": True, "supplier": "Test supplier"}
    if location_id:
        data["locationId"] = location_id
    return client.ok(CREATE_RECEIPT, {"i": data})["receiptCreate"]


def levels(client: GraphQLClient, product_id: str, location_id: str | None = None) -> tuple[Decimal, Decimal, Decimal]:
    """``(onHand, reserved, available)`` of a product, over internal locations or at one."""
    p = client.ok(LEVEL_AT, {"id": product_id, "loc": location_id})["product"]
    return dec(p["onHand"]), dec(p["reserved"]), dec(p["available"])


def ship(client: GraphQLClient, product_id: str, quantity: Any, *, origin_type: str = "test.order",
         origin_id: int = 1, confirm: bool = True) -> dict[str, Any]:
    """Create (and confirm) a one-line shipment."""
    s = client.ok(CREATE_SHIPMENT, {"i": {"originType": origin_type, "originId": origin_id,
                                          "lines": [{"productId": product_id, "quantity": str(quantity)}]}})
    shipment = s["shipmentCreate"]
    if confirm:
        shipment = client.ok(CONFIRM_SHIPMENT, {"id": shipment["id"]})["shipmentConfirm"]
    return shipment


def ledger_sum(app: Any, product_id: str) -> Decimal:
    """Sum of a product's balances over ALL locations (virtual ones included): always zero."""
    from sqlalchemy import func, select

    from tenon.plugins.stock import Balance

    with app.transaction() as s:
        return Decimal(str(s.scalar(select(func.coalesce(func.sum(Balance.quantity), 0))
                                    .where(Balance.product_id == int(product_id)))))
