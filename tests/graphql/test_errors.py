"""How failures reach a client: stable codes, no leaks, and nothing left behind.

A test plugin ``errtest`` contributes resolvers that fail in the ways real code does: an unexpected
exception, a domain error with a code and field, a stale optimistic-lock write, a uniqueness violation,
a failure after a write.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

import strawberry
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError
from strawberry.types import Info

from tenon import PluginInfo, TenonError
from tenon.core import auth
from tenon.core.contributions import SchemaContribution
from tenon.core.models import AuditEntry, User
from tenon.core.testing import create_user
from tenon.graphql.permissions import allowed

SECRET = "db password=hunter2 at /srv/tenon/secret.py"


class ThingNotReady(TenonError):
    code = "THING_NOT_READY"


@strawberry.type(description="A thing with a field that fails.")
class Thing:
    name: str = strawberry.field(description="Its name.")

    @strawberry.field(description="Fails unexpectedly.")
    async def weight(self) -> int:
        raise ZeroDivisionError(SECRET)


@strawberry.type
class ErrQuery:
    @strawberry.field(description="Raises an unexpected exception.", extensions=allowed("errtest.thing", "read"))
    async def boom(self, info: Info) -> int:
        raise RuntimeError(SECRET)

    @strawberry.field(description="Raises a domain error.", extensions=allowed("errtest.thing", "read"))
    async def not_ready(self, info: Info) -> int:
        raise ThingNotReady("thing 7 is not ready", field="lines[2].quantity", details={"missing": 3})

    @strawberry.field(description="A thing whose `weight` fails.", extensions=allowed("errtest.thing", "read"))
    async def thing(self, info: Info) -> Thing:
        return Thing(name="bracket")


@strawberry.type
class ErrMutation:
    @strawberry.mutation(description="Creates a user, then fails unexpectedly.",
                         extensions=allowed("errtest.thing", "update"))
    async def create_then_crash(
        self, info: Info, username: Annotated[str, strawberry.argument(description="New user.")],
    ) -> bool:
        await info.context.run(lambda s: auth.create_user(s, username, password="long-enough-1"))
        raise RuntimeError(SECRET)

    @strawberry.mutation(description="Creates a user.", extensions=allowed("errtest.thing", "update"))
    async def create_ok(self, info: Info, username: Annotated[str, strawberry.argument(description="New user.")]) -> str:
        user = await info.context.run(lambda s: auth.create_user(s, username, password="long-enough-1"))
        return user.username

    @strawberry.mutation(description="Writes a stale version.", extensions=allowed("errtest.thing", "update"))
    async def save_stale(self, info: Info) -> bool:
        def save(session: Any) -> bool:
            raise StaleDataError("UPDATE statement on table 'errtest_thing' expected to update 1 row(s); 0 were matched.")

        return await info.context.run(save)

    @strawberry.mutation(description="Inserts a duplicate username, bypassing the service check.",
                         extensions=allowed("errtest.thing", "update"))
    async def insert_duplicate(
        self, info: Info, username: Annotated[str, strawberry.argument(description="Existing user.")],
    ) -> bool:
        def insert(session: Any) -> bool:
            session.add(User(username=username, display_name="dup"))
            session.flush()
            return True

        return await info.context.run(insert)


class ErrTestPlugin:
    @staticmethod
    def tenon_plugin_info() -> PluginInfo:
        return PluginInfo(name="errtest", version="0.1.0")

    @staticmethod
    def tenon_graphql_contributions(app: Any) -> SchemaContribution:
        return SchemaContribution(query=ErrQuery, mutation=ErrMutation, types=[Thing])

    @staticmethod
    def tenon_policies(app: Any) -> list[tuple[str, ...]]:
        return [("p", "user", "errtest.thing", "read", "*"), ("p", "user", "errtest.thing", "update", "*")]


def _client(make_app, make_client):
    app = make_app(plugins=["errtest"], extra_plugins=[ErrTestPlugin])
    return app, make_client(app, create_user(app, "rita"))


def users(app: Any, username: str) -> int:
    with app.transaction() as s:
        return int(s.scalar(select(func.count()).select_from(User).where(User.username == username)))


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_an_unexpected_exception_is_masked_with_the_request_id(make_app, make_client):
    """`boom` raises RuntimeError with a secret in its message: the client gets INTERNAL_ERROR, a message
    naming the request id it sent, and neither the secret nor a traceback; the server log has both."""
    app, c = _client(make_app, make_client)
    handler = _Records()  # Litestar reconfigures the root logger, so listen on the logger itself
    logger = logging.getLogger("tenon.graphql")
    logger.addHandler(handler)
    try:
        response = c.http.post("/graphql", json={"query": "{ boom }"},
                               headers={"Authorization": f"Bearer {c.token}", "X-Request-ID": "req-boom-1"})
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    (err,) = body["errors"]
    assert err["extensions"] == {"code": "INTERNAL_ERROR", "requestId": "req-boom-1"}
    assert err["message"] == "internal error (request req-boom-1)"
    assert err["path"] == ["boom"]
    for leak in ("hunter2", "secret.py", "RuntimeError", "Traceback"):
        assert leak not in response.text
    logged = [r for r in handler.records if "req-boom-1" in r.getMessage()]
    assert logged and logged[0].exc_info and "hunter2" in str(logged[0].exc_info[1])


def test_a_request_id_is_made_up_when_the_client_sends_none(make_app, make_client):
    app, c = _client(make_app, make_client)
    err = c.error("{ boom }")
    assert err["extensions"]["code"] == "INTERNAL_ERROR"
    assert len(err["extensions"]["requestId"]) == 32
    assert err["extensions"]["requestId"] in err["message"]


def test_a_failing_nested_field_is_masked_too(make_app, make_client):
    """`thing.weight` fails: the error is INTERNAL_ERROR at path thing.weight, the rest of the data stays."""
    app, c = _client(make_app, make_client)
    body = c.post("{ thing { name weight } }")
    assert body["data"] is None or body["data"]["thing"] is None  # weight is non-null: null propagates up
    assert body["errors"][0]["path"] == ["thing", "weight"]
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL_ERROR"
    assert "hunter2" not in str(body)
    assert c.ok("{ thing { name } }") == {"thing": {"name": "bracket"}}


def test_a_domain_error_keeps_its_code_field_and_details(make_app, make_client):
    app, c = _client(make_app, make_client)
    err = c.error("{ notReady }")
    assert err["message"] == "thing 7 is not ready"
    assert err["extensions"] == {"code": "THING_NOT_READY", "field": "lines[2].quantity", "details": {"missing": 3}}


def test_graphql_validation_errors_stay_visible(make_app, make_client):
    """Unknown fields, syntax errors and wrong variable types are the client's to fix: shown as they are,
    coded GRAPHQL_VALIDATION_FAILED, or BAD_USER_INPUT for variables."""
    app, c = _client(make_app, make_client)
    err = c.error("{ nope }")
    assert err["message"] == "Cannot query field 'nope' on type 'Query'."
    assert err["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    syntax = c.error("{ boom ")
    assert syntax["message"].startswith("Syntax Error")
    assert syntax["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED"}
    bad_var = c.error("mutation($u: String!) { createOk(username: $u) }", {"u": 5})
    assert bad_var["extensions"] == {"code": "BAD_USER_INPUT"}
    assert "Variable '$u'" in bad_var["message"]


def test_a_failed_mutation_leaves_nothing_behind(make_app, make_client):
    """`createThenCrash` creates user carl, then crashes: carl does not exist afterwards and no audit entry
    was written. In one document, `createOk(dora)` followed by `createThenCrash(erik)` rolls back both
    (one transaction per operation), and the answer carries no data that would suggest dora exists."""
    app, c = _client(make_app, make_client)
    with app.transaction() as s:
        audit_before = s.scalar(select(func.count()).select_from(AuditEntry))

    assert c.error('mutation { createThenCrash(username: "carl") }')["extensions"]["code"] == "INTERNAL_ERROR"
    assert users(app, "carl") == 0

    body = c.post('mutation { a: createOk(username: "dora") b: createThenCrash(username: "erik") }')
    assert body["errors"][0]["path"] == ["b"]
    assert body["data"] is None
    assert (users(app, "dora"), users(app, "erik")) == (0, 0)
    with app.transaction() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == audit_before

    # control: the same mutation alone succeeds and stays
    assert c.ok('mutation { createOk(username: "dora") }') == {"createOk": "dora"}
    assert users(app, "dora") == 1


def test_an_optimistic_lock_conflict_is_a_conflict(make_app, make_client):
    """A stale write (SQLAlchemy StaleDataError) is CONFLICT, with a reload-and-retry message and no SQL."""
    app, c = _client(make_app, make_client)
    err = c.error("mutation { saveStale }")
    assert err["extensions"] == {"code": "CONFLICT"}
    assert "reload" in err["message"]
    assert "UPDATE" not in err["message"]


def test_a_uniqueness_violation_is_a_conflict_without_sql(make_app, make_client):
    """Inserting a second user 'rita' straight through the ORM hits the unique index: CONFLICT, and the
    database's message (table and column names, SQL) is not shown."""
    app, c = _client(make_app, make_client)
    body = c.post('mutation { insertDuplicate(username: "rita") }')
    err = body["errors"][0]
    assert err["extensions"] == {"code": "CONFLICT"}
    assert "core_user" not in str(body) and "INSERT" not in str(body)
    assert users(app, "rita") == 1


def test_unauthenticated_and_forbidden(make_app, make_client):
    """Without a token: UNAUTHENTICATED; a user whose grants were removed: FORBIDDEN (not INTERNAL_ERROR)."""
    app, c = _client(make_app, make_client)
    assert c.as_token(None).error("{ notReady }")["extensions"]["code"] == "UNAUTHENTICATED"
    boss = c.as_token(create_user(app, "boss", roles=["admin"]))
    boss.ok("mutation($p: PolicyInput!) { policyRemove(policy: $p) }",
            {"p": {"role": "user", "object": "errtest.thing", "action": "read"}})
    err = c.error("{ boom }")
    assert err["extensions"]["code"] == "FORBIDDEN"
