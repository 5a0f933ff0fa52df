"""devices ↔ mrp (loaded only with mrp): work centers, work order labels and machine signals.

A machine's message becomes mrp's machine signal through :func:`tenon.plugins.mrp.machine_signal`,
the service the ``workOrderOperationSignal`` mutation calls: same access (the device user's
``mrp.operation signal`` grant and work-center scope), same audit, same idempotency key.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from tenon.core.errors import InvalidState, NotFound, ValidationError
from tenon.plugins.mrp import Reported, WorkCenter, WorkOrder, WorkOrderOperation, machine_signal
from tenon.plugins.stock import LabelData, Product


def check_work_center(session: Session, code: str) -> None:
    if session.scalar(select(WorkCenter.id).where(WorkCenter.code == code)) is None:
        raise ValidationError(f"no work center {code!r}", field="workCenterCode")


def lead_of(session: Session, code: str) -> str | None:
    """The lead of the work center ``code`` (or ``None``)."""
    return session.scalar(select(WorkCenter.lead_username).where(WorkCenter.code == code))


def work_order_label(session: Session, work_order_id: int) -> LabelData:
    """A work order's traveller label: its number as Code 128, the product and the quantity."""
    from tenon.core.ids import get_record

    wo = get_record(session, WorkOrder, work_order_id, field="target.id", what="work order")
    p = session.get(Product, wo.product_id)
    due = f" · due {wo.due_date.isoformat()}" if wo.due_date else ""
    return LabelData(value=wo.number, title=p.name if p else wo.number,
                     subtitle=f"{p.code if p else ''} · {wo.quantity.normalize():f}{due}")


def _work_order_id(session: Session, ref: Any) -> int:
    """A work order by number (``WO-2026-00017``) or id."""
    s = str(ref).strip()
    wo_id = session.scalar(select(WorkOrder.id).where(WorkOrder.number == s))
    if wo_id is None and s.isdigit():
        wo_id = session.scalar(select(WorkOrder.id).where(WorkOrder.id == int(s)))
    if wo_id is None:
        raise NotFound(f"no work order {s!r}", field="workOrder")
    return wo_id


def _current_work_order(session: Session, work_center_code: str | None) -> int:
    """Without a work order in the message: the work order whose operation is running (else
    ready) at the machine's work center, most urgent first."""
    if not work_center_code:
        raise ValidationError("the message names no work order and the machine has no work center",
                              field="workOrder")
    rows = session.execute(
        select(WorkOrderOperation.work_order_id).join(WorkOrder, WorkOrder.id == WorkOrderOperation.work_order_id)
        .join(WorkCenter, WorkCenter.id == WorkOrderOperation.work_center_id)
        .where(WorkCenter.code == work_center_code, WorkOrderOperation.state.in_(("ready", "in_progress")),
               WorkOrder.counting_source == "machine")
        .order_by(case((WorkOrderOperation.state == "in_progress", 0), else_=1), WorkOrder.priority.desc(),
                  WorkOrder.due_date.is_(None), WorkOrder.due_date, WorkOrder.id).limit(1)).first()
    if rows is None:
        raise InvalidState(f"no machine-counted operation is ready at work center {work_center_code}",
                           field="workOrder")
    return rows[0]


def signal(session: Session, *, work_center_code: str | None, work_order: Any, operation: Any, quantity: Any,
           scrap: Any, reason_code: str | None, key: str) -> Reported:
    """Report a machine's completion or count through mrp's machine-signal service."""
    wo_id = _work_order_id(session, work_order) if work_order not in (None, "") else \
        _current_work_order(session, work_center_code)
    return machine_signal(session, work_order_id=str(wo_id), quantity=quantity, key=key, scrap=scrap or 0,
                          reason_code=reason_code, operation=operation)
