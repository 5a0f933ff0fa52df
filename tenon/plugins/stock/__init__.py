"""stock: the item master, locations, the ledger of moves, lots, reservations and warehouse documents.

This module is the plugin's public API: other plugins that declare ``depends=("stock>=0.1",)``
may import these names.

GraphQL: ``ProductType`` is the strawberry type named ``Product``; another plugin can declare a field of that
type and resolve it with ``await load_product(info, product_id)``, which goes through the per-request DataLoader
(one select for all the products a response needs; ``None`` gives ``None``). A list page of another plugin
loads its rows' products with the page through ``product_prefetch(key)`` (``tenon.graphql.prefetch``), and the
field's plain resolver answers with ``product_now(info, product_id)``.

Events (after commit): subscribe with ``Subscriber(ShipmentDone, handler, name=...)``. Workflows
(``SHIPMENT`` ...): the documents' declared life cycles, for reading (``SHIPMENT.allowed(shipment)``).

Labels: ``label_data(session, kind, id)`` is what the ``label`` query prints for a product, lot or
location (a :class:`LabelData`); ``zpl_label(data)`` renders any ``LabelData`` as a Zebra ZPL
label (devices sends it to network printers).
"""

from .errors import InsufficientStock
from .labels import LabelData, zpl_label
from .ledger import (
    available,
    default_stock_location,
    move_stock,
    on_hand,
    release_for_origin,
    release_reservations,
    reserve_stock,
    virtual_location,
)
from .models import (
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
from .events import (
    CountDone,
    ReceiptDone,
    RequisitionApproved,
    RequisitionCancelled,
    RequisitionClosed,
    RequisitionIssued,
    ShipmentCancelled,
    ShipmentDone,
    ShipmentPicked,
    TransferDone,
)
from .schema.types.products import ProductType, load_product, product_now, product_prefetch
from .services.lots import lot_trace, record_consumption
from .services.products import create_location, create_product, ensure_lot
from .services.receipts import receive
from .services.requisitions import (
    approve_requisition,
    cancel_requisition,
    close_requisition,
    create_requisition,
    issue_requisition,
)
from .services.reservations import reserve_for
from .services.scanning import label_data, scan
from .services.shipments import cancel_shipment, confirm_shipment, create_shipment, pick_shipment
from .workflows import COUNT, RECEIPT, REQUISITION, SHIPMENT, TRANSFER

__all__ = [
    "Balance", "Category", "InsufficientStock", "LabelData", "Location", "Lot", "Move", "Product", "ProductType", "Receipt",
    "Requisition", "Reservation", "Shipment", "ShipmentLine", "Warehouse",
    "CountDone", "ReceiptDone", "RequisitionApproved", "RequisitionCancelled", "RequisitionClosed",
    "RequisitionIssued", "ShipmentCancelled", "ShipmentDone", "ShipmentPicked", "TransferDone",
    "COUNT", "RECEIPT", "REQUISITION", "SHIPMENT", "TRANSFER",
    "approve_requisition", "available", "cancel_requisition", "cancel_shipment", "close_requisition",
    "confirm_shipment", "create_location", "create_product",
    "create_requisition", "create_shipment", "default_stock_location", "ensure_lot", "issue_requisition",
    "label_data", "load_product", "lot_trace", "move_stock", "on_hand", "pick_shipment", "product_now", "product_prefetch",
    "receive", "record_consumption",
    "release_for_origin", "release_reservations", "reserve_for", "reserve_stock", "scan", "virtual_location", "zpl_label",
]
