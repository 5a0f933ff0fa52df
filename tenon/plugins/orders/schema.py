"""GraphQL API of the orders plugin: regions, customers, sales orders, shipping, progress, KPI.

Every read goes through ORM selects, so the actor's region scope applies to lists, ids,
nested fields, counts, the progress overview and the KPI alike. Nested lists resolve
through per-request DataLoaders (one select per field per request, never N+1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from strawberry.types import Info

from tenon.core.db import utcnow
from tenon.core.errors import NotFound
from tenon.graphql.permissions import allowed
from tenon.graphql.relay import Connection, paginate
from tenon.plugins.orders import reports, services
from tenon.plugins.orders.models import Customer, Region, SalesOrder, SalesOrderLine, SalesOrderStateChange
from tenon.plugins.stock import Product, Shipment, ShipmentLine

# --------------------------------------------------------------------------- helpers


def _id(value: Any, field: str = "id") -> int:
    try:
        return int(str(value))
    except ValueError:
        raise NotFound(f"no record {value!r}", field=field) from None


def _gid(value: int) -> strawberry.ID:
    return strawberry.ID(str(value))


def _by_ids(model: type) -> Any:
    def load(session: Session, keys: Sequence[int]) -> list[Any]:
        rows = {r.id: r for r in session.scalars(select(model).where(model.id.in_(list(keys))))}  # type: ignore[attr-defined]
        return [rows.get(k) for k in keys]

    return load


def _history_by_order(session: Session, keys: Sequence[int]) -> list[list[SalesOrderStateChange]]:
    out: dict[int, list[SalesOrderStateChange]] = {k: [] for k in keys}
    for row in session.scalars(select(SalesOrderStateChange).where(SalesOrderStateChange.order_id.in_(list(keys)))
                               .order_by(SalesOrderStateChange.at, SalesOrderStateChange.id)):
        out[row.order_id].append(row)
    return [out[k] for k in keys]


def _lines_by_order(session: Session, keys: Sequence[int]) -> list[list[SalesOrderLine]]:
    found = reports.lines_by_order(session, keys)
    return [found[k] for k in keys]


def _shipments_by_order(session: Session, keys: Sequence[int]) -> list[list[tuple[Any, list[Any]]]]:
    shipments = list(session.scalars(select(Shipment).where(Shipment.origin_type == services.ORIGIN_TYPE,
                                                             Shipment.origin_id.in_(list(keys)))
                                     .order_by(Shipment.id)))
    lines: dict[int, list[Any]] = {s.id: [] for s in shipments}
    if shipments:
        for line in session.scalars(select(ShipmentLine).where(ShipmentLine.shipment_id.in_(list(lines)))
                                    .order_by(ShipmentLine.id)):
            lines[line.shipment_id].append(line)
    out: dict[int, list[tuple[Any, list[Any]]]] = {k: [] for k in keys}
    for s in shipments:
        out[s.origin_id].append((s, lines[s.id]))
    return [out[k] for k in keys]


# --------------------------------------------------------------------------- enums


@strawberry.enum(description="Where a sales order is in its lifecycle.")
class SalesOrderState(Enum):
    DRAFT = strawberry.enum_value("draft", description="Being prepared; editable; not a commitment yet.")
    CONFIRMED = strawberry.enum_value("confirmed", description="Accepted; production and shipping may start.")
    IN_PRODUCTION = strawberry.enum_value("in_production", description="Production (mrp) is making the goods.")
    READY = strawberry.enum_value("ready", description="Everything still to ship is produced.")
    PARTIALLY_SHIPPED = strawberry.enum_value("partially_shipped", description="Some quantities have been shipped.")
    SHIPPED = strawberry.enum_value("shipped", description="Every line is fully shipped.")
    DONE = strawberry.enum_value("done", description="Closed by sales after full shipment.")
    CANCELLED = strawberry.enum_value("cancelled", description="Cancelled before anything was shipped.")


@strawberry.enum(description="How urgent a sales order is.")
class SalesOrderPriority(Enum):
    LOW = strawberry.enum_value("low", description="Whenever capacity allows.")
    NORMAL = strawberry.enum_value("normal", description="The usual priority.")
    HIGH = strawberry.enum_value("high", description="Ahead of normal orders.")
    URGENT = strawberry.enum_value("urgent", description="Ahead of everything else.")


# --------------------------------------------------------------------------- types


@strawberry.type(name="Region", description="A sales territory; regions form a tree (East China → Zhejiang).")
class RegionType:
    id: strawberry.ID = strawberry.field(description="Region id.")
    code: str = strawberry.field(description="Short code used in user attributes (`regions`), e.g. `east`.")
    name: str = strawberry.field(description="Display name.")
    parent_code: str | None = strawberry.field(description="Code of the parent region; null for a top region.")
    path: list[str] = strawberry.field(description="Codes from the top region down to this one.")
    active: bool = strawberry.field(description="Inactive regions take no new customers.")

    @classmethod
    def from_model(cls, m: Region) -> RegionType:
        path = [p for p in m.path.split("/") if p]
        return cls(id=_gid(m.id), code=m.code, name=m.name, parent_code=path[-2] if len(path) > 1 else None,
                   path=path, active=m.active)


@strawberry.type(description="A person to talk to at a customer.")
class CustomerContact:
    name: str = strawberry.field(description="Full name.")
    role: str = strawberry.field(description="Function, e.g. purchasing.")
    phone: str = strawberry.field(description="Phone number.")
    email: str = strawberry.field(description="E-mail address.")


@strawberry.type(name="Customer", description="A customer; it belongs to exactly one region.")
class CustomerType:
    id: strawberry.ID = strawberry.field(description="Customer id.")
    code: str = strawberry.field(description="Customer number (from the `orders.customer` sequence unless given).")
    name: str = strawberry.field(description="Company name.")
    region_code: str = strawberry.field(description="Code of the customer's region.")
    contacts: list[CustomerContact] = strawberry.field(description="Contact persons.")
    credit_limit: Decimal | None = strawberry.field(
        description="Maximum value of open (confirmed, unshipped) orders; null for no limit.")
    payment_terms: str = strawberry.field(description="Agreed payment terms, e.g. `60 days net`.")
    notes: str = strawberry.field(description="Free notes for sales.")
    active: bool = strawberry.field(description="Inactive customers take no new orders.")
    version: int = strawberry.field(description="Optimistic-lock version.")
    _region_id: strawberry.Private[int]
    _id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: Customer) -> CustomerType:
        return cls(id=_gid(m.id), code=m.code, name=m.name, region_code=m.region_code,
                   contacts=[CustomerContact(name=c.get("name", ""), role=c.get("role", ""), phone=c.get("phone", ""),
                                             email=c.get("email", "")) for c in (m.contacts or [])],
                   credit_limit=m.credit_limit, payment_terms=m.payment_terms, notes=m.notes, active=m.active,
                   version=m.version, _region_id=m.region_id, _id=m.id)

    @strawberry.field(description="The customer's region.")
    async def region(self, info: Info) -> RegionType | None:
        r = await info.context.batch("orders.region_by_id", _by_ids(Region)).load(self._region_id)
        return RegionType.from_model(r) if r else None

    @strawberry.field(description="The customer's sales orders you may see, newest first.")
    async def orders(self, info: Info) -> list[SalesOrderType]:
        rows = await info.context.batch("orders.orders_by_customer", reports.orders_by_customer).load(self._id)
        return [SalesOrderType.from_model(o) for o in rows]


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

    @strawberry.field(description="Code of the product.")
    async def product_code(self, info: Info) -> str | None:
        p = await info.context.batch("orders.product_by_id", _by_ids(Product)).load(self._product_id)
        return p.code if p else None

    @strawberry.field(description="Name of the product.")
    async def product_name(self, info: Info) -> str | None:
        p = await info.context.batch("orders.product_by_id", _by_ids(Product)).load(self._product_id)
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

    async def _lines(self, info: Info) -> list[SalesOrderLine]:
        return await info.context.batch("orders.lines_by_order", _lines_by_order).load(self._id)

    @strawberry.field(description="The customer.")
    async def customer(self, info: Info) -> CustomerType | None:
        c = await info.context.batch("orders.customer_by_id", _by_ids(Customer)).load(self._customer_id)
        return CustomerType.from_model(c) if c else None

    @strawberry.field(description="The lines, by position.")
    async def lines(self, info: Info) -> list[SalesOrderLineType]:
        return [SalesOrderLineType.from_model(x) for x in await self._lines(info)]

    @strawberry.field(description="Total value: the sum of the lines' amounts.")
    async def total_amount(self, info: Info) -> Decimal:
        return sum((x.quantity * x.unit_price for x in await self._lines(info)), Decimal(0))

    @strawberry.field(description="Every state change, oldest first (time, from, to, actor).")
    async def history(self, info: Info) -> list[SalesOrderStateChangeType]:
        rows = await info.context.batch("orders.history_by_order", _history_by_order).load(self._id)
        return [SalesOrderStateChangeType.from_model(r) for r in rows]

    @strawberry.field(description="Stock shipments made for this order.")
    async def shipments(self, info: Info) -> list[SalesOrderShipment]:
        rows = await info.context.batch("orders.shipments_by_order", _shipments_by_order).load(self._id)
        return [SalesOrderShipment.from_model(s, lines) for s, lines in rows]

    @strawberry.field(description="Ordered / produced / shipped, percent complete and overdue flags.")
    async def progress(
        self, info: Info,
        as_of: Annotated[dt.date | None, strawberry.argument(description="The day to judge overdue against; default today (UTC).")] = None,
    ) -> OrderProgressType:
        p = reports.progress_of(self._model, await self._lines(info), as_of or utcnow().date())
        return OrderProgressType.from_progress(p)


@strawberry.type(name="OrderLineProgress", description="Progress of one order line.")
class OrderLineProgressType:
    line_id: strawberry.ID = strawberry.field(description="The order line.")
    position: int = strawberry.field(description="Its position in the order.")
    product_id: strawberry.ID = strawberry.field(description="The product.")
    due_date: dt.date | None = strawberry.field(description="Due date (the line's, else the order's requested date).")
    ordered: Decimal = strawberry.field(description="Ordered quantity.")
    produced: Decimal = strawberry.field(description="Produced quantity.")
    shipped: Decimal = strawberry.field(description="Shipped quantity.")
    percent_complete: float = strawberry.field(description="Shipped share of the ordered quantity, 0-100.")
    overdue: bool = strawberry.field(description="Due date passed and the line is not fully shipped.")
    _product_id: strawberry.Private[int]

    @strawberry.field(description="Code of the product.")
    async def product_code(self, info: Info) -> str | None:
        p = await info.context.batch("orders.product_by_id", _by_ids(Product)).load(self._product_id)
        return p.code if p else None


@strawberry.type(name="OrderProgress", description="Progress of one sales order, for the progress overview.")
class OrderProgressType:
    order_id: strawberry.ID = strawberry.field(description="The order.")
    number: str = strawberry.field(description="Order number.")
    state: SalesOrderState = strawberry.field(description="Order state.")
    region_code: str = strawberry.field(description="Order region.")
    requested_date: dt.date | None = strawberry.field(description="Requested delivery date.")
    priority: SalesOrderPriority = strawberry.field(description="Priority.")
    ordered: Decimal = strawberry.field(description="Total ordered quantity.")
    produced: Decimal = strawberry.field(description="Total produced quantity.")
    shipped: Decimal = strawberry.field(description="Total shipped quantity.")
    percent_complete: float = strawberry.field(description="Shipped share of the ordered quantity, 0-100.")
    overdue: bool = strawberry.field(description="Requested date passed and not fully shipped.")
    lines: list[OrderLineProgressType] = strawberry.field(description="Per line.")
    _model: strawberry.Private[Any]

    @classmethod
    def from_progress(cls, p: reports.OrderProgress) -> OrderProgressType:
        o = p.order
        return cls(
            order_id=_gid(o.id), number=o.number, state=SalesOrderState(o.state), region_code=o.region_code,
            requested_date=o.requested_date, priority=SalesOrderPriority(o.priority), ordered=p.ordered,
            produced=p.produced, shipped=p.shipped, percent_complete=p.percent_complete, overdue=p.overdue,
            lines=[OrderLineProgressType(
                line_id=_gid(lp.line.id), position=lp.line.position, product_id=_gid(lp.line.product_id),
                due_date=lp.line.due_date or o.requested_date, ordered=lp.ordered, produced=lp.produced,
                shipped=lp.shipped, percent_complete=lp.percent_complete, overdue=lp.overdue,
                _product_id=lp.line.product_id) for lp in p.lines],
            _model=o,
        )

    @strawberry.field(description="The order.")
    def order(self) -> SalesOrderType:
        return SalesOrderType.from_model(self._model)


@strawberry.type(description="How many orders took this many days from confirmation to full shipment.")
class CycleTimeBucket:
    label: str = strawberry.field(description="E.g. `7-14 days` (lower bound included, upper excluded).")
    min_days: int = strawberry.field(description="Lower bound (included).")
    max_days: int | None = strawberry.field(description="Upper bound (excluded); null for the open last bucket.")
    count: int = strawberry.field(description="Orders in the bucket.")


@strawberry.type(description="Delivery cycle time: days from confirmation to full shipment, from recorded state changes.")
class DeliveryCycleTime:
    from_: dt.date = strawberry.field(name="from", description="First day of the period (UTC, included).")
    to: dt.date = strawberry.field(description="Last day of the period (UTC, included).")
    region_code: str | None = strawberry.field(description="The region asked for (with its sub-regions), or null.")
    count: int = strawberry.field(description="Orders fully shipped in the period.")
    average_days: float | None = strawberry.field(description="Average days; null when no order qualifies.")
    median_days: float | None = strawberry.field(description="Median days.")
    min_days: float | None = strawberry.field(description="Fastest order, in days.")
    max_days: float | None = strawberry.field(description="Slowest order, in days.")
    distribution: list[CycleTimeBucket] = strawberry.field(description="Orders per week-wide bucket of days.")


# --------------------------------------------------------------------------- inputs


@strawberry.input(description="A new sales region.")
class RegionCreateInput:
    code: str = strawberry.field(description="Code, 1-32 of a-z 0-9 _ - (used in user attributes).")
    name: str = strawberry.field(description="Display name.")
    parent_code: str | None = strawberry.field(default=None, description="Parent region; omit for a top region.")


@strawberry.input(description="A contact person.")
class CustomerContactInput:
    name: str = strawberry.field(description="Full name.")
    role: str = strawberry.field(default="", description="Function.")
    phone: str = strawberry.field(default="", description="Phone number.")
    email: str = strawberry.field(default="", description="E-mail address.")


@strawberry.input(description="A new customer.")
class CustomerCreateInput:
    name: str = strawberry.field(description="Company name.")
    region_code: str = strawberry.field(description="Its region (must be one you cover).")
    code: str | None = strawberry.field(default=None, description="Customer number; omit to take the next one.")
    contacts: list[CustomerContactInput] = strawberry.field(default_factory=list, description="Contact persons.")
    credit_limit: Decimal | None = strawberry.field(default=None, description="Open-order value limit; omit for none.")
    payment_terms: str = strawberry.field(default="", description="Payment terms.")
    notes: str = strawberry.field(default="", description="Notes.")


@strawberry.input(description="Changes to a customer; omitted fields stay as they are.")
class CustomerUpdateInput:
    id: strawberry.ID = strawberry.field(description="The customer.")
    name: str | None = strawberry.field(default=None, description="New name.")
    region_code: str | None = strawberry.field(default=None, description="New region (existing orders keep theirs).")
    contacts: list[CustomerContactInput] | None = strawberry.field(default=None, description="The complete new contact list.")
    credit_limit: Decimal | None = strawberry.field(default=strawberry.UNSET, description="New limit; null removes it.")
    payment_terms: str | None = strawberry.field(default=None, description="New payment terms.")
    notes: str | None = strawberry.field(default=None, description="New notes.")
    active: bool | None = strawberry.field(default=None, description="Deactivate to stop new orders.")


@strawberry.input(description="A line of a sales order.")
class SalesOrderLineInput:
    product_id: strawberry.ID = strawberry.field(description="The product (stock `Product` id).")
    quantity: Decimal = strawberry.field(description="Quantity, > 0.")
    unit_price: Decimal = strawberry.field(default=Decimal(0), description="Price per unit, >= 0.")
    due_date: dt.date | None = strawberry.field(default=None, description="Line due date; omit for the order's.")


@strawberry.input(description="A new (draft) sales order.")
class SalesOrderCreateInput:
    customer_id: strawberry.ID = strawberry.field(description="The customer (one of your regions).")
    lines: list[SalesOrderLineInput] = strawberry.field(description="At least one line.")
    order_date: dt.date | None = strawberry.field(default=None, description="Order date; default today (UTC).")
    requested_date: dt.date | None = strawberry.field(default=None, description="Requested delivery date.")
    priority: SalesOrderPriority = strawberry.field(default=SalesOrderPriority.NORMAL, description="Priority.")
    customer_reference: str = strawberry.field(default="", description="The customer's PO number.")
    notes: str = strawberry.field(default="", description="Notes.")


@strawberry.input(description="Changes to a sales order; omitted fields stay as they are.")
class SalesOrderUpdateInput:
    id: strawberry.ID = strawberry.field(description="The order.")
    version: int | None = strawberry.field(default=None, description="The version you edited; a newer one is a CONFLICT.")
    requested_date: dt.date | None = strawberry.field(default=strawberry.UNSET, description="New requested date; null clears it.")
    priority: SalesOrderPriority | None = strawberry.field(default=None, description="New priority.")
    customer_reference: str | None = strawberry.field(default=None, description="New customer reference.")
    notes: str | None = strawberry.field(default=None, description="New notes.")
    lines: list[SalesOrderLineInput] | None = strawberry.field(
        default=None, description="The complete new list of lines (drafts only).")


@strawberry.input(description="A quantity of an order line to ship.")
class SalesOrderShipLineInput:
    line_id: strawberry.ID = strawberry.field(description="The order line.")
    quantity: Decimal = strawberry.field(description="Quantity to ship now, > 0 and at most what is open.")


@strawberry.input(description="Ship (part of) a sales order from stock.")
class SalesOrderShipInput:
    order_id: strawberry.ID = strawberry.field(description="The order.")
    lines: list[SalesOrderShipLineInput] | None = strawberry.field(
        default=None, description="What to ship; omit to ship every open quantity.")
    from_location_id: strawberry.ID | None = strawberry.field(
        default=None, description="Internal location the goods leave from (stock `Location`); "
                                  "default: the default stock location.")


def _line_dicts(lines: Sequence[SalesOrderLineInput]) -> list[dict[str, Any]]:
    return [{"product_id": _id(x.product_id, f"lines[{i}].productId"), "quantity": x.quantity,
             "unit_price": x.unit_price, "due_date": x.due_date} for i, x in enumerate(lines)]


def _contact_dicts(contacts: Sequence[CustomerContactInput] | None) -> list[dict[str, str]] | None:
    if contacts is None:
        return None
    return [{"name": c.name, "role": c.role, "phone": c.phone, "email": c.email} for c in contacts]


# --------------------------------------------------------------------------- root fields

First = Annotated[int | None, strawberry.argument(description="Page size.")]
After = Annotated[str | None, strawberry.argument(description="Cursor to continue after.")]
IdArg = Annotated[strawberry.ID, strawberry.argument(description="Record id.")]


@strawberry.type
class Query:
    @strawberry.field(description="Sales regions, by path (parents before children).",
                      extensions=allowed("orders.region", "read"))
    async def regions(self, info: Info, first: First = None, after: After = None) -> Connection[RegionType]:
        stmt = select(Region).order_by(Region.path, Region.id)
        return await paginate(info.context, stmt, first=first, after=after, convert=RegionType.from_model)

    @strawberry.field(description="Customers you may see (your regions), by code.",
                      extensions=allowed("orders.customer", "read"))
    async def customers(
        self, info: Info,
        search: Annotated[str | None, strawberry.argument(description="Part of the code or name.")] = None,
        region_code: Annotated[str | None, strawberry.argument(description="Only this region and those under it.")] = None,
        first: First = None, after: After = None,
    ) -> Connection[CustomerType]:
        stmt = select(Customer).order_by(Customer.code, Customer.id)
        if search:
            like = f"%{search.strip()}%"
            stmt = stmt.where(or_(Customer.code.ilike(like), Customer.name.ilike(like)))
        if region_code:
            stmt = stmt.where(Customer.region_code.in_(services.covered_region_codes([region_code])))
        return await paginate(info.context, stmt, first=first, after=after, convert=CustomerType.from_model)

    @strawberry.field(description="A customer by id (NOT_FOUND outside your regions).",
                      extensions=allowed("orders.customer", "read"))
    async def customer(self, info: Info, id: IdArg) -> CustomerType:
        return CustomerType.from_model(await info.context.run(services.get_customer, _id(id)))

    @strawberry.field(description="Sales orders you may see (your regions), newest first.",
                      extensions=allowed("orders.sales_order", "read"))
    async def sales_orders(
        self, info: Info,
        states: Annotated[list[SalesOrderState] | None, strawberry.argument(description="Only these states.")] = None,
        customer_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this customer's.")] = None,
        region_code: Annotated[str | None, strawberry.argument(description="Only this region and those under it.")] = None,
        search: Annotated[str | None, strawberry.argument(description="Part of the number or customer reference.")] = None,
        first: First = None, after: After = None,
    ) -> Connection[SalesOrderType]:
        stmt = select(SalesOrder).order_by(SalesOrder.id.desc())
        if states:
            stmt = stmt.where(SalesOrder.state.in_([s.value for s in states]))
        if customer_id is not None:
            stmt = stmt.where(SalesOrder.customer_id == _id(customer_id, "customerId"))
        if region_code:
            stmt = stmt.where(SalesOrder.region_code.in_(services.covered_region_codes([region_code])))
        if search:
            like = f"%{search.strip()}%"
            stmt = stmt.where(or_(SalesOrder.number.ilike(like), SalesOrder.customer_reference.ilike(like)))
        return await paginate(info.context, stmt, first=first, after=after, convert=SalesOrderType.from_model)

    @strawberry.field(description="A sales order by id (NOT_FOUND outside your regions).",
                      extensions=allowed("orders.sales_order", "read"))
    async def sales_order(self, info: Info, id: IdArg) -> SalesOrderType:
        return SalesOrderType.from_model(await info.context.run(services.get_sales_order, _id(id)))

    @strawberry.field(description="Order progress overview: open orders (confirmed to partially shipped), "
                                  "overdue first, then by requested date.",
                      extensions=allowed("orders.sales_order", "read"))
    async def order_progress(
        self, info: Info,
        as_of: Annotated[dt.date | None, strawberry.argument(description="The day to judge overdue against; default today (UTC).")] = None,
        region_code: Annotated[str | None, strawberry.argument(description="Only this region and those under it.")] = None,
        first: First = None, after: After = None,
    ) -> Connection[OrderProgressType]:
        day = as_of or utcnow().date()
        page = await paginate(info.context, reports.order_progress_query(day, region_code), first=first, after=after)
        orders: list[SalesOrder] = list(page.nodes)
        lines = await info.context.run(reports.lines_by_order, [o.id for o in orders])
        page.nodes = [OrderProgressType.from_progress(reports.progress_of(o, lines[o.id], day)) for o in orders]
        for edge, node in zip(page.edges, page.nodes, strict=True):
            edge.node = node
        return page

    @strawberry.field(description="Delivery cycle time KPI: days from confirmation to full shipment of the orders "
                                  "fully shipped in the period, from recorded state changes (your regions only).",
                      extensions=allowed("orders.sales_order", "read"))
    async def delivery_cycle_time(
        self, info: Info,
        from_: Annotated[dt.date, strawberry.argument(name="from", description="First day (UTC, included).")],
        to: Annotated[dt.date, strawberry.argument(description="Last day (UTC, included).")],
        region: Annotated[str | None, strawberry.argument(description="Region code; includes its sub-regions.")] = None,
    ) -> DeliveryCycleTime:
        k = await info.context.run(reports.delivery_cycle_time, from_, to, region)
        return DeliveryCycleTime(
            from_=k.date_from, to=k.date_to, region_code=k.region_code, count=k.count, average_days=k.average_days,
            median_days=k.median_days, min_days=k.min_days, max_days=k.max_days,
            distribution=[CycleTimeBucket(label=b.label, min_days=b.min_days, max_days=b.max_days, count=b.count)
                          for b in k.buckets],
        )


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create a sales region.", extensions=allowed("orders.region", "create"))
    async def region_create(self, info: Info, input: Annotated[RegionCreateInput, strawberry.argument(description="The new region.")]) -> RegionType:
        r = await info.context.run(lambda s: services.create_region(s, code=input.code, name=input.name,
                                                                    parent_code=input.parent_code))
        return RegionType.from_model(r)

    @strawberry.mutation(description="Create a customer in one of your regions.",
                         extensions=allowed("orders.customer", "create"))
    async def customer_create(self, info: Info, input: Annotated[CustomerCreateInput, strawberry.argument(description="The new customer.")]) -> CustomerType:
        c = await info.context.run(lambda s: services.create_customer(
            s, name=input.name, region_code=input.region_code, code=input.code,
            contacts=_contact_dicts(input.contacts), credit_limit=input.credit_limit,
            payment_terms=input.payment_terms, notes=input.notes))
        return CustomerType.from_model(c)

    @strawberry.mutation(description="Change a customer (NOT_FOUND outside your regions).",
                         extensions=allowed("orders.customer", "update"))
    async def customer_update(self, info: Info, input: Annotated[CustomerUpdateInput, strawberry.argument(description="What to change.")]) -> CustomerType:
        kwargs: dict[str, Any] = {"name": input.name, "region_code": input.region_code,
                                  "contacts": _contact_dicts(input.contacts), "payment_terms": input.payment_terms,
                                  "notes": input.notes, "active": input.active}
        if input.credit_limit is not strawberry.UNSET:
            kwargs["credit_limit"] = input.credit_limit
        c = await info.context.run(lambda s: services.update_customer(s, _id(input.id), **kwargs))
        return CustomerType.from_model(c)

    @strawberry.mutation(description="Create a draft sales order for a customer of your regions.",
                         extensions=allowed("orders.sales_order", "create"))
    async def sales_order_create(self, info: Info, input: Annotated[SalesOrderCreateInput, strawberry.argument(description="The new order.")]) -> SalesOrderType:
        o = await info.context.run(lambda s: services.create_sales_order(
            s, customer_id=_id(input.customer_id, "customerId"), lines=_line_dicts(input.lines),
            order_date=input.order_date, requested_date=input.requested_date, priority=input.priority.value,
            customer_reference=input.customer_reference, notes=input.notes))
        return SalesOrderType.from_model(o)

    @strawberry.mutation(description="Edit a sales order: header until shipped, lines while draft.",
                         extensions=allowed("orders.sales_order", "update"))
    async def sales_order_update(self, info: Info, input: Annotated[SalesOrderUpdateInput, strawberry.argument(description="What to change.")]) -> SalesOrderType:
        kwargs: dict[str, Any] = {
            "version": input.version, "priority": input.priority.value if input.priority else None,
            "customer_reference": input.customer_reference, "notes": input.notes,
            "lines": _line_dicts(input.lines) if input.lines is not None else None,
        }
        if input.requested_date is not strawberry.UNSET:
            kwargs["requested_date"] = input.requested_date
        o = await info.context.run(lambda s: services.update_sales_order(s, _id(input.id), **kwargs))
        return SalesOrderType.from_model(o)

    @strawberry.mutation(description="Confirm a draft order; production planning may refuse it.",
                         extensions=allowed("orders.sales_order", "confirm"))
    async def sales_order_confirm(self, info: Info, id: IdArg) -> SalesOrderType:
        return SalesOrderType.from_model(await info.context.run(services.confirm_sales_order, _id(id)))

    @strawberry.mutation(description="Cancel a draft or confirmed order with nothing shipped.",
                         extensions=allowed("orders.sales_order", "cancel"))
    async def sales_order_cancel(
        self, info: Info, id: IdArg,
        reason: Annotated[str, strawberry.argument(description="Why it is cancelled.")] = "",
    ) -> SalesOrderType:
        return SalesOrderType.from_model(
            await info.context.run(lambda s: services.cancel_sales_order(s, _id(id), reason=reason)))

    @strawberry.mutation(description="Close a fully shipped order (shipped → done).",
                         extensions=allowed("orders.sales_order", "close"))
    async def sales_order_close(self, info: Info, id: IdArg) -> SalesOrderType:
        return SalesOrderType.from_model(await info.context.run(services.close_sales_order, _id(id)))

    @strawberry.mutation(description="Ship open quantities of an order from stock: creates a draft stock shipment "
                                     "(confirm it with `shipmentConfirm`; the order follows when it is done).",
                         extensions=allowed("orders.sales_order", "ship"))
    async def sales_order_ship(self, info: Info, input: Annotated[SalesOrderShipInput, strawberry.argument(description="What to ship.")]) -> SalesOrderShipment:
        lines = None if input.lines is None else [
            {"line_id": _id(x.line_id, f"lines[{i}].lineId"), "quantity": x.quantity} for i, x in enumerate(input.lines)]

        def ship(session: Session) -> SalesOrderShipment:
            shipment = services.ship_sales_order(
                session, _id(input.order_id, "orderId"), lines,
                from_location_id=None if input.from_location_id is None else _id(input.from_location_id,
                                                                                  "fromLocationId"))
            rows = session.scalars(select(ShipmentLine).where(ShipmentLine.shipment_id == shipment.id)
                                   .order_by(ShipmentLine.id)).all()
            return SalesOrderShipment.from_model(shipment, rows)

        return await info.context.run(ship)


# --------------------------------------------------------------------------- fields on stock's types


async def product_order_lines(
    root: Any, info: Info,
    open_only: Annotated[bool, strawberry.argument(description="Only lines of open orders not fully shipped.")] = False,
) -> list[SalesOrderLineType]:
    """Sales order lines of a product (only those of orders you may see)."""
    if open_only:
        loader = info.context.batch("orders.open_lines_by_product", reports.open_lines_by_product)
    else:
        loader = info.context.batch("orders.lines_by_product", reports.lines_by_product)
    return [SalesOrderLineType.from_model(x) for x in await loader.load(_id(root.id))]


def order_lines_field() -> Any:
    """``Product.orderLines``, contributed onto stock's ``Product`` type (a fresh field per schema)."""
    return strawberry.field(resolver=product_order_lines, name="orderLines",
                            description="Sales order lines for this product (orders plugin; only orders you may see).")
