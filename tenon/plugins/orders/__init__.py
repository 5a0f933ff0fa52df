"""orders: the public API other plugins may import (declare ``depends=("orders",)``).

Models, the workflow services production (mrp) drives, and the read helpers. Hooks
this plugin owns are in :mod:`tenon.plugins.orders.hookspecs`.
"""

from tenon.plugins.orders.errors import OverShipment
from tenon.plugins.orders.models import (
    OPEN_STATES,
    STATES,
    Customer,
    Region,
    SalesOrder,
    SalesOrderLine,
    SalesOrderStateChange,
)
from tenon.plugins.orders.reports import delivery_cycle_time, progress_of
from tenon.plugins.orders.services import (
    ORIGIN_TYPE,
    STATE_CHANGED,
    TRANSITIONS,
    CreditLimitExceeded,
    cancel_sales_order,
    close_sales_order,
    confirm_sales_order,
    create_customer,
    create_region,
    create_sales_order,
    get_customer,
    get_sales_order,
    mark_in_production,
    mark_ready,
    order_lines,
    record_produced,
    ship_sales_order,
    update_customer,
    update_sales_order,
)

__all__ = [
    "OPEN_STATES", "ORIGIN_TYPE", "STATES", "STATE_CHANGED", "TRANSITIONS",
    "CreditLimitExceeded", "Customer", "OverShipment", "Region", "SalesOrder", "SalesOrderLine",
    "SalesOrderStateChange",
    "cancel_sales_order", "close_sales_order", "confirm_sales_order", "create_customer", "create_region",
    "create_sales_order", "delivery_cycle_time", "get_customer", "get_sales_order", "mark_in_production",
    "mark_ready", "order_lines", "progress_of", "record_produced", "ship_sales_order", "update_customer",
    "update_sales_order",
]
