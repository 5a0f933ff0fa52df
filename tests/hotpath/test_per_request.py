"""What every request reads and writes besides its own work (issue 13).

Sign-in is one statement (the token's actor together with the policy and plugin-set versions), with
nothing cached between requests: a token revoked or a user deactivated through one worker is refused
by another worker on its very next request. A mutation's audit entries are one INSERT, and the
audit chain's head, read by the sign-in statement, is moved by one conditional UPDATE: no read of
its own, and still one chain when another worker moved the head in between.
"""

from __future__ import annotations

from tenon.core.kernel import Tenon
from tenon.core.testing import count_statements, create_user

ME = "{ me { username } }"


def _reading(statements: list[str], table: str) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT") and table in s]


def test_sign_in_is_one_statement(make_app, make_client):
    app = make_app(plugins=[])
    client = make_client(app, create_user(app, "boss", roles=["admin"]))
    client.ok(ME)
    with count_statements(app) as statements:
        assert client.ok(ME) == {"me": {"username": "boss"}}
    signing_in = [s for s in statements if "core_token" in s or "core_setting" in s]
    assert len(signing_in) == 1, signing_in
    assert "core_setting" in signing_in[0] and "core_user" in signing_in[0]


def test_a_revoked_token_is_refused_by_another_worker_on_its_next_request(make_app, make_client, request):
    app = make_app(plugins=[])
    other = Tenon(app.site)  # a second worker on the same database
    request.addfinalizer(other.dispose)
    admin = make_client(app, create_user(app, "root", roles=["admin"]))
    create_user(app, "scanner7", roles=[])
    issued = admin.ok('mutation { apiTokenCreate(username: "scanner7", name: "PDA 7") { id token } }')["apiTokenCreate"]
    there = make_client(other, issued["token"])
    assert there.ok(ME) == {"me": {"username": "scanner7"}}
    assert admin.ok(f'mutation {{ tokenRevoke(id: "{issued["id"]}") }}') == {"tokenRevoke": True}
    assert there.error(ME)["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_deactivated_user_is_refused_by_another_worker_on_its_next_request(make_app, make_client, request):
    app = make_app(plugins=[])
    other = Tenon(app.site)
    request.addfinalizer(other.dispose)
    admin = make_client(app, create_user(app, "root", roles=["admin"]))
    there = make_client(other, create_user(app, "leaver"))
    assert there.ok(ME) == {"me": {"username": "leaver"}}
    admin.ok('mutation { userUpdate(input: {username: "leaver", active: false}) { active } }')
    assert there.error(ME)["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_mutations_audit_entries_are_one_insert(make_app, make_client):
    app = make_app(plugins=[])
    admin = make_client(app, create_user(app, "root", roles=["admin"]))
    with count_statements(app) as statements:
        # a user, its role lines and its token: several audited rows in one unit
        admin.ok('mutation { userCreate(input: {username: "newbie", password: "long-enough-1", roles: ["admin"], '
                 'displayName: "质检 李 \\"Q\\""}) { username } }')  # the entries' text survives as written
        admin.ok('mutation { apiTokenCreate(username: "newbie", name: "t") { id } }')
    inserts = [s for s in statements if "INSERT INTO CORE_AUDIT_ENTRY" in s.upper()]
    assert len(inserts) == 2, inserts  # one per mutation
    with app.transaction() as s:
        from sqlalchemy import func, select

        from tenon.core.models import AuditEntry

        entries = s.scalar(select(func.count()).select_from(AuditEntry)
                           .where(AuditEntry.operation.like("mutation%")))
    assert entries > 2  # ... each of several entries
    from tenon.core.audit import verify

    assert verify(app) == []


def test_the_audit_head_is_read_by_sign_in_and_moved_by_one_update(make_app, make_client):
    app = make_app(plugins=[])
    admin = make_client(app, create_user(app, "root", roles=["admin"]))
    create_user(app, "scanner7", roles=[])
    admin.ok('mutation { apiTokenCreate(username: "scanner7", name: "PDA 6") { id } }')  # the head exists
    with count_statements(app) as statements:
        admin.ok('mutation { apiTokenCreate(username: "scanner7", name: "PDA 7") { id } }')
    settings = [s for s in statements if "core_setting" in s]
    assert len(settings) == 2, settings  # the sign-in statement and the head's UPDATE
    assert settings[0].lstrip().upper().startswith("SELECT") and "core_token" in settings[0]
    audit = [s for s in statements if "core_audit_entry" in s]
    if app.engine.dialect.name == "postgresql":
        # one statement moves the head and writes the entries (they are written only if it moved)
        assert settings[1].lstrip().upper().startswith("WITH") and "UPDATE core_setting" in settings[1]
        assert audit == [settings[1]], audit
    else:
        assert settings[1].lstrip().upper().startswith("UPDATE CORE_SETTING")
        assert len(audit) == 1 and audit[0].lstrip().upper().startswith("INSERT INTO CORE_AUDIT_ENTRY"), audit
    from tenon.core.audit import verify

    assert verify(app) == []


def test_entries_chain_after_another_worker_moved_the_head_since_sign_in(make_app, request):
    from sqlalchemy import select

    from tenon.core import auth
    from tenon.core.audit import verify
    from tenon.core.models import AuditEntry

    app = make_app(plugins=[])
    other = Tenon(app.site)  # a second worker on the same database
    request.addfinalizer(other.dispose)
    token = create_user(app, "root", roles=["admin"])
    with app.transaction(operation="mutation:first") as s:
        actor, _versions = auth.sign_in(s, token)  # reads the head as it is now
        assert actor is not None and actor.username == "root"
        with other.transaction(operation="mutation:meanwhile") as s2:  # ... which this unit moves
            auth.create_user(s2, "meanwhile", password="long-enough-1")
        auth.create_user(s, "first", password="long-enough-1")
    assert verify(app) == []  # one chain: the first unit's entries follow the other worker's
    with app.transaction() as s:
        ops = s.scalars(select(AuditEntry.operation).where(AuditEntry.operation.like("mutation:%"))
                        .order_by(AuditEntry.id)).all()
    assert ops == sorted(ops, key=lambda op: op == "mutation:first") and "mutation:first" in ops, ops


class _CountingThreads:
    """Stands in for the operations' thread pool and counts the calls handed to it."""

    def __init__(self, pool):
        self.pool, self.calls = pool, 0

    def submit(self, fn, *args, **kwargs):
        self.calls += 1
        return self.pool.submit(fn, *args, **kwargs)


def test_on_sqlite_a_read_takes_no_thread_hop(make_app, make_client, monkeypatch):
    """A hop to a worker thread costs about 0.35 ms of server CPU, more than the sign-in SELECT, a
    list page or the end of a read-only transaction on SQLite, whose reads never wait on a lock
    (WAL). Work that may wait (anything on PostgreSQL, a mutation, a commit that writes) stays on
    the threads."""
    from tenon.graphql import context

    app = make_app(plugins=[])
    client = make_client(app, create_user(app, "boss", roles=["admin"]))
    client.ok(ME)  # the first use of the token stamps it (a write, at commit)
    threads = _CountingThreads(context.DB_THREADS)
    monkeypatch.setattr(context, "DB_THREADS", threads)
    sqlite = app.engine.dialect.name == "sqlite"
    assert client.ok("{ __typename }") == {"__typename": "Query"}
    assert threads.calls == (0 if sqlite else 2)  # else: sign-in, and commit with close
    threads.calls = 0
    assert client.ok("{ users(first: 5) { nodes { username } } }")["users"]["nodes"] == [{"username": "boss"}]
    assert (threads.calls == 0) if sqlite else (threads.calls >= 3)  # else: sign-in, the page, commit
    threads.calls = 0
    created = client.ok('mutation { userCreate(input: {username: "rita", password: "s3cret-pass!"}) { username } }')
    assert created == {"userCreate": {"username": "rita"}}
    assert threads.calls == (2 if sqlite else 3)  # the mutation's work and its commit stay on threads
    assert client.ok('{ users(first: 10) { nodes { username } } }')["users"]["nodes"][-1] == {"username": "rita"}


def test_an_sqlite_file_without_wal_reads_on_the_threads(make_app, make_client, monkeypatch):
    """Without WAL (a file system without shared memory keeps the rollback journal) a read can wait
    on a writer's lock, so it must not wait on the event loop."""
    import pytest
    from sqlalchemy import event

    from tenon.core.db import SQLITE_WAL
    from tenon.graphql import context

    app = make_app(plugins=[])
    if app.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's journal modes")
    client = make_client(app, create_user(app, "boss", roles=["admin"]))
    client.ok(ME)
    app.request_engine.dispose()  # new connections, which report a rollback journal
    event.listen(app.request_engine, "connect", lambda _c, record: record.info.__setitem__(SQLITE_WAL, False))
    threads = _CountingThreads(context.DB_THREADS)
    monkeypatch.setattr(context, "DB_THREADS", threads)
    assert client.ok("{ users(first: 5) { nodes { username } } }")["users"]["nodes"] == [{"username": "boss"}]
    assert threads.calls >= 3  # sign-in, the page, commit
