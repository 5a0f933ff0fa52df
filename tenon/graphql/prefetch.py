"""Nested fields of a list page resolved without one coroutine per object (issue 13's read path).

A nested field served by a DataLoader costs an ``async`` resolver per object: for a page of 100
orders with ``customer`` and ``item``, 200 coroutines and as many event-loop turns, which cost more
than the two SELECTs behind them (``bench/graphql_read.py``: a bare strawberry server with two async
nested fields runs at ~0.35x the same server with plain attributes). So a list resolver may load
the page's nested rows itself, in the same database call as the page (same session, so the same row
scopes apply to every statement), and the nested resolvers answer those at once:

* the owning type declares a :class:`Prefetch` per nested field: the DataLoader name the field
  uses, its batch function ``fn(session, keys) -> values`` and how a page row gives its key;
* the list resolver passes ``prefetch=selected(info, TYPE_PREFETCH)`` to
  :func:`tenon.graphql.relay.paginate`, which runs the batches of the fields the query selects
  (under ``nodes`` or ``edges { node }``, fragments included) right after the page's SELECT and
  primes the context with their results;
* the field's resolver is a plain ``def`` returning ``PREFETCH.load(info, key, convert)``
  (:func:`load`): the primed value when there is
  one, else an awaitable through the DataLoader (the same object outside a list page, e.g. a
  mutation's payload, or a key the page did not prime). graphql-core awaits what is awaitable, so
  one resolver serves both.

The statement count is what the DataLoaders send (one SELECT per nested field per page), so the
N+1 tests keep their bounds; what goes away is the per-object awaiting.

Such a resolver may also be marked :func:`direct` (under ``@strawberry.field``): the schema then
calls it straight from graphql-core, without strawberry's per-call wrapping (an ``Info`` object, the
argument conversion, the extension chain): on ``bench/graphql_read.py``'s page of 100 orders with
two nested fields, 35,200 Python calls per request became 30,600. Its ``info`` is then
graphql-core's ``GraphQLResolveInfo``, whose ``context`` is the same operation context, so a body
that reads only ``info.context`` (as :meth:`Prefetch.load` does) works either way.
"""

from __future__ import annotations

import functools
from collections import namedtuple
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLObjectType
from sqlalchemy import Result, bindparam, select
from sqlalchemy.orm import Session
from strawberry.types import Info
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField


@dataclass(frozen=True)
class Prefetch:
    """How a list page loads one nested field of its rows.

    :param loader: the DataLoader name the field's resolver uses (``"orders.customer_by_id"``).
    :param batch: ``fn(session, keys) -> values`` in the order of ``keys`` (the DataLoader's).
    :param key: gives a page row's key (``lambda order: order.customer_id``); ``None``: nothing.
    """

    loader: str
    batch: Callable[[Session, Sequence[Any]], Sequence[Any]]
    key: Callable[[Any], Any]
    #: maps each loaded value to what the field returns, once per key (``None`` values included);
    #: ``None``: the field's resolver converts (e.g. several fields over one loader)
    convert: Callable[[Any], Any] | None = None

    def load(self, info: Info, key: Any, convert: Callable[[Any], Any] | None = None) -> Any:
        """:func:`load` through this prefetch's DataLoader: the body of the field's resolver.
        ``convert`` applies after the prefetch's own."""
        return load(info, self.loader, self._batch, key, convert)

    def _batch(self, session: Session, keys: Sequence[Any]) -> Sequence[Any]:
        values = self.batch(session, keys)
        return values if self.convert is None else list(map(self.convert, values))

    def run(self, session: Session, rows: Iterable[Any]) -> dict[Any, Any]:
        keys = list(dict.fromkeys(k for k in map(self.key, rows) if k is not None))
        if not keys:
            return {}
        return dict(zip(keys, self._batch(session, keys), strict=True))


def columns(model: type, *names: str) -> tuple[Any, ...]:
    """The column attributes ``names`` of ``model`` (all its mapped columns when none are named),
    for :func:`rows_by_id` and ``paginate(..., columns=...)``: what a type's ``from_model`` reads."""
    mapper = model.__mapper__  # type: ignore[attr-defined]
    keys = names or tuple(a.key for a in mapper.column_attrs)
    unknown = [n for n in keys if n not in mapper.column_attrs]
    if unknown:
        raise ValueError(f"{model.__name__} has no column {', '.join(unknown)}")
    return tuple(getattr(model, n) for n in keys)


@functools.lru_cache(maxsize=512)
def _row_class(keys: tuple[str, ...]) -> Any:
    return namedtuple("Row", keys, rename=True)._make


def plain_rows(result: Result[Any]) -> list[Any]:
    """The rows of ``result`` as named tuples (``row.number``, ``row[0]``).

    SQLAlchemy's ``Row`` resolves each attribute by name at every read (about 0.75 µs on
    SQLAlchemy 2.1), which was a quarter of a 100-row page's conversion; a named tuple's
    attribute is a C slot read. Built once per column set."""
    return list(map(_row_class(tuple(result.keys())), result))


def rows_by_id(model: type, cols: Sequence[Any] | None = None) -> Callable[[Session, Sequence[Any]], list[Any]]:
    """A batch function ``fn(session, ids) -> rows`` over ``model``'s ``id``: plain rows of ``cols``
    (default: every column), ``None`` for an id that does not exist or is outside the reader's
    scope. Rows, not entities: no identity map, no instance state, no unread columns (on a page of
    100 orders with their customers, about a quarter of the nested loading's cost). The select stays
    an ORM select, so row scopes apply. Use it where the value only feeds a ``from_model`` that
    reads those columns; a value that is changed or whose relationships are read needs the entity."""
    selected = tuple(cols) if cols else columns(model)
    key = model.id  # type: ignore[attr-defined]
    if not any(c is key for c in selected):
        selected = (key, *selected)

    # built once: a statement built per call coerced every key and computed its cache key anew
    stmt = select(*selected).where(key.in_(bindparam("ids", expanding=True)))

    def load(session: Session, keys: Sequence[Any]) -> list[Any]:
        found = {r.id: r for r in plain_rows(session.execute(stmt, {"ids": list(keys)}))}
        return [found.get(k) for k in keys]

    return load


def _names(selections: Iterable[Any]) -> Iterable[tuple[str, list[Any]]]:
    for sel in selections:
        if isinstance(sel, SelectedField):
            yield sel.name, sel.selections
        elif isinstance(sel, (FragmentSpread, InlineFragment)):
            yield from _names(sel.selections)


def node_fields(info: Info) -> set[str]:
    """The field names the query selects on the nodes of the connection being resolved
    (``nodes { … }`` and ``edges { node { … } }``, through fragments)."""
    out: set[str] = set()
    for field in info.selected_fields:
        for name, subs in _names(field.selections):
            if name == "nodes":
                out.update(n for n, _ in _names(subs))
            elif name == "edges":
                for edge_name, node_subs in _names(subs):
                    if edge_name == "node":
                        out.update(n for n, _ in _names(node_subs))
    return out


def selects(info: Info, name: str) -> bool:
    """Whether the query selects ``name`` on the object the field being resolved returns (through
    fragments): a mutation's payload reads what only a selected field shows when it is selected."""
    return any(n == name for field in info.selected_fields for n, _ in _names(field.selections))


def selected(info: Info, declared: Mapping[str, Prefetch]) -> list[Prefetch]:
    """The prefetches of ``declared`` (GraphQL field name -> prefetch; fields served by one loader
    share it) that the query selects on the page's nodes, each loader once; pass the result as
    ``paginate(..., prefetch=...)``."""
    wanted = node_fields(info)
    out: dict[str, Prefetch] = {}
    for name, p in declared.items():
        if name in wanted:
            out.setdefault(p.loader, p)
    return list(out.values())


_MISSING = object()

#: the attribute :func:`direct` sets on a resolver function
DIRECT = "_tenon_direct"


def direct(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a plain ``def field(self, info)`` resolver to be called by graphql-core directly.

    Use under ``@strawberry.field(...)`` for nested fields of list pages (see the module doc). The
    resolver must take no arguments but ``info``, carry no field extensions or permission classes
    (graphql-core would pass arguments unconverted and skip the checks: the schema refuses both at
    startup, :func:`install_direct`) and read nothing of ``info`` but ``info.context``.
    """
    setattr(fn, DIRECT, True)
    return fn


def install_direct(schema: Any) -> list[str]:
    """Give every field whose resolver is marked :func:`direct` a graphql-core resolver that calls
    it with ``(source, info)``; returns the ``Type.field`` names. ``schema`` is the graphql-core
    schema a strawberry schema built. Raises ``ValueError`` for a marked field that cannot be."""
    done: list[str] = []
    for type_name, gtype in schema.type_map.items():
        if not isinstance(gtype, GraphQLObjectType):
            continue
        for name, gfield in gtype.fields.items():
            sfield = (gfield.extensions or {}).get("strawberry-definition")
            resolver = getattr(sfield, "base_resolver", None)
            fn = getattr(resolver, "wrapped_func", None)
            fn = getattr(fn, "__func__", fn)
            if fn is None or not getattr(fn, DIRECT, False):
                continue
            where = f"{type_name}.{name}"
            if sfield.arguments or gfield.args:
                raise ValueError(f"{where}: a direct resolver takes no arguments")
            if sfield.extensions or getattr(sfield, "permission_classes", None):
                raise ValueError(f"{where}: a direct resolver carries no field extensions or permissions")
            gfield.resolve = fn
            done.append(where)
    return done


def load(info: Info, loader: str, batch: Callable[[Session, Sequence[Any]], Sequence[Any]], key: Any,
         convert: Callable[[Any], Any] | None = None) -> Any:
    """The value of DataLoader ``loader`` for ``key``, converted: at once when the page primed it,
    else an awaitable (graphql-core awaits it). Use as the body of a plain ``def`` resolver."""
    context = info.context
    primed = (context.primed or {}).get(loader)
    value = primed.get(key, _MISSING) if primed is not None else _MISSING
    if value is not _MISSING:
        return convert(value) if convert is not None else value

    async def later() -> Any:
        found = await context.batch(loader, batch).load(key)
        return convert(found) if convert is not None else found

    return later()
