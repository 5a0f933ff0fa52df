"""Inspections: created (by the stage hooks, or by hand), results recorded, the verdict.

Recording is partial until every *required* check item has a value for every sample
(``sample_no`` 1 … ``sample_size``); then the result is final: ``failed`` when any recorded
value (required or not) fails, else ``passed``, through the inspection workflow. A final
inspection takes no more values (``INVALID_STATE``). Recording a value again for the same item
and sample (while open) replaces it.

When final: a passed inspection releases its holds (a quarantined lot goes back where it was
received; finished goods may ship) and lets the next operation go on; a failed one keeps them
and opens a nonconformance. Then the owned hook ``tenon_qc_inspection_recorded`` is notified and
``qc.inspection.passed`` / ``qc.inspection.failed`` is published.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.db import utcnow
from tenon.core.errors import InvalidState, NotFound, ValidationError
from tenon.core.events import publish
from tenon.core.ids import get_record
from tenon.core.sequences import next_number
from tenon.core.inputs import actor_name
from tenon.plugins.stock import Lot, Product

from ..events import InspectionCreated, InspectionFailed, InspectionPassed
from ..models import STAGES, Inspection, InspectionPlan, InspectionResult
from ..workflows import INSPECTION
from . import holds
from ._common import dec
from .plans import current_version, items_of, plan_for
from .sampling import sample_size
from .tolerances import evaluate

#: At most this many values per recording call (a declared limit).
MAX_VALUES = 2000


def create_inspection(session: Session, *, stage: str, product_id: Any, quantity: Any, lot_id: Any = None,
                      work_order_id: int | None = None, operation_id: int | None = None,
                      library_operation_id: int | None = None, work_center_id: int | None = None,
                      origin_type: str | None = None, origin_id: int | None = None, plan_id: Any = None,
                      reinspection: bool = False, location_id: int | None = None) -> Inspection:
    """An open inspection of ``quantity`` (and lot) of a product at ``stage``, with the current
    version of ``plan_id`` or of the plan that applies (:func:`..plans.plan_for`); ``VALIDATION``
    when no plan applies. The sample size comes from the version's sampling. Publishes
    ``qc.inspection.created`` (the plan's inspector is notified after commit)."""
    if stage not in STAGES:
        raise ValidationError(f"stage must be one of {', '.join(STAGES)}", field="stage")
    product = get_record(session, Product, product_id, field="productId", what="product")
    q = Decimal(str(quantity))
    if not q.is_finite() or q <= 0 or q != q.quantize(Decimal("0.0001")):
        raise ValidationError("quantity must be positive with at most 4 decimals", field="quantity")
    lot = None
    if lot_id is not None:
        lot = get_record(session, Lot, lot_id, field="lotId", what="lot")
        if lot.product_id != product.id:
            raise ValidationError("the lot belongs to another product", field="lotId")
    if plan_id is not None:
        plan = get_record(session, InspectionPlan, plan_id, field="planId", what="inspection plan")
        if plan.stage != stage:
            raise ValidationError(f"plan {plan.code} is for the {plan.stage} stage", field="planId")
    else:
        plan = plan_for(session, stage, product.id, library_operation_id)
        if plan is None:
            raise ValidationError(f"no active {stage} inspection plan applies to {product.code}", field="planId")
    version = current_version(session, plan)
    insp = Inspection(number=next_number(session, "qc.inspection"), stage=stage, state="open", plan_id=plan.id,
                      plan_version_id=version.id, product_id=product.id, lot_id=lot.id if lot else None,
                      quantity=q, sample_size=sample_size(version.sampling_method, version.sampling_value, q),
                      work_order_id=work_order_id, operation_id=operation_id,
                      library_operation_id=library_operation_id, work_center_id=work_center_id,
                      reinspection=reinspection, origin_type=origin_type, origin_id=origin_id,
                      location_id=location_id)
    session.add(insp)
    session.flush()
    publish(session, InspectionCreated(inspection_id=insp.id, number=insp.number, stage=stage, product_id=product.id,
                                       inspector=plan.inspector_username))
    return insp


def record_results(session: Session, inspection_id: Any, values: Sequence[dict[str, Any]]) -> Inspection:
    """Record values ``{"item": code, "sample_no": 1, "value": "25.01"}`` (see the module docstring)."""
    insp = get_record(session, Inspection, inspection_id, field="id", what="inspection")
    # one recorder at a time per inspection (PostgreSQL row lock; SQLite serializes writers)
    session.execute(select(Inspection.id).where(Inspection.id == insp.id).with_for_update())
    session.refresh(insp)
    if insp.state != "open":
        raise InvalidState(f"inspection {insp.number} is {insp.state}; its results are final", field="state",
                           details={"state": insp.state})
    if not values:
        raise ValidationError("give at least one value", field="values")
    if len(values) > MAX_VALUES:
        raise ValidationError(f"at most {MAX_VALUES} values per call", field="values")
    items = {i.code: i for i in items_of(session, insp.plan_version_id)}
    existing = {(r.check_item_id, r.sample_no): r for r in session.scalars(
        select(InspectionResult).where(InspectionResult.inspection_id == insp.id))}
    who = actor_name(session)
    for n, v in enumerate(values):
        f = f"values[{n}]."
        item = items.get(str(v.get("item") or ""))
        if item is None:
            raise NotFound(f"the plan version of {insp.number} has no check item {v.get('item')!r}", field=f"{f}item",
                           details={"items": sorted(items)})
        sample_no = int(v.get("sample_no") or 1)
        if not 1 <= sample_no <= insp.sample_size:
            raise ValidationError(f"sampleNo must be from 1 to {insp.sample_size}", field=f"{f}sampleNo")
        verdict = evaluate(item, v.get("value"), f"{f}value")
        row = existing.get((item.id, sample_no))
        if row is None:
            row = InspectionResult(inspection_id=insp.id, check_item_id=item.id, sample_no=sample_no)
            session.add(row)
            existing[(item.id, sample_no)] = row
        row.measured, row.text, row.passed, row.recorded_by = verdict.measured, verdict.text, verdict.passed, who
    insp.inspector = who
    session.flush()
    if _complete(insp, items.values(), existing):
        _decide(session, insp, all(r.passed for r in existing.values()))
    return insp


def _complete(insp: Inspection, items: Any, existing: dict[tuple[int, int], InspectionResult]) -> bool:
    return all((i.id, s) in existing for i in items if i.required for s in range(1, insp.sample_size + 1))


def _decide(session: Session, insp: Inspection, passed: bool) -> None:
    insp.decided_at = utcnow()
    INSPECTION.apply(session, insp, "pass" if passed else "fail")
    nc = None
    if passed:
        holds.release_for(session, insp)
        _unblock(session, insp)
    else:
        from .nonconformances import open_nonconformance

        nc = open_nonconformance(session, insp)
    app = session.info["app"]
    app.hooks.notify("tenon_qc_inspection_recorded", session=session, inspection=insp)
    common = {"inspection_id": insp.id, "number": insp.number, "stage": insp.stage, "product_id": insp.product_id,
              "quantity": f"{dec(insp.quantity):.4f}", "lot_id": insp.lot_id, "work_order_id": insp.work_order_id}
    publish(session, InspectionPassed(**common) if nc is None else InspectionFailed(**common, nonconformance_id=nc.id))


def holding(session: Session, operation_id: int) -> bool:
    """Whether an in-process inspection still holds the operation after ``operation_id``: one is
    open, or failed with its nonconformance still open."""
    from ..models import Nonconformance

    if session.scalar(select(Inspection.id).where(Inspection.operation_id == operation_id,
                                                  Inspection.stage == "in_process", Inspection.state == "open")
                      .limit(1)) is not None:
        return True
    return session.scalar(select(Nonconformance.id).join(Inspection, Inspection.id == Nonconformance.inspection_id)
                          .where(Inspection.operation_id == operation_id, Inspection.stage == "in_process",
                                 Nonconformance.state == "open").limit(1)) is not None


def _unblock(session: Session, insp: Inspection) -> None:
    """An in-process inspection that no longer holds its operation lets the next one go on."""
    if insp.stage != "in_process" or insp.operation_id is None or not session.info["app"].has_plugin("mrp"):
        return
    if not holding(session, insp.operation_id):
        from ..integrations.mrp import release_next

        release_next(session, insp.operation_id)


unblock_after_disposition = _unblock

