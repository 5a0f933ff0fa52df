"""What the stock GraphQL types share: number and id output, and DataLoader factories."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

import strawberry
from sqlalchemy import select
from sqlalchemy.orm import Session

from ... import ledger


def num(value: Any) -> Decimal:
    """A quantity for output: ``10`` rather than ``10.0000``, ``2.5`` rather than ``2.5000``."""
    d = ledger.dec(value)
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


def _id(value: int) -> strawberry.ID:
    return strawberry.ID(str(value))


# --------------------------------------------------------------------------- loaders


def _by_id(model: type, convert: Callable[[Any], Any]) -> Callable[[Session, Sequence[int]], list[Any]]:
    def load(session: Session, keys: Sequence[int]) -> list[Any]:
        rows = {r.id: r for r in session.scalars(select(model).where(model.id.in_(list(keys))))}  # type: ignore[attr-defined]
        return [convert(rows[k]) if k in rows else None for k in keys]

    return load


def _children(model: type, fk: str, convert: Callable[[Any], Any]) -> Callable[[Session, Sequence[int]], list[list[Any]]]:
    col = getattr(model, fk)

    def load(session: Session, keys: Sequence[int]) -> list[list[Any]]:
        out: dict[int, list[Any]] = {k: [] for k in keys}
        for r in session.scalars(select(model).where(col.in_(list(keys))).order_by(model.id)):  # type: ignore[attr-defined]
            out[getattr(r, fk)].append(convert(r))
        return [out[k] for k in keys]

    return load
