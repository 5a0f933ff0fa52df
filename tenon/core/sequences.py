"""Numbering sequences per document type: ``SO-2026-00042``.

The counter row is incremented with one atomic upsert (``INSERT ... ON CONFLICT
DO UPDATE ... RETURNING``), so concurrent transactions on PostgreSQL never get
the same number: the second waits for the first's row lock until the first
commits. The counter moves inside the caller's transaction, so a transaction
that rolls back gives its number back: numbers are gapless (the price is that
documents of one sequence are numbered one transaction at a time).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from tenon.core.db import utcnow
from tenon.core.errors import TenonError
from tenon.core.models import SequenceCounter, SequenceDef


@dataclass(frozen=True)
class SequenceSpec:
    """A document numbering rule.

    :param code: ``<plugin>.<document>``, e.g. ``orders.sales_order``.
    :param prefix: literal text first (``SO-``).
    :param date_format: ``strftime`` part after the prefix, also the counter's
        reset period (``%Y-`` restarts every year); empty for one counter forever.
    :param padding: zero-padding of the counter.
    """

    code: str
    prefix: str = ""
    date_format: str = ""
    padding: int = 5


def ensure_sequences(session: Session, plugin: str, specs: list[SequenceSpec]) -> None:
    for spec in specs:
        if session.get(SequenceDef, spec.code) is None:
            session.add(SequenceDef(code=spec.code, plugin=plugin, prefix=spec.prefix,
                                    date_format=spec.date_format, padding=spec.padding))
    session.flush()


def next_number(session: Session, code: str, *, at: dt.datetime | None = None) -> str:
    """Take the next number of sequence ``code`` inside the current transaction."""
    seq = session.execute(select(SequenceDef).where(SequenceDef.code == code)).scalar_one_or_none()
    if seq is None:
        raise TenonError(f"no numbering sequence {code!r} is defined", code="SEQUENCE_MISSING")
    period = (at or utcnow()).strftime(seq.date_format) if seq.date_format else ""
    dialect = session.get_bind().dialect.name
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(SequenceCounter)
    stmt = (
        ins.values(code=code, period=period, value=1)
        .on_conflict_do_update(
            index_elements=[SequenceCounter.code, SequenceCounter.period],
            set_={"value": SequenceCounter.value + 1},
        )
        .returning(SequenceCounter.value)
    )
    value = session.execute(stmt).scalar_one()
    return f"{seq.prefix}{period}{value:0{seq.padding}d}"
