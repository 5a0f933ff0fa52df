"""Root mutation fields of studio (one transaction each, audited by the kernel)."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import strawberry
from strawberry.types import Info

from tenon.core.ids import decode_id
from tenon.graphql.permissions import allowed

from ..services import fields, rules
from .inputs import CustomFieldDefineInput, FlowRuleInput
from .types.fields import DefinitionType
from .types.rules import RuleType

IdArg = Annotated[strawberry.ID, strawberry.argument(description="Definition id.")]


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Define a custom field and publish it: the entity's type, inputs and list filter "
                                     "gain it within a second, without a restart. Bad input: VALIDATION naming the field.",
                         extensions=allowed("studio.field", "create"))
    async def custom_field_define(self, info: Info, input: Annotated[CustomFieldDefineInput, strawberry.argument(
            description="The field.")]) -> DefinitionType:
        i = input

        def run(s):
            return DefinitionType.from_model(fields.define(
                s, entity=i.entity, code=i.code, kind=i.type, label_zh=i.label_zh, label_en=i.label_en, owner=i.owner,
                purpose=i.purpose, review_date=i.review_date,
                category_id=decode_id(i.category_id, "categoryId") if i.category_id is not None else None,
                required=i.required, default=i.default, max_length=i.max_length, scale=i.scale, unit=i.unit,
                min_value=i.min_value, max_value=i.max_value, pattern=i.pattern, choices=i.choices,
                ref_entity=i.ref_entity, help_text=i.help_text))

        return await info.context.run(run)

    @strawberry.mutation(description="Remove a custom field from the schema; its stored values stay until purged "
                                     "(define the same code again to bring them back).",
                         extensions=allowed("studio.field", "update"))
    async def custom_field_remove(self, info: Info, id: IdArg) -> DefinitionType:
        return await info.context.run(lambda s: DefinitionType.from_model(fields.remove(s, id)))

    @strawberry.mutation(description="Delete a removed custom field and its stored values; returns how many records lost a value.",
                         extensions=allowed("studio.field", "update"))
    async def custom_field_purge(self, info: Info, id: IdArg) -> int:
        return await info.context.run(lambda s: fields.purge(s, id))

    @strawberry.mutation(description="Save a flow rule (create, or change the rule with this code). The event, entity, "
                                     "condition and actions are checked: a bad one is VALIDATION with a clear message.",
                         extensions=allowed("studio.rule", "create"))
    async def flow_rule_save(self, info: Info, input: Annotated[FlowRuleInput, strawberry.argument(
            description="The rule.")]) -> RuleType:
        i = input
        app = info.context.tenon
        actions = [{k: v for k, v in dataclasses.asdict(a).items() if v is not None} for a in i.actions]
        return await info.context.run(lambda s: RuleType.from_model(rules.save(
            s, code=i.code, name=i.name, event=i.event, condition=i.condition, actions=actions, owner=i.owner,
            purpose=i.purpose, review_date=i.review_date, entity=i.entity, record_key=i.record_key,
            active=i.active), app, s))
