"""The sales order life cycle, declared with ``tenon_workflows`` (:mod:`tenon.core.workflow`).

Every state change of an order goes through ``SALES_ORDER.apply(session, order, action, lines=...)``
(the order's lines, in position order, for the guards and the hooks):

=====================  ==============================================  ==========================================
action                 from → to                                       guard, hooks
=====================  ==============================================  ==========================================
``confirm``            draft → confirmed                               lines, active customer, credit limit
                                                                       (``CREDIT_LIMIT_EXCEEDED``); asks
                                                                       ``tenon_orders_sales_order_confirming``;
                                                                       then ``…_confirmed`` (see below)
``start_production``   confirmed → in_production                       (production, mrp)
``finish_production``  in_production → ready                           every open quantity produced
``ship_partially``     confirmed, in_production, ready →               some, not all, shipped (stock's done
                       partially_shipped                               shipment)
``ship_fully``         confirmed, in_production, ready,                everything shipped
                       partially_shipped → shipped
``close``              shipped → done                                  everything shipped
``cancel``             draft, confirmed → cancelled                    nothing shipped or in an open shipment;
                                                                       asks ``…_cancelling``
=====================  ==============================================  ==========================================

An action the order's state does not allow is ``INVALID_STATE``; a guard's refusal is
``VALIDATION`` (``CREDIT_LIMIT_EXCEEDED`` for the credit limit). Every change writes a
:class:`~tenon.plugins.orders.models.SalesOrderStateChange` row (``record``), notifies
``tenon_orders_sales_order_state_changed`` (``changed``) and publishes
``orders.sales_order.state_changed`` (after commit). ``tenon_orders_sales_order_confirmed`` is
notified by ``confirm_sales_order`` after all of that (not as the transition's ``after`` hook), so a
change an implementation makes (mrp puts the order in production) is recorded, notified and
published after the confirmation itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tenon.core.access import unscoped
from tenon.core.db import current_actor, utcnow
from tenon.core.errors import NotFound, ValidationError
from tenon.core.events import publish
from tenon.core.workflow import StateChange, Transition, Workflow
from tenon.plugins.stock import Shipment, ShipmentLine

from .errors import CreditLimitExceeded
from .events import SalesOrderStateChanged
from .models import OPEN_STATES, SHIPPABLE_STATES, STATES, Customer, SalesOrder, SalesOrderLine, SalesOrderStateChange
from .services._common import ORIGIN_TYPE, ZERO


def open_shipment_quantities(session: Session, order_id: int) -> dict[int, Decimal]:
    """Per order line: the quantity in this order's stock shipments that are not done yet."""
    rows = session.execute(
        select(ShipmentLine.origin_line_id, func.sum(ShipmentLine.quantity))
        .join(Shipment, Shipment.id == ShipmentLine.shipment_id)
        .where(Shipment.origin_type == ORIGIN_TYPE, Shipment.origin_id == order_id,
               Shipment.state.not_in(("done", "cancelled")))
        .group_by(ShipmentLine.origin_line_id)
    ).all()
    return {int(line_id): Decimal(qty or 0) for line_id, qty in rows if line_id is not None}


def fully_shipped(lines: Sequence[SalesOrderLine]) -> bool:
    """Whether every line is shipped in full (and there is at least one)."""
    return bool(lines) and all(line.shipped_quantity >= line.quantity for line in lines)


def _open_value(session: Session, customer_id: int) -> Decimal:
    value = session.scalar(
        select(func.sum((SalesOrderLine.quantity - SalesOrderLine.shipped_quantity) * SalesOrderLine.unit_price))
        .join(SalesOrder, SalesOrder.id == SalesOrderLine.order_id)
        .where(SalesOrder.customer_id == customer_id, SalesOrder.state.in_(OPEN_STATES),
               SalesOrderLine.shipped_quantity < SalesOrderLine.quantity)
        .execution_options(**unscoped())  # credit exposure counts every region's orders
    )
    return Decimal(value or 0)


# --------------------------------------------------------------------------- guards


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


def guard_produced(session: Session, order: SalesOrder, lines: Sequence[SalesOrderLine]) -> None:
    """Refuse ``finish_production`` while a line's open quantity is not produced (``VALIDATION``)."""
    short = [line.position for line in lines if line.produced_quantity < line.quantity - line.shipped_quantity]
    if short:
        raise ValidationError(f"sales order {order.number}: line(s) {short} are not produced yet", field="lines")


def _guard_partially_shipped(session: Session, order: SalesOrder, lines: Sequence[SalesOrderLine]) -> None:
    if not any(line.shipped_quantity > 0 for line in lines) or fully_shipped(lines):
        raise ValidationError(f"sales order {order.number} is not partially shipped", field="lines")


def _guard_fully_shipped(session: Session, order: SalesOrder, lines: Sequence[SalesOrderLine]) -> None:
    if not fully_shipped(lines):
        raise ValidationError(f"sales order {order.number} is not fully shipped", field="lines")


def _guard_cancel(session: Session, order: SalesOrder, lines: Sequence[SalesOrderLine]) -> None:
    if any(line.shipped_quantity > 0 for line in lines) or open_shipment_quantities(session, order.id):
        raise ValidationError(f"sales order {order.number} has shipments; it cannot be cancelled", field="state")


# --------------------------------------------------------------------------- history


def _history(session: Session, change: StateChange) -> None:
    order = change.record
    session.add(SalesOrderStateChange(order_id=order.id, region_code=order.region_code, from_state=change.from_state,
                                      to_state=change.to_state, at=utcnow(),
                                      actor=change.actor.username if change.actor else None, note=change.note[:500]))


def _event(change: StateChange) -> SalesOrderStateChanged:
    order = change.record
    return SalesOrderStateChanged(order_id=order.id, number=order.number, region_code=order.region_code,
                                  from_state=change.from_state, to_state=change.to_state)


def record_created(session: Session, order: SalesOrder) -> None:
    """A new (draft) order's first history row, hook and event (``from_state`` ``None``): creation is
    not a transition, but it is recorded, notified and published like one."""
    change = StateChange(record=order, action="create", from_state=None, to_state=order.state,  # type: ignore[arg-type]
                         actor=current_actor(session))
    _history(session, change)
    session.info["app"].hooks.notify("tenon_orders_sales_order_state_changed", session=session, order=order,
                                     from_state=None, to_state=order.state, actor=change.actor)
    publish(session, _event(change))


#: The sales order workflow. ``ship_partially``/``ship_fully`` follow stock's done shipments;
#: ``start_production``/``finish_production`` are driven by production (mrp) through
#: ``mark_in_production``, ``record_produced`` and ``mark_ready``.
SALES_ORDER = Workflow(
    name="orders.sales_order", label="sales order", subject="order", states=STATES,
    transitions=[
        # ``tenon_orders_sales_order_confirmed`` is notified by confirm_sales_order once this change is
        # recorded, notified (``changed``) and published, so that a change its implementations make
        # (mrp: ``mark_in_production``) is seen after this one by every listener; a transition's
        # ``after`` hook would run before ``changed`` and the event.
        Transition("confirm", ("draft",), "confirmed", guard=_guard_confirm, verb="confirmed",
                   before="tenon_orders_sales_order_confirming"),
        Transition("start_production", ("confirmed",), "in_production", verb="put in production"),
        Transition("finish_production", ("in_production",), "ready", guard=guard_produced, verb="marked ready"),
        Transition("ship_partially", ("confirmed", "in_production", "ready"), "partially_shipped",
                   guard=_guard_partially_shipped, verb="shipped"),
        Transition("ship_fully", SHIPPABLE_STATES, "shipped", guard=_guard_fully_shipped, verb="shipped"),
        Transition("close", ("shipped",), "done", guard=_guard_fully_shipped, verb="closed"),
        Transition("cancel", ("draft", "confirmed"), "cancelled", guard=_guard_cancel, verb="cancelled",
                   before="tenon_orders_sales_order_cancelling"),
    ],
    record=_history,
    changed="tenon_orders_sales_order_state_changed",
    event=_event,
)

WORKFLOWS = (SALES_ORDER,)
