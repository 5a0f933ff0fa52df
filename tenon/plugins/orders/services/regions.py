"""Sales regions (a tree: East China → Zhejiang) and the region row scope built on them."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Select, false, or_, select
from sqlalchemy.orm import Session

from tenon.core.errors import NotFound, ValidationError

from ..models import Region

REGION_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def covered_region_codes(codes: Iterable[str]) -> Select[Any]:
    """The codes of ``codes`` and of every region below them, as a subquery.

    This is how a region scope reads: a sales rep whose attribute ``regions`` lists
    ``east`` covers East China and every region under it (Zhejiang, Jiangsu...).
    """
    conds = [Region.path.like(f"%/{_like_escape(c)}/%", escape="\\") for c in codes]
    return select(Region.code).where(or_(*conds) if conds else false())


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def region_scope(model: type, values: list[Any]) -> ColumnElement[bool]:
    """Row-scope criterion for a model with a ``region_code`` column (see ``plugin.py``).

    Built once per (model, regions) and reused: the kernel asks for it on every request.
    """
    return _region_scope(model, tuple(sorted({str(v) for v in values if v})))


@functools.lru_cache(maxsize=1024)
def _region_scope(model: type, codes: tuple[str, ...]) -> ColumnElement[bool]:
    if not codes:
        return false()
    return model.region_code.in_(covered_region_codes(codes))  # type: ignore[attr-defined]


def get_region(session: Session, code: str, *, field_name: str = "regionCode") -> Region:
    region = session.scalar(select(Region).where(Region.code == code))
    if region is None:
        raise NotFound(f"no region {code!r}", field=field_name)
    return region


def create_region(session: Session, *, code: str, name: str, parent_code: str | None = None) -> Region:
    """Create a sales region, optionally under ``parent_code``.

    :raises ValidationError: bad or duplicate code, empty name, unknown parent.
    """
    code = (code or "").strip().lower()
    if not REGION_CODE_RE.match(code):
        raise ValidationError("region code must be 1-32 characters of a-z 0-9 _ -", field="code")
    if not (name or "").strip():
        raise ValidationError("region name must not be empty", field="name")
    if session.scalar(select(Region.id).where(Region.code == code)) is not None:
        raise ValidationError(f"region {code!r} already exists", field="code")
    parent = None
    if parent_code:
        parent = session.scalar(select(Region).where(Region.code == parent_code))
        if parent is None:
            raise ValidationError(f"no parent region {parent_code!r}", field="parentCode")
    region = Region(code=code, name=name.strip(), parent_id=parent.id if parent else None,
                    path=f"{parent.path if parent else '/'}{code}/")
    session.add(region)
    session.flush()
    return region


def ensure_region(session: Session, *, code: str, name: str, parent_code: str | None = None) -> Region:
    """The region ``code``, created if missing (idempotent; for demo data and imports)."""
    region = session.scalar(select(Region).where(Region.code == code))
    return region if region is not None else create_region(session, code=code, name=name, parent_code=parent_code)
