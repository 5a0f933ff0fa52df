"""Custom fields in the composed schema: typed per site from the published definitions.

For each declared :class:`~tenon.core.custom.CustomEntity` with at least one published field
(read from the site's :class:`~tenon.core.custom.CustomFieldStore` when the schema is built):

* ``<Type>CustomFields``: an object type with one typed, nullable field per definition, reached
  through ``<Type>.customFields``;
* ``<Type>CustomFieldsInput``: the same as an input, added as ``customFields`` to the entity's
  create/update inputs; the kernel reads it from the operation's arguments and hands it to the
  store in the mutation's transaction, after the owner's resolver made or changed the record;
* ``<Type>CustomFieldsFilter``: one condition input per field (``eq``, ``in``, ranges), added as
  ``customFields`` to the list's filter input; the store's SQL criterion narrows the list's
  statement (:func:`tenon.core.custom.list_criteria`, applied by ``paginate``).

Nothing here changes a plugin's classes: the extra input fields and the wrapped root fields are
given to :class:`~tenon.graphql.compose.TenonSchema` for this schema only. A site without
definitions gets exactly the plain schema (the checked-in SDL).
"""

from __future__ import annotations

import datetime as dt
import keyword
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Optional

import strawberry
from strawberry.types import Info
from strawberry.types.field import StrawberryField
from strawberry.utils.await_maybe import await_maybe
from strawberry.utils.str_converters import to_camel_case

from tenon.core.custom import CustomEntity, CustomFieldSpec, list_criteria
from tenon.core.ids import decode_id

if TYPE_CHECKING:
    from tenon.core.kernel import Tenon

log = logging.getLogger("tenon.graphql")


# ------------------------------------------------------------------ condition inputs (static)
@strawberry.input(name="CustomTextCondition", description="A condition on a text or choice custom field.")
class TextCondition:
    eq: str | None = strawberry.field(default=None, description="Equal to this value.")
    in_: list[str] | None = strawberry.field(default=None, name="in", description="One of these values.")


@strawberry.input(name="CustomIntCondition", description="A condition on an integer custom field.")
class IntCondition:
    eq: int | None = strawberry.field(default=None, description="Equal to this value.")
    gt: int | None = strawberry.field(default=None, description="Greater than this value.")
    gte: int | None = strawberry.field(default=None, description="At least this value.")
    lt: int | None = strawberry.field(default=None, description="Less than this value.")
    lte: int | None = strawberry.field(default=None, description="At most this value.")


@strawberry.input(name="CustomDecimalCondition", description="A condition on a decimal custom field.")
class DecimalCondition:
    eq: Decimal | None = strawberry.field(default=None, description="Equal to this value.")
    gt: Decimal | None = strawberry.field(default=None, description="Greater than this value.")
    gte: Decimal | None = strawberry.field(default=None, description="At least this value.")
    lt: Decimal | None = strawberry.field(default=None, description="Less than this value.")
    lte: Decimal | None = strawberry.field(default=None, description="At most this value.")


@strawberry.input(name="CustomDateCondition", description="A condition on a date custom field.")
class DateCondition:
    eq: dt.date | None = strawberry.field(default=None, description="On this day.")
    gt: dt.date | None = strawberry.field(default=None, description="After this day.")
    gte: dt.date | None = strawberry.field(default=None, description="On or after this day.")
    lt: dt.date | None = strawberry.field(default=None, description="Before this day.")
    lte: dt.date | None = strawberry.field(default=None, description="On or before this day.")


@strawberry.input(name="CustomBooleanCondition", description="A condition on a yes/no custom field.")
class BooleanCondition:
    eq: bool | None = strawberry.field(default=None, description="Equal to this value.")


@strawberry.input(name="CustomIdCondition", description="A condition on a reference custom field.")
class IdCondition:
    eq: strawberry.ID | None = strawberry.field(default=None, description="Refers to this record id.")
    in_: list[strawberry.ID] | None = strawberry.field(default=None, name="in", description="Refers to one of these ids.")


_VALUE_TYPES: dict[str, Any] = {"text": str, "choice": str, "integer": int, "decimal": Decimal, "date": dt.date,
                                "boolean": bool, "reference": strawberry.ID}
_CONDITIONS: dict[str, Any] = {"text": TextCondition, "choice": TextCondition, "integer": IntCondition,
                               "decimal": DecimalCondition, "date": DateCondition, "boolean": BooleanCondition,
                               "reference": IdCondition}


# ------------------------------------------------------------------ what a schema gets
@dataclass
class CustomParts:
    """What :func:`custom_parts` adds to one schema."""

    types: list[type] = field(default_factory=list)
    #: ``{type name: [(plugin, field)]}``: object and input types alike (``TenonSchema.get_fields``)
    extend: dict[str, list[tuple[str, StrawberryField]]] = field(default_factory=dict)
    #: ``{(root type, field name): wrap(original resolve) -> resolve}``: graphql-core resolvers of this schema,
    #: called with the raw (coerced) arguments, where the extra ``customFields`` input fields are
    wrappers: dict[tuple[str, str], Callable[[Callable[..., Any]], Callable[..., Any]]] = field(default_factory=dict)
    #: ``{(root type, field name): (argument, input type name, description)}``: a ``customFields``
    #: argument on lists whose entity declares no filter input
    arguments: dict[tuple[str, str], tuple[str, str, str]] = field(default_factory=dict)


def _specs(app: Tenon) -> Mapping[str, Sequence[CustomFieldSpec]]:
    store = app.custom_field_store
    if store is None or not app.custom_entities:
        return {}
    try:
        with app.sessionmaker() as session:
            return store.specs(session)
    except Exception as exc:  # a site not migrated yet (``tenon dev schema``): no custom fields
        log.debug("custom field definitions not readable: %s", exc)
        return {}


def _class(name: str, description: str, fields: dict[str, tuple[Any, str]], *, is_input: bool) -> type:
    ns: dict[str, Any] = {"__annotations__": {}}
    for py, (tp, desc) in fields.items():
        ns["__annotations__"][py] = Optional[tp]  # noqa: UP045  (a runtime annotation)
        # inputs: no default, so an omitted field is absent from the arguments (null clears a value)
        ns[py] = strawberry.field(default=strawberry.UNSET if is_input else None, description=desc or py)
    cls = type(name, (), ns)
    deco = strawberry.input if is_input else strawberry.type
    return deco(cls, name=name, description=description)


def _python_name(code: str) -> str:
    return f"{code}_" if keyword.iskeyword(code) else code


def _pk_of(obj: Any) -> int | None:
    pk = getattr(obj, "_pk", None)
    if isinstance(pk, int):
        return pk
    raw = getattr(obj, "id", None)
    return decode_id(raw) if raw is not None else None


def _custom_in(raw: Mapping[str, Any]) -> tuple[bool, dict[str, Any] | None]:
    """``(given, values)`` of the ``customFields`` argument, or of the first argument object carrying it."""
    if "customFields" in raw:
        return True, raw["customFields"]
    for value in raw.values():
        if isinstance(value, Mapping) and "customFields" in value:
            return True, value["customFields"]
    return False, None


def _extension_field(name: str, gql_type: Any, description: str, resolver: Callable[..., Any] | None = None) -> StrawberryField:
    if resolver is not None:
        f = strawberry.field(resolver=resolver, graphql_type=gql_type, description=description, name=name)
    else:
        f = strawberry.field(graphql_type=gql_type, default=strawberry.UNSET, description=description, name=name)
    f.python_name = "custom_fields"
    return f


def custom_parts(app: Tenon) -> CustomParts:
    """The typed custom-field pieces of ``app``'s site (empty without definitions)."""
    parts = CustomParts()
    specs_by_entity = _specs(app)
    store = app.custom_field_store
    for entity in app.custom_entities.values():
        specs = list(specs_by_entity.get(entity.name) or ())
        if not specs:
            continue
        _entity_parts(parts, store, entity, specs)
    return parts


def _entity_parts(parts: CustomParts, store: Any, entity: CustomEntity, specs: list[CustomFieldSpec]) -> None:
    t = entity.graphql_type
    by_py = {_python_name(s.code): s for s in specs}
    by_graphql = {to_camel_case(py): s for py, s in by_py.items()}
    out_cls = _class(f"{t}CustomFields", f"Custom fields of {t} defined on this site (values may be null).",
                     {py: (_VALUE_TYPES[s.kind], s.description) for py, s in by_py.items()}, is_input=False)
    in_cls = _class(f"{t}CustomFieldsInput", f"Values of {t}'s custom fields; omitted fields stay as they are.",
                    {py: (_VALUE_TYPES[s.kind], s.description) for py, s in by_py.items()}, is_input=True)
    filter_cls = _class(f"{t}CustomFieldsFilter", f"Conditions on {t}'s custom fields (all must hold).",
                        {py: (_CONDITIONS[s.kind], s.description) for py, s in by_py.items()}, is_input=True)
    parts.types.extend([out_cls, in_cls, filter_cls])
    owner = entity.plugin

    def to_output(values: Mapping[str, Any]) -> Any:
        kwargs = {}
        for py, s in by_py.items():
            v = values.get(s.code)
            if v is not None:
                if s.kind == "decimal":
                    v = Decimal(str(v))
                elif s.kind == "date":
                    v = dt.date.fromisoformat(v) if isinstance(v, str) else v
                elif s.kind == "reference":
                    v = strawberry.ID(str(v))
            kwargs[py] = v
        return out_cls(**kwargs)

    def load(session: Any, ids: Sequence[int]) -> list[Any]:
        return [to_output(v) for v in store.read(session, entity, list(ids))]

    async def resolve(root: strawberry.Parent[Any], info: Info) -> Any:
        pk = _pk_of(root)
        if pk is None:
            return None
        return await info.context.batch(f"custom_fields:{entity.name}", load).load(pk)

    parts.extend.setdefault(t, []).append((owner, _extension_field(
        "customFields", out_cls, "This record's custom fields (defined per site).", resolve)))
    for name in entity.inputs:
        parts.extend.setdefault(name, []).append((owner, _extension_field(
            "customFields", Optional[in_cls], "Values of custom fields (by field code, camel case).")))  # noqa: UP045
    for name in entity.filters:
        parts.extend.setdefault(name, []).append((owner, _extension_field(
            "customFields", Optional[filter_cls], "Conditions on custom fields.")))  # noqa: UP045

    def by_code(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
        if values is None:
            return None
        return {by_graphql[k].code: v for k, v in values.items() if k in by_graphql}

    def mutation(creating: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def wrap(original: Callable[..., Any]) -> Callable[..., Any]:
            async def resolve(source: Any, info: Any, **kwargs: Any) -> Any:
                given, values = _custom_in(kwargs)
                result = await await_maybe(original(source, info, **kwargs))
                pk = _pk_of(result)
                if pk is None or not (given or creating):
                    return result

                def write(session: Any) -> None:
                    record = session.get(entity.model, pk)
                    if record is not None:
                        store.write(session, entity, record, by_code(values), creating=creating)

                await info.context.run(write)
                return result
            return resolve
        return wrap

    def listing(original: Callable[..., Any]) -> Callable[..., Any]:
        async def resolve(source: Any, info: Any, **kwargs: Any) -> Any:
            _given, conditions = _custom_in(kwargs)
            kwargs.pop("customFields", None)  # an argument the kernel added: not the owner's
            if not conditions:
                return await await_maybe(original(source, info, **kwargs))
            criterion = await info.context.run(lambda s: store.criterion(s, entity, by_code(conditions) or {}))
            with list_criteria(entity.model, criterion):
                return await await_maybe(original(source, info, **kwargs))
        return resolve

    for name in entity.create_mutations:
        parts.wrappers[("Mutation", name)] = mutation(True)
    for name in entity.update_mutations:
        parts.wrappers[("Mutation", name)] = mutation(False)
    for name in entity.list_fields:
        parts.wrappers[("Query", name)] = listing
        if not entity.filters:
            parts.arguments[("Query", name)] = ("customFields", filter_cls.__strawberry_definition__.name,
                                                "Conditions on custom fields.")
