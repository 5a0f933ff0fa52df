"""Work orders: create (manually, from a sales order line, linked rework), release (explosion →
requisition, operations from the routing, made sub-assemblies' own work orders), cancel, finish
(with an optional backorder that takes over the material already in production)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.errors import InvalidState, ValidationError
from tenon.core.events import publish
from tenon.core.ids import get_record
from tenon.core.sequences import next_number
from tenon.core.inputs import text
from tenon.plugins.stock import Move, Product, approve_requisition, create_requisition

from ..events import WorkOrderCreated, WorkOrderReleased
from ..models import SOURCES, WorkCenter, WorkOrder, WorkOrderOperation
from ..workflows import OPERATION, WORK_ORDER
from . import partners
from ._common import FOUR, all_rows, dec, number
from .boms import active_bom, explode
from .library import active_routing, routing_steps

ORIGIN_TYPE = "mrp.work_order"
KINDS = ("normal", "rework", "backorder")


def _first_center(session: Session, product_id: int) -> int | None:
    routing = active_routing(session, product_id)
    steps = routing_steps(session, routing.id) if routing else []
    return steps[0].work_center_id if steps else None


def create_work_order(session: Session, *, product_id: Any, quantity: Any, due_date: dt.date | None = None,
                      priority: int = 0, kind: str = "normal", counting_source: str = "operator",
                      parent_id: int | None = None, origin_type: str | None = None, origin_id: int | None = None,
                      origin_line_id: int | None = None, operation_subset: Sequence[int] | None = None,
                      with_materials: bool = True) -> WorkOrder:
    """A draft work order numbered from ``mrp.work_order`` (``WO-2026-00017``); event
    ``mrp.work_order.created`` (the first work center's lead is notified after commit)."""
    product = get_record(session, Product, product_id, field="productId", what="product")
    if kind not in KINDS:
        raise ValidationError(f"kind must be one of {', '.join(KINDS)}", field="kind")
    if counting_source not in SOURCES:
        raise ValidationError("countingSource must be operator or machine", field="countingSource")
    if not -1000 <= int(priority) <= 1000:
        raise ValidationError("priority must be between -1000 and 1000", field="priority")
    wo = WorkOrder(number=next_number(session, "mrp.work_order"), kind=kind, state="draft", product_id=product.id,
                   quantity=number(quantity, "quantity", positive=True), due_date=due_date, priority=int(priority),
                   counting_source=counting_source, parent_id=parent_id, origin_type=origin_type,
                   origin_id=origin_id, origin_line_id=origin_line_id, with_materials=with_materials,
                   operation_subset=list(operation_subset) if operation_subset is not None else None,
                   materials=[], material_credit={})
    session.add(wo)
    session.flush()
    publish(session, WorkOrderCreated(work_order_id=wo.id, number=wo.number, kind=kind,
                                      first_work_center_id=_first_center(session, product.id)))
    return wo


def create_linked_work_order(session: Session, original_id: Any, *, kind: str = "rework", quantity: Any,
                             operation_ids: Sequence[Any] | None = None, with_materials: bool = False) -> WorkOrder:
    """For other plugins (rework, qc): a work order of ``kind`` linked to ``original_id`` (its
    ``parent_id``), for the same product, with only the routing operations ``operation_ids``
    (library operation ids; default all), without materials unless ``with_materials``."""
    original = get_record(session, WorkOrder, original_id, field="originalId", what="work order")
    subset = None
    if operation_ids is not None:
        routing_ops = {s.operation_id for s in routing_steps(session, original.routing_id)} if original.routing_id else set()
        subset = [int(o) for o in operation_ids]
        unknown = [o for o in subset if o not in routing_ops]
        if not subset or unknown:
            raise ValidationError("operations must be a non-empty subset of the original's routing",
                                  field="operationIds", details={"unknown": unknown})
    return create_work_order(session, product_id=original.product_id, quantity=quantity, kind=kind,
                             due_date=original.due_date, priority=original.priority, parent_id=original.id,
                             counting_source=original.counting_source, origin_type=original.origin_type,
                             origin_id=original.origin_id, origin_line_id=original.origin_line_id,
                             operation_subset=subset, with_materials=with_materials)


def set_counting_source(session: Session, work_order_id: Any, source: str) -> WorkOrder:
    """Which reports count for this work order: ``operator`` or ``machine`` (never both)."""
    wo = get_record(session, WorkOrder, work_order_id, what="work order")
    if source not in SOURCES:
        raise ValidationError("countingSource must be operator or machine", field="countingSource")
    if wo.state in ("done", "cancelled"):
        raise InvalidState(f"work order {wo.number} is {wo.state}", field="state", details={"state": wo.state})
    wo.counting_source = source
    session.flush()
    return wo


def release_work_order(session: Session, work_order_id: Any) -> WorkOrder:
    """``draft`` → ``released``: keep the active routing and BOM versions, explode the BOM into an
    approved stock requisition (from the first work center's supply location or the default),
    create a draft work order per made sub-assembly, copy the operations with planned minutes
    (setup + minutes per unit × quantity) and make the first one ready."""
    wo = get_record(session, WorkOrder, work_order_id, what="work order")
    WORK_ORDER.transition(wo, "release")
    routing = active_routing(session, wo.product_id)
    if routing is None:
        raise ValidationError("the product has no active routing", field="productId")
    steps = [s for s in routing_steps(session, routing.id)
             if wo.operation_subset is None or s.operation_id in wo.operation_subset]
    from ..models import Operation

    ops = {o.id: o for o in session.scalars(select(Operation).where(Operation.id.in_([s.operation_id for s in steps])))}
    wo.routing_id = routing.id
    qty = dec(wo.quantity)
    if wo.with_materials:
        bom = active_bom(session, wo.product_id)
        if bom is None:
            raise ValidationError("the product has no active BOM", field="productId")
        wo.bom_id = bom.id
        lines = explode(session, wo.product_id, qty, bom_id=bom.id)
        wo.materials = [{"product_id": ln.product_id, "per_unit": str(ln.per_unit), "quantity": str(ln.quantity),
                         "made": ln.made} for ln in lines]
        credit = {int(k): dec(v) for k, v in (wo.material_credit or {}).items()}
        req_lines = [{"product_id": ln.product_id, "quantity": ln.quantity - credit.get(ln.product_id, Decimal(0))}
                     for ln in lines if ln.quantity - credit.get(ln.product_id, Decimal(0)) > 0]
        if req_lines:
            wc = session.get(WorkCenter, steps[0].work_center_id) if steps else None
            req = create_requisition(session, lines=req_lines, origin_type=ORIGIN_TYPE, origin_id=wo.id,
                                     reference=wo.number,
                                     from_location_id=wc.supply_location_id if wc is not None else None)
            approve_requisition(session, req.id)
            wo.requisition_id = req.id
        for ln in lines:
            if ln.made:
                create_work_order(session, product_id=ln.product_id, quantity=ln.quantity, due_date=wo.due_date,
                                  priority=wo.priority, parent_id=wo.id, counting_source=wo.counting_source)
    for i, s in enumerate(steps):
        op = ops[s.operation_id]
        minutes = (dec(op.setup_minutes) + dec(op.minutes_per_unit) * qty).quantize(FOUR)
        session.add(WorkOrderOperation(work_order_id=wo.id, sequence=s.sequence, operation_id=op.id,
                                       work_center_id=s.work_center_id, name=op.name, state="pending",
                                       planned_minutes=minutes, inspection_required=op.inspection_required))
    session.flush()
    wo.released_at = dt.datetime.now(dt.UTC)
    WORK_ORDER.apply(session, wo, "release")
    first = operations_of(session, wo.id)
    if first:
        OPERATION.apply(session, first[0], "ready")
    publish(session, WorkOrderReleased(work_order_id=wo.id, number=wo.number,
                                       first_work_center_id=first[0].work_center_id if first else None))
    return wo


def operations_of(session: Session, work_order_id: int) -> list[WorkOrderOperation]:
    """All operations of a work order in sequence, whatever the actor's work-center scope."""
    return all_rows(session, select(WorkOrderOperation).where(WorkOrderOperation.work_order_id == work_order_id,
                                                              WorkOrderOperation.state != "cancelled")
                    .order_by(WorkOrderOperation.sequence).execution_options(populate_existing=True))


def cancel_work_order(session: Session, work_order_id: Any, reason: str = "") -> WorkOrder:
    """``draft``/``released`` → ``cancelled`` (``INVALID_STATE`` once production started); its
    operations are cancelled and its requisition cancelled (or closed if partly issued)."""
    wo = get_record(session, WorkOrder, work_order_id, what="work order")
    WORK_ORDER.transition(wo, "cancel")
    wo.cancel_reason = text(reason, "reason", required=False, max_len=500)
    for op in operations_of(session, wo.id):
        OPERATION.apply(session, op, "cancel")
    if wo.requisition_id is not None:
        partners.end_requisition(session, wo.requisition_id)
    WORK_ORDER.apply(session, wo, "cancel", note=wo.cancel_reason)
    return wo


def issued_quantities(session: Session, wo: WorkOrder) -> dict[int, Decimal]:
    """Components issued to production for this work order so far, by product."""
    if wo.requisition_id is None:
        return {}
    out: dict[int, Decimal] = {}
    for m in all_rows(session, select(Move).where(Move.origin_type == "stock.requisition",
                                                  Move.origin_id == wo.requisition_id, Move.state == "done")):
        out[m.product_id] = out.get(m.product_id, Decimal(0)) + dec(m.quantity)
    return out


def finish_work_order(session: Session, work_order_id: Any, *, backorder: bool = False) -> WorkOrder:
    """``in_progress`` → ``done`` (``tenon_mrp_work_order_finishing`` may veto). With
    ``backorder``, the quantity not produced gets a draft ``backorder`` work order whose material
    credit is what this order issued but did not consume (per unit × (produced + scrapped)), so
    its requisition asks only for the rest: partial production never issues material twice."""
    wo = get_record(session, WorkOrder, work_order_id, what="work order")
    WORK_ORDER.transition(wo, "finish")
    rest = dec(wo.quantity) - dec(wo.produced_quantity)
    if backorder and rest > 0:
        used = dec(wo.produced_quantity) + dec(wo.scrap_quantity)
        issued = issued_quantities(session, wo)
        credit = {}
        for m in wo.materials or []:
            left = issued.get(m["product_id"], Decimal(0)) - (Decimal(m["per_unit"]) * used).quantize(FOUR)
            if left > 0:
                credit[str(m["product_id"])] = str(left)
        bo = create_work_order(session, product_id=wo.product_id, quantity=rest, kind="backorder",
                               due_date=wo.due_date, priority=wo.priority, parent_id=wo.id,
                               counting_source=wo.counting_source, origin_type=wo.origin_type,
                               origin_id=wo.origin_id, origin_line_id=wo.origin_line_id)
        bo.material_credit = credit
    for op in operations_of(session, wo.id):
        if op.state != "done":
            OPERATION.apply(session, op, "cancel")
    if wo.requisition_id is not None:
        partners.end_requisition(session, wo.requisition_id)
    wo.done_at = dt.datetime.now(dt.UTC)
    WORK_ORDER.apply(session, wo, "finish")
    return wo
