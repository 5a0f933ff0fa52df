"""Sales orders: create and edit, and the sales-side transitions (confirm, cancel, close)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.db import utcnow
from tenon.core.errors import Conflict, InvalidState, NotFound, ValidationError
from tenon.core.ids import decode_id
from tenon.core.sequences import next_number
from tenon.plugins.stock import Product

from ..models import OPEN_STATES, PRIORITIES, SalesOrder, SalesOrderLine
from ..workflows import SALES_ORDER, record_created
from ._common import _UNSET, ORDER_SEQUENCE, _decimal
from .customers import get_customer


def get_sales_order(session: Session, order_id: int | str, *, field_name: str = "id") -> SalesOrder:
    """The order, if the actor's scope covers it; else ``NOT_FOUND`` (a malformed id: ``VALIDATION``)."""
    order_id = decode_id(order_id, field_name)
    order = session.scalar(select(SalesOrder).where(SalesOrder.id == order_id))
    if order is None:
        raise NotFound(f"no sales order {order_id}", field=field_name)
    return order


def order_lines(session: Session, order_id: int) -> list[SalesOrderLine]:
    """The lines of an order, by position (scoped like the order)."""
    return list(session.scalars(
        select(SalesOrderLine).where(SalesOrderLine.order_id == order_id)
        .order_by(SalesOrderLine.position, SalesOrderLine.id)
    ))


def apply(session: Session, order: SalesOrder, action: str, *, note: str = "",
          lines: Sequence[SalesOrderLine] | None = None) -> SalesOrder:
    """Move ``order`` by ``action`` through :data:`~tenon.plugins.orders.workflows.SALES_ORDER`
    (its lines are given to the guards and hooks).

    :param lines: the order's lines, all of them, when the caller holds them already (else read).
    """
    if lines is None:
        lines = order_lines(session, order.id)
    SALES_ORDER.apply(session, order, action, note=note, lines=list(lines))
    return order


def _build_lines(session: Session, order: SalesOrder, lines: Sequence[Mapping[str, Any]]) -> list[SalesOrderLine]:
    if not lines:
        raise ValidationError("an order needs at least one line", field="lines")
    product_ids = {int(line["product_id"]) for line in lines}
    known = set(session.scalars(select(Product.id).where(Product.id.in_(product_ids))))
    out = []
    for i, line in enumerate(lines):
        pid = int(line["product_id"])
        if pid not in known:
            raise ValidationError(f"no product {pid}", field=f"lines[{i}].productId")
        qty = _decimal(line.get("quantity"), f"lines[{i}].quantity")
        if qty <= 0:
            raise ValidationError("quantity must be positive", field=f"lines[{i}].quantity")
        price = _decimal(line.get("unit_price", 0) or 0, f"lines[{i}].unitPrice")
        if price < 0:
            raise ValidationError("unit price must not be negative", field=f"lines[{i}].unitPrice")
        out.append(SalesOrderLine(order_id=order.id, region_code=order.region_code, position=i + 1, product_id=pid,
                                  quantity=qty, unit_price=price, due_date=line.get("due_date")))
    return out


def _priority(value: str) -> str:
    if value not in PRIORITIES:
        raise ValidationError(f"priority must be one of {', '.join(PRIORITIES)}", field="priority")
    return value


def create_sales_order(
    session: Session,
    *,
    customer_id: int,
    lines: Sequence[Mapping[str, Any]],
    order_date: dt.date | None = None,
    requested_date: dt.date | None = None,
    priority: str = "normal",
    customer_reference: str = "",
    notes: str = "",
) -> SalesOrder:
    """Create a draft order numbered from ``orders.sales_order`` (``SO-2026-00042``).

    :param customer_id: the customer; outside the actor's regions it is ``NOT_FOUND``.
    :param lines: ``{"product_id", "quantity", "unit_price", "due_date"}`` dicts.
    :returns: the order; its region is the customer's.
    """
    customer = get_customer(session, customer_id, field_name="customerId")
    if not customer.active:
        raise ValidationError(f"customer {customer.code} is inactive", field="customerId")
    order_date = order_date or utcnow().date()
    if requested_date is not None and requested_date < order_date:
        raise ValidationError("the requested date is before the order date", field="requestedDate")
    order = SalesOrder(number=next_number(session, ORDER_SEQUENCE), customer_id=customer.id,
                       region_code=customer.region_code, state="draft", order_date=order_date,
                       requested_date=requested_date, priority=_priority(priority),
                       customer_reference=customer_reference.strip(), notes=notes)
    session.add(order)
    session.flush()
    session.add_all(_build_lines(session, order, lines))
    session.flush()
    record_created(session, order)
    return order


def update_sales_order(
    session: Session,
    order_id: int,
    *,
    version: int | None = None,
    requested_date: dt.date | None = _UNSET,
    priority: str | None = None,
    customer_reference: str | None = None,
    notes: str | None = None,
    lines: Sequence[Mapping[str, Any]] | None = None,
) -> SalesOrder:
    """Edit an order. Header fields may change until it is shipped, done or cancelled;
    ``lines`` (the complete new list) only while it is a draft.

    :param version: the version the client edited; a newer one is a ``CONFLICT``.
    """
    order = get_sales_order(session, order_id)
    if version is not None and version != order.version:
        raise Conflict(f"sales order {order.number} was changed by someone else; reload it", field="version")
    if order.state not in ("draft", *OPEN_STATES):
        raise InvalidState(f"sales order {order.number} is {order.state}; it cannot be edited", field="state",
                              details={"state": order.state})
    if requested_date is not _UNSET:
        if requested_date is not None and requested_date < order.order_date:
            raise ValidationError("the requested date is before the order date", field="requestedDate")
        order.requested_date = requested_date
    if priority is not None:
        order.priority = _priority(priority)
    if customer_reference is not None:
        order.customer_reference = customer_reference.strip()
    if notes is not None:
        order.notes = notes
    if lines is not None:
        if order.state != "draft":
            raise InvalidState(f"sales order {order.number} is {order.state}; only a draft's lines can change",
                                  field="state", details={"state": order.state})
        for old in order_lines(session, order.id):
            session.delete(old)
        session.flush()
        session.add_all(_build_lines(session, order, lines))
    order.updated_at = utcnow()  # bumps the version even when only lines changed
    session.flush()
    return order


def confirm_sales_order(session: Session, order_id: int) -> SalesOrder:
    """``draft`` → ``confirmed``: asks ``tenon_orders_sales_order_confirming`` first (which may veto),
    then notifies ``tenon_orders_sales_order_confirmed``."""
    order = get_sales_order(session, order_id)
    change = SALES_ORDER.apply(session, order, "confirm", lines=order_lines(session, order.id))
    session.info["app"].hooks.notify("tenon_orders_sales_order_confirmed", session=session, order=order,
                                     lines=change.args["lines"], actor=change.actor)
    return order


def cancel_sales_order(session: Session, order_id: int, *, reason: str = "") -> SalesOrder:
    """``draft``/``confirmed`` → ``cancelled`` when nothing is shipped or in an open shipment;
    calls ``tenon_orders_sales_order_cancelling`` first (which may veto)."""
    order = get_sales_order(session, order_id)
    SALES_ORDER.transition(order, "cancel")  # INVALID_STATE before the reason is touched
    order.cancel_reason = reason.strip()[:500]
    return apply(session, order, "cancel", note=reason)


def close_sales_order(session: Session, order_id: int) -> SalesOrder:
    """``shipped`` → ``done``: the sales side is finished with the order."""
    return apply(session, get_sales_order(session, order_id), "close")
