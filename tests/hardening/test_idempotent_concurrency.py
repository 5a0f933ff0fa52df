"""Concurrent resends with one ``Idempotency-Key`` all get the first result (issue 14, item 10)."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from tenon.core.models import IdempotencyKey, User
from tenon.core.testing import create_user

CREATE = "mutation($i: UserCreateInput!) { userCreate(input: $i) { id username } }"
CLIENTS, ROUNDS = 10, 10


def test_ten_concurrent_clients_resending_one_key_all_get_the_first_result(make_app, make_client):
    """10 threads × 10 sends of one userCreate under one key, all started together: one user, one
    key row, and all 100 answers are the same successful result (no CONFLICT, no error)."""
    app = make_app(plugins=[])
    admin = make_client(app, create_user(app, "boss", roles=["admin"]))
    variables = {"i": {"username": "carl", "password": "carl-pass-1"}}
    barrier = threading.Barrier(CLIENTS)
    answers: list[dict] = []

    def send() -> None:
        barrier.wait()
        for _ in range(ROUNDS):
            answers.append(admin.post(CREATE, variables, headers={"Idempotency-Key": "K-burst"}))

    threads = [threading.Thread(target=send) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert len(answers) == CLIENTS * ROUNDS
    errors = [a["errors"] for a in answers if a.get("errors")]
    assert not errors, errors[:3]
    assert all(a == answers[0] for a in answers)
    assert answers[0]["data"]["userCreate"]["username"] == "carl"
    with app.transaction() as s:
        assert s.scalar(select(func.count()).select_from(User).where(User.username == "carl")) == 1
        assert s.scalar(select(func.count()).select_from(IdempotencyKey)) == 1


def test_a_failed_first_request_lets_the_retry_run(make_app, make_client):
    """The first send fails (password too short): its claim is released and no key row stays, so a
    corrected request under the same key runs (instead of being a CONFLICT with a stored request)."""
    app = make_app(plugins=[])
    admin = make_client(app, create_user(app, "boss", roles=["admin"]))
    bad = {"i": {"username": "dora", "password": "x"}}
    first = admin.error(CREATE, bad, headers={"Idempotency-Key": "K2"})
    assert first["extensions"]["code"] == "VALIDATION"
    with app.transaction() as s:
        assert s.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
    good = {"i": {"username": "dora", "password": "dora-pass-1"}}
    assert admin.ok(CREATE, good, headers={"Idempotency-Key": "K2"})["userCreate"]["username"] == "dora"
