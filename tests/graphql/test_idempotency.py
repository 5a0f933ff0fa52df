"""``Idempotency-Key``: a client may safely resend a mutation (after a timeout, a dropped connection).

The key is per user: the first successful result is stored with a hash of the request; a resend with
the same key gets that result without executing again; the same key with another request is a
``CONFLICT``; a failed mutation stores nothing, so its retry really runs.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tenon.core.models import AuditEntry, IdempotencyKey, User
from tenon.core.testing import create_user

CREATE = "mutation($i: UserCreateInput!) { userCreate(input: $i) { id username roles } }"


def count(app, model, *where) -> int:
    with app.transaction() as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)))


def test_a_replay_returns_the_first_result_and_changes_nothing(make_app, make_client):
    """userCreate twice under key K1: both answers are identical (same id), there is one user 'carl',
    and the replay wrote no audit entry and no second key row."""
    app = make_app(plugins=[])
    admin = make_client(app, create_user(app, "boss", roles=["admin"]))
    variables = {"i": {"username": "carl", "password": "carl-pass-1", "roles": ["auditor"]}}
    key = {"Idempotency-Key": "K1"}

    first = admin.ok(CREATE, variables, headers=key)
    audit_after_first = count(app, AuditEntry)
    second = admin.ok(CREATE, variables, headers=key)

    assert second == first
    assert first["userCreate"]["username"] == "carl"
    assert count(app, User, User.username == "carl") == 1
    assert count(app, AuditEntry) == audit_after_first
    assert count(app, IdempotencyKey) == 1


def test_without_a_key_a_resend_executes_again(make_app, make_client):
    """Control: the same userCreate without a key runs twice; the second is refused as a duplicate."""
    app = make_app(plugins=[])
    admin = make_client(app, create_user(app, "boss", roles=["admin"]))
    variables = {"i": {"username": "carl", "password": "carl-pass-1"}}
    admin.ok(CREATE, variables)
    assert admin.error(CREATE, variables)["extensions"] == {"code": "VALIDATION", "field": "username"}


def test_the_same_key_for_a_different_request_is_a_conflict(make_app, make_client):
    """Key K1 was used to create carl; creating dora under K1 is CONFLICT (field Idempotency-Key) and
    creates no one; dora under a fresh key works."""
    app = make_app(plugins=[])
    admin = make_client(app, create_user(app, "boss", roles=["admin"]))
    admin.ok(CREATE, {"i": {"username": "carl", "password": "carl-pass-1"}}, headers={"Idempotency-Key": "K1"})

    err = admin.error(CREATE, {"i": {"username": "dora", "password": "dora-pass-1"}}, headers={"Idempotency-Key": "K1"})
    assert err["extensions"] == {"code": "CONFLICT", "field": "Idempotency-Key"}
    assert count(app, User, User.username == "dora") == 0

    admin.ok(CREATE, {"i": {"username": "dora", "password": "dora-pass-1"}}, headers={"Idempotency-Key": "K2"})
    assert count(app, User, User.username == "dora") == 1


def test_different_users_use_the_same_key_independently(make_app, make_client):
    """Two admins both send key 'same': each mutation runs (carl and dora exist), each gets its own answer."""
    app = make_app(plugins=[])
    one = make_client(app, create_user(app, "boss1", roles=["admin"]))
    two = one.as_token(create_user(app, "boss2", roles=["admin"]))
    key = {"Idempotency-Key": "same"}

    a = one.ok(CREATE, {"i": {"username": "carl", "password": "carl-pass-1"}}, headers=key)
    b = two.ok(CREATE, {"i": {"username": "dora", "password": "dora-pass-1"}}, headers=key)
    assert (a["userCreate"]["username"], b["userCreate"]["username"]) == ("carl", "dora")
    assert count(app, IdempotencyKey) == 2
    # and each replay still answers its own first result
    assert one.ok(CREATE, {"i": {"username": "carl", "password": "carl-pass-1"}}, headers=key) == a


def test_a_failed_mutation_does_not_store_its_key(make_app, make_client):
    """userCreate with a 5-character password fails (VALIDATION) under key K1: nothing is stored, so
    the corrected request under K1 runs and creates carl; resending the failed one under K1 is now a
    CONFLICT (K1 belongs to the successful request)."""
    app = make_app(plugins=[])
    admin = make_client(app, create_user(app, "boss", roles=["admin"]))
    key = {"Idempotency-Key": "K1"}
    bad = {"i": {"username": "carl", "password": "short"}}

    assert admin.error(CREATE, bad, headers=key)["extensions"]["code"] == "VALIDATION"
    assert count(app, IdempotencyKey) == 0
    # the same failing request under the same key runs again (and fails again): not a replay
    assert admin.error(CREATE, bad, headers=key)["extensions"]["code"] == "VALIDATION"

    good = admin.ok(CREATE, {"i": {"username": "carl", "password": "carl-pass-1"}}, headers=key)
    assert good["userCreate"]["username"] == "carl"
    assert admin.error(CREATE, bad, headers=key)["extensions"]["code"] == "CONFLICT"


def test_queries_ignore_the_key(make_app, make_client):
    """A query sent with a key is simply executed (and stores nothing)."""
    app = make_app(plugins=[])
    admin = make_client(app, create_user(app, "boss", roles=["admin"]))
    q = "{ users { totalCount } }"
    assert admin.ok(q, headers={"Idempotency-Key": "Q"}) == {"users": {"totalCount": 1}}
    create_user(app, "carl")
    assert admin.ok(q, headers={"Idempotency-Key": "Q"}) == {"users": {"totalCount": 2}}
    assert count(app, IdempotencyKey) == 0


@pytest.mark.postgres_only
def test_concurrent_resends_create_one_user(make_app, make_client):
    """Four threads send the same userCreate under one key at once: exactly one user is created and
    every answer is the created user (the resends wait for the first and replay its result)."""
    app = make_app(plugins=[])
    admin = make_client(app, create_user(app, "boss", roles=["admin"]))
    variables = {"i": {"username": "carl", "password": "carl-pass-1"}}
    barrier = threading.Barrier(4)
    answers: list[dict] = []

    def send() -> None:
        barrier.wait()
        answers.append(admin.post(CREATE, variables, headers={"Idempotency-Key": "K"}))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert count(app, User, User.username == "carl") == 1
    assert not any(a.get("errors") for a in answers), answers
    assert all(a == answers[0] for a in answers)
