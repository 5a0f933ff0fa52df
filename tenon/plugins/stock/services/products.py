"""Master data: units, categories, products, warehouses, locations and lots."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tenon.core.errors import NotFound, ValidationError
from tenon.core.sequences import next_number

from ..ledger import get_location, get_lot, get_product, qty
from ..models import LOCATION_KINDS, PRODUCT_KINDS, TRACKING, Category, Location, Lot, Move, Product, Uom, Warehouse
from ._common import _text


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
    """A new location (public: another plugin may keep its own places, e.g. qc's quarantine).

    ``kind`` is one of ``internal``, ``supplier``, ``customer``, ``production``,
    ``inventory_loss``, ``view``; a child takes its parent's warehouse. ``VALIDATION`` for a used
    code or barcode, an unknown kind or warehouse; ``NOT_FOUND`` for an unknown parent.
    """
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
