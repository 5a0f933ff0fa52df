"""Deterministic demo data: the receiving dock's label printer ``ZT-RCV-1`` (a Zebra at
192.0.2.10:9100, a documentation address: nothing listens there) and, with mrp, the machining
center ``CNC07`` at work center CNC publishing on ``plant/cnc/CNC07/events``. Idempotent."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Device
from .services.devices import register_device


def load(session: Session, progress: Callable[[str], None]) -> None:
    progress("devices")
    if session.scalar(select(Device.id).where(Device.code == "ZT-RCV-1")) is None:
        register_device(session, code="ZT-RCV-1", name="Receiving dock label printer", kind="label_printer",
                        host="192.0.2.10", port=9100)
    app = session.info["app"]
    if app.has_plugin("mrp") and session.scalar(select(Device.id).where(Device.code == "CNC07")) is None:
        try:
            register_device(session, code="CNC07", name="Machining center 07", kind="machine",
                            work_center_code="CNC", topic="plant/cnc/CNC07/events", heartbeat_seconds=300)
        except Exception:  # noqa: BLE001 - mrp's demo work centers are not there: skip the machine
            progress("devices: no work center CNC, machine skipped")
