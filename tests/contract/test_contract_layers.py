"""Architecture contract, read from the source: who may import whom, table and revision naming,
entry points, and where the GraphQL layer lives.

* ``tenon.core`` imports neither ``tenon.plugins`` nor ``tenon.graphql``.
* A plugin imports only ``tenon``, ``tenon.core``, ``tenon.graphql``, itself, and the
  public package (``tenon.plugins.<dep>``, never a submodule) of the plugins in its ``depends``.
* An *optional* partner's public package (``PluginInfo.optional``) is imported only inside the
  plugin's ``integrations/<partner>.py``, which the plugin itself imports only lazily (inside a
  function, when ``app.has_plugin(partner)``), never at module top level.
* A plugin's tables, their index and constraint names, and its Alembic revisions carry its name.
* Every bundled plugin is registered in pyproject's ``tenon.plugins`` entry points.
* There is no top-level ``graphql/`` package.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

import tenon
from tenon.core import plugins as plugmod

TENON = Path(tenon.__file__).parent
REPO = TENON.parent
CORE = TENON / "core"
PLUGINS = TENON / "plugins"


def bundled_dirs() -> dict[str, Path]:
    return {p.name: p for p in sorted(PLUGINS.iterdir()) if (p / "plugin.py").is_file()}


def module_name(path: Path, repo: Path = REPO) -> str:
    parts = list(path.relative_to(repo).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path, repo: Path = REPO) -> Iterator[tuple[int, str, list[str]]]:
    """``(line, absolute module, imported names)`` for every import in ``path`` (relative ones resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = module_name(path, repo)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            yield node.lineno, module, [a.name for a in node.names]


def py_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def test_the_layers_are_where_they_should_be():
    assert CORE.is_dir() and (TENON / "graphql").is_dir() and PLUGINS.is_dir()
    assert len(py_files(CORE)) > 10


def test_the_kernel_imports_neither_plugins_nor_the_graphql_layer():
    bad = []
    for path in py_files(CORE):
        for line, module, names in imports(path):
            targets = [f"{module}.{n}" for n in names] if module == "tenon" else [module]
            for target in targets:
                if target.split(".")[:2] in (["tenon", "plugins"], ["tenon", "graphql"]):
                    bad.append(f"{path.relative_to(REPO)}:{line} imports {target}")
    assert bad == []


def top_level_lines(path: Path) -> set[int]:
    """Line numbers of the imports at module top level (not inside a function or class)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out: set[int] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                out.add(node.lineno)
            elif isinstance(node, (ast.If, ast.Try)):  # still module level
                visit(node.body + node.orelse + [s for h in getattr(node, "handlers", []) for s in h.body]
                      + getattr(node, "finalbody", []))

    visit(tree.body)
    return out


def plugin_import_violations(name: str, depends: set[str], repo: Path = REPO,
                             optional: set[str] = frozenset()) -> list[str]:  # type: ignore[assignment]
    """Import lines of plugin ``name`` (``<repo>/tenon/plugins/<name>``) that break the plugin import rule."""
    own = f"tenon.plugins.{name}"
    plugins = repo / "tenon" / "plugins"
    bad = []
    for path in py_files(plugins / name):
        where = f"{path.relative_to(repo)}"
        rel = path.relative_to(plugins / name).as_posix()
        top = top_level_lines(path)
        for line, module, names in imports(path, repo):
            if module == "tenon":
                targets = [f"tenon.{n}" if n in ("plugins", "core", "graphql") else "tenon" for n in names]
            elif module == "tenon.plugins":
                targets = [f"tenon.plugins.{n}" for n in names]
            else:
                targets = [module]
            for target in targets:
                parts = target.split(".")
                if parts[0] != "tenon" or target == "tenon" or parts[1] in ("core", "graphql"):
                    continue
                if target == own or target.startswith(own + "."):
                    integration = target.removeprefix(own).removeprefix(".").split(".")
                    if integration == ["integrations"] and names:  # from .integrations import orders
                        integration = ["integrations", names[0]]
                    if (integration[0] == "integrations" and len(integration) > 1 and line in top
                            and not rel.startswith("integrations/")):
                        bad.append(f"{where}:{line} imports {target} at module top level "
                                   f"(import it only when app.has_plugin({integration[1]!r}))")
                    continue
                if parts[1] == "plugins" and len(parts) == 3 and parts[2] in optional and parts[2] not in depends:
                    if rel == f"integrations/{parts[2]}.py":
                        continue
                    bad.append(f"{where}:{line} imports the optional partner {target} outside "
                               f"integrations/{parts[2]}.py")
                    continue
                if parts[1] == "plugins" and len(parts) == 3 and parts[2] in depends:
                    sub = [n for n in names if module == target and
                           ((plugins / parts[2] / f"{n}.py").exists() or (plugins / parts[2] / n).is_dir())]
                    if not sub:
                        continue
                    target = f"{target}.{sub[0]}"
                    bad.append(f"{where}:{line} imports the submodule {target} (import from {module} only)")
                    continue
                why = "not in its depends" if parts[1] == "plugins" and len(parts) == 3 else "not a public package"
                bad.append(f"{where}:{line} imports {target} ({why})")
    return bad


@pytest.mark.parametrize("name", sorted(bundled_dirs()))
def test_a_plugin_imports_only_the_kernel_and_its_dependencies_public_packages(name):
    cand = plugmod.discover()[name]
    assert plugin_import_violations(name, set(cand.info.dependency_names), optional=set(cand.info.optional)) == []


def test_the_import_rule_catches_violations(tmp_path):
    """The checker itself, on a fake tree where plugin ``b`` depends on ``a`` only."""
    for rel in ("tenon/plugins/a/__init__.py", "tenon/plugins/a/services.py", "tenon/plugins/a/models.py",
                "tenon/plugins/b/__init__.py", "tenon/plugins/b/models.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("", encoding="utf-8")
    (tmp_path / "tenon/plugins/b/plugin.py").write_text(
        "import tenon.plugins.a\n"                      # fine: a dependency's public package
        "from tenon.plugins import a\n"                 # fine
        "from tenon.plugins.a import Item, services\n"  # services is a submodule of a
        "from tenon.plugins.a.models import Item\n"     # a submodule of a
        "from tenon.plugins.c import x\n"               # c is not a dependency
        "from tenon.plugins import c\n"                 # neither
        "from .. import c\n"                            # neither, relatively
        "from . import models\n"                        # fine: its own module
        "from .models import Thing\n"                   # fine
        "import tenon.core.db, tenon.graphql.relay\n"   # fine
        "from tenon import PluginInfo, plugins\n",      # tenon.plugins itself is not a public package
        encoding="utf-8")
    bad = plugin_import_violations("b", {"a"}, repo=tmp_path)
    assert [b.split(".py:")[1] for b in bad] == [
        "3 imports the submodule tenon.plugins.a.services (import from tenon.plugins.a only)",
        "4 imports tenon.plugins.a.models (not a public package)",
        "5 imports tenon.plugins.c (not in its depends)",
        "6 imports tenon.plugins.c (not in its depends)",
        "7 imports tenon.plugins.c (not in its depends)",
        "11 imports tenon.plugins (not a public package)",
    ]


def test_the_import_rule_confines_optional_partners_to_their_integration_module(tmp_path):
    """On a fake tree where plugin ``b`` lists ``a`` as optional: ``a`` may be imported only in
    ``b/integrations/a.py``, and ``b`` imports that module only lazily."""
    for rel in ("tenon/plugins/a/__init__.py", "tenon/plugins/b/__init__.py", "tenon/plugins/b/integrations/__init__.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("", encoding="utf-8")
    (tmp_path / "tenon/plugins/b/integrations/a.py").write_text(
        "from tenon.plugins.a import SalesOrder\n", encoding="utf-8")       # fine: the integration module
    (tmp_path / "tenon/plugins/b/plugin.py").write_text(
        "from .integrations import a\n"                                     # top level: refused
        "def tenon_event_subscribers(app):\n"
        "    if app.has_plugin('a'):\n"
        "        from .integrations.a import subscribers\n"                 # fine: lazily
        "        return subscribers()\n", encoding="utf-8")
    (tmp_path / "tenon/plugins/b/services.py").write_text(
        "from tenon.plugins.a import SalesOrder\n"                          # outside integrations/a.py
        "def f():\n"
        "    import tenon.plugins.a\n", encoding="utf-8")                   # even lazily
    bad = plugin_import_violations("b", set(), repo=tmp_path, optional={"a"})
    assert sorted(b.split("tenon/plugins/b/")[1] for b in bad) == [
        "plugin.py:1 imports tenon.plugins.b.integrations at module top level (import it only when "
        "app.has_plugin('a'))",
        "services.py:1 imports the optional partner tenon.plugins.a outside integrations/a.py",
        "services.py:3 imports the optional partner tenon.plugins.a outside integrations/a.py",
    ]


# --------------------------------------------------------------------------- tables and revisions


@pytest.fixture(scope="module")
def every_plugin(tmp_path_factory):
    """An app with every available plugin loaded (not installed: nothing here touches its database)."""
    from tenon.core.kernel import Tenon
    from tenon.core.site import Site

    app = Tenon(Site.create(tmp_path_factory.mktemp("contract")), plugins=sorted(bundled_dirs()))
    yield app
    app.dispose()


def test_every_plugins_tables_and_their_index_names_carry_its_name(every_plugin):
    bad = []
    for plugin, models in every_plugin.models_by_plugin.items():  # raises on a table without the prefix
        for model in models:
            table = model.__table__
            if not table.name.startswith(f"{plugin}_"):
                bad.append(f"{plugin}: table {table.name}")
            names = [i.name for i in table.indexes] + [c.name for c in table.constraints]
            for n in names:  # index names are schema-wide on PostgreSQL: a prefix keeps plugins apart
                if not isinstance(n, str) or n.split("_", 1)[1:] == [] or not n.split("_", 1)[1].startswith(f"{plugin}_"):
                    bad.append(f"{plugin}: {table.name} has index/constraint {n!r} (expected <kind>_{plugin}_...)")
    assert bad == []
    assert set(every_plugin.models_by_plugin) >= {"core"}


def test_every_plugins_alembic_branch_is_named_after_it(every_plugin):
    from alembic.script import ScriptDirectory

    from tenon.core import migrate

    folders = migrate.version_locations(every_plugin)
    script = ScriptDirectory.from_config(migrate.make_config(every_plugin))
    bad = []
    for rev in script.walk_revisions():
        owner = next((p for p, f in folders.items() if Path(rev.path).parent.resolve() == Path(f).resolve()), None)
        if owner is None:
            bad.append(f"{rev.revision}: in no plugin's folder")
            continue
        if not rev.revision.startswith(f"{owner}_"):
            bad.append(f"{owner}: revision {rev.revision} (expected {owner}_NNNN)")
        if rev.down_revision is None and tuple(rev.branch_labels) != (owner,):
            bad.append(f"{owner}: first revision {rev.revision} has branch_labels {rev.branch_labels}")
    assert bad == []
    for plugin, folder in folders.items():  # exactly one root per plugin
        roots = [r for r in script.walk_revisions() if r.down_revision is None
                 and Path(r.path).parent.resolve() == Path(folder).resolve()]
        assert len(roots) == 1, (plugin, [r.revision for r in roots])


def test_plugins_with_models_have_migrations(every_plugin):
    from tenon.core import migrate

    folders = migrate.version_locations(every_plugin)
    assert sorted(p for p in every_plugin.models_by_plugin if p not in folders) == []


# --------------------------------------------------------------------------- packaging


def test_every_bundled_plugin_is_a_registered_entry_point():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    registered = project["project"]["entry-points"]["tenon.plugins"]
    assert registered == {name: f"tenon.plugins.{name}.plugin" for name in bundled_dirs()}


def test_the_installed_entry_points_match_pyproject():
    """What ``discover()`` finds is what pyproject registers (a stale install would hide a new plugin)."""
    found = {name for name, cand in plugmod.discover().items() if cand.source.startswith("entry point tenon.plugins.")}
    assert found == set(bundled_dirs())


def test_the_installed_kernel_parts_match_pyproject():
    """The kernel companions (``tenon.kernel`` group) are installed as pyproject declares them: a stale
    install would serve no kernel GraphQL field."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    declared = project["project"]["entry-points"]["tenon.kernel"]
    assert declared == {"graphql": "tenon.graphql.kernel.plugin"}
    found = {name.partition(":")[2]: obj.__name__ for name, obj in plugmod.kernel_companions().items()}
    assert found == declared


def test_each_plugin_is_named_after_its_folder():
    found = plugmod.discover()
    for name in bundled_dirs():
        assert found[name].info.name == name
        assert found[name].obj.__name__ == f"tenon.plugins.{name}.plugin"


def test_there_is_no_top_level_graphql_package():
    assert not (REPO / "graphql").exists()
    assert not (REPO / "graphql.py").exists()
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["tool"]["setuptools"]["packages"]["find"]["include"] == ["tenon*"]
