"""devices' tables: ``devices_device`` (the registry) and ``devices_print_job`` (labels sent to
network printers).

A device belongs to a work center (by code: mrp is optional, so no foreign key) and/or a stock
location. ``health`` is ``unknown`` until the first heartbeat, then ``ok`` or ``silent`` (no
heartbeat for ``heartbeat_seconds``); every message or heartbeat sets ``last_seen_at``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from tenon.core.db import Base, Record, UTCDateTime

KINDS = ("label_printer", "terminal", "machine")
HEALTH_STATES = ("unknown", "ok", "silent")
PRINT_JOB_STATES = ("queued", "sent", "failed")


class Device(Record, Base):
    """A registered device: printer (``host``:``port``), terminal or machine (MQTT ``topic`` and
    field ``mapping``); ``username`` is its kernel user (role ``device``) when it calls in."""

    __tablename__ = "devices_device"
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), index=True)
    work_center_code: Mapped[str | None] = mapped_column(String(40), index=True)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("stock_location.id"), index=True)
    host: Mapped[str | None] = mapped_column(String(255))
    port: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str | None] = mapped_column(String(100), unique=True)
    topic: Mapped[str | None] = mapped_column(String(200), index=True)
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    heartbeat_seconds: Mapped[int] = mapped_column(Integer, default=300)
    print_attempts: Mapped[int] = mapped_column(Integer, default=5)
    health: Mapped[str] = mapped_column(String(20), default="unknown", index=True)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(timezone=True))
    messages_accepted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    messages_rejected: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_message_error: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class PrintJob(Record, Base):
    """A label queued on a printer: ``queued`` → ``sent`` or ``failed`` (after the printer's
    ``print_attempts``, with the reason); a failed job can be queued again."""

    __tablename__ = "devices_print_job"
    device_id: Mapped[int] = mapped_column(ForeignKey("devices_device.id"), index=True)
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    label_value: Mapped[str] = mapped_column(String(200))
    copies: Mapped[int] = mapped_column(Integer, default=1)
    zpl: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(timezone=True))


MODELS = (Device, PrintJob)
