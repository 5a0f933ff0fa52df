"""DataLoader batch functions of devices' GraphQL types."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Device


def devices_by_id(session: Session, keys: Sequence[int]) -> list[Any]:
    rows = {d.id: d for d in session.scalars(select(Device).where(Device.id.in_(list(keys))))}
    return [rows.get(k) for k in keys]
