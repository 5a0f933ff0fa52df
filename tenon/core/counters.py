"""Maintained row counts: ``totalCount`` of an unfiltered list from a few counter rows.

A plugin that owns a big list declares a :class:`RowCounter`: the counted model, and a counter
model with the model's scope columns (``keys``, e.g. ``region_code``), a ``slot`` and ``n``
(primary key: keys + slot). Every flush that inserts or deletes rows of the model, or changes
one of the key columns, adds the net deltas per key value to one randomly picked slot of that
value (``INSERT ... ON CONFLICT DO UPDATE SET n = n + delta``), in the same transaction, so two
concurrent inserts for the same region meet on the same counter row only one time in ``slots``
(the row lock is held until commit); the read sums the slots.

Exactness with the list: the count sums the counter rows under the *same* row-scope criterion
as the list, built by the model's own :class:`~tenon.core.access.RowScope` functions applied to
the counter model (so the key columns must include every column those criteria read). When
that is not possible (a criterion over another column, extra criteria of
:meth:`~tenon.core.access.AccessControl.acting`), :meth:`RowCounter.total` returns ``None`` and
the caller counts the rows. Bulk ORM inserts of the model (``session.execute(insert(M), rows)``)
and bulk deletes are counted too; a bulk ``UPDATE`` of a key column is refused. Raw SQL writes
bypass the counter: call :meth:`RowCounter.rebuild` afterwards (migrations, bulk loaders).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, ColumnElement, delete, event, false, func, insert, inspect, or_, select, update
from sqlalchemy.orm import ORMExecuteState, Session

_PENDING = "tenon_counter_deltas"
_INSTALLED: dict[type, RowCounter] = {}


@dataclass(frozen=True, eq=False)
class RowCounter:
    """Maintained count of ``model``'s rows per value of ``keys``, kept in ``counter``.

    :param model: the counted mapped class (``SalesOrder``).
    :param counter: the mapped counter class: columns ``keys``, ``slot`` (int) and ``n`` (bigint).
    :param keys: the model's columns the counter is split by (its row-scope columns).
    :param slots: counter rows per key value (spreads the row locks of concurrent inserts).
    """

    model: type
    counter: type
    keys: tuple[str, ...]
    slots: int = 8

    # -- maintenance ------------------------------------------------------------------
    def install(self) -> RowCounter:
        """Register the ORM events (idempotent; call at import of the owner's models)."""
        if self.model in _INSTALLED:
            return _INSTALLED[self.model]
        _INSTALLED[self.model] = self
        for key in self.keys:
            # active_history: the old value is loaded before a key column is set, so the
            # update's delta knows which key value loses the row
            event.listen(getattr(self.model, key), "set", _noop, active_history=True)
        event.listen(self.model, "after_insert", self._inserted)
        event.listen(self.model, "after_delete", self._deleted)
        event.listen(self.model, "after_update", self._updated)
        return self

    def _add(self, target: Any, key: tuple[Any, ...], delta: int) -> None:
        session = inspect(target).session
        pending = session.info.setdefault(_PENDING, {})
        per_key = pending.setdefault(self, defaultdict(int))
        per_key[key] += delta

    def _current(self, target: Any) -> tuple[Any, ...]:
        return tuple(getattr(target, k) for k in self.keys)

    def _committed(self, target: Any) -> tuple[Any, ...]:
        state = inspect(target)
        out = []
        for k in self.keys:
            history = state.attrs[k].history
            if history.deleted:
                out.append(history.deleted[0])
            elif history.unchanged:
                out.append(history.unchanged[0])
            else:
                out.append(getattr(target, k))
        return tuple(out)

    def _inserted(self, mapper: Any, connection: Connection, target: Any) -> None:
        self._add(target, self._current(target), +1)

    def _deleted(self, mapper: Any, connection: Connection, target: Any) -> None:
        self._add(target, self._committed(target), -1)

    def _updated(self, mapper: Any, connection: Connection, target: Any) -> None:
        state = inspect(target)
        if not any(state.attrs[k].history.has_changes() for k in self.keys):
            return
        self._add(target, self._committed(target), -1)
        self._add(target, self._current(target), +1)

    def apply(self, connection: Connection, deltas: Mapping[tuple[Any, ...], int]) -> int:
        """Write ``deltas`` (key values -> change) to random slots; returns the statements sent."""
        sent = 0
        table = self.counter.__table__
        for key in sorted(k for k, d in deltas.items() if d):  # a fixed order: no lock-order deadlock
            row = {**dict(zip(self.keys, key, strict=True)), "slot": random.randrange(self.slots), "n": deltas[key]}
            dialect = connection.dialect.name
            if dialect in ("postgresql", "sqlite"):
                if dialect == "postgresql":
                    from sqlalchemy.dialects.postgresql import insert as upsert
                else:
                    from sqlalchemy.dialects.sqlite import insert as upsert
                stmt = upsert(table).values(row)
                stmt = stmt.on_conflict_do_update(index_elements=[*self.keys, "slot"],
                                                  set_={"n": table.c.n + stmt.excluded.n})
                connection.execute(stmt)
            else:  # pragma: no cover - other dialects
                where = [table.c[k] == v for k, v in zip(self.keys, key, strict=True)] + [table.c.slot == row["slot"]]
                if connection.execute(update(table).where(*where).values(n=table.c.n + row["n"])).rowcount == 0:
                    connection.execute(insert(table).values(row))
            sent += 1
        return sent

    def rebuild(self, connection: Connection) -> None:
        """Recount every key value from the model's table (after raw SQL writes; in migrations)."""
        table, counted = self.counter.__table__, self.model.__table__
        connection.execute(delete(table))
        cols = [counted.c[k] for k in self.keys]
        connection.execute(insert(table).from_select(
            [*self.keys, "slot", "n"], select(*cols, 0, func.count()).select_from(counted).group_by(*cols)))

    # -- reading --------------------------------------------------------------------
    def total(self, session: Session) -> int | None:
        """The count of the model's rows this session's row scopes let it read, from the
        counter rows; ``None`` when the counter cannot answer exactly (count the rows)."""
        crit = _scope_criterion(session, self.model, self.counter)
        if crit is _UNKNOWN:
            return None
        stmt = select(func.coalesce(func.sum(self.counter.n), 0))
        if crit is not None:
            stmt = stmt.where(crit)
        from tenon.core.access import unscoped

        return int(session.execute(stmt, execution_options=unscoped()).scalar_one())


_UNKNOWN: Any = object()


def _noop(target: Any, value: Any, oldvalue: Any, initiator: Any) -> Any:
    return value


def _scope_criterion(session: Session, model: type, counter: type) -> ColumnElement[bool] | None | Any:
    """The row-scope criterion the session applies to ``model``, rebuilt over ``counter``:
    ``None`` (no criterion), the criterion, or ``_UNKNOWN``."""
    options = session.info.get("row_scope_options")
    if not options:
        return None  # no scope applies to any statement (system actor, scopes lifted)
    if options is not session.info.get("row_scope_bound"):
        return _UNKNOWN  # narrowed further inside a mutation (acting): not what bind() set
    actor = session.info.get("actor")
    app = session.info.get("app")
    if actor is None or app is None:
        return _UNKNOWN
    access = app.access
    scopes = access.scopes.get(model, [])
    if counter in access.scopes:
        return _UNKNOWN  # the counter is scoped itself: criteria would apply twice
    if not scopes:
        return None
    names = access.scope_names(actor, scopes[0].obj, "read")
    if names is None:
        return None
    try:
        clauses = [s.clause(s.values_of(actor.attributes), on=counter) for s in scopes if s.name in names]
    except AttributeError:  # a criterion reads a column the counter does not have
        return _UNKNOWN
    return or_(*clauses) if clauses else false()


@event.listens_for(Session, "after_flush")
def _write_deltas(session: Session, flush_context: Any) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    connection = session.connection()
    for counter, deltas in pending.items():
        counter.apply(connection, deltas)


@event.listens_for(Session, "before_flush")
def _drop_partial(session: Session, flush_context: Any, instances: Any) -> None:
    session.info.pop(_PENDING, None)  # left by a flush that failed: this flush writes the rows again


@event.listens_for(Session, "after_rollback")
def _drop_deltas(session: Session) -> None:
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "do_orm_execute")
def _bulk_statements(state: ORMExecuteState) -> None:
    """Bulk ORM DML of a counted model: count the inserted rows, the deleted rows (before the
    delete, under the same criteria); refuse a bulk update of a key column."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    entity = getattr(state.statement, "entity_description", None) or {}
    model = entity.get("entity") if isinstance(entity, dict) else None
    counter = _INSTALLED.get(model) if model is not None else None
    if counter is None:
        return
    stmt = state.statement
    session = state.session
    params = state.parameters
    rows = params if isinstance(params, list) else [params] if params else []
    if state.is_insert:
        if not rows or stmt._values is not None or getattr(stmt, "select", None) is not None:  # type: ignore[attr-defined]
            raise NotImplementedError(f"{model.__name__}: only a bulk insert with parameter rows keeps its counter; "
                                      "add objects or pass the rows as parameters")
        deltas: dict[tuple[Any, ...], int] = defaultdict(int)
        for row in rows:
            deltas[tuple(row[k] for k in counter.keys)] += 1
        counter.apply(session.connection(), deltas)
        return
    if state.is_update:
        touched = {getattr(c, "key", getattr(c, "name", str(c))) for c in (stmt._values or {})}  # type: ignore[attr-defined]
        touched.update(k for row in rows for k in row)
        if touched & set(counter.keys):
            raise NotImplementedError(f"{model.__name__}: a bulk UPDATE of {sorted(touched & set(counter.keys))} "
                                      "bypasses its counter; change the objects instead")
        return
    # bulk delete: count what it deletes, with the same WHERE (row scopes apply to both)
    cols = [getattr(model, k) for k in counter.keys]
    count = select(*cols, func.count()).group_by(*cols)
    if stmt.whereclause is not None:
        count = count.where(stmt.whereclause)
    from tenon.core.access import UNSCOPED, unscoped

    options = unscoped() if state.execution_options.get(UNSCOPED) else {}
    counted = session.execute(count, execution_options=options).all()
    counter.apply(session.connection(), {tuple(r[:-1]): -int(r[-1]) for r in counted})
