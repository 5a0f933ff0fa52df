"""Work centers: code, name, calendar, capacity, lead; the operator/device row scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.errors import ValidationError
from tenon.core.ids import get_record
from tenon.core.inputs import text

from ..models import WorkCenter
from ._common import dec, number


def work_center_scope(model: type, values: Sequence[Any]) -> Any:
    """Row-scope criterion: rows whose work center's code is in the actor's ``work_centers``."""
    codes = [str(v) for v in values]
    return model.work_center_id.in_(select(WorkCenter.id).where(WorkCenter.code.in_(codes)))


def _calendar(working_days: Sequence[int] | None, downtime: Sequence[Any] | None) -> tuple[list[int], list[str]]:
    days = sorted(set(working_days if working_days is not None else [1, 2, 3, 4, 5]))
    if any(not isinstance(d, int) or not 1 <= d <= 7 for d in days):
        raise ValidationError("working days are weekdays 1 (Monday) to 7 (Sunday)", field="workingDays")
    dates = []
    for i, d in enumerate(downtime or []):
        try:
            dates.append((d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d))).isoformat())
        except ValueError:
            raise ValidationError("downtime days are dates (YYYY-MM-DD)", field=f"downtime[{i}]") from None
    return days, sorted(set(dates))


def create_work_center(session: Session, *, code: str, name: str, working_days: Sequence[int] | None = None,
                       hours_per_day: Any = 8, downtime: Sequence[Any] | None = None, capacity: Any = 1,
                       lead_username: str | None = None, supply_location_id: int | None = None) -> WorkCenter:
    """A work center. ``capacity`` is machine-hours per calendar hour (two machines: 2)."""
    code = text(code, "code", max_len=40)
    if session.scalar(select(WorkCenter.id).where(WorkCenter.code == code)) is not None:
        raise ValidationError(f"work center {code!r} already exists", field="code")
    days, dates = _calendar(working_days, downtime)
    wc = WorkCenter(code=code, name=text(name, "name"), working_days=days,
                    hours_per_day=number(hours_per_day, "hoursPerDay", maximum=Decimal(24)), downtime=dates,
                    capacity=number(capacity, "capacity", positive=True), lead_username=lead_username or None,
                    supply_location_id=supply_location_id)
    session.add(wc)
    session.flush()
    return wc


def update_work_center(session: Session, work_center_id: Any, **changes: Any) -> WorkCenter:
    """Change name, calendar, capacity, lead or supply location (``None`` leaves a value)."""
    wc = get_record(session, WorkCenter, work_center_id, what="work center")
    if changes.get("name") is not None:
        wc.name = text(changes["name"], "name")
    if changes.get("working_days") is not None or changes.get("downtime") is not None:
        wc.working_days, wc.downtime = _calendar(
            changes.get("working_days") if changes.get("working_days") is not None else wc.working_days,
            changes.get("downtime") if changes.get("downtime") is not None else wc.downtime)
    if changes.get("hours_per_day") is not None:
        wc.hours_per_day = number(changes["hours_per_day"], "hoursPerDay", maximum=Decimal(24))
    if changes.get("capacity") is not None:
        wc.capacity = number(changes["capacity"], "capacity", positive=True)
    if changes.get("lead_username") is not None:
        wc.lead_username = changes["lead_username"] or None
    session.flush()
    return wc


def available_hours(wc: WorkCenter, day: dt.date) -> Decimal:
    """Hours the work center can work on ``day``: 0 off its weekdays and on planned downtime."""
    if day.isoweekday() not in (wc.working_days or []) or day.isoformat() in (wc.downtime or []):
        return Decimal(0).quantize(Decimal("0.0001"))
    return (dec(wc.hours_per_day) * dec(wc.capacity)).quantize(Decimal("0.0001"))
