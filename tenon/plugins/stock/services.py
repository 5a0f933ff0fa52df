"""The stock domain: master data and the warehouse documents.

Plain sync functions ``verb_noun(session, ...)``; they raise
:class:`tenon.TenonError` subclasses and never commit. The ledger itself
(moves, balances, reservations) is in :mod:`.ledger`.

Document workflows are data (:data:`TRANSITIONS`): :func:`_transition` refuses
any step not listed, with ``INVALID_STATE``, and flushes the new state at once so
the document's row (with its optimistic ``version``) is locked before any stock
moves: two clerks confirming the same shipment at the same time get one success
and one ``CONFLICT``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from tenon.core.db import current_actor, utcnow
from tenon.core.errors import NotFound, ValidationError
from tenon.core.events import publish
from tenon.core.sequences import SequenceSpec, next_number

from . import ledger
from .errors import InvalidTransition
from .ledger import dec, default_stock_location, get_location, get_lot, get_product, qty, virtual_location
from .models import (
    LOCATION_KINDS,
    PRODUCT_KINDS,
    TRACKING,
    Category,
    Count,
    CountLine,
    Location,
    Lot,
    LotConsumption,
    Move,
    Product,
    Receipt,
    ReceiptLine,
    Requisition,
    RequisitionLine,
    Reservation,
    Shipment,
    ShipmentLine,
    Transfer,
    TransferLine,
    Uom,
    Warehouse,
)

SEQUENCES = [
    SequenceSpec(code="stock.product", prefix="P-", padding=5),
    SequenceSpec(code="stock.receipt", prefix="RC-", date_format="%Y-", padding=5),
    SequenceSpec(code="stock.shipment", prefix="SH-", date_format="%Y-", padding=5),
    SequenceSpec(code="stock.requisition", prefix="MR-", date_format="%Y-", padding=5),
    SequenceSpec(code="stock.count", prefix="CC-", date_format="%Y-", padding=5),
    SequenceSpec(code="stock.transfer", prefix="TR-", date_format="%Y-", padding=5),
]

# document -> {(from_state, to_state)}
TRANSITIONS: dict[str, set[tuple[str, str]]] = {
    "receipt": {("draft", "done"), ("draft", "cancelled")},
    "requisition": {
        ("draft", "approved"), ("draft", "cancelled"), ("approved", "cancelled"),
        ("approved", "partially_issued"), ("approved", "issued"),
        ("partially_issued", "partially_issued"), ("partially_issued", "issued"),
        ("approved", "closed"), ("partially_issued", "closed"), ("issued", "closed"),
    },
    "shipment": {("draft", "picked"), ("draft", "done"), ("picked", "done"),
                 ("draft", "cancelled"), ("picked", "cancelled"), ("picked", "draft")},
    "transfer": {("draft", "done"), ("draft", "cancelled")},
    "count": {("draft", "done"), ("draft", "cancelled")},
}

ORIGIN = {
    "receipt": "stock.receipt",
    "requisition": "stock.requisition",
    "shipment": "stock.shipment",
    "transfer": "stock.transfer",
    "count": "stock.count",
    "scan": "stock.scan",
}


def _actor(session: Session) -> str | None:
    actor = current_actor(session)
    return actor.username if actor is not None else None


def _transition(session: Session, doc: Any, kind: str, to: str) -> None:
    if (doc.state, to) not in TRANSITIONS[kind]:
        raise InvalidTransition(f"{kind} {doc.number} is {doc.state}; it cannot become {to}",
                                details={"state": doc.state, "to": to})
    doc.state = to
    session.flush()


def _get(session: Session, model: type, doc_id: int, what: str) -> Any:
    obj = session.get(model, int(doc_id))
    if obj is None:
        raise NotFound(f"{what} {doc_id} not found", field="id")
    return obj


def _text(value: str | None, field: str, *, required: bool = True, max_len: int = 200) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"{field} is required", field=field)
    if len(value) > max_len:
        raise ValidationError(f"{field} is longer than {max_len} characters", field=field)
    return value


def _lines(lines: Sequence[dict[str, Any]], field: str = "lines") -> None:
    if not lines:
        raise ValidationError("at least one line is required", field=field)


# =========================================================================== master data


def create_uom(session: Session, *, code: str, name: str, decimals: int = 0) -> Uom:
    code = _text(code, "code", max_len=20)
    if session.scalar(select(Uom.id).where(Uom.code == code)) is not None:
        raise ValidationError(f"unit {code!r} already exists", field="code")
    uom = Uom(code=code, name=_text(name, "name", max_len=100), decimals=int(decimals))
    session.add(uom)
    session.flush()
    return uom


def create_category(session: Session, *, code: str, name: str, parent_id: int | None = None) -> Category:
    code = _text(code, "code", max_len=40)
    if session.scalar(select(Category.id).where(Category.code == code)) is not None:
        raise ValidationError(f"category code {code!r} is already used", field="code")
    if parent_id is not None and session.get(Category, parent_id) is None:
        raise ValidationError(f"category {parent_id} not found", field="parentId")
    cat = Category(code=code, name=_text(name, "name"), parent_id=parent_id)
    session.add(cat)
    session.flush()
    return cat


def category_subtree(session: Session, category_id: int) -> list[int]:
    """The category and all its descendants' ids."""
    ids, frontier = [category_id], [category_id]
    while frontier:
        frontier = list(session.scalars(select(Category.id).where(Category.parent_id.in_(frontier))))
        ids.extend(frontier)
    return ids


def _barcode_free(session: Session, barcode: str, field: str, *, product_id: int | None = None,
                  lot_id: int | None = None, location_id: int | None = None) -> None:
    """A barcode value names one thing: products, lots and locations share one space."""
    clash = (
        session.scalar(select(Product.id).where(or_(Product.barcode == barcode, Product.code == barcode),
                                                Product.id != (product_id or 0)))
        or session.scalar(select(Lot.id).where(Lot.barcode == barcode, Lot.id != (lot_id or 0)))
        or session.scalar(select(Location.id).where(or_(Location.barcode == barcode, Location.code == barcode),
                                                    Location.id != (location_id or 0)))
    )
    if clash:
        raise ValidationError(f"barcode {barcode!r} is already used", field=field)


def create_product(
    session: Session,
    *,
    name: str,
    code: str | None = None,
    unit: str = "pcs",
    kind: str = "finished",
    tracking: str = "none",
    category_id: int | None = None,
    reorder_point: Any = Decimal(0),
    barcode: str | None = None,
) -> Product:
    """Create a product; its code comes from the ``stock.product`` sequence (``P-00001``) when not given.

    :raises ValidationError: duplicate ``code`` or ``barcode``, unknown ``unit``,
        ``kind``, ``tracking`` or ``categoryId``, negative ``reorderPoint``.
    """
    name = _text(name, "name")
    if kind not in PRODUCT_KINDS:
        raise ValidationError(f"kind must be one of {', '.join(PRODUCT_KINDS)}", field="kind")
    if tracking not in TRACKING:
        raise ValidationError(f"tracking must be one of {', '.join(TRACKING)}", field="tracking")
    if session.scalar(select(Uom.id).where(Uom.code == unit)) is None:
        raise ValidationError(f"unknown unit {unit!r}", field="unit")
    if category_id is not None and session.get(Category, category_id) is None:
        raise ValidationError(f"category {category_id} not found", field="categoryId")
    rp = qty(reorder_point, "reorderPoint", allow_zero=True)
    if code is not None:
        code = _text(code, "code", max_len=40)
        if session.scalar(select(Product.id).where(Product.code == code)) is not None:
            raise ValidationError(f"product code {code!r} is already used", field="code")
    else:
        code = next_number(session, "stock.product")
    if barcode:
        barcode = _text(barcode, "barcode", max_len=64)
        _barcode_free(session, barcode, "barcode")
    product = Product(code=code, name=name, unit=unit, kind=kind, tracking=tracking, category_id=category_id,
                      reorder_point=rp, barcode=barcode or None, active=True)
    session.add(product)
    session.flush()
    return product


def update_product(session: Session, product_id: int, **changes: Any) -> Product:
    """Change a product's name, category, kind, reorder point, barcode, active flag or
    (while it has no moves) its unit and tracking. ``None`` values are left as they are."""
    product = get_product(session, product_id, "id")
    changes = {k: v for k, v in changes.items() if v is not None}
    if "name" in changes:
        product.name = _text(changes["name"], "name")
    if "kind" in changes:
        if changes["kind"] not in PRODUCT_KINDS:
            raise ValidationError(f"kind must be one of {', '.join(PRODUCT_KINDS)}", field="kind")
        product.kind = changes["kind"]
    if "category_id" in changes:
        if session.get(Category, changes["category_id"]) is None:
            raise ValidationError(f"category {changes['category_id']} not found", field="categoryId")
        product.category_id = changes["category_id"]
    if "reorder_point" in changes:
        product.reorder_point = qty(changes["reorder_point"], "reorderPoint", allow_zero=True)
    if "barcode" in changes:
        bc = _text(changes["barcode"], "barcode", required=False, max_len=64) or None
        if bc:
            _barcode_free(session, bc, "barcode", product_id=product.id)
        product.barcode = bc
    if "active" in changes:
        product.active = bool(changes["active"])
    for attr in ("unit", "tracking"):
        if attr in changes and changes[attr] != getattr(product, attr):
            if session.scalar(select(Move.id).where(Move.product_id == product.id).limit(1)) is not None:
                raise ValidationError(f"{attr} cannot change once the product has moves", field=attr)
            if attr == "unit" and session.scalar(select(Uom.id).where(Uom.code == changes[attr])) is None:
                raise ValidationError(f"unknown unit {changes[attr]!r}", field="unit")
            if attr == "tracking" and changes[attr] not in TRACKING:
                raise ValidationError(f"tracking must be one of {', '.join(TRACKING)}", field="tracking")
            setattr(product, attr, changes[attr])
    session.flush()
    return product


def create_warehouse(session: Session, *, code: str, name: str) -> Warehouse:
    """A warehouse with its view location ``CODE`` and default stock location ``CODE/STOCK``."""
    code = _text(code, "code", max_len=20)
    if session.scalar(select(Warehouse.id).where(Warehouse.code == code)) is not None:
        raise ValidationError(f"warehouse code {code!r} is already used", field="code")
    wh = Warehouse(code=code, name=_text(name, "name"), is_default=False)
    session.add(wh)
    session.flush()
    view = create_location(session, code=code, name=name, kind="view", warehouse_id=wh.id)
    create_location(session, code=f"{code}/STOCK", name=f"{name} stock", kind="internal", parent_id=view.id,
                    warehouse_id=wh.id, is_default=True, barcode=f"LOC-{code}-STOCK")
    return wh


def create_location(session: Session, *, code: str, name: str, kind: str = "internal", parent_id: int | None = None,
                    warehouse_id: int | None = None, barcode: str | None = None, is_default: bool = False) -> Location:
    code = _text(code, "code", max_len=60)
    if kind not in LOCATION_KINDS:
        raise ValidationError(f"kind must be one of {', '.join(LOCATION_KINDS)}", field="kind")
    if session.scalar(select(Location.id).where(Location.code == code)) is not None:
        raise ValidationError(f"location code {code!r} is already used", field="code")
    if parent_id is not None:
        parent = get_location(session, parent_id, "parentId")
        warehouse_id = warehouse_id or parent.warehouse_id
    if warehouse_id is not None and session.get(Warehouse, warehouse_id) is None:
        raise ValidationError(f"warehouse {warehouse_id} not found", field="warehouseId")
    if barcode:
        barcode = _text(barcode, "barcode", max_len=64)
        _barcode_free(session, barcode, "barcode")
    loc = Location(code=code, name=_text(name, "name"), kind=kind, parent_id=parent_id, warehouse_id=warehouse_id,
                   barcode=barcode or None, is_default=is_default, active=True)
    session.add(loc)
    session.flush()
    return loc


def find_location(session: Session, code: str, field: str = "location") -> Location:
    """A location by its barcode or its code."""
    loc = session.scalar(select(Location).where(or_(Location.barcode == code, Location.code == code)).limit(1))
    if loc is None:
        raise NotFound(f"no location with code {code!r}", field=field)
    return loc


def ensure_lot(session: Session, product_id: int, code: str, *, barcode: str | None = None,
               field: str = "lot") -> Lot:
    """The lot ``code`` of a product, created when new (its barcode defaults to ``PRODUCT/LOT``)."""
    product = get_product(session, product_id)
    if product.tracking == "none":
        raise ValidationError(f"{product.code} is not tracked by lot or serial", field=field)
    code = _text(code, field, max_len=60)
    lot = session.scalar(select(Lot).where(Lot.product_id == product.id, Lot.code == code))
    if lot is not None:
        return lot
    barcode = barcode or f"{product.code}/{code}"[:64]
    _barcode_free(session, barcode, field)
    lot = Lot(product_id=product.id, code=code, barcode=barcode)
    session.add(lot)
    session.flush()
    return lot


def _lot_id(session: Session, product_id: int, line: dict[str, Any], field: str) -> int | None:
    if line.get("lot_id"):
        lot = get_lot(session, line["lot_id"], f"{field}lotId")
        if lot.product_id != product_id:
            raise ValidationError("the lot belongs to another product", field=f"{field}lotId")
        return lot.id
    if line.get("lot"):
        return ensure_lot(session, product_id, line["lot"], field=f"{field}lot").id
    return None


# =========================================================================== receipts


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
    """Receive the goods: one done move per line from the supplier location; event ``stock.receipt.done``."""
    receipt = _get(session, Receipt, receipt_id, "receipt")
    _transition(session, receipt, "receipt", "done")
    supplier = virtual_location(session, "supplier")
    lines = list(session.scalars(select(ReceiptLine).where(ReceiptLine.receipt_id == receipt.id).order_by(ReceiptLine.id)))
    payload_lines = []
    for i, line in enumerate(lines):
        if line.lot_code:
            line.lot_id = ensure_lot(session, line.product_id, line.lot_code, field=f"lines[{i}].lot").id
        ledger.move_stock(session, product_id=line.product_id, quantity=line.quantity,
                          from_location_id=supplier.id, to_location_id=receipt.location_id, lot_id=line.lot_id,
                          origin_type=ORIGIN["receipt"], origin_id=receipt.id, origin_line_id=line.id,
                          reference=receipt.number, field=f"lines[{i}].")
        payload_lines.append({"product_id": line.product_id, "quantity": str(line.quantity), "lot_id": line.lot_id})
    receipt.done_at, receipt.done_by = utcnow(), _actor(session)
    session.flush()
    publish(session, "stock.receipt.done", {"receipt_id": receipt.id, "number": receipt.number,
                                            "origin_type": receipt.origin_type, "origin_id": receipt.origin_id,
                                            "lines": payload_lines})
    return receipt


def cancel_receipt(session: Session, receipt_id: int) -> Receipt:
    receipt = _get(session, Receipt, receipt_id, "receipt")
    _transition(session, receipt, "receipt", "cancelled")
    return receipt


def receive(session: Session, *, product_id: int, quantity: Any, location_id: int | None = None,
            lot: str | None = None, reference: str = "") -> Receipt:
    """Create and validate a one-line receipt into ``location_id`` (default: the default stock location)."""
    receipt = create_receipt(session, lines=[{"product_id": product_id, "quantity": quantity, "lot": lot}],
                             location_id=location_id, reference=reference)
    return validate_receipt(session, receipt.id)


# =========================================================================== requisitions


def create_requisition(session: Session, *, lines: Sequence[dict[str, Any]], origin_type: str | None = None,
                       origin_id: int | None = None, reference: str = "", from_location_id: int | None = None,
                       to_location_id: int | None = None) -> Requisition:
    """A draft material requisition (领料申请). Lines: ``{"product_id", "quantity"}``.

    Stock is issued from ``from_location_id`` (default stock location) to
    ``to_location_id`` (default: the production location).
    """
    _lines(lines)
    src = get_location(session, from_location_id, "fromLocationId") if from_location_id else default_stock_location(session)
    if src.kind != "internal":
        raise ValidationError("materials are issued from an internal location", field="fromLocationId")
    dst = get_location(session, to_location_id, "toLocationId") if to_location_id else virtual_location(session, "production")
    if dst.kind not in ("production", "internal") or dst.id == src.id:
        raise ValidationError("materials are issued to a production or another internal location", field="toLocationId")
    req = Requisition(number=next_number(session, "stock.requisition"), state="draft", origin_type=origin_type,
                      origin_id=origin_id, reference=_text(reference, "reference", required=False, max_len=100),
                      from_location_id=src.id, to_location_id=dst.id)
    session.add(req)
    session.flush()
    for i, line in enumerate(lines):
        product = get_product(session, line.get("product_id") or 0, f"lines[{i}].productId")
        session.add(RequisitionLine(requisition_id=req.id, product_id=product.id,
                                    quantity=qty(line.get("quantity"), f"lines[{i}].quantity")))
    session.flush()
    return req


def _req_payload(req: Requisition, lines: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    out = {"requisition_id": req.id, "number": req.number, "state": req.state,
           "origin_type": req.origin_type, "origin_id": req.origin_id}
    if lines is not None:
        out["lines"] = lines
    return out


def approve_requisition(session: Session, requisition_id: int) -> Requisition:
    req = _get(session, Requisition, requisition_id, "requisition")
    _transition(session, req, "requisition", "approved")
    req.approved_at, req.approved_by = utcnow(), _actor(session)
    session.flush()
    publish(session, "stock.requisition.approved", _req_payload(req))
    return req


def issue_requisition(session: Session, requisition_id: int,
                      lines: Sequence[dict[str, Any]] | None = None) -> Requisition:
    """Issue materials: move them to the production location; event ``stock.requisition.issued``.

    :param lines: ``[{"line_id", "quantity", "lot_id"?}]`` for a partial issue;
        ``None`` issues everything still open. A tracked product without a lot
        is taken first-in first-out.
    """
    req = _get(session, Requisition, requisition_id, "requisition")
    req_lines = {ln.id: ln for ln in session.scalars(
        select(RequisitionLine).where(RequisitionLine.requisition_id == req.id).order_by(RequisitionLine.id))}
    if lines is None:
        todo = [{"line_id": ln.id, "quantity": ln.quantity - dec(ln.issued_quantity)}
                for ln in req_lines.values() if ln.quantity > dec(ln.issued_quantity)]
    else:
        _lines(lines)
        todo = list(lines)
    if not todo:
        raise ValidationError("nothing left to issue", field="lines")
    plan = []
    for i, item in enumerate(todo):
        ln = req_lines.get(int(item.get("line_id") or 0))
        if ln is None:
            raise ValidationError("no such line on this requisition", field=f"lines[{i}].lineId")
        q = qty(item.get("quantity"), f"lines[{i}].quantity")
        if dec(ln.issued_quantity) + q > ln.quantity:
            raise ValidationError(
                f"only {(ln.quantity - dec(ln.issued_quantity)).normalize():f} left to issue on this line",
                field=f"lines[{i}].quantity")
        plan.append((i, ln, q, item.get("lot_id")))
    for _i, ln, q, _lot in plan:
        ln.issued_quantity = dec(ln.issued_quantity) + q
    complete = all(dec(ln.issued_quantity) >= ln.quantity for ln in req_lines.values())
    _transition(session, req, "requisition", "issued" if complete else "partially_issued")
    issued = []
    for i, ln, q, lot_id in plan:
        for m in ledger.move_stock(session, product_id=ln.product_id, quantity=q, from_location_id=req.from_location_id,
                                   to_location_id=req.to_location_id, lot_id=lot_id, origin_type=ORIGIN["requisition"],
                                   origin_id=req.id, origin_line_id=ln.id, reference=req.number, field=f"lines[{i}]."):
            issued.append({"line_id": ln.id, "product_id": m.product_id, "quantity": str(m.quantity), "lot_id": m.lot_id})
    publish(session, "stock.requisition.issued", _req_payload(req, issued))
    return req


def close_requisition(session: Session, requisition_id: int) -> Requisition:
    req = _get(session, Requisition, requisition_id, "requisition")
    _transition(session, req, "requisition", "closed")
    publish(session, "stock.requisition.closed", _req_payload(req))
    return req


def cancel_requisition(session: Session, requisition_id: int) -> Requisition:
    req = _get(session, Requisition, requisition_id, "requisition")
    _transition(session, req, "requisition", "cancelled")
    publish(session, "stock.requisition.cancelled", _req_payload(req))
    return req


# =========================================================================== shipments


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


def _reserve_shipment(session: Session, shipment: Shipment) -> None:
    for i, line in enumerate(_shipment_lines(session, shipment.id)):
        ledger.move_stock(session, product_id=line.product_id, quantity=line.quantity,
                          from_location_id=shipment.from_location_id, to_location_id=shipment.to_location_id,
                          lot_id=line.lot_id, origin_type=ORIGIN["shipment"], origin_id=shipment.id,
                          origin_line_id=line.id, reference=shipment.number, state="reserved", field=f"lines[{i}].")


def pick_shipment(session: Session, shipment_id: int) -> Shipment:
    """Pick: reserve the stock of every line (lots first-in first-out); ``INSUFFICIENT_STOCK`` when short."""
    shipment = _get(session, Shipment, shipment_id, "shipment")
    _transition(session, shipment, "shipment", "picked")
    _reserve_shipment(session, shipment)
    publish(session, "stock.shipment.picked", {"shipment_id": shipment.id, "number": shipment.number,
                                               "origin_type": shipment.origin_type, "origin_id": shipment.origin_id})
    return shipment


def confirm_shipment(session: Session, shipment_id: int) -> Shipment:
    """Confirm delivery (发货确认): hook ``tenon_stock_shipment_confirming`` may refuse; then the
    reserved (or, from draft, freshly taken) stock moves to the customer location and
    ``stock.shipment.done`` is published."""
    shipment = _get(session, Shipment, shipment_id, "shipment")
    if (shipment.state, "done") not in TRANSITIONS["shipment"]:
        raise InvalidTransition(f"shipment {shipment.number} is {shipment.state}; it cannot be confirmed",
                                details={"state": shipment.state, "to": "done"})
    app = session.info.get("app")
    if app is not None and hasattr(app.hook, "tenon_stock_shipment_confirming"):
        app.hook.tenon_stock_shipment_confirming(session=session, shipment=shipment)
    was = shipment.state
    _transition(session, shipment, "shipment", "done")
    if was == "draft":
        _reserve_shipment(session, shipment)
    ledger.complete_moves(session, _shipment_moves(session, shipment, "reserved"))
    shipment.done_at, shipment.done_by = utcnow(), _actor(session)
    session.flush()
    lines = _shipment_lines(session, shipment.id)
    publish(session, "stock.shipment.done", {
        "shipment_id": shipment.id, "number": shipment.number, "origin_type": shipment.origin_type,
        "origin_id": shipment.origin_id,
        "lines": [{"product_id": ln.product_id, "quantity": str(dec(ln.quantity)), "origin_line_id": ln.origin_line_id}
                  for ln in lines],
    })
    return shipment


def cancel_shipment(session: Session, shipment_id: int) -> Shipment:
    """Cancel a draft or picked shipment, releasing its reservations."""
    shipment = _get(session, Shipment, shipment_id, "shipment")
    _transition(session, shipment, "shipment", "cancelled")
    ledger.cancel_moves(session, _shipment_moves(session, shipment, "reserved"))
    publish(session, "stock.shipment.cancelled", {"shipment_id": shipment.id, "number": shipment.number,
                                                  "origin_type": shipment.origin_type, "origin_id": shipment.origin_id})
    return shipment


# =========================================================================== transfers


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
    for i, line in enumerate(lines):
        f = f"lines[{i}]."
        product = get_product(session, line.get("product_id") or 0, f"{f}productId")
        lot_id = _lot_id(session, product.id, line, f) if line.get("lot_id") else None
        session.add(TransferLine(transfer_id=tr.id, product_id=product.id, lot_id=lot_id,
                                 quantity=qty(line.get("quantity"), f"{f}quantity")))
    session.flush()
    return tr


def validate_transfer(session: Session, transfer_id: int) -> Transfer:
    tr = _get(session, Transfer, transfer_id, "transfer")
    _transition(session, tr, "transfer", "done")
    lines = list(session.scalars(select(TransferLine).where(TransferLine.transfer_id == tr.id).order_by(TransferLine.id)))
    for i, ln in enumerate(lines):
        ledger.move_stock(session, product_id=ln.product_id, quantity=ln.quantity, from_location_id=tr.from_location_id,
                          to_location_id=tr.to_location_id, lot_id=ln.lot_id, origin_type=ORIGIN["transfer"],
                          origin_id=tr.id, origin_line_id=ln.id, reference=tr.number, field=f"lines[{i}].")
    tr.done_at, tr.done_by = utcnow(), _actor(session)
    session.flush()
    publish(session, "stock.transfer.done", {"transfer_id": tr.id, "number": tr.number})
    return tr


def cancel_transfer(session: Session, transfer_id: int) -> Transfer:
    tr = _get(session, Transfer, transfer_id, "transfer")
    _transition(session, tr, "transfer", "cancelled")
    return tr


# =========================================================================== scanning


@dataclass
class ScanResult:
    """What a scanned value is. ``kind``: ``product``, ``lot``, ``location``, ``document`` or ``unknown``."""

    code: str
    kind: str
    product_id: int | None = None
    lot_id: int | None = None
    location_id: int | None = None
    document_type: str | None = None
    document_id: int | None = None
    number: str | None = None
    state: str | None = None


DOCUMENTS: list[tuple[str, type]] = [
    ("stock.receipt", Receipt), ("stock.shipment", Shipment), ("stock.requisition", Requisition),
    ("stock.transfer", Transfer), ("stock.count", Count),
]


def scan(session: Session, code: str) -> ScanResult:
    """Resolve a scanned barcode value: a product (barcode or code), a lot (barcode), a
    location (barcode or code) or a document (number)."""
    code = (code or "").strip()
    if not code:
        raise ValidationError("scan a code", field="code")
    p = session.scalar(select(Product).where(or_(Product.barcode == code, Product.code == code)).limit(1))
    if p is not None:
        return ScanResult(code, "product", product_id=p.id)
    lot = session.scalar(select(Lot).where(Lot.barcode == code).limit(1))
    if lot is not None:
        return ScanResult(code, "lot", product_id=lot.product_id, lot_id=lot.id)
    loc = session.scalar(select(Location).where(or_(Location.barcode == code, Location.code == code)).limit(1))
    if loc is not None:
        return ScanResult(code, "location", location_id=loc.id)
    for doc_type, model in DOCUMENTS:
        doc = session.scalar(select(model).where(model.number == code))  # type: ignore[attr-defined]
        if doc is not None:
            return ScanResult(code, "document", document_type=doc_type, document_id=doc.id, number=doc.number,
                              state=doc.state)
    return ScanResult(code, "unknown")


def scan_move(session: Session, *, from_code: str, to_code: str, item_code: str, quantity: Any,
              lot_code: str | None = None) -> list[Move]:
    """Handheld move: scanned source location, destination location and item (a product
    or a lot barcode), one call, done at once."""
    src = find_location(session, from_code, "fromCode")
    dst = find_location(session, to_code, "toCode")
    item = scan(session, item_code)
    if item.kind not in ("product", "lot"):
        raise ValidationError(f"{item_code!r} is not a product or a lot", field="itemCode")
    assert item.product_id is not None
    lot_id = item.lot_id
    if lot_id is None and lot_code:
        lot = session.scalar(select(Lot).where(Lot.product_id == item.product_id, Lot.code == lot_code.strip()))
        if lot is None:
            raise NotFound(f"no lot {lot_code!r} of this product", field="lotCode")
        lot_id = lot.id
    return ledger.move_stock(session, product_id=item.product_id, quantity=quantity, from_location_id=src.id,
                             to_location_id=dst.id, lot_id=lot_id, origin_type=ORIGIN["scan"],
                             reference=f"scan {src.code}->{dst.code}")


# =========================================================================== lots and traceability


def record_consumption(session: Session, *, produced_lot_id: int, consumed: Sequence[dict[str, Any]],
                       origin_type: str | None = None, origin_id: int | None = None) -> list[LotConsumption]:
    """Record that component lots went into a produced lot (genealogy for traceability).

    :param consumed: ``[{"lot_id": int, "quantity": Decimal}]``.
    """
    produced = get_lot(session, produced_lot_id, "producedLotId")
    _lines(consumed, "consumed")
    out = []
    for i, c in enumerate(consumed):
        lot = get_lot(session, c.get("lot_id") or 0, f"consumed[{i}].lotId")
        if lot.id == produced.id:
            raise ValidationError("a lot cannot consume itself", field=f"consumed[{i}].lotId")
        if produced.id in lot_trace(session, lot.id, "UP"):
            raise ValidationError("this would make the genealogy circular", field=f"consumed[{i}].lotId")
        row = LotConsumption(consumed_lot_id=lot.id, produced_lot_id=produced.id,
                             quantity=qty(c.get("quantity"), f"consumed[{i}].quantity"),
                             origin_type=origin_type, origin_id=origin_id)
        session.add(row)
        out.append(row)
    session.flush()
    return out


@dataclass
class TraceNode:
    lot_id: int
    parent_lot_id: int | None
    depth: int
    quantity: Decimal | None


def lot_trace(session: Session, lot_id: int, direction: str) -> dict[int, TraceNode]:
    """Walk the genealogy from ``lot_id``: ``DOWN`` = where it went (lots made from it),
    ``UP`` = where it came from (lots that went into it). One query per level.

    :returns: ``{lot_id: TraceNode}`` in breadth-first order, the start lot first (depth 0).
    """
    if direction not in ("UP", "DOWN"):
        raise ValidationError("direction must be UP or DOWN", field="direction")
    get_lot(session, lot_id, "lotId")
    src, dst = ((LotConsumption.consumed_lot_id, LotConsumption.produced_lot_id) if direction == "DOWN"
                else (LotConsumption.produced_lot_id, LotConsumption.consumed_lot_id))
    nodes: dict[int, TraceNode] = {lot_id: TraceNode(lot_id, None, 0, None)}
    frontier, depth = [lot_id], 0
    while frontier:
        depth += 1
        rows = session.execute(select(src, dst, func.sum(LotConsumption.quantity)).where(src.in_(frontier))
                               .group_by(src, dst).order_by(src, dst)).all()
        frontier = []
        for parent, child, q in rows:
            if child not in nodes:
                nodes[child] = TraceNode(child, parent, depth, dec(q))
                frontier.append(child)
    return nodes


def documents_of_lots(session: Session, lot_ids: Sequence[int], origin_type: str) -> dict[int, list[int]]:
    """``{lot_id: [document ids]}`` of done moves of those lots with ``origin_type``."""
    out: dict[int, list[int]] = {lid: [] for lid in lot_ids}
    for lid, oid in session.execute(
        select(Move.lot_id, Move.origin_id).where(Move.lot_id.in_(list(lot_ids)), Move.origin_type == origin_type,
                                                  Move.state == "done").distinct().order_by(Move.lot_id, Move.origin_id)
    ):
        out[lid].append(oid)
    return out


# =========================================================================== cycle counts


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
    from .models import Balance

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
    from .models import Balance

    return dec(session.scalar(select(Balance.quantity).where(
        Balance.product_id == product_id, Balance.location_id == location_id, Balance.lot_key == (lot_id or 0))))


def record_count(session: Session, count_id: int, entries: Sequence[dict[str, Any]]) -> Count:
    """Record counted quantities. Each entry names a line (``line_id``) or a
    (``product_id``, ``location_id``, ``lot_id``/``lot``) found on the shelf; the
    system quantity of that balance is recorded at the same moment."""
    count = _get(session, Count, count_id, "count")
    if count.state != "draft":
        raise InvalidTransition(f"count {count.number} is {count.state}")
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
    count = _get(session, Count, count_id, "count")
    _transition(session, count, "count", "done")
    loss = virtual_location(session, "inventory_loss")
    lines = list(session.scalars(select(CountLine).where(CountLine.count_id == count.id).order_by(CountLine.id)))
    if not any(ln.counted_quantity is not None for ln in lines):
        raise ValidationError("nothing was counted", field="entries")
    adjustments = []
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
        adjustments.append({"product_id": ln.product_id, "location_id": ln.location_id, "lot_id": ln.lot_id,
                            "difference": str(diff)})
    count.done_at, count.done_by = utcnow(), _actor(session)
    session.flush()
    publish(session, "stock.count.done", {"count_id": count.id, "number": count.number, "adjustments": adjustments})
    return count


def cancel_count(session: Session, count_id: int) -> Count:
    count = _get(session, Count, count_id, "count")
    _transition(session, count, "count", "cancelled")
    return count


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


# =========================================================================== reservations (documents of other plugins)


def reserve_for(session: Session, *, product_id: int, quantity: Any, origin_type: str, origin_id: int,
                location_id: int | None = None, lot_id: int | None = None) -> list[Reservation]:
    """Reserve stock for any plugin's document (rows, not a counter)."""
    return ledger.reserve(session, product_id=product_id, quantity=quantity, origin_type=origin_type,
                          origin_id=origin_id, location_id=location_id, lot_id=lot_id)


# =========================================================================== labels


def label_data(session: Session, kind: str, obj_id: int) -> Any:
    """What to print on the label of a product, lot or location (``kind`` lowercase)."""
    from .labels import LabelData

    if kind == "product":
        p = get_product(session, obj_id, "id")
        return LabelData(value=p.barcode or p.code, title=p.name, subtitle=f"{p.code} · {p.unit}")
    if kind == "lot":
        lot = get_lot(session, obj_id, "id")
        p = get_product(session, lot.product_id)
        return LabelData(value=lot.barcode or f"{p.code}/{lot.code}", title=p.name,
                         subtitle=f"{p.code} · {'S/N' if p.tracking == 'serial' else 'Lot'} {lot.code}")
    if kind == "location":
        loc = get_location(session, obj_id, "id")
        return LabelData(value=loc.barcode or loc.code, title=loc.name, subtitle=loc.code)
    raise ValidationError("kind must be product, lot or location", field="kind")
