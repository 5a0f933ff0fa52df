"""Customizable entities: records whose plugin lets business users add fields without code.

Two kernel hooks meet here (see :mod:`tenon.core.hookspecs`):

* an owning plugin declares an entity with ``tenon_custom_entities(app)`` returning
  :class:`CustomEntity` objects (its model, GraphQL type, Casbin object, the root fields that
  create, change and list it, and optionally the category tree that binds fields to records);
* one plugin (the bundled ``studio``) stores definitions and values and answers
  ``tenon_custom_field_store(app)`` with a :class:`CustomFieldStore`.

The API layer (:mod:`tenon.graphql.custom`) turns the store's published definitions into typed
GraphQL pieces when the schema is composed: ``<Type>.customFields: <Type>CustomFields``, a
``customFields`` field on the declared create/update inputs and list filters. The owning plugin
writes no code for it: the kernel hands the values of a create/update mutation to the store in
the same transaction, after the owner's resolver made the record, and adds the store's SQL
criterion to the list's statement. Neither the owner nor the kernel imports the store's plugin.

Definitions change while the server runs: the store calls :func:`schema_changed` in the
changing transaction, which bumps the site's plugin-set version, so every running server
rebuilds its schema on its next check (``[api] plugin_check_seconds``), without a restart.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy import ColumnElement
    from sqlalchemy.orm import Session

__all__ = ["CategoryBinding", "CustomEntity", "CustomFieldSpec", "CustomFieldStore", "FIELD_KINDS",
           "entity_criteria", "list_criteria", "schema_changed"]

#: the value kinds a custom field can have (the store validates; the API layer types them)
FIELD_KINDS = ("text", "integer", "decimal", "date", "boolean", "choice", "reference")


@dataclass(frozen=True)
class CategoryBinding:
    """How records of an entity belong to a category tree (fields may be bound to a category).

    :param column: the model's attribute holding the category id (``"category_id"``).
    :param model: the category model (with ``id`` and a parent column).
    :param parent: the category model's parent-id attribute (``"parent_id"``).
    """

    column: str
    model: type
    parent: str = "parent_id"


@dataclass(frozen=True)
class CustomEntity:
    """A record type business users may add fields to (declared by its owning plugin).

    :param name: ``<plugin>.<entity>`` (``"stock.product"``), the plugin's own prefix.
    :param model: the plugin's mapped class (one of its ``tenon_models``); values follow its row scopes.
    :param graphql_type: the GraphQL object type of the record (``"Product"``); it gains ``customFields``.
    :param obj: the Casbin object guarding the record (``"stock.product"``).
    :param label: how people call it (``"product"``).
    :param create_mutations: root mutation fields that create a record; their input types
        (``inputs``) gain ``customFields``, required fields and defaults apply.
    :param update_mutations: root mutation fields that change one; given values are validated.
    :param inputs: the GraphQL input types of those mutations (``"ProductCreateInput"``).
    :param list_fields: root query fields listing records (``"products"``), whose filter input
        (``filters``) gains ``customFields``; without ``filters`` the list fields gain a
        ``customFields`` argument instead.
    :param filters: the GraphQL filter input types of those lists (``"ProductFilter"``).
    :param category: the category tree definitions may be bound to, or ``None``.
    :param responsible: the model's attribute naming the username responsible for a record
        (rules notify "the responsible person"), or ``None``.
    """

    name: str
    model: type
    graphql_type: str
    obj: str
    label: str = ""
    create_mutations: Sequence[str] = ()
    update_mutations: Sequence[str] = ()
    inputs: Sequence[str] = ()
    list_fields: Sequence[str] = ()
    filters: Sequence[str] = ()
    category: CategoryBinding | None = None
    responsible: str | None = None

    @property
    def plugin(self) -> str:
        return self.name.partition(".")[0]


@dataclass(frozen=True)
class CustomFieldSpec:
    """One published custom field as the API layer needs it to type the schema.

    :param code: the field's code (snake case, ``surface_roughness_ra``); GraphQL camel-cases it.
    :param kind: one of :data:`FIELD_KINDS`.
    :param description: shown in the schema (label, unit, help text).
    :param choices: the allowed values of a ``choice`` field.
    """

    code: str
    kind: str
    description: str = ""
    choices: Sequence[str] = field(default_factory=tuple)


class CustomFieldStore(Protocol):
    """What the plugin storing custom fields provides (``tenon_custom_field_store``)."""

    def specs(self, session: Session) -> Mapping[str, Sequence[CustomFieldSpec]]:
        """The published fields by entity name (only entities with at least one)."""

    def write(self, session: Session, entity: CustomEntity, record: Any, values: Mapping[str, Any] | None,
              *, creating: bool) -> None:
        """Validate and store ``values`` (by code) of ``record`` in the open transaction.

        On create, required fields without a value and defaults apply even when ``values`` is
        ``None``. Raises ``VALIDATION`` naming ``customFields.<graphqlName>``.
        """

    def read(self, session: Session, entity: CustomEntity, ids: Sequence[int]) -> list[dict[str, Any]]:
        """The stored values (by code) of each record id, in the order of ``ids``."""

    def criterion(self, session: Session, entity: CustomEntity, conditions: Mapping[str, Any]) -> ColumnElement[bool]:
        """A SQL criterion on ``entity.model`` for filter ``conditions`` (by code)."""


def schema_changed(session: Session) -> int:
    """Make running servers rebuild their schema (custom definitions changed): bumps the
    site's plugin-set version in this transaction; returns the new version."""
    from tenon.core.access import PLUGINS_VERSION_KEY, bump_version

    return bump_version(session, PLUGINS_VERSION_KEY)


# ------------------------------------------------------------------ list criteria
#: criteria the API layer adds to the list statement of the root field being resolved
_LIST_CRITERIA: contextvars.ContextVar[tuple[tuple[type, Any], ...]] = contextvars.ContextVar(
    "tenon_custom_list_criteria", default=())


@contextlib.contextmanager
def list_criteria(model: type, criterion: Any) -> Iterator[None]:
    """While a list field resolves, narrow its select of ``model`` by ``criterion`` (see :func:`entity_criteria`)."""
    token = _LIST_CRITERIA.set((*_LIST_CRITERIA.get(), (model, criterion)))
    try:
        yield
    finally:
        _LIST_CRITERIA.reset(token)


def entity_criteria(stmt: Any) -> list[Any]:
    """The criteria :func:`list_criteria` set for the entity ``stmt`` selects, in this resolver
    (used by ``paginate``; nothing to look at, and no cost, outside a filtered list)."""
    active = _LIST_CRITERIA.get()
    if not active:
        return []
    descriptions = stmt.column_descriptions
    model = descriptions[0].get("entity") if descriptions else None
    return [c for m, c in active if m is model]
