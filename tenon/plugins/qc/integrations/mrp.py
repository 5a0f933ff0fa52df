"""qc ↔ mrp (optional): in-process and final inspections from mrp's owned hooks.

Imported only when mrp is installed (from ``plugin.py``'s ``optionalhook`` implementations of
mrp's hooks, and from the services when ``app.has_plugin("mrp")``). The only qc module that
imports ``tenon.plugins.mrp``.

* **In-process**: ``tenon_mrp_operation_reported`` on an operation marked "inspection
  required" opens an inspection of the report's good quantity with the product's ``in_process``
  plan for that library operation (or for any operation); when the plan ``blocks_next``, the
  next operation is held (:func:`tenon.plugins.mrp.block_operation`) until no in-process
  inspection of this operation is open or failed without a disposition. No plan: nothing
  happens (the flag alone does not say what to check).
* **Finished goods**: a report on the last operation receives goods into stock; when the product
  has a ``final`` plan those goods are held (product, lot, quantity) for their final release.
* **Final**: ``tenon_mrp_work_order_done`` opens the final inspection of the produced quantity
  (lot: the work order's lot) with the product's ``final`` plan and attaches the work order's
  holds to it. A ``rework`` work order (``create_linked_work_order(kind="rework")``) gets one
  like any other: it is marked ``reinspection`` and is not counted as a first pass.
"""

from __future__ import annotations

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from tenon.plugins.mrp import WorkOrder, WorkOrderOperation, block_operation

from ..models import Hold, Inspection, InspectionPlan
from ..services._common import all_rows, dec
from ..services.holds import hold_finished
from ..services.inspections import create_inspection
from ..services.plans import plan_for


def _is_last(session: Session, operation: WorkOrderOperation) -> bool:
    later = all_rows(session, select(WorkOrderOperation).where(
        WorkOrderOperation.work_order_id == operation.work_order_id, WorkOrderOperation.state != "cancelled",
        WorkOrderOperation.sequence > operation.sequence).limit(1))
    return not later


def on_operation_reported(session: Session, work_order: WorkOrder, operation: WorkOrderOperation, report) -> None:
    good = dec(report.good_quantity)
    if good <= 0:
        return
    if operation.inspection_required:
        plan = plan_for(session, "in_process", work_order.product_id, operation.operation_id)
        if plan is not None:
            insp = create_inspection(session, stage="in_process", product_id=work_order.product_id, quantity=good,
                              lot_id=report.lot_id, work_order_id=work_order.id, operation_id=operation.id,
                              library_operation_id=operation.operation_id, work_center_id=operation.work_center_id,
                              origin_type="mrp.operation_report", origin_id=report.id, plan_id=plan.id,
                              reinspection=work_order.kind == "rework")
            if plan.blocks_next:
                held = block_operation(session, operation.id, True, next_step=True)
                insp.held_operation_id = held.id if held is not None else None
                session.flush()
    if _is_last(session, operation) and plan_for(session, "final", work_order.product_id) is not None:
        hold_finished(session, product_id=work_order.product_id, lot_id=report.lot_id, quantity=good,
                      work_order_id=work_order.id)


def on_work_order_done(session: Session, work_order: WorkOrder) -> None:
    produced = dec(work_order.produced_quantity)
    plan = plan_for(session, "final", work_order.product_id)
    if produced <= 0 or plan is None:
        return
    last = all_rows(session, select(WorkOrderOperation).where(
        WorkOrderOperation.work_order_id == work_order.id, WorkOrderOperation.state == "done")
        .order_by(WorkOrderOperation.sequence.desc()).limit(1))
    insp = create_inspection(session, stage="final", product_id=work_order.product_id, quantity=produced,
                             lot_id=work_order.lot_id, work_order_id=work_order.id,
                             work_center_id=last[0].work_center_id if last else None,
                             origin_type="mrp.work_order", origin_id=work_order.id, plan_id=plan.id,
                             reinspection=work_order.kind == "rework")
    for hold in session.scalars(select(Hold).where(Hold.work_order_id == work_order.id, Hold.state == "held",
                                                   Hold.inspection_id.is_(None))):
        hold.inspection_id = insp.id
    session.flush()


def release_next(session: Session, operation_id: int) -> None:
    """Release the operation after ``operation_id`` (no inspection of it holds it any more)."""
    block_operation(session, operation_id, False, next_step=True)
    for insp in session.scalars(select(Inspection).where(Inspection.operation_id == operation_id,
                                                         Inspection.held_operation_id.is_not(None))):
        insp.held_operation_id = None
    session.flush()


def detach_from_mrp(session: Session) -> None:
    """mrp is being uninstalled: its rows go with it, so nothing of qc may keep naming their ids.
    A reinstalled mrp numbers from 1 again: a hold still naming work order 7 would be attached to
    the new work order 7's final inspection and released by it, an inspection still naming
    operation 3 would release the new operation 3's successor, and a plan bound to operation 3
    would inspect whatever operation gets that id. Inspections and holds stay as records without
    those references; a plan bound to an operation is deactivated and bound to none (a quality
    manager binds it to an operation of the new routings)."""
    mrp_ids = (Inspection.work_order_id, Inspection.operation_id, Inspection.library_operation_id,
               Inspection.work_center_id, Inspection.held_operation_id)
    session.execute(update(Inspection).where(or_(*(c.is_not(None) for c in mrp_ids)))
                    .values({c: None for c in mrp_ids}).execution_options(synchronize_session=False))
    session.execute(update(Hold).where(Hold.work_order_id.is_not(None)).values(work_order_id=None)
                    .execution_options(synchronize_session=False))
    session.execute(update(InspectionPlan).where(InspectionPlan.operation_id.is_not(None))
                    .values(operation_id=None, active=False).execution_options(synchronize_session=False))


def release_all_holds(session: Session) -> int:
    """Release every mrp operation an in-process inspection holds (qc is being uninstalled: nothing
    would release them later); returns how many were released."""
    held = list(session.scalars(select(Inspection).where(Inspection.held_operation_id.is_not(None))))
    for op_id in sorted({insp.held_operation_id for insp in held}):
        block_operation(session, op_id, False)
    for insp in held:
        insp.held_operation_id = None
    session.flush()
    return len(held)
