"""Shipping from stock: ask stock for a shipment of open quantities, and follow it back onto
the order through stock's owned hooks (``tenon_stock_shipment_confirming``/``…_done``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.access import unscoped
from tenon.core.db import keep, utcnow
from tenon.core.errors import InvalidState, NotFound, ValidationError
from tenon.plugins.stock import Shipment, ShipmentLine, create_shipment

from ..errors import OverShipment
from ..models import SHIPPABLE_STATES, SalesOrder, SalesOrderLine
from ._common import ORIGIN_TYPE, ZERO, _decimal
from ..workflows import fully_shipped, open_shipment_quantities
from .sales_orders import apply, get_sales_order, order_lines


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
        raise InvalidState(f"sales order {order.number} is {order.state}; it cannot be shipped",
                           field="state", details={"state": order.state, "allowedFrom": list(SHIPPABLE_STATES)})
    # Touch the order first: its optimistic version takes the row lock, so two clerks shipping
    # the same order at once get one shipment and one CONFLICT, never an over-shipment.
    order.updated_at = utcnow()
    session.flush()
    by_id = {line.id: line for line in order_lines(session, order.id)}
    pending = open_shipment_quantities(session, order.id)

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


def check_shipment_confirming(session: Session, shipment: Shipment) -> None:
    """Refuse confirming a shipment of a sales order that is gone or no longer shippable
    (implements stock's ``tenon_stock_shipment_confirming``; the order is read across row
    scopes, as :func:`on_shipment_done` does).

    :raises NotFound: the shipment names a missing sales order.
    :raises InvalidState: (``INVALID_STATE``, field ``state``) the order is not in a shippable state.
    """
    if shipment.origin_type == ORIGIN_TYPE:
        _shipped_order(session, shipment)


def _shipped_order(session: Session, shipment: Shipment) -> SalesOrder:
    # by primary key: the confirming check and the done notification of one unit read it once
    order = session.get(SalesOrder, int(shipment.origin_id or 0), execution_options=unscoped())
    if order is None:
        raise NotFound(f"shipment {shipment.number} names a missing sales order {shipment.origin_id}")
    keep(session, order)  # the done notification after the confirming check finds it loaded
    if order.state not in SHIPPABLE_STATES:
        raise InvalidState(f"sales order {order.number} is {order.state}; its shipment cannot be done",
                           field="state", details={"state": order.state, "allowedFrom": list(SHIPPABLE_STATES)})
    return order


def on_shipment_done(session: Session, shipment: Shipment, lines: Sequence[ShipmentLine]) -> None:
    """Follow a done stock shipment (stock's ``tenon_stock_shipment_done`` notification, in its
    transaction): add the shipped quantities to the order's lines and move the order to
    ``partially_shipped`` or ``shipped``.

    The order is loaded across row scopes on purpose: stock already authorised whoever
    confirmed the shipment, and the goods have left; the order must follow whatever the
    confirming user may read. Refusals belong in :func:`check_shipment_confirming`.
    """
    if shipment.origin_type != ORIGIN_TYPE:
        return
    order = _shipped_order(session, shipment)
    values = list(session.scalars(
        select(SalesOrderLine).where(SalesOrderLine.order_id == order.id)
        .order_by(SalesOrderLine.position, SalesOrderLine.id).execution_options(**unscoped())))
    order_lines_by_id = {line.id: line for line in values}
    for item in lines:
        line = order_lines_by_id.get(int(item.origin_line_id or 0))
        if line is not None:
            line.shipped_quantity += Decimal(str(item.quantity))
    session.flush()
    # the workflow's guards and hooks get the lines just updated (not read a second time)
    if fully_shipped(values):
        apply(session, order, "ship_fully", note=f"shipment {shipment.number}", lines=values)
    elif order.state != "partially_shipped" and any(line.shipped_quantity > 0 for line in values):
        apply(session, order, "ship_partially", note=f"shipment {shipment.number}", lines=values)
