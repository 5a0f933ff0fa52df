"""The sales order workflow as data: :data:`TRANSITIONS` (source states, target, one guard each)
and :func:`_apply`, through which every state change goes.

:func:`_apply` asks the pre-step hook (``tenon_orders_sales_order_confirming``) before a
confirmation, records a :class:`SalesOrderStateChange` row (time, from, to, actor), notifies the
past-tense hooks (``…_state_changed``, ``…_confirmed``) and publishes the after-commit event
``orders.sales_order.state_changed``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tenon.core.access import unscoped
from tenon.core.db import current_actor, utcnow
from tenon.core.errors import NotFound, TenonError, ValidationError
from tenon.core.events import publish
from tenon.plugins.stock import Shipment, ShipmentLine

from ..models import OPEN_STATES, SHIPPABLE_STATES, Customer, SalesOrder, SalesOrderLine, SalesOrderStateChange
from ..events import SalesOrderStateChanged
from ._common import ORIGIN_TYPE, ZERO


class CreditLimitExceeded(TenonError):
    code = "CREDIT_LIMIT_EXCEEDED"


def _open_shipment_quantities(session: Session, order_id: int) -> dict[int, Decimal]:
    """Per order line: the quantity in this order's stock shipments that are not done yet."""
    rows = session.execute(
        select(ShipmentLine.origin_line_id, func.sum(ShipmentLine.quantity))
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .where(Shipment.origin_type == ORIGIN_TYPE, Shipment.origin_id == order_id,
               Shipment.state.not_in(("done", "cancelled")))
        .group_by(ShipmentLine.origin_line_id)
    ).all()
    return {int(line_id): Decimal(qty or 0) for line_id, qty in rows if line_id is not None}


def _fully_shipped(lines: Sequence[SalesOrderLine]) -> bool:
    return bool(lines) and all(line.shipped_quantity >= line.quantity for line in lines)


def _guard_confirm(session: Session, order: SalesOrder, lines: Sequence[SalesOrderLine]) -> None:
    if not lines:
        raise ValidationError(f"sales order {order.number} has no lines", field="lines")
    customer = session.scalar(select(Customer).where(Customer.id == order.customer_id))
    if customer is None:
        raise NotFound(f"no customer {order.customer_id}", field="customerId")
    if not customer.active:
        raise ValidationError(f"customer {customer.code} is inactive", field="customerId")
    if customer.credit_limit is not None:
        exposure = _open_value(session, customer.id) + sum(
            (line.quantity * line.unit_price for line in lines), ZERO)
        if exposure > customer.credit_limit:
            raise CreditLimitExceeded(
                f"confirming {order.number} brings {customer.code}'s open orders to {exposure:.2f}, "
                f"over its credit limit of {customer.credit_limit:.2f}",
                field="customerId", details={"openValue": str(exposure), "creditLimit": str(customer.credit_limit)})


def _open_value(session: Session, customer_id: int) -> Decimal:
    value = session.scalar(
        select(func.sum((SalesOrderLine.quantity - SalesOrderLine.shipped_quantity) * SalesOrderLine.unit_price))
        .join(SalesOrder, SalesOrder.id == SalesOrderLine.order_id)
        .where(SalesOrder.customer_id == customer_id, SalesOrder.state.in_(OPEN_STATES),
               SalesOrderLine.shipped_quantity < SalesOrderLine.quantity)
        .execution_options(**unscoped())  # credit exposure counts every region's orders
    )
    return Decimal(value or 0)


def _guard_none(session: Session, order: SalesOrder, lines: Sequence[SalesOrderLine]) -> None:
    return None


def _guard_produced(session: Session, order: SalesOrder, lines: Sequence[SalesOrderLine]) -> None:
    short = [line.position for line in lines if line.produced_quantity < line.quantity - line.shipped_quantity]
    if short:
        raise ValidationError(f"sales order {order.number}: line(s) {short} are not produced yet", field="lines")


def _guard_partially_shipped(session: Session, order: SalesOrder, lines: Sequence[SalesOrderLine]) -> None:
    if not any(line.shipped_quantity > 0 for line in lines) or _fully_shipped(lines):
        raise ValidationError(f"sales order {order.number} is not partially shipped", field="lines")


def _guard_fully_shipped(session: Session, order: SalesOrder, lines: Sequence[SalesOrderLine]) -> None:
    if not _fully_shipped(lines):
        raise ValidationError(f"sales order {order.number} is not fully shipped", field="lines")


def _guard_cancel(session: Session, order: SalesOrder, lines: Sequence[SalesOrderLine]) -> None:
    if any(line.shipped_quantity > 0 for line in lines) or _open_shipment_quantities(session, order.id):
        raise ValidationError(f"sales order {order.number} has shipments; it cannot be cancelled", field="state")


Guard = Callable[[Session, SalesOrder, Sequence[SalesOrderLine]], None]


@dataclass(frozen=True)
class Transition:
    """One edge of the order workflow: ``action`` moves an order from one of ``source`` to
    ``target`` when ``guard`` (raising a ``TenonError``) lets it."""

    action: str
    source: tuple[str, ...]
    target: str
    guard: Guard
    verb: str  # for messages: "confirmed", "cancelled"


#: The sales order workflow. ``ship_partially``/``ship_fully`` follow stock's done shipments;
#: ``start_production``/``finish_production`` are driven by production (mrp) through
#: :func:`mark_in_production`, :func:`record_produced` and :func:`mark_ready`.
TRANSITIONS: tuple[Transition, ...] = (
    Transition("confirm", ("draft",), "confirmed", _guard_confirm, "confirmed"),
    Transition("start_production", ("confirmed",), "in_production", _guard_none, "put in production"),
    Transition("finish_production", ("in_production",), "ready", _guard_produced, "marked ready"),
    Transition("ship_partially", ("confirmed", "in_production", "ready"), "partially_shipped",
               _guard_partially_shipped, "shipped"),
    Transition("ship_fully", SHIPPABLE_STATES, "shipped", _guard_fully_shipped, "shipped"),
    Transition("close", ("shipped",), "done", _guard_fully_shipped, "closed"),
    Transition("cancel", ("draft", "confirmed"), "cancelled", _guard_cancel, "cancelled"),
)


def transition_for(order: SalesOrder, action: str) -> Transition:
    """The transition ``action`` from the order's current state.

    :raises ValidationError: (``VALIDATION``, field ``state``) the action is illegal
        in that state; the message and ``details.state`` name it.
    """
    candidates = [t for t in TRANSITIONS if t.action == action]
    if not candidates:
        raise ValueError(f"unknown sales order action {action!r}")
    for t in candidates:
        if order.state in t.source:
            return t
    allowed = sorted({s for t in candidates for s in t.source})
    raise ValidationError(
        f"sales order {order.number} is {order.state}; it cannot be {candidates[0].verb} "
        f"(only from {', '.join(allowed)})",
        field="state", details={"state": order.state, "action": action, "allowedFrom": allowed},
    )


def order_lines(session: Session, order_id: int) -> list[SalesOrderLine]:
    """The lines of an order, by position (scoped like the order)."""
    return list(session.scalars(
        select(SalesOrderLine).where(SalesOrderLine.order_id == order_id)
        .order_by(SalesOrderLine.position, SalesOrderLine.id)
    ))


def _record(session: Session, order: SalesOrder, from_state: str | None, to_state: str, note: str = "") -> None:
    actor = current_actor(session)
    session.add(SalesOrderStateChange(order_id=order.id, region_code=order.region_code, from_state=from_state,
                                      to_state=to_state, at=utcnow(), actor=actor.username if actor else None,
                                      note=note[:500]))
    session.flush()
    session.info["app"].hooks.notify("tenon_orders_sales_order_state_changed", session=session, order=order,
                                     from_state=from_state, to_state=to_state, actor=actor)
    publish(session, SalesOrderStateChanged(order_id=order.id, number=order.number, region_code=order.region_code,
                                            from_state=from_state, to_state=to_state))


def _apply(session: Session, order: SalesOrder, action: str, *, note: str = "",
           before: Callable[[SalesOrder], None] | None = None) -> SalesOrder:
    t = transition_for(order, action)
    lines = order_lines(session, order.id)
    t.guard(session, order, lines)
    hooks = session.info["app"].hooks
    if action == "confirm":
        hooks.ask("tenon_orders_sales_order_confirming", session=session, order=order, lines=lines,
                  actor=current_actor(session))
    if before is not None:
        before(order)
    from_state = order.state
    order.state = t.target
    session.flush()
    _record(session, order, from_state, t.target, note)
    if action == "confirm":
        hooks.notify("tenon_orders_sales_order_confirmed", session=session, order=order, lines=lines,
                     actor=current_actor(session))
    return order
