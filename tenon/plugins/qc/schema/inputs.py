"""Input types of qc's mutations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry

from .types.inspections import Disposition
from .types.plans import CheckKind, InspectionStage, SamplingMethod


@strawberry.input(description="How many pieces of a quantity are inspected.")
class SamplingInput:
    method: SamplingMethod = strawberry.field(description="All, first N, every Nth or a percentage.")
    value: Decimal | None = strawberry.field(default=None, description="N (1–100000) or the percentage (0–100].")


@strawberry.input(description="A check item (by code; a change replaces the whole item).")
class CheckItemInput:
    code: str = strawberry.field(description="Code, unique in the plan (up to 40 characters).")
    name: str | None = strawberry.field(default=None, description="What is checked (default: the code).")
    kind: CheckKind = strawberry.field(default=CheckKind.MEASUREMENT, description="Measurement, pass/fail or text.")
    nominal: Decimal | None = strawberry.field(default=None, description="Nominal value (measurement).")
    lower_tolerance: Decimal | None = strawberry.field(default=None, description="Added to the nominal for the lowest passing value (e.g. -0.05).")
    upper_tolerance: Decimal | None = strawberry.field(default=None, description="Added to the nominal for the highest passing value (e.g. 0.05).")
    unit: str = strawberry.field(default="", description="Unit (mm).")
    decimals: int = strawberry.field(default=2, description="Decimals a value may have (0–6).")
    required: bool = strawberry.field(default=True, description="Needed for the result to be final.")

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "kind": self.kind.value, "nominal": self.nominal,
                "lower_tolerance": self.lower_tolerance, "upper_tolerance": self.upper_tolerance, "unit": self.unit,
                "decimals": self.decimals, "required": self.required}


@strawberry.input(description="A new inspection plan (its version 1).")
class InspectionPlanCreateInput:
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Name.")
    stage: InspectionStage = strawberry.field(description="Receipt, in-process or final.")
    product_id: strawberry.ID | None = strawberry.field(default=None, description="The product (or give a category).")
    category_id: strawberry.ID | None = strawberry.field(default=None, description="The product category (or give a product).")
    operation_id: strawberry.ID | None = strawberry.field(default=None, description="In-process: the mrp library operation it follows (default: any).")
    sampling: SamplingInput | None = strawberry.field(default=None, description="Sampling (default: all).")
    blocks_next: bool = strawberry.field(default=True, description="In-process: the next operation waits until it passes.")
    inspector_username: str | None = strawberry.field(default=None, description="Notified when an inspection waits (default: every inspector).")
    items: list[CheckItemInput] = strawberry.field(default_factory=list, description="Check items (at most 100).")


@strawberry.input(description="A change to a plan: makes its next version (past inspections keep theirs).")
class InspectionPlanReviseInput:
    plan_id: strawberry.ID = strawberry.field(description="The plan.")
    add: list[CheckItemInput] = strawberry.field(default_factory=list, description="Check items to add.")
    change: list[CheckItemInput] = strawberry.field(default_factory=list, description="Check items to replace (by code).")
    remove: list[str] = strawberry.field(default_factory=list, description="Codes of check items to remove.")
    sampling: SamplingInput | None = strawberry.field(default=None, description="New sampling (default: unchanged).")
    note: str = strawberry.field(default="", description="What changed and why (e.g. the customer's request).")


@strawberry.input(description="A recorded value.")
class InspectionValueInput:
    item: str = strawberry.field(description="The check item's code.")
    sample_no: int = strawberry.field(default=1, description="The sample, 1 … sample size.")
    value: str = strawberry.field(description="The measured number, pass/fail, or the text.")


@strawberry.input(description="A manual inspection (e.g. a customer return).")
class InspectionCreateInput:
    stage: InspectionStage = strawberry.field(description="The stage whose plan applies.")
    product_id: strawberry.ID = strawberry.field(description="The product.")
    quantity: Decimal = strawberry.field(description="The quantity to decide on.")
    lot_id: strawberry.ID | None = strawberry.field(default=None, description="The lot.")
    plan_id: strawberry.ID | None = strawberry.field(default=None, description="The plan (default: the one that applies).")


@strawberry.input(description="A disposition for a nonconformance.")
class NonconformanceDisposeInput:
    id: strawberry.ID = strawberry.field(description="The nonconformance.")
    disposition: Disposition = strawberry.field(description="Scrap, rework or use as is.")
    reason: str = strawberry.field(default="", description="Why (required for use as is; up to 500 characters).")
