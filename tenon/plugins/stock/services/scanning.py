"""Handheld scanning (what a scanned code is, moves by scanning) and label data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tenon.core.errors import NotFound, ValidationError

from .. import ledger
from ..ledger import get_location, get_lot, get_product
from ..models import Count, Location, Lot, Move, Product, Receipt, Requisition, Shipment, Transfer
from ._common import ORIGIN
from .products import find_location


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


def label_data(session: Session, kind: str, obj_id: int) -> Any:
    """What to print on the label of a product, lot or location (``kind`` lowercase)."""
    from ..labels import LabelData

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
