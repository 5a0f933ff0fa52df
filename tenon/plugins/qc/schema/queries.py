"""Root query fields of qc: plans, inspections, nonconformances, lot release status, KPIs."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from tenon.core.db import utcnow
from tenon.core.errors import ValidationError
from tenon.core.ids import decode_id, get_record
from tenon.graphql.permissions import allowed
from tenon.graphql.relay import Connection, paginate

from ..models import Inspection, InspectionPlan, Nonconformance
from ..services import holds, kpi
from .types.inspections import InspectionState, InspectionType, NonconformanceType
from .types.kpi import FirstPassYield, NonconformanceAge, YieldGroup
from .types.plans import InspectionPlanType, InspectionStage

First = Annotated[int | None, strawberry.argument(description="Page size.")]
After = Annotated[str | None, strawberry.argument(description="Cursor of the item before the page.")]
IdArg = Annotated[strawberry.ID, strawberry.argument(description="Record id.")]


def _start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


@strawberry.type
class Query:
    @strawberry.field(description="Inspection plans, by code.", extensions=allowed("qc.plan", "read"))
    async def inspection_plans(
        self, info: Info, first: First = None, after: After = None,
        stage: Annotated[InspectionStage | None, strawberry.argument(description="Only this stage.")] = None,
        product_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this product's own plans.")] = None,
    ) -> Connection[InspectionPlanType]:
        stmt = select(InspectionPlan).order_by(InspectionPlan.code, InspectionPlan.id)
        if stage is not None:
            stmt = stmt.where(InspectionPlan.stage == stage.value)
        if product_id is not None:
            stmt = stmt.where(InspectionPlan.product_id == decode_id(product_id, "productId"))
        return await paginate(info.context, stmt, first=first, after=after, convert=InspectionPlanType.from_model)

    @strawberry.field(description="One inspection plan.", extensions=allowed("qc.plan", "read"))
    async def inspection_plan(self, info: Info, id: IdArg) -> InspectionPlanType:
        return InspectionPlanType.from_model(await info.context.run(
            lambda s: get_record(s, InspectionPlan, id, what="inspection plan")))

    @strawberry.field(description="Inspections, newest first.", extensions=allowed("qc.inspection", "read"))
    async def inspections(
        self, info: Info, first: First = None, after: After = None,
        stage: Annotated[InspectionStage | None, strawberry.argument(description="Only this stage.")] = None,
        states: Annotated[list[InspectionState] | None, strawberry.argument(description="Only these states.")] = None,
        product_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this product.")] = None,
        lot_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this lot.")] = None,
        work_order_id: Annotated[strawberry.ID | None, strawberry.argument(description="Only this mrp work order.")] = None,
    ) -> Connection[InspectionType]:
        stmt = select(Inspection).order_by(Inspection.id.desc())
        if stage is not None:
            stmt = stmt.where(Inspection.stage == stage.value)
        if states:
            stmt = stmt.where(Inspection.state.in_([s.value for s in states]))
        for arg, col, name in ((product_id, Inspection.product_id, "productId"), (lot_id, Inspection.lot_id, "lotId"),
                               (work_order_id, Inspection.work_order_id, "workOrderId")):
            if arg is not None:
                stmt = stmt.where(col == decode_id(arg, name))
        return await paginate(info.context, stmt, first=first, after=after, convert=InspectionType.from_model)

    @strawberry.field(description="One inspection.", extensions=allowed("qc.inspection", "read"))
    async def inspection(self, info: Info, id: IdArg) -> InspectionType:
        return InspectionType.from_model(await info.context.run(lambda s: get_record(s, Inspection, id, what="inspection")))

    @strawberry.field(description="Nonconformances, newest first.", extensions=allowed("qc.nonconformance", "read"))
    async def nonconformances(
        self, info: Info, first: First = None, after: After = None,
        open_only: Annotated[bool, strawberry.argument(description="Only those not closed.")] = False,
    ) -> Connection[NonconformanceType]:
        stmt = select(Nonconformance).order_by(Nonconformance.id.desc())
        if open_only:
            stmt = stmt.where(Nonconformance.state != "closed")
        return await paginate(info.context, stmt, first=first, after=after, convert=NonconformanceType.from_model)

    @strawberry.field(description="Where a lot stands with quality: quarantined, held (finished, not released), "
                      "released, handed_over (taken by another plugin, e.g. rework), scrapped or not_inspected.", extensions=allowed("qc.inspection", "read"))
    async def lot_release_status(self, info: Info, lot_id: Annotated[strawberry.ID, strawberry.argument(
            description="The stock lot.")]) -> str:
        lid = decode_id(lot_id, "lotId")
        return await info.context.run(lambda s: holds.release_status(s, lid))

    @strawberry.field(description="First-pass yield of first inspections decided from `from` to `to` (inclusive "
                      "days, UTC), grouped by product, work center and/or operation.",
                      extensions=allowed("qc.kpi", "read"))
    async def first_pass_yield(
        self, info: Info, from_: Annotated[dt.date, strawberry.argument(name="from", description="First day.")],
        to: Annotated[dt.date, strawberry.argument(description="Last day.")],
        group_by: Annotated[list[YieldGroup] | None, strawberry.argument(description="Grouping (default: product).")] = None,
        stage: Annotated[InspectionStage | None, strawberry.argument(description="Only this stage.")] = None,
    ) -> list[FirstPassYield]:
        if to >= dt.date.max or to < from_ or (to - from_).days > 3660:
            raise ValidationError("to must be on or after from, at most ten years later", field="to")
        groups = list(dict.fromkeys(g.value for g in (group_by or [YieldGroup.PRODUCT])))
        rows = await info.context.run(lambda s: kpi.first_pass_yield(s, _start(from_), _start(to + dt.timedelta(days=1)),
                                                                     groups, stage.value if stage else None))
        return [FirstPassYield.from_row(r) for r in rows]

    @strawberry.field(description="Nonconformances not closed, by age band as of `at` (default now).",
                      extensions=allowed("qc.kpi", "read"))
    async def open_nonconformances_by_age(
        self, info: Info, at: Annotated[dt.datetime | None, strawberry.argument(
            description="The moment ages are counted from (with a time zone).")] = None,
    ) -> list[NonconformanceAge]:
        if at is not None and at.tzinfo is None:
            raise ValidationError("at needs a time zone", field="at")
        moment = at or utcnow()
        return [NonconformanceAge.from_row(r) for r in await info.context.run(lambda s: kpi.open_by_age(s, moment))]
