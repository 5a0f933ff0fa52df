"""Deterministic demo data: the receiving dock's label printer ``ZT-RCV-1`` (at
127.0.0.1:9100: point it at a real printer with ``deviceUpdate``, or listen with ``nc -l 9100``)
and, with mrp, the machining center ``CNC07`` at work center CNC publishing on
``plant/cnc/CNC07/events``, bound to mrp's demo device user ``cnc07``. Idempotent."""

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
                        host="127.0.0.1", port=9100)
    app = session.info["app"]
    if app.has_plugin("mrp") and session.scalar(select(Device.id).where(Device.code == "CNC07")) is None:
        from tenon.core.models import User

        if session.scalar(select(User.id).where(User.username == "cnc07")) is None:
            progress("devices: no demo user cnc07 (mrp demo), machine skipped")
            return
        d = register_device(session, code="CNC07", name="Machining center 07", kind="machine",
                            work_center_code="CNC", topic="plant/cnc/CNC07/events", heartbeat_seconds=300)
        d.username = "cnc07"
