"""GraphQL types of cycle counts and inventory accuracy."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry
from strawberry.types import Info

from ... import ledger
from ...models import Count, CountLine
from ..loaders import children
from .common import _id, num
from .products import LocationType, LotType, ProductType, load_location, load_lot, load_product


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
        return await info.context.batch("stock.count_lines", children(
            CountLine, "count_id", CountLineType.from_model)).load(int(self.id))


@strawberry.type(name="InventoryAccuracy", description="Share of counted lines whose difference is within the tolerance.")
class InventoryAccuracyType:
    counted_lines: int = strawberry.field(description="Counted lines of confirmed counts in the period.")
    accurate_lines: int = strawberry.field(description="Of those, lines with |counted − system| ≤ tolerance.")
    tolerance: Decimal = strawberry.field(description="The tolerance used, in the products' units.")
    accuracy: Decimal | None = strawberry.field(description="accurateLines / countedLines (0..1), null when nothing was counted.")
    accuracy_percent: Decimal | None = strawberry.field(description="The same as a percentage, 2 decimals.")
