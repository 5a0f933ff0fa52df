"""``tenon.core.workflow``: declared transitions, guards, history, owned hooks before and after, one
error code per meaning; ``tenon.core.ids``: one id decoder. Exercised through a test plugin that owns
a document workflow and its hooks, and a second plugin implementing them, as mrp or qc would."""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

import pytest

from tenon import PluginInfo, hookimpl
from tenon.core.errors import InvalidState, NotFound, PluginError, TenonError, ValidationError
from tenon.core.hookspecs import hookspec
from tenon.core.ids import MAX_ID, decode_id, get_record
from tenon.core.kernel import Tenon
from tenon.core.models import User
from tenon.core.site import Site
from tenon.core.workflow import Transition, Workflow


class Doc:
    """A stand-in document: the workflow only reads and writes ``state`` (and flushes)."""

    def __init__(self, number: str, state: str = "draft") -> None:
        self.number, self.state = number, state


def _guard_lines(session: Any, doc: Doc, *, lines: list[int] = (), **_: Any) -> None:
    if not lines:
        raise ValidationError(f"document {doc.number} has no lines", field="lines")


def make_owner(hook_names: dict[str, str] | None = None) -> types.ModuleType:
    """Plugin ``docs``: owns ``tenon_docs_doc_confirming`` / ``_confirmed`` / ``_state_changed`` and
    declares the document workflow (hook names overridable to simulate a typo)."""
    names = {"before": "tenon_docs_doc_confirming", "after": "tenon_docs_doc_confirmed",
             "changed": "tenon_docs_doc_state_changed", **(hook_names or {})}
    specs = types.ModuleType("docs_hookspecs")

    def tenon_docs_doc_confirming(session, doc, lines):
        """Veto a confirmation."""

    def tenon_docs_doc_confirmed(session, doc, lines):
        """React to a confirmation."""

    def tenon_docs_doc_state_changed(session, doc, from_state, to_state):
        """Any state change."""

    for fn in (tenon_docs_doc_confirming, tenon_docs_doc_confirmed, tenon_docs_doc_state_changed):
        setattr(specs, fn.__name__, hookspec(fn))

    history: list[tuple[str, str, str]] = []
    flow = Workflow(
        name="docs.doc", label="document", subject="doc",
        transitions=[
            Transition("confirm", ("draft",), "confirmed", guard=_guard_lines, verb="confirmed",
                       before=names["before"], after=names["after"]),
            Transition("cancel", ("draft", "confirmed"), "cancelled", verb="cancelled"),
            Transition("close", ("confirmed",), "done", verb="closed"),
        ],
        record=lambda session, change: history.append((change.action, change.from_state, change.to_state)),
        changed=names["changed"],
    )
    mod = types.ModuleType("docs_plugin")
    mod.tenon_plugin_info = lambda: PluginInfo(name="docs", version="0.1.0")
    mod.tenon_addhooks = lambda pm: pm.add_hookspecs(specs)
    mod.tenon_workflows = lambda app: [flow]
    mod.FLOW, mod.HISTORY = flow, history
    return mod


class Listener:
    """Plugin ``listener`` implements the owner's hooks and records what it saw."""

    def __init__(self, veto: bool = False) -> None:
        self.seen: list[tuple[str, str]] = []
        self.veto = veto

    @hookimpl
    def tenon_plugin_info(self):
        return PluginInfo(name="listener", version="0.1.0", depends=("docs",))

    @hookimpl
    def tenon_docs_doc_confirming(self, doc, lines):
        self.seen.append(("confirming", doc.state))
        if self.veto:
            raise TenonError("blocked by the listener", code="BLOCKED")

    @hookimpl
    def tenon_docs_doc_confirmed(self, doc):
        self.seen.append(("confirmed", doc.state))

    @hookimpl
    def tenon_docs_doc_state_changed(self, from_state, to_state):
        self.seen.append(("changed", f"{from_state}->{to_state}"))


def open_app(tmp_path: Path, *plugins: Any) -> Tenon:
    return Tenon(Site.create(tmp_path / "site"), plugins=["docs", "listener"][: len(plugins)], extra_plugins=plugins)


def test_apply_runs_guard_hooks_and_history_in_order(tmp_path):
    owner, listener = make_owner(), Listener()
    app = open_app(tmp_path, owner, listener)
    try:
        assert {n: f for n, f in app.workflows.items() if not n.startswith("core.")} == {"docs.doc": owner.FLOW}
        doc = Doc("D-1")
        with app.transaction() as session:
            change = owner.FLOW.apply(session, doc, "confirm", lines=[1, 2])
        assert (change.from_state, change.to_state, doc.state) == ("draft", "confirmed", "confirmed")
        # the veto hook sees the old state, the notifications the new one; the transition's own
        # after-hook comes last, so a change it makes in turn is recorded after this one
        assert listener.seen == [("confirming", "draft"), ("changed", "draft->confirmed"), ("confirmed", "confirmed")]
        assert owner.HISTORY == [("confirm", "draft", "confirmed")]
        assert owner.FLOW.allowed(doc) == ["cancel", "close"]
    finally:
        app.dispose()


def test_an_illegal_action_is_invalid_state_naming_where_it_is_allowed(tmp_path):
    owner = make_owner()
    app = open_app(tmp_path, owner, Listener())
    try:
        doc = Doc("D-2", state="done")
        with pytest.raises(InvalidState) as exc, app.transaction() as session:
            owner.FLOW.apply(session, doc, "cancel")
        assert exc.value.code == "INVALID_STATE"
        assert str(exc.value) == "document D-2 is done; it cannot be cancelled (only from confirmed, draft)"
        assert exc.value.details == {"state": "done", "action": "cancel", "allowedFrom": ["confirmed", "draft"]}
        assert doc.state == "done" and owner.HISTORY == []
    finally:
        app.dispose()


def test_a_guard_or_a_veto_leaves_the_state_alone(tmp_path):
    owner, listener = make_owner(), Listener(veto=True)
    app = open_app(tmp_path, owner, listener)
    try:
        doc = Doc("D-3")
        with pytest.raises(ValidationError) as bad, app.transaction() as session:
            owner.FLOW.apply(session, doc, "confirm", lines=[])
        assert bad.value.field == "lines" and listener.seen == []
        with pytest.raises(TenonError) as vetoed, app.transaction() as session:
            owner.FLOW.apply(session, doc, "confirm", lines=[1])
        assert vetoed.value.code == "BLOCKED"
        assert doc.state == "draft" and owner.HISTORY == [] and listener.seen == [("confirming", "draft")]
    finally:
        app.dispose()


def test_a_workflow_naming_an_undeclared_hook_fails_at_load_naming_the_plugin(tmp_path):
    owner = make_owner({"after": "tenon_docs_doc_confirmd"})
    with pytest.raises(PluginError) as exc:
        Tenon(Site.create(tmp_path / "site"), plugins=["docs"], extra_plugins=[owner])
    assert str(exc.value) == ("plugin 'docs': workflow 'docs.doc' calls hook 'tenon_docs_doc_confirmd', "
                              "which it does not declare (tenon_addhooks)")


def test_a_workflow_may_call_only_its_own_plugins_hooks(tmp_path):
    owner = make_owner({"before": "tenon_stock_shipment_confirming"})
    with pytest.raises(PluginError, match="calls hook 'tenon_stock_shipment_confirming', which is not one of its own"):
        Tenon(Site.create(tmp_path / "site"), plugins=["docs"], extra_plugins=[owner])


@pytest.mark.parametrize(("transitions", "changed", "message"), [
    ([Transition("go", ("a",), "b"), Transition("go", ("a",), "c")], None, "two 'go' transitions from 'a'"),
    ([Transition("go", ("a",), "b", before="tenon_x_thing_went")], None, "must be an '…ing' hook"),
    ([Transition("go", ("a",), "b", after="tenon_x_thing_going")], None, "must be past tense"),
    ([Transition("go", ("a",), "b")], "tenon_x_thing_changing", "must be past tense"),
])
def test_a_malformed_workflow_is_refused_when_declared(transitions, changed, message):
    with pytest.raises(PluginError, match=message):
        Workflow(name="x.thing", label="thing", subject="thing", transitions=transitions, changed=changed)
    with pytest.raises(PluginError, match="unknown state 'z'"):
        Workflow(name="x.thing", label="thing", subject="thing", states=("a", "b"),
                 transitions=[Transition("go", ("a",), "z")])


@pytest.mark.parametrize(("value", "expected"), [("1", 1), (42, 42), (" 7 ", 7), (str(MAX_ID), MAX_ID)])
def test_decode_id_accepts_database_ids(value, expected):
    assert decode_id(value) == expected


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1.5", "", str(MAX_ID + 1), "9" * 40, "１", True, 0])
def test_decode_id_refuses_malformed_ids_as_validation_naming_the_field(value):
    with pytest.raises(ValidationError) as exc:
        decode_id(value, "lines[0].productId")
    assert exc.value.code == "VALIDATION" and exc.value.field == "lines[0].productId"


def test_get_record_is_not_found_for_an_unknown_id_and_validation_for_a_malformed_one(make_app):
    app = make_app(plugins=[])
    with app.transaction() as session:
        with pytest.raises(NotFound) as missing:
            get_record(session, User, "999999", field="userId", what="user")
        assert (str(missing.value), missing.value.field) == ("user 999999 not found", "userId")
        with pytest.raises(ValidationError):
            get_record(session, User, "x", field="userId")
