"""Compose one schema from the installed plugins' contributions (the kernel's included).

Every contribution, the kernel's too, comes through the ``tenon_graphql_contributions``
hook: the kernel's own fields are contributed by its companion module
:mod:`tenon.graphql.kernel.plugin` (registered as ``core:graphql``), so nothing
here treats the kernel specially.

Root fields of every contribution are merged into flat ``Query``, ``Mutation``
and ``Subscription`` types. Two contributions with the same root field is a
startup error naming both (strawberry's ``merge_types`` only warns and lets the
first win). Fields a plugin adds to another plugin's type (``extend``) are
attached per schema through :meth:`TenonSchema.get_fields`, so nothing global
changes and apps with different plugin sets coexist in one process.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import strawberry
from graphql import GraphQLArgument
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.extensions import max_aliases, query_depth_limiter
from strawberry.tools import merge_types
from strawberry.types.base import StrawberryObjectDefinition
from strawberry.types.field import StrawberryField
from strawberry.utils.str_converters import to_camel_case

from tenon.core.contributions import SchemaContribution
from tenon.core.errors import PluginError
from tenon.graphql.cost import QueryCost
from tenon.graphql.errors import ErrorMapping, to_graphql_error
from tenon.graphql.execution import Transaction
from tenon.graphql.introspection import SignedInIntrospection
from tenon.graphql.prefetch import install_direct
from tenon.graphql.scalars import InputLimits, scalar_overrides

if TYPE_CHECKING:
    from tenon.core.kernel import Tenon


def _graphql_name(field: StrawberryField) -> str:
    return field.graphql_name or to_camel_case(field.python_name)


class TenonSchema(strawberry.Schema):
    """A strawberry schema that knows the plugins' fields on other plugins' types."""

    def __init__(self, *args: Any, type_extensions: dict[str, list[tuple[str, StrawberryField]]] | None = None,
                 field_wrappers: dict[tuple[str, str], Any] | None = None,
                 field_arguments: dict[tuple[str, str], tuple[str, str, str]] | None = None, **kwargs: Any) -> None:
        self.type_extensions = type_extensions or {}
        #: root fields whose result passes through a wrapper in this schema (custom fields)
        self.field_wrappers = field_wrappers or {}
        super().__init__(*args, **kwargs)
        for (root, name), wrap in self.field_wrappers.items():  # this schema's own GraphQLField objects
            gtype = self._schema.type_map.get(root)
            gfield = getattr(gtype, "fields", {}).get(name)
            if gfield is not None and gfield.resolve is not None:
                gfield.resolve = wrap(gfield.resolve)
        try:  # nested fields marked ``tenon.graphql.prefetch.direct``: called by graphql-core itself
            self.direct_fields = install_direct(self._schema)
        except ValueError as exc:
            raise PluginError(f"GraphQL schema composition failed: {exc}") from None
        for (root, name), (arg, type_name, description) in (field_arguments or {}).items():
            gfield = getattr(self._schema.type_map.get(root), "fields", {}).get(name)
            if gfield is not None and arg not in gfield.args:
                gfield.args[arg] = GraphQLArgument(self._schema.type_map[type_name], description=description)
        missing = sorted(set(self.type_extensions) - {t.name for t in self._schema.type_map.values()})
        if missing:
            owners = {p for name in missing for p, _f in self.type_extensions[name]}
            raise PluginError(
                f"plugin(s) {', '.join(sorted(owners))} extend GraphQL type(s) {', '.join(missing)}, "
                f"which no installed plugin defines"
            )

    async def execute(self, query: str | None, variable_values: dict[str, Any] | None = None,  # type: ignore[override]
                      context_value: Any | None = None, *args: Any, **kwargs: Any) -> Any:
        result = await super().execute(query, variable_values, context_value, *args, **kwargs)
        if getattr(result, "errors", None):
            # Errors raised before the operation's extensions could map them (a syntax error or the
            # token limit, raised by the parser cache; a failure to open the transaction) are mapped
            # here; already mapped errors pass through unchanged.
            request_id = getattr(context_value, "request_id", "") if context_value is not None else ""
            result.errors = [to_graphql_error(e, request_id) for e in result.errors]
        return result

    def process_errors(self, errors: list[Any], execution_context: Any = None) -> None:
        # Expected errors (TenonError, validation) are answers, not incidents; unexpected
        # ones are logged with their request id by ErrorMapping. Nothing to do here.
        return None

    def get_fields(self, type_definition: StrawberryObjectDefinition) -> list[StrawberryField]:
        fields = list(type_definition.fields)
        extra = self.type_extensions.get(type_definition.name)
        if extra:
            existing = {_graphql_name(f) for f in fields}
            for plugin, field in extra:
                name = _graphql_name(field)
                if name in existing:
                    raise PluginError(
                        f"plugin {plugin!r} adds field {type_definition.name}.{name}, which already exists"
                    )
                existing.add(name)
                fields.append(field)
        return fields


def _prepare_extension_field(field: Any) -> StrawberryField:
    if not isinstance(field, StrawberryField):
        raise PluginError(f"extend expects strawberry fields, got {field!r}")
    if field.python_name is None:
        resolver = field.base_resolver
        if resolver is None:
            raise PluginError("an extension field needs a resolver")
        field.python_name = resolver.name
    return field


def _merge_root(kind: str, parts: Sequence[tuple[str, type]]) -> type | None:
    if not parts:
        return None
    owner: dict[str, str] = {}
    for plugin, cls in parts:
        for f in cls.__strawberry_definition__.fields:  # type: ignore[attr-defined]
            name = _graphql_name(f)
            if name in owner:
                raise PluginError(
                    f"GraphQL field {kind}.{name} is contributed by both {owner[name]!r} and {plugin!r}"
                )
            owner[name] = plugin
    return merge_types(kind, tuple(cls for _p, cls in reversed(parts)))


def merge_contributions(owner: str, parts: Sequence[SchemaContribution]) -> SchemaContribution:
    """One contribution from several of one plugin (the kernel's are one per module).

    Root fields keep their order (``parts`` first to last) and a field given twice
    fails naming ``owner``; types are concatenated, ``extend`` lists joined per type.
    """
    extend: dict[str, list[Any]] = {}
    for c in parts:
        for type_name, fields in c.extend.items():
            extend.setdefault(type_name, []).extend(fields)
    return SchemaContribution(
        query=_merge_root("Query", [(owner, c.query) for c in parts if c.query]),
        mutation=_merge_root("Mutation", [(owner, c.mutation) for c in parts if c.mutation]),
        subscription=_merge_root("Subscription", [(owner, c.subscription) for c in parts if c.subscription]),
        types=tuple(t for c in parts for t in c.types),
        extend=extend,
    )


def collect(app: Tenon) -> list[tuple[str, SchemaContribution]]:
    """Every plugin's contribution, in dependency order (the kernel's, from ``core:graphql``, first)."""
    return app.hooks.graphql_contributions()


def build_schema(app: Tenon, *, contributions: Iterable[tuple[str, SchemaContribution]] | None = None) -> TenonSchema:
    """Build the schema of ``app``'s plugin set, with the site's limits and protections."""
    parts = list(contributions) if contributions is not None else collect(app)
    query = _merge_root("Query", [(p, c.query) for p, c in parts if c.query])
    mutation = _merge_root("Mutation", [(p, c.mutation) for p, c in parts if c.mutation])
    subscription = _merge_root("Subscription", [(p, c.subscription) for p, c in parts if c.subscription])
    types: list[type] = [t for _p, c in parts for t in c.types]
    extend: dict[str, list[tuple[str, StrawberryField]]] = {}
    for plugin, c in parts:
        for type_name, fields in c.extend.items():
            extend.setdefault(type_name, []).extend((plugin, _prepare_extension_field(f)) for f in fields)
    if contributions is None:
        from tenon.graphql.custom import custom_parts  # the site's custom fields, typed

        custom = custom_parts(app)
        types.extend(custom.types)
        for type_name, pairs in custom.extend.items():
            extend.setdefault(type_name, []).extend(pairs)
        wrappers, arguments = custom.wrappers, custom.arguments
    else:
        wrappers, arguments = {}, {}
    site = app.site
    # The depth and alias limits are validation rules: built once per schema, so the rule tuple
    # (part of the validation cache's key) is the same object on every request and the cache hits.
    # Built per request (``QueryDepthLimiter(...)`` in a factory), every request brought new rule
    # classes and the cache never hit (0 hits in 20 identical requests; ~3 ms per mutation).
    limit_rules = [
        query_depth_limiter.create_validator(int(site.setting("api", "max_depth")), None, None),
        max_aliases.create_validator(int(site.setting("api", "max_aliases"))),
    ]
    max_tokens = int(site.setting("api", "max_tokens"))
    extensions: list[Any] = [
        ErrorMapping,
        InputLimits,
        QueryCost,
        Transaction,
        lambda: AddValidationRules(limit_rules),
        lambda: MaxTokensLimiter(max_token_count=max_tokens),
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
    ]
    introspection = site.setting("api", "introspection")
    if introspection == "authenticated":
        extensions.append(SignedInIntrospection)
    elif not introspection:
        extensions.append(DisableIntrospection)
    try:
        return TenonSchema(query=query, mutation=mutation, subscription=subscription, types=types,
                           extensions=extensions, type_extensions=extend, field_wrappers=wrappers,
                           field_arguments=arguments,
                           scalar_overrides=scalar_overrides())
    except PluginError:
        raise
    except Exception as exc:  # strawberry's DuplicatedTypeName and friends
        raise PluginError(f"GraphQL schema composition failed: {exc}") from exc
