"""The life cycle of a rework order, on :mod:`tenon.core.workflow`::

    open ──release──▶ in_rework ──pass──▶ passed ──close──▶ done
      │                   └──────fail──▶ failed
      └──────cancel───────┴──────────▶ cancelled

``release`` creates and releases the rework work order (mrp), takes the goods out of where they
wait into production and asks for the repair material (stock requisition). ``pass``/``fail``
follow the re-inspection (qc's final inspection of the rework work order); ``close`` follows
once the passed rework work order is finished. ``cancel`` is refused by mrp once the rework
work order has started. Every change publishes ``rework.order.state_changed`` after commit.
"""

from __future__ import annotations

from tenon.core.workflow import StateChange, Transition, Workflow

from .events import ReworkOrderStateChanged
from .models import STATES


def _event(change: StateChange) -> ReworkOrderStateChanged:
    ro = change.record
    return ReworkOrderStateChanged(rework_order_id=ro.id, number=ro.number, from_state=change.from_state,
                                   to_state=change.to_state, sales_order_id=ro.sales_order_id)


REWORK_ORDER = Workflow(
    name="rework.order", label="rework order", subject="rework_order", states=STATES,
    transitions=[
        Transition("release", ("open",), "in_rework", verb="released"),
        Transition("pass", ("in_rework",), "passed", verb="passed"),
        Transition("fail", ("in_rework",), "failed", verb="failed"),
        Transition("close", ("passed",), "done", verb="closed"),
        Transition("cancel", ("open", "in_rework"), "cancelled", verb="cancelled"),
    ],
    event=_event,
)

WORKFLOWS = (REWORK_ORDER,)
