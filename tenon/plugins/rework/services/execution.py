"""Carrying out a rework order: release, the re-inspection, closing, cancelling.

Release creates the rework work order through mrp's public functions (kind ``rework``: linked to
the original work order with :func:`tenon.plugins.mrp.create_linked_work_order` when there is
one, else :func:`tenon.plugins.mrp.create_work_order`), with only the operations to redo and no
BOM material, releases it, moves the goods to rework from where they wait into production (the
rework work order's last operation receives them back into stock, as mrp does for any work
order) and asks for the repair material through an approved stock requisition.

qc gives the rework work order its final inspection like any work order's: that is the
re-inspection. Its result (qc's ``tenon_qc_inspection_recorded``) passes or fails the rework
order; a passed one closes once its work order is finished (mrp's ``tenon_mrp_work_order_done``),
which also records the lot genealogy (original lot → reworked lot) and ends the requisition.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.access import scopes_lifted
from tenon.core.db import utcnow
from tenon.core.errors import ValidationError
from tenon.core.ids import get_record
from tenon.core.inputs import text
from tenon.plugins.mrp import (
    WorkOrder,
    WorkOrderOperation,
    cancel_work_order,
    create_linked_work_order,
    create_work_order,
    release_work_order,
)
from tenon.plugins.qc import Nonconformance, close_nonconformance, hand_over_holds
from tenon.plugins.stock import (
    Requisition,
    approve_requisition,
    cancel_requisition,
    close_requisition,
    create_requisition,
    move_stock,
    record_consumption,
    virtual_location,
)

from ..models import ReworkMaterial, ReworkOrder
from ..workflows import REWORK_ORDER
from ._common import ORIGIN_TYPE, SALES_ORDER, all_rows, dec


def release(session: Session, rework_order_id: Any) -> ReworkOrder:
    """``open`` → ``in_rework``: the rework work order (released), the goods into production, the
    repair material requisition (approved)."""
    ro = get_record(session, ReworkOrder, rework_order_id, what="rework order")
    REWORK_ORDER.transition(ro, "release")
    if ro.original_work_order_id is not None:
        wo = create_linked_work_order(session, ro.original_work_order_id, kind="rework", quantity=ro.quantity,
                                      operation_ids=ro.operation_ids, with_materials=False)
    else:
        wo = create_work_order(session, product_id=ro.product_id, quantity=ro.quantity, kind="rework",
                               due_date=ro.due_date, origin_type=SALES_ORDER if ro.sales_order_id else None,
                               origin_id=ro.sales_order_id, origin_line_id=ro.sales_order_line_id,
                               operation_subset=ro.operation_ids, with_materials=False)
    release_work_order(session, wo.id)
    if ro.operation_ids:
        copied = set(all_rows(session, select(WorkOrderOperation.operation_id)
                              .where(WorkOrderOperation.work_order_id == wo.id)))
        missing = [o for o in ro.operation_ids if o not in copied]
        if missing:  # mrp keeps only the routing's operations; the rest would silently not be redone
            raise ValidationError("operations must be in the product's active routing", field="operationIds",
                                  details={"unknown": [str(o) for o in missing]})
    ro.work_order_id = wo.id
    _take_from_holds(session, ro)
    production = virtual_location(session, "production")
    if ro.location_id != production.id:  # work in progress (an in-process nonconformance) is there already
        move_stock(session, product_id=ro.product_id, quantity=ro.quantity, from_location_id=ro.location_id,
                   to_location_id=production.id, lot_id=ro.lot_id, origin_type=ORIGIN_TYPE, origin_id=ro.id,
                   reference=ro.number)
    materials = list(session.scalars(select(ReworkMaterial).where(ReworkMaterial.rework_order_id == ro.id)
                                     .order_by(ReworkMaterial.id)))
    if materials:
        req = create_requisition(session, lines=[{"product_id": m.product_id, "quantity": dec(m.quantity)}
                                                 for m in materials],
                                 origin_type=ORIGIN_TYPE, origin_id=ro.id, reference=ro.number)
        approve_requisition(session, req.id)
        ro.requisition_id = req.id
    ro.released_at = utcnow()
    REWORK_ORDER.apply(session, ro, "release", note=f"work order {wo.number}")
    return ro


def _take_from_holds(session: Session, ro: ReworkOrder) -> None:
    """The goods qc holds that the rework takes leave stock into the rework: qc's holds on them
    end, handed over to this rework order (:func:`tenon.plugins.qc.hand_over_holds`).

    qc keeps finished goods of a failed final inspection held while the nonconformance is
    disposed ``rework`` (its gate subtracts held quantities from what is on hand); the rework
    work order's own finished goods get their own hold and re-inspection. A rework order opened
    from a nonconformance takes the failed inspection's holds; one opened by hand from a lot or a
    work order takes qc's holds on that lot (else that work order's), so goods qc was holding do
    not stay held once reworked. At most the rework order's quantity is taken.
    """
    if ro.inspection_id is not None:
        where = {"inspection_id": ro.inspection_id}
    elif ro.lot_id is not None:
        where = {"lot_id": ro.lot_id}
    elif ro.original_work_order_id is not None:
        where = {"work_order_id": ro.original_work_order_id}
    else:
        return
    hand_over_holds(session, to_type=ORIGIN_TYPE, to_id=ro.id, product_id=ro.product_id, quantity=dec(ro.quantity),
                    **where)


def _of_work_order(session: Session, work_order_id: int | None) -> ReworkOrder | None:
    if work_order_id is None:
        return None
    rows = all_rows(session, select(ReworkOrder).where(ReworkOrder.work_order_id == work_order_id))
    return rows[0] if rows else None


def on_inspection_recorded(session: Session, inspection: Any) -> None:
    """qc's re-inspection of a rework work order became final: pass or fail the rework order
    (a failed one gets qc's new nonconformance, whose rework disposition opens the next rework
    order, linked to this one)."""
    if getattr(inspection, "stage", None) != "final":
        return
    ro = _of_work_order(session, inspection.work_order_id)
    if ro is None or ro.state != "in_rework":
        return
    with scopes_lifted(session):  # the inspector recording may not read the rework order
        ro.reinspection_id = inspection.id
        if inspection.state == "passed":
            ro.passed_quantity = dec(inspection.quantity)
            ro.passed_at = utcnow()
            REWORK_ORDER.apply(session, ro, "pass", note=f"inspection {inspection.number}")
            _close_nonconformance(session, ro)
            wo = session.get(WorkOrder, ro.work_order_id)
            if wo is not None and wo.state == "done":
                REWORK_ORDER.apply(session, ro, "close", note=f"work order {wo.number} finished")
        elif inspection.state == "failed":
            REWORK_ORDER.apply(session, ro, "fail", note=f"inspection {inspection.number}")


def _close_nonconformance(session: Session, ro: ReworkOrder) -> None:
    """The rework is done and passed: the nonconformance it carried out closes (qc)."""
    if ro.nonconformance_id is None:
        return
    nc = session.get(Nonconformance, ro.nonconformance_id)
    if nc is not None and nc.state == "dispositioned":
        close_nonconformance(session, nc.id)


def _end_requisition(session: Session, ro: ReworkOrder) -> None:
    if ro.requisition_id is None:
        return
    req = session.get(Requisition, ro.requisition_id)
    if req is None:
        return
    if req.state in ("draft", "approved"):
        cancel_requisition(session, req.id)
    elif req.state in ("partially_issued", "issued"):
        close_requisition(session, req.id)


def on_work_order_done(session: Session, work_order: WorkOrder) -> None:
    """A rework work order was finished: genealogy of the reworked lot, the requisition ends,
    and a passed rework order closes."""
    if work_order.kind != "rework":
        return
    ro = _of_work_order(session, work_order.id)
    if ro is None:
        return
    with scopes_lifted(session):
        if ro.lot_id is not None and work_order.lot_id is not None and work_order.lot_id != ro.lot_id \
                and dec(work_order.produced_quantity) > 0:
            record_consumption(session, produced_lot_id=work_order.lot_id,
                               consumed=[{"lot_id": ro.lot_id, "quantity": dec(work_order.produced_quantity)}],
                               origin_type=ORIGIN_TYPE, origin_id=ro.id)
        _end_requisition(session, ro)
        if ro.state == "passed":
            REWORK_ORDER.apply(session, ro, "close", note=f"work order {work_order.number} finished")


def cancel(session: Session, rework_order_id: Any, reason: str = "") -> ReworkOrder:
    """``open``/``in_rework`` → ``cancelled``. A released one cancels its rework work order (mrp
    refuses with ``INVALID_STATE`` once it started), which puts the goods back where they waited
    and cancels the requisition (:func:`on_work_order_cancelled`)."""
    ro = get_record(session, ReworkOrder, rework_order_id, what="rework order")
    REWORK_ORDER.transition(ro, "cancel")
    ro.cancel_reason = text(reason, "reason", required=False, max_len=500)
    if ro.work_order_id is not None:
        cancel_work_order(session, ro.work_order_id, reason=f"rework order {ro.number} cancelled")
    else:
        REWORK_ORDER.apply(session, ro, "cancel", note=ro.cancel_reason)
    return ro


def on_work_order_cancelled(session: Session, work_order: WorkOrder) -> None:
    """A released rework work order was cancelled (here, or with mrp's ``workOrderCancel``): the
    goods go back from production to where they waited, the requisition ends, the rework order
    is cancelled."""
    if work_order.kind != "rework":
        return
    ro = _of_work_order(session, work_order.id)
    if ro is None or ro.state != "in_rework":
        return
    with scopes_lifted(session):
        production = virtual_location(session, "production")
        if ro.location_id != production.id:
            move_stock(session, product_id=ro.product_id, quantity=ro.quantity, from_location_id=production.id,
                       to_location_id=ro.location_id, lot_id=ro.lot_id, origin_type=ORIGIN_TYPE, origin_id=ro.id,
                       reference=ro.number)
        _end_requisition(session, ro)
        REWORK_ORDER.apply(session, ro, "cancel",
                           note=ro.cancel_reason or f"work order {work_order.number} cancelled")
