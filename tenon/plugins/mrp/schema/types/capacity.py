"""Work-center load type."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from ..loaders import num
from .master import gid


@strawberry.type(description="One work center on one day: capacity against planned and reported work.")
class WorkCenterDayLoad:
    work_center_id: strawberry.ID = strawberry.field(description="Work center.")
    work_center_code: str = strawberry.field(description="Its code.")
    day: dt.date = strawberry.field(description="The day.")
    available_hours: Decimal = strawberry.field(description="From the calendar: hours per day × capacity, 0 off days.")
    planned_hours: Decimal = strawberry.field(description="Planned hours of released work due that day.")
    reported_hours: Decimal = strawberry.field(description="Hours reported that day.")
    load_percent: Decimal | None = strawberry.field(description="Planned / available × 100 (null without capacity).")
    utilisation_percent: Decimal | None = strawberry.field(description="Reported / available × 100 (null without capacity).")

    @classmethod
    def from_row(cls, r) -> WorkCenterDayLoad:
        return cls(work_center_id=gid(r.work_center_id), work_center_code=r.work_center_code, day=r.day,
                   available_hours=num(r.available_hours), planned_hours=num(r.planned_hours),
                   reported_hours=num(r.reported_hours),
                   load_percent=num(r.load_percent) if r.load_percent is not None else None,
                   utilisation_percent=num(r.utilisation_percent) if r.utilisation_percent is not None else None)
