"""An anchored audit chain (issue 14, item 11): someone with write access to the database but not
to the site's key cannot rewrite an entry and recompute the chain, nor drop the newest entries and
rewind the head, without ``tenon audit verify`` naming the entry or checkpoint."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from tenon.core.cli import cli
from tenon.core.models import AuditEntry, Setting
from tenon.core.testing import create_user, is_postgres

CREATE = "mutation($i: UserCreateInput!) { userCreate(input: $i) { id } }"


def run(app: Any, *args: str) -> Any:
    return CliRunner().invoke(cli, ["--site", str(app.site.path), "audit", *args])


def _sql(app: Any, statements: list[tuple[str, dict[str, Any]]]) -> None:
    """Raw writes as a DBA would make them (past PostgreSQL's append-only trigger)."""
    with app.engine.begin() as conn:
        if is_postgres():
            conn.execute(text("ALTER TABLE core_audit_entry DISABLE TRIGGER USER"))
        for sql, params in statements:
            conn.execute(text(sql), params)
        if is_postgres():
            conn.execute(text("ALTER TABLE core_audit_entry ENABLE TRIGGER USER"))


def _plain_digest(prev: str, e: AuditEntry, changes: Any) -> str:
    """What an attacker without the key computes: the unkeyed SHA-256 of the entry."""
    body = {"prev": prev, "at": e.at.isoformat(), "actor": e.actor, "operation": e.operation,
            "request_id": e.request_id, "entity_type": e.entity_type, "entity_id": e.entity_id,
            "action": e.action, "changes": changes}
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()).hexdigest()


@pytest.fixture
def site(make_app, make_client):
    app = make_app(plugins=[])
    boss = make_client(app, create_user(app, "boss", roles=["admin"]))
    for name in ("carl", "dora", "emil"):
        boss.ok(CREATE, {"i": {"username": name, "password": f"{name}-pass-1"}})
    return app


def test_the_site_has_a_key_outside_the_database_and_verify_says_so(site):
    assert (site.site.path / "audit.key").is_file()
    result = run(site, "verify")
    assert result.exit_code == 0 and "audit log intact (keyed)" in result.output, result.output


def test_rewrite_and_recompute_is_detected(site):
    """Rewrite an entry's changes, recompute its hash and every later one (and the head) as SHA-256:
    a consistent chain, but not signed with the site's key."""
    with site.transaction() as s:
        entries = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    target = entries[-3]
    statements, prev = [], target.prev_hash
    for e in entries[entries.index(target):]:
        changes = {**e.changes, "forged": [None, True]} if e is target else e.changes
        digest = _plain_digest(prev, e, changes)
        statements.append(("UPDATE core_audit_entry SET changes = :c, prev_hash = :p, hash = :h WHERE id = :id",
                           {"c": json.dumps(changes), "p": prev, "h": digest, "id": e.id}))
        prev = digest
    statements.append(("UPDATE core_setting SET value = :v WHERE key = 'audit_head'",
                       {"v": json.dumps({"hash": prev, "count": len(entries)})}))
    _sql(site, statements)

    result = run(site, "verify")
    assert result.exit_code == 1, result.output
    assert f"TAMPERED: entry {target.id}: content changed" in result.output


def test_truncation_with_a_rewound_head_is_detected_by_the_checkpoint(site):
    """Checkpoint, then delete the two newest entries and set the head back to the entry before them:
    the chain itself is consistent, the checkpoint names what is missing."""
    result = run(site, "checkpoint")
    assert result.exit_code == 0, result.output
    mark = json.loads(result.output)
    with site.transaction() as s:
        entries = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        assert mark["id"] == entries[-1].id and mark["count"] == len(entries) and mark["hash"] == entries[-1].hash
    keep = entries[-3]
    _sql(site, [("DELETE FROM core_audit_entry WHERE id > :id", {"id": keep.id}),
                ("UPDATE core_setting SET value = :v WHERE key = 'audit_head'",
                 {"v": json.dumps({"hash": keep.hash, "count": len(entries) - 2})})])

    result = run(site, "verify")
    assert result.exit_code == 1, result.output
    assert f"TAMPERED: checkpoint {mark['at']} (entry {entries[-1].id}, #{len(entries)})" in result.output
    assert "truncated" in result.output


def test_a_forged_checkpoint_line_is_reported(site):
    assert run(site, "checkpoint").exit_code == 0
    path = site.site.path / "audit-checkpoints.jsonl"
    mark = json.loads(path.read_text().splitlines()[-1])
    path.write_text(json.dumps({**mark, "count": mark["count"] + 5}) + "\n")
    result = run(site, "verify")
    assert result.exit_code == 1 and "line 1: signature does not match" in result.output, result.output


def test_checkpoints_keep_verifying_as_the_log_grows(site, make_client):
    assert run(site, "checkpoint").exit_code == 0
    with site.transaction() as s:
        assert s.get(Setting, "audit_head") is not None
    boss = make_client(site, create_user(site, "boss2", roles=["admin"]))
    boss.ok(CREATE, {"i": {"username": "fred", "password": "fred-pass-1"}})
    assert run(site, "checkpoint").exit_code == 0
    result = run(site, "verify")
    assert result.exit_code == 0, result.output
