"""Roles x operations through the HTTP API, and a contract: every root field declares its access.

Roles (``scopeplug/policies.csv``): ``scoped_rep`` (user ``rep_east``, regions east) reads and updates within
its region; ``manager`` does everything; ``viewer`` reads everything and changes nothing; ``outsider`` has no
line for scopeplug objects. Every operation below targets an east record, so the rep is allowed all of them.
Allowed: the operation answers data (and a mutation's change is visible to the manager afterwards).
Denied: ``FORBIDDEN`` at the root field, and the manager reads the record unchanged.
"""

from decimal import Decimal

import pytest
import strawberry
from scopeplug import plugin
from scopeplug.testdata import (
    CUSTOMER,
    CUSTOMER_RENAME,
    CUSTOMERS,
    ITEMS,
    ORDER,
    ORDER_STATS,
    ORDER_UPDATE,
    ORDERS,
    ScopeSite,
)

from tenon.core.contributions import SchemaContribution
from tenon.graphql.compose import build_schema
from tenon.graphql.permissions import Access, Public, allowed

USER_OF_ROLE = {"scoped_rep": "rep_east", "manager": "manager", "viewer": "viewer", "outsider": "outsider"}

# operation -> (document, variables builder, root field)
READS = {
    "customers": (CUSTOMERS, lambda ids: None, "customers"),
    "customer": (CUSTOMER, lambda ids: {"id": ids["C-E1"]}, "customer"),
    "items": (ITEMS, lambda ids: None, "items"),
    "orders": (ORDERS, lambda ids: None, "orders"),
    "order": (ORDER, lambda ids: {"id": ids["O-E1"]}, "order"),
    "orderStats": (ORDER_STATS, lambda ids: None, "orderStats"),
}
WRITES = {
    "orderUpdate": (ORDER_UPDATE, lambda ids: {"i": {"id": ids["O-E1"], "amount": "123"}}, "orderUpdate"),
    "customerRename": (CUSTOMER_RENAME, lambda ids: {"i": {"id": ids["C-E1"], "name": "Renamed"}}, "customerRename"),
}
ALLOWED = {
    "scoped_rep": set(READS) | set(WRITES),
    "manager": set(READS) | set(WRITES),
    "viewer": set(READS),
    "outsider": set(),
}


def east_state(site):
    """What the manager sees of the records the writes target: (O-E1 amount, C-E1 name)."""
    return site.order_numbers()["O-E1"], site.customer_names()["C-E1"]


@pytest.mark.parametrize("role", sorted(USER_OF_ROLE))
@pytest.mark.parametrize("operation", sorted(READS) + sorted(WRITES))
def test_role_operation(make_app, make_client, role, operation):
    site = ScopeSite(make_app, make_client, names=sorted({USER_OF_ROLE[role], "manager"}))
    document, variables, field = {**READS, **WRITES}[operation]
    client = site[USER_OF_ROLE[role]]
    before = east_state(site)
    if operation in ALLOWED[role]:
        data = client.ok(document, variables(site.ids))
        assert data[field] is not None
        if operation == "orderUpdate":
            assert east_state(site) == (Decimal(123), "East One")
        elif operation == "customerRename":
            assert east_state(site) == (Decimal(100), "Renamed")
        else:
            assert east_state(site) == before
    else:
        err = client.error(document, variables(site.ids))
        assert err["extensions"]["code"] == "FORBIDDEN"
        assert err["path"] == [field]
        assert east_state(site) == before == (Decimal(100), "East One")


# ----------------------------------------------------------------------------- contract: access declared


def undeclared_root_fields(schema) -> list[str]:
    """Root Query/Mutation/Subscription fields without an ``Access``, ``Public`` or ``Authenticated`` extension."""
    missing = []
    for kind, root in (("Query", schema.query), ("Mutation", schema.mutation), ("Subscription", schema.subscription)):
        if root is None:
            continue
        for field in root.__strawberry_definition__.fields:
            if not any(isinstance(ext, (Access, Public)) for ext in field.extensions):  # Authenticated is a Public
                missing.append(f"{kind}.{field.graphql_name or field.python_name}")
    return missing


def test_every_root_field_of_the_installed_plugins_declares_access(make_app):
    """All installed plugins (whatever exists) plus the kernel: no root field is left open by accident."""
    schema = build_schema(make_app(plugins=None))
    assert schema.query is not None and schema.query.__strawberry_definition__.fields
    assert undeclared_root_fields(schema) == []


def test_every_root_field_of_scopeplug_declares_access(make_app):
    schema = build_schema(make_app(plugins=["scopeplug"], extra_plugins=[plugin]))
    names = {f.python_name for f in schema.query.__strawberry_definition__.fields}
    assert {"customers", "orders", "order_stats"} <= names
    assert undeclared_root_fields(schema) == []


def test_the_contract_check_catches_an_open_field(make_app):
    """The checker itself: a contribution with one undeclared query and one undeclared mutation is reported."""

    @strawberry.type
    class LeakyQuery:
        @strawberry.field(description="Declared.", extensions=allowed("leaky.thing", "read"))
        def guarded(self) -> int:
            return 1

        @strawberry.field(description="Forgot its access.")
        def leaky(self) -> int:
            return 2

    @strawberry.type
    class LeakyMutation:
        @strawberry.mutation(description="Forgot its access.")
        def leaky_write(self) -> int:
            return 3

    app = make_app(plugins=[])
    schema = build_schema(app, contributions=[("leaky", SchemaContribution(query=LeakyQuery, mutation=LeakyMutation))])
    assert undeclared_root_fields(schema) == ["Query.leaky", "Mutation.leaky_write"]


def test_scopeplug_migration_matches_its_models(make_app):
    """The test plugin's own migration (made with the kernel's revision flow) has no drift on this backend."""
    from tenon.core.migrate import drift

    assert drift(make_app(plugins=["scopeplug"], extra_plugins=[plugin]), ["scopeplug"]) == []


def test_scopeplug_schema_is_documented(make_app):
    """The test plugin follows the rules it tests: every type, field and argument has a description."""
    from graphql import GraphQLInputObjectType, GraphQLObjectType

    schema = build_schema(make_app(plugins=["scopeplug"], extra_plugins=[plugin]))._schema
    missing = []
    for name in ("Customer", "Order", "Item", "OrderStats", "OrderUpdateInput", "CustomerRenameInput",
                 "CustomerConnection", "Query", "Mutation"):
        gtype = schema.type_map[name]
        assert isinstance(gtype, (GraphQLObjectType, GraphQLInputObjectType))
        if name not in ("Query", "Mutation") and not gtype.description:
            missing.append(f"type {name}")
        for fname, field in gtype.fields.items():
            if not field.description:
                missing.append(f"{name}.{fname}")
            missing += [f"{name}.{fname}({a})" for a, arg in getattr(field, "args", {}).items() if not arg.description]
    assert not missing, "undocumented: " + ", ".join(missing)
