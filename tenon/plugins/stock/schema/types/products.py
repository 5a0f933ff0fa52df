"""GraphQL types of the master data (categories, units, products, warehouses, locations, lots) and their loaders."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from sqlalchemy import select
from sqlalchemy.orm import Session
from strawberry.types import Info

from tenon.graphql.prefetch import Prefetch
from tenon.graphql.prefetch import load as prefetch_load

from ... import ledger
from ...models import Balance, Category, Location, Lot, Product, Uom, Warehouse
from ..loaders import by_id, children
from .common import _id, num


#: the batch behind ``stock.product_by_id``: products by id, as :class:`ProductType`
_PRODUCTS = by_id(Product, lambda m: ProductType.from_model(m))


async def load_product(info: Info, product_id: int | None) -> ProductType | None:
    if product_id is None:
        return None
    return await info.context.batch("stock.product_by_id", _PRODUCTS).load(product_id)


def product_prefetch(key: Callable[[Any], int | None]) -> Prefetch:
    """The product a row of another plugin's list names (``key(row)``: its product id), loaded with
    that list's page (``paginate(..., prefetch=...)``) through the same DataLoader as
    :func:`load_product`; the field's plain resolver answers with :func:`product_now`."""
    return Prefetch("stock.product_by_id", _PRODUCTS, key)


def product_now(info: Info, product_id: int | None) -> Any:
    """:func:`load_product` for a plain (``direct``) resolver: the product at once when the page
    loaded it (:func:`product_prefetch`), else an awaitable through the DataLoader."""
    if product_id is None:
        return None
    return prefetch_load(info, "stock.product_by_id", _PRODUCTS, product_id)


async def load_location(info: Info, location_id: int | None) -> LocationType | None:
    if location_id is None:
        return None
    return await info.context.batch("stock.location_by_id", by_id(Location, LocationType.from_model)).load(location_id)


async def load_lot(info: Info, lot_id: int | None) -> LotType | None:
    if lot_id is None:
        return None
    return await info.context.batch("stock.lot_by_id", by_id(Lot, LotType.from_model)).load(lot_id)


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
        return await info.context.batch("stock.category_by_id", by_id(Category, CategoryType.from_model)).load(
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
                                        children(Location, "warehouse_id", LocationType.from_model)).load(int(self.id))


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
