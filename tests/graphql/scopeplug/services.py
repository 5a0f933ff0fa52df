"""The domain of scopeplug: plain sync functions ``verb_noun(session, ...)``.

Every read is an ORM ``select(Model)``, so the kernel's row scopes apply: a
record outside the actor's regions is simply not found.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tenon.core.errors import NotFound, ValidationError

from .models import Customer, Order


def get_customer(session: Session, customer_id: int) -> Customer:
    """The customer, if the actor may see it; else ``NOT_FOUND`` (same answer as a missing id)."""
    customer = session.scalar(select(Customer).where(Customer.id == customer_id))
    if customer is None:
        raise NotFound(f"no customer {customer_id}", field="id")
    return customer


def get_order(session: Session, order_id: int) -> Order:
    """The order, if the actor may see it; else ``NOT_FOUND`` (same answer as a missing id)."""
    order = session.scalar(select(Order).where(Order.id == order_id))
    if order is None:
        raise NotFound(f"no order {order_id}", field="id")
    return order


def update_order(session: Session, order_id: int, amount: Decimal) -> Order:
    """Set an order's amount (not negative)."""
    if amount < 0:
        raise ValidationError("amount must not be negative", field="input.amount")
    order = get_order(session, order_id)
    order.amount = amount
    session.flush()
    return order


def rename_customer(session: Session, customer_id: int, name: str) -> Customer:
    """Give a customer a new (non-empty) name."""
    name = name.strip()
    if not name:
        raise ValidationError("name must not be empty", field="input.name")
    customer = get_customer(session, customer_id)
    customer.name = name
    session.flush()
    return customer


def order_stats(session: Session) -> tuple[int, Decimal]:
    """How many orders the actor may see and their total amount (one aggregate statement)."""
    count, total = session.execute(select(func.count(Order.id), func.sum(Order.amount))).one()
    return int(count), Decimal(total or 0)


# --------------------------------------------------------------------- DataLoader batches (one select each)


def orders_by_customer(session: Session, keys: Sequence[int]) -> list[list[Order]]:
    grouped: dict[int, list[Order]] = defaultdict(list)
    for order in session.scalars(select(Order).where(Order.customer_id.in_(keys)).order_by(Order.id)):
        grouped[order.customer_id].append(order)
    return [grouped.get(k, []) for k in keys]


def orders_by_item(session: Session, keys: Sequence[int]) -> list[list[Order]]:
    grouped: dict[int, list[Order]] = defaultdict(list)
    for order in session.scalars(select(Order).where(Order.item_id.in_(keys)).order_by(Order.id)):
        grouped[order.item_id].append(order)
    return [grouped.get(k, []) for k in keys]


