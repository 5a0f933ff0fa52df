"""Small helpers shared by mrp's services: decimals, text, the actor, unscoped reads."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from tenon.core.access import unscoped
from tenon.core.errors import ValidationError

FOUR = Decimal("0.0001")


def dec(value: Any) -> Decimal:
    """A database value (a float on SQLite) as a 4-decimal Decimal (``None`` is 0)."""
    if value is None:
        return Decimal(0)
    return Decimal(str(value)).quantize(FOUR)


def number(value: Any, field: str, *, positive: bool = False, allow_zero: bool = True,
           maximum: Decimal | None = None) -> Decimal:
    """Client input as a Decimal with at most 4 decimals; ``VALIDATION`` naming ``field``."""
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{field} must be a number", field=field) from None
    if not d.is_finite() or d != d.quantize(FOUR) or abs(d) >= Decimal(10) ** 14:
        raise ValidationError(f"{field} must be a number with at most 4 decimals", field=field)
    if d < 0 or (d == 0 and (positive or not allow_zero)):
        raise ValidationError(f"{field} must be {'positive' if positive or not allow_zero else 'zero or more'}",
                              field=field)
    if maximum is not None and d > maximum:
        raise ValidationError(f"{field} must be at most {maximum}", field=field)
    return d.quantize(FOUR)




def all_rows(session: Session, stmt: Select[Any]) -> list[Any]:
    """Rows of ``stmt`` across the actor's row scopes: mrp's own bookkeeping after the access
    check on the record the client named (e.g. the next operation at another work center)."""
    return list(session.scalars(stmt, execution_options=unscoped()))
