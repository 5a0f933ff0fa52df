"""``tenon dev new-plugin``: write a complete third-party plugin distribution.

The files come from ``plugin_template/`` (``*.tmpl``, ``${name}`` placeholders; the
folder ``PACKAGE`` becomes ``tenon_<name>``). The first migration is not a
template: it is generated with :func:`tenon.core.migrate.scratch_revision` from
the written models, so it matches them exactly and ``depends_on`` the heads of
the plugin's dependencies.
"""

from __future__ import annotations

import importlib
import re
import shutil
import string
import sys
from collections.abc import Iterable
from pathlib import Path

from tenon.core.errors import PluginError
from tenon.core.plugins import discover

TEMPLATE = Path(__file__).with_name("plugin_template")
NAME_RE = re.compile(r"[a-z][a-z0-9_]{0,31}")


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def _lower_camel(name: str) -> str:
    camel = _camel(name)
    return camel[:1].lower() + camel[1:]


def _check(name: str, depends: list[str], root: Path) -> None:
    if not NAME_RE.fullmatch(name) or name.endswith("_") or "__" in name:
        raise PluginError(f"bad plugin name {name!r}: use a lowercase identifier (a-z, 0-9, _; at most 32, "
                          f"starting with a letter), e.g. 'downtime'")
    available = discover()
    if name in available:
        raise PluginError(f"a plugin named {name!r} is already available; choose another name")
    for dep in depends:
        if dep not in available:
            raise PluginError(f"unknown plugin {dep!r} in --depends; available: {', '.join(sorted(available))}")
    if root.exists():
        raise PluginError(f"{root} already exists; choose another name or --dir")


def _values(name: str, depends: list[str]) -> dict[str, str]:
    return {
        "name": name,
        "package": f"tenon_{name}",
        "dist": f"tenon-{name.replace('_', '-')}",
        "model": f"{_camel(name)}Item",
        "query": f"{_lower_camel(name)}Items",
        "mutation": f"{_lower_camel(name)}ItemCreate",
        "summary": f"{name.replace('_', ' ').capitalize()} for Tenon",
        "depends_tuple": "(" + "".join(f'"{d}", ' for d in depends).rstrip(" ") + ")",
        "depends_text": f" (depends on {', '.join(f'`{d}`' for d in depends)})" if depends else "",
    }


def _write_templates(root: Path, values: dict[str, str]) -> None:
    for src in sorted(TEMPLATE.rglob("*.tmpl")):
        rel = src.relative_to(TEMPLATE).with_suffix("")
        rel = Path(*(values["package"] if part == "PACKAGE" else part.replace("NAME", values["name"])
                     for part in rel.parts))
        text = string.Template(src.read_text(encoding="utf-8")).safe_substitute(values)
        if "${" in text:
            raise PluginError(f"plugin template {src.name} has an unknown placeholder")  # a bug in the template
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def _first_migration(root: Path, name: str, package: str) -> Path:
    """Import the new package from ``root`` (not installed yet) and generate its first revision."""
    from tenon.core.db import Base
    from tenon.core.migrate import scratch_revision

    tables_before = set(Base.metadata.tables)
    sys.path.insert(0, str(root))
    importlib.invalidate_caches()
    try:
        module = importlib.import_module(f"{package}.plugin")
        return Path(scratch_revision(name, "initial", extra_plugins=[module]))
    finally:
        sys.path.remove(str(root))
        for mod in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[mod]
        for table in set(Base.metadata.tables) - tables_before:  # only its own: a dependency's stay imported
            if table.startswith(f"{name}_"):
                Base.metadata.remove(Base.metadata.tables[table])


def new_plugin(name: str, *, depends: Iterable[str] = (), directory: Path | str = ".") -> Path:
    """Write the distribution ``tenon-<name>/`` into ``directory``; returns its path.

    It holds ``pyproject.toml`` (with the ``tenon.plugins`` entry point), the package
    ``tenon_<name>`` (plugin, models, services, schema, policies, its first migration),
    a README and passing tests. It installs and serves as written. Nothing is left behind
    when a step fails.

    :param name: the plugin's name (a lowercase identifier, not an available plugin's).
    :param depends: plugins it depends on (each must be available).
    """
    deps = list(dict.fromkeys(depends))
    root = Path(directory).resolve() / f"tenon-{name}"
    _check(name, deps, root)
    values = _values(name, deps)
    try:
        _write_templates(root, values)
        _first_migration(root, name, values["package"])
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return root
