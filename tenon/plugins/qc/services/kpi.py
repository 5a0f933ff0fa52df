"""qc's KPIs: first-pass yield and open nonconformances by age (constant SQL statements).

**First-pass yield** (一次合格率) over a period: for the inspections whose result became final in
``[start, end)`` and that are *first* inspections (not ``reinspection``: the final inspection of
a rework work order inspects the same goods again), grouped by any of product, work center and
operation::

    yield = quantity of the passed first inspections / quantity of all first inspections

Worked example (product KA, one week): final inspection of WO-1 (100 pcs) passed, of WO-2
(50 pcs) failed, of the rework WO-3 of those 50 (passed, a re-inspection, not counted):
``yield = 100 / (100 + 50) = 0.6667`` from 2 inspections, 1 passed. By work center, the
in-process inspections count where they were made; final ones where the work order's last
operation was done.

**Open nonconformances by age**: those not ``closed``, by whole days since they were opened as of
a moment: ``0-1`` (less than 1 day), ``1-3``, ``3-7``, ``7-30``, ``30+`` days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..models import Inspection, Nonconformance
from ._common import dec

GROUPS = {"product": Inspection.product_id, "work_center": Inspection.work_center_id,
          "operation": Inspection.library_operation_id}
AGE_BUCKETS = (("0-1", 0, 1), ("1-3", 1, 3), ("3-7", 3, 7), ("7-30", 7, 30), ("30+", 30, None))


@dataclass(frozen=True)
class YieldRow:
    product_id: int | None
    work_center_id: int | None
    operation_id: int | None
    inspections: int
    passed: int
    quantity: Decimal
    passed_quantity: Decimal
    first_pass_yield: Decimal | None


def first_pass_yield(session: Session, start: dt.datetime, end: dt.datetime, group_by: Sequence[str],
                     stage: str | None = None) -> list[YieldRow]:
    cols = [GROUPS[g] for g in group_by]
    passed = Inspection.state == "passed"
    stmt = (select(*cols, func.count(), func.sum(case((passed, 1), else_=0)), func.sum(Inspection.quantity),
                   func.sum(case((passed, Inspection.quantity), else_=0)))
            .where(Inspection.state.in_(("passed", "failed")), Inspection.reinspection.is_(False),
                   Inspection.decided_at >= start, Inspection.decided_at < end)
            .group_by(*cols).order_by(*cols))
    if stage is not None:
        stmt = stmt.where(Inspection.stage == stage)
    out = []
    for row in session.execute(stmt):
        keys = dict(zip(group_by, row[:len(cols)], strict=True))
        n, ok, q, qp = row[len(cols):]
        q, qp = dec(q), dec(qp)
        y = (qp / q).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) if q > 0 else None
        out.append(YieldRow(product_id=keys.get("product"), work_center_id=keys.get("work_center"),
                            operation_id=keys.get("operation"), inspections=int(n), passed=int(ok or 0),
                            quantity=q, passed_quantity=qp, first_pass_yield=y))
    return out


@dataclass(frozen=True)
class AgeRow:
    bucket: str
    min_days: int
    max_days: int | None
    count: int
    oldest: dt.datetime | None


def open_by_age(session: Session, at: dt.datetime) -> list[AgeRow]:
    rows = list(session.execute(select(Nonconformance.opened_at).where(Nonconformance.state != "closed",
                                                                        Nonconformance.opened_at <= at)))
    out = []
    for label, lo, hi in AGE_BUCKETS:
        inside = [o for (o,) in rows if (at - o) >= dt.timedelta(days=lo) and (hi is None or (at - o) < dt.timedelta(days=hi))]
        out.append(AgeRow(bucket=label, min_days=lo, max_days=hi, count=len(inside), oldest=min(inside) if inside else None))
    return out
