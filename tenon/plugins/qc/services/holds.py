"""Holds: what qc keeps from shipping, and the shipment gate.

* **Quarantine** (incoming): a received line that gets an inspection is moved at once, in the
  receipt's transaction, from the receiving location into qc's quarantine location
  (``QC-QUARANTINE``, an internal stock location of the default warehouse that qc creates
  through stock's public API the first time). Stock reserves, picks and issues requisitions
  from a document's own location (the default stock location unless a document names another),
  so quarantined goods are not available to reservations, requisitions or shipments. When the
  inspection passes the goods move back; *scrap* moves them from quarantine to the scrap
  location (stock's ``inventory_loss``); *use as is* moves them back.
* **Final release** (finished goods): each finished-goods receipt of a work order whose product
  has a final plan is held (product, lot, quantity) until the work order's final inspection
  passes (or a quality manager accepts it as is).

The gate (:func:`check_shipment`, stock's ``tenon_stock_shipment_confirming``): a line is
refused when it names a lot that is held (quarantined, or finished and not released), or when,
for its product, ``on hand at the shipment's location − held finished quantity there`` is less than
what the shipment takes of that product, or, for a picked shipment, when a lot stock reserved for a
line (first-in first-out) is held. Worked example: 100 KA in lot WO-1 are held (final
inspection open) and 30 KA from an earlier released lot are on hand: a shipment of 30 KA
without a lot passes (130 − 100 = 30), one of 31 is refused, one naming lot WO-1 is refused.
``NOT_RELEASED`` names every refused line; nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tenon.plugins.stock import (
    Location,
    Lot,
    Move,
    Product,
    default_stock_location,
    move_stock,
    on_hand,
    virtual_location,
)

from ..errors import NotReleased
from ..models import Hold, Inspection
from ._common import dec

QUARANTINE_CODE = "QC-QUARANTINE"


def quarantine_location(session: Session) -> Location:
    """qc's quarantine location, created (internal, in the default stock location's warehouse)
    the first time it is needed."""
    loc = session.scalar(select(Location).where(Location.code == QUARANTINE_CODE))
    if loc is not None:
        return loc
    from tenon.plugins.stock import create_location

    stock = default_stock_location(session)
    return create_location(session, code=QUARANTINE_CODE, name="Quality quarantine", kind="internal",
                           parent_id=stock.parent_id, warehouse_id=stock.warehouse_id)


def quarantine(session: Session, insp: Inspection, from_location_id: int) -> Hold:
    """Move an incoming inspection's goods into quarantine and hold them."""
    q = quarantine_location(session)
    move_stock(session, product_id=insp.product_id, quantity=dec(insp.quantity), from_location_id=from_location_id,
               to_location_id=q.id, lot_id=insp.lot_id, origin_type="qc.inspection", origin_id=insp.id,
               reference=insp.number)
    insp.location_id, insp.quarantined = from_location_id, True
    hold = Hold(product_id=insp.product_id, lot_id=insp.lot_id, quantity=insp.quantity, state="held",
                kind="quarantine", inspection_id=insp.id, location_id=q.id)
    session.add(hold)
    session.flush()
    return hold


def hold_finished(session: Session, *, product_id: int, lot_id: int | None, quantity: Decimal,
                  work_order_id: int | None) -> Hold:
    """Hold finished goods until their final inspection passes."""
    hold = Hold(product_id=product_id, lot_id=lot_id, quantity=quantity, state="held", kind="release",
                work_order_id=work_order_id, location_id=default_stock_location(session).id)
    session.add(hold)
    session.flush()
    return hold


def holds_of(session: Session, insp: Inspection) -> list[Hold]:
    stmt = select(Hold).where(Hold.state == "held")
    if insp.stage == "final" and insp.work_order_id is not None:
        stmt = stmt.where((Hold.inspection_id == insp.id)
                          | ((Hold.work_order_id == insp.work_order_id) & Hold.inspection_id.is_(None)))
    else:
        stmt = stmt.where(Hold.inspection_id == insp.id)
    return list(session.scalars(stmt.order_by(Hold.id)))


def _back(session: Session, insp: Inspection, hold: Hold) -> None:
    if hold.kind == "quarantine" and insp.location_id is not None:
        move_stock(session, product_id=hold.product_id, quantity=dec(hold.quantity), from_location_id=hold.location_id,
                   to_location_id=insp.location_id, lot_id=hold.lot_id, origin_type="qc.inspection",
                   origin_id=insp.id, reference=insp.number)


def release_for(session: Session, insp: Inspection) -> None:
    """The inspection passed (or was accepted as is): its holds are released."""
    for hold in holds_of(session, insp):
        _back(session, insp, hold)
        hold.state, hold.inspection_id = "released", insp.id
    insp.quarantined = False
    session.flush()


def scrap_for(session: Session, insp: Inspection) -> Decimal:
    """Scrap disposition: the held goods move to the scrap location; returns the quantity."""
    scrap = virtual_location(session, "inventory_loss")
    total = Decimal(0)
    for hold in holds_of(session, insp):
        move_stock(session, product_id=hold.product_id, quantity=dec(hold.quantity), from_location_id=hold.location_id,
                   to_location_id=scrap.id, lot_id=hold.lot_id, origin_type="qc.inspection", origin_id=insp.id,
                   reference=insp.number)
        hold.state, hold.inspection_id = "scrapped", insp.id
        total += dec(hold.quantity)
    insp.quarantined = False
    session.flush()
    return total


#: Longest ``to_type`` (the ``handed_to_type`` column).
MAX_TO_TYPE = 60


def hand_over_holds(session: Session, *, to_type: str, to_id: int, inspection_id: int | None = None,
                    lot_id: int | None = None, work_order_id: int | None = None, product_id: int | None = None,
                    quantity: Decimal | None = None) -> list[Hold]:
    """Another plugin takes goods qc is holding (a rework order takes failed goods): their holds
    end as ``handed_over`` to ``(to_type, to_id)`` (e.g. ``("rework.order", 7)``), so qc's
    shipment gate stops counting them and :func:`release_status` of the lot says ``handed_over``.

    Which holds: those still ``held`` of the failed ``inspection_id`` (a final inspection's
    also counts its work order's holds not yet tied to an inspection), or of ``lot_id``, or of
    ``work_order_id`` (at least one is required; several narrow the match), optionally of
    ``product_id`` only. ``quantity`` hands over at most that much, oldest hold first: a hold
    larger than what is left is split (the rest stays ``held`` as a new hold, same lot and
    location). qc moves no stock: the taker moves the goods from the hold's ``location_id``
    (quarantine for received goods) where it needs them. Each ended hold records who took it
    (``handed_to_type``, ``handed_to_id``) and when (``ended_at``); the kernel audits the
    changed rows with the caller's mutation. Runs in the caller's transaction, never commits.

    :returns: the holds handed over (empty when qc holds none of those goods).
    :raises ValidationError: no selector, an empty/too long ``to_type``, a quantity ≤ 0.

    Example (rework, at release)::

        hand_over_holds(session, to_type="rework.order", to_id=ro.id, inspection_id=ro.inspection_id,
                        product_id=ro.product_id, quantity=ro.quantity)
    """
    from tenon.core.access import scopes_lifted
    from tenon.core.db import utcnow
    from tenon.core.errors import ValidationError

    if inspection_id is None and lot_id is None and work_order_id is None:
        raise ValidationError("name the inspection, lot or work order whose holds are handed over",
                              field="inspectionId")
    to_type = (to_type or "").strip()
    if not to_type or len(to_type) > MAX_TO_TYPE:
        raise ValidationError(f"to_type must be 1 to {MAX_TO_TYPE} characters", field="to")
    left = None if quantity is None else dec(quantity)
    if left is not None and left <= 0:
        raise ValidationError("quantity must be greater than 0", field="quantity")
    with scopes_lifted(session):  # the taker's user may not read qc's holds; qc decides what ends
        stmt = select(Hold).where(Hold.state == "held")
        if inspection_id is not None:
            insp = session.get(Inspection, int(inspection_id))
            if insp is not None and insp.stage == "final" and insp.work_order_id is not None:
                stmt = stmt.where((Hold.inspection_id == insp.id)
                                  | ((Hold.work_order_id == insp.work_order_id) & Hold.inspection_id.is_(None)))
            else:
                stmt = stmt.where(Hold.inspection_id == int(inspection_id))
        if lot_id is not None:
            stmt = stmt.where(Hold.lot_id == int(lot_id))
        if work_order_id is not None:
            stmt = stmt.where(Hold.work_order_id == int(work_order_id))
        if product_id is not None:
            stmt = stmt.where(Hold.product_id == int(product_id))
        now, ended = utcnow(), []
        for hold in session.scalars(stmt.order_by(Hold.id)).all():
            if left is not None and left <= 0:
                break
            q = dec(hold.quantity)
            if left is not None and q > left:
                session.add(Hold(product_id=hold.product_id, lot_id=hold.lot_id, quantity=q - left, state="held",
                                 kind=hold.kind, inspection_id=hold.inspection_id, work_order_id=hold.work_order_id,
                                 location_id=hold.location_id))
                hold.quantity, q = left, left
            hold.state, hold.handed_to_type, hold.handed_to_id, hold.ended_at = "handed_over", to_type, int(to_id), now
            if inspection_id is not None and hold.inspection_id is None:
                hold.inspection_id = int(inspection_id)
            ended.append(hold)
            if left is not None:
                left -= q
        if ended and inspection_id is not None:
            insp = session.get(Inspection, int(inspection_id))
            if insp is not None and insp.quarantined and not session.scalar(
                    select(func.count(Hold.id)).where(Hold.inspection_id == insp.id, Hold.state == "held")):
                insp.quarantined = False
        session.flush()
    return ended


def release_status(session: Session, lot_id: int) -> str:
    """Where a lot stands with qc: ``quarantined`` (incoming, not passed), ``held`` (finished,
    not released), ``released``, ``handed_over`` (another plugin took the held goods, e.g. a
    rework order: :func:`hand_over_holds`), ``scrapped``, or ``not_inspected`` (qc never held it)."""
    states = {(k, s) for k, s in session.execute(select(Hold.kind, Hold.state).where(Hold.lot_id == int(lot_id)))}
    if ("quarantine", "held") in states:
        return "quarantined"
    if ("release", "held") in states:
        return "held"
    if any(s == "released" for _k, s in states):
        return "released"
    if any(s == "handed_over" for _k, s in states):
        return "handed_over"
    if states:
        return "scrapped"
    return "not_inspected"


def held_quantities(session: Session, product_ids: Iterable[int], location_id: int) -> dict[int, Decimal]:
    """Finished goods of each product at a location held for their final release (not in
    quarantine), in one statement; products holding nothing are absent."""
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    rows = session.execute(select(Hold.product_id, func.sum(Hold.quantity)).where(
        Hold.product_id.in_(ids), Hold.state == "held", Hold.kind == "release", Hold.location_id == location_id,
    ).group_by(Hold.product_id))
    return {pid: dec(total) for pid, total in rows if total}


def check_shipment(session: Session, shipment: Any, lines: Sequence[Any]) -> None:
    """Refuse a shipment with unreleased finished goods or quarantined lots (see the module docstring).

    ``lines``: the shipment's lines, as stock's confirming hook passes them.
    """
    refused: list[dict[str, Any]] = []
    wanted: dict[int, Decimal] = {}
    for ln in lines:
        wanted[ln.product_id] = wanted.get(ln.product_id, Decimal(0)) + dec(ln.quantity)
    short: dict[int, tuple[Decimal, Decimal]] = {}
    held_by_product = held_quantities(session, wanted, shipment.from_location_id)
    for pid, q in wanted.items():
        held = held_by_product.get(pid, Decimal(0))
        if held > 0:
            free = on_hand(session, pid, shipment.from_location_id) - held
            if q > free:
                short[pid] = (held, max(free, Decimal(0)))
    # a picked shipment's lots are known: the reserved moves stock chose (first-in first-out)
    picked: dict[int, set[int]] = {}
    for line_id, lot_id in session.execute(select(Move.origin_line_id, Move.lot_id).where(
            Move.origin_type == "stock.shipment", Move.origin_id == shipment.id, Move.state == "reserved",
            Move.lot_id.is_not(None))):
        picked.setdefault(line_id, set()).add(lot_id)
    for ln in lines:
        reason, bad_lot = None, ln.lot_id
        for lot_id, how in ([(ln.lot_id, "lot")] if ln.lot_id is not None else
                            [(x, "picked lot") for x in sorted(picked.get(ln.id, ()))]):
            status = release_status(session, lot_id)
            if status in ("quarantined", "held"):
                reason = f"{how} {'quarantined' if status == 'quarantined' else 'not released'}"
                bad_lot = lot_id
                break
        if reason is None and ln.product_id in short:
            reason = "finished goods not released"
        if reason is not None:
            code = session.scalar(select(Product.code).where(Product.id == ln.product_id))
            lot = session.scalar(select(Lot.code).where(Lot.id == bad_lot)) if bad_lot else None
            refused.append({"lineId": str(ln.id), "productId": str(ln.product_id), "product": code,
                            "lotId": str(bad_lot) if bad_lot else None, "lot": lot,
                            "quantity": f"{dec(ln.quantity):f}", "reason": reason})
    if refused:
        names = ", ".join(f"{r['product']}{' lot ' + r['lot'] if r['lot'] else ''} ({r['reason']})" for r in refused)
        raise NotReleased(f"shipment {shipment.number} is not released by quality: {names}", field="lines",
                          details={"lines": refused})
