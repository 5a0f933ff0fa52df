"""Master data types: work centers, the operation library, routings, BOMs, BOM explosion."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import strawberry
from strawberry.types import Info

from tenon.plugins.stock import ProductType, load_product

from ...models import Bom, Operation, Routing, WorkCenter
from ..loaders import lines_by_bom, num, steps_by_routing, work_center_by_id


def gid(value: int | None) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


@strawberry.type(name="WorkCenter", description="A machine group or line with its calendar, capacity and lead.")
class WorkCenterType:
    id: strawberry.ID = strawberry.field(description="Work center id.")
    code: str = strawberry.field(description="Unique code (operators' and devices' `work_centers` attribute).")
    name: str = strawberry.field(description="Name.")
    working_days: list[int] = strawberry.field(description="Working weekdays, 1 = Monday … 7 = Sunday.")
    hours_per_day: Decimal = strawberry.field(description="Working hours on a working day.")
    downtime: list[dt.date] = strawberry.field(description="Planned downtime days (no capacity).")
    capacity: Decimal = strawberry.field(description="Machine-hours per calendar hour (2 = two machines).")
    lead_username: str | None = strawberry.field(description="The lead, notified of new work and exceptions.")
    active: bool = strawberry.field(description="Whether it takes work.")

    @classmethod
    def from_model(cls, m: WorkCenter) -> WorkCenterType:
        return cls(id=gid(m.id), code=m.code, name=m.name, working_days=list(m.working_days or []),
                   hours_per_day=num(m.hours_per_day), downtime=[dt.date.fromisoformat(d) for d in m.downtime or []],
                   capacity=num(m.capacity), lead_username=m.lead_username, active=m.active)


async def load_work_center(info: Info, work_center_id: int) -> WorkCenterType | None:
    wc = await info.context.batch("mrp.work_center_by_id", work_center_by_id).load(work_center_id)
    return WorkCenterType.from_model(wc) if wc else None


@strawberry.type(name="MrpOperation", description="An operation of the operation library (工序库).")
class OperationType:
    id: strawberry.ID = strawberry.field(description="Operation id.")
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Name.")
    minutes_per_unit: Decimal = strawberry.field(description="Standard minutes per unit.")
    setup_minutes: Decimal = strawberry.field(description="Setup minutes per work order.")
    instructions: str = strawberry.field(description="Work instructions.")
    inspection_required: bool = strawberry.field(description="Whether an inspection follows it.")
    _wc: strawberry.Private[int]

    @strawberry.field(description="Its default work center.")
    async def work_center(self, info: Info) -> WorkCenterType | None:
        return await load_work_center(info, self._wc)

    @classmethod
    def from_model(cls, m: Operation) -> OperationType:
        return cls(id=gid(m.id), code=m.code, name=m.name, minutes_per_unit=num(m.minutes_per_unit),
                   setup_minutes=num(m.setup_minutes), instructions=m.instructions,
                   inspection_required=m.inspection_required, _wc=m.work_center_id)


@strawberry.type(description="One step of a routing.")
class RoutingStepType:
    sequence: int = strawberry.field(description="Order in the routing (10, 20, …).")
    operation_id: strawberry.ID = strawberry.field(description="The library operation.")
    work_center_id: strawberry.ID = strawberry.field(description="Where it is done.")


@strawberry.type(name="Routing", description="A versioned, ordered list of operations for a product.")
class RoutingType:
    id: strawberry.ID = strawberry.field(description="Routing id.")
    product_id: strawberry.ID = strawberry.field(description="The product it makes.")
    version_no: int = strawberry.field(description="Version, 1, 2, … per product.")
    active: bool = strawberry.field(description="Whether new work orders use it (one per product).")

    @strawberry.field(description="Its steps in order.")
    async def steps(self, info: Info) -> list[RoutingStepType]:
        rows = await info.context.batch("mrp.steps_by_routing", steps_by_routing).load(int(self.id))
        return [RoutingStepType(sequence=s.sequence, operation_id=gid(s.operation_id), work_center_id=gid(s.work_center_id))
                for s in rows]

    @classmethod
    def from_model(cls, m: Routing) -> RoutingType:
        return cls(id=gid(m.id), product_id=gid(m.product_id), version_no=m.version_no, active=m.active)


@strawberry.enum(description="What a BOM line is.")
class BomLineKind(enum.Enum):
    COMPONENT = strawberry.enum_value("component", description="Issued from stock as itself.")
    PHANTOM = strawberry.enum_value("phantom", description="Exploded through: its own components are issued.")
    MADE = strawberry.enum_value("made", description="A sub-assembly issued as itself that gets its own work order.")


@strawberry.type(description="A BOM line: a component per unit of the parent.")
class BomLineType:
    position: int = strawberry.field(description="Line number.")
    component_id: strawberry.ID = strawberry.field(description="The component product.")
    quantity: Decimal = strawberry.field(description="Quantity per unit of the parent.")
    scrap_factor: Decimal = strawberry.field(description="Extra share lost to scrap (0.05 = 5 %).")
    kind: BomLineKind = strawberry.field(description="Component, phantom or made sub-assembly.")


@strawberry.type(name="Bom", description="A versioned bill of materials of a product.")
class BomType:
    id: strawberry.ID = strawberry.field(description="BOM id.")
    product_id: strawberry.ID = strawberry.field(description="The product it makes.")
    version_no: int = strawberry.field(description="Version, 1, 2, … per product.")
    active: bool = strawberry.field(description="Whether new work orders use it (one per product).")

    @strawberry.field(description="Its lines in order.")
    async def lines(self, info: Info) -> list[BomLineType]:
        rows = await info.context.batch("mrp.lines_by_bom", lines_by_bom).load(int(self.id))
        return [BomLineType(position=x.position, component_id=gid(x.component_id), quantity=num(x.quantity),
                            scrap_factor=num(x.scrap_factor), kind=BomLineKind(x.kind)) for x in rows]

    @classmethod
    def from_model(cls, m: Bom) -> BomType:
        return cls(id=gid(m.id), product_id=gid(m.product_id), version_no=m.version_no, active=m.active)


@strawberry.type(description="A component to issue for an exploded quantity.")
class ExplodedComponent:
    product_id: strawberry.ID = strawberry.field(description="The component.")
    quantity: Decimal = strawberry.field(description="Total to issue, scrap included (rounded up to 4 decimals).")
    per_unit: Decimal = strawberry.field(description="Needed per unit of the exploded product.")
    level: int = strawberry.field(description="Shallowest BOM level it appears at (1 = direct).")
    made: bool = strawberry.field(description="A made sub-assembly: it gets its own work order.")

    @strawberry.field(description="The component product.")
    async def product(self, info: Info) -> ProductType | None:
        return await load_product(info, int(self.product_id))

    @classmethod
    def from_line(cls, x: Any) -> ExplodedComponent:
        return cls(product_id=gid(x.product_id), quantity=num(x.quantity), per_unit=num(x.per_unit.quantize(Decimal("0.0001"))),
                   level=x.level, made=x.made)
