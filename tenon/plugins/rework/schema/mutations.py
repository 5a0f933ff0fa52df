"""Root mutation fields of rework (one transaction each)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from tenon.core.db import current_actor
from tenon.core.errors import Forbidden, ValidationError
from tenon.graphql.permissions import allowed

from ..services import causes, execution, rework_orders
from .inputs import (
    ReworkCauseCreateInput,
    ReworkCauseUpdateInput,
    ReworkMaterialInput,
    ReworkOrderCreateInput,
    ReworkOrderUpdateInput,
    ReworkResponsibilityInput,
)
from .types.rework_orders import ReworkCauseType, ReworkOrderType

IdArg = Annotated[strawberry.ID, strawberry.argument(description="Rework order id.")]


def _ro(fn: Any) -> Any:
    return lambda *a, **k: ReworkOrderType.from_model(fn(*a, **k))


def _materials(rows: list[ReworkMaterialInput] | None) -> list[dict[str, Any]] | None:
    if rows is None:
        return None
    return [{"product_id": m.product_id, "quantity": m.quantity, "unit_cost": m.unit_cost} for m in rows]


def _may_assess(session: Any) -> None:
    """Responsibility is the quality manager's call (``assess``), also when given at creation."""
    actor = current_actor(session)
    if actor is not None and not session.info["app"].access.can(actor, "rework.order", "assess"):
        raise Forbidden("not allowed: assess on rework.order (responsibility)", field="responsibility")


def _create(session: Any, i: ReworkOrderCreateInput) -> Any:
    if i.responsibility is not None:
        _may_assess(session)
    sources = [n for n, v in (("workOrderId", i.work_order_id), ("salesOrderLineId", i.sales_order_line_id)) if v is not None]
    if len(sources) > 1 or (not sources and i.lot_id is None):
        raise ValidationError("give exactly one of workOrderId, lotId, salesOrderLineId", field="workOrderId")
    common = {"quantity": i.quantity, "operation_ids": i.operation_ids,
              "responsibility": i.responsibility.changes() if i.responsibility is not None else None,
              "materials": _materials(i.materials)}
    if i.work_order_id is not None:
        return rework_orders.open_from_work_order(session, work_order_id=i.work_order_id, lot_id=i.lot_id,
                                                  location_id=i.location_id, **common)
    if i.sales_order_line_id is not None:
        return rework_orders.open_customer_return(session, sales_order_line_id=i.sales_order_line_id, lot_id=i.lot_id,
                                                  returns_location_id=i.returns_location_id, **common)
    return rework_orders.open_from_lot(session, lot_id=i.lot_id, location_id=i.location_id, **common)


def _update(session: Any, i: ReworkOrderUpdateInput) -> Any:
    return rework_orders.update_open(session, i.id, operation_ids=None if i.operation_ids is strawberry.UNSET else i.operation_ids,
                                     set_operations=i.operation_ids is not strawberry.UNSET,
                                     materials=_materials(i.materials), location_id=i.location_id, due_date=i.due_date)


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Add a cause category.", extensions=allowed("rework.cause", "manage"))
    async def rework_cause_create(self, info: Info, input: Annotated[ReworkCauseCreateInput, strawberry.argument(description="The cause.")]) -> ReworkCauseType:
        i = input
        c = await info.context.run(lambda s: causes.create_cause(s, code=i.code, name=i.name, description=i.description))
        return ReworkCauseType.from_model(c)

    @strawberry.mutation(description="Rename, describe, retire or revive a cause category.",
                         extensions=allowed("rework.cause", "manage"))
    async def rework_cause_update(self, info: Info, input: Annotated[ReworkCauseUpdateInput, strawberry.argument(description="The changes.")]) -> ReworkCauseType:
        i = input
        c = await info.context.run(lambda s: causes.update_cause(s, i.id, name=i.name, description=i.description,
                                                                 active=i.active))
        return ReworkCauseType.from_model(c)

    @strawberry.mutation(description="Open a rework order by hand: from a work order, a lot, or a shipped sales order "
                         "line (a customer return, received into the returns location at once).",
                         extensions=allowed("rework.order", "create"))
    async def rework_order_create(self, info: Info, input: Annotated[ReworkOrderCreateInput, strawberry.argument(description="The rework order.")]) -> ReworkOrderType:
        return await info.context.run(_ro(_create), input)

    @strawberry.mutation(description="Change what an open rework order redoes, its material, where the goods wait or "
                         "its due date.", extensions=allowed("rework.order", "manage"))
    async def rework_order_update(self, info: Info, input: Annotated[ReworkOrderUpdateInput, strawberry.argument(description="The changes.")]) -> ReworkOrderType:
        return await info.context.run(_ro(_update), input)

    @strawberry.mutation(description="Set who and what is held responsible for a rework (operation, work center, "
                         "operator or supplier lot, cause, notes).", extensions=allowed("rework.order", "assess"))
    async def rework_order_set_responsibility(
        self, info: Info, id: IdArg,
        input: Annotated[ReworkResponsibilityInput, strawberry.argument(description="The responsibility; omitted fields stay.")],
    ) -> ReworkOrderType:
        return await info.context.run(_ro(rework_orders.update_responsibility), id, input.changes())

    @strawberry.mutation(description="Release an open rework order: its rework work order (mrp, kind `rework`, the "
                         "operations to redo), the goods into production, the repair material requisition.",
                         extensions=allowed("rework.order", "manage"))
    async def rework_order_release(self, info: Info, id: IdArg) -> ReworkOrderType:
        return await info.context.run(_ro(execution.release), id)

    @strawberry.mutation(description="Cancel a rework order that is open, or released but not started (its work "
                         "order is cancelled and the goods go back).", extensions=allowed("rework.order", "manage"))
    async def rework_order_cancel(self, info: Info, id: IdArg, reason: Annotated[str, strawberry.argument(
            description="Why (at most 500 characters).")] = "") -> ReworkOrderType:
        return await info.context.run(_ro(execution.cancel), id, reason)
