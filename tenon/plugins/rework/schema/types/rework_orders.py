"""Rework order types: causes, rework orders with their responsibility, material and progress."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import strawberry
from strawberry.types import Info

from tenon.plugins.stock import ProductType, load_product

from ...models import ReworkCause, ReworkMaterial, ReworkOrder
from ..loaders import (
    causes_by_id,
    issued_by_requisition,
    materials_by_order,
    minutes_by_work_order,
    num,
    work_orders_by_id,
)


def gid(value: int | None) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


@strawberry.enum(description="Where a rework order is in its life cycle.")
class ReworkOrderState(enum.Enum):
    OPEN = strawberry.enum_value("open", description="Opened; responsibility, operations and material can change.")
    IN_REWORK = strawberry.enum_value("in_rework", description="Its rework work order is released.")
    PASSED = strawberry.enum_value("passed", description="The re-inspection passed; the work order is not finished yet.")
    FAILED = strawberry.enum_value("failed", description="The re-inspection failed (its nonconformance decides what next).")
    DONE = strawberry.enum_value("done", description="Passed and its work order finished.")
    CANCELLED = strawberry.enum_value("cancelled", description="Cancelled.")


@strawberry.enum(description="What a rework order was opened from.")
class ReworkSource(enum.Enum):
    NONCONFORMANCE = strawberry.enum_value("nonconformance", description="A nonconformance disposed `rework` (qc).")
    WORK_ORDER = strawberry.enum_value("work_order", description="By hand, from a work order.")
    LOT = strawberry.enum_value("lot", description="By hand, from a lot.")
    CUSTOMER_RETURN = strawberry.enum_value("customer_return", description="A customer returned part of a shipped sales order line.")


@strawberry.type(name="ReworkCause", description="A cause category of rework, kept by the quality manager.")
class ReworkCauseType:
    id: strawberry.ID = strawberry.field(description="Cause id.")
    code: str = strawberry.field(description="Unique code (`WELD`).")
    name: str = strawberry.field(description="Name.")
    description: str = strawberry.field(description="What it covers.")
    active: bool = strawberry.field(description="Whether new rework orders may name it.")

    @classmethod
    def from_model(cls, m: ReworkCause) -> ReworkCauseType:
        return cls(id=gid(m.id), code=m.code, name=m.name, description=m.description, active=m.active)


@strawberry.type(name="ReworkMaterial", description="Repair material of a rework order (asked for through a stock requisition).")
class ReworkMaterialType:
    product_id: strawberry.ID = strawberry.field(description="The material.")
    quantity: Decimal = strawberry.field(description="Quantity asked for.")
    unit_cost: Decimal = strawberry.field(description="Cost of one unit (for the statistics).")

    @strawberry.field(description="The material (stock `Product`).")
    async def product(self, info: Info) -> ProductType | None:
        return await load_product(info, int(self.product_id))

    @classmethod
    def from_model(cls, m: ReworkMaterial) -> ReworkMaterialType:
        return cls(product_id=gid(m.product_id), quantity=num(m.quantity), unit_cost=num(m.unit_cost))


@strawberry.type(description="Who and what is held responsible for a rework.")
class ReworkResponsibility:
    operation_id: strawberry.ID | None = strawberry.field(description="The library operation (mrp) held responsible.")
    work_center_id: strawberry.ID | None = strawberry.field(description="The work center (mrp) held responsible.")
    operator: str | None = strawberry.field(description="Username of the operator held responsible.")
    supplier_lot_id: strawberry.ID | None = strawberry.field(description="The supplier's lot (stock) held responsible.")
    notes: str = strawberry.field(description="Notes.")
    _cause_id: strawberry.Private[int | None]

    @strawberry.field(description="The cause category.")
    async def cause(self, info: Info) -> ReworkCauseType | None:
        if self._cause_id is None:
            return None
        c = await info.context.batch("rework.causes_by_id", causes_by_id).load(self._cause_id)
        return ReworkCauseType.from_model(c) if c is not None else None


@strawberry.type(name="ReworkOrder", description="Rework of a quantity of a product, traced to the original order, "
                 "with the responsibility and its re-inspection.")
class ReworkOrderType:
    id: strawberry.ID = strawberry.field(description="Rework order id.")
    number: str = strawberry.field(description="Number, e.g. `RW-2026-00003`.")
    state: ReworkOrderState = strawberry.field(description="Its state.")
    source: ReworkSource = strawberry.field(description="What it was opened from.")
    product_id: strawberry.ID = strawberry.field(description="The product reworked.")
    quantity: Decimal = strawberry.field(description="Quantity to rework.")
    passed_quantity: Decimal = strawberry.field(description="Quantity the re-inspection passed.")
    lot_id: strawberry.ID | None = strawberry.field(description="The (original) lot reworked.")
    location_id: strawberry.ID = strawberry.field(description="Where the goods wait for the rework (returns location for a customer return).")
    due_date: dt.date | None = strawberry.field(description="When it is due.")
    original_work_order_id: strawberry.ID | None = strawberry.field(description="The original work order (mrp).")
    inspection_id: strawberry.ID | None = strawberry.field(description="The failed inspection (qc) it came from.")
    nonconformance_id: strawberry.ID | None = strawberry.field(description="The nonconformance (qc) it carries out.")
    sales_order_id: strawberry.ID | None = strawberry.field(description="The original sales order (orders).")
    sales_order_line_id: strawberry.ID | None = strawberry.field(description="The original sales order line (orders).")
    region_code: str | None = strawberry.field(description="The sales order's region.")
    parent_id: strawberry.ID | None = strawberry.field(description="The rework order whose re-inspection failed before this one.")
    operation_ids: list[strawberry.ID] | None = strawberry.field(description="Library operations to redo; null: all of the routing.")
    work_order_id: strawberry.ID | None = strawberry.field(description="The rework work order (mrp, kind `rework`), from release on.")
    requisition_id: strawberry.ID | None = strawberry.field(description="The repair material requisition (stock).")
    reinspection_id: strawberry.ID | None = strawberry.field(description="The re-inspection (qc's final inspection of the rework work order).")
    responsibility: ReworkResponsibility = strawberry.field(description="Who and what is held responsible.")
    released_at: dt.datetime | None = strawberry.field(description="When it was released.")
    passed_at: dt.datetime | None = strawberry.field(description="When the re-inspection passed.")
    cancel_reason: str = strawberry.field(description="Why it was cancelled.")
    created_at: dt.datetime = strawberry.field(description="When it was opened.")
    created_by: str | None = strawberry.field(description="Who opened it.")
    version: int = strawberry.field(description="Optimistic-lock version.")
    _wo: strawberry.Private[int | None]
    _req: strawberry.Private[int | None]
    _id: strawberry.Private[int]

    @strawberry.field(description="The product reworked.")
    async def product(self, info: Info) -> ProductType | None:
        return await load_product(info, int(self.product_id))

    @strawberry.field(description="Repair material.")
    async def materials(self, info: Info) -> list[ReworkMaterialType]:
        rows = await info.context.batch("rework.materials_by_order", materials_by_order).load(self._id)
        return [ReworkMaterialType.from_model(m) for m in rows]

    @strawberry.field(description="Number of the rework work order.")
    async def work_order_number(self, info: Info) -> str | None:
        if self._wo is None:
            return None
        wo = await info.context.batch("rework.work_orders_by_id", work_orders_by_id).load(self._wo)
        return wo.number if wo is not None else None

    @strawberry.field(description="State of the rework work order (mrp's work order states).")
    async def work_order_state(self, info: Info) -> str | None:
        if self._wo is None:
            return None
        wo = await info.context.batch("rework.work_orders_by_id", work_orders_by_id).load(self._wo)
        return wo.state if wo is not None else None

    @strawberry.field(description="Hours reported on the rework work order's operations.")
    async def hours(self, info: Info) -> Decimal:
        if self._wo is None:
            return Decimal(0)
        minutes = await info.context.batch("rework.minutes_by_work_order", minutes_by_work_order).load(self._wo)
        return (minutes / 60).quantize(Decimal("0.01"))

    @strawberry.field(description="Cost of the repair material issued so far (issued quantity × unit cost).")
    async def material_cost(self, info: Info) -> Decimal:
        if self._req is None:
            return Decimal(0)
        issued = await info.context.batch("rework.issued_by_requisition", issued_by_requisition).load(self._req)
        rows = await info.context.batch("rework.materials_by_order", materials_by_order).load(self._id)
        price = {m.product_id: Decimal(str(m.unit_cost)) for m in rows}
        return num(sum((q * price.get(p, Decimal(0)) for p, q in issued.items()), Decimal(0)))

    @classmethod
    def from_model(cls, m: ReworkOrder) -> ReworkOrderType:
        return cls(
            id=gid(m.id), number=m.number, state=ReworkOrderState(m.state), source=ReworkSource(m.source),
            product_id=gid(m.product_id), quantity=num(m.quantity), passed_quantity=num(m.passed_quantity),
            lot_id=gid(m.lot_id), location_id=gid(m.location_id), due_date=m.due_date,
            original_work_order_id=gid(m.original_work_order_id), inspection_id=gid(m.inspection_id),
            nonconformance_id=gid(m.nonconformance_id), sales_order_id=gid(m.sales_order_id),
            sales_order_line_id=gid(m.sales_order_line_id), region_code=m.region_code, parent_id=gid(m.parent_id),
            operation_ids=[gid(o) for o in m.operation_ids] if m.operation_ids is not None else None,
            work_order_id=gid(m.work_order_id), requisition_id=gid(m.requisition_id),
            reinspection_id=gid(m.reinspection_id),
            responsibility=ReworkResponsibility(
                operation_id=gid(m.responsible_operation_id), work_center_id=gid(m.responsible_work_center_id),
                operator=m.responsible_operator, supplier_lot_id=gid(m.responsible_supplier_lot_id), notes=m.notes,
                _cause_id=m.cause_id),
            released_at=m.released_at, passed_at=m.passed_at, cancel_reason=m.cancel_reason,
            created_at=m.created_at, created_by=m.created_by, version=m.version,
            _wo=m.work_order_id, _req=m.requisition_id, _id=m.id,
        )
