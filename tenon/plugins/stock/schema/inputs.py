"""Input types of the stock mutations."""

from __future__ import annotations

from decimal import Decimal

import strawberry



@strawberry.input(description="A new product.")
class ProductCreateInput:
    name: str = strawberry.field(description="Name.")
    code: str | None = strawberry.field(default=None, description="Unique code; default: the next `P-00001` number.")
    unit: str = strawberry.field(default="pcs", description="Unit of measure code.")
    kind: str = strawberry.field(default="finished",
                                 description="`raw_material`, `semi_finished`, `finished` or `consumable`.")
    tracking: str = strawberry.field(default="none", description="`none`, `lot` or `serial`.")
    category_id: strawberry.ID | None = strawberry.field(default=None, description="Category id.")
    reorder_point: Decimal = strawberry.field(default=Decimal(0), description="Reorder point, in the unit.")
    barcode: str | None = strawberry.field(default=None, description="Barcode value (unique).")


@strawberry.input(description="Changes to a product; omitted fields stay as they are.")
class ProductUpdateInput:
    name: str | None = strawberry.field(default=None, description="New name.")
    kind: str | None = strawberry.field(default=None, description="New kind.")
    category_id: strawberry.ID | None = strawberry.field(default=None, description="New category id.")
    reorder_point: Decimal | None = strawberry.field(default=None, description="New reorder point.")
    barcode: str | None = strawberry.field(default=None, description="New barcode value (empty string removes it).")
    active: bool | None = strawberry.field(default=None, description="Activate or deactivate.")
    unit: str | None = strawberry.field(default=None, description="New unit (only while the product has no moves).")
    tracking: str | None = strawberry.field(default=None, description="New tracking (only while the product has no moves).")


@strawberry.input(description="A new product category.")
class CategoryCreateInput:
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Name.")
    parent_id: strawberry.ID | None = strawberry.field(default=None, description="Parent category id.")


@strawberry.input(description="A new warehouse (its view location and default stock location are created with it).")
class WarehouseCreateInput:
    code: str = strawberry.field(description="Unique code, e.g. `WH2`.")
    name: str = strawberry.field(description="Name.")


@strawberry.input(description="A new location.")
class LocationCreateInput:
    code: str = strawberry.field(description="Unique code, e.g. `WH/A-01-02`.")
    name: str = strawberry.field(description="Name.")
    kind: str = strawberry.field(default="internal", description="`internal`, `supplier`, `customer`, `production`, "
                                 "`inventory_loss` or `view`.")
    parent_id: strawberry.ID | None = strawberry.field(default=None, description="Parent location id.")
    warehouse_id: strawberry.ID | None = strawberry.field(default=None, description="Warehouse id (default: the parent's).")
    barcode: str | None = strawberry.field(default=None, description="Barcode value (unique).")


@strawberry.input(description="A receipt line.")
class ReceiptLineInput:
    product_id: strawberry.ID = strawberry.field(description="Product id.")
    quantity: Decimal = strawberry.field(description="Quantity, in the product's unit.")
    lot: str | None = strawberry.field(default=None, description="Lot or serial number (required for tracked products).")


@strawberry.input(description="A new receipt from a supplier.")
class ReceiptCreateInput:
    lines: list[ReceiptLineInput] = strawberry.field(description="What is received.")
    location_id: strawberry.ID | None = strawberry.field(default=None, description="Internal location (default stock location).")
    supplier: str = strawberry.field(default="", description="Supplier name or reference.")
    reference: str = strawberry.field(default="", description="Delivery note or other reference.")
    origin_type: str | None = strawberry.field(default=None, description="Type of an originating document (a purchase order).")
    origin_id: int | None = strawberry.field(default=None, description="Id of that document.")
    validate: bool = strawberry.field(default=False, description="Validate at once (draft → done).")


@strawberry.input(description="A requisition line.")
class RequisitionLineInput:
    product_id: strawberry.ID = strawberry.field(description="Product id.")
    quantity: Decimal = strawberry.field(description="Quantity requested.")


@strawberry.input(description="A new material requisition (领料申请).")
class RequisitionCreateInput:
    lines: list[RequisitionLineInput] = strawberry.field(description="What is requested.")
    origin_type: str | None = strawberry.field(default=None, description="Type of the requesting document (`mrp.work_order`, ...).")
    origin_id: int | None = strawberry.field(default=None, description="Id of the requesting document.")
    reference: str = strawberry.field(default="", description="Free reference.")
    from_location_id: strawberry.ID | None = strawberry.field(default=None, description="Issue from (default stock location).")
    to_location_id: strawberry.ID | None = strawberry.field(default=None, description="Issue to (default production location).")


@strawberry.input(description="A quantity to issue on a requisition line.")
class RequisitionIssueLineInput:
    line_id: strawberry.ID = strawberry.field(description="Requisition line id.")
    quantity: Decimal = strawberry.field(description="Quantity to issue now.")
    lot_id: strawberry.ID | None = strawberry.field(default=None, description="Lot to issue (default: first-in first-out).")


@strawberry.input(description="A shipment line.")
class ShipmentLineInput:
    product_id: strawberry.ID = strawberry.field(description="Product id.")
    quantity: Decimal = strawberry.field(description="Quantity to ship.")
    origin_line_id: int | None = strawberry.field(default=None, description="Id of the origin document's line.")
    lot_id: strawberry.ID | None = strawberry.field(default=None, description="Ship this lot (default: first-in first-out).")


@strawberry.input(description="A new shipment to a customer.")
class ShipmentCreateInput:
    origin_type: str = strawberry.field(description="Type of the origin document (`orders.sales_order`, ...).")
    origin_id: int = strawberry.field(description="Id of the origin document.")
    lines: list[ShipmentLineInput] = strawberry.field(description="What to ship.")
    reference: str = strawberry.field(default="", description="Free reference.")


@strawberry.input(description="A transfer line.")
class TransferLineInput:
    product_id: strawberry.ID = strawberry.field(description="Product id.")
    quantity: Decimal = strawberry.field(description="Quantity.")
    lot_id: strawberry.ID | None = strawberry.field(default=None, description="Lot (default: first-in first-out).")


@strawberry.input(description="A new internal transfer.")
class TransferCreateInput:
    from_location_id: strawberry.ID = strawberry.field(description="Source internal location.")
    to_location_id: strawberry.ID = strawberry.field(description="Destination internal location.")
    lines: list[TransferLineInput] = strawberry.field(description="What to move.")
    reference: str = strawberry.field(default="", description="Free reference.")
    validate: bool = strawberry.field(default=False, description="Validate at once (draft → done).")


@strawberry.input(description="A handheld move: scanned locations and item.")
class MoveScanInput:
    from_code: str = strawberry.field(description="Scanned source location (barcode or code).")
    to_code: str = strawberry.field(description="Scanned destination location (barcode or code).")
    item_code: str = strawberry.field(description="Scanned product (barcode or code) or lot barcode.")
    quantity: Decimal = strawberry.field(description="Quantity to move.")
    lot_code: str | None = strawberry.field(default=None, description="Lot number, when the item scanned is a product.")


@strawberry.input(description="A new cycle count.")
class CountCreateInput:
    location_id: strawberry.ID | None = strawberry.field(default=None, description="Count this internal location.")
    product_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Count these products.")
    reference: str = strawberry.field(default="", description="Free reference.")


@strawberry.input(description="A counted quantity: a count line, or a product found at a location.")
class CountEntryInput:
    counted_quantity: Decimal = strawberry.field(description="Quantity found.")
    line_id: strawberry.ID | None = strawberry.field(default=None, description="The count line counted.")
    product_id: strawberry.ID | None = strawberry.field(default=None, description="Or: the product found.")
    location_id: strawberry.ID | None = strawberry.field(default=None, description="Its location (default: the count's).")
    lot: str | None = strawberry.field(default=None, description="Its lot number (tracked products).")


@strawberry.input(description="A component lot consumed into a produced lot.")
class LotConsumedInput:
    lot_id: strawberry.ID = strawberry.field(description="Component lot id.")
    quantity: Decimal = strawberry.field(description="Quantity consumed.")


@strawberry.input(description="Genealogy: component lots that went into a produced lot.")
class LotConsumptionInput:
    produced_lot_id: strawberry.ID = strawberry.field(description="The produced lot id.")
    consumed: list[LotConsumedInput] = strawberry.field(description="The component lots and quantities.")
    origin_type: str | None = strawberry.field(default=None, description="Type of the producing document.")
    origin_id: int | None = strawberry.field(default=None, description="Id of the producing document.")


@strawberry.input(description="A new lot or serial number.")
class LotCreateInput:
    product_id: strawberry.ID = strawberry.field(description="Product id (a tracked product).")
    code: str = strawberry.field(description="Lot or serial number.")
    barcode: str | None = strawberry.field(default=None, description="Barcode value (default `PRODUCTCODE/LOT`).")


@strawberry.input(description="Stock to hold for a document.")
class ReservationCreateInput:
    product_id: strawberry.ID = strawberry.field(description="Product id.")
    quantity: Decimal = strawberry.field(description="Quantity to hold.")
    origin_type: str = strawberry.field(description="Type of the document it is held for.")
    origin_id: int = strawberry.field(description="Id of that document.")
    location_id: strawberry.ID | None = strawberry.field(default=None, description="Internal location (default stock location).")
    lot_id: strawberry.ID | None = strawberry.field(default=None, description="Lot (default: first-in first-out).")


# --------------------------------------------------------------------------- mutations
