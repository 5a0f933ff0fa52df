"""Material requisitions (领料申请): ``draft`` → ``approved`` → ``partially_issued`` → ``issued`` → ``closed``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.db import utcnow
from tenon.core.errors import ValidationError
from tenon.core.ids import get_record
from tenon.core.sequences import next_number
from tenon.core.workflow import StateChange

from .. import ledger
from ..ledger import dec, default_stock_location, get_location, get_product, qty, virtual_location
from ..models import Requisition, RequisitionLine
from ..workflows import REQUISITION
from ._common import ORIGIN, _actor, _lines, _text


def create_requisition(session: Session, *, lines: Sequence[dict[str, Any]], origin_type: str | None = None,
                       origin_id: int | None = None, reference: str = "", from_location_id: int | None = None,
                       to_location_id: int | None = None) -> Requisition:
    """A draft material requisition (领料申请). Lines: ``{"product_id", "quantity"}``.

    Stock is issued from ``from_location_id`` (default stock location) to
    ``to_location_id`` (default: the production location).
    """
    _lines(lines)
    src = get_location(session, from_location_id, "fromLocationId") if from_location_id else default_stock_location(session)
    if src.kind != "internal":
        raise ValidationError("materials are issued from an internal location", field="fromLocationId")
    dst = get_location(session, to_location_id, "toLocationId") if to_location_id else virtual_location(session, "production")
    if dst.kind not in ("production", "internal") or dst.id == src.id:
        raise ValidationError("materials are issued to a production or another internal location", field="toLocationId")
    req = Requisition(number=next_number(session, "stock.requisition"), state="draft", origin_type=origin_type,
                      origin_id=origin_id, reference=_text(reference, "reference", required=False, max_len=100),
                      from_location_id=src.id, to_location_id=dst.id)
    session.add(req)
    session.flush()
    ledger.prefetch_products(session, (line.get("product_id") for line in lines))
    for i, line in enumerate(lines):
        product = get_product(session, line.get("product_id") or 0, f"lines[{i}].productId")
        session.add(RequisitionLine(requisition_id=req.id, product_id=product.id,
                                    quantity=qty(line.get("quantity"), f"lines[{i}].quantity")))
    session.flush()
    return req


def approve_requisition(session: Session, requisition_id: int) -> Requisition:
    """Approve a draft requisition; event ``stock.requisition.approved``."""
    req = get_record(session, Requisition, requisition_id, what="requisition")
    REQUISITION.apply(session, req, "approve")
    return req


def issue_requisition(session: Session, requisition_id: int,
                      lines: Sequence[dict[str, Any]] | None = None) -> Requisition:
    """Issue materials: move them to the production location; event ``stock.requisition.issued``.

    :param lines: ``[{"line_id", "quantity", "lot_id"?}]`` for a partial issue;
        ``None`` issues everything still open. A tracked product without a lot
        is taken first-in first-out.
    """
    req = get_record(session, Requisition, requisition_id, what="requisition")
    req_lines = {ln.id: ln for ln in session.scalars(
        select(RequisitionLine).where(RequisitionLine.requisition_id == req.id).order_by(RequisitionLine.id))}
    if lines is None:
        todo = [{"line_id": ln.id, "quantity": ln.quantity - dec(ln.issued_quantity)}
                for ln in req_lines.values() if ln.quantity > dec(ln.issued_quantity)]
    else:
        _lines(lines)
        todo = list(lines)
    if not todo:
        raise ValidationError("nothing left to issue", field="lines")
    plan = []
    for i, item in enumerate(todo):
        ln = req_lines.get(int(item.get("line_id") or 0))
        if ln is None:
            raise ValidationError("no such line on this requisition", field=f"lines[{i}].lineId")
        q = qty(item.get("quantity"), f"lines[{i}].quantity")
        if dec(ln.issued_quantity) + q > ln.quantity:
            raise ValidationError(
                f"only {(ln.quantity - dec(ln.issued_quantity)).normalize():f} left to issue on this line",
                field=f"lines[{i}].quantity")
        plan.append((i, ln, q, item.get("lot_id")))
    for _i, ln, q, _lot in plan:
        ln.issued_quantity = dec(ln.issued_quantity) + q
    complete = all(dec(ln.issued_quantity) >= ln.quantity for ln in req_lines.values())
    REQUISITION.apply(session, req, "issue_fully" if complete else "issue_partially", plan=plan, issued=[])
    return req


def close_requisition(session: Session, requisition_id: int) -> Requisition:
    """Close a requisition (nothing more will be issued); event ``stock.requisition.closed``."""
    req = get_record(session, Requisition, requisition_id, what="requisition")
    REQUISITION.apply(session, req, "close")
    return req


def cancel_requisition(session: Session, requisition_id: int) -> Requisition:
    """Cancel a draft or approved requisition; event ``stock.requisition.cancelled``."""
    req = get_record(session, Requisition, requisition_id, what="requisition")
    REQUISITION.apply(session, req, "cancel")
    return req


def post(session: Session, change: StateChange) -> None:
    """The requisition workflow's ``record`` step: approving stamps who approved; issuing moves the
    planned quantities (``args["plan"]``) and lists what moved in ``args["issued"]`` for the event."""
    req = change.record
    if change.action == "approve":
        req.approved_at, req.approved_by = utcnow(), _actor(session)
        session.flush()
    elif change.action.startswith("issue"):
        ledger.prefetch_products(session, (ln.product_id for _i, ln, _q, _lot in change.args["plan"]))
        for i, ln, q, lot_id in change.args["plan"]:
            for m in ledger.move_stock(session, product_id=ln.product_id, quantity=q,
                                       from_location_id=req.from_location_id, to_location_id=req.to_location_id,
                                       lot_id=lot_id, origin_type=ORIGIN["requisition"], origin_id=req.id,
                                       origin_line_id=ln.id, reference=req.number, field=f"lines[{i}]."):
                change.args["issued"].append({"line_id": ln.id, "product_id": m.product_id,
                                              "quantity": str(m.quantity), "lot_id": m.lot_id})
