"""Print job types: a label sent to a network printer and its state."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry
from strawberry.types import Info

from ...models import PrintJob
from ..loaders import devices_by_id
from .devices import DeviceType, gid


@strawberry.enum(description="Where a print job is.")
class PrintJobState(enum.Enum):
    QUEUED = strawberry.enum_value("queued", description="Waiting to be sent (or to be retried: see attempts and lastError).")
    SENT = strawberry.enum_value("sent", description="The printer accepted the label.")
    FAILED = strawberry.enum_value("failed", description="Every attempt failed; lastError says why.")


@strawberry.enum(description="What a label is printed for.")
class PrintTargetKind(enum.Enum):
    PRODUCT = strawberry.enum_value("product", description="A product (stock).")
    LOT = strawberry.enum_value("lot", description="A lot or serial number (stock).")
    LOCATION = strawberry.enum_value("location", description="A location (stock).")
    RECEIPT = strawberry.enum_value("receipt", description="A receipt: its number (stock).")
    WORK_ORDER = strawberry.enum_value("work_order", description="A work order traveller: its number (mrp).")


@strawberry.type(name="PrintJob", description="A ZPL label queued on a network label printer.")
class PrintJobType:
    id: strawberry.ID = strawberry.field(description="Print job id.")
    state: PrintJobState = strawberry.field(description="Queued, sent or failed.")
    target_kind: PrintTargetKind = strawberry.field(description="What the label is for.")
    target_id: strawberry.ID = strawberry.field(description="Id of the product, lot, location, receipt or work order.")
    label_value: str = strawberry.field(description="The encoded value (what a scanner reads).")
    copies: int = strawberry.field(description="Copies (ZPL ^PQ).")
    zpl: str = strawberry.field(description="The ZPL sent.")
    attempts: int = strawberry.field(description="Connection attempts so far.")
    last_error: str | None = strawberry.field(description="Why the last attempt failed.")
    created_at: dt.datetime = strawberry.field(description="When it was queued.")
    created_by: str | None = strawberry.field(description="Who queued it.")
    sent_at: dt.datetime | None = strawberry.field(description="When the printer accepted it.")
    _device: strawberry.Private[int]

    @classmethod
    def from_model(cls, j: PrintJob) -> PrintJobType:
        return cls(id=gid(j.id), state=PrintJobState(j.state), target_kind=PrintTargetKind(j.target_kind),
                   target_id=gid(j.target_id), label_value=j.label_value, copies=j.copies, zpl=j.zpl,
                   attempts=j.attempts, last_error=j.last_error, created_at=j.created_at, created_by=j.created_by,
                   sent_at=j.sent_at, _device=j.device_id)

    @strawberry.field(description="The printer.")
    async def printer(self, info: Info) -> DeviceType | None:
        d = await info.context.batch("devices.device_by_id", devices_by_id).load(self._device)
        return DeviceType.from_model(d) if d else None
