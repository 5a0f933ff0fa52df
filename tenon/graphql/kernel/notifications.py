"""The signed-in user's notification inbox: list, unread count, mark read, and a push subscription.

Notifications are written by plugins through :func:`tenon.core.notifications.notify`
(usually from after-commit event subscribers). Every field here only ever
touches the signed-in user's own rows.

``notificationReceived`` (graphql-transport-ws) authenticates from the
``connection_init`` payload ``{"authorization": "Bearer <token>"}`` and reads
the inbox in its own short transactions, so no database connection is held
between looks; on PostgreSQL it looks when ``LISTEN``/``NOTIFY`` says its user
was notified (:mod:`tenon.graphql.push`; and every ``FALLBACK_SECONDS``), on
SQLite every ``POLL_INTERVAL``. It ends when the client disconnects, and with
``UNAUTHENTICATED`` once the token is revoked or expires.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from strawberry.types import Info

from tenon.core import auth
from tenon.core import notifications as service
from tenon.core.contributions import SchemaContribution
from tenon.core.errors import Unauthenticated, ValidationError
from tenon.core.ids import decode_id
from tenon.core.models import Notification
from tenon.graphql import push
from tenon.graphql.permissions import allowed
from tenon.graphql.relay import Connection, paginate

POLL_INTERVAL = 0.5
"""Seconds between two looks at the inbox of a subscribed client."""
TOKEN_RECHECK = 10.0
"""Seconds between two checks that a subscribed client's token still works."""
POLL_BATCH = 100
MAX_MARK = 500


@strawberry.type(name="Notification", description="A message in the signed-in user's inbox.")
class NotificationType:
    id: strawberry.ID = strawberry.field(description="Notification id (increasing).")
    event: str = strawberry.field(description="The event that caused it, e.g. `qc.ncr.raised`.")
    title: str = strawberry.field(description="One line for people.")
    body: str = strawberry.field(description="Longer text; may be empty.")
    entity_type: str | None = strawberry.field(description="Table of the record it is about, e.g. `qc_ncr`.")
    entity_id: str | None = strawberry.field(description="Id of the record it is about.")
    created_at: dt.datetime = strawberry.field(description="When it was delivered to the inbox.")
    read_at: dt.datetime | None = strawberry.field(description="When it was marked read; null while unread.")

    @strawberry.field(description="Whether it was marked read.")
    def read(self) -> bool:
        return self.read_at is not None

    @classmethod
    def from_model(cls, n: Notification) -> NotificationType:
        return cls(id=strawberry.ID(str(n.id)), event=n.event, title=n.title, body=n.body or "",
                   entity_type=n.entity_type, entity_id=n.entity_id, created_at=n.created_at, read_at=n.read_at)


@strawberry.type(description="The result of marking notifications read.")
class NotificationMarkReadPayload:
    notifications: list[NotificationType] = strawberry.field(
        description="The notifications now marked read (ids of other users' notifications are ignored).")
    unread_count: int = strawberry.field(description="How many unread notifications remain.")


def _ids(values: list[strawberry.ID]) -> list[int]:
    if len(values) > MAX_MARK:
        raise ValidationError(f"at most {MAX_MARK} ids at once", field="ids")
    return [decode_id(v, f"ids[{i}]") for i, v in enumerate(values)]


@strawberry.type
class NotificationQuery:
    @strawberry.field(description="The signed-in user's notifications, newest first.",
                      extensions=allowed("core.notification", "read"))
    async def notifications(
        self, info: Info,
        unread_only: Annotated[bool, strawberry.argument(description="Only unread notifications.")] = False,
        first: Annotated[int | None, strawberry.argument(description="Page size.")] = None,
        after: Annotated[str | None, strawberry.argument(description="Cursor to continue after.")] = None,
    ) -> Connection[NotificationType]:
        actor = info.context.require_actor()
        stmt = select(Notification).where(Notification.user_id == actor.user_id).order_by(Notification.id.desc())
        if unread_only:
            stmt = stmt.where(Notification.read_at.is_(None))
        return await paginate(info.context, stmt, first=first, after=after, convert=NotificationType.from_model)

    @strawberry.field(description="How many of the signed-in user's notifications are unread.",
                      extensions=allowed("core.notification", "read"))
    async def unread_notification_count(self, info: Info) -> int:
        actor = info.context.require_actor()
        return await info.context.run(service.unread_count, actor.user_id)


@strawberry.type
class NotificationMutation:
    @strawberry.mutation(description="Mark some of the signed-in user's notifications read.",
                         extensions=allowed("core.notification", "update"))
    async def notification_mark_read(
        self, info: Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Ids of the notifications to mark read.")],
    ) -> NotificationMarkReadPayload:
        actor = info.context.require_actor()
        wanted = _ids(ids)

        def mark(session: Session) -> NotificationMarkReadPayload:
            done = service.mark_read(session, actor.user_id, wanted)
            rows = session.scalars(select(Notification).where(Notification.id.in_(done)).order_by(Notification.id))
            return NotificationMarkReadPayload(notifications=[NotificationType.from_model(n) for n in rows],
                                               unread_count=service.unread_count(session, actor.user_id))

        return await info.context.run(mark)


def _poll(session: Session, user_id: int, last_id: int, token: str | None, check_token: bool) -> list[Notification]:
    if check_token and (token is None or auth.actor_for_token(session, token) is None):
        raise Unauthenticated("the token of this subscription was revoked or expired; sign in again")
    return list(session.scalars(
        select(Notification).where(Notification.user_id == user_id, Notification.id > last_id)
        .order_by(Notification.id).limit(POLL_BATCH)
    ))


def _latest(session: Session, user_id: int) -> int:
    return int(session.scalar(select(func.max(Notification.id)).where(Notification.user_id == user_id)) or 0)


@strawberry.type
class NotificationSubscription:
    @strawberry.subscription(
        description="Push each new notification of the signed-in user as it arrives. Over graphql-transport-ws, "
        'sign in with the connection_init payload {"authorization": "Bearer <token>"}.',
        extensions=allowed("core.notification", "read"))
    async def notification_received(
        self, info: Info,
        after_id: Annotated[strawberry.ID | None, strawberry.argument(
            description="Also push notifications after this id that already exist (catch up after `notifications`); "
            "default: only ones that arrive after subscribing.")] = None,
    ) -> AsyncGenerator[NotificationType, None]:
        context: Any = info.context
        actor = context.require_actor()
        token = context.token
        engine = context.tenon.async_engine
        try:
            last_id = int(after_id) if after_id is not None else None
        except ValueError:
            raise ValidationError("not a notification id", field="afterId") from None

        async def run(fn: Any, *args: Any) -> Any:
            # a short transaction per look: nothing is held open between polls
            async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
                return await session.run_sync(lambda s: fn(s, *args))

        hub = getattr(context.server, "notification_hub", None)
        with hub.waiter(actor.user_id) if hub is not None else contextlib.nullcontext() as woken:
            if last_id is None:
                last_id = await run(_latest, actor.user_id)
            checked = time.monotonic()
            while True:
                recheck = time.monotonic() - checked >= TOKEN_RECHECK
                if woken is not None:
                    woken.clear()  # a wake-up from now on means: look again
                rows = await run(_poll, actor.user_id, last_id, token, recheck)
                if recheck:
                    checked = time.monotonic()
                for row in rows:
                    last_id = row.id
                    yield NotificationType.from_model(row)
                if len(rows) >= POLL_BATCH:
                    continue
                if woken is None:
                    await asyncio.sleep(POLL_INTERVAL)
                else:
                    wait = max(0.0, min(push.FALLBACK_SECONDS, TOKEN_RECHECK - (time.monotonic() - checked)))
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(woken.wait(), timeout=wait)


CONTRIBUTION = SchemaContribution(query=NotificationQuery, mutation=NotificationMutation,
                                  subscription=NotificationSubscription)
