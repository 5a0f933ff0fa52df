"""The device registry: register and change devices, issue a device's API token (a kernel user
with the ``device`` role, bound to the device's work center), heartbeats and silence.

Limits: ``code`` 1–40 characters of ``A-Z a-z 0-9 _ . -``; ``heartbeatSeconds`` 10 … 86 400;
``printAttempts`` 1 … 20; ``port`` 1 … 65 535; ``topic`` at most 200 characters; ``mapping``
keys among :data:`MAPPING_KEYS`, values dotted paths of at most 100 characters.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core import auth
from tenon.core.db import utcnow
from tenon.core.errors import NotFound, ValidationError
from tenon.core.ids import get_record
from tenon.plugins.stock import Location

from ..models import KINDS, Device
from ..workflows import DEVICE_HEALTH
from ._common import bounded, text

CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
#: What a device's MQTT ``mapping`` may rename: logical field -> path in the JSON payload.
MAPPING_KEYS = ("type", "machine", "workOrder", "operation", "quantity", "scrap", "reasonCode", "messageId")
DEFAULT_MAPPING = {"type": "type", "machine": "machine", "workOrder": "work_order", "operation": "operation",
                   "quantity": "quantity", "scrap": "scrap", "reasonCode": "reason_code", "messageId": "message_id"}
DEVICE_ROLE = "device"


def _mapping(value: Mapping[str, Any] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in (value or {}).items():
        if k not in MAPPING_KEYS:
            raise ValidationError(f"mapping key {k!r} is not one of {', '.join(MAPPING_KEYS)}", field=f"mapping.{k}")
        path = text(v, f"mapping.{k}", max_len=100)
        out[k] = path  # type: ignore[assignment]
    return out


def mapping_of(device: Device) -> dict[str, str]:
    """The device's payload field names: its own ``mapping`` over :data:`DEFAULT_MAPPING`."""
    return {**DEFAULT_MAPPING, **(device.mapping or {})}


def _work_center(session: Session, code: Any) -> str | None:
    wc = text(code, "workCenterCode", max_len=40, required=False)
    app = session.info["app"]
    if wc is not None and app.has_plugin("mrp"):
        from ..integrations.mrp import check_work_center

        check_work_center(session, wc)
    return wc


def _apply(session: Session, d: Device, values: Mapping[str, Any]) -> None:
    if "name" in values:
        d.name = text(values["name"], "name", max_len=200)  # type: ignore[assignment]
    if "work_center_code" in values:
        d.work_center_code = _work_center(session, values["work_center_code"])
    if "location_id" in values:
        loc = values["location_id"]
        d.location_id = get_record(session, Location, loc, field="locationId", what="location").id if loc else None
    if "host" in values:
        d.host = text(values["host"], "host", max_len=255, required=False)
    if "port" in values:
        d.port = bounded(values["port"], "port", 1, 65535) if values["port"] is not None else None
    if "topic" in values:
        topic = text(values["topic"], "topic", max_len=200, required=False)
        if topic is not None and ("#" in topic[:-1] or any(len(p) > 1 and ("+" in p or "#" in p) for p in topic.split("/"))):
            raise ValidationError("topic: + and # stand alone between slashes, # only at the end", field="topic")
        d.topic = topic
    if "mapping" in values and values["mapping"] is not None:
        d.mapping = _mapping(values["mapping"])
    if "heartbeat_seconds" in values and values["heartbeat_seconds"] is not None:
        d.heartbeat_seconds = bounded(values["heartbeat_seconds"], "heartbeatSeconds", 10, 86400)
    if "print_attempts" in values and values["print_attempts"] is not None:
        d.print_attempts = bounded(values["print_attempts"], "printAttempts", 1, 20)
    if "active" in values and values["active"] is not None:
        d.active = bool(values["active"])
    if d.kind == "label_printer" and not d.host:
        raise ValidationError("a label printer needs a host (its IP address or name)", field="host")
    if d.kind == "label_printer" and d.port is None:
        d.port = 9100


def register_device(session: Session, *, code: str, name: str, kind: str, **values: Any) -> Device:
    """Register a device (``kind`` ``label_printer``, ``terminal`` or ``machine``)."""
    code = text(code, "code", max_len=40)  # type: ignore[assignment]
    if not CODE_RE.match(code):
        raise ValidationError("code: 1-40 characters of A-Z a-z 0-9 _ . -", field="code")
    if kind not in KINDS:
        raise ValidationError(f"kind must be one of {', '.join(KINDS)}", field="kind")
    if session.scalar(select(Device.id).where(Device.code == code)) is not None:
        raise ValidationError(f"a device {code!r} already exists", field="code")
    d = Device(code=code, name="", kind=kind, mapping={}, heartbeat_seconds=300, print_attempts=5, health="unknown",
               messages_accepted=0, messages_rejected=0, active=True)
    _apply(session, d, {"name": name, **values})
    session.add(d)
    session.flush()
    return d


def update_device(session: Session, device_id: Any, **values: Any) -> Device:
    """Change a device; only the given values change."""
    d = get_record(session, Device, device_id, field="id", what="device")
    before = d.work_center_code
    _apply(session, d, {k: v for k, v in values.items() if v is not None or k in ("location_id",)})
    if d.username is not None and d.work_center_code != before:  # its user's scope follows
        auth.get_user(session, d.username).attributes = (
            {"work_centers": [d.work_center_code]} if d.work_center_code else {})
    session.flush()
    return d


def by_code(session: Session, code: str, *, field: str = "code") -> Device:
    d = session.scalar(select(Device).where(Device.code == str(code).strip()))
    if d is None:
        raise NotFound(f"no device {code!r}", field=field)
    return d


def issue_token(session: Session, device_id: Any) -> tuple[Device, str]:
    """An API token for the device's kernel user (created on first use as ``device.<code>``, role
    ``device``, attribute ``work_centers`` = the device's work center); returns the raw token."""
    d = get_record(session, Device, device_id, field="id", what="device")
    attrs = {"work_centers": [d.work_center_code]} if d.work_center_code else {}
    if d.username is None:
        name = "device." + re.sub(r"[^a-z0-9_.@-]", "-", d.code.lower())
        user = auth.create_user(session, name, display_name=d.name, roles=[DEVICE_ROLE], attributes=attrs)
        d.username = user.username
    else:
        user = auth.get_user(session, d.username)
        user.attributes = attrs
    session.flush()
    return d, auth.issue_token(session, user, kind="api", name=f"device {d.code}")


def touch_device(session: Session, device: Device, now: dt.datetime | None = None) -> Device:
    """A sign of life: ``last_seen_at`` = now; an ``unknown`` or ``silent`` device becomes ``ok``."""
    device.last_seen_at = now or utcnow()
    if device.health != "ok":
        DEVICE_HEALTH.apply(session, device, "report")
    session.flush()
    return device


def heartbeat(session: Session, username: str) -> Device:
    """The calling device's heartbeat (found by its kernel user)."""
    d = session.scalar(select(Device).where(Device.username == username))
    if d is None:
        raise NotFound("no device is bound to this user", field="token")
    return touch_device(session, d)


def check_silent(session: Session, now: dt.datetime | None = None) -> list[Device]:
    """Mark ``silent`` every active ``ok`` device whose last sign of life is older than its
    ``heartbeat_seconds`` at ``now`` (default: the current time); returns them. Each publishes
    ``devices.device.silenced`` (its work center's lead is notified after commit)."""
    now = now or utcnow()
    out = []
    for d in session.scalars(select(Device).where(Device.active.is_(True), Device.health == "ok",
                                                  Device.last_seen_at.is_not(None)).order_by(Device.id)):
        if d.last_seen_at + dt.timedelta(seconds=d.heartbeat_seconds) < now:
            DEVICE_HEALTH.apply(session, d, "silence")
            out.append(d)
    return out


def on_silenced(session: Session, event: Any) -> None:
    """After commit: the work center's lead (with mrp) and every ``device_manager`` hear of it."""
    lead = None
    if event.work_center_code and session.info["app"].has_plugin("mrp"):
        from ..integrations.mrp import lead_of

        lead = lead_of(session, event.work_center_code)
    from tenon.core.notifications import notify

    where = f" at {event.work_center_code}" if event.work_center_code else ""
    notify(session, usernames=[lead] if lead else [], roles=["device_manager"], event=event.name,
           title=f"Device {event.code}{where} stopped reporting",
           body=f"last seen {event.last_seen_at or 'never'}", entity_type="devices_device",
           entity_id=event.device_id, dedupe_key=f"{event.name}:{event.device_id}:{event.last_seen_at}")


def summary(session: Session) -> dict[str, Any]:
    """Counts for the dashboard card: devices by kind and health, print jobs by state, silent
    devices and message counters."""
    from sqlalchemy import func

    from ..models import PrintJob

    by_health = dict(session.execute(select(Device.health, func.count()).where(Device.active.is_(True))
                                     .group_by(Device.health)).all())
    by_kind = dict(session.execute(select(Device.kind, func.count()).where(Device.active.is_(True))
                                   .group_by(Device.kind)).all())
    jobs = dict(session.execute(select(PrintJob.state, func.count()).group_by(PrintJob.state)).all())
    msgs = session.execute(select(func.coalesce(func.sum(Device.messages_accepted), 0),
                                  func.coalesce(func.sum(Device.messages_rejected), 0))).one()
    silent = list(session.scalars(select(Device).where(Device.active.is_(True), Device.health == "silent")
                                  .order_by(Device.code).limit(50)))
    return {"by_health": by_health, "by_kind": by_kind, "jobs": jobs, "accepted": int(msgs[0]),
            "rejected": int(msgs[1]), "silent": silent}


def health_summary(app: Any) -> dict[str, Any]:
    """``GET /health``: how many devices are silent and print jobs failed (never raises)."""
    try:
        with app.transaction() as s:
            data = summary(s)
        return {"ok": True, "silentDevices": data["by_health"].get("silent", 0),
                "failedPrintJobs": data["jobs"].get("failed", 0), "queuedPrintJobs": data["jobs"].get("queued", 0)}
    except Exception as exc:  # noqa: BLE001 - health answers, it does not raise
        return {"ok": False, "error": str(exc).splitlines()[0]}
