"""Responsibility statistics: rework orders opened in a period, grouped by cause, work center,
operation and operator, with their count, quantity, hours and material cost.

* **period**: rework orders created from ``date_from`` 00:00 to ``date_to`` 24:00 UTC, at most
  :data:`MAX_DAYS` days; cancelled ones do not count;
* **hours**: minutes reported on the operations of each rework work order, ÷ 60;
* **material cost**: the repair material issued to it (done stock moves of its requisition) ×
  the material line's unit cost;
* the rework orders are read through the actor's row scope (a sales rep's statistics cover her
  region's sales orders only); the hours and issued material of those orders are bookkeeping and
  read across scopes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tenon.core.access import unscoped
from tenon.core.errors import ValidationError
from tenon.plugins.mrp import Operation, WorkCenter, WorkOrderOperation
from tenon.plugins.stock import Move

from ..models import ReworkCause, ReworkMaterial, ReworkOrder
from ._common import dec

MAX_DAYS = 366
UNASSIGNED = "(unassigned)"


@dataclass
class Group:
    key: str | None
    label: str
    count: int = 0
    quantity: Decimal = Decimal(0)
    minutes: Decimal = Decimal(0)
    material_cost: Decimal = Decimal(0)

    @property
    def hours(self) -> Decimal:
        return (self.minutes / 60).quantize(Decimal("0.01"))


@dataclass
class Stats:
    date_from: dt.date
    date_to: dt.date
    total: Group
    by_cause: list[Group] = field(default_factory=list)
    by_work_center: list[Group] = field(default_factory=list)
    by_operation: list[Group] = field(default_factory=list)
    by_operator: list[Group] = field(default_factory=list)


def _day(d: dt.date) -> dt.datetime:
    return dt.datetime.combine(d, dt.time(), dt.UTC)


def rework_stats(session: Session, date_from: dt.date, date_to: dt.date) -> Stats:
    if date_to < date_from:
        raise ValidationError("to is before from", field="to")
    if (date_to - date_from).days + 1 > MAX_DAYS:
        raise ValidationError(f"the period is at most {MAX_DAYS} days", field="to")
    orders = list(session.scalars(select(ReworkOrder).where(
        ReworkOrder.created_at >= _day(date_from), ReworkOrder.created_at < _day(date_to + dt.timedelta(days=1)),
        ReworkOrder.state != "cancelled").order_by(ReworkOrder.id)))
    wo_ids = [o.work_order_id for o in orders if o.work_order_id is not None]
    minutes: dict[int, Decimal] = {}
    if wo_ids:
        for wo_id, m in session.execute(
                select(WorkOrderOperation.work_order_id, func.sum(WorkOrderOperation.reported_minutes))
                .where(WorkOrderOperation.work_order_id.in_(wo_ids)).group_by(WorkOrderOperation.work_order_id),
                execution_options=unscoped()):
            minutes[wo_id] = dec(m)
    cost: dict[int, Decimal] = {}
    req_of = {o.requisition_id: o.id for o in orders if o.requisition_id is not None}
    if req_of:
        prices: dict[tuple[int, int], Decimal] = {}
        for m in session.scalars(select(ReworkMaterial).where(ReworkMaterial.rework_order_id.in_(list(req_of.values())))):
            prices[(m.rework_order_id, m.product_id)] = dec(m.unit_cost)
        for req_id, product_id, q in session.execute(
                select(Move.origin_id, Move.product_id, func.sum(Move.quantity))
                .where(Move.origin_type == "stock.requisition", Move.origin_id.in_(list(req_of)), Move.state == "done")
                .group_by(Move.origin_id, Move.product_id), execution_options=unscoped()):
            ro_id = req_of[req_id]
            cost[ro_id] = cost.get(ro_id, Decimal(0)) + dec(q) * prices.get((ro_id, product_id), Decimal(0))

    def names(model: type, ids: set[int]) -> dict[int, str]:
        if not ids:
            return {}
        return dict(session.execute(select(model.id, model.code).where(model.id.in_(ids)),  # type: ignore[attr-defined]
                                    execution_options=unscoped()).all())

    causes = names(ReworkCause, {o.cause_id for o in orders if o.cause_id})
    centers = names(WorkCenter, {o.responsible_work_center_id for o in orders if o.responsible_work_center_id})
    ops = names(Operation, {o.responsible_operation_id for o in orders if o.responsible_operation_id})

    def grouped(key_of: Callable[[ReworkOrder], str | None]) -> list[Group]:
        out: dict[str | None, Group] = {}
        for o in orders:
            k = key_of(o)
            g = out.setdefault(k, Group(key=k, label=k if k is not None else UNASSIGNED))
            _add(g, o)
        return sorted(out.values(), key=lambda g: (-g.count, g.key is None, g.key or ""))

    def _add(g: Group, o: ReworkOrder) -> None:
        g.count += 1
        g.quantity += dec(o.quantity)
        g.minutes += minutes.get(o.work_order_id or 0, Decimal(0))
        g.material_cost += cost.get(o.id, Decimal(0))

    total = Group(key=None, label="total")
    for o in orders:
        _add(total, o)
    return Stats(
        date_from=date_from, date_to=date_to, total=total,
        by_cause=grouped(lambda o: causes.get(o.cause_id) if o.cause_id else None),
        by_work_center=grouped(lambda o: centers.get(o.responsible_work_center_id) if o.responsible_work_center_id else None),
        by_operation=grouped(lambda o: ops.get(o.responsible_operation_id) if o.responsible_operation_id else None),
        by_operator=grouped(lambda o: o.responsible_operator),
    )
