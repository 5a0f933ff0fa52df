"""mrp: the public API other plugins may import (declare ``depends=("mrp>=0.1",)``).

Owned hooks (qc, rework): :mod:`tenon.plugins.mrp.hookspecs`. After-commit events: the classes
below. ``create_linked_work_order`` makes a work order of a kind (``"rework"``) linked to an
original one with a subset of its operations; ``block_operation`` holds an operation (an open
in-process inspection) until released. ``machine_signal`` is the machine-signal service the
``workOrderOperationSignal`` mutation calls (idempotency key, device work-center scope), for
other transports (devices' MQTT bridge).
"""

from tenon.plugins.mrp.errors import OperationBlocked, OverReported, ProductionStarted, WrongCountingSource
from tenon.plugins.mrp.events import (
    ExceptionReported,
    OperationCompleted,
    WorkOrderCreated,
    WorkOrderDone,
    WorkOrderReleased,
)
from tenon.plugins.mrp.models import (
    Bom,
    BomLine,
    Operation,
    OperationReport,
    ProductionException,
    Routing,
    WorkCenter,
    WorkOrder,
    WorkOrderOperation,
)
from tenon.plugins.mrp.services.boms import explode
from tenon.plugins.mrp.services.reporting import Reported, block_operation, machine_signal, report_operation
from tenon.plugins.mrp.services.work_orders import (
    cancel_work_order,
    create_linked_work_order,
    create_work_order,
    finish_work_order,
    release_work_order,
)
from tenon.plugins.mrp.workflows import OPERATION, WORK_ORDER

__all__ = [
    "OPERATION", "WORK_ORDER",
    "Bom", "BomLine", "ExceptionReported", "Operation", "OperationBlocked", "OperationCompleted", "OperationReport",
    "OverReported", "ProductionException", "ProductionStarted", "Reported", "Routing", "WorkCenter", "WorkOrder",
    "WorkOrderCreated", "WorkOrderDone", "WorkOrderOperation", "WorkOrderReleased", "WrongCountingSource",
    "block_operation", "cancel_work_order", "create_linked_work_order", "create_work_order", "explode",
    "finish_work_order", "machine_signal", "release_work_order", "report_operation",
]
