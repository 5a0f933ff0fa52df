"""GraphQL input types of studio."""

from __future__ import annotations

import datetime as dt

import strawberry


@strawberry.input(description="A new custom field (published at once: the schema gains it within a second).")
class CustomFieldDefineInput:
    entity: str = strawberry.field(description="The entity (`stock.product`); see `customizableEntities`.")
    code: str = strawberry.field(description="Code: lower case, digits and `_` (it appears camel-cased in GraphQL).")
    type: str = strawberry.field(description="`text`, `integer`, `decimal`, `date`, `boolean`, `choice` or `reference`.")
    label_zh: str = strawberry.field(description="Label in Chinese.")
    label_en: str = strawberry.field(description="Label in English.")
    owner: str = strawberry.field(description="Who owns the field (every custom item names one).")
    purpose: str = strawberry.field(description="Why it exists.")
    review_date: dt.date = strawberry.field(description="When it is to be reviewed.")
    category_id: strawberry.ID | None = strawberry.field(default=None, description="Only records of this category and its subcategories.")
    required: bool = strawberry.field(default=False, description="Records it applies to must have a value.")
    default: str | None = strawberry.field(default=None, description="Default value on create (as text).")
    max_length: int | None = strawberry.field(default=None, description="Text: longest value (default 200, at most 1000).")
    scale: int | None = strawberry.field(default=None, description="Decimal: decimal places (default 2, at most 6).")
    unit: str = strawberry.field(default="", description="Unit of a number (`µm`).")
    min_value: str | None = strawberry.field(default=None, description="Smallest allowed number or date.")
    max_value: str | None = strawberry.field(default=None, description="Largest allowed number or date.")
    pattern: str = strawberry.field(default="", description="Text: a regular expression the whole value must match.")
    choices: list[str] | None = strawberry.field(default=None, description="Choice: the allowed values.")
    ref_entity: str | None = strawberry.field(default=None, description="Reference: the entity it points to.")
    help_text: str = strawberry.field(default="", description="Help for people filling it in.")


@strawberry.input(description="One action of a flow rule.")
class FlowActionInput:
    type: str = strawberry.field(description="`notify`, `assign`, `task`, `set_field`, `sla` or `webhook`.")
    title: str | None = strawberry.field(default=None, description="Title; `{field}` inserts a payload value.")
    body: str | None = strawberry.field(default=None, description="Longer text of a notification.")
    users: list[str] | None = strawberry.field(default=None, description="Usernames: recipients, the task's assignee, or the SLA chain in order.")
    roles: list[str] | None = strawberry.field(default=None, description="notify: roles whose holders are notified.")
    responsible: bool = strawberry.field(default=False, description="notify/task: the record's responsible person.")
    due_minutes: int | None = strawberry.field(default=None, description="task (and optionally assign): due this many minutes after the event.")
    minutes: int | None = strawberry.field(default=None, description="sla: first response within this many minutes.")
    stop: str | None = strawberry.field(default=None, description="sla: condition over the record that stops the clock.")
    field: str | None = strawberry.field(default=None, description="set_field: the custom field code.")
    value: str | None = strawberry.field(default=None, description="set_field: the value, as text.")
    url: str | None = strawberry.field(default=None, description="webhook: the http(s) URL the event is POSTed to.")


@strawberry.input(description="A flow rule (created, or changed when the code exists).")
class FlowRuleInput:
    code: str = strawberry.field(description="Unique code.")
    name: str = strawberry.field(description="Name.")
    event: str = strawberry.field(description="Trigger: a declared event (`orders.sales_order.state_changed`).")
    actions: list[FlowActionInput] = strawberry.field(description="What to do.")
    owner: str = strawberry.field(description="Who owns the rule.")
    purpose: str = strawberry.field(description="Why it exists.")
    review_date: dt.date = strawberry.field(description="When it is to be reviewed.")
    condition: str = strawberry.field(default="", description="Condition over the payload, `record.<field>` and `custom.<code>`.")
    entity: str | None = strawberry.field(default=None, description="The entity the event is about (`orders.sales_order`).")
    record_key: str | None = strawberry.field(default=None, description="The payload field holding the record id (`order_id`).")
    active: bool = strawberry.field(default=True, description="Whether it runs.")
