"""Versioned configuration through GraphQL: draft, submit, reject, fix, approve, publish, rollback,
with the diff checked at each step and the schema and policies following; approval rules; refusals."""

from __future__ import annotations

import json

from tenon.core.testing import create_user

DRAFT = """{ configDraft { id state editors needsApproval allowedActions submittedBy decidedBy decisionComment
  diff { kind key label change old new needsApproval fields { name old new } } } }"""
SET = """mutation($kind: String!, $key: String!, $item: JSON!) {
  configDraftSet(kind: $kind, key: $key, item: $item) { id state needsApproval diff { kind key change } } }"""
REMOVE = """mutation($kind: String!, $key: String!) { configDraftRemove(kind: $kind, key: $key) { state } }"""
DIFF = """query($a: String!, $b: String!) { configDiff(from: $a, to: $b) { from to added removed changed
  changes { kind key label change old new needsApproval fields { name old new } } } }"""
VERSIONS = "{ configVersions { totalCount nodes { number source author approvedBy basedOn message kinds } } }"
PUBLISH = "mutation($m: String!) { configPublish(message: $m) { number source author approvedBy message } }"
ROLLBACK = "mutation($n: Int!) { configRollback(toVersion: $n) { number source basedOn author } }"
CLERK_LINE = "p, clerk, core.audit, read, *"
CLERK_ITEM = {"type": "p", "role": "clerk", "object": "core.audit", "action": "read", "scope": "*"}


def _diff(client, a, b):
    return client.ok(DIFF, {"a": a, "b": b})["configDiff"]


def _keys(diff):
    return sorted((c["kind"], c["key"], c["change"]) for c in diff["changes"])


def test_edit_submit_reject_fix_approve_publish_rollback(cfg_site, make_client):
    app, admin, author, approver = cfg_site()
    clerk = make_client(app, create_user(app, "carl", roles=["clerk"]))
    assert clerk.error("{ auditLog { totalCount } }")["extensions"]["code"] == "FORBIDDEN"
    assert author.error("{ cfgplugShift }")["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert author.ok("{ configDraft { id } }") == {"configDraft": None}
    assert author.ok(VERSIONS)["configVersions"]["totalCount"] == 0

    # edit: a policy line, a new label (a schema field) and a sequence's prefix
    author.ok(SET, {"kind": "core.policy", "key": CLERK_LINE, "item": CLERK_ITEM})
    author.ok(SET, {"kind": "cfgplug.label", "key": "shift", "item": {"text": "Shift", "required": True}})
    out = author.ok(SET, {"kind": "core.sequence", "key": "cfgplug.ticket",
                          "item": {"prefix": "TK-", "date_format": "%Y-", "padding": 4}})["configDraftSet"]
    assert out["state"] == "draft" and out["needsApproval"] is True
    diff = _diff(author, "live", "draft")
    assert _keys(diff) == [("cfgplug.label", "shift", "ADDED"), ("core.policy", CLERK_LINE, "ADDED"),
                           ("core.sequence", "cfgplug.ticket", "CHANGED")]
    seq = next(c for c in diff["changes"] if c["kind"] == "core.sequence")
    assert seq["fields"] == [{"name": "date_format", "old": "", "new": "%Y-"},
                             {"name": "prefix", "old": "T-", "new": "TK-"}]
    assert seq["needsApproval"] is False
    assert next(c for c in diff["changes"] if c["kind"] == "core.policy")["label"] == "clerk may read core.audit"
    assert (diff["added"], diff["removed"], diff["changed"]) == (2, 0, 1)

    # a change that needs approval cannot be published as a draft
    err = author.error(PUBLISH, {"m": "too early"})
    assert err["extensions"]["code"] == "INVALID_STATE" and "needs approval" in err["message"]

    # submit; the author (although a config_approver) cannot approve or reject their own change
    sub = author.ok('mutation { configSubmit(message: "clerks read the audit log") { state submittedBy } }')
    assert sub["configSubmit"] == {"state": "submitted", "submittedBy": "ann"}
    err = author.error('mutation { configApprove(comment: "fine by me") { state } }')
    assert err["extensions"]["code"] == "FORBIDDEN" and "cannot approve" in err["message"]
    assert author.error("mutation { configReject(comment: \"no\") { state } }")["extensions"]["code"] == "FORBIDDEN"
    # a submitted change cannot be edited, and a rejection needs a reason
    assert author.error(SET, {"kind": "cfgplug.label", "key": "x", "item": {"text": "X"}})["extensions"]["code"] \
        == "INVALID_STATE"
    assert approver.error('mutation { configReject(comment: " ") { state } }')["extensions"]["code"] == "VALIDATION"

    # reject
    rej = approver.ok('mutation { configReject(comment: "the label must say Shift code") '
                      '{ state decidedBy decisionComment allowedActions } }')["configReject"]
    assert rej == {"state": "rejected", "decidedBy": "bob", "decisionComment": "the label must say Shift code",
                   "allowedActions": ["reopen", "discard"]}
    assert author.ok(VERSIONS)["configVersions"]["totalCount"] == 0  # nothing published

    # fix: editing reopens the change; the diff follows
    fixed = author.ok(SET, {"kind": "cfgplug.label", "key": "shift",
                            "item": {"text": "Shift code", "required": True}})["configDraftSet"]
    assert fixed["state"] == "draft"
    label = next(c for c in _diff(author, "live", "draft")["changes"] if c["kind"] == "cfgplug.label")
    assert label["new"] == {"text": "Shift code", "required": True}

    # submit again, approve, publish
    author.ok("mutation { configSubmit { state } }")
    appr = approver.ok('mutation { configApprove(comment: "ok") { state decidedBy } }')["configApprove"]
    assert appr == {"state": "approved", "decidedBy": "bob"}
    assert author.error(SET, {"kind": "cfgplug.label", "key": "x", "item": {"text": "X"}})["extensions"]["code"] \
        == "INVALID_STATE"
    v = author.ok(PUBLISH, {"m": "clerks and shift codes"})["configPublish"]
    assert v == {"number": 2, "source": "publish", "author": "ann", "approvedBy": "bob",
                 "message": "clerks and shift codes"}
    versions = author.ok(VERSIONS)["configVersions"]
    assert [(n["number"], n["source"]) for n in versions["nodes"]] == [(2, "publish"), (1, "baseline")]
    assert versions["nodes"][0]["kinds"] == ["cfgplug.label", "core.policy", "core.sequence", "core.setting"]
    assert author.ok("{ configDraft { id } }") == {"configDraft": None}

    # it took effect: the schema has the label's field, the clerk reads the audit log, the sequence numbers
    assert author.ok("{ cfgplugShift }") == {"cfgplugShift": "Shift code"}
    assert clerk.ok("{ auditLog(first: 1) { totalCount } }")["auditLog"]["totalCount"] > 0
    from tenon.core.sequences import next_number

    with app.transaction() as s:
        assert next_number(s, "cfgplug.ticket").startswith("TK-20")
    d12 = _diff(author, "1", "2")
    assert _keys(d12) == [("cfgplug.label", "shift", "ADDED"), ("core.policy", CLERK_LINE, "ADDED"),
                          ("core.sequence", "cfgplug.ticket", "CHANGED")]
    assert _diff(author, "published", "live")["changes"] == []

    # the change and every step are audited
    audit = admin.ok('{ auditLog(entityType: "core_config_change") { nodes { action operation actor changes } } }')
    ops = [(n["actor"], n["operation"]) for n in reversed(audit["auditLog"]["nodes"])]
    assert ("bob", "mutation") in [(a, o.split(" ")[0]) for a, o in ops]
    states = [n["changes"]["state"][1] for n in reversed(audit["auditLog"]["nodes"]) if "state" in n["changes"]]
    assert states == ["draft", "submitted", "rejected", "draft", "submitted", "approved", "published"]

    # rollback to version 1 in one step: a new version, history kept
    rb = approver.ok(ROLLBACK, {"n": 1})["configRollback"]
    assert rb == {"number": 3, "source": "rollback", "basedOn": 1, "author": "bob"}
    n = rb["number"]
    assert _diff(author, "1", str(n))["changes"] == []
    assert _keys(_diff(author, "2", str(n))) == [("cfgplug.label", "shift", "REMOVED"),
                                                 ("core.policy", CLERK_LINE, "REMOVED"),
                                                 ("core.sequence", "cfgplug.ticket", "CHANGED")]
    assert author.error("{ cfgplugShift }")["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert clerk.error("{ auditLog { totalCount } }")["extensions"]["code"] == "FORBIDDEN"
    got = author.ok("{ configVersion(number: 2) { number content(kind: \"cfgplug.label\") } }")["configVersion"]
    assert got == {"number": 2, "content": {"shift": {"text": "Shift code", "required": True}}}  # immutable


def test_rollback_is_one_step_and_never_rewrites(cfg_site, make_client):
    from cfgplug import CfgPlug

    from tenon.core.kernel import Tenon

    app, admin, author, approver = cfg_site()
    worker = Tenon(app.site, extra_plugins=[CfgPlug()])  # another worker serving the same site
    other = make_client(worker, author.token)
    assert other.error("{ cfgplugA }")["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    author.ok(SET, {"kind": "cfgplug.label", "key": "a", "item": {"text": "A"}})  # a new label needs approval
    author.ok("mutation { configSubmit { state } }")
    approver.ok("mutation { configApprove { state } }")
    assert author.ok(PUBLISH, {"m": "a"})["configPublish"]["number"] == 2
    author.ok(SET, {"kind": "cfgplug.label", "key": "a", "item": {"text": "A2"}})  # label-only: no approval
    assert author.ok(DRAFT)["configDraft"]["needsApproval"] is False
    assert author.ok(PUBLISH, {"m": "a2"})["configPublish"]["number"] == 3
    assert author.ok("{ cfgplugA }") == {"cfgplugA": "A2"}
    assert other.ok("{ cfgplugA }") == {"cfgplugA": "A2"}  # the other worker swapped its schema too
    rb = approver.ok(ROLLBACK, {"n": 2})["configRollback"]
    assert rb["number"] == 4 and rb["basedOn"] == 2
    assert author.ok("{ cfgplugA }") == {"cfgplugA": "A"}
    assert other.ok("{ cfgplugA }") == {"cfgplugA": "A"}
    assert [n["number"] for n in author.ok(VERSIONS)["configVersions"]["nodes"]] == [4, 3, 2, 1]
    worker.dispose()
    # a config_manager alone cannot roll back (FORBIDDEN); an unknown version is NOT_FOUND
    pure = author.as_token(create_user(app, "mia", roles=["config_manager"]))
    assert pure.error(ROLLBACK, {"n": 2})["extensions"]["code"] == "FORBIDDEN"
    assert approver.error(ROLLBACK, {"n": 99})["extensions"]["code"] == "NOT_FOUND"


def test_a_published_sequence_numbers_the_next_document_in_every_worker(cfg_site, make_client):
    """A worker keeps what it read of a sequence definition under the plugin-set version, which every
    published change bumps: its next request numbers with the new definition, and until then a
    request takes a number in one statement."""
    from cfgplug import CfgPlug

    from tenon.core.kernel import Tenon
    from tenon.core.testing import count_statements

    app, admin, author, approver = cfg_site()
    worker = Tenon(app.site, extra_plugins=[CfgPlug()])
    other = make_client(worker, author.token)
    ticket = "mutation { cfgplugTicket }"
    assert other.ok(ticket) == {"cfgplugTicket": "T-0001"}
    with count_statements(worker) as statements:
        assert other.ok(ticket) == {"cfgplugTicket": "T-0002"}
    assert not [s for s in statements if "core_sequence_def" in s], statements
    author.ok(SET, {"kind": "core.sequence", "key": "cfgplug.ticket",
                    "item": {"prefix": "Q-", "date_format": "", "padding": 6}})
    author.ok(PUBLISH, {"m": "Q tickets"})
    assert other.ok(ticket) == {"cfgplugTicket": "Q-000003"}
    assert author.ok(ticket) == {"cfgplugTicket": "Q-000004"}
    approver.ok(ROLLBACK, {"n": 1})
    assert other.ok(ticket) == {"cfgplugTicket": "T-0005"}
    worker.dispose()


def test_approval_rules_come_from_a_site_setting_that_itself_needs_approval(cfg_site):
    app, admin, author, approver = cfg_site()
    # a new label needs approval by the kind's default (only label-only changes do not)
    author.ok(SET, {"kind": "cfgplug.label", "key": "b", "item": {"text": "B"}})
    assert author.ok(DRAFT)["configDraft"]["needsApproval"] is True
    author.ok("mutation { configDiscard { state } }")
    # the approval rules: never for labels; changing the rules always needs approval
    author.ok(SET, {"kind": "core.setting", "key": "config.approval", "item": {"value": {"cfgplug.label": "never"}}})
    draft = author.ok(DRAFT)["configDraft"]
    assert draft["needsApproval"] is True and draft["diff"][0]["label"] == 'config.approval = {"cfgplug.label": "never"}'
    author.ok("mutation { configSubmit { state } }")
    approver.ok("mutation { configApprove { state } }")
    author.ok(PUBLISH, {"m": "labels need no approval"})
    author.ok(SET, {"kind": "cfgplug.label", "key": "b", "item": {"text": "B"}})
    assert author.ok(DRAFT)["configDraft"]["needsApproval"] is False
    assert author.ok(PUBLISH, {"m": "b"})["configPublish"]["approvedBy"] is None
    # "always" for sequences, which need none by default
    author.ok(SET, {"kind": "core.setting", "key": "config.approval",
                    "item": {"value": {"cfgplug.label": "never", "core.sequence": "always"}}})
    author.ok("mutation { configSubmit { state } }")
    approver.ok("mutation { configApprove { state } }")
    author.ok(PUBLISH, {"m": "sequences always"})
    author.ok(SET, {"kind": "core.sequence", "key": "cfgplug.ticket",
                    "item": {"prefix": "Q-", "date_format": "", "padding": 4}})
    assert author.ok(DRAFT)["configDraft"]["needsApproval"] is True


def test_refusals(cfg_site, make_client):
    app, admin, author, approver = cfg_site()
    nobody = make_client(app, create_user(app, "nora", roles=[]))
    assert nobody.error(DRAFT)["extensions"]["code"] == "FORBIDDEN"
    assert nobody.error(SET, {"kind": "cfgplug.label", "key": "a", "item": {"text": "A"}})["extensions"]["code"] \
        == "FORBIDDEN"
    assert approver.error(SET, {"kind": "cfgplug.label", "key": "a", "item": {"text": "A"}})["extensions"]["code"] \
        == "FORBIDDEN"  # approvers decide, they do not edit

    def refused(kind, key, item, field):
        err = author.error(SET, {"kind": kind, "key": key, "item": item})
        assert err["extensions"]["code"] == "VALIDATION", err
        assert err["extensions"].get("field") == field, err

    refused("nope.kind", "a", {}, "kind")
    refused("cfgplug.label", "Bad Key", {"text": "x"}, "key")
    refused("cfgplug.label", "a", {"text": ""}, "item.text")
    refused("cfgplug.label", "k" * 201, {"text": "x"}, "key")
    refused("core.policy", "p, a, b, read, *", {"type": "p", "role": "x", "object": "b", "action": "read",
                                                "scope": "*"}, "key")
    refused("core.policy", "p, admin, *, *, *", {"type": "p", "role": "admin", "object": "*", "action": "*",
                                                 "scope": "*", "revoked": True}, "item.revoked")
    refused("core.policy", "g, user:ann, admin", {"type": "g", "role": "user:ann", "parent": "admin"}, "item.role")
    refused("core.sequence", "cfgplug.ticket", {"prefix": "T-", "date_format": "%H", "padding": 4},
            "item.date_format")
    refused("core.sequence", "cfgplug.ticket", {"prefix": "T-", "date_format": "", "padding": 0}, "item.padding")
    refused("core.sequence", "nope", {"prefix": "T-", "date_format": "", "padding": 4}, "key")
    refused("core.setting", "health.max_admins", {"value": 0}, "item.value")
    refused("core.setting", "nope", {"value": 1}, "key")
    refused("cfgplug.label", "a", {"text": "x" * (64 * 1024)}, "item")
    err = author.error(REMOVE, {"kind": "core.sequence", "key": "cfgplug.ticket"})
    assert err["extensions"]["code"] == "VALIDATION"
    assert author.error(REMOVE, {"kind": "cfgplug.label", "key": "ghost"})["extensions"]["code"] == "NOT_FOUND"
    assert author.error("mutation { configSubmit { state } }")["extensions"]["code"] == "NOT_FOUND"
    assert author.error(DIFF, {"a": "7", "b": "live"})["extensions"]["code"] == "NOT_FOUND"
    assert author.error(DIFF, {"a": "yesterday", "b": "live"})["extensions"]["code"] == "VALIDATION"
    # nothing was half-written
    assert author.ok("{ configDraft { id } }") == {"configDraft": None}


def test_revoking_a_plugin_default_and_getting_it_back(cfg_site, make_client):
    app, admin, author, approver = cfg_site()
    # a non-default runtime grant made with policyAdd is configuration too (captured before the next version)
    admin.ok('mutation { policyAdd(policy: {role: "clerk", object: "core.audit", action: "read"}) { role } }')
    line = "p, auditor, core.audit, read, *"  # a kernel default
    author.ok(SET, {"kind": "core.policy", "key": line,
                    "item": {"type": "p", "role": "auditor", "object": "core.audit", "action": "read", "scope": "*",
                             "revoked": True}})
    author.ok("mutation { configSubmit { state } }")
    approver.ok("mutation { configApprove { state } }")
    v = author.ok(PUBLISH, {"m": "no auditors"})["configPublish"]["number"]
    sources = [(n["number"], n["source"]) for n in author.ok(VERSIONS)["configVersions"]["nodes"]]
    assert sources == [(v, "publish"), (1, "baseline")]
    base = author.ok("{ configVersion(number: 1) { content(kind: \"core.policy\") } }")["configVersion"]["content"]
    assert "p, clerk, core.audit, read, *" in base
    auditor = make_client(app, create_user(app, "aud", roles=["auditor"]))
    assert auditor.error("{ auditLog { totalCount } }")["extensions"]["code"] == "FORBIDDEN"
    approver.ok(ROLLBACK, {"n": 1})
    assert auditor.ok("{ auditLog(first: 1) { totalCount } }")["auditLog"]["totalCount"] > 0


def test_export_from_one_site_and_import_into_another(cfg_site):
    a_app, a_admin, a_author, a_approver = cfg_site()
    a_author.ok(SET, {"kind": "cfgplug.label", "key": "lot", "item": {"text": "Lot", "required": False}})
    a_author.ok(SET, {"kind": "core.policy", "key": CLERK_LINE, "item": CLERK_ITEM})
    a_author.ok(SET, {"kind": "core.sequence", "key": "cfgplug.ticket",
                      "item": {"prefix": "A-", "date_format": "", "padding": 6}})
    a_author.ok("mutation { configSubmit { state } }")
    a_approver.ok("mutation { configApprove { state } }")
    a_author.ok(PUBLISH, {"m": "test site"})
    doc = a_author.ok('{ configExport(version: "published") }')["configExport"]
    parsed = json.loads(doc)
    assert parsed["format"] == "tenon-config" and parsed["format_version"] == 1
    assert parsed["kinds"]["cfgplug.label"] == {"lot": {"text": "Lot", "required": False}}

    b_app, b_admin, b_author, b_approver = cfg_site()
    assert b_author.error("{ cfgplugLot }")["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    imp = b_author.ok("mutation($d: String!) { configImport(document: $d, publish: true, message: \"from test\") "
                      "{ change { state needsApproval diff { kind key change } } version { number } } }",
                      {"d": doc})["configImport"]
    assert imp["version"] is None and imp["change"]["state"] == "submitted"  # the policy line needs approval
    assert sorted((c["kind"], c["key"]) for c in imp["change"]["diff"]) == [
        ("cfgplug.label", "lot"), ("core.policy", CLERK_LINE), ("core.sequence", "cfgplug.ticket")]
    assert b_author.error("mutation { configApprove { state } }")["extensions"]["code"] == "FORBIDDEN"
    b_approver.ok("mutation { configApprove { state } }")
    b_author.ok(PUBLISH, {"m": "from test"})
    assert b_author.ok("{ cfgplugLot }") == {"cfgplugLot": "Lot"}
    kinds_a = {k["name"]: k["items"] for k in a_author.ok("{ configKinds { name items } }")["configKinds"]}
    kinds_b = {k["name"]: k["items"] for k in b_author.ok("{ configKinds { name items } }")["configKinds"]}
    assert kinds_a == kinds_b
    assert b_author.ok(DIFF, {"a": "live", "b": "published"})["configDiff"]["changes"] == []

    # a document naming a kind this site does not have, or not a document at all
    bad = json.dumps({**parsed, "kinds": {"qc.check_item": {}}})
    err = b_author.error("mutation($d: String!) { configImport(document: $d) { change { id } } }", {"d": bad})
    assert err["extensions"]["code"] == "VALIDATION" and "qc.check_item" in err["message"]
    err = b_author.error("mutation($d: String!) { configImport(document: $d) { change { id } } }", {"d": "{]"})
    assert err["extensions"]["code"] == "VALIDATION"


def test_a_bad_config_kind_fails_at_load(make_app):
    import pytest

    from tenon.core.config import ConfigKind
    from tenon.core.errors import PluginError
    from tenon import PluginInfo, hookimpl

    class Bad:
        __name__ = "badkind_plugin"

        @hookimpl
        def tenon_plugin_info(self):
            return PluginInfo(name="badkind", version="0.1.0")

        @hookimpl
        def tenon_config_kinds(self, app):
            return [ConfigKind(name="other.thing", label="x", export=lambda s: {}, apply=lambda s, i: None)]

    with pytest.raises(PluginError, match="badkind.*'badkind.<thing>'"):
        make_app(plugins=["badkind"], extra_plugins=[Bad()])
