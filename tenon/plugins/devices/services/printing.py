"""Labels to network label printers over raw TCP (port 9100, what Zebra and compatible printers
speak), through the outbox.

``labelPrint`` renders the ZPL label in the user's transaction and queues a ``queued`` print job
(event ``devices.print_job.queued``); the user's transaction never talks to the printer. After
commit the outbox delivers the event to :func:`send_job`, which opens a TCP connection to the
printer and writes the label (``^PQ`` = copies). A printer that is off or refuses is retried through
the outbox with a backoff (2, 4, 8 … seconds); after the printer's ``print_attempts`` the job is
``failed`` with the reason. ``printJobRetry`` queues a failed job again.

Limits: ``copies`` 1 … :data:`MAX_COPIES`; a connection attempt times out after
:data:`CONNECT_TIMEOUT` seconds, writing the label after :data:`SEND_TIMEOUT`.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.db import current_actor, utcnow
from tenon.core.errors import Forbidden, NotFound, ValidationError
from tenon.core.events import MAX_BACKOFF, publish
from tenon.core.ids import decode_id, get_record
from tenon.core.models import OutboxMessage
from tenon.plugins.stock import LabelData, Receipt, label_data, zpl_label

from ..errors import NotAPrinter, PrinterUnreachable
from ..events import PrintJobQueued
from ..models import Device, PrintJob
from ..workflows import PRINT_JOB
from ._common import bounded

log = logging.getLogger(__name__)
MAX_COPIES = 100
#: Seconds to wait for a printer to accept the connection, then to take the label. Kept short:
#: the outbox delivers one message at a time, so an unreachable printer delays other deliveries.
CONNECT_TIMEOUT = 2.0
SEND_TIMEOUT = 10.0
#: What a label can be printed for (``work_order`` needs mrp), and the read grant it needs: the
#: caller prints only what they may read.
TARGETS = {"product": "stock.product", "lot": "stock.lot", "location": "stock.location",
           "receipt": "stock.receipt", "work_order": "mrp.work_order"}


def target_label(session: Session, kind: str, target_id: Any) -> tuple[int, LabelData]:
    """The label of a product, lot, location (stock's), receipt or work order (mrp's), read through
    the actor's row scopes; returns the record id and the label."""
    if kind not in TARGETS:
        raise ValidationError(f"target.kind must be one of {', '.join(TARGETS)}", field="target.kind")
    if kind == "work_order" and not session.info["app"].has_plugin("mrp"):
        raise ValidationError("work order labels need the mrp plugin", field="target.kind")
    obj_id = decode_id(target_id, "target.id")
    actor = current_actor(session)
    if actor is not None and not session.info["app"].access.can(actor, TARGETS[kind], "read"):
        raise Forbidden(f"not allowed: read on {TARGETS[kind]} (to print its label)", field="target.kind")
    if kind in ("product", "lot", "location"):
        return obj_id, label_data(session, kind, obj_id)
    if kind == "receipt":
        r = get_record(session, Receipt, obj_id, field="target.id", what="receipt")
        return r.id, LabelData(value=r.number, title=f"Receipt {r.number}",
                               subtitle=" · ".join(x for x in (r.supplier, r.reference) if x))
    from ..integrations.mrp import work_order_label

    return obj_id, work_order_label(session, obj_id)


def with_copies(zpl: bytes, copies: int) -> str:
    """The label with a ``^PQ`` (print quantity) command before its ``^XZ``."""
    text = zpl.decode("utf-8")
    head, sep, tail = text.rpartition("^XZ")
    return f"{head}^PQ{copies},0,1,Y\n{sep}{tail}" if sep else text


def printer(session: Session, code: Any) -> Device:
    d = session.scalar(select(Device).where(Device.code == str(code or "").strip()))
    if d is None:
        raise NotFound(f"no printer {code!r}", field="printer")
    if d.kind != "label_printer" or not d.active or not d.host:
        raise NotAPrinter(f"device {d.code} is not an active label printer", field="printer")
    return d


def queue_print(session: Session, *, printer_code: Any, target_kind: str, target_id: Any, copies: Any = 1) -> PrintJob:
    """Queue the ZPL label of a target on a registered printer; sent after commit."""
    n = bounded(copies, "copies", 1, MAX_COPIES)
    d = printer(session, printer_code)
    obj_id, data = target_label(session, target_kind, target_id)
    try:
        zpl = with_copies(zpl_label(data), n)
    except ValueError as exc:
        raise ValidationError(str(exc), field="target.id") from None
    job = PrintJob(device_id=d.id, target_kind=target_kind, target_id=obj_id, label_value=data.value[:200],
                   copies=n, zpl=zpl, state="queued", attempts=0)
    session.add(job)
    session.flush()
    publish(session, PrintJobQueued(print_job_id=job.id, printer_code=d.code))
    return job


def retry_job(session: Session, job_id: Any) -> PrintJob:
    """``failed`` → ``queued`` again, with a fresh count of attempts."""
    job = get_record(session, PrintJob, job_id, field="id", what="print job")
    PRINT_JOB.apply(session, job, "retry")
    job.attempts = 0
    job.last_error = None
    session.flush()
    publish(session, PrintJobQueued(print_job_id=job.id, printer_code=session.get(Device, job.device_id).code))
    return job


def send_raw(host: str, port: int, data: bytes, timeout: float = CONNECT_TIMEOUT) -> None:
    """Write ``data`` to ``host:port`` over TCP and close (raw / JetDirect printing)."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(SEND_TIMEOUT)
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise PrinterUnreachable(f"printer {host}:{port}: {reason}") from None


def _publish_later(session: Session, event: PrintJobQueued, delay: dt.timedelta) -> None:
    """Publish ``event`` for delivery no sooner than ``delay`` from now (the outbox's own backoff
    only applies to a handler that raises, which would roll back the attempt's bookkeeping)."""
    publish(session, event)
    due = utcnow() + delay
    for row in session.new:
        if isinstance(row, OutboxMessage) and row.event == event.name and row.payload.get("payload") == event.payload:
            row.next_attempt_at = due


def send_job(session: Session, event: Any) -> None:
    """Outbox subscriber of ``devices.print_job.queued``: send the label, or count the attempt.

    A failed attempt is recorded on the job (``attempts``, ``last_error``) and the job is queued
    again through the outbox after ``2**attempts`` seconds (at most :data:`MAX_BACKOFF`); the last
    allowed attempt marks it ``failed`` with the reason. A job that is no longer ``queued`` (sent by
    an earlier, duplicated delivery) is left alone.
    """
    job = session.get(PrintJob, event.print_job_id)
    if job is None or job.state != "queued":
        return
    d = session.get(Device, job.device_id)
    job.attempts += 1
    try:
        send_raw(d.host or "", int(d.port or 9100), job.zpl.encode("utf-8"))
    except PrinterUnreachable as exc:
        log.warning("print job %s on %s: attempt %s failed: %s", job.id, d.code, job.attempts, exc.message)
        job.last_error = exc.message[:500]
        if job.attempts >= d.print_attempts:
            PRINT_JOB.apply(session, job, "fail", note=exc.message)
            return
        session.flush()
        _publish_later(session, PrintJobQueued(print_job_id=job.id, printer_code=d.code),
                       min(dt.timedelta(seconds=2 ** job.attempts), MAX_BACKOFF))
        return
    job.sent_at = utcnow()
    job.last_error = None
    PRINT_JOB.apply(session, job, "send")
