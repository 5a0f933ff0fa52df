"""The checked-in SDL is current, and the schema is documented: clients generate code from it."""

from __future__ import annotations

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType, GraphQLScalarType

from tenon.graphql.cli import SCHEMA_PATH, bundle_sdl
from tenon.graphql.compose import build_schema

BUILTIN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}


def test_schema_graphql_is_up_to_date():
    assert SCHEMA_PATH.read_text(encoding="utf-8") == bundle_sdl(), (
        "tenon/graphql/schema.graphql is stale: run `tenon dev schema --write`"
    )


def test_every_type_field_and_argument_has_a_description(make_app):
    schema = build_schema(make_app(plugins=None))._schema
    missing = []
    for name, gtype in schema.type_map.items():
        if name.startswith("__") or name in BUILTIN_SCALARS:
            continue
        if name not in ("Query", "Mutation", "Subscription") and not gtype.description:
            missing.append(f"type {name}")
        if isinstance(gtype, (GraphQLObjectType, GraphQLInputObjectType)):
            for fname, field in gtype.fields.items():
                if not field.description:
                    missing.append(f"{name}.{fname}")
                for aname, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{fname}({aname})")
        elif isinstance(gtype, (GraphQLEnumType, GraphQLScalarType)):
            continue
    assert not missing, "undocumented: " + ", ".join(missing)
