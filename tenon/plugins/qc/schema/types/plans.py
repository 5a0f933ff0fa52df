"""Inspection plan types: plans, their versions and check items."""

from __future__ import annotations

import enum
from decimal import Decimal

import strawberry
from strawberry.types import Info

from tenon.plugins.stock import ProductType, load_product

from ...models import CheckItem, InspectionPlan, PlanVersion
from ..loaders import items_by_version, num, versions_by_plan


def gid(value: int | None) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


@strawberry.enum(description="Where an inspection happens.")
class InspectionStage(enum.Enum):
    RECEIPT = strawberry.enum_value("receipt", description="Goods received (incoming): the lot is quarantined.")
    IN_PROCESS = strawberry.enum_value("in_process", description="After an operation marked inspection required.")
    FINAL = strawberry.enum_value("final", description="A finished work order (终检): releases the finished goods.")


@strawberry.enum(description="How many pieces of a quantity are inspected.")
class SamplingMethod(enum.Enum):
    ALL = strawberry.enum_value("all", description="Every piece.")
    FIRST_N = strawberry.enum_value("first_n", description="The first N pieces (value N).")
    EVERY_NTH = strawberry.enum_value("every_nth", description="Pieces 1, N+1, 2N+1 … (value N).")
    PERCENT = strawberry.enum_value("percent", description="A percentage, rounded up (value 0–100).")


@strawberry.enum(description="What a check item records.")
class CheckKind(enum.Enum):
    MEASUREMENT = strawberry.enum_value("measurement", description="A number within tolerances (limits inclusive).")
    PASS_FAIL = strawberry.enum_value("pass_fail", description="A verdict: pass or fail.")
    TEXT = strawberry.enum_value("text", description="A text (always passes).")


@strawberry.type(name="CheckItem", description="A check of a plan version.")
class CheckItemType:
    id: strawberry.ID = strawberry.field(description="Check item id (of this version).")
    code: str = strawberry.field(description="Code, stable across versions (values are recorded by code).")
    name: str = strawberry.field(description="What is checked.")
    kind: CheckKind = strawberry.field(description="Measurement, pass/fail or text.")
    position: int = strawberry.field(description="Order in the plan.")
    nominal: Decimal | None = strawberry.field(description="Nominal value (measurement).")
    lower_tolerance: Decimal | None = strawberry.field(description="Lower tolerance, added to the nominal (e.g. -0.05).")
    upper_tolerance: Decimal | None = strawberry.field(description="Upper tolerance, added to the nominal (e.g. 0.05).")
    lower_limit: Decimal | None = strawberry.field(description="Lowest passing value (inclusive).")
    upper_limit: Decimal | None = strawberry.field(description="Highest passing value (inclusive).")
    unit: str = strawberry.field(description="Unit of the measurement (mm).")
    decimals: int = strawberry.field(description="Decimals a measured value may have.")
    required: bool = strawberry.field(description="The result is final only when it has a value for every sample.")

    @classmethod
    def from_model(cls, m: CheckItem) -> CheckItemType:
        lo = hi = None
        if m.kind == "measurement":
            from ...services.tolerances import limits

            lo, hi = limits(m)
        return cls(id=gid(m.id), code=m.code, name=m.name, kind=CheckKind(m.kind), position=m.position,
                   nominal=num(m.nominal), lower_tolerance=num(m.lower_tolerance), upper_tolerance=num(m.upper_tolerance),
                   lower_limit=num(lo), upper_limit=num(hi), unit=m.unit, decimals=m.decimals, required=m.required)


@strawberry.type(name="InspectionPlanVersion", description="One version of a plan: its sampling and check items.")
class PlanVersionType:
    id: strawberry.ID = strawberry.field(description="Version id.")
    version_no: int = strawberry.field(description="1, 2, … (the plan's current version is the highest).")
    sampling_method: SamplingMethod = strawberry.field(description="How many pieces are inspected.")
    sampling_value: Decimal | None = strawberry.field(description="N, or the percentage.")
    note: str = strawberry.field(description="What changed.")

    @strawberry.field(description="Its check items in order.")
    async def items(self, info: Info) -> list[CheckItemType]:
        rows = await info.context.batch("qc.items_by_version", items_by_version).load(int(self.id))
        return [CheckItemType.from_model(r) for r in rows]

    @classmethod
    def from_model(cls, m: PlanVersion) -> PlanVersionType:
        return cls(id=gid(m.id), version_no=m.version_no, sampling_method=SamplingMethod(m.sampling_method),
                   sampling_value=num(m.sampling_value), note=m.note)


@strawberry.type(name="InspectionPlan", description="What to inspect of a product or a product category at a stage.")
class InspectionPlanType:
    id: strawberry.ID = strawberry.field(description="Plan id.")
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Name.")
    stage: InspectionStage = strawberry.field(description="Receipt, in-process or final.")
    product_id: strawberry.ID | None = strawberry.field(description="The product (or null for a category plan).")
    category_id: strawberry.ID | None = strawberry.field(description="The product category (or null).")
    operation_id: strawberry.ID | None = strawberry.field(description="In-process: the mrp library operation it follows (null: any).")
    blocks_next: bool = strawberry.field(description="In-process: the next operation waits until it passes.")
    inspector_username: str | None = strawberry.field(description="Notified when an inspection waits (else every inspector).")
    active: bool = strawberry.field(description="Whether new inspections use it.")
    current_version: int = strawberry.field(description="Its newest version number.")

    @strawberry.field(description="Every version, oldest first.")
    async def versions(self, info: Info) -> list[PlanVersionType]:
        rows = await info.context.batch("qc.versions_by_plan", versions_by_plan).load(int(self.id))
        return [PlanVersionType.from_model(r) for r in rows]

    @strawberry.field(description="The current version's check items.")
    async def items(self, info: Info) -> list[CheckItemType]:
        rows = await info.context.batch("qc.versions_by_plan", versions_by_plan).load(int(self.id))
        cur = next(r for r in rows if r.version_no == self.current_version)
        items = await info.context.batch("qc.items_by_version", items_by_version).load(cur.id)
        return [CheckItemType.from_model(r) for r in items]

    @strawberry.field(description="The product, for a product plan.")
    async def product(self, info: Info) -> ProductType | None:
        return await load_product(info, int(self.product_id)) if self.product_id else None

    @classmethod
    def from_model(cls, m: InspectionPlan) -> InspectionPlanType:
        return cls(id=gid(m.id), code=m.code, name=m.name, stage=InspectionStage(m.stage), product_id=gid(m.product_id),
                   category_id=gid(m.category_id), operation_id=gid(m.operation_id), blocks_next=m.blocks_next,
                   inspector_username=m.inspector_username, active=m.active, current_version=m.current_version)
