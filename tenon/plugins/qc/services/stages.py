"""Incoming inspection: stock's ``tenon_stock_receipt_done`` opens an inspection for every
received line whose product has an active ``receipt`` plan, and quarantines the line's goods
(:func:`.holds.quarantine`) until it passes. Lines without a plan are received as before."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from .holds import quarantine
from .inspections import create_inspection
from .plans import plan_for


def on_receipt_done(session: Session, receipt: Any, lines: Sequence[Any]) -> None:
    for line in lines:
        plan = plan_for(session, "receipt", line.product_id)
        if plan is None:
            continue
        insp = create_inspection(session, stage="receipt", product_id=line.product_id, quantity=line.quantity,
                                 lot_id=line.lot_id, origin_type="stock.receipt", origin_id=receipt.id,
                                 plan_id=plan.id)
        quarantine(session, insp, receipt.location_id)
