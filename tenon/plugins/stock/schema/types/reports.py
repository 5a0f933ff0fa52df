"""GraphQL types of lot tracing, handheld scanning and labels."""

from __future__ import annotations

from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.types import Info

from .documents import ReceiptType, ShipmentType
from .products import LocationType, LotType, ProductType, load_lot


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
