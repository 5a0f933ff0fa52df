"""Root mutation fields of mrp (one transaction each)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from tenon.core.ids import decode_id, get_record
from tenon.graphql.permissions import allowed
from tenon.plugins.stock import Product

from ..models import ProductSetting
from ..services import boms, exceptions, library, reporting, work_centers, work_orders
from .inputs import (
    BomCreateInput,
    ExceptionReportInput,
    ExceptionRuleInput,
    OperationCreateInput,
    OperationReportInput,
    OperationSignalInput,
    RoutingCreateInput,
    WorkCenterCreateInput,
    WorkCenterUpdateInput,
    WorkOrderCreateInput,
)
from .types.exceptions import ProductionExceptionType
from .types.master import BomType, OperationType, RoutingType, WorkCenterType
from .types.work_orders import CountingSource, MachineSignalResult, OperationReportType, WorkOrderType

IdArg = Annotated[strawberry.ID, strawberry.argument(description="Record id.")]


def _opt(value: strawberry.ID | None, field: str) -> int | None:
    return decode_id(value, field) if value is not None else None


def _set_mto(session, product_id: strawberry.ID, make_to_order: bool) -> bool:
    product = get_record(session, Product, product_id, field="productId", what="product")
    row = session.scalar(select(ProductSetting).where(ProductSetting.product_id == product.id))
    if row is None:
        row = ProductSetting(product_id=product.id)
        session.add(row)
    row.make_to_order = make_to_order
    session.flush()
    return row.make_to_order


def _wo(fn):
    return lambda *a, **k: WorkOrderType.from_model(fn(*a, **k))


def _exc(fn):
    return lambda *a, **k: ProductionExceptionType.from_model(fn(*a, **k))


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Create a work center.", extensions=allowed("mrp.work_center", "manage"))
    async def work_center_create(self, info: Info, input: Annotated[WorkCenterCreateInput, strawberry.argument(description="The work center.")]) -> WorkCenterType:
        i = input
        wc = await info.context.run(lambda s: work_centers.create_work_center(
            s, code=i.code, name=i.name, working_days=i.working_days, hours_per_day=i.hours_per_day,
            downtime=i.downtime, capacity=i.capacity, lead_username=i.lead_username,
            supply_location_id=_opt(i.supply_location_id, "supplyLocationId")))
        return WorkCenterType.from_model(wc)

    @strawberry.mutation(description="Change a work center's name, calendar, capacity or lead.",
                         extensions=allowed("mrp.work_center", "manage"))
    async def work_center_update(self, info: Info, input: Annotated[WorkCenterUpdateInput, strawberry.argument(description="The changes.")]) -> WorkCenterType:
        i = input
        wc = await info.context.run(lambda s: work_centers.update_work_center(
            s, i.id, name=i.name, working_days=i.working_days, hours_per_day=i.hours_per_day, downtime=i.downtime,
            capacity=i.capacity, lead_username=i.lead_username))
        return WorkCenterType.from_model(wc)

    @strawberry.mutation(description="Add an operation to the library.", extensions=allowed("mrp.operation_library", "manage"))
    async def mrp_operation_create(self, info: Info, input: Annotated[OperationCreateInput, strawberry.argument(description="The operation.")]) -> OperationType:
        i = input
        op = await info.context.run(lambda s: library.create_operation(
            s, code=i.code, name=i.name, work_center_id=i.work_center_id, minutes_per_unit=i.minutes_per_unit,
            setup_minutes=i.setup_minutes, instructions=i.instructions, inspection_required=i.inspection_required))
        return OperationType.from_model(op)

    @strawberry.mutation(description="Create a routing version for a product.", extensions=allowed("mrp.operation_library", "manage"))
    async def routing_create(self, info: Info, input: Annotated[RoutingCreateInput, strawberry.argument(description="The routing.")]) -> RoutingType:
        i = input
        r = await info.context.run(lambda s: library.create_routing(
            s, product_id=i.product_id, activate=i.activate,
            steps=[{"operation_id": st.operation_id, "work_center_id": st.work_center_id} for st in i.steps]))
        return RoutingType.from_model(r)

    @strawberry.mutation(description="Make a routing version the product's active one.", extensions=allowed("mrp.operation_library", "manage"))
    async def routing_activate(self, info: Info, id: IdArg) -> RoutingType:
        return RoutingType.from_model(await info.context.run(lambda s: library.activate_routing(s, id)))

    @strawberry.mutation(description="Create a BOM version for a product.", extensions=allowed("mrp.bom", "manage"))
    async def bom_create(self, info: Info, input: Annotated[BomCreateInput, strawberry.argument(description="The BOM.")]) -> BomType:
        i = input
        b = await info.context.run(lambda s: boms.create_bom(
            s, product_id=i.product_id, activate=i.activate,
            lines=[{"component_id": ln.component_id, "quantity": ln.quantity, "scrap_factor": ln.scrap_factor,
                    "kind": ln.kind.value} for ln in i.lines]))
        return BomType.from_model(b)

    @strawberry.mutation(description="Make a BOM version the product's active one.", extensions=allowed("mrp.bom", "manage"))
    async def bom_activate(self, info: Info, id: IdArg) -> BomType:
        return BomType.from_model(await info.context.run(lambda s: boms.activate_bom(s, id)))

    @strawberry.mutation(description="Flag a product made to order: a confirmed sales order line of it gets a work "
                         "order (with orders installed). Returns the flag.", extensions=allowed("mrp.bom", "manage"))
    async def product_mrp_setting_set(
        self, info: Info, product_id: Annotated[strawberry.ID, strawberry.argument(description="The product.")],
        make_to_order: Annotated[bool, strawberry.argument(description="Made to order.")],
    ) -> bool:
        return await info.context.run(_set_mto, product_id, make_to_order)

    @strawberry.mutation(description="Create a draft work order.", extensions=allowed("mrp.work_order", "manage"))
    async def work_order_create(self, info: Info, input: Annotated[WorkOrderCreateInput, strawberry.argument(description="The work order.")]) -> WorkOrderType:
        i = input
        return await info.context.run(_wo(lambda s: work_orders.create_work_order(
            s, product_id=i.product_id, quantity=i.quantity, due_date=i.due_date, priority=i.priority,
            counting_source=i.counting_source.value)))

    @strawberry.mutation(description="Release a draft work order: BOM explosion → an approved stock requisition, "
                         "operations from the active routing.", extensions=allowed("mrp.work_order", "manage"))
    async def work_order_release(self, info: Info, id: IdArg) -> WorkOrderType:
        return await info.context.run(_wo(work_orders.release_work_order), id)

    @strawberry.mutation(description="Cancel a draft or released work order.", extensions=allowed("mrp.work_order", "manage"))
    async def work_order_cancel(self, info: Info, id: IdArg, reason: Annotated[str, strawberry.argument(description="Why.")] = "") -> WorkOrderType:
        return await info.context.run(_wo(work_orders.cancel_work_order), id, reason)

    @strawberry.mutation(description="Finish a work order in progress (qc may veto); with `backorder` the rest gets "
                         "a backorder work order.", extensions=allowed("mrp.work_order", "manage"))
    async def work_order_finish(self, info: Info, id: IdArg, backorder: Annotated[bool, strawberry.argument(
            description="Create a backorder for the quantity not produced.")] = False) -> WorkOrderType:
        return await info.context.run(_wo(lambda s: work_orders.finish_work_order(s, id, backorder=backorder)))

    @strawberry.mutation(description="Say which reports count for a work order: operators' or machines'.",
                         extensions=allowed("mrp.work_order", "manage"))
    async def work_order_set_counting_source(self, info: Info, id: IdArg, counting_source: Annotated[
            CountingSource, strawberry.argument(description="The source that counts.")]) -> WorkOrderType:
        return await info.context.run(_wo(work_orders.set_counting_source), id, counting_source.value)

    @strawberry.mutation(description="Report good and scrap quantity on an operation of your work center (报工).",
                         extensions=allowed("mrp.operation", "report"))
    async def work_order_operation_report(self, info: Info, input: Annotated[OperationReportInput, strawberry.argument(description="The report.")]) -> OperationReportType:
        i = input
        r = await info.context.run(lambda s: reporting.report_operation(
            s, i.operation_id, good=i.good, scrap=i.scrap, reason_code=i.reason_code, minutes=i.minutes,
            started_at=i.started_at, ended_at=i.ended_at, source="operator"))
        return OperationReportType.from_model(r.report)

    @strawberry.mutation(description="A device's signal: operation done for a work order at its work center; a replay "
                         "of the same idempotency key counts once.", extensions=allowed("mrp.operation", "signal"))
    async def work_order_operation_signal(self, info: Info, input: Annotated[OperationSignalInput, strawberry.argument(description="The signal.")]) -> MachineSignalResult:
        i = input
        r = await info.context.run(lambda s: reporting.machine_signal(
            s, work_order_id=i.work_order_id, quantity=i.quantity, key=i.idempotency_key, scrap=i.scrap,
            reason_code=i.reason_code))
        return MachineSignalResult(duplicate=r.duplicate, report=OperationReportType.from_model(r.report))

    @strawberry.mutation(description="Report a production exception (异常上报); it is assigned at once.",
                         extensions=allowed("mrp.exception", "create"))
    async def production_exception_report(self, info: Info, input: Annotated[ExceptionReportInput, strawberry.argument(description="The exception.")]) -> ProductionExceptionType:
        i = input
        return await info.context.run(_exc(lambda s: exceptions.report_exception(
            s, work_order_id=i.work_order_id, operation_id=i.operation_id, type=i.type.value, description=i.description)))

    @strawberry.mutation(description="Acknowledge an exception (its first response).", extensions=allowed("mrp.exception", "respond"))
    async def production_exception_respond(self, info: Info, id: IdArg) -> ProductionExceptionType:
        return await info.context.run(_exc(exceptions.respond_exception), id)

    @strawberry.mutation(description="Resolve an exception.", extensions=allowed("mrp.exception", "respond"))
    async def production_exception_resolve(self, info: Info, id: IdArg, resolution: Annotated[str, strawberry.argument(
            description="How it was resolved.")]) -> ProductionExceptionType:
        return await info.context.run(_exc(exceptions.resolve_exception), id, resolution)

    @strawberry.mutation(description="Give an exception to someone else.", extensions=allowed("mrp.exception", "respond"))
    async def production_exception_reassign(self, info: Info, id: IdArg, username: Annotated[str, strawberry.argument(
            description="The new assignee.")]) -> ProductionExceptionType:
        return await info.context.run(_exc(exceptions.reassign_exception), id, username)

    @strawberry.mutation(description="Escalate every unacknowledged exception past its SLA to the next person in its "
                         "chain (run by a scheduler, or `tenon mrp escalate`).", extensions=allowed("mrp.exception", "respond"))
    async def production_exceptions_escalate(self, info: Info) -> list[ProductionExceptionType]:
        rows = await info.context.run(exceptions.escalate_overdue)
        return [ProductionExceptionType.from_model(e) for e in rows]

    @strawberry.mutation(description="Set who answers an exception type (at a work center or everywhere) and the SLA.",
                         extensions=allowed("mrp.exception", "manage"))
    async def exception_rule_set(self, info: Info, input: Annotated[ExceptionRuleInput, strawberry.argument(description="The rule.")]) -> bool:
        i = input
        await info.context.run(lambda s: exceptions.set_rule(s, type=i.type.value, chain=i.chain, sla_minutes=i.sla_minutes,
                                                             work_center_id=i.work_center_id))
        return True
