"""Uninstall removes users' assignments to roles that only the removed plugin granted."""

from __future__ import annotations

from sqlalchemy import select

from tenon import PluginInfo, hookimpl
from tenon.core.installer import install, uninstall
from tenon.core.models import CasbinRule
from tenon.core.testing import create_user


class Gauges:
    __name__ = "gauges_plugin"

    @hookimpl
    def tenon_plugin_info(self):
        return PluginInfo(name="gauges", version="0.1.0")

    @hookimpl
    def tenon_policies(self, app):
        return [("p", "metrologist", "gauges.gauge", "read", "*"), ("p", "inspector", "gauges.gauge", "read", "*")]


class Fixtures:
    __name__ = "fixtures_plugin"

    @hookimpl
    def tenon_plugin_info(self):
        return PluginInfo(name="fixtures", version="0.1.0")

    @hookimpl
    def tenon_policies(self, app):
        return [("p", "inspector", "fixtures.fixture", "read", "*")]


def grouping(app) -> set[tuple[str, str]]:
    with app.transaction() as s:
        return {(r.v0, r.v1) for r in s.scalars(select(CasbinRule).where(CasbinRule.ptype == "g"))}


def test_role_assignments_follow_the_roles_that_remain(make_app):
    """Both plugins grant `inspector`; only gauges grants `metrologist`. Removing gauges drops the
    metrologist assignment (nothing grants that role any more) and keeps the inspector one."""
    app = make_app(plugins=[], extra_plugins=[Gauges(), Fixtures()])
    install(app, ["gauges", "fixtures"])
    create_user(app, "mia", roles=["metrologist", "inspector"])
    assert {("user:mia", "metrologist"), ("user:mia", "inspector")} <= grouping(app)

    uninstall(app, "gauges")

    assert ("user:mia", "metrologist") not in grouping(app)
    assert {("user:mia", "inspector"), ("user:mia", "user")} <= grouping(app)
