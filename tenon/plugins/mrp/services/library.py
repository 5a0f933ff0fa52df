"""The operation library and routings (ordered operations per product, versioned, one active)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tenon.core.errors import ValidationError
from tenon.core.ids import decode_id, get_record
from tenon.core.inputs import text
from tenon.plugins.stock import Product

from ..models import Operation, Routing, RoutingStep, WorkCenter
from ._common import number


def create_operation(session: Session, *, code: str, name: str, work_center_id: Any, minutes_per_unit: Any = 0,
                     setup_minutes: Any = 0, instructions: str = "", inspection_required: bool = False) -> Operation:
    """An operation of the library, with its default work center and standard times."""
    code = text(code, "code", max_len=40)
    if session.scalar(select(Operation.id).where(Operation.code == code)) is not None:
        raise ValidationError(f"operation {code!r} already exists", field="code")
    wc = get_record(session, WorkCenter, work_center_id, field="workCenterId", what="work center")
    op = Operation(code=code, name=text(name, "name"), work_center_id=wc.id,
                   minutes_per_unit=number(minutes_per_unit, "minutesPerUnit"),
                   setup_minutes=number(setup_minutes, "setupMinutes"),
                   instructions=text(instructions, "instructions", required=False, max_len=10000),
                   inspection_required=bool(inspection_required))
    session.add(op)
    session.flush()
    return op


def create_routing(session: Session, *, product_id: Any, steps: Sequence[dict[str, Any]],
                   activate: bool = True) -> Routing:
    """A new routing version for a product; ``steps``: ``[{"operation_id", "work_center_id"?}]``
    in order. With ``activate`` it becomes the product's one active routing (older kept)."""
    product = get_record(session, Product, product_id, field="productId", what="product")
    if not steps:
        raise ValidationError("a routing needs at least one operation", field="steps")
    last = session.scalar(select(func.max(Routing.version_no)).where(Routing.product_id == product.id)) or 0
    routing = Routing(product_id=product.id, version_no=last + 1, active=False)
    session.add(routing)
    session.flush()
    for i, step in enumerate(steps):
        op = get_record(session, Operation, step.get("operation_id"), field=f"steps[{i}].operationId", what="operation")
        wc_id = op.work_center_id
        if step.get("work_center_id") is not None:
            wc_id = get_record(session, WorkCenter, step["work_center_id"], field=f"steps[{i}].workCenterId",
                               what="work center").id
        session.add(RoutingStep(routing_id=routing.id, sequence=(i + 1) * 10, operation_id=op.id, work_center_id=wc_id))
    session.flush()
    if activate:
        activate_routing(session, routing.id)
    return routing


def activate_routing(session: Session, routing_id: Any) -> Routing:
    """Make this version the product's active routing (the others stay, inactive)."""
    routing = get_record(session, Routing, routing_id, what="routing")
    for other in session.scalars(select(Routing).where(Routing.product_id == routing.product_id,
                                                       Routing.id != routing.id, Routing.active.is_(True))):
        other.active = False
    routing.active = True
    session.flush()
    return routing


def active_routing(session: Session, product_id: int) -> Routing | None:
    return session.scalar(select(Routing).where(Routing.product_id == product_id, Routing.active.is_(True)))


def routing_steps(session: Session, routing_id: int) -> list[RoutingStep]:
    return list(session.scalars(select(RoutingStep).where(RoutingStep.routing_id == decode_id(routing_id))
                                .order_by(RoutingStep.sequence)))
