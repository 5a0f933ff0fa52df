"""The per-operation context: the app, the actor, the async session and the DataLoaders.

The sync/async seam: resolvers are ``async``; the domain (services, hooks) is
plain sync code called through :meth:`Context.run`, which runs it with
``AsyncSession.run_sync`` on the operation's one transaction. An
``AsyncSession`` must not be used by two coroutines at once, and graphql-core
resolves sibling fields concurrently, so every database call goes through one
lock per operation; DataLoaders keep that from costing round trips.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.litestar import BaseContext
from strawberry.types import Info

from tenon.core.errors import Unauthenticated

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession
    from sqlalchemy.orm import Session

    from tenon.core.access import Actor
    from tenon.core.kernel import Tenon

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
    lock: Any = None
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
        if self.lock is None:
            self.lock = asyncio.Lock()
        session: AsyncSession = self.session
        async with self.lock:
            return await session.run_sync(lambda s: fn(s, *args, **kwargs))

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
