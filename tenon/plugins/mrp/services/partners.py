"""Where mrp's services reach stock's documents and, when it is installed, orders.

orders is optional: these functions call :mod:`..integrations.orders` (the only module that
imports ``tenon.plugins.orders``) only when ``app.has_plugin("orders")`` and the work order came
from a sales order line.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.access import scopes_lifted
from tenon.plugins.stock import Requisition, cancel_requisition, close_requisition

from ..models import WorkOrder
from ._common import all_rows

SALES_ORDER = "orders.sales_order"


@contextlib.contextmanager
def as_system(session: Session) -> Iterator[None]:
    """Lift the actor's row scopes while mrp carries out a reaction it owes the partner (an
    operator who reports the last operation moves the sales order on, without reading orders)."""
    with scopes_lifted(session):
        yield


def end_requisition(session: Session, requisition_id: int) -> None:
    """Cancel a work order's requisition, or close it when something was issued already."""
    req = all_rows(session, select(Requisition).where(Requisition.id == requisition_id))
    if not req:
        return
    with as_system(session):
        if req[0].state in ("draft", "approved"):
            cancel_requisition(session, req[0].id)
        elif req[0].state in ("partially_issued", "issued"):
            close_requisition(session, req[0].id)


def _with_orders(session: Session, wo: WorkOrder) -> bool:
    return wo.origin_type == SALES_ORDER and wo.origin_id is not None and session.info["app"].has_plugin("orders")


def work_order_started(session: Session, wo: WorkOrder) -> None:
    """Production started on a work order: its sales order goes ``in_production``."""
    if _with_orders(session, wo):
        from ..integrations.orders import on_work_order_started

        with as_system(session):
            on_work_order_started(session, wo)


def work_order_produced(session: Session, wo: WorkOrder, quantity: Decimal) -> None:
    """Finished goods were received: the sales order line's produced quantity follows."""
    if _with_orders(session, wo) and wo.origin_line_id is not None and wo.kind != "rework":
        from ..integrations.orders import on_produced

        with as_system(session):
            on_produced(session, wo, quantity)
