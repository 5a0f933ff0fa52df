"""GraphQL API of the orders plugin: regions, customers, sales orders, shipping, progress, KPI.

Every read goes through ORM selects, so the actor's region scope applies to lists, ids,
nested fields, counts, the progress overview and the KPI alike. Nested lists resolve
through per-request DataLoaders (one select per field per request, never N+1).

- :mod:`.enums`: sales order state and priority;
- :mod:`.types`: the output types (``Region``, ``Customer``, ``SalesOrder``, ``SalesOrderLine``...);
- :mod:`.inputs`: the mutations' input types;
- :mod:`.queries` / :mod:`.mutations`: the root ``Query`` and ``Mutation`` fields;
- :mod:`.stock_fields`: fields contributed onto stock's types (``Product.orderLines``);
- :mod:`._common`: id helpers, shared arguments, DataLoader functions.

Every name below stays importable from ``tenon.plugins.orders.schema`` as it was when this was
a single module.
"""

from __future__ import annotations

from ._common import After, First, IdArg
from .enums import SalesOrderPriority, SalesOrderState
from .inputs import (
    CustomerContactInput,
    CustomerCreateInput,
    CustomerUpdateInput,
    RegionCreateInput,
    SalesOrderCreateInput,
    SalesOrderLineInput,
    SalesOrderShipInput,
    SalesOrderShipLineInput,
    SalesOrderUpdateInput,
)
from .mutations import Mutation
from .queries import Query
from .stock_fields import order_lines_field, product_order_lines
from .types import (
    CustomerContact,
    CustomerType,
    CycleTimeBucket,
    DeliveryCycleTime,
    OrderLineProgressType,
    OrderProgressType,
    RegionType,
    SalesOrderLineType,
    SalesOrderShipment,
    SalesOrderShipmentLine,
    SalesOrderStateChangeType,
    SalesOrderType,
)

__all__ = [
    "After", "CustomerContact", "CustomerContactInput", "CustomerCreateInput", "CustomerType",
    "CustomerUpdateInput", "CycleTimeBucket", "DeliveryCycleTime", "First", "IdArg", "Mutation",
    "OrderLineProgressType", "OrderProgressType", "Query", "RegionCreateInput", "RegionType",
    "SalesOrderCreateInput", "SalesOrderLineInput", "SalesOrderLineType", "SalesOrderPriority",
    "SalesOrderShipInput", "SalesOrderShipLineInput", "SalesOrderShipment", "SalesOrderShipmentLine",
    "SalesOrderState", "SalesOrderStateChangeType", "SalesOrderType", "SalesOrderUpdateInput",
    "order_lines_field", "product_order_lines",
]
