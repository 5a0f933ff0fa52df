"""Access declared on fields: every root field carries ``Access(obj, act)`` or ``Public()``."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.types import Info

from tenon.core.errors import Forbidden


class Access(FieldExtension):
    """Require the signed-in actor to be allowed ``act`` on ``obj`` (Casbin); else ``FORBIDDEN``."""

    def __init__(self, obj: str, act: str) -> None:
        self.obj = obj
        self.act = act

    def check(self, info: Info[Any, Any]) -> None:
        context = info.context
        actor = context.require_actor()
        if not context.tenon.access.can(actor, self.obj, self.act):
            raise Forbidden(f"not allowed: {self.act} on {self.obj}")

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info[Any, Any], **kwargs: Any) -> Any:
        self.check(info)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info[Any, Any], **kwargs: Any) -> Any:
        self.check(info)
        context = info.context
        session = context.session
        if session is None or self.act == "read":
            result = next_(source, info, **kwargs)
            return await result if inspect.isawaitable(result) else result
        # mutation fields run one at a time, so narrowing the session for this field is safe
        with context.tenon.access.acting(session, context.actor, self.obj, self.act):
            result = next_(source, info, **kwargs)
            return await result if inspect.isawaitable(result) else result


class Public(FieldExtension):
    """Marks a root field usable without signing in (only ``login`` is)."""

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info[Any, Any], **kwargs: Any) -> Any:
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info[Any, Any], **kwargs: Any) -> Any:
        result = next_(source, info, **kwargs)
        return await result if inspect.isawaitable(result) else result


class Authenticated(Public):
    """Any signed-in user (their own data: ``me``, ``logout``, notifications)."""

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info[Any, Any], **kwargs: Any) -> Any:
        info.context.require_actor()
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info[Any, Any], **kwargs: Any) -> Any:
        info.context.require_actor()
        result = next_(source, info, **kwargs)
        return await result if inspect.isawaitable(result) else result


def allowed(obj: str, act: str) -> list[FieldExtension]:
    """``@strawberry.field(extensions=allowed("stock.item", "read"))``."""
    return [Access(obj, act)]
