"""qc KPI types: first-pass yield rows and open nonconformances by age."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import strawberry

from ...services.kpi import AgeRow, YieldRow
from ..loaders import num
from .plans import gid


@strawberry.enum(description="What first-pass yield is grouped by.")
class YieldGroup(enum.Enum):
    PRODUCT = strawberry.enum_value("product", description="The product inspected.")
    WORK_CENTER = strawberry.enum_value("work_center", description="Where it was made.")
    OPERATION = strawberry.enum_value("operation", description="The mrp library operation (in-process).")


@strawberry.type(description="First-pass yield of one group over a period.")
class FirstPassYield:
    product_id: strawberry.ID | None = strawberry.field(description="The product (when grouped by product).")
    work_center_id: strawberry.ID | None = strawberry.field(description="The work center (when grouped by it).")
    operation_id: strawberry.ID | None = strawberry.field(description="The library operation (when grouped by it).")
    inspections: int = strawberry.field(description="First inspections decided in the period.")
    passed: int = strawberry.field(description="How many of them passed.")
    quantity: Decimal = strawberry.field(description="Quantity they decided on.")
    passed_quantity: Decimal = strawberry.field(description="Quantity of the passed ones.")
    first_pass_yield: Decimal | None = strawberry.field(description="passedQuantity / quantity (4 decimals).")

    @classmethod
    def from_row(cls, r: YieldRow) -> FirstPassYield:
        return cls(product_id=gid(r.product_id), work_center_id=gid(r.work_center_id), operation_id=gid(r.operation_id),
                   inspections=r.inspections, passed=r.passed, quantity=num(r.quantity),
                   passed_quantity=num(r.passed_quantity), first_pass_yield=num(r.first_pass_yield))


@strawberry.type(description="Open nonconformances of one age band.")
class NonconformanceAge:
    bucket: str = strawberry.field(description="0-1, 1-3, 3-7, 7-30 or 30+ (days).")
    min_days: int = strawberry.field(description="At least this many days old.")
    max_days: int | None = strawberry.field(description="Younger than this many days (null: no limit).")
    count: int = strawberry.field(description="How many.")
    oldest: dt.datetime | None = strawberry.field(description="When the oldest of them was opened.")

    @classmethod
    def from_row(cls, r: AgeRow) -> NonconformanceAge:
        return cls(bucket=r.bucket, min_days=r.min_days, max_days=r.max_days, count=r.count, oldest=r.oldest)
