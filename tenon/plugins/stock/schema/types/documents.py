"""GraphQL types of the warehouse documents: receipts, requisitions, shipments and transfers, with their lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal

import strawberry
from sqlalchemy import select
from sqlalchemy.orm import Session
from strawberry.types import Info

from ... import ledger
from ...models import (
    Move,
    Receipt,
    ReceiptLine,
    Requisition,
    RequisitionLine,
    Shipment,
    ShipmentLine,
    Transfer,
    TransferLine,
)
from ..loaders import children
from .common import _id, num
from .moves import MoveType
from .products import LocationType, LotType, ProductType, load_location, load_lot, load_product


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
        return await info.context.batch("stock.receipt_lines", children(
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
        return await info.context.batch("stock.requisition_lines", children(
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
        return await info.context.batch("stock.shipment_lines", children(
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
        return await info.context.batch("stock.transfer_lines", children(
            TransferLine, "transfer_id", TransferLineType.from_model)).load(int(self.id))
