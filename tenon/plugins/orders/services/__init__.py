"""Orders domain: regions, customers, sales orders and their workflow, shipping from stock
(progress and the KPI are in :mod:`tenon.plugins.orders.reports`).

Plain sync functions ``verb_noun(session, ...)``; they never commit. Every record a
caller names is loaded with an ORM ``select`` so the actor's row scope applies: a
record outside the actor's regions is ``NOT_FOUND``, exactly as if it did not exist.

One module per entity:

- :mod:`.regions`: the region tree and the region row scope;
- :mod:`.customers`: customers;
- :mod:`.workflow`: the order workflow as data (:data:`TRANSITIONS`, one guard per transition)
  and :func:`_apply`, which records every state change, publishes
  ``orders.sales_order.state_changed`` and calls the plugin-owned hooks;
- :mod:`.sales_orders`: create, edit, confirm, cancel, close;
- :mod:`.production`: what production (mrp) drives (in production, produced, ready);
- :mod:`.shipping`: shipping from stock and the ``stock.shipment.done`` subscriber;
- :mod:`._common`: sequence and event names, number parsing.

Every name below stays importable from ``tenon.plugins.orders.services`` as it was when this
was a single module.
"""

from __future__ import annotations

# Names the single-module version imported from the orders models and stock; kept importable from here.
from tenon.plugins.stock import Product, Shipment, ShipmentLine, create_shipment

from ..errors import OverShipment
from ..models import (
    OPEN_STATES,
    PRIORITIES,
    SHIPPABLE_STATES,
    Customer,
    Region,
    SalesOrder,
    SalesOrderLine,
    SalesOrderStateChange,
)
from ._common import CUSTOMER_SEQUENCE, ORDER_SEQUENCE, ORIGIN_TYPE, STATE_CHANGED, ZERO
from .customers import create_customer, get_customer, update_customer
from .production import mark_in_production, mark_ready, record_produced
from .regions import (
    REGION_CODE_RE,
    covered_region_codes,
    create_region,
    ensure_region,
    get_region,
    region_scope,
)
from .sales_orders import (
    cancel_sales_order,
    close_sales_order,
    confirm_sales_order,
    create_sales_order,
    get_sales_order,
    update_sales_order,
)
from .shipping import check_shipment_confirming, on_shipment_done, ship_sales_order
from .workflow import TRANSITIONS, CreditLimitExceeded, Guard, Transition, order_lines, transition_for

__all__ = [
    "CUSTOMER_SEQUENCE", "OPEN_STATES", "ORDER_SEQUENCE", "ORIGIN_TYPE", "PRIORITIES", "REGION_CODE_RE",
    "SHIPPABLE_STATES", "STATE_CHANGED", "TRANSITIONS", "ZERO",
    "CreditLimitExceeded", "check_shipment_confirming", "Customer", "Guard", "OverShipment", "Product", "Region", "SalesOrder",
    "SalesOrderLine", "SalesOrderStateChange", "Shipment", "ShipmentLine", "Transition",
    "cancel_sales_order", "close_sales_order", "confirm_sales_order", "covered_region_codes", "create_customer",
    "create_region", "create_sales_order", "create_shipment", "ensure_region", "get_customer", "get_region",
    "get_sales_order", "mark_in_production", "mark_ready", "on_shipment_done", "order_lines", "record_produced",
    "region_scope", "ship_sales_order", "transition_for", "update_customer", "update_sales_order",
]
