"""Operation reporting (报工) by people and machines, lot streaming, finished goods into stock.

An operation's *input* is what the previous operation reported good (the first operation's is
the work order quantity). Reports on an operation never exceed its input:
``good + scrap ≤ input − already reported`` (``OVER_REPORTED``, ``details.available``), so
quantity streams to the next operation as it is reported. An operation is complete when the
previous one is complete and all its input is reported; completion cascades.

A report on the last operation receives its good quantity from the production location into
stock (a lot named after the work order for lot-tracked products) and records, as stock's lot
genealogy, which issued component lots it consumed: per unit of the kept explosion × the good
quantity, taken from the issued lots in issue order after what earlier receipts consumed.

Machine signals carry an idempotency key stored with a unique constraint, inserted before
anything else changes: a replay (also a concurrent one, which waits for the first) returns the
first report and counts nothing. Each work order counts one source, ``operator`` or ``machine``;
the other is ``WRONG_COUNTING_SOURCE``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tenon.core.db import current_actor, utcnow
from tenon.core.errors import InvalidState, ValidationError
from tenon.core.events import publish
from tenon.core.ids import decode_id, get_record
from tenon.core.inputs import text
from tenon.plugins.stock import (
    Move,
    Product,
    default_stock_location,
    ensure_lot,
    move_stock,
    record_consumption,
    virtual_location,
)

from ..errors import OperationBlocked, OverReported, WrongCountingSource
from ..events import OperationCompleted
from ..models import OperationReport, WorkOrder, WorkOrderOperation
from ..workflows import OPERATION, WORK_ORDER
from . import partners
from ._common import FOUR, all_rows, dec, number
from .work_orders import operations_of


@dataclass
class Reported:
    """A report and whether it was a replay of an earlier signal (nothing counted)."""

    report: OperationReport
    duplicate: bool = False


def _existing(session: Session, key: str) -> OperationReport | None:
    rows = all_rows(session, select(OperationReport).where(OperationReport.signal_key == key))
    return rows[0] if rows else None


def report_operation(session: Session, operation_id: Any, *, good: Any, scrap: Any = 0, reason_code: str | None = None,
                     minutes: Any = None, started_at: dt.datetime | None = None, ended_at: dt.datetime | None = None,
                     source: str = "operator", signal_key: str | None = None) -> Reported:
    """Report good and scrap quantity on an operation (loaded through the actor's work-center scope)."""
    op = get_record(session, WorkOrderOperation, operation_id, field="operationId", what="operation")
    good_q, scrap_q = number(good, "good"), number(scrap or 0, "scrap")
    if good_q + scrap_q == 0:
        raise ValidationError("report a good or a scrap quantity", field="good")
    if scrap_q > 0 and not (reason_code or "").strip():
        raise ValidationError("scrap needs a reason code", field="reasonCode")
    for name, value in (("startedAt", started_at), ("endedAt", ended_at)):
        if value is not None and value.tzinfo is None:
            raise ValidationError(f"{name} needs a time zone (e.g. 2026-12-07T10:00:00+08:00)", field=name)
    ended = ended_at or utcnow()
    if minutes is None and started_at is not None:
        if started_at > ended:
            raise ValidationError("the start is after the end", field="startedAt")
        minutes = Decimal((ended - started_at).total_seconds() / 60).quantize(FOUR)
    mins = number(minutes or 0, "minutes")
    actor = current_actor(session)
    report = OperationReport(operation_id=op.id, work_order_id=op.work_order_id, work_center_id=op.work_center_id,
                             source=source, good_quantity=good_q, scrap_quantity=scrap_q,
                             reason_code=text(reason_code, "reasonCode", required=False, max_len=40) or None,
                             operator=actor.username if actor is not None else None, minutes=mins,
                             started_at=started_at, ended_at=ended, signal_key=signal_key)
    # The work order row lock (FOR NO KEY UPDATE: the report's foreign keys only take KEY SHARE)
    # orders concurrent reports; a replayed signal then finds the first one's key committed.
    wo = session.scalars(select(WorkOrder).where(WorkOrder.id == op.work_order_id).with_for_update(key_share=True)
                         .execution_options(populate_existing=True)).one()
    if signal_key is not None:
        try:
            with session.begin_nested():
                session.add(report)
                session.flush()
        except IntegrityError:
            first = _existing(session, signal_key)
            if first is None:
                raise
            return Reported(first, duplicate=True)
    ops = operations_of(session, wo.id)  # fresh, under the lock
    _check(wo, op, source)
    idx = next(i for i, o in enumerate(ops) if o.id == op.id)
    prev = ops[idx - 1] if idx > 0 else None
    given = dec(prev.good_quantity) if prev is not None else dec(wo.quantity)
    left = given - dec(op.good_quantity) - dec(op.scrap_quantity)
    if good_q + scrap_q > left:
        raise OverReported(f"operation {op.sequence} ({op.name}) can report at most {left.normalize():f} more: "
                           f"that is what {'the previous operation released' if prev else 'the work order asks for'}",
                           field="good", details={"available": f"{left:.4f}"})
    if signal_key is None:
        session.add(report)
    op.good_quantity = dec(op.good_quantity) + good_q
    op.scrap_quantity = dec(op.scrap_quantity) + scrap_q
    op.reported_minutes = dec(op.reported_minutes) + mins
    wo.scrap_quantity = dec(wo.scrap_quantity) + scrap_q
    session.flush()
    if wo.state == "released":
        WORK_ORDER.apply(session, wo, "start")
        partners.work_order_started(session, wo)
    if op.state == "ready":
        OPERATION.apply(session, op, "start")
    nxt = ops[idx + 1] if idx + 1 < len(ops) else None
    if nxt is not None and nxt.state == "pending" and good_q > 0:
        OPERATION.apply(session, nxt, "ready")
    _complete(session, wo, ops, idx)
    if nxt is None and good_q > 0:
        _receive(session, wo, good_q, report)
    app = session.info["app"]
    app.hooks.notify("tenon_mrp_operation_reported", session=session, work_order=wo, operation=op, report=report)
    return Reported(report)


def _check(wo: WorkOrder, op: WorkOrderOperation, source: str) -> None:
    if wo.state not in ("released", "in_progress"):
        raise InvalidState(f"work order {wo.number} is {wo.state}; nothing can be reported", field="state",
                           details={"state": wo.state})
    if wo.counting_source != source:
        raise WrongCountingSource(f"work order {wo.number} counts {wo.counting_source} reports, not {source} ones",
                                  field="countingSource", details={"countingSource": wo.counting_source})
    if op.state in ("done", "cancelled"):
        raise InvalidState(f"operation {op.sequence} ({op.name}) is {op.state}", field="state",
                           details={"state": op.state})
    if op.blocked:
        raise OperationBlocked(f"operation {op.sequence} ({op.name}) is on hold", field="operationId")


def _complete(session: Session, wo: WorkOrder, ops: list[WorkOrderOperation], start: int) -> None:
    """Complete operations from ``start`` on while the previous is done and all input is reported."""
    for i in range(start, len(ops)):
        op, prev = ops[i], ops[i - 1] if i > 0 else None
        if op.state == "done":
            continue
        given = dec(prev.good_quantity) if prev is not None else dec(wo.quantity)
        if (prev is not None and prev.state != "done") or dec(op.good_quantity) + dec(op.scrap_quantity) < given:
            return
        if op.state == "pending":
            OPERATION.apply(session, op, "ready")
        OPERATION.apply(session, op, "complete")
        nxt = ops[i + 1] if i + 1 < len(ops) else None
        publish(session, OperationCompleted(operation_id=op.id, work_order_id=wo.id, number=wo.number,
                                            next_work_center_id=nxt.work_center_id if nxt else None))


def _receive(session: Session, wo: WorkOrder, quantity: Decimal, report: OperationReport) -> None:
    product = session.get(Product, wo.product_id)
    lot_id = None
    if product.tracking != "none":
        lot_id = ensure_lot(session, product.id, wo.number).id
        wo.lot_id = lot_id
        report.lot_id = lot_id
    before = dec(wo.produced_quantity)
    with partners.as_system(session):
        move_stock(session, product_id=product.id, quantity=quantity,
                   from_location_id=virtual_location(session, "production").id,
                   to_location_id=default_stock_location(session).id, lot_id=lot_id,
                   origin_type="mrp.work_order", origin_id=wo.id, reference=wo.number)
        wo.produced_quantity = before + quantity
        session.flush()
        if lot_id is not None:
            _genealogy(session, wo, lot_id, before, quantity)
    partners.work_order_produced(session, wo, quantity)


def _genealogy(session: Session, wo: WorkOrder, lot_id: int, before: Decimal, quantity: Decimal) -> None:
    if wo.requisition_id is None:
        return
    moves = all_rows(session, select(Move).where(Move.origin_type == "stock.requisition",
                                                 Move.origin_id == wo.requisition_id, Move.state == "done",
                                                 Move.lot_id.is_not(None)).order_by(Move.id))
    consumed = []
    for m in wo.materials or []:
        per = Decimal(m["per_unit"])
        lo, hi = (per * before).quantize(FOUR), (per * (before + quantity)).quantize(FOUR)
        pos = Decimal(0)
        for mv in (x for x in moves if x.product_id == m["product_id"]):
            a, b = pos, pos + dec(mv.quantity)
            take = min(b, hi) - max(a, lo)
            if take > 0:
                consumed.append({"lot_id": mv.lot_id, "quantity": take})
            pos = b
    if consumed:
        record_consumption(session, produced_lot_id=lot_id, consumed=consumed, origin_type="mrp.work_order",
                           origin_id=wo.id)


def machine_signal(session: Session, *, work_order_id: Any, quantity: Any, key: str, scrap: Any = 0,
                   reason_code: str | None = None, operation: Any = None) -> Reported:
    """A device reports "operation done for work order X, quantity N": the first open operation
    of the work order at the device's work center (its row scope) gets the report.

    For other plugins (devices' MQTT bridge) as well as the GraphQL mutation: the same checks,
    idempotency and audit whatever the transport. ``operation`` narrows the target to one
    operation of the work order, by its sequence (``20``) or its library operation's code
    (``"TURN"``); it must still be open and at the device's work center (``INVALID_STATE``).
    """
    key = text(key, "idempotencyKey", max_len=120)
    first = _existing(session, key)
    if first is not None:
        return Reported(first, duplicate=True)
    wo_id = decode_id(work_order_id, "workOrderId")
    stmt = select(WorkOrderOperation).where(
        WorkOrderOperation.work_order_id == wo_id, WorkOrderOperation.state.in_(("ready", "in_progress")))
    if operation is not None and str(operation).strip():
        from ..models import Operation

        op_ref = str(operation).strip()
        if op_ref.isdigit():
            stmt = stmt.where(WorkOrderOperation.sequence == int(op_ref))
        else:
            stmt = stmt.where(WorkOrderOperation.operation_id.in_(select(Operation.id).where(Operation.code == op_ref)))
    ops = list(session.scalars(stmt.order_by(WorkOrderOperation.sequence)))
    if not ops:
        raise InvalidState("no operation of this work order is ready at your work center", field="workOrderId")
    return report_operation(session, ops[0].id, good=quantity, scrap=scrap, reason_code=reason_code,
                            source="machine", signal_key=key)


def block_operation(session: Session, operation_id: Any, blocked: bool = True, *,
                    next_step: bool = False) -> WorkOrderOperation | None:
    """Hold (or release) an operation, or with ``next_step`` the one after it: while held it takes
    no reports (``OPERATION_BLOCKED``). For qc's in-process inspections; reads across the actor's
    work-center scope (the reporting operator cannot see the next work center's operations).

    :returns: the operation changed, or ``None`` when ``next_step`` names the last one.
    """
    rows = all_rows(session, select(WorkOrderOperation).where(
        WorkOrderOperation.id == decode_id(operation_id, "operationId")))
    if not rows:
        raise ValidationError("no such operation", field="operationId")
    op = rows[0]
    if next_step:
        later = [o for o in operations_of(session, op.work_order_id) if o.sequence > op.sequence]
        if not later:
            return None
        op = later[0]
    op.blocked = blocked
    session.flush()
    return op
