"""What every stock document shares: numbering sequences, the workflow table and small helpers.

Document workflows are data (:data:`TRANSITIONS`): :func:`_transition` refuses
any step not listed, with ``INVALID_STATE``, and flushes the new state at once so
the document's row (with its optimistic ``version``) is locked before any stock
moves: two clerks confirming the same shipment at the same time get one success
and one ``CONFLICT``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from tenon.core.db import current_actor
from tenon.core.errors import NotFound, ValidationError
from tenon.core.sequences import SequenceSpec

from ..errors import InvalidTransition


SEQUENCES = [
    SequenceSpec(code="stock.product", prefix="P-", padding=5),
    SequenceSpec(code="stock.receipt", prefix="RC-", date_format="%Y-", padding=5),
    SequenceSpec(code="stock.shipment", prefix="SH-", date_format="%Y-", padding=5),
    SequenceSpec(code="stock.requisition", prefix="MR-", date_format="%Y-", padding=5),
    SequenceSpec(code="stock.count", prefix="CC-", date_format="%Y-", padding=5),
    SequenceSpec(code="stock.transfer", prefix="TR-", date_format="%Y-", padding=5),
]

# document -> {(from_state, to_state)}
TRANSITIONS: dict[str, set[tuple[str, str]]] = {
    "receipt": {("draft", "done"), ("draft", "cancelled")},
    "requisition": {
        ("draft", "approved"), ("draft", "cancelled"), ("approved", "cancelled"),
        ("approved", "partially_issued"), ("approved", "issued"),
        ("partially_issued", "partially_issued"), ("partially_issued", "issued"),
        ("approved", "closed"), ("partially_issued", "closed"), ("issued", "closed"),
    },
    "shipment": {("draft", "picked"), ("draft", "done"), ("picked", "done"),
                 ("draft", "cancelled"), ("picked", "cancelled"), ("picked", "draft")},
    "transfer": {("draft", "done"), ("draft", "cancelled")},
    "count": {("draft", "done"), ("draft", "cancelled")},
}

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


def _transition(session: Session, doc: Any, kind: str, to: str) -> None:
    if (doc.state, to) not in TRANSITIONS[kind]:
        raise InvalidTransition(f"{kind} {doc.number} is {doc.state}; it cannot become {to}",
                                details={"state": doc.state, "to": to})
    doc.state = to
    session.flush()


def _get(session: Session, model: type, doc_id: int, what: str) -> Any:
    obj = session.get(model, int(doc_id))
    if obj is None:
        raise NotFound(f"{what} {doc_id} not found", field="id")
    return obj


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
