"""The per-request DataLoader batch functions behind the orders types' nested fields (one select per
field per request, never N+1)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.plugins.stock import Shipment, ShipmentLine

from .. import reports
from ..services._common import ORIGIN_TYPE
from ..models import SalesOrderLine, SalesOrderStateChange

# --------------------------------------------------------------------------- loaders


def _by_ids(model: type) -> Any:
    def load(session: Session, keys: Sequence[int]) -> list[Any]:
        rows = {r.id: r for r in session.scalars(select(model).where(model.id.in_(list(keys))))}  # type: ignore[attr-defined]
        return [rows.get(k) for k in keys]

    return load


def _history_by_order(session: Session, keys: Sequence[int]) -> list[list[SalesOrderStateChange]]:
    out: dict[int, list[SalesOrderStateChange]] = {k: [] for k in keys}
    for row in session.scalars(select(SalesOrderStateChange).where(SalesOrderStateChange.order_id.in_(list(keys)))
                               .order_by(SalesOrderStateChange.at, SalesOrderStateChange.id)):
        out[row.order_id].append(row)
    return [out[k] for k in keys]


def _lines_by_order(session: Session, keys: Sequence[int]) -> list[list[SalesOrderLine]]:
    found = reports.lines_by_order(session, keys)
    return [found[k] for k in keys]


def _shipments_by_order(session: Session, keys: Sequence[int]) -> list[list[tuple[Any, list[Any]]]]:
    shipments = list(session.scalars(select(Shipment).where(Shipment.origin_type == ORIGIN_TYPE,
                                                             Shipment.origin_id.in_(list(keys)))
                                     .order_by(Shipment.id)))
    lines: dict[int, list[Any]] = {s.id: [] for s in shipments}
    if shipments:
        for line in session.scalars(select(ShipmentLine).where(ShipmentLine.shipment_id.in_(list(lines)))
                                    .order_by(ShipmentLine.id)):
            lines[line.shipment_id].append(line)
    out: dict[int, list[tuple[Any, list[Any]]]] = {k: [] for k in keys}
    for s in shipments:
        out[s.origin_id].append((s, lines[s.id]))
    return [out[k] for k in keys]
