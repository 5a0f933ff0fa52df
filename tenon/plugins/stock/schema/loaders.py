"""DataLoader batch-function factories behind the stock types' nested fields (one select per field per
request, never N+1): ``info.context.batch(key, by_id(Model, convert)).load(id)``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session


def by_id(model: type, convert: Callable[[Any], Any]) -> Callable[[Session, Sequence[int]], list[Any]]:
    """Batch: one ``model`` row per id, converted (``None`` for a missing one)."""

    def load(session: Session, keys: Sequence[int]) -> list[Any]:
        rows = {r.id: r for r in session.scalars(select(model).where(model.id.in_(list(keys))))}  # type: ignore[attr-defined]
        return [convert(rows[k]) if k in rows else None for k in keys]

    return load


def children(model: type, fk: str, convert: Callable[[Any], Any]) -> Callable[[Session, Sequence[int]], list[list[Any]]]:
    """Batch: per parent id, the ``model`` rows whose ``fk`` names it, converted, by id."""
    col = getattr(model, fk)

    def load(session: Session, keys: Sequence[int]) -> list[list[Any]]:
        out: dict[int, list[Any]] = {k: [] for k in keys}
        for r in session.scalars(select(model).where(col.in_(list(keys))).order_by(model.id)):  # type: ignore[attr-defined]
            out[getattr(r, fk)].append(convert(r))
        return [out[k] for k in keys]

    return load
