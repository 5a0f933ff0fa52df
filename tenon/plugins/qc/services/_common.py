"""Small helpers shared by qc's services: decimals, text, the actor, unscoped reads."""

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
        return Decimal(0).quantize(FOUR)
    return Decimal(str(value)).quantize(FOUR)


def decimal_in(value: Any, field: str, *, places: int = 6) -> Decimal:
    """Client input as a finite Decimal with at most ``places`` decimals; ``VALIDATION`` naming ``field``."""
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{field} must be a number", field=field) from None
    if not d.is_finite() or abs(d) >= Decimal(10) ** 12:
        raise ValidationError(f"{field} must be a finite number below 10^12", field=field)
    if d != d.quantize(Decimal(1).scaleb(-places)):
        raise ValidationError(f"{field} has more than {places} decimals", field=field)
    return d




def all_rows(session: Session, stmt: Select[Any]) -> list[Any]:
    """Rows of ``stmt`` across the actor's row scopes (qc's bookkeeping inside another plugin's
    transaction, after that plugin checked access to the record the client named)."""
    return list(session.scalars(stmt, execution_options=unscoped()))
