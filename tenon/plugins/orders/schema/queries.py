"""Root query fields of the orders plugin: regions, customers, sales orders, order progress, the KPI.

Every read goes through ORM selects, so the actor's region scope applies to lists, ids,
nested fields, counts, the progress overview and the KPI alike.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

import strawberry
from sqlalchemy import or_, select
from strawberry.types import Info

from tenon.core.db import utcnow
from tenon.graphql.permissions import allowed
from tenon.graphql.prefetch import selected
from tenon.graphql.relay import Connection, OrderDirection, apply_order, paginate

from .. import reports
from ..services import customers, regions, sales_orders
from ..models import SALES_ORDER_COUNTER, Customer, Region, SalesOrder
from ._common import After, First, IdArg, _id
from .types.customers import CustomerType
from .types.enums import SalesOrderState
from .types.regions import RegionType
from .types.reports import CycleTimeBucket, DeliveryCycleTime, OrderProgressType
from .types.sales_orders import SALES_ORDER_COLUMNS, SALES_ORDER_PREFETCH, SalesOrderType



@strawberry.enum(description="What sales orders can be sorted by.")
class SalesOrderOrderField(enum.Enum):
    CREATED = strawberry.enum_value("created", description="Entry order (the id).")
    NUMBER = strawberry.enum_value("number", description="Order number.")
    ORDER_DATE = strawberry.enum_value("order_date", description="Order date.")
    REQUESTED_DATE = strawberry.enum_value("requested_date", description="Requested delivery date.")


@strawberry.input(description="How to sort sales orders.")
class SalesOrderOrder:
    field: SalesOrderOrderField = strawberry.field(default=SalesOrderOrderField.CREATED, description="Sort key.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC, description="Direction.")


@strawberry.input(description="Which sales orders to list; all given conditions must hold.")
class SalesOrderFilter:
    states: list[SalesOrderState] | None = strawberry.field(default=None, description="Only these states.")
    customer_id: strawberry.ID | None = strawberry.field(default=None, description="Only this customer's.")
    region_code: str | None = strawberry.field(default=None, description="Only this region and those under it.")
    search: str | None = strawberry.field(default=None, description="Part of the number or customer reference.")
    requested_before: dt.date | None = strawberry.field(
        default=None, description="Only orders requested for delivery before this day.")
    requested_from: dt.date | None = strawberry.field(
        default=None, description="Only orders requested for delivery on or after this day (with `requestedBefore`: a period).")


SALES_ORDER_ORDER_COLUMNS = {
    SalesOrderOrderField.CREATED: SalesOrder.id,
    SalesOrderOrderField.NUMBER: SalesOrder.number,
    SalesOrderOrderField.ORDER_DATE: SalesOrder.order_date,
    SalesOrderOrderField.REQUESTED_DATE: SalesOrder.requested_date,
}

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
            stmt = stmt.where(Customer.region_code.in_(regions.covered_region_codes([region_code])))
        return await paginate(info.context, stmt, first=first, after=after, convert=CustomerType.from_model)

    @strawberry.field(description="A customer by id (NOT_FOUND outside your regions).",
                      extensions=allowed("orders.customer", "read"))
    async def customer(self, info: Info, id: IdArg) -> CustomerType:
        return CustomerType.from_model(await info.context.run(customers.get_customer, _id(id)))

    @strawberry.field(description="Sales orders you may see (your regions), newest first.",
                      extensions=allowed("orders.sales_order", "read"))
    async def sales_orders(
        self, info: Info,
        filter: Annotated[SalesOrderFilter | None, strawberry.argument(description="Conditions on the orders.")] = None,
        order_by: Annotated[SalesOrderOrder | None, strawberry.argument(
            description="Sort order (default: newest first).")] = None,
        first: First = None, after: After = None,
    ) -> Connection[SalesOrderType]:
        stmt = apply_order(select(SalesOrder), order_by, SALES_ORDER_ORDER_COLUMNS, default=SalesOrderOrderField.CREATED,
                           tiebreaker=SalesOrder.id, default_direction=OrderDirection.DESC)
        f = filter or SalesOrderFilter()
        if f.states:
            stmt = stmt.where(SalesOrder.state.in_([s.value for s in f.states]))
        if f.customer_id is not None:
            stmt = stmt.where(SalesOrder.customer_id == _id(f.customer_id, "filter.customerId"))
        if f.region_code:
            stmt = stmt.where(SalesOrder.region_code.in_(regions.covered_region_codes([f.region_code])))
        if f.search:
            like = f"%{f.search.strip()}%"
            stmt = stmt.where(or_(SalesOrder.number.ilike(like), SalesOrder.customer_reference.ilike(like)))
        if f.requested_before is not None:
            stmt = stmt.where(SalesOrder.requested_date < f.requested_before)
        if f.requested_from is not None:
            stmt = stmt.where(SalesOrder.requested_date >= f.requested_from)
        # unfiltered: totalCount from the maintained per-region counter (paginate checks that
        # nothing narrowed the list, custom-field criteria included; otherwise it counts rows)
        return await paginate(info.context, stmt, first=first, after=after, convert=SalesOrderType.from_model,
                              prefetch=selected(info, SALES_ORDER_PREFETCH), counter=SALES_ORDER_COUNTER,
                              columns=SALES_ORDER_COLUMNS)

    @strawberry.field(description="A sales order by id (NOT_FOUND outside your regions).",
                      extensions=allowed("orders.sales_order", "read"))
    async def sales_order(self, info: Info, id: IdArg) -> SalesOrderType:
        return SalesOrderType.from_model(await info.context.run(sales_orders.get_sales_order, _id(id)))

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
        page = await paginate(info.context, reports.order_progress_query(region_code), first=first, after=after)
        orders: list[SalesOrder] = list(page.nodes)
        lines = await info.context.run(reports.lines_by_order, [o.id for o in orders])
        page.nodes = [OrderProgressType.from_progress(reports.progress_of(o, lines[o.id], day)) for o in orders]
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
