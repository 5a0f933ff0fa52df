"""stock: the item master, locations, the ledger of moves, lots, reservations and warehouse documents.

This module is the plugin's public API: other plugins that declare ``depends=("stock>=0.1",)``
may import these names.

GraphQL: ``ProductType`` is the strawberry type named ``Product``; another plugin can declare a field of that
type and resolve it with ``await load_product(info, product_id)``, which goes through the per-request DataLoader
(one select for all the products a response needs; ``None`` gives ``None``).
"""

from tenon.plugins.stock.errors import InsufficientStock
from tenon.plugins.stock.ledger import (
    available,
    default_stock_location,
    move_stock,
    on_hand,
    release_for_origin,
    release_reservations,
    virtual_location,
)
from tenon.plugins.stock.models import (
    Balance,
    Category,
    Location,
    Lot,
    Move,
    Product,
    Receipt,
    Requisition,
    Reservation,
    Shipment,
    ShipmentLine,
    Warehouse,
)
from tenon.plugins.stock.schema.types import ProductType, load_product
from tenon.plugins.stock.services.requisitions import cancel_requisition, close_requisition
from tenon.plugins.stock.services import (
    approve_requisition,
    cancel_shipment,
    confirm_shipment,
    create_product,
    create_requisition,
    create_shipment,
    ensure_lot,
    issue_requisition,
    lot_trace,
    pick_shipment,
    receive,
    record_consumption,
    reserve_for,
    scan,
)

__all__ = [
    "Balance", "Category", "InsufficientStock", "Location", "Lot", "Move", "Product", "ProductType", "Receipt",
    "Requisition", "Reservation", "Shipment", "ShipmentLine", "Warehouse",
    "approve_requisition", "available", "cancel_requisition", "cancel_shipment", "close_requisition", "confirm_shipment", "create_product",
    "create_requisition", "create_shipment", "default_stock_location", "ensure_lot", "issue_requisition",
    "load_product", "lot_trace", "move_stock", "on_hand", "pick_shipment", "receive", "record_consumption",
    "release_for_origin", "release_reservations", "reserve_for", "scan", "virtual_location",
]
