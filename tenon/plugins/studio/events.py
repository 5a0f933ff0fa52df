"""Events studio declares (after commit): a custom field reaching a value can trigger rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from tenon.core.events import Event


@dataclass(frozen=True)
class CustomValueChanged(Event):
    """A record's custom field changed (through the entity's own mutations or a rule's set_field);
    values as text (``null`` when cleared). Trigger a rule with it: ``field == 'x' and new == 'y'``."""

    name: ClassVar[str] = "studio.value.changed"
    entity: str
    record_id: int
    field: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class WebhookRequested(Event):
    """A rule's webhook action: studio POSTs ``body`` (JSON) to ``url`` from the outbox after the
    commit; a failed call is retried by the outbox with backoff."""

    name: ClassVar[str] = "studio.webhook.requested"
    rule: str
    url: str
    body: str


EVENTS = (CustomValueChanged, WebhookRequested)
