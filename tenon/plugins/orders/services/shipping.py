"""Shipping from stock: ask stock for a shipment of open quantities, and follow its
``stock.shipment.done`` event back onto the order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.access import unscoped
from tenon.core.db import utcnow
from tenon.core.errors import NotFound, ValidationError
from tenon.core.events import Event
from tenon.plugins.stock import create_shipment

from ..errors import OverShipment
from ..models import SHIPPABLE_STATES, SalesOrder, SalesOrderLine
from ._common import ORIGIN_TYPE, ZERO, _decimal
from .sales_orders import get_sales_order
from .workflow import _apply, _fully_shipped, _open_shipment_quantities, order_lines


def ship_sales_order(session: Session, order_id: int, lines: Sequence[Mapping[str, Any]] | None = None, *,
                     from_location_id: int | None = None) -> Any:
    """Ask stock for a (draft) shipment of some open quantities of an order.

    :param lines: ``{"line_id", "quantity"}``; ``None`` or empty ships everything still open.
    :param from_location_id: the internal location the goods leave from (default: stock's
        default stock location).
    :returns: stock's :class:`Shipment`. When stock confirms it, ``stock.shipment.done``
        updates the shipped quantities and the order's state (:func:`on_shipment_done`).
    :raises OverShipment: more than ordered − shipped − already in open shipments.
    """
    order = get_sales_order(session, order_id, field_name="orderId")
    if order.state not in SHIPPABLE_STATES:
        raise ValidationError(f"sales order {order.number} is {order.state}; it cannot be shipped",
                              field="state", details={"state": order.state, "allowedFrom": list(SHIPPABLE_STATES)})
    # Touch the order first: its optimistic version takes the row lock, so two clerks shipping
    # the same order at once get one shipment and one CONFLICT, never an over-shipment.
    order.updated_at = utcnow()
    session.flush()
    by_id = {line.id: line for line in order_lines(session, order.id)}
    pending = _open_shipment_quantities(session, order.id)

    def open_qty(line: SalesOrderLine) -> Decimal:
        return line.quantity - line.shipped_quantity - pending.get(line.id, ZERO)

    wanted: dict[int, Decimal] = {}
    if lines:
        for i, item in enumerate(lines):
            line = by_id.get(int(item["line_id"]))
            if line is None:
                raise ValidationError(f"line {item['line_id']} is not a line of {order.number}", field=f"lines[{i}].lineId")
            qty = _decimal(item.get("quantity"), f"lines[{i}].quantity")
            if qty <= 0:
                raise ValidationError("quantity must be positive", field=f"lines[{i}].quantity")
            wanted[line.id] = wanted.get(line.id, ZERO) + qty
            if wanted[line.id] > open_qty(line):
                raise OverShipment(
                    f"line {line.position} of {order.number} has {open_qty(line)} open, {wanted[line.id]} asked",
                    field=f"lines[{i}].quantity", details={"open": str(open_qty(line))})
    else:
        wanted = {lid: open_qty(line) for lid, line in by_id.items() if open_qty(line) > 0}
    if not wanted:
        raise ValidationError(f"sales order {order.number} has nothing left to ship", field="lines")
    return create_shipment(
        session, origin_type=ORIGIN_TYPE, origin_id=order.id, reference=order.number,
        from_location_id=from_location_id,
        lines=[{"product_id": by_id[lid].product_id, "quantity": qty, "origin_line_id": lid}
               for lid, qty in wanted.items()],
    )


def on_shipment_done(session: Session, event: Event) -> None:
    """In-transaction subscriber of ``stock.shipment.done``: add the shipped quantities to the
    order's lines and move the order to ``partially_shipped`` or ``shipped``.

    The order is loaded across row scopes on purpose: stock already authorised whoever
    confirmed the shipment, and the goods have left; the order must follow whatever the
    confirming user may read. Refusing here would veto the shipment.
    """
    payload = event.payload
    if payload.get("origin_type") != ORIGIN_TYPE:
        return
    order = session.scalar(select(SalesOrder).where(SalesOrder.id == int(payload["origin_id"]))
                           .execution_options(**unscoped()))
    if order is None:
        raise NotFound(f"shipment {payload.get('number')} names a missing sales order {payload['origin_id']}")
    if order.state not in SHIPPABLE_STATES:
        raise ValidationError(f"sales order {order.number} is {order.state}; its shipment cannot be done",
                              field="state", details={"state": order.state})
    lines = {line.id: line for line in session.scalars(
        select(SalesOrderLine).where(SalesOrderLine.order_id == order.id).execution_options(**unscoped()))}
    for item in payload.get("lines", []):
        line = lines.get(int(item.get("origin_line_id") or 0))
        if line is not None:
            line.shipped_quantity += Decimal(str(item["quantity"]))
    session.flush()
    values = list(lines.values())
    if _fully_shipped(values):
        _apply(session, order, "ship_fully", note=f"shipment {payload.get('number', '')}")
    elif order.state != "partially_shipped" and any(line.shipped_quantity > 0 for line in values):
        _apply(session, order, "ship_partially", note=f"shipment {payload.get('number', '')}")
