"""Device types: a registered device, its payload mapping, the dashboard card."""

from __future__ import annotations

import datetime as dt
import enum

import strawberry

from ...models import Device
from ...services.devices import mapping_of


def gid(value: int | None) -> strawberry.ID | None:
    return strawberry.ID(str(value)) if value is not None else None


@strawberry.enum(description="What a device is.")
class DeviceKind(enum.Enum):
    LABEL_PRINTER = strawberry.enum_value("label_printer", description="A network label printer (ZPL over TCP 9100).")
    TERMINAL = strawberry.enum_value("terminal", description="A PDA or shop-floor terminal calling in with its token.")
    MACHINE = strawberry.enum_value("machine", description="A machine or edge gateway publishing over MQTT.")


@strawberry.enum(description="A device's health from its heartbeats and messages.")
class DeviceHealth(enum.Enum):
    UNKNOWN = strawberry.enum_value("unknown", description="Never reported (printers, which do not call in, stay here).")
    OK = strawberry.enum_value("ok", description="Reported within its heartbeat interval.")
    SILENT = strawberry.enum_value("silent", description="Stopped reporting; its work center's lead was notified.")


@strawberry.type(description="Where a message field is read from: a logical field and its dotted path in the JSON payload.")
class DeviceMappingEntry:
    field: str = strawberry.field(description="The logical field (type, machine, workOrder, operation, quantity, "
                                              "scrap, reasonCode, messageId).")
    path: str = strawberry.field(description="Dotted path in the message (`data.count`).")


@strawberry.type(name="Device", description="A registered device: label printer, terminal or machine.")
class DeviceType:
    id: strawberry.ID = strawberry.field(description="Device id.")
    code: str = strawberry.field(description="Unique code (what messages name as `machine`).")
    name: str = strawberry.field(description="Name.")
    kind: DeviceKind = strawberry.field(description="What it is.")
    work_center_code: str | None = strawberry.field(description="The work center it belongs to (mrp's code).")
    location_id: strawberry.ID | None = strawberry.field(description="The stock location it belongs to.")
    host: str | None = strawberry.field(description="Printer host name or IP address.")
    port: int | None = strawberry.field(description="Printer TCP port (9100).")
    username: str | None = strawberry.field(description="Its kernel user (role `device`) once a token was issued.")
    topic: str | None = strawberry.field(description="The MQTT topic it publishes on (wildcards + and # allowed).")
    mapping: list[DeviceMappingEntry] = strawberry.field(description="How its messages' fields are read (with defaults).")
    heartbeat_seconds: int = strawberry.field(description="Silent after this many seconds without a sign of life.")
    print_attempts: int = strawberry.field(description="Printers: attempts before a print job fails.")
    health: DeviceHealth = strawberry.field(description="Health from heartbeats.")
    last_seen_at: dt.datetime | None = strawberry.field(description="Last heartbeat or message.")
    messages_accepted: int = strawberry.field(description="MQTT messages accepted (replays included).")
    messages_rejected: int = strawberry.field(description="MQTT messages rejected (malformed or refused).")
    last_message_error: str | None = strawberry.field(description="Why the last rejected message was rejected.")
    active: bool = strawberry.field(description="Whether it is in use.")

    @classmethod
    def from_model(cls, d: Device) -> DeviceType:
        return cls(id=gid(d.id), code=d.code, name=d.name, kind=DeviceKind(d.kind), work_center_code=d.work_center_code,
                   location_id=gid(d.location_id), host=d.host, port=d.port, username=d.username, topic=d.topic,
                   mapping=[DeviceMappingEntry(field=k, path=v) for k, v in mapping_of(d).items()],
                   heartbeat_seconds=d.heartbeat_seconds, print_attempts=d.print_attempts,
                   health=DeviceHealth(d.health), last_seen_at=d.last_seen_at, messages_accepted=d.messages_accepted,
                   messages_rejected=d.messages_rejected, last_message_error=d.last_message_error, active=d.active)


@strawberry.type(description="A device and a new API token for it (shown once).")
class DeviceToken:
    device: DeviceType = strawberry.field(description="The device (with its user).")
    token: str = strawberry.field(description="The bearer token: configure it on the device; it is not stored.")


@strawberry.type(description="A count by key.")
class DeviceCount:
    key: str = strawberry.field(description="The kind, health or state (lower case).")
    count: int = strawberry.field(description="How many.")


@strawberry.type(description="The devices dashboard card: devices by kind and health, print jobs by state, "
                             "MQTT message counters and the silent devices.")
class DeviceDashboard:
    by_kind: list[DeviceCount] = strawberry.field(description="Active devices by kind.")
    by_health: list[DeviceCount] = strawberry.field(description="Active devices by health.")
    print_jobs: list[DeviceCount] = strawberry.field(description="Print jobs by state.")
    messages_accepted: int = strawberry.field(description="MQTT messages accepted, all devices.")
    messages_rejected: int = strawberry.field(description="MQTT messages rejected, all devices.")
    silent: list[DeviceType] = strawberry.field(description="Silent devices (at most 50), by code.")
