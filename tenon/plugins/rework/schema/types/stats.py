"""Responsibility statistics types (``reworkStats``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import strawberry

from ...services.stats import Group, Stats
from ..loaders import num


@strawberry.type(description="Rework orders of one group (a cause, work center, operation or operator) in the period.")
class ReworkStatsGroup:
    key: str | None = strawberry.field(description="Cause code, work center code, operation code or operator username; "
                                       "null for rework orders without one.")
    label: str = strawberry.field(description="The key, or `(unassigned)`.")
    count: int = strawberry.field(description="Rework orders.")
    quantity: Decimal = strawberry.field(description="Quantity reworked.")
    hours: Decimal = strawberry.field(description="Hours reported on their rework work orders.")
    material_cost: Decimal = strawberry.field(description="Cost of the repair material issued to them.")

    @classmethod
    def of(cls, g: Group) -> ReworkStatsGroup:
        return cls(key=g.key, label=g.label, count=g.count, quantity=num(g.quantity), hours=num(g.hours),
                   material_cost=num(g.material_cost))


@strawberry.type(description="Responsibility statistics: rework orders opened in a period (not cancelled), grouped.")
class ReworkStats:
    from_: dt.date = strawberry.field(name="from", description="First day (UTC, included).")
    to: dt.date = strawberry.field(description="Last day (UTC, included).")
    total: ReworkStatsGroup = strawberry.field(description="All of them.")
    by_cause: list[ReworkStatsGroup] = strawberry.field(description="By cause category, most rework orders first.")
    by_work_center: list[ReworkStatsGroup] = strawberry.field(description="By responsible work center.")
    by_operation: list[ReworkStatsGroup] = strawberry.field(description="By responsible operation.")
    by_operator: list[ReworkStatsGroup] = strawberry.field(description="By responsible operator.")

    @classmethod
    def of(cls, s: Stats) -> ReworkStats:
        return cls(from_=s.date_from, to=s.date_to, total=ReworkStatsGroup.of(s.total),
                   by_cause=[ReworkStatsGroup.of(g) for g in s.by_cause],
                   by_work_center=[ReworkStatsGroup.of(g) for g in s.by_work_center],
                   by_operation=[ReworkStatsGroup.of(g) for g in s.by_operation],
                   by_operator=[ReworkStatsGroup.of(g) for g in s.by_operator])
