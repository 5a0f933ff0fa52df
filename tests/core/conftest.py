"""Fixtures for the kernel tests: throw-away plugin objects, the CLI, fresh databases.

Plugins here are plain modules built at run time (``make_plugin``): a
``tenon_plugin_info`` plus whatever ``tenon_*`` functions a test hands in,
passed to the kernel as ``extra_plugins``. A plugin that has to be found as an
installed distribution (entry point) is written to ``tmp_path`` by
``write_distribution``.
"""

from __future__ import annotations

import importlib
import sys
import textwrap
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner, Result

from tenon import PluginInfo
from tenon.core.hookspecs import hookimpl
from tenon.core.testing import Sites


def _plugin(name: str, version: str = "0.1.0", *, depends: tuple[str, ...] = (), requires_tenon: str = "",
            optional: tuple[str, ...] = (), label: str | None = None, decorate: bool = True,
            **hooks: Callable[..., Any]) -> ModuleType:
    """A plugin module named ``tenon_testplugin_<label or name>``.

    Each ``hooks`` item becomes a module-level function (decorated with
    ``@hookimpl`` unless it already carries a marker or ``decorate`` is false).
    ``make_app`` caches migrated templates by module name, so give plugins with
    the same name but different hooks different labels.
    """
    mod = ModuleType(f"tenon_testplugin_{label or name}")
    info = PluginInfo(name=name, version=version, depends=tuple(depends), optional=tuple(optional),
                      requires_tenon=requires_tenon, summary=f"test plugin {name}")

    def tenon_plugin_info() -> PluginInfo:
        return info

    mod.tenon_plugin_info = hookimpl(tenon_plugin_info)  # type: ignore[attr-defined]
    for hook, fn in hooks.items():
        if decorate and not hasattr(fn, "tenon_impl"):
            fn = hookimpl(fn)
        setattr(mod, hook, fn)
    return mod


@pytest.fixture
def make_plugin() -> Callable[..., ModuleType]:
    """Factory: ``make_plugin("a", depends=("b>=1",), tenon_health=lambda app: {...})``."""
    return _plugin


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run ``tenon ARGS...`` in-process (click's ``CliRunner``); returns the click ``Result``."""
    from tenon.core.cli import cli as tenon_cli

    def run(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
        runner = CliRunner()
        return runner.invoke(tenon_cli, list(args), env=env, input=input, catch_exceptions=True)

    monkeypatch.delenv("TENON_SITE", raising=False)
    monkeypatch.delenv("TENON_DATABASE_URL", raising=False)
    return run


def assert_user_error(result: Result, *needles: str) -> str:
    """A user mistake: exit status 1, exactly one line on stderr starting with ``error:``, no traceback."""
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    err = result.stderr.strip()
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


@pytest.fixture
def user_error() -> Callable[..., str]:
    """``user_error(result, *needles)``: see :func:`assert_user_error`."""
    return assert_user_error


@pytest.fixture
def fresh_database(_tenon_sites: Sites) -> Iterator[Callable[[], str | None]]:
    """Factory: a URL of a new empty database on the test backend, or ``None`` on SQLite
    (the site then keeps its own ``tenon.db``). PostgreSQL databases are dropped afterwards."""
    made: list[str] = []

    def factory() -> str | None:
        if _tenon_sites.pg is None:
            return None
        name = f"{_tenon_sites.pg.prefix}core_{uuid.uuid4().hex[:10]}"
        _tenon_sites.pg.create(name)
        made.append(name)
        return _tenon_sites.pg.url_for(name)

    yield factory
    for name in made:
        _tenon_sites.pg.drop(name)  # type: ignore[union-attr]


@pytest.fixture
def write_distribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Path]]:
    """Factory: ``write_distribution("tenon_hello", "hello", {"plugin.py": "..."})`` writes an
    installed distribution (package + ``.dist-info`` with a ``tenon.plugins`` entry point) into
    a folder outside the repository and puts that folder on ``sys.path``.

    Afterwards the folder leaves ``sys.path``, the package leaves ``sys.modules`` and the tables
    its models added to the shared metadata (named ``<plugin>_*``) are removed again. SQLAlchemy's
    class registry keeps the mapped classes, though: import a package that defines models once per
    test process.
    """
    from tenon.core.db import Base

    root = tmp_path / "site-packages"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    packages: list[str] = []
    plugins: list[str] = []
    tables_before = set(Base.metadata.tables)

    def write(package: str, plugin: str, files: dict[str, str], version: str = "0.1.0") -> Path:
        pkg = root / package
        for rel, text in {"__init__.py": "", **files}.items():
            target = pkg / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        dist = root / f"{package}-{version}.dist-info"
        dist.mkdir()
        (dist / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {package.replace('_', '-')}\nVersion: {version}\n"
            f"Summary: throw-away Tenon plugin {plugin}\n", encoding="utf-8")
        (dist / "entry_points.txt").write_text(f"[tenon.plugins]\n{plugin} = {package}.plugin\n", encoding="utf-8")
        (dist / "top_level.txt").write_text(f"{package}\n", encoding="utf-8")
        packages.append(package)
        plugins.append(plugin)
        importlib.invalidate_caches()
        return pkg

    yield write
    for package in packages:
        for mod in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[mod]
    for name in set(Base.metadata.tables) - tables_before:
        # only the written plugins' tables: a bundled plugin first imported during the test stays imported
        if any(name.startswith(f"{plugin}_") for plugin in plugins):
            Base.metadata.remove(Base.metadata.tables[name])
    importlib.invalidate_caches()
