"""GraphQL output types of the orders plugin: order progress and the delivery cycle time KPI."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.types import Info

from tenon.plugins.stock import load_product

from ... import reports
from .._common import _gid
from .enums import SalesOrderPriority, SalesOrderState


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
        p = await load_product(info, self._product_id)
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


# Types this module names in annotations; imported last, as they name this module's types too.
from .sales_orders import SalesOrderType  # noqa: E402
