"""Shared helpers for tests of the orders plugin, usable by other plugins' tests (mrp, qc).

Master data (regions, customers, products, stock) is set up as the system actor through the
plugins' public services; everything a user does goes through GraphQL.

The standard site (:func:`orders_site`)::

    regions    east (East China) → zhejiang (Zhejiang);  south (South China);  north (North China)
    customers  C-EAST  "Hangzhou Motors"  east        C-ZJ    "Ningbo Axles"   zhejiang
               C-SOUTH "Foshan Chassis"   south       C-NORTH "Tianjin Parts"  north
    products   BD-01 "Brake disc" (stock 500), CP-02 "Caliper" (stock 500)
    users      rep_east   sales_rep       regions [east]   (covers east and zhejiang)
               rep_south  sales_rep       regions [south]
               rep_two    sales_rep       regions [east, south]
               rep_none   sales_rep       no regions attribute
               salesmgr   sales_manager   planner  planner   clerk  warehouse_clerk   nobody  (no role)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from tenon.core import auth
from tenon.core.testing import GraphQLClient

ORDER_FIELDS = """id number state regionCode customerId priority requestedDate version customerReference notes
    lines { id position productId productCode quantity unitPrice shippedQuantity producedQuantity openQuantity }"""

CREATE_ORDER = f"""mutation($i: SalesOrderCreateInput!) {{ salesOrderCreate(input: $i) {{ {ORDER_FIELDS} }} }}"""
UPDATE_ORDER = f"""mutation($i: SalesOrderUpdateInput!) {{ salesOrderUpdate(input: $i) {{ {ORDER_FIELDS} }} }}"""
CONFIRM_ORDER = "mutation($id: ID!) { salesOrderConfirm(id: $id) { id state } }"
CANCEL_ORDER = "mutation($id: ID!, $r: String!) { salesOrderCancel(id: $id, reason: $r) { id state cancelReason } }"
CLOSE_ORDER = "mutation($id: ID!) { salesOrderClose(id: $id) { id state } }"
SHIP_ORDER = """mutation($i: SalesOrderShipInput!) { salesOrderShip(input: $i) {
    id number state orderId lines { lineId productId quantity } } }"""
CONFIRM_SHIPMENT = "mutation($id: ID!) { shipmentConfirm(id: $id) { id state } }"
ORDER = f"""query($id: ID!) {{ salesOrder(id: $id) {{ {ORDER_FIELDS}
    history {{ fromState toState actor }} }} }}"""
ORDERS = """query($first: Int) { salesOrders(first: $first) { totalCount nodes { id number regionCode state } } }"""

USERS: dict[str, tuple[list[str], dict[str, Any]]] = {
    "rep_east": (["sales_rep"], {"regions": ["east"]}),
    "rep_south": (["sales_rep"], {"regions": ["south"]}),
    "rep_two": (["sales_rep"], {"regions": ["east", "south"]}),
    "rep_none": (["sales_rep"], {}),
    "salesmgr": (["sales_manager"], {}),
    "planner": (["planner"], {}),
    "clerk": (["warehouse_clerk"], {}),
    "nobody": ([], {}),
}
REGIONS = [("east", "East China", None), ("zhejiang", "Zhejiang", "east"), ("south", "South China", None),
           ("north", "North China", None)]
CUSTOMERS = [("C-EAST", "Hangzhou Motors", "east"), ("C-ZJ", "Ningbo Axles", "zhejiang"),
             ("C-SOUTH", "Foshan Chassis", "south"), ("C-NORTH", "Tianjin Parts", "north")]
PRODUCTS = [("BD-01", "Brake disc", 500), ("CP-02", "Caliper", 500)]


def api_user(app: Any, username: str, roles: list[str], attributes: dict[str, Any] | None = None) -> str:
    """A user without a password (no argon2 hashing: fast) and an API token for it; returns the token."""
    with app.transaction(operation="test:create_user") as s:
        user = auth.create_user(s, username, roles=roles, attributes=attributes)
        return auth.issue_token(s, user, kind="api", name="test")


def seed_master_data(app: Any, *, regions=REGIONS, customers=CUSTOMERS, products=PRODUCTS) -> dict[str, int]:
    """Regions, customers and products with stock, as the system actor; ``{code: id}``."""
    from tenon.plugins.orders import create_customer, create_region
    from tenon.plugins.stock import create_product, receive

    ids: dict[str, int] = {}
    with app.transaction(operation="test:seed") as s:
        for code, name, parent in regions:
            ids[code] = create_region(s, code=code, name=name, parent_code=parent).id
        for code, name, region in customers:
            ids[code] = create_customer(s, code=code, name=name, region_code=region).id
        for code, name, stock in products:
            product = create_product(s, code=code, name=name)
            ids[code] = product.id
            if stock:
                receive(s, product_id=product.id, quantity=Decimal(stock), reference="test stock")
    return ids


@dataclass
class OrdersSite:
    """A site with orders installed, the standard master data and one client per user."""

    app: Any
    ids: dict[str, int]
    clients: dict[str, GraphQLClient] = field(default_factory=dict)

    def __getitem__(self, username: str) -> GraphQLClient:
        return self.clients[username]

    def order(self, order_id: Any) -> dict[str, Any]:
        """The order as the sales manager (who sees every region) reads it."""
        return self["salesmgr"].ok(ORDER, {"id": order_id})["salesOrder"]


def orders_site(make_app: Callable[..., Any], make_client: Callable[..., GraphQLClient], *,
                users: Mapping[str, tuple[list[str], dict[str, Any]]] = USERS, plugins: tuple[str, ...] = (),
                **app_kwargs: Any) -> OrdersSite:
    """The standard site described in this module's docstring; ``plugins`` are installed besides
    orders (test plugins passed in ``extra_plugins`` must be named there too)."""
    app = make_app(plugins=["orders", *plugins], **app_kwargs)
    ids = seed_master_data(app)
    site = OrdersSite(app, ids)
    for name, (roles, attributes) in users.items():
        site.clients[name] = make_client(app, api_user(app, name, roles, attributes))
    return site


def line(product_id: int, quantity: Any, unit_price: Any = "10", due_date: str | None = None) -> dict[str, Any]:
    """A ``SalesOrderLineInput``."""
    out = {"productId": str(product_id), "quantity": str(quantity), "unitPrice": str(unit_price)}
    if due_date:
        out["dueDate"] = due_date
    return out


def create_order(client: GraphQLClient, customer_id: int, lines: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """Create a draft order through GraphQL; returns the ``SalesOrder`` fields of :data:`ORDER_FIELDS`."""
    return client.ok(CREATE_ORDER, {"i": {"customerId": str(customer_id), "lines": lines, **extra}})["salesOrderCreate"]


def confirmed_order(client: GraphQLClient, customer_id: int, lines: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """Create and confirm an order; returns it as created (state read back: CONFIRMED)."""
    order = create_order(client, customer_id, lines, **extra)
    assert client.ok(CONFIRM_ORDER, {"id": order["id"]})["salesOrderConfirm"]["state"] == "CONFIRMED"
    return order


def ship(client: GraphQLClient, order_id: Any, lines: list[tuple[Any, Any]] | None = None, *,
         confirm: bool = True) -> dict[str, Any]:
    """Ship ``[(line_id, quantity)]`` (all open quantities when ``None``) and, by default, confirm the
    stock shipment; returns the shipment."""
    payload: dict[str, Any] = {"orderId": str(order_id)}
    if lines is not None:
        payload["lines"] = [{"lineId": str(lid), "quantity": str(q)} for lid, q in lines]
    shipment = client.ok(SHIP_ORDER, {"i": payload})["salesOrderShip"]
    if confirm:
        assert client.ok(CONFIRM_SHIPMENT, {"id": shipment["id"]})["shipmentConfirm"]["state"].lower() == "done"
    return shipment


def set_state_times(app: Any, order_id: Any, times: Mapping[str, dt.datetime]) -> None:
    """Backdate an order's recorded state changes: ``{"confirmed": datetime, "shipped": datetime}``.

    Tests use it to control the timestamps the delivery-cycle KPI is computed from.
    """
    from tenon.plugins.orders import SalesOrderStateChange

    with app.transaction(operation="test:backdate") as s:
        rows = s.scalars(select(SalesOrderStateChange).where(SalesOrderStateChange.order_id == int(order_id))).all()
        for row in rows:
            if row.to_state in times:
                row.at = times[row.to_state]


def utc(*args: int) -> dt.datetime:
    """``utc(2026, 3, 1, 9)`` -> an aware UTC datetime."""
    return dt.datetime(*args, tzinfo=dt.UTC)
