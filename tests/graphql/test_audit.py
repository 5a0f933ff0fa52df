"""The audit log: written by every mutation in its own transaction, read by auditors, verifiable.

Every change of a mutation is recorded (actor, operation, entity, before/after of the changed fields,
request id) in the same transaction, so a failed mutation records nothing. The entries form a hash
chain; ``tenon audit verify`` detects an entry changed or removed behind the application's back.
"""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from tenon.core.cli import cli
from tenon.core.models import AuditEntry, User
from tenon.core.testing import create_user, is_postgres

CREATE = "mutation CreateCarl($i: UserCreateInput!) { userCreate(input: $i) { id } }"
UPDATE = "mutation RenameCarl($i: UserUpdateInput!) { userUpdate(input: $i) { displayName } }"
LOG = """query($t: String, $i: String, $a: String, $since: DateTime, $until: DateTime) {
  auditLog(entityType: $t, entityId: $i, actor: $a, since: $since, until: $until) {
    totalCount
    nodes { id at actor operation requestId entityType entityId action changes hash }
  }
}"""


def audit_count(app: Any) -> int:
    with app.transaction() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEntry)))


def carl_id(app: Any) -> str:
    with app.transaction() as s:
        return str(s.scalar(select(User.id).where(User.username == "carl")))


def _setup(make_app, make_client):
    app = make_app(plugins=[])
    boss = make_client(app, create_user(app, "boss", roles=["admin"]))
    auditor = boss.as_token(create_user(app, "audrey", roles=["auditor"]))
    return app, boss, auditor


def test_a_mutation_records_who_what_and_the_request_id(make_app, make_client):
    """boss creates carl with X-Request-ID req-create-1, then renames him with req-rename-2. carl's
    user record has two entries, newest first: the update, with only display_name [carl, Carl Clutch],
    and the create with his fields (never the password hash); both by boss, named after the operation."""
    app, boss, auditor = _setup(make_app, make_client)
    boss.ok(CREATE, {"i": {"username": "carl", "password": "carl-pass-1", "roles": ["auditor"]}},
            headers={"X-Request-ID": "req-create-1"})
    boss.ok(UPDATE, {"i": {"username": "carl", "displayName": "Carl Clutch"}}, headers={"X-Request-ID": "req-rename-2"})

    log = auditor.ok(LOG, {"t": "core_user", "i": carl_id(app)})["auditLog"]
    assert log["totalCount"] == 2
    update, create = log["nodes"]
    assert {k: update[k] for k in ("actor", "operation", "requestId", "entityType", "action", "changes")} == {
        "actor": "boss", "operation": "mutation RenameCarl", "requestId": "req-rename-2",
        "entityType": "core_user", "action": "update", "changes": {"display_name": ["carl", "Carl Clutch"]}}
    assert (create["action"], create["operation"], create["requestId"]) == ("create", "mutation CreateCarl", "req-create-1")
    assert create["changes"]["username"] == [None, "carl"]
    assert create["changes"]["active"] == [None, True]
    assert "password_hash" not in create["changes"]
    assert int(update["id"]) > int(create["id"])

    # the role grant of the same mutation is recorded too, with the same request id
    grants = auditor.ok(LOG, {"t": "core_casbin_rule"})["auditLog"]["nodes"]
    carl_grants = [g for g in grants if g["requestId"] == "req-create-1"]
    assert {(g["changes"]["v0"][1], g["changes"]["v1"][1]) for g in carl_grants} == {
        ("user:carl", "auditor"), ("user:carl", "user")}


def test_a_failed_mutation_records_nothing(make_app, make_client):
    """userCreate with a too short password fails: not one audit entry is added (nor a user)."""
    app, boss, _auditor = _setup(make_app, make_client)
    before = audit_count(app)
    err = boss.error(CREATE, {"i": {"username": "carl", "password": "short"}})
    assert err["extensions"]["code"] == "VALIDATION"
    assert audit_count(app) == before


def test_queries_record_nothing(make_app, make_client):
    app, boss, _auditor = _setup(make_app, make_client)
    before = audit_count(app)
    boss.ok("{ users { totalCount } }")
    assert audit_count(app) == before


def test_audit_log_filters_by_actor_entity_and_time(make_app, make_client):
    """boss creates carl, then sue (an admin too) renames him. By actor: sue has 1 entry, boss at least
    the carl create; by entity: carl has 2; by time: since the rename entry's time includes it, until
    that time excludes it."""
    app, boss, auditor = _setup(make_app, make_client)
    sue = boss.as_token(create_user(app, "sue", roles=["admin"]))
    boss.ok(CREATE, {"i": {"username": "carl", "password": "carl-pass-1"}})
    sue.ok(UPDATE, {"i": {"username": "carl", "displayName": "Carl"}})

    by_sue = auditor.ok(LOG, {"a": "sue"})["auditLog"]
    assert by_sue["totalCount"] == 1
    rename = by_sue["nodes"][0]
    assert (rename["entityType"], rename["entityId"], rename["action"]) == ("core_user", carl_id(app), "update")
    assert {n["actor"] for n in auditor.ok(LOG, {"a": "boss"})["auditLog"]["nodes"]} == {"boss"}
    assert auditor.ok(LOG, {"t": "core_user", "i": carl_id(app)})["auditLog"]["totalCount"] == 2

    since = auditor.ok(LOG, {"since": rename["at"]})["auditLog"]["nodes"]
    assert rename["id"] in {n["id"] for n in since}
    until = auditor.ok(LOG, {"until": rename["at"]})["auditLog"]["nodes"]
    assert rename["id"] not in {n["id"] for n in until}
    assert len(since) + len(until) == auditor.ok(LOG)["auditLog"]["totalCount"]


def test_only_auditors_read_the_audit_log(make_app, make_client):
    """A plain user gets FORBIDDEN; an auditor reads; anonymous is UNAUTHENTICATED."""
    app, boss, auditor = _setup(make_app, make_client)
    plain = boss.as_token(create_user(app, "pete"))
    assert plain.error(LOG)["extensions"]["code"] == "FORBIDDEN"
    assert boss.as_token(None).error(LOG)["extensions"]["code"] == "UNAUTHENTICATED"
    assert auditor.ok(LOG)["auditLog"]["totalCount"] >= 1


# --------------------------------------------------------------------------- tenon audit verify


def verify(app: Any) -> Any:
    return CliRunner().invoke(cli, ["--site", str(app.site.path), "audit", "verify"])


def _tamper(app: Any, sql: str, params: dict[str, Any]) -> None:
    """Run a raw UPDATE/DELETE on the audit table, as an attacker with database access would.

    On PostgreSQL the append-only trigger refuses it first; the test then disables the trigger as the
    superuser (which the test server's user is) to simulate a tampering DBA.
    """
    if is_postgres():
        with pytest.raises(DBAPIError, match="append-only"), app.engine.begin() as conn:
            conn.execute(text(sql), params)
        with app.engine.begin() as conn:
            conn.execute(text("ALTER TABLE core_audit_entry DISABLE TRIGGER USER"))
            conn.execute(text(sql), params)
            conn.execute(text("ALTER TABLE core_audit_entry ENABLE TRIGGER USER"))
    else:
        with app.engine.begin() as conn:
            conn.execute(text(sql), params)


def _entries(app: Any) -> list[int]:
    with app.transaction() as s:
        return list(s.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))


def test_verify_passes_on_an_intact_log(make_app, make_client):
    app, boss, _auditor = _setup(make_app, make_client)
    boss.ok(CREATE, {"i": {"username": "carl", "password": "carl-pass-1"}})
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "audit log intact" in result.output


def test_verify_reports_a_changed_entry(make_app, make_client):
    """Someone rewrites who created carl: verify exits 1 naming that entry as changed."""
    app, boss, _auditor = _setup(make_app, make_client)
    boss.ok(CREATE, {"i": {"username": "carl", "password": "carl-pass-1"}})
    target = _entries(app)[-1]
    _tamper(app, "UPDATE core_audit_entry SET actor = 'nobody' WHERE id = :id", {"id": target})

    result = verify(app)
    assert result.exit_code == 1, result.output
    assert f"TAMPERED: entry {target}: content changed" in result.output


def test_verify_reports_a_deleted_last_entry(make_app, make_client):
    """Someone deletes the newest entry (no successor would notice a broken chain): the chain head kept
    in the settings still tells 1 entry is missing."""
    app, boss, _auditor = _setup(make_app, make_client)
    boss.ok(CREATE, {"i": {"username": "carl", "password": "carl-pass-1"}})
    assert verify(app).exit_code == 0
    _tamper(app, "DELETE FROM core_audit_entry WHERE id = :id", {"id": _entries(app)[-1]})

    result = verify(app)
    assert result.exit_code == 1, result.output
    assert "1 entry(ies) missing" in result.output


def test_verify_reports_a_deleted_middle_entry(make_app, make_client):
    app, boss, _auditor = _setup(make_app, make_client)
    boss.ok(CREATE, {"i": {"username": "carl", "password": "carl-pass-1"}})
    ids = _entries(app)
    assert len(ids) >= 3
    _tamper(app, "DELETE FROM core_audit_entry WHERE id = :id", {"id": ids[1]})
    result = verify(app)
    assert result.exit_code == 1
    assert f"TAMPERED: entry {ids[2]}: previous entry missing or changed" in result.output
