"""What every stock document shares: numbering sequences, move origins and small input helpers.

The documents' life cycles are in :mod:`tenon.plugins.stock.workflows`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from tenon.core.db import current_actor
from tenon.core.errors import ValidationError
from tenon.core.sequences import SequenceSpec


SEQUENCES = [
    SequenceSpec(code="stock.product", prefix="P-", padding=5),
    SequenceSpec(code="stock.receipt", prefix="RC-", date_format="%Y-", padding=5),
    SequenceSpec(code="stock.shipment", prefix="SH-", date_format="%Y-", padding=5),
    SequenceSpec(code="stock.requisition", prefix="MR-", date_format="%Y-", padding=5),
    SequenceSpec(code="stock.count", prefix="CC-", date_format="%Y-", padding=5),
    SequenceSpec(code="stock.transfer", prefix="TR-", date_format="%Y-", padding=5),
]

ORIGIN = {
    "receipt": "stock.receipt",
    "requisition": "stock.requisition",
    "shipment": "stock.shipment",
    "transfer": "stock.transfer",
    "count": "stock.count",
    "scan": "stock.scan",
}


def _actor(session: Session) -> str | None:
    actor = current_actor(session)
    return actor.username if actor is not None else None


def _text(value: str | None, field: str, *, required: bool = True, max_len: int = 200) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationError(f"{field} is required", field=field)
    if len(value) > max_len:
        raise ValidationError(f"{field} is longer than {max_len} characters", field=field)
    return value


def _lines(lines: Sequence[dict[str, Any]], field: str = "lines") -> None:
    if not lines:
        raise ValidationError("at least one line is required", field=field)
