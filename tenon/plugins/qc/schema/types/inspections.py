"""Inspection types: inspections, their results and photos, nonconformances."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import strawberry
from strawberry.types import Info

from tenon.plugins.stock import ProductType, load_product

from ...models import Inspection, Nonconformance
from ..loaders import (
    item_by_id,
    nonconformances_by_inspection,
    num,
    photos_by_inspection,
    results_by_inspection,
    version_by_id,
)
from .plans import CheckItemType, InspectionStage, PlanVersionType, gid


@strawberry.enum(description="Where an inspection is.")
class InspectionState(enum.Enum):
    OPEN = strawberry.enum_value("open", description="Waiting for (more) results.")
    PASSED = strawberry.enum_value("passed", description="Final: every value within its limits; goods released.")
    FAILED = strawberry.enum_value("failed", description="Final: a value failed; a nonconformance is open.")


@strawberry.enum(description="Where a nonconformance is.")
class NonconformanceState(enum.Enum):
    OPEN = strawberry.enum_value("open", description="Waiting for a disposition.")
    DISPOSITIONED = strawberry.enum_value("dispositioned", description="Rework decided, not yet carried out.")
    CLOSED = strawberry.enum_value("closed", description="Done (scrapped, used as is, or reworked).")


@strawberry.enum(description="What is done with nonconforming goods.")
class Disposition(enum.Enum):
    SCRAP = strawberry.enum_value("scrap", description="The goods move to the scrap location.")
    REWORK = strawberry.enum_value("rework", description="Reworked by the plugin that does rework (if installed).")
    USE_AS_IS = strawberry.enum_value("use_as_is", description="Accepted as they are (a quality manager, with a reason).")


@strawberry.type(name="InspectionResult", description="The value of one check item for one sample.")
class InspectionResultType:
    id: strawberry.ID = strawberry.field(description="Result id.")
    sample_no: int = strawberry.field(description="Sample 1 … sample size.")
    item_code: str = strawberry.field(description="The check item's code.")
    measured: Decimal | None = strawberry.field(description="The measured value (measurement).")
    text: str | None = strawberry.field(description="pass/fail, or the text.")
    passed: bool = strawberry.field(description="Whether it is within the limits.")
    recorded_by: str | None = strawberry.field(description="Who recorded it.")


@strawberry.type(name="InspectionPhoto", description="A photo or file attached to an inspection (download at /attachments/{id}).")
class InspectionPhoto:
    id: strawberry.ID = strawberry.field(description="Attachment id.")
    filename: str = strawberry.field(description="File name.")
    content_type: str = strawberry.field(description="Type sniffed from the bytes.")


@strawberry.type(name="Nonconformance", description="A nonconformance (不合格品) opened by a failed inspection.")
class NonconformanceType:
    id: strawberry.ID = strawberry.field(description="Nonconformance id.")
    number: str = strawberry.field(description="Number, e.g. NC-2026-00003.")
    state: NonconformanceState = strawberry.field(description="Open, dispositioned or closed.")
    inspection_id: strawberry.ID = strawberry.field(description="The failed inspection.")
    product_id: strawberry.ID = strawberry.field(description="The product.")
    lot_id: strawberry.ID | None = strawberry.field(description="The lot, if any.")
    quantity: Decimal = strawberry.field(description="The quantity concerned.")
    description: str = strawberry.field(description="Which checks failed.")
    opened_at: dt.datetime = strawberry.field(description="When it was opened.")
    disposition: Disposition | None = strawberry.field(description="What is done with the goods.")
    reason: str = strawberry.field(description="Why (required for use as is).")
    disposed_by: str | None = strawberry.field(description="Who gave the disposition.")
    disposed_at: dt.datetime | None = strawberry.field(description="When.")
    closed_at: dt.datetime | None = strawberry.field(description="When it was closed.")

    @strawberry.field(description="The product.")
    async def product(self, info: Info) -> ProductType | None:
        return await load_product(info, int(self.product_id))

    @classmethod
    def from_model(cls, m: Nonconformance) -> NonconformanceType:
        return cls(id=gid(m.id), number=m.number, state=NonconformanceState(m.state), inspection_id=gid(m.inspection_id),
                   product_id=gid(m.product_id), lot_id=gid(m.lot_id), quantity=num(m.quantity),
                   description=m.description, opened_at=m.opened_at,
                   disposition=Disposition(m.disposition) if m.disposition else None, reason=m.reason,
                   disposed_by=m.disposed_by, disposed_at=m.disposed_at, closed_at=m.closed_at)


@strawberry.type(name="Inspection", description="An inspection of a quantity of a product at a stage, with the "
                 "plan version it was made with.")
class InspectionType:
    id: strawberry.ID = strawberry.field(description="Inspection id (attach photos to `qc_inspection` / this id).")
    number: str = strawberry.field(description="Number, e.g. QI-2026-00012.")
    stage: InspectionStage = strawberry.field(description="Receipt, in-process or final.")
    state: InspectionState = strawberry.field(description="Open, passed or failed.")
    plan_id: strawberry.ID | None = strawberry.field(description="The plan.")
    product_id: strawberry.ID = strawberry.field(description="The product inspected.")
    lot_id: strawberry.ID | None = strawberry.field(description="The lot, if any.")
    quantity: Decimal = strawberry.field(description="The quantity it decides on.")
    sample_size: int = strawberry.field(description="Pieces inspected (from the version's sampling).")
    work_order_id: strawberry.ID | None = strawberry.field(description="The mrp work order (in-process, final).")
    operation_id: strawberry.ID | None = strawberry.field(description="The work order operation (in-process).")
    work_center_id: strawberry.ID | None = strawberry.field(description="The work center (in-process, final).")
    reinspection: bool = strawberry.field(description="A re-inspection (rework): not counted as a first pass.")
    origin_type: str | None = strawberry.field(description="What opened it (`stock.receipt`, `mrp.work_order` …).")
    origin_id: strawberry.ID | None = strawberry.field(description="That record's id.")
    quarantined: bool = strawberry.field(description="Its goods are in the quarantine location.")
    inspector: str | None = strawberry.field(description="Who recorded results last.")
    decided_at: dt.datetime | None = strawberry.field(description="When the result became final.")
    created_at: dt.datetime = strawberry.field(description="When it was opened.")
    _version_id: strawberry.Private[int | None]

    @strawberry.field(description="The plan version it was made with (changing the plan never changes it).")
    async def plan_version(self, info: Info) -> PlanVersionType | None:
        if self._version_id is None:
            return None
        v = await info.context.batch("qc.version_by_id", version_by_id).load(self._version_id)
        return PlanVersionType.from_model(v) if v else None

    @strawberry.field(description="Recorded values, by sample then item.")
    async def results(self, info: Info) -> list[InspectionResultType]:
        rows = await info.context.batch("qc.results_by_inspection", results_by_inspection).load(int(self.id))
        items = await info.context.batch("qc.item_by_id", item_by_id).load_many([r.check_item_id for r in rows])
        out = [(it.position if it else 0, r, it) for r, it in zip(rows, items, strict=True)]
        out.sort(key=lambda t: (t[1].sample_no, t[0]))
        return [InspectionResultType(id=gid(r.id), sample_no=r.sample_no, item_code=it.code if it else "",
                                     measured=num(r.measured), text=r.text, passed=r.passed,
                                     recorded_by=r.recorded_by) for _p, r, it in out]

    @strawberry.field(description="Required (item, sample) values still missing; the result is final at 0.")
    async def missing_values(self, info: Info) -> int:
        if self._version_id is None:
            return 0
        from ..loaders import items_by_version

        items = await info.context.batch("qc.items_by_version", items_by_version).load(self._version_id)
        rows = await info.context.batch("qc.results_by_inspection", results_by_inspection).load(int(self.id))
        have = {(r.check_item_id, r.sample_no) for r in rows}
        return sum(1 for i in items if i.required for s in range(1, self.sample_size + 1) if (i.id, s) not in have)

    @strawberry.field(description="Photos and files attached to it (kernel attachments).")
    async def photos(self, info: Info) -> list[InspectionPhoto]:
        rows = await info.context.batch("qc.photos_by_inspection", photos_by_inspection).load(int(self.id))
        return [InspectionPhoto(id=gid(a.id), filename=a.filename, content_type=a.content_type) for a in rows]

    @strawberry.field(description="The nonconformance a failure opened.")
    async def nonconformance(self, info: Info) -> NonconformanceType | None:
        rows = await info.context.batch("qc.ncs_by_inspection", nonconformances_by_inspection).load(int(self.id))
        return NonconformanceType.from_model(rows[0]) if rows else None

    @strawberry.field(description="The product.")
    async def product(self, info: Info) -> ProductType | None:
        return await load_product(info, int(self.product_id))

    @classmethod
    def from_model(cls, m: Inspection) -> InspectionType:
        return cls(id=gid(m.id), number=m.number, stage=InspectionStage(m.stage), state=InspectionState(m.state),
                   plan_id=gid(m.plan_id), product_id=gid(m.product_id), lot_id=gid(m.lot_id), quantity=num(m.quantity),
                   sample_size=m.sample_size, work_order_id=gid(m.work_order_id), operation_id=gid(m.operation_id),
                   work_center_id=gid(m.work_center_id), reinspection=m.reinspection, origin_type=m.origin_type,
                   origin_id=gid(m.origin_id), quarantined=m.quarantined, inspector=m.inspector,
                   decided_at=m.decided_at, created_at=m.created_at, _version_id=m.plan_version_id)


__all__ = ["CheckItemType", "Disposition", "InspectionPhoto", "InspectionResultType", "InspectionState",
           "InspectionType", "NonconformanceState", "NonconformanceType"]
