"""Schema composition: plugins' root fields merge, collisions fail naming both, and a plugin can
add a field to another plugin's type without touching it, per app."""

from __future__ import annotations

from typing import Any

import pytest
import strawberry
from graphql import GraphQLResolveInfo, graphql_sync
from strawberry.types import Info

from tenon import PluginInfo, hookimpl
from tenon.core.contributions import SchemaContribution
from tenon.core.errors import PluginError
from tenon.core.kernel import Tenon
from tenon.core.site import Site
from tenon.graphql.compose import build_schema
from tenon.graphql.permissions import allowed
from tenon.graphql.prefetch import direct


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


@strawberry.type(description="A press with a direct nested field.")
class Press:
    code: str = strawberry.field(description="Press code.")

    @strawberry.field(description="Label, computed from the operation context alone.")
    @direct
    def label(self, info: Info) -> str:
        info.context.infos.append(type(info))
        return f"{self.code}@{info.context.site_name}"


@strawberry.type
class PressQuery:
    @strawberry.field(description="Presses.")
    def presses(self) -> list[Press]:
        return [Press(code="P-1"), Press(code="P-2")]


class _Context:
    site_name = "plant-1"

    def __init__(self) -> None:
        self.infos: list[type] = []


def test_a_direct_resolver_is_called_by_graphql_core_with_the_operation_context(tmp_path):
    schema = build_schema(app_with(tmp_path, plugin("presses", SchemaContribution(query=PressQuery))))
    assert schema.direct_fields == ["Press.label"]
    # graphql-core itself, with no strawberry Info in between: the resolver reads info.context
    context = _Context()
    result = graphql_sync(schema._schema, "{ presses { code label } }", context_value=context)
    assert result.errors is None
    assert context.infos == [GraphQLResolveInfo, GraphQLResolveInfo], "no strawberry Info was built"
    assert result.data == {"presses": [{"code": "P-1", "label": "P-1@plant-1"},
                                       {"code": "P-2", "label": "P-2@plant-1"}]}


@direct
def _guarded_label(root: Any, info: Info) -> str:
    return "x"


@direct
def _label_with_argument(root: Any, info: Info, prefix: str = "") -> str:
    return prefix


@strawberry.type(name="Press", description="A press whose label is guarded by a permission.")
class GuardedPress:
    label: str = strawberry.field(resolver=_guarded_label, description="Label.",
                                  extensions=allowed("presses.label", "read"))


@strawberry.type(name="Press", description="A press whose label takes an argument.")
class ArgumentPress:
    label: str = strawberry.field(resolver=_label_with_argument, description="Label.")


@strawberry.type
class GuardedPressQuery:
    @strawberry.field(description="Presses.")
    def presses(self) -> list[GuardedPress]:
        return []


@strawberry.type
class ArgumentPressQuery:
    @strawberry.field(description="Presses.")
    def presses(self) -> list[ArgumentPress]:
        return []


@pytest.mark.parametrize(("query", "why"), [
    # graphql-core would skip the field's permission check and pass arguments unconverted
    (GuardedPressQuery, "a direct resolver carries no field extensions or permissions"),
    (ArgumentPressQuery, "a direct resolver takes no arguments"),
])
def test_a_direct_resolver_that_graphql_core_cannot_call_as_is_fails_at_startup(tmp_path, query, why):
    with pytest.raises(PluginError, match=rf"composition failed: Press\.label: {why}"):
        build_schema(app_with(tmp_path, plugin("presses", SchemaContribution(query=query))))
