"""``tenon dev new-plugin``: the written distribution passes its own tests, installs and serves as written.

The scaffold runs as the real ``tenon`` command in its own process (it imports the new package to
generate the first migration, and a process imports a package with models once). The package is
then made importable the way ``pip install`` leaves it (package + ``.dist-info`` with the
entry point from its ``pyproject.toml``). Building it with pip works too, but needs a build
environment from the package index, which is too slow for the suite.
"""

from __future__ import annotations

import ast
import importlib
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tenon.core.migrate import drift
from tenon.core.testing import create_user

BIN = Path(sys.executable).parent
FILES = [
    "README.md",
    "pyproject.toml",
    "tenon_demo_plugin/__init__.py",
    "tenon_demo_plugin/migrations/__init__.py",
    "tenon_demo_plugin/migrations/demo_plugin_0001_initial.py",
    "tenon_demo_plugin/models.py",
    "tenon_demo_plugin/plugin.py",
    "tenon_demo_plugin/policies.csv",
    "tenon_demo_plugin/schema.py",
    "tenon_demo_plugin/services.py",
    "tests/test_demo_plugin.py",
]


def install_like_pip(root: Path, target: Path) -> None:
    """Copy the package and write the ``.dist-info`` its pyproject.toml describes."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    [package] = [p.name for p in root.iterdir() if p.name.startswith("tenon_")]
    init = ast.parse((root / package / "__init__.py").read_text(encoding="utf-8"))
    version = next(n.value.value for n in init.body if isinstance(n, ast.Assign) and n.targets[0].id == "__version__")
    shutil.copytree(root / package, target / package)
    dist = target / f"{package}-{version}.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {project['name']}\nVersion: {version}\n")
    eps = project["entry-points"]["tenon.plugins"]
    (dist / "entry_points.txt").write_text("[tenon.plugins]\n" + "".join(f"{k} = {v}\n" for k, v in eps.items()))


@pytest.fixture
def unload_demo_plugin():
    from tenon.core.db import Base

    tables = set(Base.metadata.tables)
    yield
    for mod in [m for m in sys.modules if m.startswith("tenon_demo_plugin")]:
        del sys.modules[mod]
    for name in set(Base.metadata.tables) - tables:
        if name.startswith("demo_plugin_"):
            Base.metadata.remove(Base.metadata.tables[name])
    importlib.invalidate_caches()


@pytest.mark.skipif(not (BIN / "tenon").exists(), reason="the tenon script is not installed next to python")
def test_new_plugin_passes_its_own_tests_and_serves_with_no_edits(tmp_path, make_app, make_client, monkeypatch,
                                                                  unload_demo_plugin):
    # The new plugin's own tests run on the plugin set they name, whatever pass of our suite runs this.
    env = {k: v for k, v in os.environ.items()
           if k not in ("TENON_SITE", "TENON_DATABASE_URL", "TENON_TEST_WITHOUT_PLUGINS")}
    made = subprocess.run([str(BIN / "tenon"), "dev", "new-plugin", "demo_plugin", "--dir", str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert made.returncode == 0, made.stderr
    root = tmp_path / "tenon-demo_plugin"
    assert made.stdout.splitlines()[0] == f"created {root}"
    written = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert written == FILES
    for rel in written:  # nothing for the author to fill in or delete
        text = (root / rel).read_text(encoding="utf-8")
        for needle in ("TODO", "FIXME", "${", "please adjust", "Alembic commands", "PACKAGE"):
            assert needle not in text, (rel, needle)
    migration = (root / FILES[4]).read_text(encoding="utf-8")
    assert "op.create_table('demo_plugin_item'" in migration and "depends_on: str | Sequence[str] | None = None" in migration

    site_packages = tmp_path / "site-packages"
    install_like_pip(root, site_packages)
    ran = subprocess.run([str(BIN / "pytest"), "-q", "-p", "no:cacheprovider"],
                         cwd=root, capture_output=True, text=True, timeout=240,
                         env={**env, "PYTHONPATH": str(site_packages)})  # TENON_TEST_DATABASE_URL passes through
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-2000:]
    assert "3 passed" in ran.stdout

    monkeypatch.syspath_prepend(str(site_packages))
    importlib.invalidate_caches()
    app = make_app(plugins=["demo_plugin"])
    assert app.installed_versions()["demo_plugin"] == "0.1.0"
    assert drift(app, ["demo_plugin"]) == [], "the generated migration matches the model"
    client = make_client(app, create_user(app, "dora", roles=["demo_plugin_user"]))
    client.ok('mutation { demoPluginItemCreate(input: {code: "X-1", name: "Widget"}) { id } }')
    assert client.ok("{ demoPluginItems { totalCount nodes { code name } } }")["demoPluginItems"] == {
        "totalCount": 1, "nodes": [{"code": "X-1", "name": "Widget"}]}


def test_new_plugin_with_a_dependency(tmp_path, cli):
    result = cli("dev", "new-plugin", "depdemo", "--depends", "stock", "--dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    package = tmp_path / "tenon-depdemo" / "tenon_depdemo"
    assert 'depends=("stock",)' in (package / "plugin.py").read_text(encoding="utf-8")
    migration = (package / "migrations" / "depdemo_0001_initial.py").read_text(encoding="utf-8")
    assert "depends_on: str | Sequence[str] | None = 'stock_0001'" in migration
    assert "tenon_depdemo" not in sys.modules, "the scaffold leaves no module behind"


@pytest.mark.parametrize("name, needle", [
    ("Demo", "bad plugin name 'Demo'"),
    ("demo-plugin", "bad plugin name 'demo-plugin'"),
    ("1demo", "bad plugin name '1demo'"),
    ("demo_", "bad plugin name 'demo_'"),
    ("stock", "a plugin named 'stock' is already available"),
    ("core", "a plugin named 'core' is already available"),
])
def test_new_plugin_refuses_bad_names(tmp_path, cli, user_error, name, needle):
    user_error(cli("dev", "new-plugin", name, "--dir", str(tmp_path)), needle)
    assert list(tmp_path.iterdir()) == []


def test_new_plugin_refuses_an_existing_folder_and_unknown_dependencies(tmp_path, cli, user_error):
    (tmp_path / "tenon-taken").mkdir()
    (tmp_path / "tenon-taken" / "keep.txt").write_text("mine")
    user_error(cli("dev", "new-plugin", "taken", "--dir", str(tmp_path)), "tenon-taken already exists")
    assert [p.name for p in (tmp_path / "tenon-taken").iterdir()] == ["keep.txt"]
    user_error(cli("dev", "new-plugin", "lonely", "--depends", "ghost", "--dir", str(tmp_path)),
               "unknown plugin 'ghost' in --depends")
    assert not (tmp_path / "tenon-lonely").exists()
