"""What production (mrp) drives: an order goes into production, its lines are reported produced,
and it becomes ``ready`` when everything still to ship is made."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.errors import InvalidState, NotFound, ValidationError

from ..models import OPEN_STATES, SalesOrder, SalesOrderLine
from ._common import _decimal
from ..workflows import guard_produced
from .sales_orders import apply, get_sales_order, order_lines


def mark_in_production(session: Session, order_id: int) -> SalesOrder:
    """``confirmed`` → ``in_production``. For production planning (mrp), typically from its
    ``tenon_orders_sales_order_confirmed`` implementation or when a work order starts."""
    return apply(session, get_sales_order(session, order_id), "start_production")


def record_produced(session: Session, line_id: int, quantity: Decimal) -> SalesOrderLine:
    """Add ``quantity`` (negative to correct) to a line's produced quantity. When every line
    of an ``in_production`` order is produced, the order becomes ``ready``.

    :raises InvalidState: the order is not open (``INVALID_STATE``).
    :raises ValidationError: the total would go below zero.
    """
    line = session.scalar(select(SalesOrderLine).where(SalesOrderLine.id == line_id))
    if line is None:
        raise NotFound(f"no sales order line {line_id}", field="lineId")
    order = get_sales_order(session, line.order_id)
    if order.state not in OPEN_STATES:
        raise InvalidState(f"sales order {order.number} is {order.state}; production cannot be recorded",
                           field="state", details={"state": order.state, "allowedFrom": list(OPEN_STATES)})
    quantity = _decimal(quantity, "quantity")
    if line.produced_quantity + quantity < 0:
        raise ValidationError("produced quantity would become negative", field="quantity")
    line.produced_quantity += quantity
    session.flush()
    if order.state == "in_production":
        try:
            guard_produced(session, order, order_lines(session, order.id))
        except ValidationError:
            return line
        apply(session, order, "finish_production")
    return line


def mark_ready(session: Session, order_id: int) -> SalesOrder:
    """``in_production`` → ``ready`` (guard: every line's open quantity is produced)."""
    return apply(session, get_sales_order(session, order_id), "finish_production")
