"""Life cycles of mrp's documents, on :mod:`tenon.core.workflow`.

Work order::

    draft ──release──▶ released ──start──▶ in_progress ──finish──▶ done
      └──────cancel──────┴──────────▶ cancelled

``finish`` asks ``tenon_mrp_work_order_finishing`` (qc may veto), then notifies
``tenon_mrp_work_order_done`` and publishes ``mrp.work_order.done`` after commit. Every change
notifies ``tenon_mrp_work_order_state_changed`` and writes a history row.

Work order operation::

    pending ──ready──▶ ready ──start──▶ in_progress ──complete──▶ done
    (pending/ready/in_progress) ──cancel──▶ cancelled
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from tenon.core.workflow import StateChange, Transition, Workflow

from .events import WorkOrderDone
from .models import WorkOrderStateChange


def _history(session: Session, change: StateChange) -> None:
    session.add(WorkOrderStateChange(work_order_id=change.record.id, from_state=change.from_state,
                                     to_state=change.to_state, note=change.note,
                                     actor=change.actor.username if change.actor is not None else None))


def _done_event(change: StateChange) -> WorkOrderDone | None:
    if change.to_state != "done":
        return None
    wo = change.record
    return WorkOrderDone(work_order_id=wo.id, number=wo.number, product_id=wo.product_id,
                         produced_quantity=f"{wo.produced_quantity:.4f}", kind=wo.kind)


WORK_ORDER = Workflow(
    name="mrp.work_order", label="work order", subject="work_order",
    states=("draft", "released", "in_progress", "done", "cancelled"),
    transitions=[
        Transition("release", ("draft",), "released", verb="released"),
        Transition("start", ("released",), "in_progress", verb="started"),
        Transition("finish", ("in_progress",), "done", verb="finished",
                   before="tenon_mrp_work_order_finishing", after="tenon_mrp_work_order_done"),
        Transition("cancel", ("draft", "released"), "cancelled", verb="cancelled"),
    ],
    record=_history, changed="tenon_mrp_work_order_state_changed", event=_done_event,
)

OPERATION = Workflow(
    name="mrp.operation", label="operation", subject="operation",
    describe=lambda op: f"{op.sequence} ({op.name})",
    states=("pending", "ready", "in_progress", "done", "cancelled"),
    transitions=[
        Transition("ready", ("pending",), "ready", verb="made ready"),
        Transition("start", ("ready",), "in_progress", verb="started"),
        Transition("complete", ("ready", "in_progress"), "done", verb="completed"),
        Transition("cancel", ("pending", "ready", "in_progress"), "cancelled", verb="cancelled"),
    ],
)

WORKFLOWS = (WORK_ORDER, OPERATION)
