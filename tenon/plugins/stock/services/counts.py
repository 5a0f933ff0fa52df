"""Cycle counts (``draft`` → ``done``, differences posted to inventory loss) and inventory accuracy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.db import utcnow
from tenon.core.errors import InvalidState, ValidationError
from tenon.core.ids import get_record
from tenon.core.sequences import next_number
from tenon.core.workflow import StateChange

from .. import ledger
from ..ledger import dec, get_location, get_product, qty, virtual_location
from ..models import Count, CountLine
from ..workflows import COUNT
from ._common import ORIGIN, _actor, _lines, _text
from .products import _lot_id


def create_count(session: Session, *, location_id: int | None = None, product_ids: Sequence[int] | None = None,
                 reference: str = "") -> Count:
    """Open a count session with one line per non-zero internal balance in scope (a
    location, some products, or both), plus a line for each listed product at the
    location when it has no balance there. System quantities are taken when counted."""
    if location_id is None and not product_ids:
        raise ValidationError("count a location, some products, or both", field="locationId")
    if location_id is not None and get_location(session, location_id, "locationId").kind != "internal":
        raise ValidationError("only internal locations are counted", field="locationId")
    count = Count(number=next_number(session, "stock.count"), state="draft", location_id=location_id,
                  reference=_text(reference, "reference", required=False, max_len=100))
    session.add(count)
    session.flush()
    from ..models import Balance

    stmt = select(Balance).where(Balance.internal.is_(True), Balance.quantity != 0)
    if location_id is not None:
        stmt = stmt.where(Balance.location_id == location_id)
    if product_ids:
        stmt = stmt.where(Balance.product_id.in_(list(product_ids)))
    seen = set()
    for b in session.scalars(stmt.order_by(Balance.location_id, Balance.product_id, Balance.lot_key)):
        session.add(CountLine(count_id=count.id, product_id=b.product_id, location_id=b.location_id, lot_id=b.lot_id))
        seen.add(b.product_id)
    if location_id is not None:
        for i, pid in enumerate(product_ids or []):
            get_product(session, pid, f"productIds[{i}]")
            if pid not in seen:
                session.add(CountLine(count_id=count.id, product_id=pid, location_id=location_id))
    session.flush()
    return count


def _balance_qty(session: Session, product_id: int, location_id: int, lot_id: int | None) -> Decimal:
    from ..models import Balance

    return dec(session.scalar(select(Balance.quantity).where(
        Balance.product_id == product_id, Balance.location_id == location_id, Balance.lot_key == (lot_id or 0))))


def record_count(session: Session, count_id: int, entries: Sequence[dict[str, Any]]) -> Count:
    """Record counted quantities. Each entry names a line (``line_id``) or a
    (``product_id``, ``location_id``, ``lot_id``/``lot``) found on the shelf; the
    system quantity of that balance is recorded at the same moment."""
    count = get_record(session, Count, count_id, what="count")
    if count.state != "draft":
        raise InvalidState(f"count {count.number} is {count.state}; it cannot be counted (only from draft)",
                           field="state", details={"state": count.state, "action": "record", "allowedFrom": ["draft"]})
    _lines(entries, "entries")
    now, actor = utcnow(), _actor(session)
    for i, e in enumerate(entries):
        f = f"entries[{i}]."
        counted = qty(e.get("counted_quantity"), f"{f}countedQuantity", allow_zero=True)
        if e.get("line_id"):
            line = session.get(CountLine, int(e["line_id"]))
            if line is None or line.count_id != count.id:
                raise ValidationError("no such line on this count", field=f"{f}lineId")
        else:
            product = get_product(session, e.get("product_id") or 0, f"{f}productId")
            loc_id = e.get("location_id") or count.location_id
            if loc_id is None:
                raise ValidationError("give the location", field=f"{f}locationId")
            if get_location(session, loc_id, f"{f}locationId").kind != "internal":
                raise ValidationError("only internal locations are counted", field=f"{f}locationId")
            lot_id = _lot_id(session, product.id, e, f)
            if product.tracking != "none" and lot_id is None:
                raise ValidationError(f"{product.code} is tracked: give the lot", field=f"{f}lot")
            line = session.scalar(select(CountLine).where(
                CountLine.count_id == count.id, CountLine.product_id == product.id, CountLine.location_id == loc_id,
                (CountLine.lot_id == lot_id) if lot_id else CountLine.lot_id.is_(None)))
            if line is None:
                line = CountLine(count_id=count.id, product_id=product.id, location_id=loc_id, lot_id=lot_id)
                session.add(line)
        line.system_quantity = _balance_qty(session, line.product_id, line.location_id, line.lot_id)
        line.counted_quantity = counted
        line.counted_at, line.counted_by = now, actor
    session.flush()
    return count


def confirm_count(session: Session, count_id: int) -> Count:
    """Post the differences (counted − system at count time) as moves to or from the
    inventory-loss location; event ``stock.count.done``. Uncounted lines are left out."""
    count = get_record(session, Count, count_id, what="count")
    COUNT.apply(session, count, "confirm")
    return count


def cancel_count(session: Session, count_id: int) -> Count:
    """Cancel a draft count (nothing is posted)."""
    count = get_record(session, Count, count_id, what="count")
    COUNT.apply(session, count, "cancel")
    return count


def post(session: Session, change: StateChange) -> None:
    """The count workflow's ``record`` step: confirming posts each counted difference."""
    if change.action != "confirm":
        return
    count = change.record
    loss = virtual_location(session, "inventory_loss")
    lines = list(session.scalars(select(CountLine).where(CountLine.count_id == count.id).order_by(CountLine.id)))
    for i, ln in enumerate(lines):
        if ln.counted_quantity is None:
            continue
        diff = dec(ln.counted_quantity) - dec(ln.system_quantity)
        if diff == 0:
            continue
        src, dst = (loss.id, ln.location_id) if diff > 0 else (ln.location_id, loss.id)
        moves = ledger.move_stock(session, product_id=ln.product_id, quantity=abs(diff), from_location_id=src,
                                  to_location_id=dst, lot_id=ln.lot_id, origin_type=ORIGIN["count"], origin_id=count.id,
                                  origin_line_id=ln.id, reference=count.number, field=f"lines[{i}].")
        ln.move_id = moves[0].id
    count.done_at, count.done_by = utcnow(), _actor(session)
    session.flush()


@dataclass
class Accuracy:
    counted_lines: int
    accurate_lines: int
    tolerance: Decimal
    lines: list[Any] = field(default_factory=list)

    @property
    def accuracy(self) -> Decimal | None:
        if not self.counted_lines:
            return None
        return (Decimal(self.accurate_lines) / Decimal(self.counted_lines)).quantize(Decimal("0.0001"))


def inventory_accuracy(session: Session, date_from: dt.datetime, date_to: dt.datetime,
                       location_id: int | None = None, tolerance: Any = 0) -> Accuracy:
    """Share of counted lines (of confirmed counts, counted in ``[date_from, date_to)``)
    whose |counted − system| is at most ``tolerance`` (in the product's unit)."""
    tol = qty(tolerance, "tolerance", allow_zero=True)
    stmt = (select(CountLine).join(Count, Count.id == CountLine.count_id)
            .where(Count.state == "done", CountLine.counted_quantity.is_not(None),
                   CountLine.counted_at >= date_from, CountLine.counted_at < date_to))
    if location_id is not None:
        stmt = stmt.where(CountLine.location_id == location_id)
    lines = list(session.scalars(stmt.order_by(CountLine.id)))
    good = sum(1 for ln in lines if abs(dec(ln.counted_quantity) - dec(ln.system_quantity)) <= tol)
    return Accuracy(counted_lines=len(lines), accurate_lines=good, tolerance=tol, lines=lines)
