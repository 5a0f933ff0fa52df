"""``Tenon``: one site opened with one plugin set. Many can live in one process (tests do)."""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from tenon.core import audit as _audit  # noqa: F401  (registers the audit listeners)
from tenon.core import plugins as plugmod
from tenon.core import uow
from tenon.core.access import SYSTEM, AccessControl, Actor, RowScope
from tenon.core.db import make_engine, make_sessionmaker
from tenon.core.errors import ConfigError, PluginError
from tenon.core.events import Event, Subscriber, deliver_outbox
from tenon.core.hooks import KernelHooks
from tenon.core.models import InstalledPlugin
from tenon.core.site import Site

log = logging.getLogger(__name__)


class Tenon:
    """A site with its plugin manager, database engine and access control.

    :param site: the site.
    :param plugins: the plugin set to load; default: what the site database
        records as installed (plus the kernel).
    :param extra_plugins: plugin objects to make available besides entry points
        (tests, embedded use).
    """

    def __init__(
        self,
        site: Site,
        *,
        plugins: Iterable[str] | None = None,
        extra_plugins: Mapping[str, Any] | Iterable[Any] = (),
    ) -> None:
        self.site = site
        self.candidates = plugmod.discover(extra_plugins)
        self.engine = make_engine(site.database_url)
        self.sessionmaker = make_sessionmaker(self.engine)
        self._async_engine: AsyncEngine | None = None
        self._request_engine: Engine | None = None
        self._request_sessionmaker: sessionmaker[Session] | None = None
        self._async_sessionmaker: async_sessionmaker[AsyncSession] | None = None
        if plugins is None:
            plugins = list(self.installed_versions())
            missing = sorted(set(plugins) - set(self.candidates))
            if missing:
                raise PluginError(
                    f"plugin(s) {', '.join(repr(m) for m in missing)} installed on this site but not available: "
                    f"install the package(s) that provide them"
                )
        self.load(plugins)

    # ------------------------------------------------------------------ plugin set
    def load(self, names: Iterable[str]) -> None:
        """(Re)build the plugin manager for ``names`` and their dependencies."""
        ordered = plugmod.resolve(self.candidates, [plugmod.KERNEL, *names])
        self.pm = plugmod.build_manager(ordered)
        self.hooks = KernelHooks(self)
        self.plugins: dict[str, plugmod.Candidate] = {c.info.name: c for c in ordered}
        self._check_installed_versions()
        for attr in ("models_by_plugin", "row_scopes", "event_catalog", "subscribers_by_plugin", "workflows",
                     "custom_entities", "custom_field_store", "config_kinds"):
            self.__dict__.pop(attr, None)
        self.access = AccessControl(self.engine, self.row_scopes)
        self.subscribers_by_plugin  # noqa: B018  (a subscription to an unknown event fails at load)
        self.workflows  # noqa: B018  (so does a workflow calling an undeclared owned hook)
        self.custom_entities  # noqa: B018  (and a custom entity on another plugin's model)
        self.config_kinds  # noqa: B018  (and a bad configuration kind)

    def _check_installed_versions(self) -> None:
        from packaging.version import Version

        for name, version in self.installed_versions().items():
            cand = self.plugins.get(name)
            if cand is not None and Version(version) > Version(cand.info.version):
                raise PluginError(
                    f"plugin {name!r} is installed at version {version} but the code is "
                    f"{cand.info.version}; install the newer package (downgrades are not supported)"
                )

    def has_plugin(self, name: str) -> bool:
        """Whether plugin ``name`` is loaded: guard optional integrations with it (contribute
        fields, subscribers and hook implementations only when the partner is installed)."""
        return name in self.plugins

    @functools.cached_property
    def workflows(self) -> dict[str, Any]:
        """``{name: Workflow}`` (``tenon_workflows``), checked once per plugin set."""
        return self.hooks.workflows()

    @functools.cached_property
    def custom_entities(self) -> dict[str, Any]:
        """``{name: CustomEntity}`` (``tenon_custom_entities``), checked once per plugin set."""
        return self.hooks.custom_entities()

    @functools.cached_property
    def custom_field_store(self) -> Any:
        """The store of custom fields (``tenon_custom_field_store``), or ``None``."""
        return self.hooks.custom_field_store()

    @functools.cached_property
    def config_kinds(self) -> dict[str, Any]:
        """``{name: ConfigKind}`` (``tenon_config_kinds``), checked once per plugin set."""
        return self.hooks.config_kinds()

    @functools.cached_property
    def sequence_definitions(self) -> dict[str, Any]:
        """Numbering definitions read by requests, ``{code: (plugin-set version, definition)}``
        (:func:`tenon.core.sequences.next_number`): valid only under the version they were read at."""
        return {}

    @functools.cached_property
    def models_by_plugin(self) -> dict[str, list[type]]:
        """``{plugin: [model, ...]}`` (``tenon_models``), computed once per plugin set."""
        return self.hooks.models()

    def tables_of(self, plugin: str) -> list[str]:
        return [m.__tablename__ for m in self.models_by_plugin.get(plugin, [])]  # type: ignore[attr-defined]

    def table_owner(self, table: str) -> str | None:
        for plugin, models in self.models_by_plugin.items():
            if any(m.__tablename__ == table for m in models):  # type: ignore[attr-defined]
                return plugin
        return None

    @functools.cached_property
    def row_scopes(self) -> list[RowScope]:
        """Every plugin's row scopes (``tenon_row_scopes``), computed once per plugin set."""
        return self.hooks.row_scopes()

    @functools.cached_property
    def event_catalog(self) -> dict[str, type[Event]]:
        """The declared events ``{name: class}`` (``tenon_events``), computed once per plugin set."""
        return self.hooks.events()

    @functools.cached_property
    def subscribers_by_plugin(self) -> list[tuple[str, Subscriber]]:
        """``[(plugin, Subscriber)]`` (``tenon_event_subscribers``), computed once per plugin set."""
        return self.hooks.event_subscribers()

    def all_subscribers(self) -> list[Subscriber]:
        return [s for _p, s in self.subscribers_by_plugin]

    def subscribers(self, event: str) -> list[Subscriber]:
        return [s for _p, s in self.subscribers_by_plugin if s.event_name == event]

    # ------------------------------------------------------------------ database
    def installed_versions(self) -> dict[str, str]:
        """``{plugin: version}`` from the site database (empty before ``init``)."""
        try:
            if not sa_inspect(self.engine).has_table(InstalledPlugin.__tablename__):
                return {}
            with self.sessionmaker() as s:
                return dict(s.execute(select(InstalledPlugin.name, InstalledPlugin.version)).all())
        except OperationalError as exc:
            raise ConfigError(f"cannot reach the site database: {str(exc.orig).strip().splitlines()[0]}") from None

    @contextlib.contextmanager
    def transaction(self, actor: Actor = SYSTEM, **info: Any) -> Iterator[Session]:
        """One unit of work (:mod:`tenon.core.uow`): commit on success, roll back on any
        exception; then deliver the outbox in this thread.

        :param actor: who acts (default ``SYSTEM``); a user's row scopes apply.
        :param info: kept in ``session.info`` (``operation="cli:..."`` to audit it, ``defer_outbox``).
        """
        with self.sessionmaker() as session:
            uow.begin_unit(session, self, actor, **info)
            with session.begin():
                yield session
        uow.after_commit(session.info, self._deliver_after_commit)

    def _deliver_after_commit(self) -> None:
        # The unit has committed: a delivery pass that cannot run (the database busy, a connection
        # lost) must not turn it into an error for its caller; the messages stay due and the next
        # pass (any transaction, the server's outbox worker) delivers them.
        try:
            deliver_outbox(self)
        except Exception:
            log.exception("outbox delivery after commit failed; the messages stay due")

    @property
    def async_engine(self) -> AsyncEngine:
        """The site's async engine (the API layer's), made on first use."""
        if self._async_engine is None:
            from tenon.core.db import make_async_engine

            self._async_engine = make_async_engine(self.site.database_url)
        return self._async_engine

    @property
    def async_sessionmaker(self) -> async_sessionmaker[AsyncSession]:
        """Sessions on :attr:`async_engine` (``expire_on_commit=False``, like :attr:`sessionmaker`)."""
        if self._async_sessionmaker is None:
            self._async_sessionmaker = async_sessionmaker(self.async_engine, expire_on_commit=False)
        return self._async_sessionmaker

    @property
    def request_engine(self) -> Engine:
        """The API layer's sync engine, made on first use: a GraphQL operation runs its domain work
        in one sync session on it, on a worker thread (:mod:`tenon.graphql.execution`). Apart from
        :attr:`engine` so that background work (outbox delivery, policy loads) never shares its pool
        and statement counters (:func:`tenon.core.testing.count_statements`) see requests only."""
        if self._request_engine is None:
            self._request_engine = make_engine(self.site.database_url)
        return self._request_engine

    @property
    def request_sessionmaker(self) -> sessionmaker[Session]:
        """Sessions on :attr:`request_engine` (``expire_on_commit=False``, like :attr:`sessionmaker`)."""
        if self._request_sessionmaker is None:
            self._request_sessionmaker = make_sessionmaker(self.request_engine)
        return self._request_sessionmaker

    async def dispose_async(self) -> None:
        """Close the async engine's connections (a server's shutdown); the next use makes a new engine.

        Async connections belong to the event loop that opened them, so a server
        disposes them when its loop ends.
        """
        engine, self._async_engine, self._async_sessionmaker = self._async_engine, None, None
        if engine is not None:
            await engine.dispose()

    def dispose(self) -> None:
        """Close the sync engines' connections and forget the async engine."""
        self.engine.dispose()
        if self._request_engine is not None:
            self._request_engine.dispose()
        self._async_engine = None
        self._async_sessionmaker = None


def open_site(path: str | None = None, **kwargs: Any) -> Tenon:
    return Tenon(Site.load(path), **kwargs)
