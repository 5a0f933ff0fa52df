"""Root query fields of the stock plugin."""

from __future__ import annotations

import base64
import datetime as dt
import enum
from decimal import Decimal
from typing import Annotated, Any

import strawberry
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from strawberry.types import Info

from tenon.core.errors import ValidationError
from tenon.core.ids import decode_id
from tenon.graphql.permissions import allowed
from tenon.graphql.relay import Connection, OrderDirection, apply_order, paginate

from .. import labels
from ..services import counts as cycle_counts, lots, products, scanning
from ..models import (
    Balance,
    Category,
    Count,
    Location,
    Lot,
    Move,
    Product,
    Receipt,
    Requisition,
    Reservation,
    Shipment,
    Transfer,
    Uom,
    Warehouse,
)
from .types.common import num
from .types.counts import CountType, InventoryAccuracyType
from .types.documents import ReceiptType, RequisitionType, ShipmentType, TransferType
from .types.moves import MoveType, ReservationType, StockLevelType
from .types.products import CategoryType, LocationType, LotType, ProductType, UnitType, WarehouseType
from .types.reports import LabelFormat, LabelKind, LabelSymbology, LabelType, LotTraceNodeType, LotTraceType, ScanKind, ScanResultType, TraceDirection

First = Annotated[int | None, strawberry.argument(description="Page size (default and maximum from site settings).")]
After = Annotated[str | None, strawberry.argument(description="Cursor to continue after (`pageInfo.endCursor`).")]
IdArg = Annotated[strawberry.ID, strawberry.argument(description="The id.")]


def _int(value: Any, field: str) -> int:
    """The record id in ``value``; a malformed one is ``VALIDATION`` naming ``field``."""
    return decode_id(value, field)


async def _one(info: Info, model: type, obj_id: Any, convert: Any) -> Any:
    pk = _int(obj_id, "id")
    return await info.context.run(
        lambda s: (lambda m: convert(m) if m is not None else None)(s.scalar(select(model).where(model.id == pk))))  # type: ignore[attr-defined]


def _utc(value: dt.datetime, field: str) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def _doc_filters(stmt: Any, model: Any, state: str | None, origin_type: str | None = None,
                 origin_id: int | None = None) -> Any:
    if state:
        stmt = stmt.where(model.state == state)
    if origin_type:
        stmt = stmt.where(model.origin_type == origin_type)
    if origin_id is not None:
        stmt = stmt.where(model.origin_id == origin_id)
    return stmt.order_by(model.id.desc())



@strawberry.enum(description="What products can be sorted by.")
class ProductOrderField(enum.Enum):
    CODE = strawberry.enum_value("code", description="Product code.")
    NAME = strawberry.enum_value("name", description="Product name.")
    KIND = strawberry.enum_value("kind", description="Kind, then the tiebreaker.")
    CREATED_AT = strawberry.enum_value("created_at", description="When the product was created.")


@strawberry.input(description="How to sort products.")
class ProductOrder:
    field: ProductOrderField = strawberry.field(default=ProductOrderField.CODE, description="Sort key.")
    direction: OrderDirection = strawberry.field(default=OrderDirection.ASC, description="Direction.")


@strawberry.input(description="Which products to list; all given conditions must hold.")
class ProductFilter:
    search: str | None = strawberry.field(default=None, description="Part of the code, name or barcode.")
    kind: str | None = strawberry.field(default=None, description="Only this kind (`raw_material`, ...).")
    category_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this category and its sub-categories.")
    active: bool | None = strawberry.field(default=None, description="Only active (true) or inactive (false) ones.")


PRODUCT_ORDER_COLUMNS = {
    ProductOrderField.CODE: Product.code,
    ProductOrderField.NAME: Product.name,
    ProductOrderField.KIND: Product.kind,
    ProductOrderField.CREATED_AT: Product.created_at,
}

@strawberry.type
class StockQuery:
    # ------------------------------------------------------------------ master data
    @strawberry.field(description="A product by id (null when it does not exist).",
                      extensions=allowed("stock.product", "read"))
    async def product(self, info: Info, id: IdArg) -> ProductType | None:
        return await _one(info, Product, id, ProductType.from_model)

    @strawberry.field(description="Products, by code.", extensions=allowed("stock.product", "read"))
    async def products(
        self, info: Info,
        filter: Annotated[ProductFilter | None, strawberry.argument(description="Conditions on the products.")] = None,
        order_by: Annotated[ProductOrder | None, strawberry.argument(description="Sort order (default: code).")] = None,
        first: First = None, after: After = None,
    ) -> Connection[ProductType]:
        stmt = apply_order(select(Product), order_by, PRODUCT_ORDER_COLUMNS, default=ProductOrderField.CODE,
                           tiebreaker=Product.id)
        f = filter or ProductFilter()
        if f.search:
            like = f"%{f.search.strip()}%"
            stmt = stmt.where(or_(Product.code.ilike(like), Product.name.ilike(like), Product.barcode.ilike(like)))
        if f.kind:
            stmt = stmt.where(Product.kind == f.kind)
        if f.active is not None:
            stmt = stmt.where(Product.active.is_(f.active))
        if f.category_id is not None:
            ids = await info.context.run(products.category_subtree, _int(f.category_id, "filter.categoryId"))
            stmt = stmt.where(Product.category_id.in_(ids))
        return await paginate(info.context, stmt, first=first, after=after, convert=ProductType.from_model)

    @strawberry.field(description="Product categories (a tree through parentId), by code.",
                      extensions=allowed("stock.product", "read"))
    async def product_categories(self, info: Info, first: First = None, after: After = None) -> Connection[CategoryType]:
        return await paginate(info.context, select(Category).order_by(Category.code), first=first, after=after,
                              convert=CategoryType.from_model)

    @strawberry.field(description="Units of measure.", extensions=allowed("stock.product", "read"))
    async def units(self, info: Info) -> list[UnitType]:
        return await info.context.run(lambda s: [UnitType.from_model(u) for u in s.scalars(select(Uom).order_by(Uom.code))])

    @strawberry.field(description="Warehouses.", extensions=allowed("stock.location", "read"))
    async def warehouses(self, info: Info, first: First = None, after: After = None) -> Connection[WarehouseType]:
        return await paginate(info.context, select(Warehouse).order_by(Warehouse.code), first=first, after=after,
                              convert=WarehouseType.from_model)

    @strawberry.field(description="A location by id.", extensions=allowed("stock.location", "read"))
    async def location(self, info: Info, id: IdArg) -> LocationType | None:
        return await _one(info, Location, id, LocationType.from_model)

    @strawberry.field(description="Locations, by code.", extensions=allowed("stock.location", "read"))
    async def locations(
        self, info: Info,
        kind: Annotated[str | None, strawberry.argument(description="Only this kind (`internal`, `customer`, ...).")] = None,
        warehouse_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this warehouse.")] = None,
        first: First = None, after: After = None,
    ) -> Connection[LocationType]:
        stmt = select(Location).order_by(Location.code)
        if kind:
            stmt = stmt.where(Location.kind == kind)
        if warehouse_id is not None:
            stmt = stmt.where(Location.warehouse_id == _int(warehouse_id, "warehouseId"))
        return await paginate(info.context, stmt, first=first, after=after, convert=LocationType.from_model)

    @strawberry.field(description="A lot by id.", extensions=allowed("stock.lot", "read"))
    async def lot(self, info: Info, id: IdArg) -> LotType | None:
        return await _one(info, Lot, id, LotType.from_model)

    @strawberry.field(description="Lots, newest first.", extensions=allowed("stock.lot", "read"))
    async def lots(
        self, info: Info,
        product_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this product's lots.")] = None,
        code: Annotated[str | None, strawberry.argument(description="Only lots with this number.")] = None,
        first: First = None, after: After = None,
    ) -> Connection[LotType]:
        stmt = select(Lot).order_by(Lot.id.desc())
        if product_id is not None:
            stmt = stmt.where(Lot.product_id == _int(product_id, "productId"))
        if code:
            stmt = stmt.where(Lot.code == code)
        return await paginate(info.context, stmt, first=first, after=after, convert=LotType.from_model)

    # ------------------------------------------------------------------ ledger
    @strawberry.field(description="Ledger entries, newest first.", extensions=allowed("stock.move", "read"))
    async def moves(
        self, info: Info,
        product_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this product.")] = None,
        location_id: Annotated[strawberry.ID | None, strawberry.argument(
            description="Only moves into or out of this location.")] = None,
        lot_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this lot.")] = None,
        origin_type: Annotated[str | None, strawberry.argument(description="Only moves of this document type.")] = None,
        origin_id: Annotated[int | None, strawberry.argument(description="Only moves of this document id.")] = None,
        state: Annotated[str | None, strawberry.argument(description="Only this state.")] = None,
        first: First = None, after: After = None,
    ) -> Connection[MoveType]:
        stmt = select(Move).order_by(Move.id.desc())
        if product_id is not None:
            stmt = stmt.where(Move.product_id == _int(product_id, "productId"))
        if location_id is not None:
            loc = _int(location_id, "locationId")
            stmt = stmt.where(or_(Move.from_location_id == loc, Move.to_location_id == loc))
        if lot_id is not None:
            stmt = stmt.where(Move.lot_id == _int(lot_id, "lotId"))
        if origin_type:
            stmt = stmt.where(Move.origin_type == origin_type)
        if origin_id is not None:
            stmt = stmt.where(Move.origin_id == origin_id)
        if state:
            stmt = stmt.where(Move.state == state)
        return await paginate(info.context, stmt, first=first, after=after, convert=MoveType.from_model)

    @strawberry.field(description="On hand, reserved and available per product, internal location and lot "
                      "(non-zero balances only).", extensions=allowed("stock.move", "read"))
    async def stock_levels(
        self, info: Info,
        product_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this product.")] = None,
        location_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this location.")] = None,
        warehouse_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this warehouse's locations.")] = None,
        kind: Annotated[str | None, strawberry.argument(description="Only products of this kind.")] = None,
        first: First = None, after: After = None,
    ) -> Connection[StockLevelType]:
        stmt = select(Balance).where(Balance.internal.is_(True), or_(Balance.quantity != 0, Balance.reserved != 0))
        if product_id is not None:
            stmt = stmt.where(Balance.product_id == _int(product_id, "productId"))
        if location_id is not None:
            stmt = stmt.where(Balance.location_id == _int(location_id, "locationId"))
        if warehouse_id is not None:
            stmt = stmt.where(Balance.location_id.in_(
                select(Location.id).where(Location.warehouse_id == _int(warehouse_id, "warehouseId"))))
        if kind:
            stmt = stmt.where(Balance.product_id.in_(select(Product.id).where(Product.kind == kind)))
        stmt = stmt.order_by(Balance.product_id, Balance.location_id, Balance.lot_key)
        return await paginate(info.context, stmt, first=first, after=after, convert=StockLevelType.from_model)

    @strawberry.field(description="The raw-material water level: active products of a kind (default raw materials) "
                      "whose on-hand quantity over internal locations is below their reorder point, by code.",
                      extensions=allowed("stock.product", "read"))
    async def below_reorder_point(
        self, info: Info,
        kind: Annotated[str, strawberry.argument(description="Product kind to watch.")] = "raw_material",
        first: First = None, after: After = None,
    ) -> Connection[ProductType]:
        on_hand = (select(func.coalesce(func.sum(Balance.quantity), 0))
                   .where(Balance.product_id == Product.id, Balance.internal.is_(True))
                   .correlate(Product).scalar_subquery())
        stmt = (select(Product).where(Product.kind == kind, Product.active.is_(True), Product.reorder_point > 0,
                                      on_hand < Product.reorder_point).order_by(Product.code))
        return await paginate(info.context, stmt, first=first, after=after, convert=ProductType.from_model)

    @strawberry.field(description="Reservations (stock held for documents), newest first.",
                      extensions=allowed("stock.move", "read"))
    async def reservations(
        self, info: Info,
        product_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this product.")] = None,
        origin_type: Annotated[str | None, strawberry.argument(description="Only for this document type.")] = None,
        origin_id: Annotated[int | None, strawberry.argument(description="Only for this document id.")] = None,
        state: Annotated[str | None, strawberry.argument(description="`active`, `consumed` or `released`.")] = "active",
        first: First = None, after: After = None,
    ) -> Connection[ReservationType]:
        stmt = select(Reservation)
        if product_id is not None:
            stmt = stmt.where(Reservation.product_id == _int(product_id, "productId"))
        stmt = _doc_filters(stmt, Reservation, state, origin_type, origin_id)
        return await paginate(info.context, stmt, first=first, after=after, convert=ReservationType.from_model)

    # ------------------------------------------------------------------ documents
    @strawberry.field(description="A receipt by id.", extensions=allowed("stock.receipt", "read"))
    async def receipt(self, info: Info, id: IdArg) -> ReceiptType | None:
        return await _one(info, Receipt, id, ReceiptType.from_model)

    @strawberry.field(description="Receipts, newest first.", extensions=allowed("stock.receipt", "read"))
    async def receipts(
        self, info: Info,
        state: Annotated[str | None, strawberry.argument(description="Only this state.")] = None,
        first: First = None, after: After = None,
    ) -> Connection[ReceiptType]:
        return await paginate(info.context, _doc_filters(select(Receipt), Receipt, state), first=first, after=after,
                              convert=ReceiptType.from_model)

    @strawberry.field(description="A material requisition by id.", extensions=allowed("stock.requisition", "read"))
    async def requisition(self, info: Info, id: IdArg) -> RequisitionType | None:
        return await _one(info, Requisition, id, RequisitionType.from_model)

    @strawberry.field(description="Material requisitions, newest first.", extensions=allowed("stock.requisition", "read"))
    async def requisitions(
        self, info: Info,
        state: Annotated[str | None, strawberry.argument(description="Only this state.")] = None,
        origin_type: Annotated[str | None, strawberry.argument(description="Only for this requesting document type.")] = None,
        origin_id: Annotated[int | None, strawberry.argument(description="Only for this requesting document id.")] = None,
        first: First = None, after: After = None,
    ) -> Connection[RequisitionType]:
        return await paginate(info.context, _doc_filters(select(Requisition), Requisition, state, origin_type, origin_id),
                              first=first, after=after, convert=RequisitionType.from_model)

    @strawberry.field(description="A shipment by id.", extensions=allowed("stock.shipment", "read"))
    async def shipment(self, info: Info, id: IdArg) -> ShipmentType | None:
        return await _one(info, Shipment, id, ShipmentType.from_model)

    @strawberry.field(description="Shipments, newest first.", extensions=allowed("stock.shipment", "read"))
    async def shipments(
        self, info: Info,
        state: Annotated[str | None, strawberry.argument(description="Only this state.")] = None,
        origin_type: Annotated[str | None, strawberry.argument(description="Only for this origin document type.")] = None,
        origin_id: Annotated[int | None, strawberry.argument(description="Only for this origin document id.")] = None,
        first: First = None, after: After = None,
    ) -> Connection[ShipmentType]:
        return await paginate(info.context, _doc_filters(select(Shipment), Shipment, state, origin_type, origin_id),
                              first=first, after=after, convert=ShipmentType.from_model)

    @strawberry.field(description="An internal transfer by id.", extensions=allowed("stock.transfer", "read"))
    async def transfer(self, info: Info, id: IdArg) -> TransferType | None:
        return await _one(info, Transfer, id, TransferType.from_model)

    @strawberry.field(description="Internal transfers, newest first.", extensions=allowed("stock.transfer", "read"))
    async def transfers(
        self, info: Info,
        state: Annotated[str | None, strawberry.argument(description="Only this state.")] = None,
        first: First = None, after: After = None,
    ) -> Connection[TransferType]:
        return await paginate(info.context, _doc_filters(select(Transfer), Transfer, state), first=first, after=after,
                              convert=TransferType.from_model)

    @strawberry.field(description="A cycle count by id.", extensions=allowed("stock.count", "read"))
    async def count(self, info: Info, id: IdArg) -> CountType | None:
        return await _one(info, Count, id, CountType.from_model)

    @strawberry.field(description="Cycle counts, newest first.", extensions=allowed("stock.count", "read"))
    async def counts(
        self, info: Info,
        state: Annotated[str | None, strawberry.argument(description="Only this state.")] = None,
        first: First = None, after: After = None,
    ) -> Connection[CountType]:
        return await paginate(info.context, _doc_filters(select(Count), Count, state), first=first, after=after,
                              convert=CountType.from_model)

    # ------------------------------------------------------------------ reports
    @strawberry.field(description="Inventory record accuracy: the share of lines counted in [from, to) (confirmed "
                      "counts) whose |counted − system| is within the tolerance.",
                      extensions=allowed("stock.count", "read"))
    async def inventory_accuracy(
        self, info: Info,
        from_: Annotated[dt.datetime, strawberry.argument(name="from", description="Start of the period (inclusive).")],
        to: Annotated[dt.datetime, strawberry.argument(description="End of the period (exclusive).")],
        location_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this location.")] = None,
        tolerance: Annotated[Decimal, strawberry.argument(
            description="Largest absolute difference still counted as accurate, in the product's unit.")] = Decimal(0),
    ) -> InventoryAccuracyType:
        loc = _int(location_id, "locationId") if location_id is not None else None
        acc = await info.context.run(cycle_counts.inventory_accuracy, _utc(from_, "from"), _utc(to, "to"), loc, tolerance)
        ratio = acc.accuracy
        return InventoryAccuracyType(
            counted_lines=acc.counted_lines, accurate_lines=acc.accurate_lines, tolerance=num(acc.tolerance),
            accuracy=ratio, accuracy_percent=(ratio * 100).quantize(Decimal("0.01")) if ratio is not None else None)

    @strawberry.field(description="Lot traceability: UP lists the lots that went into a lot (and their receipts), "
                      "DOWN the lots made from it and the shipments that delivered them.",
                      extensions=allowed("stock.lot", "read"))
    async def lot_trace(
        self, info: Info,
        lot_id: Annotated[strawberry.ID, strawberry.argument(description="The lot to trace.")],
        direction: Annotated[TraceDirection, strawberry.argument(description="UP (where from) or DOWN (where to).")],
    ) -> LotTraceType:
        lid = _int(lot_id, "lotId")

        def trace(session: Session) -> LotTraceType:
            nodes = lots.lot_trace(session, lid, direction.value)
            ids = list(nodes)
            ship_ids = lots.documents_of_lots(session, ids, "stock.shipment")
            rec_ids = lots.documents_of_lots(session, ids, "stock.receipt")
            ships = {s.id: ShipmentType.from_model(s) for s in session.scalars(
                select(Shipment).where(Shipment.id.in_({i for v in ship_ids.values() for i in v})))}
            recs = {r.id: ReceiptType.from_model(r) for r in session.scalars(
                select(Receipt).where(Receipt.id.in_({i for v in rec_ids.values() for i in v})))}
            return LotTraceType(direction=direction, nodes=[
                LotTraceNodeType(depth=n.depth, quantity=num(n.quantity) if n.quantity is not None else None,
                                 _lot=n.lot_id, _parent=n.parent_lot_id,
                                 _shipments=[ships[i] for i in ship_ids[n.lot_id] if i in ships],
                                 _receipts=[recs[i] for i in rec_ids[n.lot_id] if i in recs])
                for n in nodes.values()])

        return await info.context.run(trace)

    # ------------------------------------------------------------------ scanning and labels
    @strawberry.field(description="Resolve a scanned barcode value to the product, lot, location or document it names.",
                      extensions=allowed("stock.product", "read"))
    async def scan(
        self, info: Info,
        code: Annotated[str, strawberry.argument(description="The scanned value.")],
    ) -> ScanResultType:
        def resolve(session: Session) -> ScanResultType:
            r = scanning.scan(session, code)
            p = session.get(Product, r.product_id) if r.product_id else None
            lot = session.get(Lot, r.lot_id) if r.lot_id else None
            loc = session.get(Location, r.location_id) if r.location_id else None
            return ScanResultType(
                code=r.code, kind=ScanKind[r.kind.upper()],
                product=ProductType.from_model(p) if p else None, lot=LotType.from_model(lot) if lot else None,
                location=LocationType.from_model(loc) if loc else None, document_type=r.document_type,
                document_id=strawberry.ID(str(r.document_id)) if r.document_id else None, number=r.number,
                state=r.state)

        return await info.context.run(resolve)

    @strawberry.field(description="A barcode label for a product, lot or location: SVG (Code 128, or QR), PNG (QR, "
                      "base64) or ZPL (Code 128) for Zebra printers.", extensions=allowed("stock.product", "read"))
    async def label(
        self, info: Info,
        kind: Annotated[LabelKind, strawberry.argument(description="What the label is for.")],
        id: Annotated[strawberry.ID, strawberry.argument(description="Id of the product, lot or location.")],
        format: Annotated[LabelFormat, strawberry.argument(description="Output format.")] = LabelFormat.SVG,
        symbology: Annotated[LabelSymbology, strawberry.argument(
            description="For SVG: Code 128 (default) or QR.")] = LabelSymbology.CODE128,
    ) -> LabelType:
        data = await info.context.run(scanning.label_data, kind.value.lower(), _int(id, "id"))
        try:
            content, ctype = labels.render(data, format.value, symbology.value)
        except ValueError as exc:
            raise ValidationError(str(exc), field="id") from None
        text = base64.b64encode(content).decode() if format == LabelFormat.PNG else content.decode("utf-8")
        ext = {"SVG": "svg", "PNG": "png", "ZPL": "zpl"}[format.value]
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in data.value)
        return LabelType(value=data.value, format=format, content_type=ctype, filename=f"{kind.value.lower()}-{safe}.{ext}",
                         content=text)

