"""GraphQL types of flow rules, their runs, tasks and SLA clocks."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from strawberry.types import Info

from ...models import Rule, RuleRun, SlaClock, Task
from ...services.rules import problems
from ..loaders import runs_of


def _id(v: int | None) -> strawberry.ID | None:
    return strawberry.ID(str(v)) if v is not None else None


@strawberry.type(name="FlowAction", description="One action of a flow rule.")
class ActionType:
    type: str = strawberry.field(description="`notify`, `assign`, `task`, `set_field`, `sla` or `webhook`.")
    title: str | None = strawberry.field(description="Title (`{field}` inserts a payload value).")
    body: str | None = strawberry.field(description="Longer text of a notification.")
    users: list[str] = strawberry.field(description="Users: recipients, the task's assignee, the SLA chain in order.")
    roles: list[str] = strawberry.field(description="Roles whose holders are notified.")
    responsible: bool = strawberry.field(description="Also the record's responsible person.")
    due_minutes: int | None = strawberry.field(description="A task is due this long after the event.")
    minutes: int | None = strawberry.field(description="SLA: first response within this many minutes, per person.")
    stop: str | None = strawberry.field(description="SLA: the clock stops when this condition over the record holds.")
    field: str | None = strawberry.field(description="set_field: the custom field code.")
    value: str | None = strawberry.field(description="set_field: the value (as text).")
    url: str | None = strawberry.field(description="webhook: where the event is POSTed.")

    @classmethod
    def from_dict(cls, a: dict[str, Any]) -> ActionType:
        value = a.get("value")
        return cls(type=a["type"], title=a.get("title"), body=a.get("body"), users=list(a.get("users") or []),
                   roles=list(a.get("roles") or []), responsible=bool(a.get("responsible")),
                   due_minutes=a.get("due_minutes"), minutes=a.get("minutes"), stop=a.get("stop"),
                   field=a.get("field"), value=None if value is None else str(value), url=a.get("url"))


@strawberry.type(name="FlowRuleRun", description="One run of a rule for one event.")
class RunType:
    id: strawberry.ID = strawberry.field(description="Run id.")
    rule_version: int = strawberry.field(description="The rule's version that ran.")
    event: str = strawberry.field(description="The event name.")
    outcome: str = strawberry.field(description="`done`, `skipped` (condition false), `failed` (retried) or `broken`.")
    error: str = strawberry.field(description="Why it failed.")
    attempts: int = strawberry.field(description="Attempts so far.")
    at: dt.datetime = strawberry.field(description="When it last ran.")

    @classmethod
    def from_model(cls, r: RuleRun) -> RunType:
        return cls(id=strawberry.ID(str(r.id)), rule_version=r.rule_version, event=r.event, outcome=r.outcome,
                   error=r.error, attempts=r.attempts, at=r.at)


@strawberry.type(name="FlowRule", description="When an event happens and the condition holds, run the actions.")
class RuleType:
    id: strawberry.ID = strawberry.field(description="Rule id.")
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Name.")
    event: str = strawberry.field(description="The trigger: a declared event of an installed plugin.")
    entity: str | None = strawberry.field(description="The entity whose record the event is about.")
    record_key: str | None = strawberry.field(description="The payload field holding that record's id.")
    condition: str = strawberry.field(description="The condition (empty: always).")
    actions: list[ActionType] = strawberry.field(description="What it does.")
    active: bool = strawberry.field(description="Whether it runs.")
    broken: str | None = strawberry.field(description="Why it cannot run on this site (an uninstalled plugin), or null.")
    owner: str = strawberry.field(description="Who owns the rule.")
    purpose: str = strawberry.field(description="Why it exists.")
    review_date: dt.date = strawberry.field(description="When it is to be reviewed.")
    version: int = strawberry.field(description="Changes so far; each run records the version that ran.")
    _pk: strawberry.Private[int]

    @strawberry.field(description="The latest runs (at most 20), newest first.")
    async def runs(self, info: Info) -> list[RunType]:
        rows = await info.context.batch("studio.runs", runs_of).load(self._pk)
        return [RunType.from_model(r) for r in rows]

    @classmethod
    def from_model(cls, r: Rule, app: Any, session: Any = None, codes_of: dict[str, set[str]] | None = None) -> RuleType:
        return cls(id=strawberry.ID(str(r.id)), code=r.code, name=r.name, event=r.event, entity=r.entity,
                   record_key=r.record_key, condition=r.condition,
                   actions=[ActionType.from_dict(a) for a in r.actions or []], active=r.active,
                   broken=problems(app, r, session, codes_of) or None, owner=r.owner, purpose=r.purpose, review_date=r.review_date,
                   version=r.version, _pk=r.id)


@strawberry.type(name="StudioTask", description="A follow-up task a rule created.")
class TaskType:
    id: strawberry.ID = strawberry.field(description="Task id.")
    title: str = strawberry.field(description="What to do.")
    assigned_to: str | None = strawberry.field(description="Who does it.")
    due_at: dt.datetime | None = strawberry.field(description="When it is due.")
    entity: str | None = strawberry.field(description="The entity of the record it is about.")
    record_id: strawberry.ID | None = strawberry.field(description="That record's id.")
    state: str = strawberry.field(description="`open` or `done`.")

    @classmethod
    def from_model(cls, t: Task) -> TaskType:
        return cls(id=strawberry.ID(str(t.id)), title=t.title, assigned_to=t.assigned_to, due_at=t.due_at,
                   entity=t.entity, record_id=_id(t.record_id), state=t.state)


@strawberry.type(name="SlaEscalation", description="One step up the chain of an SLA clock.")
class EscalationType:
    from_user: str | None = strawberry.field(description="Who missed the response time.")
    to_user: str = strawberry.field(description="Who has it now.")
    at: str = strawberry.field(description="When (ISO 8601, UTC).")


@strawberry.type(name="SlaClock", description="A first-response clock a rule started.")
class ClockType:
    id: strawberry.ID = strawberry.field(description="Clock id.")
    entity: str = strawberry.field(description="The entity of the record.")
    record_id: strawberry.ID = strawberry.field(description="The record's id.")
    minutes: int = strawberry.field(description="Response time per person.")
    chain: list[str] = strawberry.field(description="The people, in escalation order.")
    assigned_to: str | None = strawberry.field(description="Who must respond now.")
    state: str = strawberry.field(description="`running`, `met` (responded) or `exhausted` (end of the chain).")
    due_at: dt.datetime = strawberry.field(description="When the current person's time runs out.")
    escalations: list[EscalationType] = strawberry.field(description="Steps up the chain so far.")

    @classmethod
    def from_model(cls, c: SlaClock) -> ClockType:
        return cls(id=strawberry.ID(str(c.id)), entity=c.entity, record_id=strawberry.ID(str(c.record_id)),
                   minutes=c.minutes, chain=list(c.chain or []), assigned_to=c.assigned_to, state=c.state,
                   due_at=c.due_at, escalations=[EscalationType(from_user=e.get("from"), to_user=e["to"], at=e["at"])
                                                 for e in c.escalations or []])
