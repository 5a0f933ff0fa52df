"""Root query fields of studio."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from tenon.graphql.permissions import allowed

from ..models import FieldDefinition, Rule, SlaClock, Task
from .types.fields import DefinitionType, EntityType
from .types.rules import ClockType, RuleType, TaskType

MAX_ROWS = 500


@strawberry.type
class Query:
    @strawberry.field(description="Record types custom fields can be added to (declared by the installed plugins).",
                      extensions=allowed("studio.field", "read"))
    async def customizable_entities(self, info: Info) -> list[EntityType]:
        return [EntityType.from_entity(e) for e in info.context.tenon.custom_entities.values()]

    @strawberry.field(description="Custom field definitions (at most 500), by entity and code.",
                      extensions=allowed("studio.field", "read"))
    async def custom_field_definitions(
        self, info: Info,
        entity: Annotated[str | None, strawberry.argument(description="Only this entity.")] = None,
        include_removed: Annotated[bool, strawberry.argument(description="Also removed ones (values kept).")] = False,
    ) -> list[DefinitionType]:
        stmt = select(FieldDefinition).order_by(FieldDefinition.entity, FieldDefinition.code).limit(MAX_ROWS)
        if entity:
            stmt = stmt.where(FieldDefinition.entity == entity)
        if not include_removed:
            stmt = stmt.where(FieldDefinition.active.is_(True))
        return await info.context.run(lambda s: [DefinitionType.from_model(d) for d in s.scalars(stmt)])

    @strawberry.field(description="Flow rules (at most 500), by code; `broken` says why one cannot run.",
                      extensions=allowed("studio.rule", "read"))
    async def flow_rules(self, info: Info) -> list[RuleType]:
        app = info.context.tenon
        codes_of: dict[str, set[str]] = {}  # each entity's field codes read once for all the rules
        return await info.context.run(lambda s: [RuleType.from_model(r, app, s, codes_of) for r in
                                                 s.scalars(select(Rule).order_by(Rule.code).limit(MAX_ROWS))])

    @strawberry.field(description="Follow-up tasks rules created (at most 500), newest first.",
                      extensions=allowed("studio.task", "read"))
    async def studio_tasks(
        self, info: Info,
        assigned_to: Annotated[str | None, strawberry.argument(description="Only this user's.")] = None,
    ) -> list[TaskType]:
        stmt = select(Task).order_by(Task.id.desc()).limit(MAX_ROWS)
        if assigned_to:
            stmt = stmt.where(Task.assigned_to == assigned_to)
        return await info.context.run(lambda s: [TaskType.from_model(t) for t in s.scalars(stmt)])

    @strawberry.field(description="SLA clocks rules started (at most 500), newest first.",
                      extensions=allowed("studio.task", "read"))
    async def sla_clocks(
        self, info: Info,
        entity: Annotated[str | None, strawberry.argument(description="Only this entity's.")] = None,
    ) -> list[ClockType]:
        stmt = select(SlaClock).order_by(SlaClock.id.desc()).limit(MAX_ROWS)
        if entity:
            stmt = stmt.where(SlaClock.entity == entity)
        return await info.context.run(lambda s: [ClockType.from_model(c) for c in s.scalars(stmt)])
