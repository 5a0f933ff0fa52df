"""GraphQL types of the ledger: moves, stock levels and reservations."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry
from strawberry.types import Info

from ... import ledger
from ...models import Balance, Move, Reservation
from .common import _id, num
from .products import LocationType, LotType, ProductType, load_location, load_lot, load_product


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
