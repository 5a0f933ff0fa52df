"""What the orders GraphQL modules share: common arguments and id conversion."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from tenon.core.ids import decode_id

First = Annotated[int | None, strawberry.argument(description="Page size.")]
After = Annotated[str | None, strawberry.argument(description="Cursor to continue after.")]
IdArg = Annotated[strawberry.ID, strawberry.argument(description="Record id.")]


def _id(value: Any, field: str = "id") -> int:
    """The record id in ``value``; a malformed one is ``VALIDATION`` naming ``field``."""
    return decode_id(value, field)


def _gid(value: int) -> strawberry.ID:
    return strawberry.ID(str(value))
