"""DataLoader batch functions of qc's GraphQL types: one select per nested field per request."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.models import Attachment

from ..models import CheckItem, InspectionResult, Nonconformance, PlanVersion


def num(value: Any) -> Decimal | None:
    """A number for output: ``420`` rather than ``420.0000``; ``None`` stays ``None``."""
    if value is None:
        return None
    d = Decimal(str(value))
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


def children(model: type, column: str, order: str) -> Any:
    """``keys`` → the rows of ``model`` whose ``column`` is each key, ordered by ``order``."""
    def load(session: Session, keys: Sequence[int]) -> list[list[Any]]:
        col = getattr(model, column)
        out: dict[int, list[Any]] = {k: [] for k in keys}
        for r in session.scalars(select(model).where(col.in_(list(keys))).order_by(getattr(model, order), model.id)):  # type: ignore[attr-defined]
            out[getattr(r, column)].append(r)
        return [out[k] for k in keys]

    return load


versions_by_plan = children(PlanVersion, "plan_id", "version_no")
items_by_version = children(CheckItem, "version_id", "position")
results_by_inspection = children(InspectionResult, "inspection_id", "sample_no")
nonconformances_by_inspection = children(Nonconformance, "inspection_id", "id")


def version_by_id(session: Session, keys: Sequence[int]) -> list[PlanVersion | None]:
    rows = {r.id: r for r in session.scalars(select(PlanVersion).where(PlanVersion.id.in_(list(keys))))}
    return [rows.get(k) for k in keys]


def item_by_id(session: Session, keys: Sequence[int]) -> list[CheckItem | None]:
    rows = {r.id: r for r in session.scalars(select(CheckItem).where(CheckItem.id.in_(list(keys))))}
    return [rows.get(k) for k in keys]


def photos_by_inspection(session: Session, keys: Sequence[int]) -> list[list[Attachment]]:
    out: dict[int, list[Attachment]] = {k: [] for k in keys}
    for a in session.scalars(select(Attachment).where(Attachment.entity_type == "qc_inspection",
                                                      Attachment.entity_id.in_([str(k) for k in keys]))
                             .order_by(Attachment.id)):
        out[int(a.entity_id)].append(a)
    return [out[k] for k in keys]
