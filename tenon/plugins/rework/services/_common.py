"""Small helpers shared by rework's services: decimals, text, unscoped bookkeeping reads."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from tenon.core.access import unscoped
from tenon.core.errors import ValidationError

FOUR = Decimal("0.0001")
ORIGIN_TYPE = "rework.order"
#: mrp's and orders' origin type of a work order made for a sales order line
SALES_ORDER = "orders.sales_order"
MAX_QUANTITY = Decimal(10) ** 12
MAX_MATERIAL_LINES = 50
MAX_NOTES = 2000


def dec(value: Any) -> Decimal:
    """A database value (a float on SQLite) as a 4-decimal Decimal (``None`` is 0)."""
    if value is None:
        return Decimal(0)
    return Decimal(str(value)).quantize(FOUR)


def number(value: Any, field: str, *, positive: bool = True) -> Decimal:
    """Client input as a Decimal with at most 4 decimals, below 10^12; ``VALIDATION`` naming ``field``."""
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{field} must be a number", field=field) from None
    if not d.is_finite() or d != d.quantize(FOUR) or abs(d) >= MAX_QUANTITY:
        raise ValidationError(f"{field} must be a number below 10^12 with at most 4 decimals", field=field)
    if d < 0 or (d == 0 and positive):
        raise ValidationError(f"{field} must be {'positive' if positive else 'zero or more'}", field=field)
    return d.quantize(FOUR)



def all_rows(session: Session, stmt: Select[Any]) -> list[Any]:
    """Rows across the actor's row scopes: rework's own bookkeeping (the rework order of a work
    order someone reported on), never the answer to a client's read."""
    return list(session.scalars(stmt, execution_options=unscoped()))


def has_orders(session: Session) -> bool:
    return bool(session.info["app"].has_plugin("orders"))
