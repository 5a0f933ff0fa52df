"""Input types of rework's mutations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from .types.rework_orders import ReworkOrderState


@strawberry.input(description="A new cause category.")
class ReworkCauseCreateInput:
    code: str = strawberry.field(description="Unique code, 1-40 of A-Z 0-9 _ . - (upper-cased).")
    name: str = strawberry.field(description="Name (1-200 characters).")
    description: str = strawberry.field(default="", description="What it covers.")


@strawberry.input(description="Changes to a cause category; omitted fields stay.")
class ReworkCauseUpdateInput:
    id: strawberry.ID = strawberry.field(description="Cause id.")
    name: str | None = strawberry.field(default=None, description="New name.")
    description: str | None = strawberry.field(default=None, description="New description.")
    active: bool | None = strawberry.field(default=None, description="False retires it: no new rework order may name it.")


@strawberry.input(description="Who and what is held responsible; omitted fields stay, null clears.")
class ReworkResponsibilityInput:
    operation_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="Library operation (mrp).")
    work_center_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="Work center (mrp).")
    operator: str | None = strawberry.field(default=strawberry.UNSET, description="Operator's username.")
    supplier_lot_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="Supplier lot (stock) held responsible instead of an operator.")
    cause_id: strawberry.ID | None = strawberry.field(default=strawberry.UNSET, description="Cause category.")
    notes: str | None = strawberry.field(default=strawberry.UNSET, description="Notes (at most 2000 characters).")

    def changes(self) -> dict[str, object]:
        return {k: getattr(self, k) for k in ("operation_id", "work_center_id", "operator", "supplier_lot_id",
                                              "cause_id", "notes") if getattr(self, k) is not strawberry.UNSET}


@strawberry.input(description="Repair material: asked for through a stock requisition at release.")
class ReworkMaterialInput:
    product_id: strawberry.ID = strawberry.field(description="The material.")
    quantity: Decimal = strawberry.field(description="Quantity (positive, at most 4 decimals).")
    unit_cost: Decimal = strawberry.field(default=Decimal(0), description="Cost of one unit (for the statistics).")


@strawberry.input(description="A rework order opened by hand: give exactly one of workOrderId, lotId, salesOrderLineId.")
class ReworkOrderCreateInput:
    quantity: Decimal = strawberry.field(description="Quantity to rework.")
    work_order_id: strawberry.ID | None = strawberry.field(default=None, description="From a work order (its lot unless lotId).")
    lot_id: strawberry.ID | None = strawberry.field(default=None, description="From a lot (or the lot of a work order or a return).")
    sales_order_line_id: strawberry.ID | None = strawberry.field(default=None, description="A customer return of a shipped sales order line (orders).")
    location_id: strawberry.ID | None = strawberry.field(default=None, description="Where the goods wait (default: the default stock location).")
    returns_location_id: strawberry.ID | None = strawberry.field(default=None, description="Customer return: the location it is received into (default: `[rework] returns_location`).")
    operation_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Library operations to redo (1-100); default all of the routing.")
    responsibility: ReworkResponsibilityInput | None = strawberry.field(default=None, description="Who and what is held responsible.")
    materials: list[ReworkMaterialInput] | None = strawberry.field(default=None, description="Repair material (at most 50 lines).")


@strawberry.input(description="Changes to an open rework order; omitted fields stay.")
class ReworkOrderUpdateInput:
    id: strawberry.ID = strawberry.field(description="Rework order id.")
    operation_ids: list[strawberry.ID] | None = strawberry.field(default=strawberry.UNSET, description="Library operations to redo; null: all.")
    materials: list[ReworkMaterialInput] | None = strawberry.field(default=None, description="Replaces the repair material.")
    location_id: strawberry.ID | None = strawberry.field(default=None, description="Where the goods wait.")
    due_date: dt.date | None = strawberry.field(default=None, description="New due date.")


@strawberry.input(description="Which rework orders to list; all given conditions must hold.")
class ReworkOrderFilter:
    state: ReworkOrderState | None = strawberry.field(default=None, description="Only in this state.")
    product_id: strawberry.ID | None = strawberry.field(default=None, description="Only of this product.")
    sales_order_id: strawberry.ID | None = strawberry.field(default=None, description="Only of this sales order.")
    cause_id: strawberry.ID | None = strawberry.field(default=None, description="Only with this cause.")
