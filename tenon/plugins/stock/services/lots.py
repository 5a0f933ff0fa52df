"""Lot genealogy: which lots went into which, and tracing it up or down."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tenon.core.errors import ValidationError

from ..ledger import dec, get_lot, qty
from ..models import LotConsumption, Move
from ._common import _lines


def record_consumption(session: Session, *, produced_lot_id: int, consumed: Sequence[dict[str, Any]],
                       origin_type: str | None = None, origin_id: int | None = None) -> list[LotConsumption]:
    """Record that component lots went into a produced lot (genealogy for traceability).

    :param consumed: ``[{"lot_id": int, "quantity": Decimal}]``.
    """
    produced = get_lot(session, produced_lot_id, "producedLotId")
    _lines(consumed, "consumed")
    out = []
    for i, c in enumerate(consumed):
        lot = get_lot(session, c.get("lot_id") or 0, f"consumed[{i}].lotId")
        if lot.id == produced.id:
            raise ValidationError("a lot cannot consume itself", field=f"consumed[{i}].lotId")
        if produced.id in lot_trace(session, lot.id, "UP"):
            raise ValidationError("this would make the genealogy circular", field=f"consumed[{i}].lotId")
        row = LotConsumption(consumed_lot_id=lot.id, produced_lot_id=produced.id,
                             quantity=qty(c.get("quantity"), f"consumed[{i}].quantity"),
                             origin_type=origin_type, origin_id=origin_id)
        session.add(row)
        out.append(row)
    session.flush()
    return out


@dataclass
class TraceNode:
    lot_id: int
    parent_lot_id: int | None
    depth: int
    quantity: Decimal | None


def lot_trace(session: Session, lot_id: int, direction: str) -> dict[int, TraceNode]:
    """Walk the genealogy from ``lot_id``: ``DOWN`` = where it went (lots made from it),
    ``UP`` = where it came from (lots that went into it). One query per level.

    :returns: ``{lot_id: TraceNode}`` in breadth-first order, the start lot first (depth 0).
    """
    if direction not in ("UP", "DOWN"):
        raise ValidationError("direction must be UP or DOWN", field="direction")
    get_lot(session, lot_id, "lotId")
    src, dst = ((LotConsumption.consumed_lot_id, LotConsumption.produced_lot_id) if direction == "DOWN"
                else (LotConsumption.produced_lot_id, LotConsumption.consumed_lot_id))
    nodes: dict[int, TraceNode] = {lot_id: TraceNode(lot_id, None, 0, None)}
    frontier, depth = [lot_id], 0
    while frontier:
        depth += 1
        rows = session.execute(select(src, dst, func.sum(LotConsumption.quantity)).where(src.in_(frontier))
                               .group_by(src, dst).order_by(src, dst)).all()
        frontier = []
        for parent, child, q in rows:
            if child not in nodes:
                nodes[child] = TraceNode(child, parent, depth, dec(q))
                frontier.append(child)
    return nodes


def documents_of_lots(session: Session, lot_ids: Sequence[int], origin_type: str) -> dict[int, list[int]]:
    """``{lot_id: [document ids]}`` of done moves of those lots with ``origin_type``."""
    out: dict[int, list[int]] = {lid: [] for lid in lot_ids}
    for lid, oid in session.execute(
        select(Move.lot_id, Move.origin_id).where(Move.lot_id.in_(list(lot_ids)), Move.origin_type == origin_type,
                                                  Move.state == "done").distinct().order_by(Move.lot_id, Move.origin_id)
    ):
        out[lid].append(oid)
    return out
