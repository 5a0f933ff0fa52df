"""Exact idempotent replays under concurrency: claim the key first, replay once the first finished.

A mutation sent with ``Idempotency-Key`` (by a signed-in user) first *claims* the key: it inserts
the key row, marked pending, in a short transaction of its own. The request that gets the row runs
the mutation and stores its result in that row in the mutation's own transaction (so the result
and the effects commit together); when the mutation fails, the claim is released (deleted) and a
retry really runs. A concurrent request with the same key finds the row and waits until it holds a
result, then returns that result without executing; a different request under the key is a
``CONFLICT``. A pending claim older than :data:`STALE_SECONDS` (a crashed server) is taken over.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

from graphql import ExecutionResult, GraphQLError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, OperationalError

from tenon.core.errors import Conflict
from tenon.core.models import IdempotencyKey

PENDING = {"pending": True}
POLL_SECONDS = 0.05
WAIT_SECONDS = 60.0
STALE_SECONDS = 120.0


def _conflict() -> ExecutionResult:
    err = GraphQLError("this Idempotency-Key was already used for a different request",
                       original_error=Conflict("idempotency key reused with a different request",
                                               field="Idempotency-Key"))
    return ExecutionResult(data=None, errors=[err])


def _claim_or_read(session: Any, user_id: int, key: str, request_hash: str) -> IdempotencyKey | None:
    """Insert the pending row (``None``: claimed) or return the row someone else holds."""
    row = session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))
    if row is not None:
        age = (dt.datetime.now(dt.timezone.utc) - _aware(row.created_at)).total_seconds()
        if row.response != PENDING or age < STALE_SECONDS:
            return row
        session.delete(row)  # abandoned by a crashed request: take it over
        session.flush()
    session.add(IdempotencyKey(user_id=user_id, key=key, request_hash=request_hash, response=dict(PENDING)))
    session.flush()
    return None


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.timezone.utc)


async def claim(factory: Any, user_id: int, key: str, request_hash: str) -> ExecutionResult | None:
    """Claim ``key`` for this request (``None``: go ahead and execute) or wait for the request that
    holds it and return its result (or a ``CONFLICT`` for a different request under the same key).

    :param factory: an ``async_sessionmaker`` of the app's engine.
    """
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        row = None
        try:
            async with factory() as session, session.begin():
                row = await session.run_sync(_claim_or_read, user_id, key, request_hash)
                if row is not None:
                    row = (row.request_hash, row.response)
        except (IntegrityError, OperationalError):
            row = ("", PENDING)  # a concurrent claim won the insert (or held the SQLite lock): look again
        if row is None:
            return None
        stored_hash, response = row
        if stored_hash and stored_hash != request_hash:
            return _conflict()
        if response != PENDING:
            return ExecutionResult(data=response.get("data"), errors=None)
        if time.monotonic() > deadline:
            return ExecutionResult(data=None, errors=[GraphQLError(
                "the first request with this Idempotency-Key is still running; retry later",
                original_error=Conflict("idempotency key still in use", field="Idempotency-Key"))])
        await asyncio.sleep(POLL_SECONDS)


def remember(session: Any, user_id: int, key: str, data: Any) -> None:
    """Store the result in the claimed row, in the mutation's transaction."""
    row = session.scalar(select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))
    row.response = {"data": data}
    session.flush()


async def release(factory: Any, user_id: int, key: str) -> None:
    """Delete a pending claim after the mutation failed (a retry then really runs)."""
    async with factory() as session, session.begin():
        await session.execute(delete(IdempotencyKey).where(
            IdempotencyKey.user_id == user_id, IdempotencyKey.key == key))
