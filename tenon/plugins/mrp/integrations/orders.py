"""mrp ↔ orders (optional): work orders for make-to-order lines of a confirmed sales order,
cancellation rules, and the order's progress following its work orders.

Imported only when orders is installed (from ``plugin.py``'s ``optionalhook`` implementations
of orders' hooks, and from :mod:`..services.partners`). The only mrp module that imports
``tenon.plugins.orders``.

* A line gets a work order when its product is flagged make-to-order
  (``productMrpSettingSet(makeToOrder: true)``) or, with the site setting
  ``[mrp] make_to_order_when_short = true``, when available stock is below the line quantity.
  Due date: the line's, else the order's requested date; priority from the order's
  (low 0, normal 10, high 20, urgent 30).
* Cancelling the order cancels its draft and released work orders, and refuses with
  ``PRODUCTION_STARTED`` when one is in progress or done.
* Starting a work order moves the order to ``in_production``; each finished-goods receipt adds
  to the line's produced quantity (orders makes the order ``ready`` when everything is made).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.plugins.orders import SalesOrder, SalesOrderLine, mark_in_production, record_produced
from tenon.plugins.stock import available

from ..errors import ProductionStarted
from ..models import ProductSetting, WorkOrder
from ..services._common import dec
from ..services.partners import SALES_ORDER
from ..services.work_orders import cancel_work_order, create_work_order

PRIORITY = {"low": 0, "normal": 10, "high": 20, "urgent": 30}


def _made_to_order(session: Session, line: SalesOrderLine, flagged: set[int], when_short: bool) -> bool:
    if line.product_id in flagged:
        return True
    return when_short and available(session, line.product_id) < dec(line.quantity)


def on_order_confirmed(session: Session, order: SalesOrder, lines: Sequence[SalesOrderLine]) -> list[WorkOrder]:
    """One draft work order per make-to-order line, linked to the line."""
    app = session.info["app"]
    when_short = bool(app.site.config.get("mrp", {}).get("make_to_order_when_short", False))
    flagged = set(session.scalars(select(ProductSetting.product_id).where(
        ProductSetting.product_id.in_([ln.product_id for ln in lines]), ProductSetting.make_to_order.is_(True))))
    out = []
    for line in lines:
        if _made_to_order(session, line, flagged, when_short):
            out.append(create_work_order(session, product_id=line.product_id, quantity=dec(line.quantity),
                                         due_date=line.due_date or order.requested_date,
                                         priority=PRIORITY.get(order.priority, 10), origin_type=SALES_ORDER,
                                         origin_id=order.id, origin_line_id=line.id))
    return out


def on_order_cancelling(session: Session, order: SalesOrder) -> None:
    """Cancel the order's unstarted work orders; refuse once production started."""
    wos = list(session.scalars(select(WorkOrder).where(WorkOrder.origin_type == SALES_ORDER,
                                                       WorkOrder.origin_id == order.id).order_by(WorkOrder.id)))
    started = [w.number for w in wos if w.state in ("in_progress", "done")]
    if started:
        raise ProductionStarted(f"production of sales order {order.number} has started ({', '.join(started)}); "
                                f"it cannot be cancelled", field="id", details={"workOrders": started})
    for wo in wos:
        if wo.state in ("draft", "released"):
            cancel_work_order(session, wo.id, reason=f"sales order {order.number} cancelled")


def on_work_order_started(session: Session, wo: WorkOrder) -> None:
    """The sales order goes ``in_production`` (once: later work orders leave it there)."""
    order = session.scalar(select(SalesOrder).where(SalesOrder.id == wo.origin_id))
    if order is not None and order.state == "confirmed":
        mark_in_production(session, order.id)


def on_produced(session: Session, wo: WorkOrder, quantity: Decimal) -> None:
    """Add the received quantity to the line's produced quantity."""
    order = session.scalar(select(SalesOrder).where(SalesOrder.id == wo.origin_id))
    if order is not None and order.state in ("confirmed", "in_production"):
        if order.state == "confirmed":
            mark_in_production(session, order.id)
        record_produced(session, wo.origin_line_id, quantity)
