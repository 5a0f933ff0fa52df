"""The stock domain: master data and the warehouse documents.

Plain sync functions ``verb_noun(session, ...)``; they raise
:class:`tenon.TenonError` subclasses and never commit. The ledger itself
(moves, balances, reservations) is in :mod:`tenon.plugins.stock.ledger`.

One module per entity or document:

- :mod:`._common`: numbering sequences, the workflow table (:data:`TRANSITIONS`) and small helpers;
- :mod:`.products`: units, categories, products, warehouses, locations and lots (master data);
- :mod:`.receipts`, :mod:`.requisitions`, :mod:`.shipments`, :mod:`.transfers`: the documents;
- :mod:`.counts`: cycle counts and inventory accuracy;
- :mod:`.lots`: lot genealogy and traceability;
- :mod:`.scanning`: handheld scanning and label data;
- :mod:`.reservations`: stock held for other plugins' documents.

Document workflows are data (:data:`TRANSITIONS`): a step not listed is refused
with ``INVALID_STATE``. Every name below stays importable from
``tenon.plugins.stock.services`` as it was when this was a single module.
"""

from __future__ import annotations

# Stock names the single-module version imported; kept importable from here.
from ._common import ORIGIN, SEQUENCES, TRANSITIONS
from .counts import Accuracy, cancel_count, confirm_count, create_count, inventory_accuracy, record_count
from .lots import TraceNode, documents_of_lots, lot_trace, record_consumption
from .products import (
    category_subtree,
    create_category,
    create_location,
    create_product,
    create_uom,
    create_warehouse,
    ensure_lot,
    find_location,
    update_product,
)
from .receipts import cancel_receipt, create_receipt, receive, validate_receipt
from .requisitions import (
    approve_requisition,
    cancel_requisition,
    close_requisition,
    create_requisition,
    issue_requisition,
)
from .reservations import reserve_for
from .scanning import DOCUMENTS, ScanResult, label_data, scan, scan_move
from .shipments import cancel_shipment, confirm_shipment, create_shipment, pick_shipment
from .transfers import cancel_transfer, create_transfer, validate_transfer

__all__ = [
    "DOCUMENTS", "ORIGIN", "SEQUENCES", "TRANSITIONS",
    "Accuracy", "ScanResult", "TraceNode",
    "approve_requisition", "cancel_count", "cancel_receipt", "cancel_requisition", "cancel_shipment",
    "cancel_transfer", "category_subtree", "close_requisition", "confirm_count", "confirm_shipment",
    "create_category", "create_count", "create_location", "create_product", "create_receipt", "create_requisition",
    "create_shipment", "create_transfer", "create_uom", "create_warehouse", "documents_of_lots", "ensure_lot",
    "find_location", "inventory_accuracy", "issue_requisition", "label_data", "lot_trace", "pick_shipment",
    "receive", "record_consumption", "record_count", "reserve_for", "scan", "scan_move", "update_product",
    "validate_receipt", "validate_transfer",
]
