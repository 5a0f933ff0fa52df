"""GraphQL types of the stock plugin, their converters and the per-request loaders they use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy import select
from sqlalchemy.orm import Session
from strawberry.types import Info

from .. import ledger
from ..models import (
    Balance,
    Category,
    Count,
    CountLine,
    Location,
    Lot,
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


def num(value: Any) -> Decimal:
    """A quantity for output: ``10`` rather than ``10.0000``, ``2.5`` rather than ``2.5000``."""
    d = ledger.dec(value)
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


def _id(value: int) -> strawberry.ID:
    return strawberry.ID(str(value))


# --------------------------------------------------------------------------- loaders


def _by_id(model: type, convert: Callable[[Any], Any]) -> Callable[[Session, Sequence[int]], list[Any]]:
    def load(session: Session, keys: Sequence[int]) -> list[Any]:
        rows = {r.id: r for r in session.scalars(select(model).where(model.id.in_(list(keys))))}  # type: ignore[attr-defined]
        return [convert(rows[k]) if k in rows else None for k in keys]

    return load


def _children(model: type, fk: str, convert: Callable[[Any], Any]) -> Callable[[Session, Sequence[int]], list[list[Any]]]:
    col = getattr(model, fk)

    def load(session: Session, keys: Sequence[int]) -> list[list[Any]]:
        out: dict[int, list[Any]] = {k: [] for k in keys}
        for r in session.scalars(select(model).where(col.in_(list(keys))).order_by(model.id)):  # type: ignore[attr-defined]
            out[getattr(r, fk)].append(convert(r))
        return [out[k] for k in keys]

    return load


async def load_product(info: Info, product_id: int | None) -> ProductType | None:
    if product_id is None:
        return None
    return await info.context.batch("stock.product_by_id", _by_id(Product, ProductType.from_model)).load(product_id)


async def load_location(info: Info, location_id: int | None) -> LocationType | None:
    if location_id is None:
        return None
    return await info.context.batch("stock.location_by_id", _by_id(Location, LocationType.from_model)).load(location_id)


async def load_lot(info: Info, lot_id: int | None) -> LotType | None:
    if lot_id is None:
        return None
    return await info.context.batch("stock.lot_by_id", _by_id(Lot, LotType.from_model)).load(lot_id)


def _levels(session: Session, keys: Sequence[tuple[int, int | None]]) -> list[tuple[Decimal, Decimal]]:
    by_loc: dict[int | None, list[int]] = {}
    for pid, loc in keys:
        by_loc.setdefault(loc, []).append(pid)
    found = {loc: ledger.levels_for(session, pids, loc) for loc, pids in by_loc.items()}
    return [found[loc][pid] for pid, loc in keys]


def _lot_levels(session: Session, keys: Sequence[int]) -> list[Decimal]:
    from sqlalchemy import func

    rows = dict(session.execute(select(Balance.lot_id, func.sum(Balance.quantity))
                                .where(Balance.lot_id.in_(list(keys)), Balance.internal.is_(True))
                                .group_by(Balance.lot_id)).all())
    return [ledger.dec(rows.get(k)) for k in keys]


# --------------------------------------------------------------------------- master data


@strawberry.type(name="StockCategory", description="A product category; categories form a tree.")
class CategoryType:
    id: strawberry.ID = strawberry.field(description="Category id.")
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Name.")
    parent_id: strawberry.ID | None = strawberry.field(description="Id of the parent category, if any.")

    @classmethod
    def from_model(cls, m: Category) -> CategoryType:
        return cls(id=_id(m.id), code=m.code, name=m.name, parent_id=_id(m.parent_id) if m.parent_id else None)


@strawberry.type(name="Unit", description="A unit of measure; products refer to it by code.")
class UnitType:
    code: str = strawberry.field(description="Unit code, e.g. `pcs`, `kg`.")
    name: str = strawberry.field(description="Name.")
    decimals: int = strawberry.field(description="Decimals usually shown for quantities in this unit.")

    @classmethod
    def from_model(cls, m: Uom) -> UnitType:
        return cls(code=m.code, name=m.name, decimals=m.decimals)


@strawberry.type(name="Product", description="An item of the item master.")
class ProductType:
    id: strawberry.ID = strawberry.field(description="Product id.")
    code: str = strawberry.field(description="Unique product code (from the `P-00001` sequence when not given).")
    name: str = strawberry.field(description="Name.")
    unit: str = strawberry.field(description="Unit of measure code; every quantity of the product is in it.")
    kind: str = strawberry.field(description="`raw_material`, `semi_finished`, `finished` or `consumable`.")
    tracking: str = strawberry.field(description="`none`, `lot` or `serial`: whether moves must name a lot.")
    reorder_point: Decimal = strawberry.field(description="Below this on-hand quantity the item needs replenishing.")
    barcode: str | None = strawberry.field(description="Barcode value (unique), if any; labels use the code otherwise.")
    active: bool = strawberry.field(description="Inactive products are hidden from pickers but keep their history.")
    category_id: strawberry.ID | None = strawberry.field(description="Category id, if any.")
    _pk: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: Product) -> ProductType:
        return cls(id=_id(m.id), code=m.code, name=m.name, unit=m.unit, kind=m.kind, tracking=m.tracking,
                   reorder_point=num(m.reorder_point), barcode=m.barcode, active=m.active,
                   category_id=_id(m.category_id) if m.category_id else None, _pk=m.id)

    async def _level(self, info: Info, location_id: strawberry.ID | None) -> tuple[Decimal, Decimal]:
        key = (self._pk, int(location_id) if location_id else None)
        return await info.context.batch("stock.levels", _levels).load(key)

    @strawberry.field(description="On-hand quantity over all internal locations, or at one location.")
    async def on_hand(
        self, info: Info,
        location_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this location.")] = None,
    ) -> Decimal:
        q, _r = await self._level(info, location_id)
        return num(q)

    @strawberry.field(description="Reserved quantity (held for documents) over internal locations, or at one location.")
    async def reserved(
        self, info: Info,
        location_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this location.")] = None,
    ) -> Decimal:
        _q, r = await self._level(info, location_id)
        return num(r)

    @strawberry.field(description="Available quantity: on hand minus reserved.")
    async def available(
        self, info: Info,
        location_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this location.")] = None,
    ) -> Decimal:
        q, r = await self._level(info, location_id)
        return num(q - r)

    @strawberry.field(description="The product's category.")
    async def category(self, info: Info) -> CategoryType | None:
        if self.category_id is None:
            return None
        return await info.context.batch("stock.category_by_id", _by_id(Category, CategoryType.from_model)).load(
            int(self.category_id))


@strawberry.type(name="Warehouse", description="A warehouse with its tree of locations.")
class WarehouseType:
    id: strawberry.ID = strawberry.field(description="Warehouse id.")
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Name.")
    is_default: bool = strawberry.field(description="Whether documents use this warehouse when none is given.")

    @classmethod
    def from_model(cls, m: Warehouse) -> WarehouseType:
        return cls(id=_id(m.id), code=m.code, name=m.name, is_default=m.is_default)

    @strawberry.field(description="The warehouse's locations.")
    async def locations(self, info: Info) -> list[LocationType]:
        return await info.context.batch("stock.locations_by_warehouse",
                                        _children(Location, "warehouse_id", LocationType.from_model)).load(int(self.id))


@strawberry.type(name="Location", description="A place stock can be: `internal` locations hold real stock and never "
                 "go negative; `supplier`, `customer`, `production` and `inventory_loss` are virtual; `view` groups others.")
class LocationType:
    id: strawberry.ID = strawberry.field(description="Location id.")
    code: str = strawberry.field(description="Unique code, e.g. `WH/STOCK`.")
    name: str = strawberry.field(description="Name.")
    kind: str = strawberry.field(description="`internal`, `supplier`, `customer`, `production`, `inventory_loss` or `view`.")
    parent_id: strawberry.ID | None = strawberry.field(description="Parent location id, if any.")
    warehouse_id: strawberry.ID | None = strawberry.field(description="Warehouse id, for warehouse locations.")
    barcode: str | None = strawberry.field(description="Barcode value, if any (labels use the code otherwise).")
    is_default: bool = strawberry.field(description="The default stock location of its warehouse.")
    active: bool = strawberry.field(description="Whether the location is in use.")

    @classmethod
    def from_model(cls, m: Location) -> LocationType:
        return cls(id=_id(m.id), code=m.code, name=m.name, kind=m.kind,
                   parent_id=_id(m.parent_id) if m.parent_id else None,
                   warehouse_id=_id(m.warehouse_id) if m.warehouse_id else None, barcode=m.barcode,
                   is_default=m.is_default, active=m.active)


@strawberry.type(name="Lot", description="A lot, or one serial number, of a tracked product.")
class LotType:
    id: strawberry.ID = strawberry.field(description="Lot id.")
    code: str = strawberry.field(description="Lot or serial number, unique per product.")
    barcode: str | None = strawberry.field(description="Barcode value (default `PRODUCTCODE/LOT`).")
    product_id: strawberry.ID = strawberry.field(description="Product id.")

    @classmethod
    def from_model(cls, m: Lot) -> LotType:
        return cls(id=_id(m.id), code=m.code, barcode=m.barcode, product_id=_id(m.product_id))

    @strawberry.field(description="The product of the lot.")
    async def product(self, info: Info) -> ProductType:
        p = await load_product(info, int(self.product_id))
        assert p is not None
        return p

    @strawberry.field(description="On-hand quantity of this lot over all internal locations.")
    async def on_hand(self, info: Info) -> Decimal:
        return num(await info.context.batch("stock.lot_levels", _lot_levels).load(int(self.id)))


# --------------------------------------------------------------------------- ledger


@strawberry.type(name="Move", description="A ledger entry: a quantity of a product (and lot) from one location to "
                 "another. Done moves are never changed; corrections are new moves.")
class MoveType:
    id: strawberry.ID = strawberry.field(description="Move id.")
    quantity: Decimal = strawberry.field(description="Quantity, in the product's unit (always positive).")
    state: str = strawberry.field(description="`draft`, `reserved`, `done` or `cancelled`.")
    origin_type: str | None = strawberry.field(description="Type of the document that caused the move (`stock.shipment`, ...).")
    origin_id: int | None = strawberry.field(description="Id of that document.")
    origin_line_id: int | None = strawberry.field(description="Id of the document line, if any.")
    reference: str = strawberry.field(description="Human reference (the document number).")
    done_at: dt.datetime | None = strawberry.field(description="When the move was done.")
    done_by: str | None = strawberry.field(description="Who did it.")
    _product_id: strawberry.Private[int]
    _from: strawberry.Private[int]
    _to: strawberry.Private[int]
    _lot: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: Move) -> MoveType:
        return cls(id=_id(m.id), quantity=num(m.quantity), state=m.state, origin_type=m.origin_type,
                   origin_id=m.origin_id, origin_line_id=m.origin_line_id, reference=m.reference, done_at=m.done_at,
                   done_by=m.done_by, _product_id=m.product_id, _from=m.from_location_id, _to=m.to_location_id,
                   _lot=m.lot_id)

    @strawberry.field(description="The product moved.")
    async def product(self, info: Info) -> ProductType:
        return await load_product(info, self._product_id)  # type: ignore[return-value]

    @strawberry.field(description="Where the stock came from.")
    async def from_location(self, info: Info) -> LocationType:
        return await load_location(info, self._from)  # type: ignore[return-value]

    @strawberry.field(description="Where the stock went.")
    async def to_location(self, info: Info) -> LocationType:
        return await load_location(info, self._to)  # type: ignore[return-value]

    @strawberry.field(description="The lot moved, for tracked products.")
    async def lot(self, info: Info) -> LotType | None:
        return await load_lot(info, self._lot)


@strawberry.type(name="StockLevel", description="Stock of one product at one location (and lot).")
class StockLevelType:
    on_hand: Decimal = strawberry.field(description="On-hand quantity.")
    reserved: Decimal = strawberry.field(description="Quantity reserved for documents.")
    available: Decimal = strawberry.field(description="On hand minus reserved.")
    _product_id: strawberry.Private[int]
    _location_id: strawberry.Private[int]
    _lot: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: Balance) -> StockLevelType:
        q, r = ledger.dec(m.quantity), ledger.dec(m.reserved)
        return cls(on_hand=num(q), reserved=num(r), available=num(q - r), _product_id=m.product_id,
                   _location_id=m.location_id, _lot=m.lot_id)

    @strawberry.field(description="The product.")
    async def product(self, info: Info) -> ProductType:
        return await load_product(info, self._product_id)  # type: ignore[return-value]

    @strawberry.field(description="The location.")
    async def location(self, info: Info) -> LocationType:
        return await load_location(info, self._location_id)  # type: ignore[return-value]

    @strawberry.field(description="The lot, for tracked products.")
    async def lot(self, info: Info) -> LotType | None:
        return await load_lot(info, self._lot)


@strawberry.type(name="Reservation", description="Stock held for a document: a row, never a bare counter.")
class ReservationType:
    id: strawberry.ID = strawberry.field(description="Reservation id.")
    quantity: Decimal = strawberry.field(description="Quantity held.")
    state: str = strawberry.field(description="`active`, `consumed` (its move was done) or `released`.")
    origin_type: str | None = strawberry.field(description="Type of the document it is held for.")
    origin_id: int | None = strawberry.field(description="Id of that document.")
    move_id: strawberry.ID | None = strawberry.field(description="The reserved move, when the reservation belongs to one.")
    _product_id: strawberry.Private[int]
    _location_id: strawberry.Private[int]
    _lot: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: Reservation) -> ReservationType:
        return cls(id=_id(m.id), quantity=num(m.quantity), state=m.state, origin_type=m.origin_type,
                   origin_id=m.origin_id, move_id=_id(m.move_id) if m.move_id else None, _product_id=m.product_id,
                   _location_id=m.location_id, _lot=m.lot_id)

    @strawberry.field(description="The product.")
    async def product(self, info: Info) -> ProductType:
        return await load_product(info, self._product_id)  # type: ignore[return-value]

    @strawberry.field(description="The location the stock is held at.")
    async def location(self, info: Info) -> LocationType:
        return await load_location(info, self._location_id)  # type: ignore[return-value]

    @strawberry.field(description="The lot held, for tracked products.")
    async def lot(self, info: Info) -> LotType | None:
        return await load_lot(info, self._lot)


# --------------------------------------------------------------------------- documents


@strawberry.type(name="ReceiptLine", description="A line of a receipt.")
class ReceiptLineType:
    id: strawberry.ID = strawberry.field(description="Line id.")
    quantity: Decimal = strawberry.field(description="Quantity received.")
    lot_code: str | None = strawberry.field(description="Lot number received (tracked products).")
    _product_id: strawberry.Private[int]
    _lot: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: ReceiptLine) -> ReceiptLineType:
        return cls(id=_id(m.id), quantity=num(m.quantity), lot_code=m.lot_code, _product_id=m.product_id, _lot=m.lot_id)

    @strawberry.field(description="The product.")
    async def product(self, info: Info) -> ProductType:
        return await load_product(info, self._product_id)  # type: ignore[return-value]

    @strawberry.field(description="The lot, once the receipt is done.")
    async def lot(self, info: Info) -> LotType | None:
        return await load_lot(info, self._lot)


@strawberry.type(name="Receipt", description="Goods received from a supplier: `draft` → `done` (or `cancelled`).")
class ReceiptType:
    id: strawberry.ID = strawberry.field(description="Receipt id.")
    number: str = strawberry.field(description="Number, e.g. `RC-2026-00001`.")
    state: str = strawberry.field(description="`draft`, `done` or `cancelled`.")
    supplier: str = strawberry.field(description="Supplier name or reference.")
    reference: str = strawberry.field(description="Delivery note or other reference.")
    origin_type: str | None = strawberry.field(description="Type of the originating document, if any.")
    origin_id: int | None = strawberry.field(description="Id of the originating document, if any.")
    done_at: dt.datetime | None = strawberry.field(description="When it was validated.")
    _location_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: Receipt) -> ReceiptType:
        return cls(id=_id(m.id), number=m.number, state=m.state, supplier=m.supplier, reference=m.reference,
                   origin_type=m.origin_type, origin_id=m.origin_id, done_at=m.done_at, _location_id=m.location_id)

    @strawberry.field(description="Where the goods are received.")
    async def location(self, info: Info) -> LocationType:
        return await load_location(info, self._location_id)  # type: ignore[return-value]

    @strawberry.field(description="The lines.")
    async def lines(self, info: Info) -> list[ReceiptLineType]:
        return await info.context.batch("stock.receipt_lines", _children(
            ReceiptLine, "receipt_id", ReceiptLineType.from_model)).load(int(self.id))


@strawberry.type(name="RequisitionLine", description="A line of a material requisition.")
class RequisitionLineType:
    id: strawberry.ID = strawberry.field(description="Line id.")
    quantity: Decimal = strawberry.field(description="Quantity requested.")
    issued_quantity: Decimal = strawberry.field(description="Quantity issued so far.")
    remaining_quantity: Decimal = strawberry.field(description="Quantity still to issue.")
    _product_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: RequisitionLine) -> RequisitionLineType:
        return cls(id=_id(m.id), quantity=num(m.quantity), issued_quantity=num(m.issued_quantity),
                   remaining_quantity=num(ledger.dec(m.quantity) - ledger.dec(m.issued_quantity)),
                   _product_id=m.product_id)

    @strawberry.field(description="The product.")
    async def product(self, info: Info) -> ProductType:
        return await load_product(info, self._product_id)  # type: ignore[return-value]


@strawberry.type(name="Requisition", description="A material requisition (领料申请): `draft` → `approved` → "
                 "`partially_issued` → `issued` → `closed` (or `cancelled`).")
class RequisitionType:
    id: strawberry.ID = strawberry.field(description="Requisition id.")
    number: str = strawberry.field(description="Number, e.g. `MR-2026-00001`.")
    state: str = strawberry.field(description="`draft`, `approved`, `partially_issued`, `issued`, `closed` or `cancelled`.")
    origin_type: str | None = strawberry.field(description="Type of the requesting document (a work order, ...).")
    origin_id: int | None = strawberry.field(description="Id of the requesting document.")
    reference: str = strawberry.field(description="Free reference.")
    approved_by: str | None = strawberry.field(description="Who approved it.")
    _from: strawberry.Private[int]
    _to: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: Requisition) -> RequisitionType:
        return cls(id=_id(m.id), number=m.number, state=m.state, origin_type=m.origin_type, origin_id=m.origin_id,
                   reference=m.reference, approved_by=m.approved_by, _from=m.from_location_id, _to=m.to_location_id)

    @strawberry.field(description="The warehouse location materials are issued from.")
    async def from_location(self, info: Info) -> LocationType:
        return await load_location(info, self._from)  # type: ignore[return-value]

    @strawberry.field(description="The production location materials are issued to.")
    async def to_location(self, info: Info) -> LocationType:
        return await load_location(info, self._to)  # type: ignore[return-value]

    @strawberry.field(description="The lines.")
    async def lines(self, info: Info) -> list[RequisitionLineType]:
        return await info.context.batch("stock.requisition_lines", _children(
            RequisitionLine, "requisition_id", RequisitionLineType.from_model)).load(int(self.id))


@strawberry.type(name="ShipmentLine", description="A line of a shipment.")
class ShipmentLineType:
    id: strawberry.ID = strawberry.field(description="Line id.")
    quantity: Decimal = strawberry.field(description="Quantity to ship.")
    origin_line_id: int | None = strawberry.field(description="Id of the origin document's line (a sales order line, ...).")
    _product_id: strawberry.Private[int]
    _lot: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: ShipmentLine) -> ShipmentLineType:
        return cls(id=_id(m.id), quantity=num(m.quantity), origin_line_id=m.origin_line_id, _product_id=m.product_id,
                   _lot=m.lot_id)

    @strawberry.field(description="The product.")
    async def product(self, info: Info) -> ProductType:
        return await load_product(info, self._product_id)  # type: ignore[return-value]

    @strawberry.field(description="The lot requested on the line, if one was (else lots are picked first-in first-out).")
    async def lot(self, info: Info) -> LotType | None:
        return await load_lot(info, self._lot)


def _moves_by_origin(origin_type: str) -> Callable[[Session, Sequence[int]], list[list[MoveType]]]:
    def load(session: Session, keys: Sequence[int]) -> list[list[MoveType]]:
        out: dict[int, list[MoveType]] = {k: [] for k in keys}
        for m in session.scalars(select(Move).where(Move.origin_type == origin_type, Move.origin_id.in_(list(keys)))
                                 .order_by(Move.id)):
            out[m.origin_id].append(MoveType.from_model(m))  # type: ignore[index]
        return [out[k] for k in keys]

    return load


@strawberry.type(name="Shipment", description="A delivery to a customer (发货确认): `draft` → `picked` → `done` "
                 "(or `cancelled`).")
class ShipmentType:
    id: strawberry.ID = strawberry.field(description="Shipment id.")
    number: str = strawberry.field(description="Number, e.g. `SH-2026-00001`.")
    state: str = strawberry.field(description="`draft`, `picked`, `done` or `cancelled`.")
    origin_type: str = strawberry.field(description="Type of the origin document (`orders.sales_order`, ...).")
    origin_id: int = strawberry.field(description="Id of the origin document.")
    reference: str = strawberry.field(description="Free reference.")
    done_at: dt.datetime | None = strawberry.field(description="When it was confirmed.")
    done_by: str | None = strawberry.field(description="Who confirmed it.")
    _from: strawberry.Private[int]
    _to: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: Shipment) -> ShipmentType:
        return cls(id=_id(m.id), number=m.number, state=m.state, origin_type=m.origin_type, origin_id=m.origin_id,
                   reference=m.reference, done_at=m.done_at, done_by=m.done_by, _from=m.from_location_id,
                   _to=m.to_location_id)

    @strawberry.field(description="The lines.")
    async def lines(self, info: Info) -> list[ShipmentLineType]:
        return await info.context.batch("stock.shipment_lines", _children(
            ShipmentLine, "shipment_id", ShipmentLineType.from_model)).load(int(self.id))

    @strawberry.field(description="The stock moves of the shipment (reserved once picked, done once confirmed).")
    async def moves(self, info: Info) -> list[MoveType]:
        return await info.context.batch("stock.shipment_moves", _moves_by_origin("stock.shipment")).load(int(self.id))

    @strawberry.field(description="The location the goods leave from.")
    async def from_location(self, info: Info) -> LocationType:
        return await load_location(info, self._from)  # type: ignore[return-value]


@strawberry.type(name="TransferLine", description="A line of an internal transfer.")
class TransferLineType:
    id: strawberry.ID = strawberry.field(description="Line id.")
    quantity: Decimal = strawberry.field(description="Quantity.")
    _product_id: strawberry.Private[int]
    _lot: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: TransferLine) -> TransferLineType:
        return cls(id=_id(m.id), quantity=num(m.quantity), _product_id=m.product_id, _lot=m.lot_id)

    @strawberry.field(description="The product.")
    async def product(self, info: Info) -> ProductType:
        return await load_product(info, self._product_id)  # type: ignore[return-value]

    @strawberry.field(description="The lot, if one was given.")
    async def lot(self, info: Info) -> LotType | None:
        return await load_lot(info, self._lot)


@strawberry.type(name="Transfer", description="An internal transfer between two internal locations: `draft` → `done`.")
class TransferType:
    id: strawberry.ID = strawberry.field(description="Transfer id.")
    number: str = strawberry.field(description="Number, e.g. `TR-2026-00001`.")
    state: str = strawberry.field(description="`draft`, `done` or `cancelled`.")
    reference: str = strawberry.field(description="Free reference.")
    done_at: dt.datetime | None = strawberry.field(description="When it was validated.")
    _from: strawberry.Private[int]
    _to: strawberry.Private[int]

    @classmethod
    def from_model(cls, m: Transfer) -> TransferType:
        return cls(id=_id(m.id), number=m.number, state=m.state, reference=m.reference, done_at=m.done_at,
                   _from=m.from_location_id, _to=m.to_location_id)

    @strawberry.field(description="Source location.")
    async def from_location(self, info: Info) -> LocationType:
        return await load_location(info, self._from)  # type: ignore[return-value]

    @strawberry.field(description="Destination location.")
    async def to_location(self, info: Info) -> LocationType:
        return await load_location(info, self._to)  # type: ignore[return-value]

    @strawberry.field(description="The lines.")
    async def lines(self, info: Info) -> list[TransferLineType]:
        return await info.context.batch("stock.transfer_lines", _children(
            TransferLine, "transfer_id", TransferLineType.from_model)).load(int(self.id))


@strawberry.type(name="CountLine", description="One counted product/location/lot of a cycle count.")
class CountLineType:
    id: strawberry.ID = strawberry.field(description="Line id.")
    system_quantity: Decimal | None = strawberry.field(description="What the ledger said when the line was counted.")
    counted_quantity: Decimal | None = strawberry.field(description="What was found (null until counted).")
    difference: Decimal | None = strawberry.field(description="Counted minus system quantity.")
    counted_at: dt.datetime | None = strawberry.field(description="When it was counted.")
    counted_by: str | None = strawberry.field(description="Who counted it.")
    _product_id: strawberry.Private[int]
    _location_id: strawberry.Private[int]
    _lot: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, m: CountLine) -> CountLineType:
        diff = None
        if m.counted_quantity is not None:
            diff = num(ledger.dec(m.counted_quantity) - ledger.dec(m.system_quantity))
        return cls(id=_id(m.id),
                   system_quantity=num(m.system_quantity) if m.system_quantity is not None else None,
                   counted_quantity=num(m.counted_quantity) if m.counted_quantity is not None else None,
                   difference=diff, counted_at=m.counted_at, counted_by=m.counted_by, _product_id=m.product_id,
                   _location_id=m.location_id, _lot=m.lot_id)

    @strawberry.field(description="The product.")
    async def product(self, info: Info) -> ProductType:
        return await load_product(info, self._product_id)  # type: ignore[return-value]

    @strawberry.field(description="The location.")
    async def location(self, info: Info) -> LocationType:
        return await load_location(info, self._location_id)  # type: ignore[return-value]

    @strawberry.field(description="The lot, for tracked products.")
    async def lot(self, info: Info) -> LotType | None:
        return await load_lot(info, self._lot)


@strawberry.type(name="Count", description="A cycle-count session: `draft` (counting) → `done` (adjustments posted).")
class CountType:
    id: strawberry.ID = strawberry.field(description="Count id.")
    number: str = strawberry.field(description="Number, e.g. `CC-2026-00001`.")
    state: str = strawberry.field(description="`draft`, `done` or `cancelled`.")
    reference: str = strawberry.field(description="Free reference.")
    location_id: strawberry.ID | None = strawberry.field(description="The counted location, if the count is per location.")
    done_at: dt.datetime | None = strawberry.field(description="When it was confirmed.")

    @classmethod
    def from_model(cls, m: Count) -> CountType:
        return cls(id=_id(m.id), number=m.number, state=m.state, reference=m.reference,
                   location_id=_id(m.location_id) if m.location_id else None, done_at=m.done_at)

    @strawberry.field(description="The lines.")
    async def lines(self, info: Info) -> list[CountLineType]:
        return await info.context.batch("stock.count_lines", _children(
            CountLine, "count_id", CountLineType.from_model)).load(int(self.id))


# --------------------------------------------------------------------------- reports, scanning, labels


@strawberry.type(name="InventoryAccuracy", description="Share of counted lines whose difference is within the tolerance.")
class InventoryAccuracyType:
    counted_lines: int = strawberry.field(description="Counted lines of confirmed counts in the period.")
    accurate_lines: int = strawberry.field(description="Of those, lines with |counted − system| ≤ tolerance.")
    tolerance: Decimal = strawberry.field(description="The tolerance used, in the products' units.")
    accuracy: Decimal | None = strawberry.field(description="accurateLines / countedLines (0..1), null when nothing was counted.")
    accuracy_percent: Decimal | None = strawberry.field(description="The same as a percentage, 2 decimals.")


@strawberry.enum(name="TraceDirection", description="Which way to walk a lot's genealogy.")
class TraceDirection(Enum):
    UP = strawberry.enum_value("UP", description="Upstream: the component lots that went into it, recursively.")
    DOWN = strawberry.enum_value("DOWN", description="Downstream: the lots made from it, recursively, and their shipments.")


@strawberry.type(name="LotTraceNode", description="A lot reached while tracing, with the documents it went through.")
class LotTraceNodeType:
    depth: int = strawberry.field(description="Steps from the traced lot (0 = the lot itself).")
    quantity: Decimal | None = strawberry.field(description="Quantity consumed along the link from its parent lot.")
    _lot: strawberry.Private[int]
    _parent: strawberry.Private[int | None]
    _shipments: strawberry.Private[list[ShipmentType]]
    _receipts: strawberry.Private[list[ReceiptType]]

    @strawberry.field(description="The lot.")
    async def lot(self, info: Info) -> LotType:
        return await load_lot(info, self._lot)  # type: ignore[return-value]

    @strawberry.field(description="The lot it was reached from (null for the traced lot).")
    async def parent_lot(self, info: Info) -> LotType | None:
        return await load_lot(info, self._parent)

    @strawberry.field(description="Done shipments that delivered this lot to customers.")
    def shipments(self) -> list[ShipmentType]:
        return self._shipments

    @strawberry.field(description="Done receipts that brought this lot in from suppliers.")
    def receipts(self) -> list[ReceiptType]:
        return self._receipts


@strawberry.type(name="LotTrace", description="The genealogy of a lot, upstream or downstream.")
class LotTraceType:
    direction: TraceDirection = strawberry.field(description="The direction walked.")
    nodes: list[LotTraceNodeType] = strawberry.field(description="Lots reached, breadth first, the traced lot first.")


@strawberry.enum(name="ScanKind", description="What a scanned value turned out to be.")
class ScanKind(Enum):
    PRODUCT = strawberry.enum_value("PRODUCT", description="A product (barcode or code).")
    LOT = strawberry.enum_value("LOT", description="A lot or serial number (its barcode).")
    LOCATION = strawberry.enum_value("LOCATION", description="A location (barcode or code).")
    DOCUMENT = strawberry.enum_value("DOCUMENT", description="A stock document (its number).")
    UNKNOWN = strawberry.enum_value("UNKNOWN", description="Nothing known has this value.")


@strawberry.type(name="ScanResult", description="What a scanned code is, for a handheld client.")
class ScanResultType:
    code: str = strawberry.field(description="The scanned value.")
    kind: ScanKind = strawberry.field(description="What it is.")
    product: ProductType | None = strawberry.field(description="The product (for products and lots).")
    lot: LotType | None = strawberry.field(description="The lot.")
    location: LocationType | None = strawberry.field(description="The location.")
    document_type: str | None = strawberry.field(description="Document type (`stock.shipment`, ...).")
    document_id: strawberry.ID | None = strawberry.field(description="Document id.")
    number: str | None = strawberry.field(description="Document number.")
    state: str | None = strawberry.field(description="Document state.")


@strawberry.enum(name="LabelKind", description="What a label is printed for.")
class LabelKind(Enum):
    PRODUCT = strawberry.enum_value("PRODUCT", description="A product: its barcode, else its code.")
    LOT = strawberry.enum_value("LOT", description="A lot or serial number: its barcode.")
    LOCATION = strawberry.enum_value("LOCATION", description="A location: its barcode, else its code.")


@strawberry.enum(name="LabelFormat", description="Label output format.")
class LabelFormat(Enum):
    SVG = strawberry.enum_value("SVG", description="Code 128 (or QR with symbology QR) as SVG text.")
    PNG = strawberry.enum_value("PNG", description="QR code as PNG, base64-encoded.")
    ZPL = strawberry.enum_value("ZPL", description="Zebra printer label (Code 128), as ZPL text.")


@strawberry.enum(name="LabelSymbology", description="Barcode symbology for SVG labels.")
class LabelSymbology(Enum):
    CODE128 = strawberry.enum_value("CODE128", description="Linear Code 128.")
    QR = strawberry.enum_value("QR", description="QR code.")


@strawberry.type(name="Label", description="A rendered label.")
class LabelType:
    value: str = strawberry.field(description="The encoded value (what a scanner reads).")
    format: LabelFormat = strawberry.field(description="The format.")
    content_type: str = strawberry.field(description="MIME type of the content.")
    filename: str = strawberry.field(description="A suggested file name.")
    content: str = strawberry.field(description="The label: SVG or ZPL text, or base64 for PNG.")
