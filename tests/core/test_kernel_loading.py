"""Loading a plugin set: every refusal is one ``PluginError`` naming the plugin; one manager per app."""

from __future__ import annotations

import pluggy
import pytest
from sqlalchemy import update

from tenon import __version__ as tenon_version
from tenon.core import plugins as plugmod
from tenon.core.errors import PluginError
from tenon.core.hookspecs import hookimpl, hookspec
from tenon.core.kernel import Tenon
from tenon.core.models import InstalledPlugin
from tenon.core.site import Site


def load(tmp_path, plugins, extra):
    """Open a site (never installed: only the loader runs) with ``plugins`` out of ``extra``."""
    return Tenon(Site.create(tmp_path / "site"), plugins=plugins, extra_plugins=extra)


def refused(tmp_path, plugins, extra) -> str:
    with pytest.raises(PluginError) as exc:
        load(tmp_path, plugins, extra)
    message = str(exc.value)
    assert "\n" not in message, message
    assert exc.value.code == "PLUGIN_ERROR"
    return message


def test_a_plugin_set_loads_in_dependency_order(tmp_path, make_plugin):
    """c depends on b, b on a: whatever order they are asked for, the kernel comes first, then a, b, c."""
    a = make_plugin("a")
    b = make_plugin("b", depends=("a>=0.1",))
    c = make_plugin("c", depends=("b",))
    app = load(tmp_path, ["c"], [c, a, b])
    assert list(app.plugins) == ["core", "a", "b", "c"]
    assert [impl.plugin_name for impl in app.pm.hook.tenon_plugin_info.get_hookimpls()][:1] == ["core"]


def test_missing_dependency_names_both_plugins(tmp_path, make_plugin):
    needy = make_plugin("needy", depends=("ghost>=1.0",))
    message = refused(tmp_path, ["needy"], [needy])
    assert message == ("plugin 'needy' depends on 'ghost', which is not available "
                       "(install the package that provides it)")


def test_a_dependency_cycle_is_refused_with_the_cycle(tmp_path, make_plugin):
    a = make_plugin("a", depends=("c",))
    b = make_plugin("b", depends=("a",))
    c = make_plugin("c", depends=("b",))
    message = refused(tmp_path, ["a"], [a, b, c])
    assert message == "dependency cycle between plugins: a -> c -> b -> a"


def test_a_plugin_depending_on_itself_is_a_cycle(tmp_path, make_plugin):
    narcissus = make_plugin("narcissus", depends=("narcissus",))
    assert refused(tmp_path, ["narcissus"], [narcissus]) == "dependency cycle between plugins: narcissus -> narcissus"


def test_duplicate_plugin_names_are_refused(tmp_path, make_plugin):
    first = make_plugin("twin", label="twin_one")
    second = make_plugin("twin", label="twin_two")
    message = refused(tmp_path, [], [first, second])
    assert message.startswith("duplicate plugin name 'twin': provided by object tenon_testplugin_twin_one")
    assert "object tenon_testplugin_twin_two" in message


def test_a_plugin_may_not_reuse_a_bundled_or_kernel_name(tmp_path, make_plugin):
    """A third-party ``core`` would replace the kernel: refused like any duplicate."""
    assert refused(tmp_path, [], [make_plugin("core", label="fake_core")]).startswith("duplicate plugin name 'core'")


@pytest.mark.parametrize("decorate", [True, False], ids=["decorated", "undecorated"])
def test_a_misspelt_hook_is_refused(tmp_path, make_plugin, decorate):
    """``tenon_modles`` (sic) is not a hook: with or without ``@hookimpl`` it fails at load, naming plugin and hook."""
    typo = make_plugin("typo", decorate=decorate, tenon_modles=lambda app: [])
    assert refused(tmp_path, ["typo"], [typo]) == "plugin 'typo' implements unknown hook 'tenon_modles'"


def test_a_misspelt_hook_on_a_class_based_plugin_is_refused(tmp_path):
    class Typo:
        @staticmethod
        def tenon_plugin_info():
            return plugmod.PluginInfo(name="classy", version="1.0")

        def tenon_helth(self, app):  # sic
            return {"ok": True}

    assert refused(tmp_path, ["classy"], [Typo()]) == "plugin 'classy' implements unknown hook 'tenon_helth'"


def test_a_hook_with_a_wrong_argument_is_refused(tmp_path, make_plugin):
    """An implementation asking for an argument the hook does not give fails at load, naming the plugin."""
    wrong = make_plugin("wrong", tenon_models=lambda app, session: [])
    message = refused(tmp_path, ["wrong"], [wrong])
    assert message.startswith("plugin 'wrong'") and "session" in message


def test_a_dependency_version_that_is_not_met_is_refused(tmp_path, make_plugin):
    x = make_plugin("x", version="0.3.0")
    y = make_plugin("y", depends=("x>=9",))
    assert refused(tmp_path, ["y"], [x, y]) == "plugin 'y' requires x>=9, but x 0.3.0 is available"


def test_a_plugin_needing_another_kernel_version_is_refused(tmp_path, make_plugin):
    future = make_plugin("future", version="2.0.0", requires_tenon=">=99")
    message = refused(tmp_path, ["future"], [future])
    assert message == f"plugin 'future' 2.0.0 requires tenon >=99, but this is tenon {tenon_version}"


def test_a_plugin_accepting_this_kernel_loads(tmp_path, make_plugin):
    ok = make_plugin("ok", requires_tenon=f">={tenon_version}")
    assert "ok" in load(tmp_path, ["ok"], [ok]).plugins


def test_an_unknown_plugin_is_refused_with_what_is_available(tmp_path):
    message = refused(tmp_path, ["nosuch"], [])
    assert message.startswith("unknown plugin 'nosuch'; available: ") and "core" in message


def test_invalid_plugin_info_is_refused(tmp_path, make_plugin):
    bad_version = make_plugin("badver", version="not a version")
    assert refused(tmp_path, ["badver"], [bad_version]) == "plugin 'badver': invalid version 'not a version'"
    for bad_name in ("Hello", "hello-world", "9lives", "x" * 33, ""):
        message = refused(tmp_path, [], [make_plugin(bad_name, label=f"badname{len(bad_name)}{bad_name[:1]}")])
        assert message.startswith(f"plugin {bad_name!r}: invalid name")
    bad_dep = make_plugin("baddep", depends=("stock >>> 1",))
    assert refused(tmp_path, ["baddep"], [bad_dep]).startswith("plugin 'baddep': invalid dependency 'stock >>> 1'")


def test_a_site_recording_a_newer_version_than_the_code_is_refused(make_app, make_plugin):
    """The database says 0.2.0 was installed; the code is 0.1.0: opening the site fails (no silent downgrade)."""
    shop = make_plugin("shop")
    app = make_app(plugins=["shop"], extra_plugins=[shop])
    with app.transaction() as s:
        s.execute(update(InstalledPlugin).where(InstalledPlugin.name == "shop").values(version="0.2.0"))
    with pytest.raises(PluginError) as exc:
        Tenon(app.site, extra_plugins=[shop])
    assert str(exc.value) == ("plugin 'shop' is installed at version 0.2.0 but the code is 0.1.0; "
                              "install the newer package (downgrades are not supported)")
    # an older record (an upgrade pending) is fine
    with app.transaction() as s:
        s.execute(update(InstalledPlugin).where(InstalledPlugin.name == "shop").values(version="0.0.9"))
    assert Tenon(app.site, extra_plugins=[shop]).has_plugin("shop")


# --------------------------------------------------------------------------- optional integrations


class OwnerSpecs:
    """The hooks plugin ``owner`` declares."""

    @hookspec
    def tenon_owner_pricing(self, amount):  # noqa: D102 - a test spec
        """Called when owner prices something."""


def _owner(make_plugin):
    def tenon_addhooks(pm: pluggy.PluginManager) -> None:
        pm.add_hookspecs(OwnerSpecs)

    return make_plugin("owner", tenon_addhooks=tenon_addhooks)


def _integration(make_plugin):
    @hookimpl(optionalhook=True)
    def tenon_owner_pricing(amount):
        return amount * 2

    return make_plugin("integration", optional=("owner",), tenon_owner_pricing=tenon_owner_pricing)


def test_an_optional_integration_loads_without_the_other_plugin(tmp_path, make_plugin):
    app = load(tmp_path, ["integration"], [_integration(make_plugin), _owner(make_plugin)])
    assert list(app.plugins) == ["core", "integration"]


def test_an_optional_integration_is_called_when_the_other_plugin_is_there(tmp_path, make_plugin):
    """Registered before or after the plugin declaring the hook, the integration is validated and called."""
    for order in (["integration", "owner"], ["owner", "integration"]):
        app = load(tmp_path, order, [_integration(make_plugin), _owner(make_plugin)])
        assert app.hooks.ask("tenon_owner_pricing", amount=21) == [42]


def test_a_non_optional_implementation_of_an_absent_plugins_hook_is_refused(tmp_path, make_plugin):
    eager = make_plugin("eager", tenon_owner_pricing=lambda amount: amount)
    assert refused(tmp_path, ["eager"], [eager]) == "plugin 'eager' implements unknown hook 'tenon_owner_pricing'"


# --------------------------------------------------------------------------- one manager per app


def test_each_app_has_its_own_plugin_manager(tmp_path, make_plugin):
    """Two apps in one process with different plugin sets see different hooks; nothing leaks between them."""
    red = make_plugin("red", tenon_health=lambda app: {"ok": True, "colour": "red"})
    blue = make_plugin("blue", tenon_health=lambda app: {"ok": True, "colour": "blue"})
    app_red = Tenon(Site.create(tmp_path / "red"), plugins=["red"], extra_plugins=[red, blue])
    app_blue = Tenon(Site.create(tmp_path / "blue"), plugins=["blue"], extra_plugins=[red, blue])
    bare = Tenon(Site.create(tmp_path / "bare"), plugins=[], extra_plugins=[red, blue])

    assert app_red.pm is not app_blue.pm
    assert app_red.hooks.health() == {"red": {"ok": True, "colour": "red"}}
    assert app_blue.hooks.health() == {"blue": {"ok": True, "colour": "blue"}}
    assert bare.hooks.health() == {}
    assert list(bare.plugins) == ["core"]  # bundled entry points are available, not loaded
    assert {"red", "blue"} <= set(bare.candidates)

    # reloading one app changes nothing in the other
    app_red.load(["red", "blue"])
    assert list(app_red.hooks.health()) == ["red", "blue"]
    assert app_blue.hooks.health() == {"blue": {"ok": True, "colour": "blue"}}


def test_build_manager_makes_a_new_manager_each_time(make_plugin):
    red = make_plugin("red")
    candidates = plugmod.discover([red])
    first = plugmod.build_manager(plugmod.resolve(candidates, ["red"]))
    second = plugmod.build_manager(plugmod.resolve(candidates, ["core"]))
    assert first is not second
    assert first.has_plugin("red") and not second.has_plugin("red")
