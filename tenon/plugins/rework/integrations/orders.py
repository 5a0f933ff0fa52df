"""rework ↔ orders (optional): customer returns of shipped sales order lines, the sales order's
region on its rework orders, and the region row scope.

Imported only when orders is installed (from ``plugin.py`` and the services, after
``app.has_plugin("orders")``). The only rework module that imports ``tenon.plugins.orders``.

Region scope: a user whose ``rework.order`` read policy names the scope ``region`` (the sales
rep) sees the rework orders of the sales orders she may see, that is of her regions (and the
regions below them), decided by orders' own region scope on ``SalesOrder``; rework orders of no
sales order are not hers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from tenon.core.access import unscoped
from tenon.core.errors import InvalidState
from tenon.core.ids import get_record
from tenon.plugins.orders import ORIGIN_TYPE, SalesOrder, SalesOrderLine
from tenon.plugins.stock import Move, Shipment, ShipmentLine


def region_scope(model: type, values: list[Any]) -> ColumnElement[bool]:
    """Row-scope criterion: the rework order's sales order is one the actor may read (orders'
    region scope applies to the subquery)."""
    return model.sales_order_id.in_(select(SalesOrder.id))  # type: ignore[attr-defined]


def region_of(session: Session, order_id: int) -> str | None:
    """The region of a sales order (bookkeeping: copied onto the rework order)."""
    return session.scalar(select(SalesOrder.region_code).where(SalesOrder.id == order_id)
                          .execution_options(**unscoped()))


def shipped_line(session: Session, line_id: Any) -> tuple[SalesOrderLine, SalesOrder]:
    """A sales order line the actor may read (``NOT_FOUND`` otherwise) whose order shipped something."""
    line = get_record(session, SalesOrderLine, line_id, field="salesOrderLineId", what="sales order line")
    order = session.scalar(select(SalesOrder).where(SalesOrder.id == line.order_id))
    if order is None or line.shipped_quantity <= 0:
        raise InvalidState("nothing of this line was shipped", field="salesOrderLineId",
                           details={"state": order.state if order is not None else None})
    return line, order


def shipped_lot(session: Session, order_id: int, line_id: int) -> int | None:
    """The lot last shipped on a sales order line (the done moves of its shipments), if any."""
    return session.scalar(select(Move.lot_id).join(ShipmentLine, ShipmentLine.id == Move.origin_line_id)
                          .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
                          .where(Move.origin_type == "stock.shipment", Move.origin_id == Shipment.id,
                                 Move.state == "done", Move.lot_id.is_not(None),
                                 Shipment.origin_type == ORIGIN_TYPE, Shipment.origin_id == order_id,
                                 ShipmentLine.origin_line_id == line_id)
                          .order_by(Move.id.desc()).limit(1))
