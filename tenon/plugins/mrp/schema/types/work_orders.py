"""Work order types: work orders, their operations and operation reports."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import strawberry
from strawberry.types import Info

from tenon.graphql.prefetch import Prefetch, direct
from tenon.plugins.stock import ProductType, product_now, product_prefetch

from ...models import OperationReport, WorkOrder, WorkOrderOperation
from ..loaders import history_by_work_order, num, operations_by_work_order, reports_by_operation
from .master import WorkCenterType, gid, load_work_center


@strawberry.enum(description="Where a work order is in its life cycle.")
class WorkOrderState(enum.Enum):
    DRAFT = strawberry.enum_value("draft", description="Planned; can change or be cancelled.")
    RELEASED = strawberry.enum_value("released", description="Materials requested, operations ready to start.")
    IN_PROGRESS = strawberry.enum_value("in_progress", description="Something was reported.")
    DONE = strawberry.enum_value("done", description="Finished.")
    CANCELLED = strawberry.enum_value("cancelled", description="Cancelled before production started.")


@strawberry.enum(description="Where a work order operation is.")
class OperationState(enum.Enum):
    PENDING = strawberry.enum_value("pending", description="Nothing released to it yet.")
    READY = strawberry.enum_value("ready", description="Quantity is waiting for it.")
    IN_PROGRESS = strawberry.enum_value("in_progress", description="Reported in part.")
    DONE = strawberry.enum_value("done", description="All its input is reported.")
    CANCELLED = strawberry.enum_value("cancelled", description="Not done (work order cancelled or finished short).")


@strawberry.enum(description="Which reports count for a work order.")
class CountingSource(enum.Enum):
    OPERATOR = strawberry.enum_value("operator", description="People on terminals or scanners.")
    MACHINE = strawberry.enum_value("machine", description="Machine signals from devices.")


@strawberry.type(name="OperationReport", description="One report (报工) on an operation.")
class OperationReportType:
    id: strawberry.ID = strawberry.field(description="Report id.")
    operation_id: strawberry.ID = strawberry.field(description="The work order operation.")
    source: CountingSource = strawberry.field(description="Person or machine.")
    good_quantity: Decimal = strawberry.field(description="Good quantity.")
    scrap_quantity: Decimal = strawberry.field(description="Scrapped quantity.")
    reason_code: str | None = strawberry.field(description="Why it was scrapped.")
    operator: str | None = strawberry.field(description="Who reported (the device's user for signals).")
    minutes: Decimal = strawberry.field(description="Duration in minutes.")
    ended_at: dt.datetime = strawberry.field(description="When the reported work ended.")
    lot_id: strawberry.ID | None = strawberry.field(description="Finished-goods lot received (last operation).")

    @classmethod
    def from_model(cls, m: OperationReport) -> OperationReportType:
        return cls(id=gid(m.id), operation_id=gid(m.operation_id), source=CountingSource(m.source),
                   good_quantity=num(m.good_quantity), scrap_quantity=num(m.scrap_quantity), reason_code=m.reason_code,
                   operator=m.operator, minutes=num(m.minutes), ended_at=m.ended_at, lot_id=gid(m.lot_id))


@strawberry.type(name="WorkOrderOperation", description="An operation of a work order, copied from the routing.")
class WorkOrderOperationType:
    id: strawberry.ID = strawberry.field(description="Operation id (report against it).")
    work_order_id: strawberry.ID = strawberry.field(description="Its work order.")
    sequence: int = strawberry.field(description="Order in the work order.")
    name: str = strawberry.field(description="Operation name.")
    state: OperationState = strawberry.field(description="Its state.")
    planned_minutes: Decimal = strawberry.field(description="Setup + minutes per unit × quantity.")
    good_quantity: Decimal = strawberry.field(description="Good quantity reported so far.")
    scrap_quantity: Decimal = strawberry.field(description="Scrap reported so far.")
    reported_minutes: Decimal = strawberry.field(description="Minutes reported so far.")
    inspection_required: bool = strawberry.field(description="Whether an inspection follows it.")
    blocked: bool = strawberry.field(description="On hold (e.g. an open in-process inspection).")
    _wc: strawberry.Private[int]

    @strawberry.field(description="Where it is done.")
    async def work_center(self, info: Info) -> WorkCenterType | None:
        return await load_work_center(info, self._wc)

    @strawberry.field(description="Its reports, oldest first.")
    async def reports(self, info: Info) -> list[OperationReportType]:
        rows = await info.context.batch("mrp.reports_by_operation", reports_by_operation).load(int(self.id))
        return [OperationReportType.from_model(r) for r in rows]

    @classmethod
    def from_model(cls, m: WorkOrderOperation) -> WorkOrderOperationType:
        return cls(id=gid(m.id), work_order_id=gid(m.work_order_id), sequence=m.sequence, name=m.name,
                   state=OperationState(m.state), planned_minutes=num(m.planned_minutes),
                   good_quantity=num(m.good_quantity), scrap_quantity=num(m.scrap_quantity),
                   reported_minutes=num(m.reported_minutes), inspection_required=m.inspection_required,
                   blocked=m.blocked, _wc=m.work_center_id)


@strawberry.type(description="A state change of a work order.")
class WorkOrderStateChangeType:
    from_state: str = strawberry.field(description="Previous state.")
    to_state: str = strawberry.field(description="New state.")
    actor: str | None = strawberry.field(description="Who changed it.")
    at: dt.datetime = strawberry.field(description="When.")


@strawberry.type(name="WorkOrder", description="A work order: make a quantity of a product.")
class WorkOrderType:
    id: strawberry.ID = strawberry.field(description="Work order id.")
    number: str = strawberry.field(description="Number, e.g. WO-2026-00017.")
    kind: str = strawberry.field(description="normal, rework or backorder.")
    state: WorkOrderState = strawberry.field(description="Its state.")
    product_id: strawberry.ID = strawberry.field(description="The product made.")
    quantity: Decimal = strawberry.field(description="Quantity to make.")
    produced_quantity: Decimal = strawberry.field(description="Received into stock so far.")
    scrap_quantity: Decimal = strawberry.field(description="Scrapped at any operation.")
    due_date: dt.date | None = strawberry.field(description="When it is due.")
    priority: int = strawberry.field(description="Higher first (sales order priority: urgent 30 … low 0).")
    counting_source: CountingSource = strawberry.field(description="Which reports count.")
    bom_id: strawberry.ID | None = strawberry.field(description="The BOM version it was released with.")
    routing_id: strawberry.ID | None = strawberry.field(description="The routing version it was released with.")
    requisition_id: strawberry.ID | None = strawberry.field(description="Its stock material requisition.")
    parent_id: strawberry.ID | None = strawberry.field(description="The work order it belongs to (made sub-assembly, rework, backorder).")
    origin_type: str | None = strawberry.field(description="What it was made for (`orders.sales_order`).")
    origin_id: strawberry.ID | None = strawberry.field(description="The sales order id.")
    origin_line_id: strawberry.ID | None = strawberry.field(description="The sales order line id.")
    lot_id: strawberry.ID | None = strawberry.field(description="Finished-goods lot (tracked products).")
    version: int = strawberry.field(description="Optimistic-lock version.")

    # operations and product are plain resolvers: ``workOrders`` loads them with its page
    # (WORK_ORDER_PREFETCH); anywhere else they go through the DataLoaders
    @strawberry.field(description="Its operations in order (those of your work centers for operators).")
    @direct
    def operations(self, info: Info) -> list[WorkOrderOperationType]:
        return OPERATIONS.load(info, int(self.id), _operations)

    @strawberry.field(description="State history, oldest first.")
    async def history(self, info: Info) -> list[WorkOrderStateChangeType]:
        rows = await info.context.batch("mrp.history_by_work_order", history_by_work_order).load(int(self.id))
        return [WorkOrderStateChangeType(from_state=r.from_state, to_state=r.to_state, actor=r.actor, at=r.created_at)
                for r in rows]

    @strawberry.field(description="The product made.")
    @direct
    def product(self, info: Info) -> ProductType | None:
        return product_now(info, int(self.product_id))

    @classmethod
    def from_model(cls, m: WorkOrder) -> WorkOrderType:
        return cls(id=gid(m.id), number=m.number, kind=m.kind, state=WorkOrderState(m.state), product_id=gid(m.product_id),
                   quantity=num(m.quantity), produced_quantity=num(m.produced_quantity),
                   scrap_quantity=num(m.scrap_quantity), due_date=m.due_date, priority=m.priority,
                   counting_source=CountingSource(m.counting_source), bom_id=gid(m.bom_id), routing_id=gid(m.routing_id),
                   requisition_id=gid(m.requisition_id), parent_id=gid(m.parent_id), origin_type=m.origin_type,
                   origin_id=gid(m.origin_id), origin_line_id=gid(m.origin_line_id), lot_id=gid(m.lot_id),
                   version=m.version)


@strawberry.type(description="What a machine signal did.")
class MachineSignalResult:
    duplicate: bool = strawberry.field(description="A replay of an earlier signal: nothing was counted again.")
    report: OperationReportType = strawberry.field(description="The report (the first one, for a replay).")


@strawberry.type(description="A line of a work center's dispatch list.")
class DispatchItem:
    operation: WorkOrderOperationType = strawberry.field(description="The ready or in-progress operation.")
    work_order: WorkOrderType = strawberry.field(description="Its work order.")
    available_quantity: Decimal = strawberry.field(description="What it may report now (released by the previous step).")


def _operations(rows: list[WorkOrderOperation]) -> list[WorkOrderOperationType]:
    return [WorkOrderOperationType.from_model(r) for r in rows]


OPERATIONS = Prefetch("mrp.operations_by_work_order", operations_by_work_order, lambda w: w.id)
#: the nested fields ``workOrders`` loads with its page when the query selects them
WORK_ORDER_PREFETCH = {"operations": OPERATIONS, "product": product_prefetch(lambda w: w.product_id)}
