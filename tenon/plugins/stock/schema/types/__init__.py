"""GraphQL types of the stock plugin, their converters and the per-request loaders they use.

One module per entity: :mod:`.products` (master data and the product, location and lot loaders),
:mod:`.moves` (the ledger), :mod:`.documents` (receipts, requisitions, shipments, transfers),
:mod:`.counts` (cycle counts, inventory accuracy), :mod:`.reports` (lot tracing, scanning, labels);
:mod:`.common` holds the output helpers and DataLoader factories. Every name stays importable from
``tenon.plugins.stock.schema.types`` as it was when this was a single module.
"""

from __future__ import annotations

from .common import num
from .counts import CountLineType, CountType, InventoryAccuracyType
from .documents import (
    ReceiptLineType,
    ReceiptType,
    RequisitionLineType,
    RequisitionType,
    ShipmentLineType,
    ShipmentType,
    TransferLineType,
    TransferType,
)
from .moves import MoveType, ReservationType, StockLevelType
from .products import (
    CategoryType,
    LocationType,
    LotType,
    ProductType,
    UnitType,
    WarehouseType,
    load_location,
    load_lot,
    load_product,
)
from .reports import (
    LabelFormat,
    LabelKind,
    LabelSymbology,
    LabelType,
    LotTraceNodeType,
    LotTraceType,
    ScanKind,
    ScanResultType,
    TraceDirection,
)

__all__ = [
    "CategoryType", "CountLineType", "CountType", "InventoryAccuracyType", "LabelFormat", "LabelKind",
    "LabelSymbology", "LabelType", "LocationType", "LotTraceNodeType", "LotTraceType", "LotType", "MoveType",
    "ProductType", "ReceiptLineType", "ReceiptType", "RequisitionLineType", "RequisitionType", "ReservationType",
    "ScanKind", "ScanResultType", "ShipmentLineType", "ShipmentType", "StockLevelType", "TraceDirection",
    "TransferLineType", "TransferType", "UnitType", "WarehouseType",
    "load_location", "load_lot", "load_product", "num",
]
