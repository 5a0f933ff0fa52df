"""Fields rework contributes onto other plugins' types: ``WorkOrder.reworkOrders`` and
``WorkOrder.reworkOrder`` (mrp),
``Lot.reworkOrders`` (stock) and, when orders is installed, ``SalesOrder.reworkOrders`` and
``OrderLineProgress.reworkQuantity``/``reworkedQuantity``. They are part of the schema while
rework is installed and leave it when it is uninstalled."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import strawberry
from strawberry.types import Info

from tenon.graphql.permissions import allowed

from . import loaders
from .loaders import num
from .types.rework_orders import ReworkOrderType

OPEN = ("open", "in_rework")
PASSED = ("passed", "done")


async def _load(info: Info, name: str, fn: Any, key: Any) -> list[ReworkOrderType]:
    rows = await info.context.batch(name, fn).load(int(key))
    return [ReworkOrderType.from_model(r) for r in rows]


async def work_order_rework_orders(root: Any, info: Info) -> list[ReworkOrderType]:
    """``root`` is mrp's ``WorkOrder`` object."""
    return await _load(info, "rework.by_original_work_order", loaders.by_original_work_order, root.id)


async def work_order_rework_order(root: Any, info: Info) -> ReworkOrderType | None:
    """The rework order a rework work order carries out (``root`` is mrp's ``WorkOrder``)."""
    rows = await _load(info, "rework.by_work_order", loaders.by_work_order, root.id)
    return rows[0] if rows else None


async def lot_rework_orders(root: Any, info: Info) -> list[ReworkOrderType]:
    """``root`` is stock's ``Lot`` object."""
    return await _load(info, "rework.by_lot", loaders.by_lot, root.id)


async def sales_order_rework_orders(root: Any, info: Info) -> list[ReworkOrderType]:
    """``root`` is orders' ``SalesOrder`` object."""
    return await _load(info, "rework.by_sales_order", loaders.by_sales_order, root.id)


async def _line_quantity(root: Any, info: Info, states: tuple[str, ...], passed: bool) -> Decimal:
    rows = await info.context.batch("rework.by_sales_order_line", loaders.by_sales_order_line).load(int(root.line_id))
    total = sum((Decimal(str(r.passed_quantity if passed else r.quantity)) for r in rows if r.state in states),
                Decimal(0))
    return num(total)


async def line_rework_quantity(root: Any, info: Info) -> Decimal:
    """``root`` is orders' ``OrderLineProgress``."""
    return await _line_quantity(root, info, OPEN, passed=False)


async def line_reworked_quantity(root: Any, info: Info) -> Decimal:
    return await _line_quantity(root, info, PASSED, passed=True)


def _field(resolver: Any, name: str, description: str) -> Any:
    return strawberry.field(resolver=resolver, name=name, description=description,
                            extensions=allowed("rework.order", "read"))


def extensions(with_orders: bool) -> dict[str, list[Any]]:
    """Fresh field objects for one schema (a field belongs to one schema)."""
    out: dict[str, list[Any]] = {
        "WorkOrder": [_field(work_order_rework_orders, "reworkOrders",
                             "Rework orders of what this work order made (rework plugin)."),
                      _field(work_order_rework_order, "reworkOrder",
                             "For a work order of kind `rework`: the rework order it carries out (rework plugin).")],
        "Lot": [_field(lot_rework_orders, "reworkOrders", "Rework orders of this lot (rework plugin).")],
    }
    if with_orders:
        out["SalesOrder"] = [_field(sales_order_rework_orders, "reworkOrders",
                                    "Rework orders traced to this sales order (rework plugin).")]
        out["OrderLineProgress"] = [
            _field(line_rework_quantity, "reworkQuantity",
                   "Quantity of this line in rework now (open or released rework orders; rework plugin)."),
            _field(line_reworked_quantity, "reworkedQuantity",
                   "Quantity of this line reworked and passed by its re-inspection (rework plugin)."),
        ]
    return out
