"""The enums of the orders GraphQL API: sales order state and priority."""

from __future__ import annotations

from enum import Enum

import strawberry

@strawberry.enum(description="Where a sales order is in its lifecycle.")
class SalesOrderState(Enum):
    DRAFT = strawberry.enum_value("draft", description="Being prepared; editable; not a commitment yet.")
    CONFIRMED = strawberry.enum_value("confirmed", description="Accepted; production and shipping may start.")
    IN_PRODUCTION = strawberry.enum_value("in_production", description="Production (mrp) is making the goods.")
    READY = strawberry.enum_value("ready", description="Everything still to ship is produced.")
    PARTIALLY_SHIPPED = strawberry.enum_value("partially_shipped", description="Some quantities have been shipped.")
    SHIPPED = strawberry.enum_value("shipped", description="Every line is fully shipped.")
    DONE = strawberry.enum_value("done", description="Closed by sales after full shipment.")
    CANCELLED = strawberry.enum_value("cancelled", description="Cancelled before anything was shipped.")


@strawberry.enum(description="How urgent a sales order is.")
class SalesOrderPriority(Enum):
    LOW = strawberry.enum_value("low", description="Whenever capacity allows.")
    NORMAL = strawberry.enum_value("normal", description="The usual priority.")
    HIGH = strawberry.enum_value("high", description="Ahead of normal orders.")
    URGENT = strawberry.enum_value("urgent", description="Ahead of everything else.")
