"""orders: the public API other plugins may import (declare ``depends=("orders",)``).

Models, the workflow services production (mrp) drives, the read helpers, the sales order
workflow (``SALES_ORDER``) and the event ``SalesOrderStateChanged``. Hooks this plugin owns
are in :mod:`tenon.plugins.orders.hookspecs`.
"""

from .errors import CreditLimitExceeded, OverShipment
from .events import SalesOrderStateChanged
from .models import (
    OPEN_STATES,
    SALES_ORDER_COUNTER,
    STATES,
    Customer,
    Region,
    SalesOrder,
    SalesOrderCount,
    SalesOrderLine,
    SalesOrderStateChange,
)
from .reports import delivery_cycle_time, progress_of
from .services._common import ORIGIN_TYPE, STATE_CHANGED
from .services.customers import create_customer, get_customer, update_customer
from .services.production import mark_in_production, mark_ready, record_produced
from .services.regions import create_region
from .services.sales_orders import (
    cancel_sales_order,
    close_sales_order,
    confirm_sales_order,
    create_sales_order,
    get_sales_order,
    order_lines,
    update_sales_order,
)
from .services.shipping import ship_sales_order
from .workflows import SALES_ORDER

__all__ = [
    "OPEN_STATES", "ORIGIN_TYPE", "SALES_ORDER", "SALES_ORDER_COUNTER", "STATES", "STATE_CHANGED",
    "CreditLimitExceeded", "Customer", "OverShipment", "Region", "SalesOrder", "SalesOrderCount", "SalesOrderLine",
    "SalesOrderStateChange", "SalesOrderStateChanged",
    "cancel_sales_order", "close_sales_order", "confirm_sales_order", "create_customer", "create_region",
    "create_sales_order", "delivery_cycle_time", "get_customer", "get_sales_order", "mark_in_production",
    "mark_ready", "order_lines", "progress_of", "record_produced", "ship_sales_order", "update_customer",
    "update_sales_order",
]
