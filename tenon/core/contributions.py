"""What a plugin hands to the API layer: plain data, so the kernel never imports GraphQL code."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SchemaContribution:
    """GraphQL pieces of one plugin.

    :param query: a ``@strawberry.type`` class whose fields become root ``Query`` fields.
    :param mutation: the same for ``Mutation``.
    :param subscription: the same for ``Subscription``.
    :param types: extra types to include (interfaces' implementations, types only
        reachable through ``extend``).
    :param extend: fields added to another plugin's type, by GraphQL type name:
        ``{"WorkOrder": [strawberry.field(resolver=rework_orders)]}``. The
        resolver's first parameter is ``root`` (the other plugin's object).
    :param loaders: per-request DataLoader factories by name:
        ``{"orders_by_customer": lambda ctx: DataLoader(...)}``; read them with
        ``info.context.loader("orders_by_customer")``.
    """

    query: type | None = None
    mutation: type | None = None
    subscription: type | None = None
    types: Sequence[type] = ()
    extend: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    loaders: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
