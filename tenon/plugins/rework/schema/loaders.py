"""DataLoader batch functions of rework's GraphQL types: one select per nested field per request."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tenon.core.access import unscoped
from tenon.plugins.mrp import WorkOrder, WorkOrderOperation
from tenon.plugins.stock import Move

from ..models import ReworkCause, ReworkMaterial, ReworkOrder
from ..services._common import dec


def num(value: Any) -> Decimal:
    """A quantity for output: ``3`` rather than ``3.0000``."""
    d = Decimal(str(value if value is not None else 0))
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


def causes_by_id(session: Session, keys: Sequence[int]) -> list[ReworkCause | None]:
    rows = {r.id: r for r in session.scalars(select(ReworkCause).where(ReworkCause.id.in_(list(keys))))}
    return [rows.get(k) for k in keys]


def materials_by_order(session: Session, keys: Sequence[int]) -> list[list[ReworkMaterial]]:
    out: dict[int, list[ReworkMaterial]] = {k: [] for k in keys}
    for m in session.scalars(select(ReworkMaterial).where(ReworkMaterial.rework_order_id.in_(list(keys)))
                             .order_by(ReworkMaterial.id)):
        out[m.rework_order_id].append(m)
    return [out[k] for k in keys]


def work_orders_by_id(session: Session, keys: Sequence[int]) -> list[WorkOrder | None]:
    """The rework work orders (mrp's work orders are not row-scoped)."""
    rows = {r.id: r for r in session.scalars(select(WorkOrder).where(WorkOrder.id.in_(list(keys))))}
    return [rows.get(k) for k in keys]


def minutes_by_work_order(session: Session, keys: Sequence[int]) -> list[Decimal]:
    """Minutes reported on each rework work order's operations (bookkeeping: across the
    actor's work-center scope)."""
    rows = dict(session.execute(select(WorkOrderOperation.work_order_id, func.sum(WorkOrderOperation.reported_minutes))
                                .where(WorkOrderOperation.work_order_id.in_(list(keys)))
                                .group_by(WorkOrderOperation.work_order_id), execution_options=unscoped()).all())
    return [dec(rows.get(k)) for k in keys]


def issued_by_requisition(session: Session, keys: Sequence[int]) -> list[dict[int, Decimal]]:
    """Per requisition: the quantity issued (done moves) per product."""
    out: dict[int, dict[int, Decimal]] = {k: {} for k in keys}
    for req_id, product_id, q in session.execute(
            select(Move.origin_id, Move.product_id, func.sum(Move.quantity))
            .where(Move.origin_type == "stock.requisition", Move.origin_id.in_(list(keys)), Move.state == "done")
            .group_by(Move.origin_id, Move.product_id)):
        out[req_id][product_id] = dec(q)
    return [out[k] for k in keys]


def _by(column: Any) -> Any:
    def load(session: Session, keys: Sequence[int]) -> list[list[ReworkOrder]]:
        out: dict[int, list[ReworkOrder]] = {k: [] for k in keys}
        for r in session.scalars(select(ReworkOrder).where(column.in_(list(keys))).order_by(ReworkOrder.id)):
            out[getattr(r, column.key)].append(r)
        return [out[k] for k in keys]

    return load


by_original_work_order = _by(ReworkOrder.original_work_order_id)
by_work_order = _by(ReworkOrder.work_order_id)
by_lot = _by(ReworkOrder.lot_id)
by_sales_order = _by(ReworkOrder.sales_order_id)
by_sales_order_line = _by(ReworkOrder.sales_order_line_id)
