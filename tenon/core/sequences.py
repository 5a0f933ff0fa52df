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


#: ``session.info`` key: the plugin-set version this unit of work read when it began (a request's
#: sign-in, :func:`tenon.core.auth.sign_in`). Every change of a sequence definition (install,
#: upgrade, a published configuration) bumps that version, and bumping it in a session drops the key
#: (:func:`tenon.core.access.bump_version`).
SITE_VERSION_KEY = "tenon.plugins_version"


@dataclass(frozen=True)
class _Definition:
    prefix: str
    date_format: str
    padding: int


def _definition(session: Session, code: str) -> _Definition:
    """The definition of ``code``: from the app's cache when this unit of work knows the plugin-set
    version it began with and the cache was filled under that same version, else read."""
    version = session.info.get(SITE_VERSION_KEY)
    app = session.info.get("app")
    cache: dict[str, tuple[int, _Definition]] | None = (
        app.sequence_definitions if app is not None and version is not None else None)
    if cache is not None:
        hit = cache.get(code)
        if hit is not None and hit[0] == version:
            return hit[1]
    seq = session.execute(select(SequenceDef).where(SequenceDef.code == code)).scalar_one_or_none()
    if seq is None:
        raise TenonError(f"no numbering sequence {code!r} is defined", code="SEQUENCE_MISSING")
    found = _Definition(seq.prefix, seq.date_format, seq.padding)
    if cache is not None:
        cache[code] = (version, found)  # type: ignore[assignment]
    return found


def next_number(session: Session, code: str, *, at: dt.datetime | None = None) -> str:
    """Take the next number of sequence ``code`` inside the current transaction.

    One statement per number in a request: the definition is cached per worker under the site's
    plugin-set version, which the request's sign-in read (``SITE_VERSION_KEY``)."""
    seq = _definition(session, code)
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
