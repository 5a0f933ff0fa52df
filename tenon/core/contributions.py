"""What a plugin hands to the API layer: plain data, so the kernel never imports GraphQL code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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

    Per-request DataLoaders need no registration: a resolver asks for one with
    ``info.context.batch(name, fn)`` (:meth:`tenon.graphql.context.Context.batch`).
    """

    query: type | None = None
    mutation: type | None = None
    subscription: type | None = None
    types: Sequence[type] = ()
    extend: Mapping[str, Sequence[Any]] = field(default_factory=dict)
