"""Finding, ordering and registering plugins.

Every plugin, bundled or third-party, is an entry point in the ``tenon.plugins``
group whose target implements :func:`tenon_plugin_info`. The kernel itself is
the plugin ``core`` (:mod:`tenon.core.kernel_plugin`), always loaded first.

Plugins are ordered dependencies first, and optional partners that are loaded
too before the plugins naming them (:func:`resolve`).

The kernel's parts outside ``tenon.core`` (its GraphQL fields and HTTP routes,
which live in the API layer that ``tenon.core`` must not import) are *kernel
companions*, like datasette's default plugins: modules in the ``tenon.kernel``
entry-point group (``graphql = "tenon.graphql.kernel.plugin"``). Each is
registered right after ``core`` under the pluggy name ``core:<entry point>``
(``core:graphql``), implements ordinary hooks, and never has a
``tenon_plugin_info`` of its own: it is part of ``core``, and its results are
attributed to ``core`` (:func:`owner_of`).

Loading refuses, with one message naming the plugin: a missing dependency, a
dependency cycle, a duplicate plugin name, a ``tenon_*`` function that is not a
known hook (a typo is never ignored), and an incompatible version.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

import pluggy
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from tenon.core import hookspecs
from tenon.core.errors import PluginError

ENTRY_POINT_GROUP = "tenon.plugins"
KERNEL_GROUP = "tenon.kernel"
KERNEL = "core"
_NAME = re.compile(r"[a-z][a-z0-9_]{0,31}")


@dataclass(frozen=True)
class PluginInfo:
    """What a plugin says about itself.

    :param name: short lowercase name; also the Alembic branch label, the table
        prefix and the Casbin object prefix.
    :param version: the plugin's version (PEP 440).
    :param depends: plugins that must be installed first, optionally with a
        version specifier (``"stock>=0.1"``).
    :param optional: plugins it integrates with when present: when loaded they are ordered
        before this plugin (no error when absent). Implement their owned hooks with
        ``@hookimpl(optionalhook=True)`` and contribute fields and subscribers for them only
        when ``app.has_plugin(name)``.
    :param summary: one line shown by ``tenon plugins list``.
    :param requires_tenon: a specifier the kernel version must satisfy.
    """

    name: str
    version: str
    depends: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    summary: str = ""
    requires_tenon: str = ""

    @property
    def dependency_names(self) -> tuple[str, ...]:
        return tuple(_requirement(self.name, d).name for d in self.depends)


@dataclass
class Candidate:
    info: PluginInfo
    obj: Any
    source: str = "entry point"
    distribution: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    #: modules registered as parts of this plugin, by pluggy name (``core:graphql``); only the kernel has them
    companions: dict[str, Any] = field(default_factory=dict)


def owner_of(pluggy_name: str) -> str:
    """The plugin a registered pluggy name belongs to: ``core:graphql`` -> ``core``."""
    return pluggy_name.partition(":")[0]


def kernel_companions() -> dict[str, Any]:
    """The modules of the ``tenon.kernel`` entry-point group, by pluggy name (``core:<entry point>``).

    :raises PluginError: a module that fails to import or declares its own ``tenon_plugin_info``.
    """
    found: dict[str, Any] = {}
    for ep in sorted(entry_points(group=KERNEL_GROUP), key=lambda e: e.name):
        try:
            obj = ep.load()
        except Exception as exc:
            raise PluginError(f"kernel part {ep.name!r} ({ep.value}) failed to import: {exc}") from exc
        if hasattr(obj, "tenon_plugin_info"):
            raise PluginError(f"kernel part {ep.name!r} ({ep.value}) is part of {KERNEL!r}: "
                              f"it must not implement tenon_plugin_info()")
        found[f"{KERNEL}:{ep.name}"] = obj
    return found


def _requirement(owner: str, text: str) -> Requirement:
    try:
        return Requirement(text)
    except InvalidRequirement as exc:
        raise PluginError(f"plugin {owner!r}: invalid dependency {text!r}: {_one_line(exc)}") from None


def _one_line(exc: Exception) -> str:
    """Library messages (pluggy, packaging) span lines; a ``PluginError`` is one line."""
    return "; ".join(part.strip() for part in str(exc).splitlines() if part.strip())


def _info_of(name: str, obj: Any) -> PluginInfo:
    fn = getattr(obj, "tenon_plugin_info", None)
    if fn is None:
        raise PluginError(f"plugin {name!r} does not implement tenon_plugin_info()")
    info = fn()
    if not isinstance(info, PluginInfo):
        raise PluginError(f"plugin {name!r}: tenon_plugin_info() must return a PluginInfo")
    if not _NAME.fullmatch(info.name):  # it prefixes tables, policy objects, hooks and the Alembic branch
        raise PluginError(
            f"plugin {info.name!r}: invalid name; use at most 32 lowercase letters, digits and underscores, "
            f"starting with a letter"
        )
    try:
        Version(info.version)
    except InvalidVersion:
        raise PluginError(f"plugin {info.name!r}: invalid version {info.version!r}") from None
    return info


def discover(extra: Mapping[str, Any] | Iterable[Any] = ()) -> dict[str, Candidate]:
    """Find every available plugin: the kernel, entry points, and ``extra`` objects (tests).

    :param extra: plugin objects (modules, classes or instances) to add.
    :returns: candidates by plugin name.
    """
    from tenon.core import kernel_plugin

    found: dict[str, Candidate] = {KERNEL: Candidate(_info_of(KERNEL, kernel_plugin), kernel_plugin, "kernel",
                                                     companions=kernel_companions())}

    def add(cand: Candidate) -> None:
        name = cand.info.name
        if name in found:
            other = found[name]
            raise PluginError(
                f"duplicate plugin name {name!r}: provided by {other.source}"
                f"{' (' + other.distribution + ')' if other.distribution else ''} and by {cand.source}"
                f"{' (' + cand.distribution + ')' if cand.distribution else ''}"
            )
        found[name] = cand

    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        dist = ep.dist.name if ep.dist is not None else None
        try:
            obj = ep.load()
        except Exception as exc:  # a broken third-party package must name itself
            raise PluginError(f"plugin {ep.name!r} ({ep.value}) failed to import: {exc}") from exc
        info = _info_of(ep.name, obj)
        if info.name != ep.name:
            raise PluginError(
                f"plugin entry point {ep.name!r} ({dist}) declares the name {info.name!r}; they must match"
            )
        add(Candidate(info, obj, f"entry point {ep.value}", dist))

    objs = extra.values() if isinstance(extra, Mapping) else extra
    for obj in objs:
        label = getattr(obj, "__name__", type(obj).__name__)
        add(Candidate(_info_of(label, obj), obj, f"object {label}"))
    return found


def resolve(candidates: Mapping[str, Candidate], wanted: Iterable[str]) -> list[Candidate]:
    """Order ``wanted`` plus their dependencies, dependencies first.

    Optional partners (``PluginInfo.optional``) that are loaded too (in ``wanted`` or
    pulled in as a dependency) are ordered before the plugin naming them, so an
    integration's hook implementations and fields come after its partner's; an absent
    partner is no error. A cycle that goes through an optional edge is broken by
    ignoring that optional edge (``depends`` always wins).

    :raises PluginError: unknown plugin, missing or incompatible dependency, cycle,
        or a plugin that needs another kernel version.
    """
    wanted = list(wanted)
    present = {c.info.name for c in _order(candidates, wanted, None)}
    return _order(candidates, wanted, present)


class _Cycle(PluginError):
    pass


def _order(candidates: Mapping[str, Candidate], wanted: list[str], present: set[str] | None) -> list[Candidate]:
    """Depth-first ordering; with ``present``, optional edges to those plugins count too."""
    from tenon import __version__ as kernel_version

    ordered: list[Candidate] = []
    state: dict[str, str] = {}

    def visit(name: str, path: tuple[str, ...], needed_by: str | None) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            cycle = " -> ".join((*path[path.index(name):], name))
            raise _Cycle(f"dependency cycle between plugins: {cycle}")
        cand = candidates.get(name)
        if cand is None:
            if needed_by:
                raise PluginError(
                    f"plugin {needed_by!r} depends on {name!r}, which is not available "
                    f"(install the package that provides it)"
                )
            raise PluginError(f"unknown plugin {name!r}; available: {', '.join(sorted(candidates))}")
        info = cand.info
        if info.requires_tenon:
            try:
                ok = Version(kernel_version) in SpecifierSet(info.requires_tenon)
            except InvalidSpecifier:
                raise PluginError(f"plugin {name!r}: invalid requires_tenon {info.requires_tenon!r}") from None
            if not ok:
                raise PluginError(
                    f"plugin {name!r} {info.version} requires tenon {info.requires_tenon}, "
                    f"but this is tenon {kernel_version}"
                )
        state[name] = "visiting"
        if name != KERNEL:
            visit(KERNEL, (*path, name), name)
        for dep in info.depends:
            req = _requirement(name, dep)
            visit(req.name, (*path, name), name)
            dep_version = candidates[req.name].info.version
            if req.specifier and not req.specifier.contains(dep_version, prereleases=True):
                raise PluginError(
                    f"plugin {name!r} requires {dep}, but {req.name} {dep_version} is available"
                )
        for opt in info.optional if present else ():
            opt_name = _requirement(name, opt).name
            if opt_name in present and state.get(opt_name) is None:  # type: ignore[operator]
                saved_state, saved_len = dict(state), len(ordered)
                try:
                    visit(opt_name, (*path, name), None)
                except _Cycle:  # only optional edges can close a cycle here: ignore this one
                    state.clear()
                    state.update(saved_state)
                    del ordered[saved_len:]
        state[name] = "done"
        ordered.append(cand)

    for n in wanted:
        visit(n, (), None)
    return ordered


class TenonPluginManager(pluggy.PluginManager):
    """Treats every ``tenon_*`` callable as a hook implementation (as pytest does for
    ``pytest_*``), so ``check_pending()`` catches misspelt or undecorated hooks."""

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is None and name.startswith("tenon_"):
            member = getattr(plugin, name, None)
            if inspect.isroutine(member):
                return {}
        return opts


def build_manager(ordered: Iterable[Candidate]) -> TenonPluginManager:
    """A fresh plugin manager with ``ordered`` registered; one per app, never global."""
    pm = TenonPluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.hook.tenon_addhooks.call_historic(kwargs={"pm": pm})
    for cand in ordered:
        for name, obj in {cand.info.name: cand.obj, **cand.companions}.items():
            try:
                pm.register(obj, name=name)
            except (ValueError, pluggy.PluginValidationError) as exc:  # a hookimpl whose arguments the spec lacks
                raise PluginError(f"plugin {name!r} could not be registered: {_one_line(exc)}") from exc
    unknown: list[str] = []
    for name, caller in vars(pm.hook).items():
        if caller.spec is None:
            for impl in caller.get_hookimpls():
                if not impl.optionalhook:
                    unknown.append(f"plugin {impl.plugin_name!r} implements unknown hook {name!r}")
    if unknown:
        raise PluginError("; ".join(sorted(unknown)))
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"plugin {pm.get_name(exc.plugin) or '?'!r}: {_one_line(exc)}") from exc
    return pm

