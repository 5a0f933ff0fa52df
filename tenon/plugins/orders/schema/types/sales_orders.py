"""GraphQL output types of the orders plugin: sales orders: lines, history and the stock shipments made for them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from tenon.core.db import utcnow
from tenon.core.errors import NotFound
from tenon.graphql.prefetch import Prefetch, columns, direct, rows_by_id
from tenon.plugins.stock import ProductType, load_product

from ... import reports
from ...models import Customer, SalesOrder, SalesOrderLine, SalesOrderStateChange
from ..loaders import _by_ids, _history_by_order, _lines_by_order, _shipments_by_order
from .._common import _gid
from .enums import SalesOrderPriority, SalesOrderState


@strawberry.type(name="SalesOrderStateChange", description="One recorded state change of a sales order.")
class SalesOrderStateChangeType:
    at: dt.datetime = strawberry.field(description="When it happened (UTC).")
    from_state: SalesOrderState | None = strawberry.field(description="State before; null when the order was created.")
    to_state: SalesOrderState = strawberry.field(description="State after.")
    actor: str | None = strawberry.field(description="Username of who made the change.")
    note: str = strawberry.field(description="Why, when recorded (cancel reason, shipment number).")

    @classmethod
    def from_model(cls, m: SalesOrderStateChange) -> SalesOrderStateChangeType:
        return cls(at=m.at, from_state=SalesOrderState(m.from_state) if m.from_state else None,
                   to_state=SalesOrderState(m.to_state), actor=m.actor, note=m.note)


@strawberry.type(name="SalesOrderLine", description="One product of a sales order with its progress.")
class SalesOrderLineType:
    id: strawberry.ID = strawberry.field(description="Line id.")
    order_id: strawberry.ID = strawberry.field(description="Id of the order.")
    position: int = strawberry.field(description="Position in the order (1, 2, ...).")
    product_id: strawberry.ID = strawberry.field(description="Id of the product (stock `Product`).")
    quantity: Decimal = strawberry.field(description="Ordered quantity, in the product's unit.")
    unit_price: Decimal = strawberry.field(description="Price per unit.")
    amount: Decimal = strawberry.field(description="quantity × unitPrice.")
    due_date: dt.date | None = strawberry.field(description="Line due date; null means the order's requested date.")
    produced_quantity: Decimal = strawberry.field(description="Quantity reported produced (by mrp).")
    shipped_quantity: Decimal = strawberry.field(description="Quantity in done shipments.")
    open_quantity: Decimal = strawberry.field(description="Quantity not shipped yet (quantity − shippedQuantity).")
    region_code: str = strawberry.field(description="Region of the order.")
    _order_id: strawberry.Private[int]
    _product_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: SalesOrderLine) -> SalesOrderLineType:
        return cls(id=_gid(m.id), order_id=_gid(m.order_id), position=m.position, product_id=_gid(m.product_id),
                   quantity=m.quantity, unit_price=m.unit_price, amount=m.quantity * m.unit_price,
                   due_date=m.due_date, produced_quantity=m.produced_quantity, shipped_quantity=m.shipped_quantity,
                   open_quantity=max(m.quantity - m.shipped_quantity, Decimal(0)), region_code=m.region_code,
                   _order_id=m.order_id, _product_id=m.product_id)

    @strawberry.field(description="The ordered product (stock `Product`: code, name, unit, stock levels).")
    async def product(self, info: Info) -> ProductType:
        p = await load_product(info, self._product_id)
        if p is None:
            raise NotFound(f"no product {self._product_id}", field="product")
        return p

    @strawberry.field(description="Code of the product.")
    async def product_code(self, info: Info) -> str | None:
        p = await load_product(info, self._product_id)
        return p.code if p else None

    @strawberry.field(description="Name of the product.")
    async def product_name(self, info: Info) -> str | None:
        p = await load_product(info, self._product_id)
        return p.name if p else None

    @strawberry.field(description="The order of this line.")
    async def order(self, info: Info) -> SalesOrderType | None:
        o = await info.context.batch("orders.order_by_id", _by_ids(SalesOrder)).load(self._order_id)
        return SalesOrderType.from_model(o) if o else None


@strawberry.type(description="A line of a stock shipment made for a sales order.")
class SalesOrderShipmentLine:
    line_id: strawberry.ID | None = strawberry.field(description="The sales order line it ships.")
    product_id: strawberry.ID = strawberry.field(description="The product.")
    quantity: Decimal = strawberry.field(description="Quantity in the shipment.")


@strawberry.type(description="A stock shipment made for a sales order (confirm it with `shipmentConfirm`).")
class SalesOrderShipment:
    id: strawberry.ID = strawberry.field(description="Stock shipment id (the `Shipment` of the stock plugin).")
    number: str = strawberry.field(description="Shipment number.")
    state: str = strawberry.field(description="Stock's shipment state: draft, picked, done or cancelled.")
    done_at: dt.datetime | None = strawberry.field(description="When it was confirmed done.")
    order_id: strawberry.ID = strawberry.field(description="The sales order.")
    lines: list[SalesOrderShipmentLine] = strawberry.field(description="What it ships.")

    @classmethod
    def from_model(cls, s: Any, lines: Sequence[Any]) -> SalesOrderShipment:
        return cls(id=_gid(s.id), number=s.number, state=s.state, done_at=s.done_at, order_id=_gid(s.origin_id),
                   lines=[SalesOrderShipmentLine(line_id=_gid(x.origin_line_id) if x.origin_line_id else None,
                                                 product_id=_gid(x.product_id), quantity=x.quantity) for x in lines])


@strawberry.type(name="SalesOrder", description="A customer's order: lines, state, history and progress.")
class SalesOrderType:
    id: strawberry.ID = strawberry.field(description="Order id.")
    number: str = strawberry.field(description="Order number, e.g. `SO-2026-00042`.")
    customer_id: strawberry.ID = strawberry.field(description="Id of the customer.")
    region_code: str = strawberry.field(description="Region the order was sold in (the customer's at creation).")
    state: SalesOrderState = strawberry.field(description="Current state.")
    order_date: dt.date = strawberry.field(description="Date of the order.")
    requested_date: dt.date | None = strawberry.field(description="Delivery date the customer asked for.")
    priority: SalesOrderPriority = strawberry.field(description="Priority.")
    customer_reference: str = strawberry.field(description="The customer's own reference (PO number).")
    notes: str = strawberry.field(description="Free notes.")
    cancel_reason: str = strawberry.field(description="Why it was cancelled (empty otherwise).")
    version: int = strawberry.field(description="Optimistic-lock version; pass it to `salesOrderUpdate`.")
    created_at: dt.datetime = strawberry.field(description="When it was created.")
    created_by: str | None = strawberry.field(description="Who created it.")
    _id: strawberry.Private[int]
    _customer_id: strawberry.Private[int]
    _model: strawberry.Private[Any]

    @classmethod
    def from_model(cls, m: SalesOrder) -> SalesOrderType:
        return cls(id=_gid(m.id), number=m.number, customer_id=_gid(m.customer_id), region_code=m.region_code,
                   state=SalesOrderState(m.state), order_date=m.order_date, requested_date=m.requested_date,
                   priority=SalesOrderPriority(m.priority), customer_reference=m.customer_reference, notes=m.notes,
                   cancel_reason=m.cancel_reason, version=m.version, created_at=m.created_at,
                   created_by=m.created_by, _id=m.id, _customer_id=m.customer_id, _model=m)

    # customer, lines, totalAmount and progress are plain resolvers: ``salesOrders`` loads them with
    # the page (SALES_ORDER_PREFETCH), anywhere else they go through the DataLoaders; the first three
    # take no arguments and are called by graphql-core directly (``direct``)
    def _with_lines(self, info: Info, convert: Any) -> Any:
        return LINES.load(info, self._id, convert)

    @strawberry.field(description="The customer.")
    @direct
    def customer(self, info: Info) -> CustomerType | None:
        return CUSTOMER.load(info, self._customer_id)

    @strawberry.field(description="The lines, by position.")
    @direct
    def lines(self, info: Info) -> list[SalesOrderLineType]:
        return self._with_lines(info, lambda rows: [SalesOrderLineType.from_model(x) for x in rows])

    @strawberry.field(description="Total value: the sum of the lines' amounts.")
    @direct
    def total_amount(self, info: Info) -> Decimal:
        return self._with_lines(info, lambda rows: sum((x.quantity * x.unit_price for x in rows), Decimal(0)))

    @strawberry.field(description="Every state change, oldest first (time, from, to, actor).")
    async def history(self, info: Info) -> list[SalesOrderStateChangeType]:
        rows = await info.context.batch("orders.history_by_order", _history_by_order).load(self._id)
        return [SalesOrderStateChangeType.from_model(r) for r in rows]

    @strawberry.field(description="Stock shipments made for this order.")
    async def shipments(self, info: Info) -> list[SalesOrderShipment]:
        rows = await info.context.batch("orders.shipments_by_order", _shipments_by_order).load(self._id)
        return [SalesOrderShipment.from_model(s, lines) for s, lines in rows]

    @strawberry.field(description="Ordered / produced / shipped, percent complete and overdue flags.")
    def progress(
        self, info: Info,
        as_of: Annotated[dt.date | None, strawberry.argument(description="The day to judge overdue against; default today (UTC).")] = None,
    ) -> OrderProgressType:
        day = as_of or utcnow().date()
        return self._with_lines(info, lambda rows: OrderProgressType.from_progress(
            reports.progress_of(self._model, rows, day)))


#: what :meth:`SalesOrderType.from_model` (and ``progress``) read: ``salesOrders`` loads its page as these rows
SALES_ORDER_COLUMNS = columns(SalesOrder, "id", "number", "customer_id", "region_code", "state", "order_date",
                              "requested_date", "priority", "customer_reference", "notes", "cancel_reason", "version",
                              "created_at", "created_by")
LINES = Prefetch("orders.lines_by_order", _lines_by_order, lambda m: m.id)


# Types this module names in annotations; imported last, as they name this module's types too.
from .customers import CUSTOMER_COLUMNS, CustomerType  # noqa: E402
from .reports import OrderProgressType  # noqa: E402

CUSTOMER = Prefetch("orders.customer_by_id", rows_by_id(Customer, CUSTOMER_COLUMNS), lambda m: m.customer_id,
                    CustomerType.from_row)

#: the nested fields ``salesOrders`` loads with its page when the query selects them
SALES_ORDER_PREFETCH = {"customer": CUSTOMER, "lines": LINES, "totalAmount": LINES, "progress": LINES}
