"""Root query fields of mrp: master data, explosion, work orders, dispatch, exceptions, capacity."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from tenon.core.errors import ValidationError
from tenon.core.ids import decode_id, get_record
from tenon.graphql.permissions import allowed
from tenon.graphql.prefetch import selected
from tenon.graphql.relay import Connection, paginate

from ..models import Bom, Operation, ProductionException, Routing, WorkCenter, WorkOrder, WorkOrderOperation
from ..services import boms, capacity, exceptions
from ..services._common import all_rows, dec
from .types.capacity import WorkCenterDayLoad
from .types.exceptions import ExceptionResponseTime, ExceptionKind, ProductionExceptionType
from .types.master import BomType, ExplodedComponent, OperationType, RoutingType, WorkCenterType
from .types.work_orders import WORK_ORDER_PREFETCH, DispatchItem, WorkOrderOperationType, WorkOrderState, WorkOrderType

First = Annotated[int | None, strawberry.argument(description="Page size.")]
After = Annotated[str | None, strawberry.argument(description="Cursor of the item before the page.")]
IdArg = Annotated[strawberry.ID, strawberry.argument(description="Record id.")]


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def _dispatch(session, work_center_id: strawberry.ID) -> list[DispatchItem]:
    wc = get_record(session, WorkCenter, work_center_id, field="workCenterId", what="work center")
    rows = session.execute(
        select(WorkOrderOperation, WorkOrder).join(WorkOrder, WorkOrder.id == WorkOrderOperation.work_order_id)
        .where(WorkOrderOperation.work_center_id == wc.id, WorkOrderOperation.state.in_(("ready", "in_progress")),
               WorkOrder.state.in_(("released", "in_progress")))
        .order_by(WorkOrder.due_date.is_(None), WorkOrder.due_date, WorkOrder.priority.desc(), WorkOrder.id,
                  WorkOrderOperation.sequence)).all()
    wo_ids = sorted({wo.id for _op, wo in rows})
    seq: dict[int, list[WorkOrderOperation]] = {}
    for o in all_rows(session, select(WorkOrderOperation).where(WorkOrderOperation.work_order_id.in_(wo_ids),
                                                                WorkOrderOperation.state != "cancelled")
                      .order_by(WorkOrderOperation.sequence)):
        seq.setdefault(o.work_order_id, []).append(o)
    out = []
    for op, wo in rows:
        ops = seq.get(wo.id, [])
        i = next(n for n, o in enumerate(ops) if o.id == op.id)
        given = dec(ops[i - 1].good_quantity) if i > 0 else dec(wo.quantity)
        left = given - dec(op.good_quantity) - dec(op.scrap_quantity)
        out.append(DispatchItem(operation=WorkOrderOperationType.from_model(op), work_order=WorkOrderType.from_model(wo),
                                available_quantity=left.normalize() if left else Decimal(0)))
    return out


@strawberry.type
class Query:
    @strawberry.field(description="Work centers, by code.", extensions=allowed("mrp.work_center", "read"))
    async def work_centers(self, info: Info, first: First = None, after: After = None) -> Connection[WorkCenterType]:
        return await paginate(info.context, select(WorkCenter).order_by(WorkCenter.code, WorkCenter.id),
                              first=first, after=after, convert=WorkCenterType.from_model)

    @strawberry.field(description="The operation library, by code.", extensions=allowed("mrp.operation_library", "read"))
    async def mrp_operations(self, info: Info, first: First = None, after: After = None) -> Connection[OperationType]:
        return await paginate(info.context, select(Operation).order_by(Operation.code, Operation.id),
                              first=first, after=after, convert=OperationType.from_model)

    @strawberry.field(description="A product's routing versions, newest first.", extensions=allowed("mrp.operation_library", "read"))
    async def routings(self, info: Info, product_id: Annotated[strawberry.ID, strawberry.argument(description="The product.")]) -> list[RoutingType]:
        pid = decode_id(product_id, "productId")
        rows = await info.context.run(lambda s: list(s.scalars(select(Routing).where(Routing.product_id == pid)
                                                               .order_by(Routing.version_no.desc()))))
        return [RoutingType.from_model(r) for r in rows]

    @strawberry.field(description="A product's BOM versions, newest first.", extensions=allowed("mrp.bom", "read"))
    async def boms(self, info: Info, product_id: Annotated[strawberry.ID, strawberry.argument(description="The product.")]) -> list[BomType]:
        pid = decode_id(product_id, "productId")
        rows = await info.context.run(lambda s: list(s.scalars(select(Bom).where(Bom.product_id == pid)
                                                               .order_by(Bom.version_no.desc()))))
        return [BomType.from_model(r) for r in rows]

    @strawberry.field(description="The components to issue for a quantity of a product (its active BOM, flattened "
                      "through phantoms; a cycle is VALIDATION naming the path).", extensions=allowed("mrp.bom", "read"))
    async def bom_explosion(
        self, info: Info, product_id: Annotated[strawberry.ID, strawberry.argument(description="The product.")],
        quantity: Annotated[Decimal, strawberry.argument(description="How many to make.")] = Decimal(1),
    ) -> list[ExplodedComponent]:
        lines = await info.context.run(lambda s: boms.explode(s, product_id, quantity))
        return [ExplodedComponent.from_line(x) for x in lines]

    @strawberry.field(description="Work orders, newest first.", extensions=allowed("mrp.work_order", "read"))
    async def work_orders(
        self, info: Info, first: First = None, after: After = None,
        states: Annotated[list[WorkOrderState] | None, strawberry.argument(description="Only these states.")] = None,
        origin_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only those made for this sales order.")] = None,
        parent_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only those linked to this work order.")] = None,
    ) -> Connection[WorkOrderType]:
        stmt = select(WorkOrder).order_by(WorkOrder.id.desc())
        if states:
            stmt = stmt.where(WorkOrder.state.in_([s.value for s in states]))
        if origin_id is not None:
            stmt = stmt.where(WorkOrder.origin_id == decode_id(origin_id, "originId"))
        if parent_id is not None:
            stmt = stmt.where(WorkOrder.parent_id == decode_id(parent_id, "parentId"))
        return await paginate(info.context, stmt, first=first, after=after, convert=WorkOrderType.from_model,
                              prefetch=selected(info, WORK_ORDER_PREFETCH))

    @strawberry.field(description="One work order.", extensions=allowed("mrp.work_order", "read"))
    async def work_order(self, info: Info, id: IdArg) -> WorkOrderType:
        return WorkOrderType.from_model(await info.context.run(lambda s: get_record(s, WorkOrder, id, what="work order")))

    @strawberry.field(description="A work center's ready and in-progress operations by due date, then priority: an "
                      "operator terminal's current tasks.", extensions=allowed("mrp.operation", "read"))
    async def dispatch_list(self, info: Info, work_center_id: Annotated[strawberry.ID, strawberry.argument(
            description="The work center.")]) -> list[DispatchItem]:
        return await info.context.run(_dispatch, work_center_id)

    @strawberry.field(description="Production exceptions, newest first.", extensions=allowed("mrp.exception", "read"))
    async def production_exceptions(
        self, info: Info, first: First = None, after: After = None,
        open_only: Annotated[bool, strawberry.argument(description="Only open or acknowledged ones.")] = False,
        past_sla: Annotated[bool, strawberry.argument(description="Only unacknowledged ones past their due time.")] = False,
        type: Annotated[ExceptionKind | None, strawberry.argument(description="Only this kind.")] = None,
    ) -> Connection[ProductionExceptionType]:
        stmt = select(ProductionException).order_by(ProductionException.id.desc())
        if open_only:
            stmt = stmt.where(ProductionException.state != "resolved")
        if past_sla:
            stmt = stmt.where(ProductionException.state == "open", ProductionException.due_at <= dt.datetime.now(dt.UTC))
        if type is not None:
            stmt = stmt.where(ProductionException.type == type.value)
        return await paginate(info.context, stmt, first=first, after=after, convert=ProductionExceptionType.from_model)

    @strawberry.field(description="Minutes from report to first response (average, p90) by type and work center, "
                      "for exceptions reported from `from` to `to` (inclusive days).",
                      extensions=allowed("mrp.capacity", "read"))
    async def exception_response_time(
        self, info: Info, from_: Annotated[dt.date, strawberry.argument(name="from", description="First day.")],
        to: Annotated[dt.date, strawberry.argument(description="Last day.")],
    ) -> list[ExceptionResponseTime]:
        if to >= dt.date.max or to < from_:
            raise ValidationError("to must be on or after from, and before 9999-12-31", field="to")
        rows = await info.context.run(lambda s: exceptions.response_time(s, _start(from_), _start(to + dt.timedelta(days=1))))
        return [ExceptionResponseTime(type=ExceptionKind(r.type), work_center_id=strawberry.ID(str(r.work_center_id)),
                                      count=r.count, responded=r.responded, average_minutes=r.average_minutes,
                                      p90_minutes=r.p90_minutes, open_past_sla=r.open_past_sla) for r in rows]

    @strawberry.field(description="Per work center and day: available, planned and reported hours, load and "
                      "utilisation (constant SQL statements).", extensions=allowed("mrp.capacity", "read"))
    async def work_center_load(
        self, info: Info, from_: Annotated[dt.date, strawberry.argument(name="from", description="First day.")],
        to: Annotated[dt.date, strawberry.argument(description="Last day (at most a year later).")],
    ) -> list[WorkCenterDayLoad]:
        rows = await info.context.run(lambda s: capacity.work_center_load(s, from_, to))
        return [WorkCenterDayLoad.from_row(r) for r in rows]
