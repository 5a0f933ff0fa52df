"""Root mutation fields of devices (one transaction each)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from tenon.graphql.permissions import allowed

from ..services import devices, printing
from .inputs import DeviceRegisterInput, DeviceUpdateInput, PrintTargetInput
from .types.devices import DeviceToken, DeviceType
from .types.print_jobs import PrintJobType

IdArg = Annotated[strawberry.ID, strawberry.argument(description="Record id.")]


def _mapping(entries) -> dict[str, str] | None:
    return {e.field: e.path for e in entries} if entries is not None else None


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Register a device.", extensions=allowed("devices.device", "manage"))
    async def device_register(self, info: Info, input: Annotated[DeviceRegisterInput, strawberry.argument(description="The device.")]) -> DeviceType:
        i = input
        d = await info.context.run(lambda s: devices.register_device(
            s, code=i.code, name=i.name, kind=i.kind.value, work_center_code=i.work_center_code,
            location_id=i.location_id, host=i.host, port=i.port, topic=i.topic, mapping=_mapping(i.mapping),
            heartbeat_seconds=i.heartbeat_seconds, print_attempts=i.print_attempts))
        return DeviceType.from_model(d)

    @strawberry.mutation(description="Change a device.", extensions=allowed("devices.device", "manage"))
    async def device_update(self, info: Info, input: Annotated[DeviceUpdateInput, strawberry.argument(description="The changes.")]) -> DeviceType:
        i = input
        d = await info.context.run(lambda s: devices.update_device(
            s, i.id, name=i.name, work_center_code=i.work_center_code, host=i.host, port=i.port, topic=i.topic,
            mapping=_mapping(i.mapping), heartbeat_seconds=i.heartbeat_seconds, print_attempts=i.print_attempts,
            active=i.active))
        return DeviceType.from_model(d)

    @strawberry.mutation(description="Issue an API token for a device (its user, role `device`, bound to its work "
                         "center, is created on first use). The token is shown once.",
                         extensions=allowed("devices.device", "manage"))
    async def device_issue_token(self, info: Info, id: IdArg) -> DeviceToken:
        d, token = await info.context.run(devices.issue_token, id)
        return DeviceToken(device=DeviceType.from_model(d), token=token)

    @strawberry.mutation(description="The calling device's heartbeat (a terminal or machine signed in with its token).",
                         extensions=allowed("devices.device", "heartbeat"))
    async def device_heartbeat(self, info: Info) -> DeviceType:
        actor = info.context.require_actor()
        return DeviceType.from_model(await info.context.run(devices.heartbeat, actor.username))

    @strawberry.mutation(description="Print a ZPL label on a registered network printer: queued now, sent after the "
                         "commit (retried while the printer is unreachable; see the job's state).",
                         extensions=allowed("devices.print_job", "create"))
    async def label_print(
        self, info: Info,
        target: Annotated[PrintTargetInput, strawberry.argument(description="What the label is for.")],
        printer: Annotated[str, strawberry.argument(description="The printer's device code.")],
        copies: Annotated[int, strawberry.argument(description="Copies, 1-100.")] = 1,
    ) -> PrintJobType:
        j = await info.context.run(lambda s: printing.queue_print(
            s, printer_code=printer, target_kind=target.kind.value, target_id=target.id, copies=copies))
        return PrintJobType.from_model(j)

    @strawberry.mutation(description="Queue a failed print job again.", extensions=allowed("devices.print_job", "retry"))
    async def print_job_retry(self, info: Info, id: IdArg) -> PrintJobType:
        return PrintJobType.from_model(await info.context.run(printing.retry_job, id))
