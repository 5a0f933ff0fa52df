"""Shared declarative base, mixins, engines and the one-transaction-per-unit-of-work helpers.

Every plugin's models inherit :class:`Base`, so one ``MetaData`` (with a
constraint naming convention, so migrations and models name constraints the
same way on SQLite and PostgreSQL) holds every table. Tables are named
``<plugin>_<entity>``; the kernel's own tables are ``core_*``.

Services and hooks never commit. The owner of the unit of work (a CLI command,
a GraphQL operation) opens it with :func:`transaction` and commits once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    DateTime,
    Integer,
    MetaData,
    Numeric,
    String,
    create_engine,
    event,
    func,
)
from sqlalchemy.dialects.sqlite.base import SQLiteCompiler
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    declared_attr,
    mapped_column,
    sessionmaker,
)
from sqlalchemy.types import TypeDecorator

if TYPE_CHECKING:
    from tenon.core.access import Actor

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use tenon.core.db.utcnow()")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


Quantity = Numeric(18, 4)
Money = Numeric(18, 4)


class Base(DeclarativeBase):
    """Declarative base shared by the kernel and every plugin."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        dt.datetime: UTCDateTime(),
        Decimal: Quantity,
        dict[str, Any]: JSON(),
        list[Any]: JSON(),
    }


class IdMixin:
    id: Mapped[int] = mapped_column(Integer, primary_key=True)


class AuditedMixin:
    """Created/updated time and actor, filled in by the session on flush."""

    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[dt.datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.now()
    )
    created_by: Mapped[str | None] = mapped_column(String(100))
    updated_by: Mapped[str | None] = mapped_column(String(100))


class VersionedMixin:
    """Optimistic lock: a stale write raises ``StaleDataError`` (mapped to ``CONFLICT``)."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


class Record(IdMixin, AuditedMixin, VersionedMixin):
    """The usual mixins for a business document or master-data row."""


# --------------------------------------------------------------------------- engines

#: Execution option marking a server's own bookkeeping statements (the once-a-second plugin-set
#: check), which belong to no request: statement counters (``tenon.core.testing.count_statements``)
#: leave them out.
HOUSEKEEPING = "tenon_housekeeping"


def sync_url(url: str) -> str:
    u = make_url(url)
    if u.drivername in ("sqlite+aiosqlite",):
        u = u.set(drivername="sqlite")
    if u.drivername in ("postgresql", "postgresql+asyncpg", "postgresql+psycopg_async"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def async_url(url: str) -> str:
    u = make_url(sync_url(url))
    if u.drivername == "sqlite":
        u = u.set(drivername="sqlite+aiosqlite")
    return u.render_as_string(hide_password=False)


#: the key of a pooled SQLite connection's ``info``: whether the file is in WAL mode (where a read
#: never waits on a writer; a file system without shared memory keeps the rollback journal)
SQLITE_WAL = "tenon_sqlite_wal"


def _sqlite_pragmas(dbapi_connection: Any, record: Any) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    mode = cur.fetchone()  # (a cursor's own method: aiosqlite's adapted execute returns no cursor)
    record.info[SQLITE_WAL] = bool(mode) and str(mode[0]).lower() == "wal"
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_savepoint(conn: Any, _name: str) -> None:
    """Open the write transaction before a SAVEPOINT that would otherwise start one.

    pysqlite opens a transaction only before INSERT/UPDATE/DELETE, so a unit that has only read
    when it calls ``session.begin_nested()`` sends SAVEPOINT outside any transaction. SQLite then
    makes the savepoint the transaction itself: its RELEASE commits the nested block on its own
    (the outer unit is no longer one transaction), and a read inside it pins a snapshot, so the
    first write after another connection committed fails at once with "database is locked"
    (SQLITE_BUSY_SNAPSHOT: the busy timeout does not apply). ``BEGIN IMMEDIATE`` takes the write
    lock first, waiting up to the busy timeout, and the savepoint nests inside it.
    """
    raw = conn.connection.dbapi_connection
    if getattr(raw, "in_transaction", True) is False:
        raw.execute("BEGIN IMMEDIATE")


class _SQLiteCompiler(SQLiteCompiler):
    """Renders ``select(...).with_hint(Model, "INDEXED BY ix_name", dialect_name="sqlite")`` after
    the table name (SQLAlchemy's SQLite compiler drops table hints). For a query whose right index
    SQLite's planner cannot see without ANALYZE statistics, which sites do not gather: see
    :func:`tenon.plugins.orders.reports.order_progress_query`."""

    def get_from_hint_text(self, table: Any, text: str | None) -> str | None:
        return text


def make_engine(url: str, **kw: Any) -> Engine:
    url = sync_url(url)
    if url.startswith("sqlite"):
        kw.setdefault("connect_args", {"check_same_thread": False, "timeout": 10})
    engine = create_engine(url, **kw)
    if engine.dialect.name == "sqlite":
        engine.dialect.statement_compiler = _SQLiteCompiler
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "savepoint", _sqlite_savepoint)
    return engine


def make_async_engine(url: str, **kw: Any) -> AsyncEngine:
    url = async_url(url)
    if url.startswith("sqlite"):
        kw.setdefault("connect_args", {"timeout": 10})
    engine = create_async_engine(url, **kw)
    if engine.dialect.name == "sqlite":
        engine.sync_engine.dialect.statement_compiler = _SQLiteCompiler
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


# --------------------------------------------------------------------------- sessions


def current_actor(session: Session) -> Actor | None:
    return session.info.get("actor")


def keep(session: Session, *objects: Any) -> None:
    """Hold ``objects`` until the unit of work ends, so that reading one of them again in the
    same unit (``session.get`` by primary key) answers from the identity map.

    SQLAlchemy's identity map holds loaded, unchanged objects weakly: one its caller dropped is
    gone, and the next ``session.get`` reads the row again. Use it where two steps of one unit
    (a hook that checks, a hook that reacts) load the same record; the references go with the
    session (``session.info["kept"]``).
    """
    session.info.setdefault("kept", []).extend(objects)


@event.listens_for(Session, "before_flush")
def _stamp_actor(session: Session, _ctx: Any, _instances: Any) -> None:
    actor = session.info.get("actor")
    name = actor.username if actor is not None else None
    for obj in session.new:
        if isinstance(obj, AuditedMixin):
            obj.created_by = obj.created_by or name
            obj.updated_by = name
    for obj in session.dirty:
        if isinstance(obj, AuditedMixin) and session.is_modified(obj, include_collections=False):
            obj.updated_by = name


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)

