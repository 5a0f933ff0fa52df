"""Root subscription fields of mrp: the work-center load, pushed when it changes (wall screens)."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from tenon.core import auth
from tenon.core.errors import Unauthenticated
from tenon.graphql.permissions import allowed

from ..services import capacity
from .types.capacity import WorkCenterDayLoad

POLL_INTERVAL = 1.0
"""Seconds between two computations of the load for a subscribed client."""
TOKEN_RECHECK = 10.0
"""Seconds between two checks that a subscribed client's token still works."""


def _load(tenon: Any, actor: Any, token: str | None, check_token: bool, start: dt.date, end: dt.date) -> list[Any]:
    # one short unit of work per look, with the subscriber's row scopes; nothing held between looks
    with tenon.transaction(actor=actor) as session:
        if check_token and (token is None or auth.actor_for_token(session, token) is None):
            raise Unauthenticated("the token of this subscription was revoked or expired; sign in again")
        return capacity.work_center_load(session, start, end)


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="The work-center load of `from` to `to` (as `workCenterLoad`): pushed once at subscription "
        "and again within about a second whenever a figure changes (an operation reported, work released). Over "
        'graphql-transport-ws, sign in with the connection_init payload {"authorization": "Bearer <token>"}.',
        extensions=allowed("mrp.capacity", "read"))
    async def work_center_load_changed(
        self, info: Info, from_: Annotated[dt.date, strawberry.argument(name="from", description="First day.")],
        to: Annotated[dt.date, strawberry.argument(description="Last day (at most a year later).")],
    ) -> AsyncGenerator[list[WorkCenterDayLoad], None]:
        context: Any = info.context
        actor = context.require_actor()
        last: list[Any] | None = None
        checked = time.monotonic()
        while True:
            recheck = time.monotonic() - checked >= TOKEN_RECHECK
            rows = await asyncio.to_thread(_load, context.tenon, actor, context.token, recheck, from_, to)
            if recheck:
                checked = time.monotonic()
            if rows != last:
                last = rows
                yield [WorkCenterDayLoad.from_row(r) for r in rows]
            await asyncio.sleep(POLL_INTERVAL)
