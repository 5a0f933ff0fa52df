"""The plugin contract is documented: every kernel hook says what it gets, when it runs, what it returns."""

from __future__ import annotations

import inspect

import pytest

from tenon.core import hookspecs
from tenon.core import plugins as plugmod


def kernel_specs() -> dict[str, object]:
    pm = plugmod.build_manager(plugmod.resolve(plugmod.discover(), [plugmod.KERNEL]))
    return {name: caller.spec for name, caller in vars(pm.hook).items() if caller.spec is not None}


def problems_of(name: str, spec) -> list[str]:
    """What is missing from a hook spec's documentation (empty: fine)."""
    doc = inspect.getdoc(spec.function) or ""
    out = []
    if not doc:
        return [f"{name}: no docstring"]
    for arg in (*spec.argnames, *spec.kwargnames):
        if f":param {arg}:" not in doc:
            out.append(f"{name}: argument {arg!r} not documented (':param {arg}:')")
    if "Called" not in doc:
        out.append(f"{name}: does not say when it is called ('Called ...')")
    if ":returns:" not in doc:
        out.append(f"{name}: does not say what it returns (':returns:')")
    if "Example::" not in doc:
        out.append(f"{name}: no 'Example::'")
    elif f"def {name}(" not in doc.split("Example::", 1)[1]:
        out.append(f"{name}: the example does not implement the hook ('def {name}(')")
    sig = inspect.signature(spec.function)
    untyped = [p for p in sig.parameters if sig.parameters[p].annotation is inspect.Parameter.empty]
    if untyped:
        out.append(f"{name}: untyped argument(s) {', '.join(untyped)}")
    if sig.return_annotation is inspect.Signature.empty:
        out.append(f"{name}: no return type")
    return out


def test_the_kernel_declares_its_hooks():
    names = set(kernel_specs())
    declared = {n for n, f in vars(hookspecs).items() if callable(f) and hasattr(f, "tenon_spec")}
    assert names == declared
    assert {"tenon_plugin_info", "tenon_models", "tenon_migrations", "tenon_graphql_contributions",
            "tenon_policies", "tenon_event_subscribers", "tenon_sequences", "tenon_cli_commands",
            "tenon_addhooks", "tenon_events", "tenon_row_scopes", "tenon_http_routes", "tenon_health"} <= names


@pytest.mark.parametrize("name", sorted(kernel_specs()))
def test_plugin_hooks_are_documented(name):
    """Like datasette's test: docstring with every ``:param x:``, when it is called, ``:returns:``, ``Example::``."""
    assert problems_of(name, kernel_specs()[name]) == []


def test_the_documentation_check_catches_an_undocumented_hook():
    """The checker itself: a spec with a bare docstring fails on every count."""
    import pluggy

    class Specs:
        @hookspecs.hookspec
        def tenon_thing(self, app, session):
            """Does a thing."""

    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(Specs)
    found = problems_of("tenon_thing", pm.hook.tenon_thing.spec)
    assert any("'app' not documented" in p for p in found)
    assert any("'session' not documented" in p for p in found)
    assert any("when it is called" in p for p in found)
    assert any(":returns:" in p for p in found)
    assert any("Example::" in p for p in found)
    assert any("untyped" in p for p in found)


def plugin_owned_specs() -> dict[str, object]:
    """Hooks the bundled plugins declare with ``tenon_addhooks``."""
    candidates = plugmod.discover()
    bundled = [n for n, c in candidates.items() if getattr(c.obj, "__name__", "").startswith("tenon.plugins.")]
    pm = plugmod.build_manager(plugmod.resolve(candidates, bundled))
    kernel = set(kernel_specs())
    return {name: caller.spec for name, caller in vars(pm.hook).items()
            if caller.spec is not None and name not in kernel}


def test_plugin_owned_hooks_are_documented_and_named_after_their_plugin():
    """The same rules for hooks a bundled plugin owns: ``tenon_<plugin>_<event>``, documented like the kernel's."""
    specs = plugin_owned_specs()
    problems = [p for name, spec in sorted(specs.items()) for p in problems_of(name, spec)]
    misnamed = []
    for name, spec in specs.items():
        module = getattr(spec.namespace, "__module__", None) or getattr(spec.namespace, "__name__", "")
        owner = module.split(".")[2] if module.startswith("tenon.plugins.") else module
        if not name.startswith(f"tenon_{owner}_"):
            misnamed.append(f"{name} (declared by {module})")
    assert problems == [] and misnamed == []


def test_plugin_owned_hooks_are_pre_steps_or_notifications():
    """The reaction rule's naming: an owned hook is a pre-step (``…ing``, called with ``ask``, may veto) or a
    past-tense notification (called with ``notify``); each kind says so in its docstring."""
    from tenon.core.events import is_past_tense

    wrong = []
    for name, spec in sorted(plugin_owned_specs().items()):
        doc = inspect.getdoc(spec.function) or ""
        if name.endswith("ing"):
            if "app.hooks.ask" not in doc:
                wrong.append(f"{name}: a pre-step hook whose docstring does not say it is called with app.hooks.ask")
        elif is_past_tense(name):
            if "app.hooks.notify" not in doc:
                wrong.append(f"{name}: a notification whose docstring does not say it is called with app.hooks.notify")
        else:
            wrong.append(f"{name}: neither a pre-step ('…ing') nor a past tense")
    assert wrong == []
    assert {"tenon_stock_shipment_confirming", "tenon_stock_shipment_done", "tenon_orders_sales_order_confirming",
            "tenon_orders_sales_order_confirmed", "tenon_orders_sales_order_cancelling",
            "tenon_orders_sales_order_state_changed"} <= set(plugin_owned_specs())


def test_the_phase_banners_name_the_phases_of_the_hooks_under_them():
    """Each banner in hookspecs.py is followed only by hooks of that phase."""
    source = inspect.getsource(hookspecs)
    phases = {"Registration": {"tenon_addhooks", "tenon_plugin_info"},
              "Composition": {"tenon_models", "tenon_migrations", "tenon_graphql_contributions", "tenon_row_scopes",
                              "tenon_events", "tenon_workflows", "tenon_event_subscribers", "tenon_cli_commands",
                              "tenon_http_routes", "tenon_custom_entities", "tenon_custom_field_store",
                              "tenon_config_kinds"},
              "Install": {"tenon_policies", "tenon_sequences", "tenon_demo_data", "tenon_plugin_uninstalling"},
              "Runtime": {"tenon_health", "tenon_health_findings", "tenon_web_pages", "tenon_services"}}
    found: dict[str, set[str]] = {}
    current = None
    for line in source.splitlines():
        if line.startswith("# ") and " hooks" in line:
            current = line[2:].split(" hooks", 1)[0]
        elif line.startswith("def tenon_") and current:
            found.setdefault(current, set()).add(line[4:].split("(", 1)[0])
    assert found == phases
