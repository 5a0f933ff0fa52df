"""Schema composition: plugins' root fields merge, collisions fail naming both, and a plugin can
add a field to another plugin's type without touching it, per app."""

from __future__ import annotations

import pytest
import strawberry

from tenon import PluginInfo, hookimpl
from tenon.core.contributions import SchemaContribution
from tenon.core.errors import PluginError
from tenon.core.kernel import Tenon
from tenon.core.site import Site
from tenon.graphql.compose import build_schema
from tenon.graphql.permissions import allowed


@strawberry.type(description="A machine.")
class Machine:
    code: str = strawberry.field(description="Machine code.")


@strawberry.type
class MachineQuery:
    @strawberry.field(description="Machines.", extensions=allowed("machines.machine", "read"))
    def machines(self) -> list[Machine]:
        return [Machine(code="CNC-07")]


@strawberry.type
class OtherMachineQuery:
    @strawberry.field(description="Also machines.", extensions=allowed("clash.machine", "read"))
    def machines(self) -> list[str]:
        return []


def machine_hours(root: Machine) -> int:
    return 42


def plugin(name, contribution, depends=()):
    class P:
        __name__ = f"{name}_plugin"

        @hookimpl
        def tenon_plugin_info(self):
            return PluginInfo(name=name, version="0.1.0", depends=depends)

        @hookimpl
        def tenon_graphql_contributions(self, app):
            return contribution

    return P()


MACHINES = plugin("machines", SchemaContribution(query=MachineQuery))
HOURS = plugin("hours", SchemaContribution(extend={"Machine": [
    strawberry.field(resolver=machine_hours, name="hours", description="Running hours.")]}), depends=("machines",))


def app_with(tmp_path, *plugins):
    site = Site.create(tmp_path / f"site-{len(list(tmp_path.iterdir()))}")
    return Tenon(site, plugins=[p.tenon_plugin_info().name for p in plugins], extra_plugins=plugins)


def test_duplicate_root_field_names_both_plugins(tmp_path):
    clash = plugin("clash", SchemaContribution(query=OtherMachineQuery))
    with pytest.raises(PluginError, match=r"Query\.machines is contributed by both 'machines' and 'clash'"):
        build_schema(app_with(tmp_path, MACHINES, clash))


@strawberry.type(name="Machine", description="Another plugin's machine type, same GraphQL name.")
class OtherMachine:
    serial: str = strawberry.field(description="Serial.")


@strawberry.type
class OtherMachinesQuery:
    @strawberry.field(description="Other machines.", extensions=allowed("dup.machine", "read"))
    def other_machines(self) -> list[OtherMachine]:
        return []


def test_duplicate_type_name_fails_at_startup(tmp_path):
    dup = plugin("dup", SchemaContribution(query=OtherMachinesQuery))
    with pytest.raises(PluginError, match="composition failed.*Machine"):
        build_schema(app_with(tmp_path, MACHINES, dup))


def test_extension_field_is_per_app(tmp_path):
    with_hours = build_schema(app_with(tmp_path, MACHINES, HOURS))
    without = build_schema(app_with(tmp_path, MACHINES))
    assert "hours" in with_hours._schema.type_map["Machine"].fields
    assert "hours" not in without._schema.type_map["Machine"].fields, "nothing global was patched"
    assert with_hours._schema.type_map["Machine"].fields["hours"].description == "Running hours."


def test_extension_of_an_existing_field_or_a_missing_type_is_refused(tmp_path):
    def code(root: Machine) -> str:
        return "x"

    again = plugin("again", SchemaContribution(extend={"Machine": [strawberry.field(resolver=code, description="d")]}),
                   depends=("machines",))
    with pytest.raises(PluginError, match=r"'again' adds field Machine\.code, which already exists"):
        build_schema(app_with(tmp_path, MACHINES, again))

    orphan = plugin("orphan", SchemaContribution(extend={"WorkOrder": [
        strawberry.field(resolver=machine_hours, description="d")]}))
    with pytest.raises(PluginError, match="orphan extend GraphQL type.*WorkOrder"):
        build_schema(app_with(tmp_path, MACHINES, orphan))
