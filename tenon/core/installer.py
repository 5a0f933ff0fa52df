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
from tenon.core.models import CasbinRule, InstalledPlugin, OutboxMessage, SequenceDef
from tenon.core.plugins import KERNEL, resolve
from tenon.core.sequences import ensure_sequences
from tenon.core.site import CONFIG_NAME, Site

Progress = Callable[[str], None]


def _quiet(_msg: str) -> None:
    pass


def install(app: Tenon, names: Iterable[str], progress: Progress = _quiet) -> list[str]:
    """Install ``names`` and whatever they depend on; returns the plugins newly installed."""
    names = list(names)
    installed = app.installed_versions()
    ordered = resolve(app.candidates, [KERNEL, *installed, *names])
    app.load([c.info.name for c in ordered])
    new = [c for c in ordered if c.info.name not in installed]
    for cand in new:
        name = cand.info.name
        progress(f"installing {name} {cand.info.version}")
        with migrate.ddl_transaction(app) as conn:
            cfg = migrate.make_config(app, conn)
            if name in migrate.version_locations(app):
                from alembic import command

                command.upgrade(cfg, f"{name}@head")
            with Session(bind=conn) as session:
                uow.begin_unit(session, app, SYSTEM)
                add_policy_lines(session, app.hooks.policies(name))
                ensure_sequences(session, name, app.hooks.sequences(name))
                session.add(InstalledPlugin(name=name, version=cand.info.version))
                bump_version(session, PLUGINS_VERSION_KEY)  # running servers reload their plugin set
                session.flush()
    app.access.reload()
    return [c.info.name for c in new]


def migrate_all(app: Tenon, progress: Progress = _quiet) -> list[str]:
    """Upgrade every installed plugin's branch to its head and record the code's versions."""
    upgraded = []
    for name, cand in app.plugins.items():
        progress(f"migrating {name}")
        migrate.upgrade(app, name)
        with app.transaction() as session:
            rec = session.get(InstalledPlugin, name)
            if rec is not None and rec.version != cand.info.version:
                rec.version = cand.info.version
                upgraded.append(name)
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
