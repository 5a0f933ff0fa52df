"""Opening rework orders and keeping their responsibility and repair material.

A rework order is opened

* from a nonconformance whose disposition is ``rework`` (qc's ``tenon_qc_rework_disposed``,
  :func:`open_from_nonconformance`), with the responsibility guessed from the inspection: the
  operation and work center inspected, else the original work order's last operation, and the
  operator who reported it;
* by hand from a work order, a lot (the work order that made it, if any) or a shipped sales order
  line (a customer return: the returned quantity is received at once from the customer location
  into a returns location; needs orders).

It keeps the links to the original: work order, inspection, nonconformance, lot, sales order
and line (with the order's region, for the region row scope).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tenon.core.access import scopes_lifted, unscoped
from tenon.core.errors import InvalidState, ValidationError
from tenon.core.events import publish
from tenon.core.ids import decode_id, get_record
from tenon.core.sequences import next_number
from tenon.core.inputs import text
from tenon.plugins.mrp import Operation, OperationReport, WorkCenter, WorkOrder, WorkOrderOperation
from tenon.plugins.qc import Hold
from tenon.plugins.stock import Location, Lot, Product, default_stock_location, move_stock, virtual_location

from ..errors import NotShipped
from ..events import ReworkOrderCreated
from ..models import ReworkCause, ReworkMaterial, ReworkOrder
from ._common import MAX_MATERIAL_LINES, MAX_NOTES, ORIGIN_TYPE, SALES_ORDER, all_rows, dec, has_orders, number

#: Responsibility fields a client may set (input name → column).
RESPONSIBILITY = ("operation_id", "work_center_id", "operator", "supplier_lot_id", "cause_id", "notes")


def _new(session: Session, *, source: str, product_id: int, quantity: Decimal, location_id: int,
         lot_id: int | None = None, original: WorkOrder | None = None, due_date: dt.date | None = None,
         **links: Any) -> ReworkOrder:
    ro = ReworkOrder(number=next_number(session, "rework.order"), state="open", source=source, product_id=product_id,
                     quantity=quantity, lot_id=lot_id, location_id=location_id, due_date=due_date,
                     original_work_order_id=original.id if original is not None else None, notes="", **links)
    if original is not None and original.origin_type == SALES_ORDER and ro.sales_order_id is None:
        ro.sales_order_id, ro.sales_order_line_id = original.origin_id, original.origin_line_id
    if ro.sales_order_id is not None and ro.region_code is None and has_orders(session):
        from ..integrations.orders import region_of

        ro.region_code = region_of(session, ro.sales_order_id)
    session.add(ro)
    session.flush()
    return ro


def _published(session: Session, ro: ReworkOrder) -> ReworkOrder:
    publish(session, ReworkOrderCreated(rework_order_id=ro.id, number=ro.number, source=ro.source,
                                        product_id=ro.product_id, quantity=f"{ro.quantity:.4f}",
                                        sales_order_id=ro.sales_order_id))
    return ro


def _operations(session: Session, operation_ids: Sequence[Any] | None) -> list[int] | None:
    if operation_ids is None:
        return None
    if not operation_ids or len(operation_ids) > 100:
        raise ValidationError("give 1 to 100 operations to redo (or none for all)", field="operationIds")
    ids = [decode_id(o, f"operationIds[{i}]") for i, o in enumerate(operation_ids)]
    known = set(session.scalars(select(Operation.id).where(Operation.id.in_(ids))))
    missing = [i for i in ids if i not in known]
    if missing:
        raise ValidationError(f"unknown operation(s) {missing}", field="operationIds")
    return list(dict.fromkeys(ids))


def _location(session: Session, location_id: Any, field: str) -> Location:
    loc = get_record(session, Location, location_id, field=field, what="location")
    if loc.kind != "internal":
        raise ValidationError("goods wait for rework in an internal location", field=field)
    return loc


def _lot(session: Session, lot_id: Any, product: Product, field: str = "lotId") -> Lot | None:
    if lot_id is None:
        return None
    lot = get_record(session, Lot, lot_id, field=field, what="lot")
    if lot.product_id != product.id:
        raise ValidationError("the lot belongs to another product", field=field)
    return lot


def _tracked_lot(product: Product, lot: Lot | None, field: str = "lotId") -> None:
    if product.tracking != "none" and lot is None:
        raise ValidationError(f"{product.code} is tracked by {product.tracking}: give the lot to rework", field=field)
    if product.tracking == "none" and lot is not None:
        raise ValidationError(f"{product.code} is not tracked by lot", field=field)


def _finish_open(session: Session, ro: ReworkOrder, *, operation_ids: Sequence[Any] | None,
                 responsibility: Mapping[str, Any] | None, materials: Sequence[Mapping[str, Any]] | None) -> ReworkOrder:
    ro.operation_ids = _operations(session, operation_ids)
    if responsibility:
        set_responsibility(session, ro, responsibility)
    if materials:
        set_materials(session, ro, materials)
    session.flush()
    return _published(session, ro)


# --------------------------------------------------------------------------- from qc


def _last_operation(session: Session, work_order_id: int) -> WorkOrderOperation | None:
    rows = all_rows(session, select(WorkOrderOperation).where(WorkOrderOperation.work_order_id == work_order_id,
                                                              WorkOrderOperation.state != "cancelled")
                    .order_by(WorkOrderOperation.sequence.desc()).limit(1))
    return rows[0] if rows else None


def _operator_of(session: Session, operation_id: int) -> str | None:
    rows = all_rows(session, select(OperationReport).where(OperationReport.operation_id == operation_id,
                                                           OperationReport.operator.is_not(None))
                    .order_by(OperationReport.id.desc()).limit(1))
    return rows[0].operator if rows else None


def _held_at(session: Session, inspection_id: int) -> int | None:
    """Where qc holds the goods of an inspection (its first held hold's location), if it says."""
    return session.scalar(select(Hold.location_id).where(Hold.inspection_id == inspection_id, Hold.state == "held",
                                                         Hold.location_id.is_not(None)).order_by(Hold.id).limit(1))


def _waiting_at(session: Session, inspection: Any) -> int:
    """Where the goods of a failed inspection wait: in production for an in-process one (work in
    progress: the rework takes them from there), else where qc holds them (quarantine for
    received goods), else the default stock location."""
    if inspection.stage == "in_process":
        return virtual_location(session, "production").id
    return _held_at(session, inspection.id) or default_stock_location(session).id


def open_from_nonconformance(session: Session, nonconformance: Any, inspection: Any) -> ReworkOrder:
    """qc disposed a nonconformance ``rework``: open a rework order for its quantity and lot,
    linked to the failed inspection, the nonconformance and the inspected work order, with the
    responsibility guessed from the inspection (the quality manager corrects it)."""
    with scopes_lifted(session):  # the quality manager disposing may not read work orders' operations
        inspected = session.get(WorkOrder, inspection.work_order_id) if inspection.work_order_id else None
        original, parent = inspected, None
        if inspected is not None and inspected.kind == "rework":
            parent = session.scalar(select(ReworkOrder).where(ReworkOrder.work_order_id == inspected.id))
        if parent is not None and parent.original_work_order_id is not None:
            # a failed re-inspection: the next rework order is traced to the same original work order
            original = session.get(WorkOrder, parent.original_work_order_id) or original
        ro = _new(session, source="nonconformance", product_id=nonconformance.product_id,
                  quantity=dec(nonconformance.quantity), lot_id=nonconformance.lot_id or inspection.lot_id,
                  location_id=_waiting_at(session, inspection), original=original,
                  inspection_id=inspection.id, nonconformance_id=nonconformance.id,
                  parent_id=parent.id if parent is not None else None,
                  due_date=original.due_date if original is not None else None)
        if parent is not None:
            ro.sales_order_id, ro.sales_order_line_id = parent.sales_order_id, parent.sales_order_line_id
            ro.region_code, ro.operation_ids = parent.region_code, parent.operation_ids
        # who and what: the inspected operation (in-process), else the last operation of the
        # inspected work order (final; for a failed re-inspection, the rework's), and its operator
        op_id, wc_id, step_id, operator = (inspection.library_operation_id, inspection.work_center_id,
                                           inspection.operation_id, None)
        if step_id is None and inspected is not None:
            last = _last_operation(session, inspected.id)
            if last is not None:
                step_id, op_id, wc_id = last.id, op_id or last.operation_id, wc_id or last.work_center_id
        if step_id is not None:
            operator = _operator_of(session, step_id)
        ro.responsible_operation_id, ro.responsible_work_center_id = op_id, wc_id
        ro.responsible_operator = operator
        if inspection.stage == "receipt":  # goods received from a supplier: its lot
            ro.responsible_supplier_lot_id = ro.lot_id
        session.flush()
    return _published(session, ro)


# --------------------------------------------------------------------------- by hand


def open_from_work_order(session: Session, *, work_order_id: Any, quantity: Any, location_id: Any = None,
                         lot_id: Any = None, operation_ids: Sequence[Any] | None = None,
                         responsibility: Mapping[str, Any] | None = None,
                         materials: Sequence[Mapping[str, Any]] | None = None) -> ReworkOrder:
    """Rework part of what a work order made (its lot unless ``lot_id``), waiting at
    ``location_id`` (default: the default stock location)."""
    wo = get_record(session, WorkOrder, work_order_id, field="workOrderId", what="work order")
    if wo.state not in ("in_progress", "done"):
        raise InvalidState(f"work order {wo.number} is {wo.state}: nothing was made to rework", field="workOrderId",
                           details={"state": wo.state, "allowedFrom": ["in_progress", "done"]})
    product = session.get(Product, wo.product_id)
    qty = number(quantity, "quantity")
    if qty > dec(wo.produced_quantity):
        raise ValidationError(f"work order {wo.number} produced {dec(wo.produced_quantity).normalize():f}",
                              field="quantity", details={"produced": f"{dec(wo.produced_quantity):.4f}"})
    lot = _lot(session, lot_id, product) if lot_id is not None else (session.get(Lot, wo.lot_id) if wo.lot_id else None)
    _tracked_lot(product, lot)
    loc = _location(session, location_id, "locationId") if location_id is not None else default_stock_location(session)
    ro = _new(session, source="work_order", product_id=product.id, quantity=qty, lot_id=lot.id if lot else None,
              location_id=loc.id, original=wo, due_date=wo.due_date)
    return _finish_open(session, ro, operation_ids=operation_ids, responsibility=responsibility, materials=materials)


def open_from_lot(session: Session, *, lot_id: Any, quantity: Any, location_id: Any = None,
                  operation_ids: Sequence[Any] | None = None, responsibility: Mapping[str, Any] | None = None,
                  materials: Sequence[Mapping[str, Any]] | None = None) -> ReworkOrder:
    """Rework a quantity of a lot; linked to the work order that made the lot, if one did."""
    lot = get_record(session, Lot, lot_id, field="lotId", what="lot")
    product = session.get(Product, lot.product_id)
    qty = number(quantity, "quantity")
    original = session.scalar(select(WorkOrder).where(WorkOrder.lot_id == lot.id).order_by(WorkOrder.id.desc()).limit(1))
    loc = _location(session, location_id, "locationId") if location_id is not None else default_stock_location(session)
    ro = _new(session, source="lot", product_id=product.id, quantity=qty, lot_id=lot.id, location_id=loc.id,
              original=original, due_date=original.due_date if original is not None else None)
    return _finish_open(session, ro, operation_ids=operation_ids, responsibility=responsibility, materials=materials)


def _returns_location(session: Session, location_id: Any) -> Location:
    if location_id is not None:
        return _location(session, location_id, "returnsLocationId")
    code = str(session.info["app"].site.config.get("rework", {}).get("returns_location") or "").strip()
    if not code:
        raise ValidationError("give returnsLocationId (or set [rework] returns_location in tenon.toml)",
                              field="returnsLocationId")
    loc = session.scalar(select(Location).where(Location.code == code))
    if loc is None or loc.kind != "internal":
        raise ValidationError(f"[rework] returns_location {code!r} is not an internal location",
                              field="returnsLocationId")
    return loc


def returned_quantity(session: Session, line_id: int) -> Decimal:
    """What customer returns (not cancelled) already took back of a sales order line."""
    total = session.scalar(select(func.coalesce(func.sum(ReworkOrder.quantity), 0)).where(
        ReworkOrder.sales_order_line_id == line_id, ReworkOrder.source == "customer_return",
        ReworkOrder.state != "cancelled").execution_options(**unscoped()))
    return dec(total)


def open_customer_return(session: Session, *, sales_order_line_id: Any, quantity: Any, returns_location_id: Any = None,
                         lot_id: Any = None, operation_ids: Sequence[Any] | None = None,
                         responsibility: Mapping[str, Any] | None = None,
                         materials: Sequence[Mapping[str, Any]] | None = None) -> ReworkOrder:
    """A customer sends back part of a shipped sales order line: receive it from the customer
    location into the returns location and open a rework order for it (``NOT_SHIPPED`` for more
    than was shipped and not yet returned)."""
    if not has_orders(session):
        raise ValidationError("customer returns need the orders plugin", field="salesOrderLineId")
    from ..integrations.orders import shipped_line, shipped_lot

    line, order = shipped_line(session, sales_order_line_id)
    product = session.get(Product, line.product_id)
    qty = number(quantity, "quantity")
    returnable = dec(line.shipped_quantity) - returned_quantity(session, line.id)
    if qty > returnable:
        raise NotShipped(f"line {line.position} of {order.number} has {returnable.normalize():f} shipped and not "
                         f"returned", field="quantity", details={"returnable": f"{returnable:.4f}"})
    lot = _lot(session, lot_id, product) if lot_id is not None else None
    if lot is None and product.tracking != "none":
        found = shipped_lot(session, order.id, line.id)
        lot = session.get(Lot, found) if found is not None else None
    _tracked_lot(product, lot)
    loc = _returns_location(session, returns_location_id)
    original = session.scalar(select(WorkOrder).where(WorkOrder.origin_type == SALES_ORDER,
                                                      WorkOrder.origin_line_id == line.id,
                                                      WorkOrder.kind == "normal").order_by(WorkOrder.id.desc()).limit(1))
    ro = _new(session, source="customer_return", product_id=product.id, quantity=qty, lot_id=lot.id if lot else None,
              location_id=loc.id, original=original, sales_order_id=order.id, sales_order_line_id=line.id,
              region_code=order.region_code)
    move_stock(session, product_id=product.id, quantity=qty, from_location_id=virtual_location(session, "customer").id,
               to_location_id=loc.id, lot_id=ro.lot_id, origin_type=ORIGIN_TYPE, origin_id=ro.id, reference=ro.number)
    return _finish_open(session, ro, operation_ids=operation_ids, responsibility=responsibility, materials=materials)


# --------------------------------------------------------------------------- responsibility, material


def set_responsibility(session: Session, ro: ReworkOrder, changes: Mapping[str, Any]) -> ReworkOrder:
    """Set the operation, work center, operator (or supplier lot), cause and notes held
    responsible; a key given as ``None`` clears it, a key left out stays."""
    if ro.state == "cancelled":
        raise InvalidState(f"rework order {ro.number} is cancelled", field="state", details={"state": ro.state})
    for key in changes:
        if key not in RESPONSIBILITY:
            raise ValidationError(f"unknown responsibility field {key}", field=f"responsibility.{key}")
    if "operation_id" in changes:
        v = changes["operation_id"]
        ro.responsible_operation_id = (get_record(session, Operation, v, field="responsibility.operationId",
                                                  what="operation").id if v is not None else None)
    if "work_center_id" in changes:
        v = changes["work_center_id"]
        ro.responsible_work_center_id = (get_record(session, WorkCenter, v, field="responsibility.workCenterId",
                                                    what="work center").id if v is not None else None)
    if "operator" in changes:
        ro.responsible_operator = text(changes["operator"], "responsibility.operator", required=False, max_len=100) or None
    if "supplier_lot_id" in changes:
        v = changes["supplier_lot_id"]
        ro.responsible_supplier_lot_id = (get_record(session, Lot, v, field="responsibility.supplierLotId",
                                                     what="lot").id if v is not None else None)
    if "cause_id" in changes:
        v = changes["cause_id"]
        if v is None:
            ro.cause_id = None
        else:
            cause = get_record(session, ReworkCause, v, field="responsibility.causeId", what="cause")
            if not cause.active and cause.id != ro.cause_id:
                raise ValidationError(f"cause {cause.code} is retired", field="responsibility.causeId")
            ro.cause_id = cause.id
    if "notes" in changes:
        ro.notes = text(changes["notes"], "responsibility.notes", required=False, max_len=MAX_NOTES)
    session.flush()
    return ro


def update_responsibility(session: Session, rework_order_id: Any, changes: Mapping[str, Any]) -> ReworkOrder:
    ro = get_record(session, ReworkOrder, rework_order_id, what="rework order")
    return set_responsibility(session, ro, changes)


def set_materials(session: Session, ro: ReworkOrder, materials: Sequence[Mapping[str, Any]]) -> list[ReworkMaterial]:
    """Replace the repair material of an ``open`` rework order: ``{"product_id", "quantity", "unit_cost"}``."""
    if ro.state != "open":
        raise InvalidState(f"rework order {ro.number} is {ro.state}: its material was asked for at release",
                           field="state", details={"state": ro.state, "allowedFrom": ["open"]})
    if len(materials) > MAX_MATERIAL_LINES:
        raise ValidationError(f"at most {MAX_MATERIAL_LINES} material lines", field="materials")
    for old in session.scalars(select(ReworkMaterial).where(ReworkMaterial.rework_order_id == ro.id)):
        session.delete(old)
    out = []
    for i, m in enumerate(materials):
        f = f"materials[{i}]."
        product = get_record(session, Product, m.get("product_id"), field=f"{f}productId", what="product")
        row = ReworkMaterial(rework_order_id=ro.id, product_id=product.id, quantity=number(m.get("quantity"), f"{f}quantity"),
                             unit_cost=number(m.get("unit_cost") or 0, f"{f}unitCost", positive=False))
        session.add(row)
        out.append(row)
    session.flush()
    return out


def update_open(session: Session, rework_order_id: Any, *, operation_ids: Sequence[Any] | None = None,
                set_operations: bool = False, materials: Sequence[Mapping[str, Any]] | None = None,
                location_id: Any = None, due_date: dt.date | None = None) -> ReworkOrder:
    """Change what an ``open`` rework order will redo, its material, where the goods wait, its due date."""
    ro = get_record(session, ReworkOrder, rework_order_id, what="rework order")
    if ro.state != "open":
        raise InvalidState(f"rework order {ro.number} is {ro.state}", field="state",
                           details={"state": ro.state, "allowedFrom": ["open"]})
    if set_operations:
        ro.operation_ids = _operations(session, operation_ids)
    if materials is not None:
        set_materials(session, ro, materials)
    if location_id is not None:
        if ro.source == "customer_return":
            raise ValidationError("a customer return waits in the returns location it was received into",
                                  field="locationId")
        ro.location_id = _location(session, location_id, "locationId").id
    if due_date is not None:
        ro.due_date = due_date
    session.flush()
    return ro
