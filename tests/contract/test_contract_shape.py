"""Plugin shape contract: every bundled plugin has the same layout (read from the source).

::

    tenon/plugins/<name>/
      __init__.py        the public API other plugins may import: explicit names and __all__
      plugin.py          hook implementations only (tenon_* functions, plus module constants);
                         they import lazily from the modules below
      hookspecs.py       hooks this plugin owns (its docstring says "none yet" if it owns none)
      events.py          the events it declares (after-commit), listed in EVENTS
      errors.py          its error classes (stable codes)
      workflows.py       its documents' life cycles (tenon.core.workflow.Workflow objects)
      models.py          models (and MODELS)
      policies.csv       default policy lines
      migrations/versions/<name>_NNNN_*.py
      services/          domain functions, one module per entity; services/__init__.py is a docstring only
      schema/__init__.py only `contribution()` returning the SchemaContribution
      schema/types/      output types (a package, one module per entity)
      schema/inputs.py   input types          schema/loaders.py   DataLoader batch functions
      schema/queries.py  root Query fields    schema/mutations.py root Mutation fields
      schema/extensions.py  fields on other plugins' types (only if it has some)
      schema/subscriptions.py  root Subscription fields (only if it has some)
      web/               its web console pages (only if it has some): the ES modules (and their
                         .css/.svg/.png) that tenon_web_pages declares, served at /console/plugins/<name>/
      demo.py, README.md (+ optional cli.py, http.py, reports.py, labels.py, ledger.py,
                         integrations/<partner>.py)

Checked here, for every bundled plugin:

* the required files are present;
* ``services/__init__.py`` and ``schema/__init__.py`` re-export nothing (no top-level imports
  other than ``__future__`` and, in ``schema/__init__.py``, ``tenon.core.contributions``;
  ``schema/__init__.py`` defines only ``contribution``);
* ``plugin.py`` defines only ``tenon_*`` hook functions (plus module constants);
* no module outside ``schema/`` imports strawberry;
* every :class:`~tenon.core.events.Event` subclass the plugin defines is in ``events.py`` and in its
  ``EVENTS``, and no ``publish(`` call names an event by a string;
* every owned hookspec is named ``tenon_<plugin>_<entity>_<verb>``: ``…ing`` (may veto) or past
  tense (may not);
* owned hooks are called only through ``app.hooks.ask/notify`` or a workflow: no ``pm.hook`` and no
  ``.hook.`` attribute access;
* a ``web/`` folder holds only page files (``.js``, ``.css``, ``.svg``, ``.png``; every file there is
  served) and comes with a ``tenon_web_pages`` implementation in ``plugin.py``.

Imports inside a plugin are relative (``from ..models import X``); the import rule itself is in
``test_contract_layers.py``. Each check has a negative case on a fake tree.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import tenon
from tenon.core.events import is_past_tense

PLUGINS = Path(tenon.__file__).parent / "plugins"

REQUIRED = (
    "__init__.py", "plugin.py", "hookspecs.py", "events.py", "errors.py", "workflows.py", "models.py",
    "policies.csv", "migrations/versions", "services/__init__.py", "schema/__init__.py",
    "schema/types/__init__.py", "schema/inputs.py", "schema/loaders.py", "schema/queries.py",
    "schema/mutations.py", "demo.py", "README.md",
)
WEB_FILES = (".js", ".css", ".svg", ".png")


def bundled() -> list[str]:
    return sorted(p.name for p in PLUGINS.iterdir() if (p / "plugin.py").is_file())


def _py(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)


def shape_violations(root: Path) -> list[str]:
    """Every way the plugin folder ``root`` (``.../plugins/<name>``) breaks the shape."""
    name = root.name
    bad: list[str] = []
    for rel in REQUIRED:
        if not (root / rel).exists():
            bad.append(f"missing {rel}")
    if (root / "migrations/versions").is_dir():
        for rev in sorted((root / "migrations/versions").glob("*.py")):
            if not re.fullmatch(rf"{name}_\d{{4}}_\w+\.py", rev.name):
                bad.append(f"migration {rev.name} is not named {name}_NNNN_*.py")
    # barrels
    for rel, allowed_imports, allowed_defs in (("services/__init__.py", {"__future__"}, set()),
                                               ("schema/__init__.py", {"__future__", "tenon.core.contributions"},
                                                {"contribution"})):
        path = root / rel
        if not path.is_file():
            continue
        for node in _tree(path).body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                mod = node.module if isinstance(node, ast.ImportFrom) and not node.level else None
                if mod not in allowed_imports:
                    bad.append(f"{rel}:{node.lineno} re-exports (imports at top level)")
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if node.name not in allowed_defs:
                    bad.append(f"{rel}:{node.lineno} defines {node.name} (only {sorted(allowed_defs) or 'a docstring'})")
            elif isinstance(node, ast.Assign) and rel.startswith("services"):
                bad.append(f"{rel}:{node.lineno} assigns names (a docstring only)")
    # plugin.py: hooks only
    if (root / "plugin.py").is_file():
        for node in _tree(root / "plugin.py").body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("tenon_"):
                bad.append(f"plugin.py:{node.lineno} defines {node.name}, not a tenon_* hook implementation")
            elif isinstance(node, ast.ClassDef):
                bad.append(f"plugin.py:{node.lineno} defines class {node.name} (hook implementations only)")
    for path in _py(root):
        rel = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        tree = _tree(path)
        for node in ast.walk(tree):
            # strawberry only in schema/
            mods = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                    [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            if any(m.split(".")[0] == "strawberry" for m in mods) and not rel.startswith("schema/"):
                bad.append(f"{rel}:{node.lineno} imports strawberry outside schema/")
            # events defined only in events.py
            if isinstance(node, ast.ClassDef) and rel != "events.py":
                if any((isinstance(b, ast.Name) and b.id == "Event") or (isinstance(b, ast.Attribute) and b.attr == "Event")
                       for b in node.bases):
                    bad.append(f"{rel}:{node.lineno} defines event {node.name} outside events.py")
            # publish with a string event name
            if (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "publish"
                    and len(node.args) > 1 and isinstance(node.args[1], ast.Constant)):
                bad.append(f"{rel}:{node.lineno} publishes an event by name; publish the declared event class")
            # owned hooks only through app.hooks.ask/notify or a workflow
            if isinstance(node, ast.Attribute) and node.attr == "hook":
                bad.append(f"{rel}:{node.lineno} calls hooks through '.hook.'; use app.hooks.ask/notify or a workflow")
        del text
    # events.py: every Event subclass listed in EVENTS
    if (root / "events.py").is_file():
        tree = _tree(root / "events.py")
        declared = {n.name for n in tree.body if isinstance(n, ast.ClassDef) and not n.name.startswith("_")
                    and any(getattr(b, "id", getattr(b, "attr", "")) == "Event" or getattr(b, "id", "").startswith("_")
                            for b in n.bases)}
        listed: set[str] = set()
        for n in tree.body:
            if isinstance(n, ast.Assign) and any(getattr(t, "id", "") == "EVENTS" for t in n.targets):
                listed = {getattr(e, "id", "") for e in getattr(n.value, "elts", [])}
        for missing in sorted(declared - listed):
            bad.append(f"events.py: event {missing} is not in EVENTS")
    # hookspec names
    if (root / "hookspecs.py").is_file():
        tree = _tree(root / "hookspecs.py")
        specs = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
        if not specs and "none yet" not in (ast.get_docstring(tree) or ""):
            bad.append("hookspecs.py owns no hook but its docstring does not say 'none yet'")
        for spec in specs:
            if not spec.name.startswith(f"tenon_{name}_"):
                bad.append(f"hookspecs.py: {spec.name} is not named tenon_{name}_<entity>_<verb>")
            elif not (spec.name.endswith("ing") or is_past_tense(spec.name)):
                bad.append(f"hookspecs.py: {spec.name} ends neither in '…ing' (may veto) nor in a past tense")
    # web/: console page files only, declared through tenon_web_pages
    if (root / "web").is_dir():
        for f in sorted(p for p in (root / "web").rglob("*") if "__pycache__" not in p.parts):
            if f.is_dir() or f.suffix not in WEB_FILES:
                bad.append(f"web/{f.relative_to(root / 'web').as_posix()} is not a page file ({', '.join(WEB_FILES)})")
        hooks = {n.name for n in _tree(root / "plugin.py").body if isinstance(n, ast.FunctionDef)} \
            if (root / "plugin.py").is_file() else set()
        if "tenon_web_pages" not in hooks:
            bad.append("web/ exists but plugin.py does not implement tenon_web_pages")
    return bad


@pytest.mark.parametrize("name", bundled())
def test_every_bundled_plugin_has_the_one_shape(name):
    assert shape_violations(PLUGINS / name) == []


@pytest.mark.parametrize("name", bundled())
def test_every_plugins_public_api_is_explicit(name):
    """``__init__`` lists ``__all__``, and every name in it is importable."""
    import importlib

    mod = importlib.import_module(f"tenon.plugins.{name}")
    assert isinstance(getattr(mod, "__all__", None), list) and mod.__all__
    assert [n for n in mod.__all__ if not hasattr(mod, n)] == []


def test_every_workflow_is_declared_by_its_plugin(make_app):
    app = make_app()
    flows = app.hooks.workflows()
    assert {"stock.receipt", "stock.requisition", "stock.shipment", "stock.transfer", "stock.count",
            "orders.sales_order"} <= set(flows)


def _write(root: Path, rel: str, text: str = '"""Docstring."""\n') -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text, encoding="utf-8")


def test_the_shape_checks_catch_violations(tmp_path):
    """Each check, on a fake plugin ``fake`` that breaks it."""
    root = tmp_path / "fake"
    for rel in REQUIRED:
        if rel != "migrations/versions" and rel.endswith((".py", ".md", ".csv")):
            _write(root, rel)
    (root / "migrations/versions").mkdir(parents=True)
    assert shape_violations(root) == [
        "hookspecs.py owns no hook but its docstring does not say 'none yet'",
    ]
    _write(root, "hookspecs.py", '"""Hooks owned by fake: none yet."""\n')
    assert shape_violations(root) == []

    (root / "workflows.py").unlink()
    _write(root, "migrations/versions/0001_initial.py")
    _write(root, "services/__init__.py", '"""Doc."""\nfrom .orders import create_order\n')
    _write(root, "schema/__init__.py", '"""Doc."""\nfrom .types import OrderType\n\ndef helper():\n    pass\n')
    _write(root, "plugin.py", "from tenon import hookimpl\nHERE = 1\n\n@hookimpl\ndef tenon_models(app):\n    pass\n\n"
                              "def helper():\n    pass\n")
    _write(root, "services/orders.py", "import strawberry\nfrom tenon.core.events import Event, publish\n\n"
                                       "class OrderShipped(Event):\n    pass\n\n"
                                       "def ship(session, app):\n    publish(session, 'fake.order.shipped')\n"
                                       "    app.pm.hook.tenon_fake_order_shipped(session=session)\n")
    _write(root, "schema/queries.py", "import strawberry\n")  # fine: inside schema/
    _write(root, "events.py", "from tenon.core.events import Event\n\nclass OrderDone(Event):\n    pass\n\nEVENTS = ()\n")
    _write(root, "hookspecs.py", '"""Doc."""\n\ndef tenon_fake_order_ship(session):\n    pass\n\n'
                                 "def tenon_other_order_done(session):\n    pass\n\n"
                                 "def tenon_fake_order_confirming(session):\n    pass\n")
    assert shape_violations(root) == [
        "missing workflows.py",
        "migration 0001_initial.py is not named fake_NNNN_*.py",
        "services/__init__.py:2 re-exports (imports at top level)",
        "schema/__init__.py:2 re-exports (imports at top level)",
        "schema/__init__.py:4 defines helper (only ['contribution'])",
        "plugin.py:8 defines helper, not a tenon_* hook implementation",
        "services/orders.py:1 imports strawberry outside schema/",
        "services/orders.py:4 defines event OrderShipped outside events.py",
        "services/orders.py:8 publishes an event by name; publish the declared event class",
        "services/orders.py:9 calls hooks through '.hook.'; use app.hooks.ask/notify or a workflow",
        "events.py: event OrderDone is not in EVENTS",
        "hookspecs.py: tenon_fake_order_ship ends neither in '…ing' (may veto) nor in a past tense",
        "hookspecs.py: tenon_other_order_done is not named tenon_fake_<entity>_<verb>",
    ]


def test_the_shape_check_catches_a_web_folder_without_pages(tmp_path):
    root = tmp_path / "fake"
    for rel in REQUIRED:
        if rel != "migrations/versions" and rel.endswith((".py", ".md", ".csv")):
            _write(root, rel)
    (root / "migrations/versions").mkdir(parents=True)
    _write(root, "hookspecs.py", '"""Hooks owned by fake: none yet."""\n')
    _write(root, "web/board.js", "export default function mount(el) {}\n")
    _write(root, "web/secrets.py", "TOKEN = 1\n")
    assert shape_violations(root) == [
        "web/secrets.py is not a page file (.js, .css, .svg, .png)",
        "web/ exists but plugin.py does not implement tenon_web_pages",
    ]
    (root / "web/secrets.py").unlink()
    _write(root, "plugin.py", "from tenon import hookimpl\n\n@hookimpl\ndef tenon_web_pages(app):\n    return []\n")
    assert shape_violations(root) == []
