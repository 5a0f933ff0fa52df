"""Push on PostgreSQL: ``LISTEN``/``NOTIFY`` wakes subscriptions instead of polling.

:func:`tenon.core.notifications.notify` sends ``NOTIFY tenon_notifications, '<user ids>'`` in the
writing transaction (PostgreSQL delivers it at commit, never for a rolled-back one). Each server
process keeps one :class:`NotificationHub`: one connection that ``LISTEN``s and wakes the
subscriptions of the users named. A subscription still reads its rows from the table (the
notification is only a wake-up), so nothing is lost when the listening connection drops: the hub
reconnects and wakes everyone, and every subscription also looks on its own every
:data:`FALLBACK_SECONDS`. SQLite has no such channel: subscriptions poll there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from typing import Any

from sqlalchemy.engine import make_url

from tenon.core.notifications import CHANNEL

log = logging.getLogger(__name__)
FALLBACK_SECONDS = 30.0
"""On PostgreSQL, a subscription also looks at its inbox this often without a wake-up."""


class NotificationHub:
    """One ``LISTEN`` connection per server process, waking the subscriptions of notified users."""

    def __init__(self, database_url: str) -> None:
        url = make_url(database_url)
        self.conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.waiters: dict[int, set[asyncio.Event]] = {}
        self.listening = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.task is None:
            self.task = asyncio.get_running_loop().create_task(self._listen())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None

    @contextlib.contextmanager
    def waiter(self, user_id: int) -> Iterator[asyncio.Event]:
        """An event set whenever ``user_id`` is notified (or the hub lost its connection)."""
        self.start()
        event = asyncio.Event()
        self.waiters.setdefault(user_id, set()).add(event)
        try:
            yield event
        finally:
            self.waiters[user_id].discard(event)
            if not self.waiters[user_id]:
                del self.waiters[user_id]

    def _wake(self, user_ids: Any = None) -> None:
        targets = self.waiters if user_ids is None else {u: self.waiters.get(u, ()) for u in user_ids}
        for events in list(targets.values()):
            for event in list(events):
                event.set()

    async def _listen(self) -> None:
        import psycopg

        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    self._wake()  # anything sent while not listening is read now
                    async for note in conn.notifies():
                        ids = [int(part) for part in note.payload.split(",") if part.isdigit()]
                        self._wake(ids)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the subscriptions fall back to looking on their own
                log.warning("notification listener lost its connection: %s", exc)
            self.listening.clear()
            self._wake()
            await asyncio.sleep(1.0)
