"""The reaction rule, read from the source: in-transaction reactions and vetoes are owned hooks called through
``app.hooks.ask``/``notify``; after-commit reactions are declared events.

* Only the hook facade (``tenon/core/hooks.py``) and the loader (``tenon/core/plugins.py``) touch pluggy's
  relay (``.hook``) or walk ``get_hookimpls()``.
* The workflow primitive (``tenon/core/workflow.py``) calls the hooks a plugin's declared workflows name;
  ``app.hooks.workflows()`` checks at load that each is the plugin's own and declared.
* A plugin asks/notifies only hooks it owns (``tenon_<plugin>_…``), ``ask`` for ``…ing`` hooks and
  ``notify`` for past-tense ones, and every one it calls is declared in its ``hookspecs.py``.
* ``publish`` gets an event instance, never a name string; no ``Subscriber(..., after_commit=...)``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import tenon
from tenon.core.events import is_past_tense

TENON = Path(tenon.__file__).parent
FACADE = {TENON / "core" / "hooks.py", TENON / "core" / "plugins.py"}
WORKFLOW = TENON / "core" / "workflow.py"


def sources() -> list[Path]:
    return sorted(p for p in TENON.rglob("*.py") if "migrations" not in p.parts)


def calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


def rel(path: Path) -> str:
    return str(path.relative_to(TENON.parent))


def test_only_the_facade_touches_the_pluggy_relay():
    found = []
    for path in sources():
        if path in FACADE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("hook", "get_hookimpls", "call"):
                if node.attr != "call" or (isinstance(node.value, ast.Name) and node.value.id == "app"):
                    found.append(f"{rel(path)}:{node.lineno}: .{node.attr}")
    assert found == []


def owned_hook_calls() -> list[tuple[Path, int, str, str]]:
    out = []
    for path in sources():
        for call in calls(path):
            func = call.func
            if isinstance(func, ast.Attribute) and func.attr in ("ask", "notify") and (
                    isinstance(func.value, ast.Attribute) and func.value.attr == "hooks"
                    or isinstance(func.value, ast.Name) and func.value.id == "hooks"):
                first = call.args[0] if call.args else None
                name = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else "?"
                out.append((path, call.lineno, func.attr, name))
            # a workflow declaration names the hooks Workflow.apply asks (before) and notifies (after, changed)
            callee = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            for kw in call.keywords if callee in ("Transition", "Workflow") else ():
                if kw.arg in ("before", "after", "changed") and isinstance(kw.value, ast.Constant):
                    out.append((path, call.lineno, "ask" if kw.arg == "before" else "notify", kw.value.value))
    return out


def test_plugins_ask_and_notify_only_their_own_declared_hooks_by_name():
    found = owned_hook_calls()
    assert {n for _p, _l, _k, n in found} >= {"tenon_stock_shipment_confirming", "tenon_stock_shipment_done",
                                              "tenon_orders_sales_order_confirming"}
    wrong = []
    for path, line, kind, name in found:
        where = f"{rel(path)}:{line}"
        parts = path.relative_to(TENON).parts
        if path == WORKFLOW:
            continue  # calls the hooks a plugin's workflows name; app.hooks.workflows() checks them at load
        if parts[0] != "plugins":
            wrong.append(f"{where}: the kernel calls owned hook {name}")
            continue
        plugin = parts[1]
        specs = (TENON / "plugins" / plugin / "hookspecs.py").read_text(encoding="utf-8")
        if not name.startswith(f"tenon_{plugin}_"):
            wrong.append(f"{where}: {plugin} calls {name!r}, which it does not own")
        elif f"def {name}(" not in specs:
            wrong.append(f"{where}: {name} is not declared in {plugin}/hookspecs.py")
        if kind == "ask" and not name.endswith("ing"):
            wrong.append(f"{where}: ask({name!r}) for a hook not named '…ing'")
        if kind == "notify" and not is_past_tense(name):
            wrong.append(f"{where}: notify({name!r}) for a hook not named in the past tense")
    assert wrong == []


def test_events_are_published_as_declared_instances_and_subscribed_after_commit():
    wrong = []
    for path in sources():
        for call in calls(path):
            name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
            if name == "publish" and len(call.args) >= 2 and isinstance(call.args[1], ast.Constant):
                wrong.append(f"{rel(path)}:{call.lineno}: publish() with a name string")
            if name == "Subscriber" and any(k.arg == "after_commit" for k in call.keywords):
                wrong.append(f"{rel(path)}:{call.lineno}: Subscriber(after_commit=...)")
    assert wrong == []


@pytest.mark.parametrize("plugin", ["stock", "orders"])
def test_a_plugin_that_publishes_declares_its_events(plugin):
    root = TENON / "plugins" / plugin
    publishes = any(
        (call.func.id if isinstance(call.func, ast.Name) else "") == "publish"
        or ((call.func.id if isinstance(call.func, ast.Name) else "") == "Workflow"
            and any(k.arg == "event" for k in call.keywords))  # Workflow.apply publishes event(change)
        for path in root.rglob("*.py") for call in calls(path))
    assert publishes and (root / "events.py").is_file()
    assert "def tenon_events(" in (root / "plugin.py").read_text(encoding="utf-8")
