"""rework: rework orders traced to the original order, responsibility, re-inspection.

The public API for plugins that depend on rework (``depends=("rework>=0.1",)``): the models,
the workflow, the events and the services that open and carry out rework orders. rework itself
is written only against the public packages and owned hooks of mrp, qc and stock (and, when it
is installed, orders); no other plugin imports it.
"""

__version__ = "0.1.0"

from .errors import NotShipped
from .events import ReworkOrderCreated, ReworkOrderStateChanged
from .models import STATES, ReworkCause, ReworkMaterial, ReworkOrder
from .services.execution import cancel as cancel_rework_order
from .services.execution import release as release_rework_order
from .services.rework_orders import (
    open_customer_return,
    open_from_lot,
    open_from_nonconformance,
    open_from_work_order,
)
from .services.stats import rework_stats
from .workflows import REWORK_ORDER

__all__ = [
    "REWORK_ORDER", "STATES", "NotShipped", "ReworkCause", "ReworkMaterial", "ReworkOrder", "ReworkOrderCreated",
    "ReworkOrderStateChanged", "cancel_rework_order", "open_customer_return", "open_from_lot",
    "open_from_nonconformance", "open_from_work_order", "release_rework_order", "rework_stats",
]
