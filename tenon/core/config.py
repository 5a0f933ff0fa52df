"""Versioned site configuration: a draft, approval, immutable numbered versions, diff, rollback,
export and import.

**What the configuration is.** Plugins contribute *configuration kinds* through the
``tenon_config_kinds`` hook (:class:`ConfigKind`); each kind exports its live state as
``{key: item}`` (plain JSON data) and can replace the live state with exactly a given set
of items. The kernel owns three kinds:

* ``core.policy``: role policy lines that are not a plugin's defaults (``p, role, object,
  action, scope`` and role hierarchy lines ``g, child, parent``; users' role assignments are
  user administration, not configuration), plus the plugin defaults a site revoked
  (items with ``"revoked": true``);
* ``core.sequence``: numbering sequences' prefix, date format and padding;
* ``core.setting``: declared site settings (:data:`SETTINGS`), such as which kinds of change
  need approval (``config.approval``) and the health check's thresholds.

**Life cycle.** Edits go into the one open :class:`~tenon.core.models.ConfigChange` (the
draft), an overlay ``{kind: {key: item or None}}`` on the live state. A change that needs
approval (:func:`needs_approval`) is submitted, then approved or rejected (with a comment)
by a ``config_approver`` who edited none of it; editing a rejected change reopens it. Publishing
applies the overlay through the kinds' ``apply`` in the same transaction, snapshots the live
state as a new immutable :class:`~tenon.core.models.ConfigVersion` (number, author, approver,
time, message), bumps the plugin-set version so every API worker rebuilds its schema from the
next request (within ``[api] plugin_check_seconds``), and publishes ``core.config.published``.
When the live state differs from the newest version before a publication (no version yet,
a plugin installed, a grant made with ``policyAdd``), that state is first recorded as a
``baseline``/``captured`` version, so every earlier state stays reachable.

**Rollback** publishes a new version whose content is an old version's (history is never
rewritten); kinds the old version does not know (a plugin installed later) are left as they
are, kinds of plugins no longer installed are skipped. Data written under the newer
configuration is the kinds' business: a kind must keep it (see ``tenon_config_kinds``).

**Export/import** is a JSON document (:func:`export_document`): JSON, not TOML, because items
are arbitrary JSON (``null`` values, lists of tables, mixed lists) that TOML cannot represent
faithfully. Importing turns the document into the open change (every kind it names replaced
by its items) and, when asked, publishes it through the same approval rules.

Limits: a key is at most :data:`MAX_KEY` characters, an item at most :data:`MAX_ITEM_BYTES`
bytes of JSON, a document at most :data:`MAX_DOCUMENT_BYTES`, a message or comment at most
:data:`MAX_MESSAGE` characters.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tenon.core.access import (
    PLUGINS_VERSION_KEY,
    add_policy_lines,
    bump_version,
    remove_policy_lines,
)
from tenon.core.db import current_actor, utcnow
from tenon.core.errors import InvalidState, NotFound, ValidationError
from tenon.core.events import Event, publish
from tenon.core.models import CasbinRule, ConfigChange, ConfigVersion, InstalledPlugin, SequenceDef, Setting
from tenon.core.sequences import SITE_VERSION_KEY
from tenon.core.workflow import Transition, Workflow

if TYPE_CHECKING:
    from tenon.core.kernel import Tenon

MAX_KEY = 200
MAX_ITEM_BYTES = 64 * 1024
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAX_MESSAGE = 500
MAX_COMMENT = 2000
DOCUMENT_FORMAT = "tenon-config"
DOCUMENT_FORMAT_VERSION = 1
OPEN_STATES = ("draft", "submitted", "approved", "rejected")

Item = dict[str, Any]
Items = dict[str, Item]


# ---------------------------------------------------------------------------------------- kinds


@dataclass(frozen=True)
class ConfigKind:
    """One kind of configuration a plugin owns (returned by ``tenon_config_kinds``).

    :param name: ``<plugin>.<thing>`` (``studio.custom_field``), unique per site.
    :param label: how people call it (``custom field``).
    :param export: ``export(session) -> {key: item}``: the live state, every item plain JSON
        data (str, int, float, bool, None, lists, str-keyed dicts); keys are stable identities
        (a field's code, not its row id), so a document imports into another site.
    :param apply: ``apply(session, {key: item})``: make the live state exactly these items
        (create, update, remove), in the caller's transaction; never commit. Keep data that
        depends on a removed item (hide it, do not delete it), so a rollback brings it back.
    :param needs_approval: whether a change of an item needs approval by default: a bool, or
        ``needs_approval(old_item, new_item) -> bool`` (``None`` for added/removed), e.g. a
        custom field's label-only change never does. The site setting ``config.approval``
        overrides it per kind (``"always"``/``"never"``).
    :param describe: ``describe(key, item) -> str``: a readable label for diffs (default: the key).
    :param validate: ``validate(session, key, item_or_None) -> item_or_None``: check (raise
        :class:`~tenon.core.errors.ValidationError` naming the field) and normalise an edit
        before it enters the draft; ``None`` is a removal (refuse it if the kind cannot remove).
    """

    name: str
    label: str
    export: Callable[[Session], Mapping[str, Mapping[str, Any]]]
    apply: Callable[[Session, Items], None]
    needs_approval: bool | Callable[[Item | None, Item | None], bool] = True
    describe: Callable[[str, Item], str] | None = None
    validate: Callable[[Session, str, Item | None], Item | None] | None = None

    def label_of(self, key: str, item: Item | None) -> str:
        if self.describe is not None and item is not None:
            try:
                return str(self.describe(key, item))
            except Exception:  # a label is a nicety: never fail a diff over it
                return key
        return key

    def default_approval(self, old: Item | None, new: Item | None) -> bool:
        rule = self.needs_approval
        return bool(rule(old, new)) if callable(rule) else bool(rule)


def _plain(value: Any, where: str) -> Any:
    """``value`` as canonical plain JSON data (sorted keys); refuses what JSON cannot hold."""
    try:
        return json.loads(json.dumps(value, sort_keys=True, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{where} is not plain JSON data: {exc}", field="item") from None


def kinds(app: Tenon) -> dict[str, ConfigKind]:
    """The loaded plugins' configuration kinds, by name (validated at load)."""
    return app.config_kinds


def kind_of(app: Tenon, name: str) -> ConfigKind:
    found = kinds(app).get(name)
    if found is None:
        raise ValidationError(f"unknown configuration kind {name!r}; known: {', '.join(sorted(kinds(app)))}",
                              field="kind")
    return found


def live(session: Session, app: Tenon) -> dict[str, Items]:
    """The live configuration ``{kind: {key: item}}`` of every loaded kind."""
    out: dict[str, Items] = {}
    for name, k in kinds(app).items():
        items = k.export(session)
        out[name] = {str(key): _plain(dict(item), f"{name} {key!r}") for key, item in sorted(items.items())}
    return out


# ----------------------------------------------------------------------------- site settings


@dataclass(frozen=True)
class SiteSetting:
    """A declared site setting (kind ``core.setting``), stored in ``core_setting`` as ``site.<name>``.

    :param check: ``check(value) -> value``: refuse (``ValueError`` with the reason) or normalise.
    """

    name: str
    default: Any
    description: str
    check: Callable[[Any], Any]


def _int_between(low: int, high: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"must be a whole number from {low} to {high}")
        return value
    return check


def _approval_rules(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(k, str) and v in ("always", "never", "default")
                                              for k, v in value.items()):
        raise ValueError('must be an object {kind: "always" | "never" | "default"}')
    return {k: v for k, v in value.items() if v != "default"}


SETTINGS: dict[str, SiteSetting] = {s.name: s for s in (
    SiteSetting("config.approval", {}, 'Which kinds of configuration change need approval, overriding each kind\'s '
                'default: {kind: "always" | "never"}. A change of this setting always needs approval.',
                _approval_rules),
    SiteSetting("health.unused_days", 90, "The health check's N days: API tokens unused, fields never filled and "
                "rules never fired for this long are reported.", _int_between(1, 3650)),
    SiteSetting("health.max_admins", 3, "The health check reports more users than this holding the role admin.",
                _int_between(1, 1000)),
)}
SETTING_PREFIX = "site."


def site_setting(session: Session, name: str) -> Any:
    """The value of declared site setting ``name`` (its default when the site never set it)."""
    spec = SETTINGS[name]
    row = session.get(Setting, SETTING_PREFIX + name)
    return row.value if row is not None else spec.default


def _settings_export(session: Session) -> Items:
    rows = session.scalars(select(Setting).where(Setting.key.like(SETTING_PREFIX + "%"))).all()
    return {r.key[len(SETTING_PREFIX):]: {"value": r.value} for r in rows if r.key[len(SETTING_PREFIX):] in SETTINGS}


def _settings_apply(session: Session, items: Items) -> None:
    for name in SETTINGS:
        row = session.get(Setting, SETTING_PREFIX + name)
        if name in items:
            if row is None:
                session.add(Setting(key=SETTING_PREFIX + name, value=items[name]["value"]))
            else:
                row.value = items[name]["value"]
        elif row is not None:
            session.delete(row)
    session.flush()


def _settings_validate(session: Session, key: str, item: Item | None) -> Item | None:
    spec = SETTINGS.get(key)
    if spec is None:
        raise ValidationError(f"unknown site setting {key!r}; known: {', '.join(sorted(SETTINGS))}", field="key")
    if item is None:
        return None
    if set(item) != {"value"}:
        raise ValidationError('a site setting item is {"value": ...}', field="item")
    try:
        return {"value": spec.check(item["value"])}
    except ValueError as exc:
        raise ValidationError(f"site setting {key}: {exc}", field="item.value") from None


# ------------------------------------------------------------------------------ sequences


_DATE_FORMAT = re.compile(r"^(?:[^%]|%[YmdyjUWGVu%])*$")


def _sequences_export(session: Session) -> Items:
    return {s.code: {"prefix": s.prefix, "date_format": s.date_format, "padding": s.padding}
            for s in session.scalars(select(SequenceDef).order_by(SequenceDef.code))}


def _sequences_apply(session: Session, items: Items) -> None:
    for row in session.scalars(select(SequenceDef)):
        item = items.get(row.code)
        if item is not None:  # a sequence belongs to its plugin: configuration changes it, never removes it
            row.prefix, row.date_format, row.padding = item["prefix"], item["date_format"], item["padding"]
    session.info.pop(SITE_VERSION_KEY, None)  # no number in this unit from a cached definition
    session.flush()


def _sequences_validate(session: Session, key: str, item: Item | None) -> Item | None:
    if session.get(SequenceDef, key) is None:
        raise ValidationError(f"no numbering sequence {key!r} on this site", field="key")
    if item is None:
        raise ValidationError("a numbering sequence belongs to its plugin and cannot be removed", field="key")
    if set(item) != {"prefix", "date_format", "padding"}:
        raise ValidationError("a sequence item is {prefix, date_format, padding}", field="item")
    prefix, fmt, padding = item["prefix"], item["date_format"], item["padding"]
    if not isinstance(prefix, str) or len(prefix) > 32:
        raise ValidationError("prefix: text of at most 32 characters", field="item.prefix")
    if not isinstance(fmt, str) or len(fmt) > 32 or not _DATE_FORMAT.match(fmt):
        raise ValidationError("date_format: at most 32 characters; codes %Y %m %d %y %j %U %W %G %V %u",
                              field="item.date_format")
    if isinstance(padding, bool) or not isinstance(padding, int) or not 1 <= padding <= 20:
        raise ValidationError("padding: a whole number from 1 to 20", field="item.padding")
    return {"prefix": prefix, "date_format": fmt, "padding": padding}


# ------------------------------------------------------------------------------- policies

Line = tuple[str, ...]
ADMIN_LINE: Line = ("p", "admin", "*", "*", "*")


def _is_config_line(line: Line) -> bool:
    return (line[0] == "p" and len(line) == 5) or (line[0] == "g" and len(line) == 3
                                                   and not line[1].startswith("user:"))


def policy_defaults(session: Session) -> set[Line]:
    """Every installed plugin's default policy lines, as recorded at install/upgrade (``plugin_defaults.*``)."""
    from tenon.core.installer import DEFAULTS_KEY

    names = list(session.scalars(select(InstalledPlugin.name)))
    rows = session.scalars(select(Setting).where(Setting.key.in_([DEFAULTS_KEY.format(n) for n in names]))).all()
    return {tuple(line) for r in rows for line in (r.value or {}).get("policies", [])}


def _policy_key(line: Line) -> str:
    return ", ".join(line)


def _policy_item(line: Line) -> Item:
    if line[0] == "p":
        return {"type": "p", "role": line[1], "object": line[2], "action": line[3], "scope": line[4]}
    return {"type": "g", "role": line[1], "parent": line[2]}


def _policy_line(item: Item) -> Line:
    if item.get("type") == "p":
        names = ("role", "object", "action", "scope")
    elif item.get("type") == "g":
        names = ("role", "parent")
    else:
        raise ValidationError('a policy item has "type" "p" (role, object, action, scope) or "g" (role, parent)',
                              field="item.type")
    values = []
    for n in names:
        v = item.get(n)
        if not isinstance(v, str) or not v.strip() or "," in v or len(v) > 255:
            raise ValidationError(f"{n}: non-empty text without commas", field=f"item.{n}")
        values.append(v.strip())
    if item["type"] == "g" and values[0].startswith("user:"):
        raise ValidationError("users' role assignments are user administration (userUpdate), not configuration",
                              field="item.role")
    return (item["type"], *values)


def _policy_lines(session: Session) -> set[Line]:
    return {line for r in session.scalars(select(CasbinRule)) if _is_config_line(line := (r.ptype, *r.values()))}


def _policies_export(session: Session) -> Items:
    defaults = {d for d in policy_defaults(session) if _is_config_line(d)}
    lines = _policy_lines(session)
    out = {_policy_key(line): _policy_item(line) for line in lines - defaults}
    out.update({_policy_key(d): {**_policy_item(d), "revoked": True} for d in defaults - lines})
    return out


def _policies_apply(session: Session, items: Items) -> None:
    defaults = {d for d in policy_defaults(session) if _is_config_line(d)}
    revoked = {_policy_line(i) for i in items.values() if i.get("revoked")}
    wanted = {_policy_line(i) for i in items.values() if not i.get("revoked")}
    current = _policy_lines(session)
    remove = ((current - defaults) - wanted) | (revoked & current)
    add = (wanted - current) | ((defaults - revoked) - current)
    remove_policy_lines(session, sorted(remove))
    add_policy_lines(session, sorted(add))


def _policies_validate(session: Session, key: str, item: Item | None) -> Item | None:
    if item is None:
        return None
    extra = set(item) - {"type", "role", "object", "action", "scope", "parent", "revoked"}
    if extra:
        raise ValidationError(f"unknown policy item field(s) {', '.join(sorted(extra))}", field="item")
    line = _policy_line(item)
    if _policy_key(line) != key:
        raise ValidationError(f"the key of this policy line is {_policy_key(line)!r}", field="key")
    out = _policy_item(line)
    if item.get("revoked"):
        if line == ADMIN_LINE:
            raise ValidationError("the kernel's admin line cannot be revoked", field="item.revoked")
        if line not in policy_defaults(session):
            raise ValidationError("only a plugin's default line can be revoked; remove other lines instead",
                                  field="item.revoked")
        out["revoked"] = True
    return out


def _policy_label(key: str, item: Item) -> str:
    if item.get("type") == "g":
        text = f"role {item['role']} inherits {item['parent']}"
    else:
        scope = "" if item.get("scope") in ("*", None) else f" (scope {item['scope']})"
        text = f"{item['role']} may {item['action']} {item['object']}{scope}"
    return f"{text} [revoked default]" if item.get("revoked") else text


KERNEL_KINDS = (
    ConfigKind(name="core.policy", label="role policy line", export=_policies_export, apply=_policies_apply,
               needs_approval=True, describe=_policy_label, validate=_policies_validate),
    ConfigKind(name="core.sequence", label="numbering sequence", export=_sequences_export,
               apply=_sequences_apply, needs_approval=False,
               describe=lambda key, i: f"{key}: {i['prefix']}{i['date_format']}{'0' * i['padding']}",
               validate=_sequences_validate),
    ConfigKind(name="core.setting", label="site setting", export=_settings_export, apply=_settings_apply,
               needs_approval=True, describe=lambda key, i: f"{key} = {json.dumps(i.get('value'))}",
               validate=_settings_validate),
)


# ----------------------------------------------------------------------------------- diff


@dataclass(frozen=True)
class FieldChange:
    name: str
    old: Any
    new: Any


@dataclass(frozen=True)
class ItemChange:
    """One item that differs between two configurations."""

    kind: str
    kind_label: str
    key: str
    label: str
    change: str  # added | removed | changed
    old: Item | None
    new: Item | None
    fields: tuple[FieldChange, ...] = ()
    needs_approval: bool = False


def _approval_rules_of(content: Mapping[str, Items]) -> dict[str, str]:
    item = content.get("core.setting", {}).get("config.approval")
    return dict(item["value"]) if item else {}


def item_needs_approval(kind: ConfigKind | None, key: str, old: Item | None, new: Item | None,
                        rules: Mapping[str, str]) -> bool:
    if kind is None:
        return True
    if kind.name == "core.setting" and key == "config.approval":
        return True  # the approval rules themselves always need approval
    rule = rules.get(kind.name)
    if rule == "always":
        return True
    if rule == "never":
        return False
    return kind.default_approval(old, new)


def diff(app: Tenon, old: Mapping[str, Items], new: Mapping[str, Items],
         rules: Mapping[str, str] | None = None) -> list[ItemChange]:
    """The items that differ from ``old`` to ``new``, per kind and key (kinds sorted by name).

    A kind only one side has is compared with an empty kind. ``rules`` (``config.approval``)
    decides each change's ``needs_approval`` (default: the rules of ``old``).
    """
    rules = _approval_rules_of(old) if rules is None else rules
    known = kinds(app)
    out: list[ItemChange] = []
    for kname in sorted(set(old) | set(new)):
        kind = known.get(kname)
        label = kind.label if kind else kname
        a, b = old.get(kname, {}), new.get(kname, {})
        for key in sorted(set(a) | set(b)):
            before, after = a.get(key), b.get(key)
            if before == after:
                continue
            change = "added" if before is None else "removed" if after is None else "changed"
            fields: tuple[FieldChange, ...] = ()
            if before is not None and after is not None:
                fields = tuple(FieldChange(f, before.get(f), after.get(f)) for f in sorted(set(before) | set(after))
                               if before.get(f) != after.get(f))
            shown = after if after is not None else before
            out.append(ItemChange(
                kind=kname, kind_label=label, key=key,
                label=kind.label_of(key, shown) if kind else key, change=change, old=before, new=after,
                fields=fields, needs_approval=item_needs_approval(kind, key, before, after, rules)))
    return out


# ---------------------------------------------------------------------------- the workflow


def _actor_name(session: Session) -> str:
    actor = current_actor(session)
    return actor.username if actor is not None else "system"


def _not_an_author(session: Session, change: ConfigChange, **_: Any) -> None:
    who = _actor_name(session)
    if who in (change.editors or []) or who == change.submitted_by:
        from tenon.core.errors import Forbidden

        raise Forbidden(f"{who} edited or submitted configuration change #{change.id} and cannot approve or "
                        "reject it: another config_approver must decide")


CHANGE_WORKFLOW = Workflow(
    name="core.config_change", label="configuration change", subject="change",
    describe=lambda c: f"#{c.id}",
    states=("draft", "submitted", "approved", "rejected", "published", "discarded"),
    transitions=[
        Transition("submit", ("draft",), "submitted", verb="submitted"),
        Transition("approve", ("submitted",), "approved", verb="approved", guard=_not_an_author),
        Transition("reject", ("submitted",), "rejected", verb="rejected", guard=_not_an_author),
        Transition("reopen", ("rejected",), "draft", verb="reopened"),
        Transition("publish", ("draft", "approved"), "published", verb="published"),
        Transition("discard", OPEN_STATES, "discarded", verb="discarded"),
    ],
)


@dataclass(frozen=True)
class ConfigPublished(Event):
    """A new configuration version was published (by a publication, a rollback or an import)."""

    name: ClassVar[str] = "core.config.published"
    version: int
    source: str
    kinds: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------- services


def _check_text(value: str, name: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise ValidationError(f"{name}: at most {limit} characters", field=name)
    return value


def open_change(session: Session, *, lock: bool = False) -> ConfigChange | None:
    """The open configuration change (the draft, in any state before publication), or ``None``."""
    stmt = select(ConfigChange).where(ConfigChange.state.in_(OPEN_STATES)).order_by(ConfigChange.id.desc()).limit(1)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def latest_version(session: Session) -> ConfigVersion | None:
    return session.scalars(select(ConfigVersion).order_by(ConfigVersion.number.desc()).limit(1)).first()


def get_version(session: Session, number: int) -> ConfigVersion:
    row = session.scalars(select(ConfigVersion).where(ConfigVersion.number == number)).first()
    if row is None:
        raise NotFound(f"no configuration version {number}", field="version")
    return row


def overlay(base: Mapping[str, Items], changes: Mapping[str, Mapping[str, Item | None]]) -> dict[str, Items]:
    out = {k: dict(v) for k, v in base.items()}
    for kname, items in changes.items():
        target = out.setdefault(kname, {})
        for key, item in items.items():
            if item is None:
                target.pop(key, None)
            else:
                target[key] = item
    return {k: dict(sorted(v.items())) for k, v in out.items()}


def draft_content(session: Session, app: Tenon, change: ConfigChange | None = None) -> dict[str, Items]:
    """The configuration as it would be published: the live state with the open change applied."""
    change = change if change is not None else open_change(session)
    base = live(session, app)
    return overlay(base, change.changes if change is not None else {})


def change_diff(session: Session, app: Tenon, change: ConfigChange) -> list[ItemChange]:
    """What publishing ``change`` would change in the live configuration."""
    base = live(session, app)
    return diff(app, base, overlay(base, change.changes or {}))


def needs_approval(session: Session, app: Tenon, change: ConfigChange) -> bool:
    """Whether any item ``change`` changes needs approval (under the live ``config.approval`` rules)."""
    return any(c.needs_approval for c in change_diff(session, app, change))


DRAFT_LOCK_KEY = "config_draft_version"
"""``core_setting`` counter bumped (row-locked) by every edit: editors of the draft take turns, so
two first edits cannot open two drafts."""


def _editable(session: Session, app: Tenon) -> ConfigChange:
    bump_version(session, DRAFT_LOCK_KEY)
    change = open_change(session, lock=True)
    if change is None:
        change = ConfigChange(state="draft", changes={}, editors=[], created_by=_actor_name(session))
        session.add(change)
        session.flush()
    elif change.state == "rejected":
        CHANGE_WORKFLOW.apply(session, change, "reopen")
    elif change.state != "draft":
        raise InvalidState(f"configuration change #{change.id} is {change.state}: it can no longer be edited "
                           "(publish or discard it first)", field="state")
    return change


def _record_edit(session: Session, change: ConfigChange, changes: dict[str, dict[str, Item | None]]) -> None:
    change.changes = {k: v for k, v in changes.items() if v}
    who = _actor_name(session)
    if who not in (change.editors or []):
        change.editors = [*(change.editors or []), who]
    session.flush()


def edit(session: Session, app: Tenon, kind: str, key: str, item: Item | None) -> ConfigChange:
    """Put one item (or its removal, ``item=None``) into the draft, opening a draft if none is open.

    An edit that brings an item back to its live value drops it from the draft.

    :raises ValidationError: unknown kind, bad key or item (the kind's ``validate``).
    :raises InvalidState: the open change is submitted or approved.
    """
    k = kind_of(app, kind)
    if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY:
        raise ValidationError(f"key: 1 to {MAX_KEY} characters", field="key")
    if item is not None:
        if not isinstance(item, dict):
            raise ValidationError("item must be an object", field="item")
        item = _plain(item, f"{kind} {key!r}")
        if len(json.dumps(item)) > MAX_ITEM_BYTES:
            raise ValidationError(f"item: at most {MAX_ITEM_BYTES} bytes of JSON", field="item")
    if k.validate is not None:
        item = k.validate(session, key, item)
        item = _plain(item, f"{kind} {key!r}") if item is not None else None
    current = live(session, app).get(kind, {})
    if item is None and key not in current:
        pending = (open_change(session) or ConfigChange(changes={})).changes.get(kind, {})
        if key not in pending:
            raise NotFound(f"no {k.label} {key!r} to remove", field="key")
    change = _editable(session, app)
    changes = {kn: dict(v) for kn, v in (change.changes or {}).items()}
    target = changes.setdefault(kind, {})
    if current.get(key) == item:
        target.pop(key, None)
    else:
        target[key] = item
    _record_edit(session, change, changes)
    return change


def revert(session: Session, app: Tenon, kind: str, key: str) -> ConfigChange:
    """Drop one item's pending change from the draft (it keeps its live value)."""
    change = _editable(session, app)
    changes = {kn: dict(v) for kn, v in (change.changes or {}).items()}
    if key not in changes.get(kind, {}):
        raise NotFound(f"the draft does not change {kind} {key!r}", field="key")
    del changes[kind][key]
    _record_edit(session, change, changes)
    return change


def _the_open_change(session: Session) -> ConfigChange:
    change = open_change(session, lock=True)
    if change is None:
        raise NotFound("no configuration change is open (edit an item to open a draft)")
    return change


def submit(session: Session, app: Tenon, message: str = "") -> ConfigChange:
    """Submit the draft for approval."""
    change = _the_open_change(session)
    message = _check_text(message, "message", MAX_MESSAGE)
    if not change.changes and change.state == "draft":
        raise ValidationError("the draft changes nothing", field="changes")
    CHANGE_WORKFLOW.apply(session, change, "submit", note=message)
    change.message = message or change.message
    change.submitted_by, change.submitted_at = _actor_name(session), utcnow()
    change.decided_by, change.decided_at, change.decision_comment = None, None, ""
    session.flush()
    return change


def decide(session: Session, app: Tenon, action: str, comment: str = "") -> ConfigChange:
    """``approve`` or ``reject`` the submitted change; someone who edited or submitted it may not."""
    change = _the_open_change(session)
    comment = _check_text(comment, "comment", MAX_COMMENT)
    if action == "reject" and not comment:
        raise ValidationError("say why the change is rejected", field="comment")
    CHANGE_WORKFLOW.apply(session, change, action, note=comment)
    change.decided_by, change.decided_at, change.decision_comment = _actor_name(session), utcnow(), comment
    session.flush()
    return change


def discard(session: Session, app: Tenon) -> ConfigChange:
    change = _the_open_change(session)
    CHANGE_WORKFLOW.apply(session, change, "discard")
    return change


def _next_number(session: Session) -> int:
    return int(session.scalar(select(func.max(ConfigVersion.number))) or 0) + 1


def _new_version(session: Session, content: dict[str, Items], *, source: str, message: str,
                 author: str | None, approved_by: str | None = None, based_on: int | None = None,
                 change_id: int | None = None) -> ConfigVersion:
    row = ConfigVersion(number=_next_number(session), content=content, source=source, message=message,
                        author=author, approved_by=approved_by, based_on=based_on, change_id=change_id)
    session.add(row)
    session.flush()
    return row


def capture(session: Session, app: Tenon) -> ConfigVersion | None:
    """Record the live state as a version when it differs from the newest one (or none exists)."""
    latest = latest_version(session)
    now = live(session, app)
    if latest is not None and {k: latest.content.get(k, {}) for k in now} == now:
        return None
    if latest is None:
        return _new_version(session, now, source="baseline", message="the configuration before the first version",
                            author="system")
    return _new_version(session, now, source="captured", author="system",
                        message="changes made outside configuration versions (plugins installed, direct grants)")


def _apply(session: Session, app: Tenon, content: Mapping[str, Items], only: set[str] | None = None) -> list[str]:
    """Make the live state of the loaded kinds in ``content`` (or ``only`` those) equal to it."""
    applied = []
    now = live(session, app)
    for name, k in kinds(app).items():
        if name not in content or (only is not None and name not in only):
            continue
        if now.get(name) != content[name]:
            k.apply(session, {key: dict(item) for key, item in content[name].items()})
            session.flush()
            applied.append(name)
    return applied


def _published(session: Session, app: Tenon, content_before: dict[str, Items], *, source: str, message: str,
               approved_by: str | None = None, based_on: int | None = None,
               change_id: int | None = None) -> ConfigVersion:
    after = live(session, app)
    version = _new_version(session, after, source=source, message=message, author=_actor_name(session),
                           approved_by=approved_by, based_on=based_on, change_id=change_id)
    changed = sorted({c.kind for c in diff(app, content_before, after)})
    bump_version(session, PLUGINS_VERSION_KEY)  # every worker rebuilds its schema and reloads from the next request
    publish(session, ConfigPublished(version=version.number, source=source, kinds=changed))
    return version


def publish_change(session: Session, app: Tenon, message: str = "", *, source: str = "publish") -> ConfigVersion:
    """Publish the open change as a new version.

    :raises InvalidState: the change needs approval and is not approved, or is submitted/rejected.
    """
    change = _the_open_change(session)
    message = _check_text(message, "message", MAX_MESSAGE) or change.message
    if not change.changes:
        raise ValidationError("the draft changes nothing", field="changes")
    if change.state == "draft" and needs_approval(session, app, change):
        raise InvalidState(f"configuration change #{change.id} needs approval: submit it, and a config_approver "
                           "who did not edit it approves it", field="state")
    capture(session, app)
    before = live(session, app)
    target = overlay(before, change.changes)
    CHANGE_WORKFLOW.apply(session, change, "publish", note=message)
    _apply(session, app, target, only=set(change.changes))
    version = _published(session, app, before, source=source,
                         message=message, approved_by=change.decided_by if change.decided_by else None,
                         change_id=change.id)
    change.published_version = version.number
    change.message = message
    session.flush()
    return version


def rollback(session: Session, app: Tenon, number: int, message: str = "") -> ConfigVersion:
    """Publish a new version equal to version ``number`` (for the kinds still loaded)."""
    target = get_version(session, number)
    message = _check_text(message, "message", MAX_MESSAGE) or f"rollback to version {number}"
    capture(session, app)
    before = live(session, app)
    _apply(session, app, target.content)
    return _published(session, app, before, source="rollback", message=message, based_on=number)


def resolve(session: Session, app: Tenon, ref: str) -> dict[str, Items]:
    """The configuration a reference names: a version number, ``live``, ``draft`` or ``published`` (newest)."""
    ref = (ref or "").strip().lower()
    if ref == "live":
        return live(session, app)
    if ref == "draft":
        return draft_content(session, app)
    if ref in ("published", "latest"):
        latest = latest_version(session)
        if latest is None:
            raise NotFound("no configuration version is published yet", field="version")
        return latest.content
    if ref.isdigit():
        return get_version(session, int(ref)).content
    raise ValidationError(f"bad configuration reference {ref!r}: a version number, live, draft or published",
                          field="version")


# --------------------------------------------------------------------------- export/import


def export_document(session: Session, app: Tenon, ref: str = "live") -> str:
    """The configuration ``ref`` names as a JSON document::

        {"format": "tenon-config", "format_version": 1, "source": "live" | "<version number>",
         "exported_at": "...", "plugins": {name: version}, "kinds": {kind: {key: item}}}
    """
    content = resolve(session, app, ref)
    doc = {
        "format": DOCUMENT_FORMAT, "format_version": DOCUMENT_FORMAT_VERSION, "source": ref,
        "exported_at": utcnow().replace(microsecond=0).isoformat(),
        "plugins": {name: c.info.version for name, c in app.plugins.items()},
        "kinds": content,
    }
    return json.dumps(doc, indent=2, sort_keys=True) + "\n"


def _parse_document(app: Tenon, text: str) -> dict[str, Items]:
    if len(text.encode("utf-8")) > MAX_DOCUMENT_BYTES:
        raise ValidationError(f"document: at most {MAX_DOCUMENT_BYTES} bytes", field="document")
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise ValidationError(f"document is not JSON: {exc}", field="document") from None
    if not isinstance(doc, dict) or doc.get("format") != DOCUMENT_FORMAT:
        raise ValidationError(f'not a configuration document (expected "format": "{DOCUMENT_FORMAT}")',
                              field="document")
    if doc.get("format_version") != DOCUMENT_FORMAT_VERSION:
        raise ValidationError(f"unsupported format_version {doc.get('format_version')!r}", field="document")
    content = doc.get("kinds")
    if not isinstance(content, dict) or not all(isinstance(v, dict) for v in content.values()):
        raise ValidationError('"kinds" must be {kind: {key: item}}', field="document")
    unknown = sorted(set(content) - set(kinds(app)))
    if unknown:
        raise ValidationError(f"the document has kind(s) {', '.join(unknown)}, which no plugin installed here "
                              "provides: install the plugin(s) first", field="document")
    return content


def import_document(session: Session, app: Tenon, text: str, *, publish_it: bool = False,
                    message: str = "") -> tuple[ConfigChange, ConfigVersion | None]:
    """Make the open change replace every kind the document names by the document's items
    (items a kind cannot remove, such as numbering sequences of plugins the other site lacks, stay).

    With ``publish_it``: publish at once when the change needs no approval, else submit it.
    Returns the change and the version published (or ``None``).

    :raises InvalidState: another change is open and changes something.
    """
    content = _parse_document(app, text)
    message = _check_text(message, "message", MAX_MESSAGE)
    current = open_change(session)
    if current is not None and (current.changes or current.state != "draft"):
        raise InvalidState(f"configuration change #{current.id} is open: publish or discard it before importing",
                           field="state")
    now = live(session, app)
    changes: dict[str, dict[str, Item | None]] = {}
    for kname, items in content.items():
        k = kind_of(app, kname)
        mine = now.get(kname, {})
        wanted: Items = {}
        for key, item in items.items():
            if not isinstance(item, dict):
                raise ValidationError(f"{kname} {key!r}: an item must be an object", field="document")
            checked = k.validate(session, key, _plain(item, f"{kname} {key!r}")) if k.validate else item
            wanted[key] = _plain(checked, f"{kname} {key!r}")
        per_kind: dict[str, Item | None] = {key: item for key, item in wanted.items() if mine.get(key) != item}
        for key in sorted(set(mine) - set(wanted)):
            if k.validate is not None:
                try:
                    k.validate(session, key, None)
                except ValidationError:
                    continue  # an item this kind cannot remove (another plugin's sequence) stays as it is
            per_kind[key] = None
        if per_kind:
            changes[kname] = per_kind
    change = _editable(session, app)
    change.message = message or "imported configuration document"
    _record_edit(session, change, changes)
    if not publish_it or not change.changes:
        return change, None
    if needs_approval(session, app, change):
        submit(session, app, change.message)
        return change, None
    return change, publish_change(session, app, change.message, source="import")


def versions(session: Session, limit: int = 100) -> list[ConfigVersion]:
    return list(session.scalars(select(ConfigVersion).order_by(ConfigVersion.number.desc()).limit(limit)))


def when(value: dt.datetime | None) -> str:
    return value.isoformat() if value is not None else "-"
