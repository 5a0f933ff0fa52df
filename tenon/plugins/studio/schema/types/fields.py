"""GraphQL types of custom field definitions and customizable entities."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from ...models import FieldDefinition
from ...services.values import camel


@strawberry.type(name="CustomizableEntity", description="A record type business users may add custom fields to.")
class EntityType:
    name: str = strawberry.field(description="`<plugin>.<entity>`, e.g. `stock.product`.")
    label: str = strawberry.field(description="How people call it.")
    graphql_type: str = strawberry.field(description="Its GraphQL type, which gains `customFields`.")
    has_categories: bool = strawberry.field(description="Whether fields can be bound to a category.")

    @classmethod
    def from_entity(cls, e: Any) -> EntityType:
        return cls(name=e.name, label=e.label or e.name, graphql_type=e.graphql_type, has_categories=e.category is not None)


@strawberry.type(name="CustomFieldDefinition", description="A custom field of an entity, maybe bound to a category.")
class DefinitionType:
    id: strawberry.ID = strawberry.field(description="Definition id.")
    entity: str = strawberry.field(description="The entity (`stock.product`).")
    code: str = strawberry.field(description="Field code (snake case).")
    graphql_name: str = strawberry.field(description="Its name under `customFields` (camel case).")
    label_zh: str = strawberry.field(description="Label in Chinese.")
    label_en: str = strawberry.field(description="Label in English.")
    type: str = strawberry.field(description="`text`, `integer`, `decimal`, `date`, `boolean`, `choice` or `reference`.")
    category_id: strawberry.ID | None = strawberry.field(description="Bound to this category and its subcategories.")
    required: bool = strawberry.field(description="Records it applies to must have a value.")
    default: str | None = strawberry.field(description="Default value on create (as text).")
    max_length: int | None = strawberry.field(description="Longest text.")
    scale: int | None = strawberry.field(description="Decimal places of a decimal.")
    unit: str = strawberry.field(description="Unit of a number.")
    min_value: str | None = strawberry.field(description="Smallest value (numbers, dates).")
    max_value: str | None = strawberry.field(description="Largest value (numbers, dates).")
    pattern: str = strawberry.field(description="Regular expression a text must match.")
    choices: list[str] = strawberry.field(description="Allowed values of a choice.")
    ref_entity: str | None = strawberry.field(description="Entity a reference points to.")
    help_text: str = strawberry.field(description="Help shown to people filling it in.")
    owner: str = strawberry.field(description="Who owns this field (the plant's rule).")
    purpose: str = strawberry.field(description="Why it exists.")
    review_date: dt.date = strawberry.field(description="When it is to be reviewed.")
    active: bool = strawberry.field(description="Published; removed fields keep their values until purged.")
    version: int = strawberry.field(description="Changes so far (optimistic lock).")

    @classmethod
    def from_model(cls, d: FieldDefinition) -> DefinitionType:
        return cls(id=strawberry.ID(str(d.id)), entity=d.entity, code=d.code, graphql_name=camel(d.code),
                   label_zh=d.label_zh, label_en=d.label_en, type=d.kind,
                   category_id=strawberry.ID(str(d.category_id)) if d.category_id else None, required=d.required,
                   default=None if d.default is None else str(d.default), max_length=d.max_length, scale=d.scale,
                   unit=d.unit, min_value=d.min_value, max_value=d.max_value, pattern=d.pattern,
                   choices=list(d.choices or []), ref_entity=d.ref_entity, help_text=d.help_text, owner=d.owner,
                   purpose=d.purpose, review_date=d.review_date, active=d.active, version=d.version)
