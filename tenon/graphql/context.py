"""The per-operation context: the app, the actor, the session and the DataLoaders.

The sync/async seam: resolvers are ``async``; the domain (services, hooks) is
plain sync code called through :meth:`Context.run`, which runs it on a worker
thread (:data:`DB_THREADS`) in the operation's one sync session, on the API's
request engine (:attr:`tenon.core.kernel.Tenon.request_engine`). One hop per
call, whatever the call does: with an ``AsyncSession`` (aiosqlite, psycopg's
async mode) every statement was a hop through greenlets and, on SQLite, a
thread, which cost more than the statements (see the README's architecture
section for the measurement). A read-only operation on SQLite runs its calls
on the event loop instead (:attr:`Context.inline`): there a read never waits
on another transaction, and a hop (about 0.35 ms of CPU) costs more than a
list page. A session must not be used by two threads at
once, and graphql-core resolves sibling fields concurrently, so every database
call goes through one lock per operation; DataLoaders keep that from costing
round trips.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.litestar import BaseContext
from strawberry.types import Info

from tenon.core.errors import Unauthenticated

from concurrent.futures import ThreadPoolExecutor

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from tenon.core.access import Actor
    from tenon.core.kernel import Tenon

#: The threads operations' domain work runs on (each call holds one for its duration; a call
#: waiting on a database lock blocks its thread, never the event loop).
DB_THREADS = ThreadPoolExecutor(max_workers=16, thread_name_prefix="tenon-db")

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")


class Context(BaseContext, kw_only=True):
    tenon: Any
    actor: Any = None
    token: Any = None
    session: Any = None
    request_id: str = ""
    idempotency_key: Any = None
    loaders: Any = None
    #: ``{loader name: {key: value}}`` loaded with a list page (:mod:`tenon.graphql.prefetch`)
    primed: Any = None
    lock: Any = None
    #: run domain calls on the event loop, not a worker thread (a read-only operation on SQLite,
    #: set by :class:`tenon.graphql.execution.Transaction`)
    inline: bool = False
    connection_params: Any = None
    #: the API server's runtime state (:class:`tenon.graphql.app.Server`); ``None`` outside a server
    server: Any = None

    @property
    def app(self) -> Tenon:
        return self.tenon

    def require_actor(self) -> Actor:
        if self.actor is None:
            raise Unauthenticated("sign in first: send 'Authorization: Bearer <token>'")
        return self.actor

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run sync domain code ``fn(session, *args, **kwargs)`` in the operation's transaction."""
        if self.inline:  # one thread runs the whole operation: no call can overlap another
            return fn(self.session, *args, **kwargs)
        if self.lock is None:
            self.lock = asyncio.Lock()
        session: Session = self.session
        call = functools.partial(contextvars.copy_context().run, fn, session, *args, **kwargs)
        async with self.lock:
            return await asyncio.get_running_loop().run_in_executor(DB_THREADS, call)

    def prime(self, loader: str, values: dict[Any, Any]) -> None:
        """Record ``values`` (key -> value) of DataLoader ``loader``, loaded with a list page."""
        if self.primed is None:
            self.primed = {}
        self.primed.setdefault(loader, {}).update(values)

    def batch(self, name: str, fn: Callable[[Session, Sequence[K]], Sequence[V]]) -> DataLoader[K, V]:
        """A per-request DataLoader over sync ``fn(session, keys) -> values`` (same order as keys)."""
        if self.loaders is None:
            self.loaders = {}
        if name not in self.loaders:
            async def load(keys: list[K]) -> list[V]:
                return list(await self.run(fn, keys))

            self.loaders[name] = DataLoader(load_fn=load)
        return self.loaders[name]


def ctx(info: Info[Any, Any]) -> Context:
    return info.context
