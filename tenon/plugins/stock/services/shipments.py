"""Shipments to customers (发货确认): ``draft`` → ``picked`` → ``done`` (or ``cancelled``)."""

from __future__ import annotations

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
from ..models import Move, Shipment, ShipmentLine
from ..workflows import SHIPMENT
from ._common import ORIGIN, _actor, _lines, _text
from .products import _lot_id


def create_shipment(session: Session, *, origin_type: str, origin_id: int, lines: list[dict[str, Any]],
                    reference: str = "", from_location_id: int | None = None) -> Shipment:
    """A draft shipment from the default stock location to the customer location.

    Lines: ``{"product_id": int, "quantity": Decimal, "origin_line_id": int | None, "lot_id": int | None}``.
    """
    _lines(lines)
    origin_type = _text(origin_type, "originType", max_len=60)
    src = get_location(session, from_location_id, "fromLocationId") if from_location_id else default_stock_location(session)
    if src.kind != "internal":
        raise ValidationError("shipments leave from an internal location", field="fromLocationId")
    shipment = Shipment(number=next_number(session, "stock.shipment"), state="draft", origin_type=origin_type,
                        origin_id=int(origin_id), reference=_text(reference, "reference", required=False, max_len=100),
                        from_location_id=src.id, to_location_id=virtual_location(session, "customer").id)
    session.add(shipment)
    session.flush()
    ledger.prefetch_products(session, (line.get("product_id") for line in lines))
    for i, line in enumerate(lines):
        f = f"lines[{i}]."
        product = get_product(session, line.get("product_id") or 0, f"{f}productId")
        lot_id = _lot_id(session, product.id, line, f) if (line.get("lot_id") or line.get("lot")) else None
        session.add(ShipmentLine(shipment_id=shipment.id, product_id=product.id, lot_id=lot_id,
                                 quantity=qty(line.get("quantity"), f"{f}quantity"),
                                 origin_line_id=line.get("origin_line_id")))
    session.flush()
    return shipment


def _shipment_lines(session: Session, shipment_id: int) -> list[ShipmentLine]:
    return list(session.scalars(select(ShipmentLine).where(ShipmentLine.shipment_id == shipment_id).order_by(ShipmentLine.id)))


def _shipment_moves(session: Session, shipment: Shipment, state: str) -> list[Move]:
    return list(session.scalars(select(Move).where(
        Move.origin_type == ORIGIN["shipment"], Move.origin_id == shipment.id, Move.state == state).order_by(Move.id)))


def _reserve_shipment(session: Session, shipment: Shipment, lines: list[ShipmentLine] | None = None) -> None:
    if lines is None:
        lines = _shipment_lines(session, shipment.id)
    ledger.prefetch_products(session, (line.product_id for line in lines))
    ledger.reserve_stock(session, [
        {"product_id": line.product_id, "quantity": line.quantity, "from_location_id": shipment.from_location_id,
         "to_location_id": shipment.to_location_id, "lot_id": line.lot_id, "origin_type": ORIGIN["shipment"],
         "origin_id": shipment.id, "origin_line_id": line.id, "reference": shipment.number, "field": f"lines[{i}]."}
        for i, line in enumerate(lines)])


def pick_shipment(session: Session, shipment_id: int) -> Shipment:
    """Pick: reserve the stock of every line (lots first-in first-out); ``INSUFFICIENT_STOCK`` when short;
    event ``stock.shipment.picked``."""
    shipment = get_record(session, Shipment, shipment_id, what="shipment")
    SHIPMENT.apply(session, shipment, "pick")
    return shipment


def confirm_shipment(session: Session, shipment_id: int) -> Shipment:
    """Confirm delivery (发货确认): hook ``tenon_stock_shipment_confirming`` may refuse; then the
    reserved (or, from draft, freshly taken) stock moves to the customer location, the hook
    ``tenon_stock_shipment_done`` is notified in the transaction, and the event
    ``stock.shipment.done`` is published (delivered after commit)."""
    shipment = get_record(session, Shipment, shipment_id, what="shipment")
    SHIPMENT.apply(session, shipment, "confirm", lines=_shipment_lines(session, shipment.id))
    return shipment


def cancel_shipment(session: Session, shipment_id: int) -> Shipment:
    """Cancel a draft or picked shipment, releasing its reservations; event ``stock.shipment.cancelled``."""
    shipment = get_record(session, Shipment, shipment_id, what="shipment")
    SHIPMENT.apply(session, shipment, "cancel")
    return shipment


def post(session: Session, change: StateChange) -> None:
    """The shipment workflow's ``record`` step: the ledger moves of ``change`` (see :mod:`..workflows`)."""
    shipment = change.record
    if change.action == "pick":
        _reserve_shipment(session, shipment)
    elif change.action == "confirm":
        # stamped first, so the shipment's row is written once, with its state, by the next flush
        shipment.done_at, shipment.done_by = utcnow(), _actor(session)
        if change.from_state == "draft":  # the lines confirm_shipment read for the hooks
            _reserve_shipment(session, shipment, change.args.get("lines"))
        ledger.complete_moves(session, _shipment_moves(session, shipment, "reserved"))
        session.flush()
    elif change.action == "cancel":
        ledger.cancel_moves(session, _shipment_moves(session, shipment, "reserved"))
