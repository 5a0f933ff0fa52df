"""Root mutation fields of the stock plugin: each decodes its input, calls one service, returns the object."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy.orm import Session
from strawberry.types import Info

from tenon.core.ids import decode_id
from tenon.graphql.permissions import allowed

from .. import ledger
from ..services import counts, lots, products, receipts, requisitions, reservations, scanning, shipments, transfers
from .inputs import (
    CategoryCreateInput,
    CountCreateInput,
    CountEntryInput,
    LocationCreateInput,
    LotConsumptionInput,
    LotCreateInput,
    MoveScanInput,
    ProductCreateInput,
    ProductUpdateInput,
    ReceiptCreateInput,
    RequisitionCreateInput,
    RequisitionIssueLineInput,
    ReservationCreateInput,
    ShipmentCreateInput,
    TransferCreateInput,
    WarehouseCreateInput,
)
from .types.counts import CountType
from .types.documents import ReceiptType, RequisitionType, ShipmentType, TransferType
from .types.moves import MoveType, ReservationType
from .types.products import CategoryType, LocationType, LotType, ProductType, WarehouseType

IdArg = Annotated[strawberry.ID, strawberry.argument(description="The document id.")]


def _int(value: Any, field: str) -> int:
    """The record id in ``value``; a malformed one is ``VALIDATION`` naming ``field``."""
    return decode_id(value, field)


def _opt(value: Any, field: str) -> int | None:
    return None if value is None else _int(value, field)


@strawberry.type
class StockMutation:
    # ------------------------------------------------------------------ master data
    @strawberry.mutation(description="Create a product. Duplicate code or barcode: VALIDATION naming the field.",
                         extensions=allowed("stock.product", "create"))
    async def product_create(self, info: Info, input: Annotated[ProductCreateInput, strawberry.argument(
            description="The product.")]) -> ProductType:
        i = input
        return await info.context.run(lambda s: ProductType.from_model(products.create_product(
            s, name=i.name, code=i.code, unit=i.unit, kind=i.kind, tracking=i.tracking,
            category_id=_opt(i.category_id, "categoryId"), reorder_point=i.reorder_point, barcode=i.barcode)))

    @strawberry.mutation(description="Change a product.", extensions=allowed("stock.product", "update"))
    async def product_update(
        self, info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Product id.")],
        input: Annotated[ProductUpdateInput, strawberry.argument(description="The changes.")],
    ) -> ProductType:
        i = input
        changes = dict(name=i.name, kind=i.kind, category_id=_opt(i.category_id, "categoryId"),
                       reorder_point=i.reorder_point, barcode=i.barcode, active=i.active, unit=i.unit, tracking=i.tracking)
        return await info.context.run(lambda s: ProductType.from_model(
            products.update_product(s, _int(id, "id"), **changes)))

    @strawberry.mutation(description="Create a product category.", extensions=allowed("stock.product", "create"))
    async def product_category_create(self, info: Info, input: Annotated[CategoryCreateInput, strawberry.argument(
            description="The category.")]) -> CategoryType:
        i = input
        return await info.context.run(lambda s: CategoryType.from_model(products.create_category(
            s, code=i.code, name=i.name, parent_id=_opt(i.parent_id, "parentId"))))

    @strawberry.mutation(description="Create a warehouse with its view and stock locations.",
                         extensions=allowed("stock.location", "create"))
    async def warehouse_create(self, info: Info, input: Annotated[WarehouseCreateInput, strawberry.argument(
            description="The warehouse.")]) -> WarehouseType:
        return await info.context.run(lambda s: WarehouseType.from_model(
            products.create_warehouse(s, code=input.code, name=input.name)))

    @strawberry.mutation(description="Create a location.", extensions=allowed("stock.location", "create"))
    async def location_create(self, info: Info, input: Annotated[LocationCreateInput, strawberry.argument(
            description="The location.")]) -> LocationType:
        i = input
        return await info.context.run(lambda s: LocationType.from_model(products.create_location(
            s, code=i.code, name=i.name, kind=i.kind, parent_id=_opt(i.parent_id, "parentId"),
            warehouse_id=_opt(i.warehouse_id, "warehouseId"), barcode=i.barcode)))

    @strawberry.mutation(description="Create (or return the existing) lot of a tracked product.",
                         extensions=allowed("stock.lot", "create"))
    async def lot_create(self, info: Info, input: Annotated[LotCreateInput, strawberry.argument(
            description="The lot.")]) -> LotType:
        return await info.context.run(lambda s: LotType.from_model(products.ensure_lot(
            s, _int(input.product_id, "productId"), input.code, barcode=input.barcode, field="code")))

    @strawberry.mutation(description="Record that component lots went into a produced lot (traceability).",
                         extensions=allowed("stock.lot", "create"))
    async def lot_consumption_record(self, info: Info, input: Annotated[LotConsumptionInput, strawberry.argument(
            description="The genealogy link.")]) -> LotType:
        i = input

        def run(s: Session) -> LotType:
            lots.record_consumption(
                s, produced_lot_id=_int(i.produced_lot_id, "producedLotId"),
                consumed=[{"lot_id": _int(c.lot_id, f"consumed[{n}].lotId"), "quantity": c.quantity}
                          for n, c in enumerate(i.consumed)],
                origin_type=i.origin_type, origin_id=i.origin_id)
            return LotType.from_model(ledger.get_lot(s, int(i.produced_lot_id)))

        return await info.context.run(run)

    # ------------------------------------------------------------------ receipts
    @strawberry.mutation(description="Create a receipt (and validate it at once with `validate: true`).",
                         extensions=allowed("stock.receipt", "create"))
    async def receipt_create(self, info: Info, input: Annotated[ReceiptCreateInput, strawberry.argument(
            description="The receipt.")]) -> ReceiptType:
        i = input
        access = info.context.tenon.access
        if i.validate and not access.can(info.context.actor, "stock.receipt", "validate"):
            from tenon.core.errors import Forbidden

            raise Forbidden("not allowed: validate on stock.receipt")

        def run(s: Session) -> ReceiptType:
            r = receipts.create_receipt(
                s, lines=[{"product_id": _int(ln.product_id, f"lines[{n}].productId"), "quantity": ln.quantity,
                           "lot": ln.lot} for n, ln in enumerate(i.lines)],
                location_id=_opt(i.location_id, "locationId"), supplier=i.supplier, reference=i.reference,
                origin_type=i.origin_type, origin_id=i.origin_id)
            if i.validate:
                r = receipts.validate_receipt(s, r.id)
            return ReceiptType.from_model(r)

        return await info.context.run(run)

    @strawberry.mutation(description="Validate a draft receipt: the stock arrives (event `stock.receipt.done`).",
                         extensions=allowed("stock.receipt", "validate"))
    async def receipt_validate(self, info: Info, id: IdArg) -> ReceiptType:
        return await info.context.run(lambda s: ReceiptType.from_model(receipts.validate_receipt(s, _int(id, "id"))))

    @strawberry.mutation(description="Cancel a draft receipt.", extensions=allowed("stock.receipt", "cancel"))
    async def receipt_cancel(self, info: Info, id: IdArg) -> ReceiptType:
        return await info.context.run(lambda s: ReceiptType.from_model(receipts.cancel_receipt(s, _int(id, "id"))))

    # ------------------------------------------------------------------ requisitions
    @strawberry.mutation(description="Create a draft material requisition.",
                         extensions=allowed("stock.requisition", "create"))
    async def requisition_create(self, info: Info, input: Annotated[RequisitionCreateInput, strawberry.argument(
            description="The requisition.")]) -> RequisitionType:
        i = input
        return await info.context.run(lambda s: RequisitionType.from_model(requisitions.create_requisition(
            s, lines=[{"product_id": _int(ln.product_id, f"lines[{n}].productId"), "quantity": ln.quantity}
                      for n, ln in enumerate(i.lines)],
            origin_type=i.origin_type, origin_id=i.origin_id, reference=i.reference,
            from_location_id=_opt(i.from_location_id, "fromLocationId"),
            to_location_id=_opt(i.to_location_id, "toLocationId"))))

    @strawberry.mutation(description="Approve a draft requisition (event `stock.requisition.approved`).",
                         extensions=allowed("stock.requisition", "approve"))
    async def requisition_approve(self, info: Info, id: IdArg) -> RequisitionType:
        return await info.context.run(lambda s: RequisitionType.from_model(requisitions.approve_requisition(s, _int(id, "id"))))

    @strawberry.mutation(description="Issue materials to production, all that is open or the given quantities "
                         "(event `stock.requisition.issued`).", extensions=allowed("stock.requisition", "issue"))
    async def requisition_issue(
        self, info: Info, id: IdArg,
        lines: Annotated[list[RequisitionIssueLineInput] | None, strawberry.argument(
            description="Quantities per line for a partial issue; omit to issue everything open.")] = None,
    ) -> RequisitionType:
        todo = None if lines is None else [
            {"line_id": _int(ln.line_id, f"lines[{n}].lineId"), "quantity": ln.quantity,
             "lot_id": _opt(ln.lot_id, f"lines[{n}].lotId")} for n, ln in enumerate(lines)]
        return await info.context.run(lambda s: RequisitionType.from_model(
            requisitions.issue_requisition(s, _int(id, "id"), todo)))

    @strawberry.mutation(description="Close a requisition (nothing more will be issued).",
                         extensions=allowed("stock.requisition", "close"))
    async def requisition_close(self, info: Info, id: IdArg) -> RequisitionType:
        return await info.context.run(lambda s: RequisitionType.from_model(requisitions.close_requisition(s, _int(id, "id"))))

    @strawberry.mutation(description="Cancel a draft or approved requisition.",
                         extensions=allowed("stock.requisition", "cancel"))
    async def requisition_cancel(self, info: Info, id: IdArg) -> RequisitionType:
        return await info.context.run(lambda s: RequisitionType.from_model(requisitions.cancel_requisition(s, _int(id, "id"))))

    # ------------------------------------------------------------------ shipments
    @strawberry.mutation(description="Create a draft shipment from the default stock location to the customer location.",
                         extensions=allowed("stock.shipment", "create"))
    async def shipment_create(self, info: Info, input: Annotated[ShipmentCreateInput, strawberry.argument(
            description="The shipment.")]) -> ShipmentType:
        i = input
        return await info.context.run(lambda s: ShipmentType.from_model(shipments.create_shipment(
            s, origin_type=i.origin_type, origin_id=i.origin_id, reference=i.reference,
            lines=[{"product_id": _int(ln.product_id, f"lines[{n}].productId"), "quantity": ln.quantity,
                    "origin_line_id": ln.origin_line_id, "lot_id": _opt(ln.lot_id, f"lines[{n}].lotId")}
                   for n, ln in enumerate(i.lines)])))

    @strawberry.mutation(description="Pick a shipment: reserve its stock (INSUFFICIENT_STOCK when short).",
                         extensions=allowed("stock.shipment", "pick"))
    async def shipment_pick(self, info: Info, id: IdArg) -> ShipmentType:
        return await info.context.run(lambda s: ShipmentType.from_model(shipments.pick_shipment(s, _int(id, "id"))))

    @strawberry.mutation(description="Confirm a shipment (发货确认): other plugins may refuse it; the stock leaves "
                         "(event `stock.shipment.done`).", extensions=allowed("stock.shipment", "confirm"))
    async def shipment_confirm(self, info: Info, id: IdArg) -> ShipmentType:
        return await info.context.run(lambda s: ShipmentType.from_model(shipments.confirm_shipment(s, _int(id, "id"))))

    @strawberry.mutation(description="Cancel a draft or picked shipment, releasing its reservations.",
                         extensions=allowed("stock.shipment", "cancel"))
    async def shipment_cancel(self, info: Info, id: IdArg) -> ShipmentType:
        return await info.context.run(lambda s: ShipmentType.from_model(shipments.cancel_shipment(s, _int(id, "id"))))

    # ------------------------------------------------------------------ transfers and scanning
    @strawberry.mutation(description="Create an internal transfer (and validate it at once with `validate: true`).",
                         extensions=allowed("stock.transfer", "create"))
    async def transfer_create(self, info: Info, input: Annotated[TransferCreateInput, strawberry.argument(
            description="The transfer.")]) -> TransferType:
        i = input

        def run(s: Session) -> TransferType:
            t = transfers.create_transfer(
                s, from_location_id=_int(i.from_location_id, "fromLocationId"),
                to_location_id=_int(i.to_location_id, "toLocationId"), reference=i.reference,
                lines=[{"product_id": _int(ln.product_id, f"lines[{n}].productId"), "quantity": ln.quantity,
                        "lot_id": _opt(ln.lot_id, f"lines[{n}].lotId")} for n, ln in enumerate(i.lines)])
            if i.validate:
                t = transfers.validate_transfer(s, t.id)
            return TransferType.from_model(t)

        return await info.context.run(run)

    @strawberry.mutation(description="Validate a draft internal transfer (event `stock.transfer.done`).",
                         extensions=allowed("stock.transfer", "validate"))
    async def transfer_validate(self, info: Info, id: IdArg) -> TransferType:
        return await info.context.run(lambda s: TransferType.from_model(transfers.validate_transfer(s, _int(id, "id"))))

    @strawberry.mutation(description="Cancel a draft internal transfer.", extensions=allowed("stock.transfer", "cancel"))
    async def transfer_cancel(self, info: Info, id: IdArg) -> TransferType:
        return await info.context.run(lambda s: TransferType.from_model(transfers.cancel_transfer(s, _int(id, "id"))))

    @strawberry.mutation(description="Scan-to-move: move a quantity from a scanned location to another in one call "
                         "(done at once; a tracked product without lot goes first-in first-out).",
                         extensions=allowed("stock.move", "create"))
    async def move_scan(self, info: Info, input: Annotated[MoveScanInput, strawberry.argument(
            description="The scans.")]) -> list[MoveType]:
        i = input
        return await info.context.run(lambda s: [MoveType.from_model(m) for m in scanning.scan_move(
            s, from_code=i.from_code, to_code=i.to_code, item_code=i.item_code, quantity=i.quantity,
            lot_code=i.lot_code)])

    @strawberry.mutation(description="Reserve available stock for a document (INSUFFICIENT_STOCK when short).",
                         extensions=allowed("stock.move", "create"))
    async def reservation_create(self, info: Info, input: Annotated[ReservationCreateInput, strawberry.argument(
            description="What to hold.")]) -> list[ReservationType]:
        i = input
        return await info.context.run(lambda s: [ReservationType.from_model(r) for r in reservations.reserve_for(
            s, product_id=_int(i.product_id, "productId"), quantity=i.quantity, origin_type=i.origin_type,
            origin_id=i.origin_id, location_id=_opt(i.location_id, "locationId"), lot_id=_opt(i.lot_id, "lotId"))])

    @strawberry.mutation(description="Release reservations that are not held by a move; returns how many were released.",
                         extensions=allowed("stock.move", "create"))
    async def reservation_release(
        self, info: Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Reservation ids.")],
    ) -> int:
        keys = [_int(x, f"ids[{n}]") for n, x in enumerate(ids)]
        return await info.context.run(ledger.release_reservations, keys)

    # ------------------------------------------------------------------ cycle counts
    @strawberry.mutation(description="Open a cycle count over a location and/or products.",
                         extensions=allowed("stock.count", "create"))
    async def count_create(self, info: Info, input: Annotated[CountCreateInput, strawberry.argument(
            description="The count.")]) -> CountType:
        i = input
        pids = None if i.product_ids is None else [_int(p, f"productIds[{n}]") for n, p in enumerate(i.product_ids)]
        return await info.context.run(lambda s: CountType.from_model(counts.create_count(
            s, location_id=_opt(i.location_id, "locationId"), product_ids=pids, reference=i.reference)))

    @strawberry.mutation(description="Record counted quantities; the system quantity is taken at the same moment.",
                         extensions=allowed("stock.count", "record"))
    async def count_record(
        self, info: Info, id: IdArg,
        entries: Annotated[list[CountEntryInput], strawberry.argument(description="What was counted.")],
    ) -> CountType:
        todo = [{"line_id": _opt(e.line_id, f"entries[{n}].lineId"), "counted_quantity": e.counted_quantity,
                 "product_id": _opt(e.product_id, f"entries[{n}].productId"),
                 "location_id": _opt(e.location_id, f"entries[{n}].locationId"), "lot": e.lot}
                for n, e in enumerate(entries)]
        return await info.context.run(lambda s: CountType.from_model(counts.record_count(s, _int(id, "id"), todo)))

    @strawberry.mutation(description="Confirm a count: differences become moves to/from the inventory-loss location "
                         "(event `stock.count.done`).", extensions=allowed("stock.count", "confirm"))
    async def count_confirm(self, info: Info, id: IdArg) -> CountType:
        return await info.context.run(lambda s: CountType.from_model(counts.confirm_count(s, _int(id, "id"))))

    @strawberry.mutation(description="Cancel a draft count.", extensions=allowed("stock.count", "cancel"))
    async def count_cancel(self, info: Info, id: IdArg) -> CountType:
        return await info.context.run(lambda s: CountType.from_model(counts.cancel_count(s, _int(id, "id"))))
