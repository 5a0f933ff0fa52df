"""Alembic, one branch per plugin: upgrade, downgrade, drift check and new revisions.

Each plugin's versions folder holds one branch labelled with the plugin's name;
the kernel's branch is ``core``. Alembic is driven through its Python API with a
configuration built here, so a site needs no ``alembic.ini``.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.exc import SQLAlchemyError

from tenon.core.db import Base
from tenon.core.errors import PluginError
from tenon.core.site import Site

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

    from tenon.core.kernel import Tenon

SCRIPT_LOCATION = Path(__file__).with_name("migrations")


def version_locations(app: Tenon) -> dict[str, Path]:
    return app.hooks.migrations()


def make_config(app: Tenon, connection: Connection | None = None, include_tables: set[str] | None = None) -> Config:
    cfg = Config(cmd_opts=argparse.Namespace(quiet=True))  # our commands print their own results
    cfg.set_main_option("script_location", str(SCRIPT_LOCATION))
    cfg.set_main_option("path_separator", "newline")
    cfg.set_main_option("version_locations", "\n".join(str(p) for p in version_locations(app).values()))
    cfg.attributes["metadata"] = Base.metadata
    cfg.attributes["include_tables"] = include_tables
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


@contextlib.contextmanager
def ddl_transaction(app: Tenon) -> Iterator[Connection]:
    """A connection whose one transaction also covers DDL, on SQLite too.

    The sqlite3 driver runs DDL outside any transaction unless one was begun
    explicitly, so a migration failing half-way would leave tables without an
    ``alembic_version`` row, and a site that cannot be migrated again.
    """
    with app.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN")
        yield conn


@contextlib.contextmanager
def _connected(app: Tenon, include_tables: set[str] | None = None) -> Iterator[Config]:
    with ddl_transaction(app) as conn:
        yield make_config(app, conn, include_tables)


def has_branch(app: Tenon, plugin: str) -> bool:
    script = ScriptDirectory.from_config(make_config(app))
    return any(plugin in (rev.branch_labels or ()) for rev in script.walk_revisions())


def upgrade(app: Tenon, plugin: str) -> None:
    """Upgrade ``plugin``'s branch (and, through ``depends_on``, what it needs) to its head."""
    if plugin not in version_locations(app):
        return
    with _connected(app) as cfg:
        command.upgrade(cfg, f"{plugin}@head")


def downgrade_to_base(app: Tenon, plugin: str) -> None:
    """Remove ``plugin``'s tables. Callers must first refuse when a dependent is installed:
    Alembic would otherwise silently downgrade the dependents too."""
    if plugin not in version_locations(app):
        return
    with _connected(app) as cfg:
        command.downgrade(cfg, f"{plugin}@base")


#: indexes a plugin creates at run time for a site's configuration (named ``ixdyn_<table>_...``,
#: e.g. studio's per-field expression indexes) are not migration drift
RUNTIME_INDEX_PREFIX = "ixdyn_"


def drift(app: Tenon, plugins: list[str] | None = None) -> list[Any]:
    """Differences between the models and the database for ``plugins`` (default: all loaded)."""
    names = plugins or list(app.plugins)
    tables = {t for p in names for t in app.tables_of(p)}

    def include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        if type_ == "index" and reflected and compare_to is None and (name or "").startswith(RUNTIME_INDEX_PREFIX):
            return False  # made at run time for a site's configuration (custom field indexes), not schema
        table = obj.name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table in tables

    with app.engine.connect() as conn, warnings.catch_warnings():
        if conn.dialect.name == "sqlite":
            # SQLite cannot reflect expression indexes, so neither side of such an index is compared
            # there (PostgreSQL compares them); the warnings say exactly that
            warnings.filterwarnings("ignore", r".*expression-based index", category=Warning)
        ctx = MigrationContext.configure(conn, opts={"include_object": include, "compare_type": True})
        return compare_metadata(ctx, Base.metadata)


def revision(app: Tenon, plugin: str, message: str, *, autogenerate: bool = True) -> str:
    """Create a new revision in ``plugin``'s branch, autogenerated against its own tables only.

    The database must be at the current heads of ``app``'s plugin set; :func:`scratch_revision`
    builds such a database. The first revision of a branch ``depends_on`` the heads of the
    plugin's dependencies. Returns the path of the new file.
    """
    locations = version_locations(app)
    if plugin not in locations:
        raise PluginError(f"plugin {plugin!r} has no migrations folder (implement tenon_migrations)")
    folder = locations[plugin]
    folder.mkdir(parents=True, exist_ok=True)
    first = not has_branch(app, plugin)
    kwargs: dict[str, Any] = {"message": message, "autogenerate": autogenerate}
    if first:
        kwargs.update(head="base", branch_label=plugin, version_path=str(folder))
        deps = [d for d in app.plugins[plugin].info.dependency_names if d in locations]
        heads = []
        script = ScriptDirectory.from_config(make_config(app))
        for dep in deps:
            heads.extend(script.get_revisions(f"{dep}@head"))
        if heads:
            kwargs["depends_on"] = _minimal_heads(script, heads)
    else:
        kwargs["head"] = f"{plugin}@head"
    count = len([f for f in folder.glob("*.py") if not f.name.startswith("_")])
    kwargs["rev_id"] = f"{plugin}_{count + 1:04d}"
    try:
        with _connected(app, set(app.tables_of(plugin))) as cfg:
            script = command.revision(cfg, **kwargs)
    except CommandError as exc:
        raise PluginError(f"plugin {plugin!r}: cannot create a revision: {_first_line(exc)}") from None
    if script is None:
        return ""
    path = Path(script.path)  # type: ignore[union-attr]
    text = path.read_text(encoding="utf-8")
    path.write_text("".join(line for line in text.splitlines(keepends=True) if line.strip() not in _ALEMBIC_MARKERS),
                    encoding="utf-8")
    return str(path)


def _minimal_heads(script: ScriptDirectory, heads: list[Any]) -> list[str]:
    """The revisions of ``heads`` that no other one already reaches through its ancestors (its
    ``down_revision`` and ``depends_on``): depending on ``mrp_0001`` already means ``stock_0001``,
    and naming both makes Alembic resolve a branch the site may not have in its version path."""

    reached: set[str] = set()
    for head in heads:
        todo = list(_as_tuple(head.down_revision)) + list(_as_tuple(head.dependencies))
        while todo:
            ref = todo.pop()
            if ref in reached:
                continue
            reached.add(ref)
            rev = script.get_revision(ref)
            if rev is not None:
                todo.extend(_as_tuple(rev.down_revision))
                todo.extend(_as_tuple(rev.dependencies))
    return [h.revision for h in heads if h.revision not in reached]


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


_ALEMBIC_MARKERS = {"# ### commands auto generated by Alembic - please adjust! ###", "# ### end Alembic commands ###"}


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def scratch_revision(plugin: str, message: str, *, autogenerate: bool = True,
                     extra_plugins: Iterable[Any] = ()) -> str:
    """``tenon dev revision``: a new revision for ``plugin``, made against a throw-away site.

    Needs no site and no install: a temporary SQLite site gets the kernel and ``plugin``'s
    dependencies installed and ``plugin``'s existing revisions applied, so the database is at
    every head and autogenerate compares ``plugin``'s models with exactly what its migrations
    create. The revision is written into the plugin's migrations folder; returns its path.
    """
    from tenon.core.installer import install
    from tenon.core.kernel import Tenon
    from tenon.core.plugins import KERNEL, resolve

    with tempfile.TemporaryDirectory(prefix="tenon-scratch-") as tmp:
        site = _ScratchSite.create(Path(tmp) / "site")
        app = Tenon(site, plugins=[], extra_plugins=extra_plugins)
        try:
            if plugin not in app.candidates:
                raise PluginError(f"unknown plugin {plugin!r}; available: {', '.join(sorted(app.candidates))}")
            deps = [c.info.name for c in resolve(app.candidates, [KERNEL, plugin]) if c.info.name != plugin]
            install(app, deps)
            app.load([*deps, plugin])
            locations = version_locations(app)
            if plugin not in locations:
                raise PluginError(f"plugin {plugin!r} has no migrations folder (implement tenon_migrations)")
            locations[plugin].mkdir(parents=True, exist_ok=True)
            if has_branch(app, plugin):
                try:
                    upgrade(app, plugin)
                except (CommandError, SQLAlchemyError) as exc:
                    reason = _first_line(getattr(exc, "orig", None) or exc)
                    raise PluginError(f"plugin {plugin!r}: its migrations do not apply: {reason}") from None
            return revision(app, plugin, message, autogenerate=autogenerate)
        finally:
            app.dispose()


class _ScratchSite(Site):
    """A site whose database is always its own SQLite file, whatever ``TENON_DATABASE_URL`` says."""

    @property
    def database_url(self) -> str:
        return f"sqlite:///{(self.path / 'tenon.db').resolve()}"
