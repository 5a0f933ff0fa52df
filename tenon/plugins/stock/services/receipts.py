"""Receipts: goods received from a supplier, ``draft`` → ``done`` (or ``cancelled``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.db import utcnow
from tenon.core.errors import ValidationError
from tenon.core.ids import get_record
from tenon.core.sequences import next_number
from tenon.core.workflow import StateChange

from .. import ledger
from ..ledger import default_stock_location, get_location, get_product, qty, virtual_location
from ..models import Receipt, ReceiptLine
from ..workflows import RECEIPT
from ._common import ORIGIN, _actor, _lines, _text
from .products import ensure_lot


def create_receipt(session: Session, *, lines: Sequence[dict[str, Any]], location_id: int | None = None,
                   supplier: str = "", reference: str = "", origin_type: str | None = None,
                   origin_id: int | None = None) -> Receipt:
    """A draft receipt. Lines: ``{"product_id", "quantity", "lot": code | None}``."""
    _lines(lines)
    loc = get_location(session, location_id, "locationId") if location_id else default_stock_location(session)
    if loc.kind != "internal":
        raise ValidationError("goods are received into an internal location", field="locationId")
    receipt = Receipt(number=next_number(session, "stock.receipt"), state="draft", location_id=loc.id,
                      supplier=_text(supplier, "supplier", required=False),
                      reference=_text(reference, "reference", required=False, max_len=100),
                      origin_type=origin_type, origin_id=origin_id)
    session.add(receipt)
    session.flush()
    ledger.prefetch_products(session, (line.get("product_id") for line in lines))
    for i, line in enumerate(lines):
        f = f"lines[{i}]."
        product = get_product(session, line.get("product_id") or 0, f"{f}productId")
        q = qty(line.get("quantity"), f"{f}quantity")
        lot_code = (line.get("lot") or "").strip() or None
        if product.tracking != "none" and not lot_code:
            raise ValidationError(f"{product.code} is tracked by {product.tracking}: give a lot", field=f"{f}lot")
        if product.tracking == "none" and lot_code:
            raise ValidationError(f"{product.code} is not tracked by lot", field=f"{f}lot")
        session.add(ReceiptLine(receipt_id=receipt.id, product_id=product.id, quantity=q, lot_code=lot_code))
    session.flush()
    return receipt


def validate_receipt(session: Session, receipt_id: int) -> Receipt:
    """Receive the goods: one done move per line from the supplier location; the hook
    ``tenon_stock_receipt_done`` is notified in the transaction; event ``stock.receipt.done``."""
    receipt = get_record(session, Receipt, receipt_id, what="receipt")
    lines = list(session.scalars(select(ReceiptLine).where(ReceiptLine.receipt_id == receipt.id).order_by(ReceiptLine.id)))
    RECEIPT.apply(session, receipt, "validate", lines=lines)
    return receipt


def cancel_receipt(session: Session, receipt_id: int) -> Receipt:
    """Cancel a draft receipt (nothing moves)."""
    receipt = get_record(session, Receipt, receipt_id, what="receipt")
    RECEIPT.apply(session, receipt, "cancel")
    return receipt


def post(session: Session, change: StateChange) -> None:
    """The receipt workflow's ``record`` step: validating moves every line in from the supplier."""
    if change.action != "validate":
        return
    receipt = change.record
    supplier = virtual_location(session, "supplier")
    lines = list(session.scalars(select(ReceiptLine).where(ReceiptLine.receipt_id == receipt.id).order_by(ReceiptLine.id)))
    ledger.prefetch_products(session, (line.product_id for line in lines))
    for i, line in enumerate(lines):
        if line.lot_code:
            line.lot_id = ensure_lot(session, line.product_id, line.lot_code, field=f"lines[{i}].lot").id
        ledger.move_stock(session, product_id=line.product_id, quantity=line.quantity,
                          from_location_id=supplier.id, to_location_id=receipt.location_id, lot_id=line.lot_id,
                          origin_type=ORIGIN["receipt"], origin_id=receipt.id, origin_line_id=line.id,
                          reference=receipt.number, field=f"lines[{i}].")
    receipt.done_at, receipt.done_by = utcnow(), _actor(session)
    session.flush()


def receive(session: Session, *, product_id: int, quantity: Any, location_id: int | None = None,
            lot: str | None = None, reference: str = "") -> Receipt:
    """Create and validate a one-line receipt into ``location_id`` (default: the default stock location)."""
    receipt = create_receipt(session, lines=[{"product_id": product_id, "quantity": quantity, "lot": lot}],
                             location_id=location_id, reference=reference)
    return validate_receipt(session, receipt.id)
