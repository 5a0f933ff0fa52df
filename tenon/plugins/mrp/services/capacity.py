"""Work-center load per day: available hours from the calendar, planned hours of released work,
reported hours, load and utilisation percent. Three statements whatever the number of work
centers and days.

Planned hours: the planned minutes of every operation (not cancelled) of work orders that are
released, in progress or done, on the work order's due date (its release day when it has none).
Reported hours: the minutes of operation reports, on the day each report ended (UTC).
``loadPercent`` = planned / available × 100, ``utilisationPercent`` = reported / available × 100
(``None`` on a day without available hours).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.errors import ValidationError

from ..models import OperationReport, WorkCenter, WorkOrder, WorkOrderOperation
from ._common import dec
from .work_centers import available_hours

MAX_DAYS = 366
H = Decimal(60)
CENT = Decimal("0.01")


@dataclass
class DayLoad:
    """One work center on one day."""

    work_center_id: int
    work_center_code: str
    day: dt.date
    available_hours: Decimal
    planned_hours: Decimal
    reported_hours: Decimal
    load_percent: Decimal | None
    utilisation_percent: Decimal | None


def work_center_load(session: Session, start: dt.date, end: dt.date) -> list[DayLoad]:
    """Per active work center and day in ``[start, end]`` (at most a year), by code then day."""
    if end < start:
        raise ValidationError("to is before from", field="to")
    if end >= dt.date.max:
        raise ValidationError("to must be before 9999-12-31", field="to")
    days = (end - start).days + 1
    if days > MAX_DAYS:
        raise ValidationError(f"at most {MAX_DAYS} days at once", field="to")
    centers = list(session.scalars(select(WorkCenter).where(WorkCenter.active.is_(True)).order_by(WorkCenter.code)))
    planned: dict[tuple[int, dt.date], Decimal] = {}
    for wc_id, due, released, minutes in session.execute(
        select(WorkOrderOperation.work_center_id, WorkOrder.due_date, WorkOrder.released_at,
               WorkOrderOperation.planned_minutes)
        .join(WorkOrder, WorkOrder.id == WorkOrderOperation.work_order_id)
        .where(WorkOrder.state.in_(("released", "in_progress", "done")), WorkOrderOperation.state != "cancelled")
    ):
        day = due or (released.date() if released else None)
        if day is not None and start <= day <= end:
            planned[(wc_id, day)] = planned.get((wc_id, day), Decimal(0)) + dec(minutes)
    reported: dict[tuple[int, dt.date], Decimal] = {}
    lo = dt.datetime.combine(start, dt.time(), dt.UTC)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), dt.UTC)
    for wc_id, ended, minutes in session.execute(
        select(OperationReport.work_center_id, OperationReport.ended_at, OperationReport.minutes)
        .where(OperationReport.ended_at >= lo, OperationReport.ended_at < hi)
    ):
        key = (wc_id, ended.astimezone(dt.UTC).date())
        reported[key] = reported.get(key, Decimal(0)) + dec(minutes)
    out = []
    for wc in centers:
        for i in range(days):
            day = start + dt.timedelta(days=i)
            avail = available_hours(wc, day)
            plan = (planned.get((wc.id, day), Decimal(0)) / H).quantize(CENT)
            done = (reported.get((wc.id, day), Decimal(0)) / H).quantize(CENT)
            out.append(DayLoad(wc.id, wc.code, day, avail.quantize(CENT), plan, done,
                               (plan / avail * 100).quantize(CENT) if avail else None,
                               (done / avail * 100).quantize(CENT) if avail else None))
    return out
