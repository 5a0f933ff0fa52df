"""Input types of devices' queries and mutations."""

from __future__ import annotations

import strawberry

from .types.devices import DeviceHealth, DeviceKind
from .types.print_jobs import PrintJobState, PrintTargetKind


@strawberry.input(description="A logical message field and its dotted path in the device's JSON payload.")
class DeviceMappingInput:
    field: str = strawberry.field(description="type, machine, workOrder, operation, quantity, scrap, reasonCode or messageId.")
    path: str = strawberry.field(description="Dotted path in the payload (at most 100 characters).")


@strawberry.input(description="A new device.")
class DeviceRegisterInput:
    code: str = strawberry.field(description="Unique code, 1-40 characters of A-Z a-z 0-9 _ . -.")
    name: str = strawberry.field(description="Name.")
    kind: DeviceKind = strawberry.field(description="What it is.")
    work_center_code: str | None = strawberry.field(default=None, description="Its work center (mrp's code; checked with mrp).")
    location_id: strawberry.ID | None = strawberry.field(default=None, description="Its stock location.")
    host: str | None = strawberry.field(default=None, description="Printers: host name or IP address (required).")
    port: int | None = strawberry.field(default=None, description="Printers: TCP port, 1-65535 (default 9100).")
    topic: str | None = strawberry.field(default=None, description="Machines: the MQTT topic it publishes on.")
    mapping: list[DeviceMappingInput] | None = strawberry.field(default=None, description="Machines: payload field names other than the defaults.")
    heartbeat_seconds: int | None = strawberry.field(default=None, description="Silent after this many seconds, 10-86400 (default 300).")
    print_attempts: int | None = strawberry.field(default=None, description="Printers: attempts before a job fails, 1-20 (default 5).")


@strawberry.input(description="Changes to a device; omitted fields stay.")
class DeviceUpdateInput:
    id: strawberry.ID = strawberry.field(description="Device id.")
    name: str | None = strawberry.field(default=None, description="New name.")
    work_center_code: str | None = strawberry.field(default=None, description="Its work center.")
    host: str | None = strawberry.field(default=None, description="Printer host.")
    port: int | None = strawberry.field(default=None, description="Printer port.")
    topic: str | None = strawberry.field(default=None, description="MQTT topic.")
    mapping: list[DeviceMappingInput] | None = strawberry.field(default=None, description="Payload field names (replaces).")
    heartbeat_seconds: int | None = strawberry.field(default=None, description="Heartbeat interval in seconds.")
    print_attempts: int | None = strawberry.field(default=None, description="Attempts before a print job fails.")
    active: bool | None = strawberry.field(default=None, description="In use.")


@strawberry.input(description="Which devices to list; every given condition must hold.")
class DeviceFilter:
    kind: DeviceKind | None = strawberry.field(default=None, description="Of this kind.")
    health: DeviceHealth | None = strawberry.field(default=None, description="In this health.")
    work_center_code: str | None = strawberry.field(default=None, description="At this work center.")
    active: bool | None = strawberry.field(default=None, description="Active or not.")


@strawberry.input(description="What to print a label for.")
class PrintTargetInput:
    kind: PrintTargetKind = strawberry.field(description="Product, lot, location, receipt or work order.")
    id: strawberry.ID = strawberry.field(description="Its id.")


@strawberry.input(description="Which print jobs to list; every given condition must hold.")
class PrintJobFilter:
    state: PrintJobState | None = strawberry.field(default=None, description="In this state.")
    printer: str | None = strawberry.field(default=None, description="On this printer (device code).")
