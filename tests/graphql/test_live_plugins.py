"""A running server follows `tenon plugins install/uninstall` made elsewhere (another process, the
CLI): from the next request on, the new plugin's fields answer, and after uninstall they are gone."""

from __future__ import annotations

import strawberry

from tenon import PluginInfo, hookimpl
from tenon.core.contributions import SchemaContribution
from tenon.core.installer import install, uninstall
from tenon.core.kernel import Tenon
from tenon.core.testing import create_user
from tenon.graphql.permissions import allowed


@strawberry.type
class ShiftQuery:
    @strawberry.field(description="The current shift.", extensions=allowed("shifts.shift", "read"))
    def current_shift(self) -> str:
        return "B"


class Shifts:
    __name__ = "shifts_plugin"

    @hookimpl
    def tenon_plugin_info(self):
        return PluginInfo(name="shifts", version="0.1.0")

    @hookimpl
    def tenon_graphql_contributions(self, app):
        return SchemaContribution(query=ShiftQuery)


SHIFT = "{ currentShift }"


def test_running_server_follows_install_and_uninstall(make_app, make_client):
    app = make_app(plugins=[], extra_plugins=[Shifts()], settings={"api": {"plugin_check_seconds": 0}})
    admin = make_client(app, create_user(app, "root", roles=["admin"]))
    assert admin.error(SHIFT)["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

    elsewhere = Tenon(app.site, extra_plugins=[Shifts()])  # e.g. `tenon plugins install` in a shell
    install(elsewhere, ["shifts"])
    assert admin.ok(SHIFT) == {"currentShift": "B"}
    assert admin.ok("{ __type(name: \"Query\") { fields { name } } }")["__type"]["fields"].count(
        {"name": "currentShift"}) == 1

    uninstall(elsewhere, "shifts")
    assert admin.error(SHIFT)["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    elsewhere.dispose()
