"""``app.hooks``: the typed facade over a site's plugin manager (one per app, like pytest's ``config.hook``).

Every kernel call site calls a method here instead of a hook by its string
name. Each method calls the hook on every plugin in dependency order, checks
the results and raises :class:`~tenon.core.errors.PluginError` with one line
naming the plugin that returned something wrong. :meth:`KernelHooks._each`
is the only code in the kernel that walks hook implementations.

Hooks a plugin owns (declared with ``tenon_addhooks``) are called with
:meth:`KernelHooks.ask` (pre-step hooks named ``…ing``, which may veto by
raising a :class:`~tenon.core.errors.TenonError`) and :meth:`KernelHooks.notify`
(past-tense hooks, in-transaction reactions that cannot veto). Both fail
loudly when the hook is not declared.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ContextManager

import pluggy

from tenon.core.errors import PluginError, TenonError
from tenon.core.plugins import KERNEL, owner_of

if TYPE_CHECKING:
    import click
    from sqlalchemy.orm import Session

    from tenon.core.access import RowScope
    from tenon.core.config import ConfigKind
    from tenon.core.contributions import SchemaContribution, Service, WebPage
    from tenon.core.custom import CustomEntity, CustomFieldStore
    from tenon.core.events import Event, Subscriber
    from tenon.core.healthcheck import Finding, HealthCheck
    from tenon.core.kernel import Tenon
    from tenon.core.sequences import SequenceSpec
    from tenon.core.workflow import Workflow

__all__ = ["KernelHooks"]

_WEB_PATH = re.compile(r"[a-z][a-z0-9_]*/[a-z0-9][a-z0-9-]*")


class KernelHooks:
    """One typed, validating method per kernel hook, plus :meth:`ask`/:meth:`notify` for owned hooks.

    :param app: the app whose plugin manager (``app.pm``) is called.
    """

    def __init__(self, app: Tenon) -> None:
        self._app = app
        self._pm: pluggy.PluginManager = app.pm

    # ------------------------------------------------------------------ the one walker
    def _each(self, hook: str, kwargs: dict[str, Any] | None = None, *,
              around: Callable[[str], ContextManager[dict[str, Any]]] | None = None,
              on_error: Callable[[str, Exception], Any] | None = None) -> list[tuple[str, Any]]:
        """Call ``hook`` on each implementing plugin in dependency order; ``[(plugin, result)]``
        without ``None`` results.

        :param kwargs: the hook's arguments (each implementation gets the ones it names).
        :param around: per plugin, a context manager yielding extra arguments (a transaction).
        :param on_error: turns an exception of one plugin into its result (``/health``).
        """
        caller = getattr(self._pm.hook, hook, None)
        if caller is None:
            return []
        out = []
        for impl in caller.get_hookimpls():
            if impl.hookwrapper or getattr(impl, "wrapper", False):
                raise PluginError(f"plugin {impl.plugin_name!r}: {hook} may not be a hook wrapper")
            plugin = owner_of(impl.plugin_name)  # a kernel companion (core:graphql) counts as core
            with around(plugin) if around is not None else contextlib.nullcontext({}) as extra:
                args = {**(kwargs or {}), **extra}
                try:
                    result = impl.function(**{a: args[a] for a in impl.argnames})
                except Exception as exc:
                    if on_error is None:
                        raise
                    result = on_error(plugin, exc)
            if result is not None:
                out.append((plugin, result))
        return out

    def _of(self, hook: str, plugin: str) -> Any:
        return next((r for p, r in self._each(hook, {"app": self._app}) if p == plugin), None)

    @staticmethod
    def _iterable(plugin: str, hook: str, result: Any) -> list[Any]:
        if isinstance(result, (str, bytes, dict)) or not hasattr(result, "__iter__"):
            raise PluginError(f"plugin {plugin!r}: {hook}() must return an iterable, not {type(result).__name__}")
        return list(result)

    # ------------------------------------------------------------------ composition hooks
    def models(self) -> dict[str, list[type]]:
        """``tenon_models``: ``{plugin: [model, ...]}``; every table named ``<plugin>_<entity>``."""
        from tenon.core.db import Base

        out: dict[str, list[type]] = {}
        for plugin, models in self._each("tenon_models", {"app": self._app}):
            for model in self._iterable(plugin, "tenon_models", models):
                if not (isinstance(model, type) and issubclass(model, Base)):
                    raise PluginError(f"plugin {plugin!r}: tenon_models() returned {model!r}, not a model of tenon.core.db.Base")
                table = model.__tablename__  # type: ignore[attr-defined]
                if not table.startswith(f"{plugin}_"):
                    raise PluginError(f"plugin {plugin!r}: table {table!r} must be named '{plugin}_<entity>'")
                out.setdefault(plugin, []).append(model)
        return out

    def migrations(self) -> dict[str, Path]:
        """``tenon_migrations``: ``{plugin: versions folder}``; a path that is a folder or does not exist yet
        (a new plugin before ``tenon dev revision`` writes its first migration there)."""
        out = {}
        for plugin, folder in self._each("tenon_migrations", {"app": self._app}):
            if not isinstance(folder, (str, Path)) or (Path(folder).exists() and not Path(folder).is_dir()):
                raise PluginError(f"plugin {plugin!r}: tenon_migrations() returned {folder!r}, not a folder")
            out[plugin] = Path(folder)
        return out

    def graphql_contributions(self) -> list[tuple[str, SchemaContribution]]:
        """``tenon_graphql_contributions``: ``[(plugin, SchemaContribution)]``."""
        from tenon.core.contributions import SchemaContribution

        found = self._each("tenon_graphql_contributions", {"app": self._app})
        for plugin, contribution in found:
            if not isinstance(contribution, SchemaContribution):
                raise PluginError(f"plugin {plugin!r}: tenon_graphql_contributions must return a SchemaContribution")
        return found

    def graphql_contribution(self, plugin: str) -> SchemaContribution | None:
        """The contribution of one plugin, or ``None``."""
        return next((c for p, c in self.graphql_contributions() if p == plugin), None)

    def row_scopes(self) -> list[RowScope]:
        """``tenon_row_scopes``: every plugin's scopes; a scope's model must be one of the plugin's models."""
        from tenon.core.access import RowScope

        owned = self._app.models_by_plugin
        out = []
        for plugin, scopes in self._each("tenon_row_scopes", {"app": self._app}):
            for scope in self._iterable(plugin, "tenon_row_scopes", scopes):
                if not isinstance(scope, RowScope):
                    raise PluginError(f"plugin {plugin!r}: tenon_row_scopes() returned {scope!r}, not a RowScope")
                if scope.model not in owned.get(plugin, ()):
                    raise PluginError(f"plugin {plugin!r}: row scope {scope.name!r} is on "
                                      f"{getattr(scope.model, '__name__', scope.model)!r}, not one of its own models")
                out.append(scope)
        return out

    def events(self) -> dict[str, type[Event]]:
        """``tenon_events``: the event catalog ``{name: class}``; names unique, prefixed by their plugin."""
        from tenon.core.events import validate_event_class

        catalog: dict[str, type[Event]] = {}
        owner: dict[str, str] = {}
        for plugin, classes in self._each("tenon_events", {"app": self._app}):
            for cls in self._iterable(plugin, "tenon_events", classes):
                name = validate_event_class(plugin, cls)
                if name in catalog and catalog[name] is not cls:
                    raise PluginError(f"plugin {plugin!r}: event {name!r} is declared twice")
                catalog[name], owner[name] = cls, plugin
        return catalog

    def event_subscribers(self) -> list[tuple[str, Subscriber]]:
        """``tenon_event_subscribers``: ``[(plugin, Subscriber)]``; each names a declared event, keys unique."""
        from tenon.core.events import Subscriber

        catalog = self._app.event_catalog
        out: list[tuple[str, Subscriber]] = []
        keys: dict[str, str] = {}
        for plugin, subs in self._each("tenon_event_subscribers", {"app": self._app}):
            for sub in self._iterable(plugin, "tenon_event_subscribers", subs):
                if not isinstance(sub, Subscriber):
                    raise PluginError(f"plugin {plugin!r}: tenon_event_subscribers() returned {sub!r}, not a Subscriber")
                if sub.event_name not in catalog:
                    close = difflib.get_close_matches(sub.event_name, list(catalog), n=3)
                    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
                    raise PluginError(f"plugin {plugin!r} subscribes to unknown event {sub.event_name!r}{hint}")
                if not isinstance(sub.event, str) and catalog[sub.event_name] is not sub.event:
                    raise PluginError(f"plugin {plugin!r} subscribes to a class {sub.event!r} that is not the "
                                      f"declared event {sub.event_name!r}")
                if sub.key in keys:
                    raise PluginError(f"plugin {plugin!r}: subscriber name {sub.key!r} is already used by plugin {keys[sub.key]!r}")
                keys[sub.key] = plugin
                out.append((plugin, sub))
        return out

    def workflows(self) -> dict[str, Workflow]:
        """``tenon_workflows``: ``{name: Workflow}``; each named ``<plugin>.<entity>``, and every owned
        hook it calls declared by its plugin (checked here, so a misspelt hook fails at load)."""
        from tenon.core.workflow import Workflow

        out: dict[str, Workflow] = {}
        for plugin, flows in self._each("tenon_workflows", {"app": self._app}):
            for flow in self._iterable(plugin, "tenon_workflows", flows):
                if not isinstance(flow, Workflow):
                    raise PluginError(f"plugin {plugin!r}: tenon_workflows() returned {flow!r}, not a Workflow")
                if not flow.name.startswith(f"{plugin}.") or flow.name in out:
                    raise PluginError(f"plugin {plugin!r}: workflow {flow.name!r} must be named "
                                      f"'{plugin}.<entity>' and unique")
                for hook in flow.hook_names():
                    if not hook.startswith(f"tenon_{plugin}_"):
                        raise PluginError(f"plugin {plugin!r}: workflow {flow.name!r} calls hook {hook!r}, "
                                          f"which is not one of its own (tenon_{plugin}_...)")
                    if self.spec(hook) is None:
                        raise PluginError(f"plugin {plugin!r}: workflow {flow.name!r} calls hook {hook!r}, "
                                          f"which it does not declare (tenon_addhooks)")
                out[flow.name] = flow
        return out

    def custom_entities(self) -> dict[str, CustomEntity]:
        """``tenon_custom_entities``: ``{name: CustomEntity}``; each named ``<plugin>.<entity>``, unique,
        on one of the plugin's own models."""
        from tenon.core.custom import CustomEntity

        owned = self._app.models_by_plugin
        out: dict[str, CustomEntity] = {}
        for plugin, entities in self._each("tenon_custom_entities", {"app": self._app}):
            for ent in self._iterable(plugin, "tenon_custom_entities", entities):
                if not isinstance(ent, CustomEntity):
                    raise PluginError(f"plugin {plugin!r}: tenon_custom_entities() returned {ent!r}, not a CustomEntity")
                if not ent.name.startswith(f"{plugin}.") or ent.name in out:
                    raise PluginError(f"plugin {plugin!r}: custom entity {ent.name!r} must be named "
                                      f"'{plugin}.<entity>' and unique")
                if ent.model not in owned.get(plugin, ()):
                    raise PluginError(f"plugin {plugin!r}: custom entity {ent.name!r} is on "
                                      f"{getattr(ent.model, '__name__', ent.model)!r}, not one of its own models")
                if not ent.graphql_type or not ent.obj:
                    raise PluginError(f"plugin {plugin!r}: custom entity {ent.name!r} needs graphql_type and obj")
                out[ent.name] = ent
        return out

    def custom_field_store(self) -> CustomFieldStore | None:
        """``tenon_custom_field_store``: the one store of custom fields, or ``None``; two is an error."""
        found = self._each("tenon_custom_field_store", {"app": self._app})
        if len(found) > 1:
            raise PluginError(f"plugins {found[0][0]!r} and {found[1][0]!r} both provide tenon_custom_field_store")
        for plugin, store in found:
            if not all(callable(getattr(store, m, None)) for m in ("specs", "write", "read", "criterion")):
                raise PluginError(f"plugin {plugin!r}: tenon_custom_field_store() returned {store!r}, "
                                  f"not a CustomFieldStore (specs, write, read, criterion)")
            return store
        return None

    def cli_commands(self, reserved: Iterable[str] = ()) -> dict[str, click.Command]:
        """``tenon_cli_commands``: ``{name: command}``; each a ``click.Command`` with a unique name.

        :param reserved: names already taken (the built-in commands).
        """
        import click

        taken = set(reserved)
        out: dict[str, click.Command] = {}
        owner: dict[str, str] = {}
        for plugin, cmds in self._each("tenon_cli_commands", {"app": self._app}):
            for cmd in self._iterable(plugin, "tenon_cli_commands", cmds):
                if not isinstance(cmd, click.Command) or not cmd.name:
                    raise PluginError(f"plugin {plugin!r}: tenon_cli_commands() returned {cmd!r}, not a named click.Command")
                if cmd.name in out:
                    raise PluginError(f"plugin {plugin!r}: command {cmd.name!r} is already added by plugin {owner[cmd.name]!r}")
                if cmd.name in taken:
                    raise PluginError(f"plugin {plugin!r}: command {cmd.name!r} is a built-in tenon command")
                out[cmd.name], owner[cmd.name] = cmd, plugin
        return out

    def http_routes(self) -> list[Any]:
        """``tenon_http_routes``: Litestar route handlers whose paths start with ``/<plugin>/``
        (the kernel's own, such as ``/attachments/{id}``, are exempt)."""
        out = []
        for plugin, routes in self._each("tenon_http_routes", {"app": self._app}):
            for route in self._iterable(plugin, "tenon_http_routes", routes):
                paths = getattr(route, "paths", None)
                if not paths:
                    raise PluginError(f"plugin {plugin!r}: tenon_http_routes() returned {route!r}, not a Litestar route handler")
                bad = [] if plugin == KERNEL else sorted(
                    p for p in paths if not (p == f"/{plugin}" or p.startswith(f"/{plugin}/")))
                if bad:
                    raise PluginError(f"plugin {plugin!r}: http route {bad[0]!r} must start with '/{plugin}/'")
                out.append(route)
        return out

    def config_kinds(self) -> dict[str, ConfigKind]:
        """``tenon_config_kinds``: ``{name: ConfigKind}``; each named ``<plugin>.<thing>``, unique, with
        callable ``export``/``apply`` (and ``describe``/``validate``/``needs_approval`` when given)."""
        from tenon.core.config import ConfigKind

        out: dict[str, ConfigKind] = {}
        for plugin, found in self._each("tenon_config_kinds", {"app": self._app}):
            for kind in self._iterable(plugin, "tenon_config_kinds", found):
                if not isinstance(kind, ConfigKind):
                    raise PluginError(f"plugin {plugin!r}: tenon_config_kinds() returned {kind!r}, not a ConfigKind")
                if not kind.name.startswith(f"{plugin}.") or kind.name in out:
                    raise PluginError(f"plugin {plugin!r}: configuration kind {kind.name!r} must be named "
                                      f"'{plugin}.<thing>' and unique")
                bad = [n for n in ("export", "apply") if not callable(getattr(kind, n))]
                bad += [n for n in ("describe", "validate") if getattr(kind, n) is not None
                        and not callable(getattr(kind, n))]
                if not (isinstance(kind.needs_approval, bool) or callable(kind.needs_approval)):
                    bad.append("needs_approval")
                if bad:
                    raise PluginError(f"plugin {plugin!r}: configuration kind {kind.name!r}: "
                                      f"{', '.join(bad)} must be callable (needs_approval: a bool or callable)")
                out[kind.name] = kind
        return out

    # ------------------------------------------------------------------ install hooks
    def policies(self, plugin: str) -> list[tuple[str, ...]]:
        """``tenon_policies`` of one plugin, as normalised policy lines (empty when none)."""
        from tenon.core.access import normalize_policies

        result = self._of("tenon_policies", plugin)
        if result is not None and not isinstance(result, (str, Path)):
            result = self._iterable(plugin, "tenon_policies", result)
        try:
            lines = normalize_policies(result)
        except (TenonError, ValueError, TypeError, OSError) as exc:
            raise PluginError(f"plugin {plugin!r}: tenon_policies(): {exc}") from None
        for line in lines:
            if not ((line[:1] == ("p",) and len(line) == 5) or (line[:1] == ("g",) and len(line) == 3)):
                raise PluginError(f"plugin {plugin!r}: policy line {', '.join(line)!r} is neither "
                                  f"'p, role, object, action, scope' nor 'g, child, parent'")
        return lines

    def sequences(self, plugin: str) -> list[SequenceSpec]:
        """``tenon_sequences`` of one plugin; each a ``SequenceSpec`` whose code starts with ``<plugin>.``."""
        from tenon.core.sequences import SequenceSpec

        specs = self._iterable(plugin, "tenon_sequences", self._of("tenon_sequences", plugin) or [])
        for spec in specs:
            if not isinstance(spec, SequenceSpec):
                raise PluginError(f"plugin {plugin!r}: tenon_sequences() returned {spec!r}, not a SequenceSpec")
            if not spec.code.startswith(f"{plugin}."):
                raise PluginError(f"plugin {plugin!r}: sequence {spec.code!r} must be named '{plugin}.<entity>'")
        return specs

    def plugin_uninstalling(self, session: Session, plugin: str) -> None:
        """``tenon_plugin_uninstalling`` on every plugin, in the uninstall transaction."""
        self._each("tenon_plugin_uninstalling", {"session": session, "app": self._app, "plugin": plugin})

    def demo_data(self, transaction: Callable[[str], ContextManager[Session]],
                  progress: Callable[[str], None]) -> list[str]:
        """``tenon_demo_data``: each plugin in its own ``transaction(plugin)``; returns the plugins run."""
        ran: list[str] = []

        @contextlib.contextmanager
        def around(plugin: str) -> Iterator[dict[str, Any]]:
            ran.append(plugin)
            progress(f"demo data: {plugin}")
            with transaction(plugin) as session:
                yield {"session": session, "progress": lambda m: progress(f"  {plugin}: {m}")}

        self._each("tenon_demo_data", {"app": self._app}, around=around)
        return ran

    def demo_plugins(self) -> list[str]:
        """The plugins implementing ``tenon_demo_data``, in the order :meth:`demo_data` runs them."""
        caller = getattr(self._pm.hook, "tenon_demo_data", None)
        return list(dict.fromkeys(owner_of(i.plugin_name) for i in caller.get_hookimpls())) if caller else []

    # ------------------------------------------------------------------ runtime hooks
    def health(self) -> dict[str, Any]:
        """``tenon_health``: ``{plugin: check}``; an exception or a non-dict becomes ``{"ok": False, ...}``."""
        checks = {}
        for plugin, check in self._each("tenon_health", {"app": self._app},
                                        on_error=lambda _p, exc: {"ok": False, "error": str(exc)}):
            checks[plugin] = check if isinstance(check, dict) else {"ok": False, "error": f"not a dict: {check!r}"}
        return checks

    def health_findings(self, session: Session, check: HealthCheck) -> list[Finding]:
        """``tenon_health_findings``: every plugin's findings; each a ``Finding`` whose code starts with
        ``<plugin>.`` and whose severity is ``error``, ``warning`` or ``info``. A plugin that raises
        becomes one error finding naming it (the check itself must not fail)."""
        from tenon.core.healthcheck import SEVERITIES, Finding

        def failed(plugin: str, exc: Exception) -> list[Finding]:
            return [Finding(section="plugins", code=f"{plugin}.health_check_failed", severity="error",
                            subject=f"plugin {plugin}", message=f"its health check failed: {exc}",
                            suggestion="fix the plugin's tenon_health_findings")]

        out: list[Finding] = []
        for plugin, found in self._each("tenon_health_findings", {"app": self._app, "session": session,
                                                                    "check": check}, on_error=failed):
            try:
                items = self._iterable(plugin, "tenon_health_findings", found)
            except Exception as exc:  # a generator that raises half-way
                items = failed(plugin, exc)
            for f in items:
                if not isinstance(f, Finding):
                    raise PluginError(f"plugin {plugin!r}: tenon_health_findings() returned {f!r}, not a Finding")
                if not f.code.startswith(f"{plugin}.") or f.severity not in SEVERITIES:
                    raise PluginError(f"plugin {plugin!r}: finding {f.code!r} must be named '{plugin}.<what>' with "
                                      f"a severity of {', '.join(SEVERITIES)} (not {f.severity!r})")
                out.append(f)
        return out

    def services(self) -> list[tuple[str, Service]]:
        """``tenon_services``: ``[(plugin, Service)]`` in plugin order; each named ``<plugin>.<what>``,
        unique, with callable ``start`` and ``stop``."""
        from tenon.core.contributions import Service

        out: list[tuple[str, Service]] = []
        seen: set[str] = set()
        for plugin, services in self._each("tenon_services", {"app": self._app}):
            for svc in self._iterable(plugin, "tenon_services", services):
                if not isinstance(svc, Service):
                    raise PluginError(f"plugin {plugin!r}: tenon_services() returned {svc!r}, not a Service")
                if not svc.name.startswith(f"{plugin}.") or svc.name in seen:
                    raise PluginError(f"plugin {plugin!r}: service {svc.name!r} must be named '{plugin}.<what>' "
                                      f"and unique")
                if not (callable(svc.start) and callable(svc.stop)):
                    raise PluginError(f"plugin {plugin!r}: service {svc.name!r} needs callable start and stop")
                seen.add(svc.name)
                out.append((plugin, svc))
        return out

    def web_pages(self) -> list[tuple[str, WebPage]]:
        """``tenon_web_pages``: ``[(plugin, WebPage)]`` in plugin order, then ``order`` and path; each
        path ``<plugin>/<slug>`` and unique, each module an existing ``.js`` file in the plugin's one
        ``web/`` folder, titles in every console language, ``permission`` an ``(object, action)`` pair."""
        from tenon.core.contributions import WEB_LANGUAGES, WEB_PAGE_KINDS, WebPage

        out: list[tuple[str, WebPage]] = []
        seen: set[str] = set()
        folders: dict[str, Path] = {}
        for plugin, pages in self._each("tenon_web_pages", {"app": self._app}):
            for page in self._iterable(plugin, "tenon_web_pages", pages):
                if not isinstance(page, WebPage):
                    raise PluginError(f"plugin {plugin!r}: tenon_web_pages() returned {page!r}, not a WebPage")
                where = f"plugin {plugin!r}: web page {page.path!r}"
                if not _WEB_PATH.fullmatch(page.path or "") or page.path.split("/")[0] != plugin:
                    raise PluginError(f"{where} must be named '{plugin}/<slug>' (lower-case letters, digits, '-')")
                if page.path in seen:
                    raise PluginError(f"{where} is declared twice")
                module = Path(page.module)
                if module.suffix != ".js" or module.parent.name != "web" or not module.is_file():
                    raise PluginError(f"{where}: module {str(module)!r} must be an existing .js file in the "
                                      f"plugin's web/ folder")
                if folders.setdefault(plugin, module.parent.resolve()) != module.parent.resolve():
                    raise PluginError(f"{where}: all pages of a plugin live in one web/ folder "
                                      f"({folders[plugin]})")
                missing = [lang for lang in WEB_LANGUAGES if not str(page.title.get(lang) or "").strip()] \
                    if isinstance(page.title, Mapping) else list(WEB_LANGUAGES)
                if missing:
                    raise PluginError(f"{where} has no title in {', '.join(missing)}")
                perm = page.permission
                if not (isinstance(perm, tuple) and len(perm) == 2 and all(isinstance(x, str) and x for x in perm)
                        and "." in perm[0]):
                    raise PluginError(f"{where}: permission must be ('<plugin>.<entity>', action), not {perm!r}")
                if page.kind not in WEB_PAGE_KINDS:
                    raise PluginError(f"{where}: kind must be one of {', '.join(WEB_PAGE_KINDS)}")
                seen.add(page.path)
                out.append((plugin, page))
        rank = {p: i for i, p in enumerate(self._app.plugins)}
        return sorted(out, key=lambda pp: (pp[1].order, rank.get(pp[0], 0), pp[1].path))

    def web_folder(self, plugin: str) -> Path | None:
        """The ``web/`` folder of ``plugin``'s console pages, or ``None`` (not loaded, or no pages)."""
        return next((Path(pg.module).parent for p, pg in self.web_pages() if p == plugin), None)

    # ------------------------------------------------------------------ owned hooks
    def spec(self, hook: str) -> pluggy.HookSpec | None:
        """The spec of ``hook`` (kernel or owned), or ``None`` when nobody declares it."""
        caller = getattr(self._pm.hook, hook, None)
        return caller.spec if caller is not None else None

    def specs(self) -> dict[str, pluggy.HookSpec]:
        """Every declared hook spec by name (kernel and owned)."""
        return {n: c.spec for n, c in vars(self._pm.hook).items() if getattr(c, "spec", None) is not None}

    def implementers(self, hook: str) -> list[str]:
        """The plugins implementing ``hook`` (kernel or owned), in call order; ``[]`` when none
        does or nobody declares it. For a plugin that offers a choice only when someone carries it
        out (qc offers the ``rework`` disposition only when a plugin implements
        ``tenon_qc_rework_disposed``)."""
        caller = getattr(self._pm.hook, hook, None)
        if caller is None:
            return []
        return list(dict.fromkeys(owner_of(i.plugin_name) for i in caller.get_hookimpls()))

    def _owner(self, hook: str) -> str | None:
        rest = hook.removeprefix("tenon_")
        names = sorted((p for p in self._app.plugins if rest.startswith(f"{p}_")), key=len, reverse=True)
        return names[0] if names else (rest.split("_", 1)[0] if "_" in rest else None)

    def _checked(self, hook: str, kwargs: dict[str, Any], how: str) -> None:
        owner = self._owner(hook)
        if self.spec(hook) is None:
            by = f"plugin {owner!r} must declare it with tenon_addhooks" if owner else "no plugin declares it"
            raise PluginError(f"hook {hook!r} is not declared: {by}")
        last = hook.rsplit("_", 1)[-1]
        if how == "ask" and not last.endswith("ing"):
            raise PluginError(f"app.hooks.ask({hook!r}): only pre-step hooks named '…ing' may veto; "
                              f"use app.hooks.notify for a past-tense hook")
        if how == "notify":
            from tenon.core.events import is_past_tense

            if not is_past_tense(hook):
                raise PluginError(f"app.hooks.notify({hook!r}): notification hooks are named in the past "
                                  f"tense ('…ed', '…done'); use app.hooks.ask for a '…ing' hook")
        argnames = set(self.spec(hook).argnames)  # type: ignore[union-attr]
        if set(kwargs) != argnames:
            raise PluginError(f"hook {hook!r} is called with ({', '.join(sorted(kwargs))}) but declares "
                              f"({', '.join(sorted(argnames))})")

    def ask(self, hook: str, **kwargs: Any) -> list[Any]:
        """Call a pre-step (veto) hook owned by a plugin, on every implementation in plugin order.

        An implementation refuses by raising a :class:`~tenon.core.errors.TenonError`: it
        propagates, and the unit of work rolls back.

        :param hook: ``tenon_<plugin>_<entity>_<verb>ing`` (``tenon_stock_shipment_confirming``).
        :param kwargs: exactly the arguments the spec declares.
        :returns: the implementations' non-``None`` results, in plugin order.
        :raises PluginError: the hook is not declared (naming the plugin that should own it),
            is not named ``…ing``, or gets other arguments than it declares.
        """
        self._checked(hook, kwargs, "ask")
        return [r for _p, r in self._each(hook, kwargs)]

    def notify(self, hook: str, **kwargs: Any) -> None:
        """Call a past-tense (notification) hook owned by a plugin, in plugin order, inside the transaction.

        A notification cannot veto: a :class:`~tenon.core.errors.TenonError` raised by an
        implementation becomes a :class:`PluginError` naming the plugin (the unit of work
        still rolls back, and the client sees ``PLUGIN_ERROR``); refuse in the ``…ing`` hook.

        :param hook: ``tenon_<plugin>_<entity>_<past tense>`` (``tenon_stock_shipment_done``).
        :param kwargs: exactly the arguments the spec declares.
        :raises PluginError: as :meth:`ask`, and for a refusal raised from a notification.
        """
        self._checked(hook, kwargs, "notify")

        def refused(plugin: str, exc: Exception) -> Any:
            if isinstance(exc, TenonError) and not isinstance(exc, PluginError):
                instead = self._veto_hook_for(hook)
                raise PluginError(f"plugin {plugin!r} raised from notification hook {hook!r} ({exc.code}: {exc}); "
                                  f"refuse in {instead} instead") from exc
            raise exc

        self._each(hook, kwargs, on_error=refused)

    def _veto_hook_for(self, hook: str) -> str:
        owner = self._owner(hook) or ""
        pres = [n for n in self.specs() if n.startswith(f"tenon_{owner}_") and n.endswith("ing")]
        if not pres:
            return f"a '…ing' hook of {owner!r}"
        best = max(pres, key=lambda n: len(os.path.commonprefix([n, hook])))
        return f"{best!r}"

