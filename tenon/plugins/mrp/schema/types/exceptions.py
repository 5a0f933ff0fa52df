"""Production exception types and the response-time KPI."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry
from strawberry.types import Info

from ...models import ProductionException
from ..loaders import photos_by_exception
from .master import gid


@strawberry.enum(description="Kinds of production exception.")
class ExceptionKind(enum.Enum):
    MACHINE_DOWN = strawberry.enum_value("machine_down", description="A machine stopped.")
    MATERIAL_SHORTAGE = strawberry.enum_value("material_shortage", description="Material is missing.")
    QUALITY = strawberry.enum_value("quality", description="A quality problem.")
    OTHER = strawberry.enum_value("other", description="Anything else.")


@strawberry.type(description="A step of an exception's responsibility chain.")
class ExceptionEscalation:
    at: str = strawberry.field(description="When (ISO 8601, UTC).")
    from_user: str | None = strawberry.field(description="Who had it.")
    to_user: str = strawberry.field(description="Who has it now.")
    reason: str = strawberry.field(description="`sla` (not acknowledged in time) or `reassigned`.")


@strawberry.type(description="A photo or file attached to an exception (download at /attachments/{id}).")
class ExceptionPhoto:
    id: strawberry.ID = strawberry.field(description="Attachment id.")
    filename: str = strawberry.field(description="File name.")
    content_type: str = strawberry.field(description="Type sniffed from the bytes.")


@strawberry.type(name="ProductionException", description="A production exception (异常上报) with its SLA clock.")
class ProductionExceptionType:
    id: strawberry.ID = strawberry.field(description="Exception id (attach photos to `mrp_exception` / this id).")
    type: ExceptionKind = strawberry.field(description="Its kind.")
    state: str = strawberry.field(description="open, acknowledged or resolved.")
    description: str = strawberry.field(description="What happened.")
    work_order_id: strawberry.ID = strawberry.field(description="The work order.")
    operation_id: strawberry.ID | None = strawberry.field(description="The operation, if named.")
    work_center_id: strawberry.ID = strawberry.field(description="Where it happened.")
    reported_by: str | None = strawberry.field(description="Who reported it.")
    reported_at: dt.datetime = strawberry.field(description="When it was reported.")
    assigned_to: str | None = strawberry.field(description="Who must respond now.")
    chain: list[str] = strawberry.field(description="The responsibility chain.")
    sla_minutes: int = strawberry.field(description="Minutes each person has to respond.")
    due_at: dt.datetime | None = strawberry.field(description="When it escalates if not acknowledged.")
    first_response_at: dt.datetime | None = strawberry.field(description="First response.")
    responded_by: str | None = strawberry.field(description="Who responded first.")
    resolved_at: dt.datetime | None = strawberry.field(description="When it was resolved.")
    resolution: str = strawberry.field(description="How it was resolved.")
    escalations: list[ExceptionEscalation] = strawberry.field(description="Escalations and reassignments, in order.")

    @strawberry.field(description="Photos and files attached to it.")
    async def photos(self, info: Info) -> list[ExceptionPhoto]:
        rows = await info.context.batch("mrp.photos_by_exception", photos_by_exception).load(int(self.id))
        return [ExceptionPhoto(id=gid(a.id), filename=a.filename, content_type=a.content_type) for a in rows]

    @classmethod
    def from_model(cls, m: ProductionException) -> ProductionExceptionType:
        return cls(id=gid(m.id), type=ExceptionKind(m.type), state=m.state, description=m.description,
                   work_order_id=gid(m.work_order_id), operation_id=gid(m.operation_id),
                   work_center_id=gid(m.work_center_id), reported_by=m.reported_by, reported_at=m.reported_at,
                   assigned_to=m.assigned_to, chain=list(m.chain or []), sla_minutes=m.sla_minutes, due_at=m.due_at,
                   first_response_at=m.first_response_at, responded_by=m.responded_by, resolved_at=m.resolved_at,
                   resolution=m.resolution,
                   escalations=[ExceptionEscalation(at=e["at"], from_user=e.get("from"), to_user=e["to"],
                                                    reason=e.get("reason", "sla")) for e in m.escalations or []])


@strawberry.type(description="Response time to production exceptions for one type and work center.")
class ExceptionResponseTime:
    type: ExceptionKind = strawberry.field(description="Exception kind.")
    work_center_id: strawberry.ID = strawberry.field(description="Work center.")
    count: int = strawberry.field(description="Exceptions reported in the period.")
    responded: int = strawberry.field(description="How many have a first response.")
    average_minutes: float | None = strawberry.field(description="Average minutes from report to first response.")
    p90_minutes: float | None = strawberry.field(description="90th percentile (nearest rank) of those minutes.")
    open_past_sla: int = strawberry.field(description="Still unanswered past their due time.")
