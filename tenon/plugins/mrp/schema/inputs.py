"""Input types of mrp's mutations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from .types.exceptions import ExceptionKind
from .types.master import BomLineKind
from .types.work_orders import CountingSource


@strawberry.input(description="A new work center.")
class WorkCenterCreateInput:
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Name.")
    working_days: list[int] | None = strawberry.field(default=None, description="Weekdays 1–7 (default Monday–Friday).")
    hours_per_day: Decimal = strawberry.field(default=Decimal(8), description="Hours on a working day.")
    downtime: list[dt.date] | None = strawberry.field(default=None, description="Planned downtime days.")
    capacity: Decimal = strawberry.field(default=Decimal(1), description="Machine-hours per calendar hour.")
    lead_username: str | None = strawberry.field(default=None, description="The lead (notified).")
    supply_location_id: strawberry.ID | None = strawberry.field(default=None, description="Where its materials come from (default: the default stock location).")


@strawberry.input(description="Changes to a work center; omitted fields stay.")
class WorkCenterUpdateInput:
    id: strawberry.ID = strawberry.field(description="Work center id.")
    name: str | None = strawberry.field(default=None, description="New name.")
    working_days: list[int] | None = strawberry.field(default=None, description="Weekdays 1–7.")
    hours_per_day: Decimal | None = strawberry.field(default=None, description="Hours on a working day.")
    downtime: list[dt.date] | None = strawberry.field(default=None, description="Planned downtime days (replaces).")
    capacity: Decimal | None = strawberry.field(default=None, description="Machine-hours per calendar hour.")
    lead_username: str | None = strawberry.field(default=None, description="The lead.")


@strawberry.input(description="A new operation of the library.")
class OperationCreateInput:
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Name.")
    work_center_id: strawberry.ID = strawberry.field(description="Default work center.")
    minutes_per_unit: Decimal = strawberry.field(default=Decimal(0), description="Standard minutes per unit.")
    setup_minutes: Decimal = strawberry.field(default=Decimal(0), description="Setup minutes per work order.")
    instructions: str = strawberry.field(default="", description="Work instructions.")
    inspection_required: bool = strawberry.field(default=False, description="Whether an inspection follows it.")


@strawberry.input(description="A routing step.")
class RoutingStepInput:
    operation_id: strawberry.ID = strawberry.field(description="Library operation.")
    work_center_id: strawberry.ID | None = strawberry.field(default=None, description="Work center (default: the operation's).")


@strawberry.input(description="A new routing version for a product.")
class RoutingCreateInput:
    product_id: strawberry.ID = strawberry.field(description="The product.")
    steps: list[RoutingStepInput] = strawberry.field(description="Operations in order.")
    activate: bool = strawberry.field(default=True, description="Make it the active routing.")


@strawberry.input(description="A BOM line.")
class BomLineInput:
    component_id: strawberry.ID = strawberry.field(description="The component product.")
    quantity: Decimal = strawberry.field(description="Quantity per unit of the parent.")
    scrap_factor: Decimal = strawberry.field(default=Decimal(0), description="Extra share lost to scrap (0.05 = 5 %).")
    kind: BomLineKind = strawberry.field(default=BomLineKind.COMPONENT, description="Component, phantom or made.")


@strawberry.input(description="A new BOM version for a product.")
class BomCreateInput:
    product_id: strawberry.ID = strawberry.field(description="The product.")
    lines: list[BomLineInput] = strawberry.field(description="Its components.")
    activate: bool = strawberry.field(default=True, description="Make it the active BOM.")


@strawberry.input(description="A new work order.")
class WorkOrderCreateInput:
    product_id: strawberry.ID = strawberry.field(description="The product to make.")
    quantity: Decimal = strawberry.field(description="How many.")
    due_date: dt.date | None = strawberry.field(default=None, description="When it is due.")
    priority: int = strawberry.field(default=0, description="Higher first (-1000 … 1000).")
    counting_source: CountingSource = strawberry.field(default=CountingSource.OPERATOR, description="Which reports count.")


@strawberry.input(description="A report on an operation (报工).")
class OperationReportInput:
    operation_id: strawberry.ID = strawberry.field(description="The work order operation.")
    good: Decimal = strawberry.field(default=Decimal(0), description="Good quantity.")
    scrap: Decimal = strawberry.field(default=Decimal(0), description="Scrapped quantity (needs a reason code).")
    reason_code: str | None = strawberry.field(default=None, description="Scrap reason code.")
    minutes: Decimal | None = strawberry.field(default=None, description="Duration in minutes (or give startedAt).")
    started_at: dt.datetime | None = strawberry.field(default=None, description="Start of the work.")
    ended_at: dt.datetime | None = strawberry.field(default=None, description="End of the work (default now).")


@strawberry.input(description="A machine signal: operation done for a work order, quantity N.")
class OperationSignalInput:
    work_order_id: strawberry.ID = strawberry.field(description="The work order.")
    quantity: Decimal = strawberry.field(description="Good quantity.")
    idempotency_key: str = strawberry.field(description="Unique per signal: a replay counts once.")
    scrap: Decimal = strawberry.field(default=Decimal(0), description="Scrapped quantity.")
    reason_code: str | None = strawberry.field(default=None, description="Scrap reason code.")


@strawberry.input(description="A production exception report.")
class ExceptionReportInput:
    work_order_id: strawberry.ID = strawberry.field(description="The work order.")
    operation_id: strawberry.ID | None = strawberry.field(default=None, description="The operation, if known.")
    type: ExceptionKind = strawberry.field(description="Its kind.")
    description: str = strawberry.field(description="What happened.")


@strawberry.input(description="Who answers an exception type, and how fast.")
class ExceptionRuleInput:
    type: ExceptionKind = strawberry.field(description="Exception kind.")
    work_center_id: strawberry.ID | None = strawberry.field(default=None, description="Only at this work center (default: everywhere).")
    chain: list[str] = strawberry.field(description="Usernames in escalation order.")
    sla_minutes: int = strawberry.field(description="Minutes each person has to respond.")
