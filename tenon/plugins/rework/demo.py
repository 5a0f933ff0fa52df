"""rework's demo data: the cause categories, a rework planner, and one rework from the plant's history.

Built on mrp's demo work orders ``mrp.demo`` #3 and #4 (FG-MH180) and qc's plan ``QP-MH180-FINAL``:

* the final inspection of #3 (60 pcs, 15 days ago) passed;
* the final inspection of #4 (39 pcs, 6 days ago) failed on the helium leak rate: its
  nonconformance was disposed ``rework`` by ``qm_liu``, which opened a rework order; the quality
  manager held the die-casting porosity responsible (``OP-CAST`` at ``HPDC``, ``op_cast``, cause
  ``CASTING``) and had only the leak test redone (impregnation and re-test, ``OP-LEAK``); the rework
  work order was reported and finished, its re-inspection passed: the rework order is ``done``, the
  nonconformance closed, so ``reworkStats`` and first-pass yield have figures.

People (password ``<name>-demo``): ``rwk_zhou`` (rework_planner). Idempotent: causes by code, the
user by username, the history by its work orders (an inspection of the work order, a rework order
of the nonconformance).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.demo import demo_user
from tenon.plugins.mrp import (
    Operation,
    OperationReport,
    WorkCenter,
    WorkOrder,
    WorkOrderOperation,
    finish_work_order,
    report_operation,
)
from tenon.plugins.qc import (
    Inspection,
    InspectionPlan,
    InspectionResult,
    Nonconformance,
    create_inspection,
    dispose,
    record_results,
)

from .models import ReworkCause, ReworkOrder
from .services.execution import release
from .services.rework_orders import set_responsibility, update_open

CAUSES = (("MACHINING", "Machining out of tolerance"), ("ASSEMBLY", "Assembly error"),
          ("MATERIAL", "Defective supplier material"), ("HANDLING", "Damaged in handling or transport"),
          ("CASTING", "Casting porosity, cold shut or inclusion"))
GOOD = {"BORE": "180.012", "LEAK": "0.6", "VISUAL": "pass"}


def load(session: Session, progress: Callable[[str], None]) -> None:
    progress("rework cause categories, rework planner rwk_zhou")
    have = set(session.scalars(select(ReworkCause.code)))
    for code, name in CAUSES:
        if code not in have:
            session.add(ReworkCause(code=code, name=name, description=""))
    session.flush()
    demo_user(session, "rwk_zhou", roles=["rework_planner"], display_name="Zhou Min (rework planner)")
    plan = session.scalar(select(InspectionPlan).where(InspectionPlan.code == "QP-MH180-FINAL"))
    wos = {wo.origin_id: wo for wo in session.scalars(select(WorkOrder).where(
        WorkOrder.origin_type == "mrp.demo", WorkOrder.origin_id.in_((3, 4))))}
    if plan is None or set(wos) != {3, 4}:
        progress("no qc plan QP-MH180-FINAL or mrp demo work orders #3/#4: no rework history")
        return
    _final(session, plan, wos[3], {})
    failed = _final(session, plan, wos[4], {("LEAK", 2): "3.4", ("LEAK", 1): "2.6"})
    if failed is None:
        progress("rework history: already there")
        return
    _rework(session, failed)
    progress("rework history: final inspections of mrp.demo #3 (passed) and #4 (failed), its rework done")


def _values(insp: Inspection, bad: dict[tuple[str, int], str]) -> list[dict]:
    return [{"item": item, "sample_no": n, "value": bad.get((item, n), v)}
            for n in range(1, insp.sample_size + 1) for item, v in GOOD.items()]


def _backdate(session: Session, insp: Inspection, created: dt.datetime, decided: dt.datetime) -> None:
    insp.created_at, insp.decided_at, insp.inspector = created, decided, "qc_chen"
    for r in session.scalars(select(InspectionResult).where(InspectionResult.inspection_id == insp.id)):
        r.recorded_by, r.created_at = "qc_chen", decided


def _final(session: Session, plan: InspectionPlan, wo: WorkOrder, bad: dict[tuple[str, int], str]) -> Inspection | None:
    """The final inspection of a done demo work order (once); returns it when made now and failed."""
    if session.scalar(select(Inspection.id).where(Inspection.work_order_id == wo.id, Inspection.stage == "final")):
        return None
    last = session.scalars(select(WorkOrderOperation).where(WorkOrderOperation.work_order_id == wo.id)
                           .order_by(WorkOrderOperation.sequence.desc())).first()
    insp = create_inspection(session, stage="final", product_id=wo.product_id, quantity=wo.produced_quantity,
                             lot_id=wo.lot_id, work_order_id=wo.id, work_center_id=last.work_center_id if last else None,
                             origin_type="mrp.work_order", origin_id=wo.id, plan_id=plan.id)
    record_results(session, insp.id, _values(insp, bad))
    done = wo.done_at or insp.created_at
    _backdate(session, insp, done, done + dt.timedelta(hours=2))
    return insp if insp.state == "failed" else None


def _rework(session: Session, insp: Inspection) -> None:
    """The failed inspection's nonconformance disposed rework, assessed, carried out, re-inspected."""
    nc = session.scalar(select(Nonconformance).where(Nonconformance.inspection_id == insp.id))
    at = insp.decided_at
    nc.opened_at = nc.created_at = at
    dispose(session, nc.id, "rework", "Leak rate above 2.0 cc/min on 2 of 2 samples: impregnate and re-test the lot")
    nc.disposed_by, nc.disposed_at = "qm_liu", at + dt.timedelta(hours=3)
    ro = session.scalar(select(ReworkOrder).where(ReworkOrder.nonconformance_id == nc.id))
    leak = session.scalar(select(Operation).where(Operation.code == "OP-LEAK"))
    cast = session.scalar(select(Operation).where(Operation.code == "OP-CAST"))
    hpdc = session.scalar(select(WorkCenter).where(WorkCenter.code == "HPDC"))
    cause = session.scalar(select(ReworkCause).where(ReworkCause.code == "CASTING"))
    update_open(session, ro.id, operation_ids=[leak.id], set_operations=True)
    set_responsibility(session, ro, {"operation_id": cast.id, "work_center_id": hpdc.id, "operator": "op_cast",
                                     "cause_id": cause.id,
                                     "notes": "Gas porosity at the water-jacket boss: die vent V3 blocked (cell 02)"})
    ro.created_at, ro.created_by = nc.disposed_at, "qm_liu"
    release(session, ro.id)
    ro.released_at = nc.disposed_at + dt.timedelta(hours=2)
    wo = session.get(WorkOrder, ro.work_order_id)
    wo.created_at = wo.released_at = ro.released_at
    start = ro.released_at + dt.timedelta(hours=16)
    for op in session.scalars(select(WorkOrderOperation).where(WorkOrderOperation.work_order_id == wo.id)
                              .order_by(WorkOrderOperation.sequence)):
        got = report_operation(session, op.id, good=Decimal(str(ro.quantity)), minutes=Decimal(95))
        got.report.started_at, got.report.ended_at = start, start + dt.timedelta(minutes=95)
        got.report.operator = "leak01"
    finish_work_order(session, wo.id)
    wo.done_at = start + dt.timedelta(hours=2)
    again = session.scalar(select(Inspection).where(Inspection.work_order_id == wo.id, Inspection.stage == "final"))
    record_results(session, again.id, _values(again, {}))
    _backdate(session, again, wo.done_at, wo.done_at + dt.timedelta(hours=1))
    session.refresh(ro)
    ro.passed_at = again.decided_at
    session.refresh(nc)
    nc.closed_at = again.decided_at
    for rep in session.scalars(select(OperationReport).where(OperationReport.work_order_id == wo.id)):
        rep.created_at = rep.started_at
    session.flush()
