"""The events devices publishes (declared with ``tenon_events``), delivered after commit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from tenon.core.events import Event


@dataclass(frozen=True)
class PrintJobQueued(Event):
    """A label was queued on a network printer; devices' own subscriber sends it (raw TCP)."""

    name: ClassVar[str] = "devices.print_job.queued"
    print_job_id: int
    printer_code: str


@dataclass(frozen=True)
class DeviceSilenced(Event):
    """A device stopped reporting (no heartbeat for its interval); its work center's lead is told."""

    name: ClassVar[str] = "devices.device.silenced"
    device_id: int
    code: str
    work_center_code: str | None
    last_seen_at: str | None


EVENTS = (PrintJobQueued, DeviceSilenced)
