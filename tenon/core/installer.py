"""Installing, upgrading and removing plugins on a site.

A plugin's install is one transaction: its migration branch, its policy lines,
its numbering sequences and its ``core_plugin`` record, DDL included on
PostgreSQL and SQLite alike (:func:`tenon.core.migrate.ddl_transaction`), so a
failure leaves nothing behind and the install can simply be run again.
Uninstall refuses while an installed plugin depends on the one being removed,
because Alembic would otherwise silently downgrade the dependents too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select, table
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from tenon.core import migrate, uow
from tenon.core.access import (
    PLUGINS_VERSION_KEY,
    SYSTEM,
    add_policy_lines,
    bump_version,
    remove_policy_lines,
)
from tenon.core.errors import ConfigError, PluginError
from tenon.core.kernel import Tenon
from tenon.core.models import CasbinRule, InstalledPlugin, OutboxMessage, SequenceCounter, SequenceDef, Setting
from tenon.core.plugins import KERNEL, Candidate, resolve
from tenon.core.sequences import SequenceSpec, ensure_sequences
from tenon.core.site import CONFIG_NAME, Site

Progress = Callable[[str], None]


def _quiet(_msg: str) -> None:
    pass


DEFAULTS_KEY = "plugin_defaults.{}"
"""``core_setting`` key holding what a plugin declared when it was installed or last upgraded:
``{"version": ..., "policies": [[ptype, ...], ...], "sequences": [{code, prefix, date_format, padding}]}``.
:func:`migrate_all` compares the code's declarations with it to add and remove default lines."""


def _declared(app: Tenon, plugin: str) -> tuple[list[tuple[str, ...]], list[SequenceSpec]]:
    policies = app.hooks.policies(plugin)
    sequences = app.hooks.sequences(plugin)
    return policies, sequences


def _record_defaults(session: Session, plugin: str, version: str,
                     policies: list[tuple[str, ...]], sequences: list[SequenceSpec]) -> None:
    value = {
        "version": version,
        "policies": [list(line) for line in policies],
        "sequences": [{"code": s.code, "prefix": s.prefix, "date_format": s.date_format, "padding": s.padding}
                      for s in sequences],
    }
    key = DEFAULTS_KEY.format(plugin)
    setting = session.get(Setting, key)
    if setting is None:
        session.add(Setting(key=key, value=value))
    else:
        setting.value = value
    session.flush()


def _check_migrations(app: Tenon, new: list[Candidate]) -> None:
    """Refuse, before anything is installed, a plugin whose migrations folder has no branch yet."""
    locations = migrate.version_locations(app)
    for cand in new:
        name = cand.info.name
        if name in locations and not migrate.has_branch(app, name):
            raise PluginError(f'plugin {name!r} has no migration yet: run tenon dev revision {name} -m "initial"')


def _upgrade_branch(app: Tenon, cfg: Any, name: str, done: list[str]) -> None:
    """``alembic upgrade <name>@head``; an Alembic or database failure becomes one line naming the plugin."""
    from alembic import command
    from alembic.util import CommandError

    try:
        command.upgrade(cfg, f"{name}@head")
    except (CommandError, SQLAlchemyError) as exc:
        first = (str(getattr(exc, "orig", None) or exc).strip().splitlines() or [type(exc).__name__])[0]
        before = f"; installed before it: {', '.join(done)}" if done else ""
        raise PluginError(f"plugin {name!r}: migration failed: {first}{before}") from None


def install(app: Tenon, names: Iterable[str], progress: Progress = _quiet) -> list[str]:
    """Install ``names`` and whatever they depend on; returns the plugins newly installed.

    Each plugin is installed in its own transaction, dependencies first. A plugin whose
    migrations folder has no revision yet is refused before anything is installed; a
    migration that fails rolls back its plugin only, and the error names the plugins
    installed before it.
    """
    names = list(names)
    installed = app.installed_versions()
    ordered = resolve(app.candidates, [KERNEL, *installed, *names])
    app.load([c.info.name for c in ordered])
    new = [c for c in ordered if c.info.name not in installed]
    _check_migrations(app, new)
    done: list[str] = []
    for cand in new:
        name = cand.info.name
        progress(f"installing {name} {cand.info.version}")
        with migrate.ddl_transaction(app) as conn:
            cfg = migrate.make_config(app, conn)
            if name in migrate.version_locations(app):
                _upgrade_branch(app, cfg, name, done)
            with Session(bind=conn) as session:
                uow.begin_unit(session, app, SYSTEM)
                policies, sequences = _declared(app, name)
                add_policy_lines(session, policies)
                ensure_sequences(session, name, sequences)
                _record_defaults(session, name, cand.info.version, policies, sequences)
                session.add(InstalledPlugin(name=name, version=cand.info.version))
                bump_version(session, PLUGINS_VERSION_KEY)  # running servers reload their plugin set
                session.flush()
        done.append(name)
    app.access.reload()
    return [c.info.name for c in new]


@dataclass
class Upgrade:
    """What :func:`migrate_all` changed for one plugin whose version changed."""

    plugin: str
    old_version: str
    new_version: str
    added_policies: list[tuple[str, ...]] = field(default_factory=list)
    removed_policies: list[tuple[str, ...]] = field(default_factory=list)
    added_sequences: list[str] = field(default_factory=list)
    changed_sequences: list[str] = field(default_factory=list)
    removed_sequences: list[str] = field(default_factory=list)
    kept_sequences: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"upgraded {self.plugin} {self.old_version} -> {self.new_version}"]
        out += [f"  + policy {', '.join(p)}" for p in self.added_policies]
        out += [f"  - policy {', '.join(p)}" for p in self.removed_policies]
        out += [f"  + sequence {c}" for c in self.added_sequences]
        out += [f"  ~ sequence {c} (definition changed)" for c in self.changed_sequences]
        out += [f"  - sequence {c}" for c in self.removed_sequences]
        out += [f"  = sequence {c} kept: no longer declared, but numbers were issued" for c in self.kept_sequences]
        return out


def _apply_defaults(session: Session, app: Tenon, plugin: str, old: dict[str, Any] | None, up: Upgrade) -> None:
    """Bring the site's default policy lines and sequences of ``plugin`` to what its code declares.

    Policies: lines the new version declares and the old did not are added (if the site lacks
    them); lines the old version declared and the new does not are removed. Lines declared by
    both are left as the site has them, so an admin's revocation of a default line survives an
    upgrade. Users' role assignments and admins' runtime grants are never declared defaults, so
    they are kept. Without a record of the old declarations (a site installed before they were
    recorded) nothing is removed and every declared line the site lacks is added.

    Sequences: new specs are added; a spec whose declaration changed is updated; a spec no
    longer declared is deleted when no number was issued from it, and kept otherwise (its
    counters say which numbers exist; declaring it again continues the numbering).
    """
    policies, sequences = _declared(app, plugin)
    old_policies = {tuple(p) for p in old["policies"]} if old else set()
    new_policies = set(policies)
    lines = {(r.ptype, *r.values()) for r in session.scalars(select(CasbinRule)).all()}
    to_add = [p for p in policies if p not in lines and (old is None or p not in old_policies)]
    to_remove = sorted(p for p in old_policies - new_policies if p in lines)
    add_policy_lines(session, to_add)
    remove_policy_lines(session, to_remove)
    up.added_policies, up.removed_policies = to_add, to_remove

    old_specs = {s["code"]: s for s in old["sequences"]} if old else {}
    new_codes = {s.code for s in sequences}
    for spec in sequences:
        row = session.get(SequenceDef, spec.code)
        declared = {"code": spec.code, "prefix": spec.prefix, "date_format": spec.date_format, "padding": spec.padding}
        if row is None:
            up.added_sequences.append(spec.code)
        elif spec.code in old_specs and old_specs[spec.code] != declared:
            row.prefix, row.date_format, row.padding = spec.prefix, spec.date_format, spec.padding
            up.changed_sequences.append(spec.code)
    ensure_sequences(session, plugin, sequences)
    for code in sorted(set(old_specs) - new_codes):
        row = session.get(SequenceDef, code)
        if row is None:
            continue
        issued = session.scalar(select(func.count()).select_from(SequenceCounter).where(SequenceCounter.code == code))
        if issued:
            up.kept_sequences.append(code)
        else:
            session.delete(row)
            up.removed_sequences.append(code)
    _record_defaults(session, plugin, up.new_version, policies, sequences)


def migrate_all(app: Tenon, progress: Progress = _quiet) -> list[Upgrade]:
    """Upgrade every installed plugin's branch to its head; for each plugin whose code has another
    version than the site records, apply its changed default policies and sequences
    (:func:`_apply_defaults`) and record the new version. Returns what changed, per plugin."""
    upgraded = []
    for name, cand in app.plugins.items():
        progress(f"migrating {name}")
        with migrate.ddl_transaction(app) as conn:
            if name in migrate.version_locations(app):
                _upgrade_branch(app, migrate.make_config(app, conn), name, [])
            with Session(bind=conn) as session:
                uow.begin_unit(session, app, SYSTEM)
                rec = session.get(InstalledPlugin, name)
                if rec is None or rec.version == cand.info.version:
                    continue
                setting = session.get(Setting, DEFAULTS_KEY.format(name))
                up = Upgrade(name, rec.version, cand.info.version)
                _apply_defaults(session, app, name, setting.value if setting else None, up)
                rec.version = cand.info.version
                session.flush()
        upgraded.append(up)
    app.access.reload()
    return upgraded


@dataclass
class RemovalPlan:
    plugin: str
    tables: dict[str, int] = field(default_factory=dict)
    policies: list[tuple[str, ...]] = field(default_factory=list)
    sequences: list[str] = field(default_factory=list)
    graphql_fields: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"uninstalling {self.plugin} would remove:"]
        out.append(f"  tables ({len(self.tables)}):")
        out += [f"    {t}: {n} row(s)" for t, n in self.tables.items()]
        out.append(f"  policy lines ({len(self.policies)}):")
        out += [f"    {', '.join(p)}" for p in self.policies]
        out.append(f"  sequences ({len(self.sequences)}): {', '.join(self.sequences) or '-'}")
        out.append(f"  GraphQL fields ({len(self.graphql_fields)}):")
        out += [f"    {f}" for f in self.graphql_fields]
        return out


def dependents(app: Tenon, plugin: str) -> list[str]:
    installed = app.installed_versions()
    return sorted(
        name for name in installed
        if name in app.candidates and plugin in app.candidates[name].info.dependency_names
    )


def _graphql_fields(app: Tenon, plugin: str) -> list[str]:
    from strawberry.utils.str_converters import to_camel_case

    contribution = app.hooks.graphql_contribution(plugin)
    if contribution is None:
        return []
    out = []
    for root, cls in (("Query", contribution.query), ("Mutation", contribution.mutation),
                      ("Subscription", contribution.subscription)):
        if cls is not None:
            for f in cls.__strawberry_definition__.fields:
                out.append(f"{root}.{f.graphql_name or to_camel_case(f.python_name)}")
    for type_name, fields in contribution.extend.items():
        for f in fields:
            out.append(f"{type_name}.{f.graphql_name or to_camel_case(f.python_name)}")
    return out


def _policy_rows(session: Session, app: Tenon, plugin: str) -> list[tuple[str, ...]]:
    """The plugin's policy lines, runtime grants on its objects, and users' assignments to
    roles that nothing grants any more once those lines are gone (roles only it defined)."""
    declared = set(app.hooks.policies(plugin))
    lines = [(rule.ptype, *rule.values()) for rule in session.scalars(select(CasbinRule)).all()]
    rows = {line for line in lines
            if line in declared or (line[0] == "p" and len(line) > 2 and line[2].startswith(f"{plugin}."))}
    remaining = [line for line in lines if line not in rows]
    roles_in_use = {"admin", "user"}
    for line in remaining:
        if line[0] == "p":
            roles_in_use.add(line[1])
        elif line[0] == "g" and not line[1].startswith("user:"):
            roles_in_use.update(line[1:3])
    rows |= {line for line in remaining
             if line[0] == "g" and line[1].startswith("user:") and line[2] not in roles_in_use}
    return sorted(rows)


def plan_removal(app: Tenon, plugin: str) -> RemovalPlan:
    installed = app.installed_versions()
    if plugin == KERNEL:
        raise PluginError("the kernel (core) cannot be uninstalled")
    if plugin not in installed and plugin not in app.candidates:
        raise PluginError(f"unknown plugin {plugin!r}; installed: {', '.join(sorted(installed))}")
    if plugin not in installed:
        raise PluginError(f"plugin {plugin!r} is not installed")
    needed_by = dependents(app, plugin)
    if needed_by:
        raise PluginError(
            f"cannot uninstall {plugin!r}: installed plugin(s) {', '.join(needed_by)} depend on it; "
            f"uninstall them first"
        )
    plan = RemovalPlan(plugin)
    with app.transaction() as session:
        for t in app.tables_of(plugin):
            plan.tables[t] = session.execute(select(func.count()).select_from(table(t))).scalar_one()
        plan.policies = _policy_rows(session, app, plugin)
        plan.sequences = list(session.scalars(select(SequenceDef.code).where(SequenceDef.plugin == plugin)))
    plan.graphql_fields = _graphql_fields(app, plugin)
    return plan


def uninstall(app: Tenon, plugin: str, progress: Progress = _quiet) -> RemovalPlan:
    """Remove ``plugin``: its tables, policy lines, sequences, pending outbox rows and record."""
    plan = plan_removal(app, plugin)
    progress(f"removing tables of {plugin}")
    subscriber_keys = [s.key for p, s in app.subscribers_by_plugin if p == plugin]
    with migrate.ddl_transaction(app) as conn:
        with Session(bind=conn) as session:  # plugins let go of what they hold in others, first
            uow.begin_unit(session, app, SYSTEM)
            app.hooks.plugin_uninstalling(session, plugin)
            session.flush()
        cfg = migrate.make_config(app, conn)
        if plugin in migrate.version_locations(app):
            from alembic import command

            command.downgrade(cfg, f"{plugin}@base")
        with Session(bind=conn) as session:
            uow.begin_unit(session, app, SYSTEM)
            remove_policy_lines(session, plan.policies)
            session.execute(delete(SequenceDef).where(SequenceDef.plugin == plugin))
            if subscriber_keys:
                session.execute(delete(OutboxMessage).where(OutboxMessage.subscriber.in_(subscriber_keys)))
            session.execute(delete(InstalledPlugin).where(InstalledPlugin.name == plugin))
            session.execute(delete(Setting).where(Setting.key == DEFAULTS_KEY.format(plugin)))
            bump_version(session, PLUGINS_VERSION_KEY)
            session.flush()
    app.load([n for n in app.installed_versions()])
    app.access.reload()
    return plan


def init_site(
    path: Any = None,
    *,
    database_url: str | None = None,
    bare: bool = False,
    plugins: Iterable[str] | None = None,
    extra_plugins: Any = (),
    progress: Progress = _quiet,
) -> Tenon:
    """Create (or complete) a site: install the kernel and, unless ``bare``, the available plugins."""
    site = Site.create(path, database_url)
    if database_url and site.config.get("database_url") != database_url:  # an existing site keeps its database
        raise ConfigError(
            f"a site already exists at {site.path} with another database; "
            f"change database_url in its {CONFIG_NAME} instead"
        )
    app = Tenon(site, plugins=[], extra_plugins=extra_plugins)
    wanted = [] if bare else list(plugins) if plugins is not None else [n for n in app.candidates if n != KERNEL]
    install(app, [KERNEL, *wanted], progress)
    return app
