"""DataLoader batch functions of mrp's GraphQL types: one select per nested field per request."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.models import Attachment

from ..models import BomLine, OperationReport, RoutingStep, WorkCenter, WorkOrderOperation, WorkOrderStateChange


def num(value: Any) -> Decimal:
    """A quantity for output: ``420`` rather than ``420.0000``."""
    d = Decimal(str(value if value is not None else 0))
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


def by_ids(model: type) -> Any:
    def load(session: Session, keys: Sequence[int]) -> list[Any]:
        rows = {r.id: r for r in session.scalars(select(model).where(model.id.in_(list(keys))))}  # type: ignore[attr-defined]
        return [rows.get(k) for k in keys]

    return load


def children(model: type, column: str, order: str) -> Any:
    """``keys`` → the rows of ``model`` whose ``column`` is each key, ordered by ``order``."""
    def load(session: Session, keys: Sequence[int]) -> list[list[Any]]:
        col = getattr(model, column)
        out: dict[int, list[Any]] = {k: [] for k in keys}
        for r in session.scalars(select(model).where(col.in_(list(keys))).order_by(getattr(model, order), model.id)):  # type: ignore[attr-defined]
            out[getattr(r, column)].append(r)
        return [out[k] for k in keys]

    return load


work_center_by_id = by_ids(WorkCenter)
lines_by_bom = children(BomLine, "bom_id", "position")
steps_by_routing = children(RoutingStep, "routing_id", "sequence")
operations_by_work_order = children(WorkOrderOperation, "work_order_id", "sequence")
reports_by_operation = children(OperationReport, "operation_id", "id")
history_by_work_order = children(WorkOrderStateChange, "work_order_id", "id")


def photos_by_exception(session: Session, keys: Sequence[int]) -> list[list[Attachment]]:
    out: dict[int, list[Attachment]] = {k: [] for k in keys}
    for a in session.scalars(select(Attachment).where(Attachment.entity_type == "mrp_exception",
                                                      Attachment.entity_id.in_([str(k) for k in keys]))
                             .order_by(Attachment.id)):
        out[int(a.entity_id)].append(a)
    return [out[k] for k in keys]
