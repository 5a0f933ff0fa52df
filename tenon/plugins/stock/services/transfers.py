"""Internal transfers between two internal locations: ``draft`` → ``done`` (or ``cancelled``)."""

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
from ..ledger import get_location, get_product, qty
from ..models import Transfer, TransferLine
from ..workflows import TRANSFER
from ._common import ORIGIN, _actor, _lines, _text
from .products import _lot_id


def create_transfer(session: Session, *, from_location_id: int, to_location_id: int,
                    lines: Sequence[dict[str, Any]], reference: str = "") -> Transfer:
    """A draft internal transfer. Lines: ``{"product_id", "quantity", "lot_id"?}``."""
    _lines(lines)
    src = get_location(session, from_location_id, "fromLocationId")
    dst = get_location(session, to_location_id, "toLocationId")
    if src.kind != "internal" or dst.kind != "internal":
        raise ValidationError("an internal transfer moves between internal locations", field="toLocationId")
    if src.id == dst.id:
        raise ValidationError("choose two different locations", field="toLocationId")
    tr = Transfer(number=next_number(session, "stock.transfer"), state="draft", from_location_id=src.id,
                  to_location_id=dst.id, reference=_text(reference, "reference", required=False, max_len=100))
    session.add(tr)
    session.flush()
    ledger.prefetch_products(session, (line.get("product_id") for line in lines))
    for i, line in enumerate(lines):
        f = f"lines[{i}]."
        product = get_product(session, line.get("product_id") or 0, f"{f}productId")
        lot_id = _lot_id(session, product.id, line, f) if line.get("lot_id") else None
        session.add(TransferLine(transfer_id=tr.id, product_id=product.id, lot_id=lot_id,
                                 quantity=qty(line.get("quantity"), f"{f}quantity")))
    session.flush()
    return tr


def validate_transfer(session: Session, transfer_id: int) -> Transfer:
    """Move the goods between the two internal locations; event ``stock.transfer.done``."""
    tr = get_record(session, Transfer, transfer_id, what="transfer")
    TRANSFER.apply(session, tr, "validate")
    return tr


def cancel_transfer(session: Session, transfer_id: int) -> Transfer:
    """Cancel a draft transfer (nothing moves)."""
    tr = get_record(session, Transfer, transfer_id, what="transfer")
    TRANSFER.apply(session, tr, "cancel")
    return tr


def post(session: Session, change: StateChange) -> None:
    """The transfer workflow's ``record`` step: validating moves every line."""
    if change.action != "validate":
        return
    tr = change.record
    lines = list(session.scalars(select(TransferLine).where(TransferLine.transfer_id == tr.id).order_by(TransferLine.id)))
    ledger.prefetch_products(session, (ln.product_id for ln in lines))
    for i, ln in enumerate(lines):
        ledger.move_stock(session, product_id=ln.product_id, quantity=ln.quantity, from_location_id=tr.from_location_id,
                          to_location_id=tr.to_location_id, lot_id=ln.lot_id, origin_type=ORIGIN["transfer"],
                          origin_id=tr.id, origin_line_id=ln.id, reference=tr.number, field=f"lines[{i}].")
    tr.done_at, tr.done_by = utcnow(), _actor(session)
    session.flush()
