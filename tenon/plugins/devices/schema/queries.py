"""Root query fields of devices: the registry, print jobs, the dashboard card."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from tenon.core.ids import get_record
from tenon.graphql.permissions import allowed
from tenon.graphql.relay import Connection, paginate

from ..models import Device, PrintJob
from ..services.devices import summary
from .inputs import DeviceFilter, PrintJobFilter
from .types.devices import DeviceCount, DeviceDashboard, DeviceType
from .types.print_jobs import PrintJobType

First = Annotated[int | None, strawberry.argument(description="Page size.")]
After = Annotated[str | None, strawberry.argument(description="Cursor of the item before the page.")]
IdArg = Annotated[strawberry.ID, strawberry.argument(description="Record id.")]


def _counts(d: dict) -> list[DeviceCount]:
    return [DeviceCount(key=str(k), count=int(v)) for k, v in sorted(d.items())]


@strawberry.type
class Query:
    @strawberry.field(description="Registered devices, by code.", extensions=allowed("devices.device", "read"))
    async def devices(self, info: Info, filter: Annotated[DeviceFilter | None, strawberry.argument(
            description="Conditions.")] = None, first: First = None, after: After = None) -> Connection[DeviceType]:
        stmt = select(Device)
        f = filter
        if f is not None:
            if f.kind is not None:
                stmt = stmt.where(Device.kind == f.kind.value)
            if f.health is not None:
                stmt = stmt.where(Device.health == f.health.value)
            if f.work_center_code is not None:
                stmt = stmt.where(Device.work_center_code == f.work_center_code)
            if f.active is not None:
                stmt = stmt.where(Device.active.is_(f.active))
        return await paginate(info.context, stmt.order_by(Device.code, Device.id), first=first, after=after,
                              convert=DeviceType.from_model)

    @strawberry.field(description="One device.", extensions=allowed("devices.device", "read"))
    async def device(self, info: Info, id: IdArg) -> DeviceType:
        d = await info.context.run(lambda s: get_record(s, Device, id, field="id", what="device"))
        return DeviceType.from_model(d)

    @strawberry.field(description="Print jobs, newest first.", extensions=allowed("devices.print_job", "read"))
    async def print_jobs(self, info: Info, filter: Annotated[PrintJobFilter | None, strawberry.argument(
            description="Conditions.")] = None, first: First = None, after: After = None) -> Connection[PrintJobType]:
        stmt = select(PrintJob)
        f = filter
        if f is not None:
            if f.state is not None:
                stmt = stmt.where(PrintJob.state == f.state.value)
            if f.printer is not None:
                stmt = stmt.where(PrintJob.device_id.in_(select(Device.id).where(Device.code == f.printer)))
        return await paginate(info.context, stmt.order_by(PrintJob.id.desc()), first=first, after=after,
                              convert=PrintJobType.from_model)

    @strawberry.field(description="One print job: its state, attempts and last error.",
                      extensions=allowed("devices.print_job", "read"))
    async def print_job(self, info: Info, id: IdArg) -> PrintJobType:
        j = await info.context.run(lambda s: get_record(s, PrintJob, id, field="id", what="print job"))
        return PrintJobType.from_model(j)

    @strawberry.field(description="The devices dashboard card.", extensions=allowed("devices.device", "read"))
    async def device_dashboard(self, info: Info) -> DeviceDashboard:
        data = await info.context.run(summary)
        return DeviceDashboard(by_kind=_counts(data["by_kind"]), by_health=_counts(data["by_health"]),
                               print_jobs=_counts(data["jobs"]), messages_accepted=data["accepted"],
                               messages_rejected=data["rejected"],
                               silent=[DeviceType.from_model(d) for d in data["silent"]])
