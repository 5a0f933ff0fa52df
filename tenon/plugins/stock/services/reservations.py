"""Reservations held for other plugins' documents."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .. import ledger
from ..models import Reservation


def reserve_for(session: Session, *, product_id: int, quantity: Any, origin_type: str, origin_id: int,
                location_id: int | None = None, lot_id: int | None = None) -> list[Reservation]:
    """Reserve stock for any plugin's document (rows, not a counter)."""
    return ledger.reserve(session, product_id=product_id, quantity=quantity, origin_type=origin_type,
                          origin_id=origin_id, location_id=location_id, lot_id=lot_id)
