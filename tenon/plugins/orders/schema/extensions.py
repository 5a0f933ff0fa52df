"""Fields the orders plugin contributes onto stock's types: ``Product.orderLines``."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from .. import reports
from ._common import _id
from .types.sales_orders import SalesOrderLineType


async def product_order_lines(
    root: Any, info: Info,
    open_only: Annotated[bool, strawberry.argument(description="Only lines of open orders not fully shipped.")] = False,
) -> list[SalesOrderLineType]:
    """Sales order lines of a product (only those of orders you may see)."""
    if open_only:
        loader = info.context.batch("orders.open_lines_by_product", reports.open_lines_by_product)
    else:
        loader = info.context.batch("orders.lines_by_product", reports.lines_by_product)
    return [SalesOrderLineType.from_model(x) for x in await loader.load(_id(root.id))]


def order_lines_field() -> Any:
    """``Product.orderLines``, contributed onto stock's ``Product`` type (a fresh field per schema)."""
    return strawberry.field(resolver=product_order_lines, name="orderLines",
                            description="Sales order lines for this product (orders plugin; only orders you may see).")
