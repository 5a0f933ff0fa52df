"""Root query fields of rework: rework orders, causes, responsibility statistics."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from tenon.core.ids import decode_id, get_record
from tenon.graphql.permissions import allowed
from tenon.graphql.relay import Connection, paginate

from ..models import ReworkCause, ReworkOrder
from ..services.stats import rework_stats
from .inputs import ReworkOrderFilter
from .types.rework_orders import ReworkCauseType, ReworkOrderType
from .types.stats import ReworkStats

First = Annotated[int | None, strawberry.argument(description="Page size.")]
After = Annotated[str | None, strawberry.argument(description="Cursor of the item before the page.")]


@strawberry.type
class Query:
    @strawberry.field(description="Rework orders, newest first.", extensions=allowed("rework.order", "read"))
    async def rework_orders(
        self, info: Info,
        filter: Annotated[ReworkOrderFilter | None, strawberry.argument(description="Conditions.")] = None,
        first: First = None, after: After = None,
    ) -> Connection[ReworkOrderType]:
        stmt = select(ReworkOrder).order_by(ReworkOrder.id.desc())
        f = filter or ReworkOrderFilter()
        if f.state is not None:
            stmt = stmt.where(ReworkOrder.state == f.state.value)
        if f.product_id is not None:
            stmt = stmt.where(ReworkOrder.product_id == decode_id(f.product_id, "filter.productId"))
        if f.sales_order_id is not None:
            stmt = stmt.where(ReworkOrder.sales_order_id == decode_id(f.sales_order_id, "filter.salesOrderId"))
        if f.cause_id is not None:
            stmt = stmt.where(ReworkOrder.cause_id == decode_id(f.cause_id, "filter.causeId"))
        return await paginate(info.context, stmt, first=first, after=after, convert=ReworkOrderType.from_model)

    @strawberry.field(description="One rework order.", extensions=allowed("rework.order", "read"))
    async def rework_order(self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description="Rework order id.")]) -> ReworkOrderType:
        ro = await info.context.run(lambda s: get_record(s, ReworkOrder, id, what="rework order"))
        return ReworkOrderType.from_model(ro)

    @strawberry.field(description="Cause categories by code (active ones unless includeRetired).",
                      extensions=allowed("rework.cause", "read"))
    async def rework_causes(self, info: Info, include_retired: Annotated[bool, strawberry.argument(
            description="Also the retired ones.")] = False) -> list[ReworkCauseType]:
        stmt = select(ReworkCause).order_by(ReworkCause.code)
        if not include_retired:
            stmt = stmt.where(ReworkCause.active.is_(True))
        rows = await info.context.run(lambda s: list(s.scalars(stmt)))
        return [ReworkCauseType.from_model(c) for c in rows]

    @strawberry.field(description="Responsibility statistics of rework orders opened from `from` to `to` (UTC days, "
                      "at most 366): count, quantity, hours and material cost by cause, work center, operation and "
                      "operator (only rework orders you may see).", extensions=allowed("rework.stats", "read"))
    async def rework_stats(
        self, info: Info,
        from_: Annotated[dt.date, strawberry.argument(name="from", description="First day (UTC, included).")],
        to: Annotated[dt.date, strawberry.argument(description="Last day (UTC, included).")],
    ) -> ReworkStats:
        return ReworkStats.of(await info.context.run(rework_stats, from_, to))
