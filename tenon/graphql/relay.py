"""Relay-style connections: ``first``/``after``, ``pageInfo``, ``totalCount``, a maximum page size.

Cursors are opaque strings; clients pass ``pageInfo.endCursor`` back as ``after``.
``totalCount`` is counted only when a client asks for it, with the same
``WHERE`` (so row scopes apply to counts too). A list that passes a maintained
:class:`~tenon.core.counters.RowCounter` reads its unfiltered ``totalCount`` from the
counter rows instead (summed under the same row scope); a filtered list counts its rows.
"""

from __future__ import annotations

import base64
import enum
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import strawberry
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from tenon.core.counters import RowCounter
from tenon.core.custom import entity_criteria
from tenon.core.errors import ValidationError
from tenon.graphql.prefetch import Prefetch, plain_rows

T = TypeVar("T")


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether more items follow this page.")
    has_previous_page: bool = strawberry.field(description="Whether items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item of the page.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last item; pass it as `after` for the next page.")


@strawberry.type(description="An item of a page with its cursor.")
class Edge(Generic[T]):
    node: T = strawberry.field(description="The item.")
    cursor: str = strawberry.field(description="Opaque position of the item.")


def _edges(root: strawberry.Parent[Any]) -> list[Edge[Any]]:
    # built only when a query selects them (most read the nodes only)
    offset = root._offset
    return [Edge(node=n, cursor=encode_cursor(offset + i)) for i, n in enumerate(root.nodes)]


@strawberry.type(description="A page of a list.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of the page with their cursors.", resolver=_edges)
    nodes: list[T] = strawberry.field(description="The items of the page (shortcut for edges.node).")
    page_info: PageInfo = strawberry.field(description="Paging information.")
    _count: strawberry.Private[Callable[[], Any]]
    _offset: strawberry.Private[int] = 0

    @strawberry.field(description="How many items the whole list has (with the same filters and access).")
    async def total_count(self) -> int:
        return int(await self._count())


@strawberry.enum(description="Sort direction of a list.")
class OrderDirection(enum.Enum):
    ASC = strawberry.enum_value("asc", description="Smallest first (A to Z, oldest first).")
    DESC = strawberry.enum_value("desc", description="Largest first (Z to A, newest first).")


def apply_order(stmt: Select[Any], order: Any, columns: Mapping[Any, ColumnElement[Any]], *,
                default: Any, tiebreaker: ColumnElement[Any],
                default_direction: OrderDirection = OrderDirection.ASC) -> Select[Any]:
    """Order ``stmt`` by a typed ordering input, then by a unique ``tiebreaker`` so pages never overlap.

    The convention: a list field takes ``orderBy: <Entity>Order`` where the input has
    ``field: <Entity>OrderField`` (an enum of the sortable columns) and ``direction: OrderDirection``.

    :param order: the input (``None``: ``default`` in ``default_direction``).
    :param columns: the column for each enum member of the order field.
    :param default: the enum member used when no order is given.
    :param tiebreaker: a unique column (the primary key).
    """
    field = getattr(order, "field", None) or default
    direction = getattr(order, "direction", None) or (default_direction if order is None else OrderDirection.ASC)
    column = columns[field]
    if direction is OrderDirection.DESC:
        return stmt.order_by(column.desc(), tiebreaker.desc())
    return stmt.order_by(column.asc(), tiebreaker.asc())


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind != "o" or not value.isdigit() or len(value) > 19 or int(value) >= 2**63 - 1:
            raise ValueError
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("invalid cursor", field="after") from None


def page_bounds(context: Any, first: int | None, after: str | None) -> tuple[int, int]:
    site = context.tenon.site
    limit = first if first is not None else int(site.setting("api", "default_page_size"))
    maximum = int(site.setting("api", "max_page_size"))
    if limit < 0:
        raise ValidationError("first must not be negative", field="first")
    if limit > maximum:
        raise ValidationError(f"first must be at most {maximum}", field="first", details={"max": maximum})
    offset = decode_cursor(after) + 1 if after else 0
    return offset, limit


async def paginate(context: Any, stmt: Select[Any], *, first: int | None, after: str | None,
                   convert: Callable[[Any], Any] | None = None,
                   prefetch: Sequence[Prefetch] = (),
                   counter: RowCounter | None = None,
                   columns: Sequence[Any] = ()) -> Connection[Any]:
    """Run ``stmt`` (an ORM select with an ``ORDER BY``) for one page.

    :param context: the operation context.
    :param stmt: a select of one entity, ordered deterministically.
    :param first: page size (default and maximum from the site's ``[api]`` settings).
    :param after: cursor of the item before the page.
    :param convert: maps each row to its GraphQL object (default: the row itself).
    :param prefetch: nested fields to load for the page's rows in the same database call
        (:func:`tenon.graphql.prefetch.selected`); their resolvers then answer without awaiting.
    :param counter: the maintained count of the listed model; used for ``totalCount`` only
        when ``stmt`` has no condition at all (any ``WHERE``, join, grouping or custom-field
        criterion counts the rows), and only when it can answer under the session's scopes.
    :param columns: load the page as plain rows of these column attributes of the listed entity
        (:func:`tenon.graphql.prefetch.columns`) instead of entities: ``convert`` then gets rows
        and must read only those columns. Cheaper (no identity map, no unread columns); the
        select stays an ORM select, so row scopes and custom-field criteria apply as before.
    """
    offset, limit = page_bounds(context, first, after)
    extra = entity_criteria(stmt)
    if extra:  # custom-field conditions of the list field being resolved (tenon.graphql.custom)
        stmt = stmt.where(*extra)
    if counter is not None and not _unfiltered(stmt, counter.model):
        counter = None

    page_stmt = (stmt.with_only_columns(*columns) if columns else stmt).offset(offset).limit(limit + 1)

    def fetch(session: Session) -> tuple[Sequence[Any], list[tuple[str, dict[Any, Any]]]]:
        found = plain_rows(session.execute(page_stmt)) if columns else session.scalars(page_stmt).all()
        page = found[:limit]
        return found, [(p.loader, p.run(session, page)) for p in prefetch] if page else []

    rows, primed = await context.run(fetch)
    for loader, values in primed:
        context.prime(loader, values)
    rows = list(rows)
    has_next = len(rows) > limit
    rows = rows[:limit]
    nodes = [convert(r) for r in rows] if convert else rows

    def count_rows(session: Session) -> int:
        if counter is not None:
            total = counter.total(session)
            if total is not None:
                return total
        # A subquery keeps the ORM entity, so row scopes apply to the count
        # (a Core select over the table would bypass with_loader_criteria).
        count_stmt = select(func.count()).select_from(stmt.order_by(None).subquery())
        return int(session.execute(count_stmt).scalar_one())

    async def count() -> int:
        return int(await context.run(count_rows))

    return Connection(
        nodes=nodes,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=offset > 0,
            start_cursor=encode_cursor(offset) if nodes else None,
            end_cursor=encode_cursor(offset + len(nodes) - 1) if nodes else None,
        ),
        _count=count,
        _offset=offset,
    )


def _unfiltered(stmt: Select[Any], model: type) -> bool:
    """Whether ``stmt`` selects every row of ``model`` (before row scopes): one entity, one FROM,
    no ``WHERE``, ``GROUP BY``, ``HAVING``, ``DISTINCT``, ``LIMIT`` or ``OFFSET``."""
    descriptions = stmt.column_descriptions
    if len(descriptions) != 1 or descriptions[0].get("entity") is not model:
        return False
    froms = stmt.get_final_froms()
    return (stmt.whereclause is None and len(froms) == 1 and froms[0] is model.__table__
            and not stmt._group_by_clauses and not stmt._having_criteria and not stmt._distinct
            and stmt._limit_clause is None and stmt._offset_clause is None and not stmt._setup_joins)
