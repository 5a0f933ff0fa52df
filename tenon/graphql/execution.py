"""One database transaction per GraphQL operation, authentication, and idempotent replays.

For each operation (after parsing and validation):

1. open a sync ``Session`` on the request engine (its work runs on a worker thread,
   :meth:`tenon.graphql.context.Context.run`);
2. resolve the bearer token to an actor, reload Casbin policies when another
   worker changed them, and bind the actor's row scopes to the session;
3. for a mutation sent with ``Idempotency-Key``: claim the key, or wait for the
   request holding it and return its stored result without executing (a
   different request under the same key is a ``CONFLICT``; see
   :mod:`tenon.graphql.idempotency`);
4. execute; on any error roll back everything, else store the idempotent result,
   commit (audit entries are appended just before), and wake the server's outbox
   worker.

What the session holds and when scopes bind and the outbox is kicked are the
kernel's unit-of-work rules (:mod:`tenon.core.uow`), shared with ``Tenon.transaction()``.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from typing import Any

import msgspec
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from tenon.core import auth
from tenon.core.db import SQLITE_WAL
from tenon.core.sequences import SITE_VERSION_KEY
from tenon.core.uow import after_commit, begin_unit, bind_actor
from tenon.graphql import idempotency
from tenon.graphql.cost import statement_timeout_ms

def _stable(value: Any) -> Any:
    """JSON for a variable value; an uploaded file stands for its name, type and content hash."""
    stream = getattr(value, "file", None)
    if stream is not None and hasattr(stream, "read") and hasattr(stream, "seek"):
        position = stream.tell()
        stream.seek(0)
        digest = hashlib.sha256()
        for chunk in iter(lambda: stream.read(1 << 16), b""):
            digest.update(chunk)
        stream.seek(position)
        return {"upload": getattr(value, "filename", None), "type": getattr(value, "content_type", None),
                "sha256": digest.hexdigest()}
    return str(value)


def _request_hash(query: str | None, variables: Any) -> str:
    body = json.dumps({"q": query or "", "v": variables or {}}, sort_keys=True, default=_stable)
    return hashlib.sha256(body.encode()).hexdigest()


def connection_token(params: Any) -> str | None:
    """The bearer token of a websocket's ``connection_init`` payload (``{"authorization": "Bearer <token>"}``)."""
    if not isinstance(params, dict):
        return None
    value = params.get("authorization") or params.get("Authorization") or ""
    scheme, _, token = str(value).partition(" ")
    return (token.strip() or None) if scheme.lower() == "bearer" else None


#: Operations holding a request session at once, per server: the request engine's pool (5 + 10
#: overflow), fewer than the worker threads (:data:`tenon.graphql.context.DB_THREADS`).
DB_SLOTS = 15


def _slots(server: Any) -> asyncio.Semaphore | None:
    if server is None:
        return None
    slots = getattr(server, "db_slots", None)
    if slots is None:
        slots = server.db_slots = asyncio.Semaphore(DB_SLOTS)
    return slots


def _commit(session: Any) -> None:
    session.commit()


def _rollback(session: Any) -> None:
    session.rollback()


def _close(session: Any) -> None:
    session.close()


def _local(session: Any) -> bool:
    """Whether ``session`` works on an SQLite file in WAL mode: its reads never wait on another
    transaction, so reading on the event loop costs less than a thread hop (about 0.35 ms of
    server CPU each, :mod:`tenon.graphql.context`)."""
    return session.bind.dialect.name == "sqlite" and bool(session.connection().connection.info.get(SQLITE_WAL))


def _nothing_to_write(session: Any) -> bool:
    """Whether committing ``session`` writes nothing and so never waits on SQLite's write lock:
    nothing to flush, no token use to record, no write transaction open on its connection."""
    if session.new or session.dirty or session.deleted or auth.TOKEN_USED in session.info:
        return False
    if session.get_transaction() is None:
        return True
    try:  # pysqlite begins a transaction only before a write (INSERT, UPDATE, DELETE)
        return not session.connection().connection.dbapi_connection.in_transaction
    except Exception:  # a session that must roll back first: let the thread finish it
        return False


def _commit_and_close(session: Any) -> None:
    # one thread hop for both (a hop costs about as much as a small statement); a failed commit
    # is rolled back by the close
    try:
        session.commit()
    finally:
        session.close()


class Transaction(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
        ec = self.execution_context
        context = ec.context
        if getattr(context, "websocket", None) is not None:
            # A websocket connection has one context for all its operations; each
            # operation gets its own copy so concurrent ones never share a session.
            context = ec.context = msgspec.structs.replace(context, session=None, loaders=None, lock=None, inline=False)
        tenon = context.tenon
        if context.token is None and getattr(context, "connection_params", None):
            # websockets (subscriptions) sign in with the connection_init payload
            context.token = connection_token(context.connection_params)
        is_mutation = ec.operation_type == OperationType.MUTATION
        # one sync session per operation; its work runs on a worker thread (Context.run; a read on
        # SQLite runs on the loop: Context.inline). At most
        # DB_SLOTS operations hold a session at once (the others wait here, holding nothing), so an
        # operation that holds a row lock always finds a thread and a connection to finish with.
        slots = _slots(context.server)
        if slots is not None:
            await slots.acquire()
        held = [slots is not None]

        def release() -> None:
            if held[0]:
                held[0] = False
                slots.release()  # type: ignore[union-attr]

        session = tenon.request_sessionmaker()
        context.session = session
        info = session.info
        operation = {"operation": f"mutation {ec.operation_name or ''}".strip()} if is_mutation else {}
        begin_unit(session, tenon, request_id=context.request_id, **operation)
        closing = [False]  # the commit closes the session too (one hop)
        local = False
        try:
            local = _local(session)
            if local:  # one indexed SELECT, never waiting on a lock (WAL): no hop
                self._authenticate(session, context)
                context.inline = ec.operation_type == OperationType.QUERY
            else:
                await context.run(self._authenticate, context)
            if ec.operation_type == OperationType.SUBSCRIPTION:
                # a subscription reads in its own short transactions: it holds no session meanwhile
                await context.run(_close)
                release()
                yield
                return
            keyed = is_mutation and context.idempotency_key and context.actor is not None
            if keyed:
                replay = await idempotency.claim(tenon.async_sessionmaker, context.actor.user_id, context.idempotency_key,
                                                 _request_hash(ec.query, ec.variables))
                await context.run(_rollback)
                if replay is not None:
                    ec.result = replay
                    yield
                    return
                # the next statement begins a snapshot that sees the claim (SQLite's WAL needs it to write)
                await context.run(self._authenticate, context)
            yield
            result = ec.result
            if result is None or getattr(result, "errors", None) or not hasattr(result, "data"):
                await context.run(_rollback)
                if keyed:
                    await idempotency.release(tenon.async_sessionmaker, context.actor.user_id, context.idempotency_key)
                if is_mutation and result is not None and hasattr(result, "data"):
                    result.data = None  # rolled back: no field's data may suggest that part of it happened
                return
            try:
                if keyed:
                    await context.run(idempotency.remember, context.actor.user_id, context.idempotency_key, result.data)
                closing[0] = True
                if local and not is_mutation and _nothing_to_write(session):
                    _commit_and_close(session)  # a read-only transaction ends at once
                else:
                    context.inline = False  # a commit that writes may wait on SQLite's write lock
                    await context.run(_commit_and_close)
            except Exception as exc:  # a failed commit must reach the client as an error
                if not closing[0]:
                    await context.run(_rollback)
                if keyed:
                    await idempotency.release(tenon.async_sessionmaker, context.actor.user_id, context.idempotency_key)
                result.data = None
                result.errors = [GraphQLError(str(exc), original_error=exc)]
                return
            after_commit(info, getattr(context.server, "kick_outbox", None))
        finally:
            if not closing[0]:
                if local and _nothing_to_write(session):
                    _close(session)
                else:
                    context.inline = False
                    await context.run(_close)
            release()

    @staticmethod
    def _authenticate(session: Any, context: Any) -> None:
        tenon = context.tenon
        # one statement: the token's actor, the policy version (and on PostgreSQL the statement timeout)
        actor, (version, plugins) = auth.sign_in(session, context.token,
                                                 statement_timeout_ms=statement_timeout_ms(session, tenon.site))
        session.info[SITE_VERSION_KEY] = plugins  # lets the unit use what is cached under this version
        if tenon.access.version != version:
            tenon.access.ensure_version(version)
        if context.token:
            context.actor = actor
        if context.actor is not None:
            bind_actor(session, tenon, context.actor)
