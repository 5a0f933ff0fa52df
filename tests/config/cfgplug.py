"""``cfgplug``: a throw-away plugin that contributes a configuration kind the way studio's custom
fields will: its items (``cfgplug.label``: ``{"text": ..., "required": ...}``, kept in
``core_setting``) shape the GraphQL schema (one root field ``cfgplug_<key>`` per item), a
label-only change needs no approval, and it declares one numbering sequence.
"""

from __future__ import annotations

from typing import Any

import strawberry

from tenon import PluginInfo, hookimpl
from tenon.core.config import ConfigKind
from tenon.core.contributions import SchemaContribution
from tenon.core.errors import ValidationError
from tenon.core.models import Setting
from tenon.core.sequences import SequenceSpec, next_number
from tenon.graphql.permissions import allowed

STORE = "cfgplug.labels"


def _export(session: Any) -> dict[str, Any]:
    row = session.get(Setting, STORE)
    return dict(row.value) if row is not None else {}


def _apply(session: Any, items: dict[str, Any]) -> None:
    row = session.get(Setting, STORE)
    if row is None:
        session.add(Setting(key=STORE, value=items))
    else:
        row.value = items
    session.flush()


def _validate(session: Any, key: str, item: dict[str, Any] | None) -> dict[str, Any] | None:
    if not key.isidentifier() or not key.islower():
        raise ValidationError("a label key is a lowercase identifier", field="key")
    if item is None:
        return None
    if not isinstance(item.get("text"), str) or not item["text"]:
        raise ValidationError("text: required", field="item.text")
    return {"text": item["text"], "required": bool(item.get("required", False))}


def _label_only(old: dict[str, Any] | None, new: dict[str, Any] | None) -> bool:
    if old is None or new is None:
        return True
    return {k for k in set(old) | set(new) if old.get(k) != new.get(k)} != {"text"}


LABEL_KIND = ConfigKind(name="cfgplug.label", label="label", export=_export, apply=_apply,
                        needs_approval=_label_only, describe=lambda key, item: f"{key} ({item['text']})",
                        validate=_validate)


def _resolver(text: str) -> Any:
    def resolve() -> str:
        return text
    return resolve


class CfgPlug:
    __name__ = "cfgplug_plugin"

    @hookimpl
    def tenon_plugin_info(self):
        return PluginInfo(name="cfgplug", version="0.1.0", summary="Test plugin: a configuration kind")

    @hookimpl
    def tenon_config_kinds(self, app):
        return [LABEL_KIND]

    @hookimpl
    def tenon_policies(self, app):
        return [("p", "user", "cfgplug.label", "read", "*")]

    @hookimpl
    def tenon_sequences(self, app):
        return [SequenceSpec(code="cfgplug.ticket", prefix="T-", padding=4)]

    @hookimpl
    def tenon_graphql_contributions(self, app):
        with app.sessionmaker() as s:
            labels = _export(s)
        fields = {f"cfgplug_{key}": strawberry.field(resolver=_resolver(item["text"]), description=f"Label {key}.",
                                                     extensions=allowed("cfgplug.label", "read"))
                  for key, item in sorted(labels.items())}
        fields["cfgplug_count"] = strawberry.field(resolver=_resolver(str(len(labels))), description="How many.",
                                                   extensions=allowed("cfgplug.label", "read"))
        query = strawberry.type(type("CfgplugQuery", (), fields))
        return SchemaContribution(query=query, mutation=CfgplugMutation)


@strawberry.type
class CfgplugMutation:
    @strawberry.mutation(description="Take the next ticket number (sequence cfgplug.ticket).",
                         extensions=allowed("cfgplug.label", "read"))
    async def cfgplug_ticket(self, info: strawberry.Info) -> str:
        return await info.context.run(lambda session: next_number(session, "cfgplug.ticket"))


