"""Deterministic demo data: the receiving dock's label printer ``ZT-RCV-1`` (at
127.0.0.1:9100: point it at a real printer with ``deviceUpdate``, or listen with ``nc -l 9100``)
and, with mrp, the die-casting cell controller ``CELL03`` at work center HPDC publishing on
``plant/hpdc/CELL03/events``, bound to mrp's demo device user ``cell03``; the device manager
``dev_sun`` (password ``dev_sun-demo``). Idempotent."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.demo import demo_user

from .models import Device
from .services.devices import register_device


def load(session: Session, progress: Callable[[str], None]) -> None:
    progress("devices: the receiving dock's label printer, cell 03's controller, device manager dev_sun")
    demo_user(session, "dev_sun", roles=["device_manager"], display_name="Sun Lei (devices and automation)")
    if session.scalar(select(Device.id).where(Device.code == "ZT-RCV-1")) is None:
        register_device(session, code="ZT-RCV-1", name="Receiving dock label printer", kind="label_printer",
                        host="127.0.0.1", port=9100)
    app = session.info["app"]
    if app.has_plugin("mrp") and session.scalar(select(Device.id).where(Device.code == "CELL03")) is None:
        from tenon.core.models import User

        if session.scalar(select(User.id).where(User.username == "cell03")) is None:
            progress("devices: no demo user cell03 (mrp demo), machine skipped")
            return
        d = register_device(session, code="CELL03", name="Die-casting cell 03 controller", kind="machine",
                            work_center_code="HPDC", topic="plant/hpdc/CELL03/events", heartbeat_seconds=300)
        d.username = "cell03"
