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
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ContextManager

import pluggy

from tenon.core.errors import PluginError, TenonError
from tenon.core.plugins import KERNEL, owner_of

if TYPE_CHECKING:
    import click
    from sqlalchemy.orm import Session

    from tenon.core.access import RowScope
    from tenon.core.contributions import SchemaContribution
    from tenon.core.events import Event, Subscriber
    from tenon.core.kernel import Tenon
    from tenon.core.sequences import SequenceSpec
    from tenon.core.workflow import Workflow

__all__ = ["KernelHooks"]


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

    # ------------------------------------------------------------------ runtime hooks
    def health(self) -> dict[str, Any]:
        """``tenon_health``: ``{plugin: check}``; an exception or a non-dict becomes ``{"ok": False, ...}``."""
        checks = {}
        for plugin, check in self._each("tenon_health", {"app": self._app},
                                        on_error=lambda _p, exc: {"ok": False, "error": str(exc)}):
            checks[plugin] = check if isinstance(check, dict) else {"ok": False, "error": f"not a dict: {check!r}"}
        return checks

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

