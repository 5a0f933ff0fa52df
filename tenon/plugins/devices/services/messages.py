"""Machine messages (from the MQTT bridge) to mrp's machine signals.

A message is a JSON object of at most :data:`MAX_BYTES` bytes. Its fields are read through the
device's ``mapping`` (logical name -> dotted path in the payload; defaults in
:data:`tenon.plugins.devices.services.devices.DEFAULT_MAPPING`):

* ``type``: ``completion`` (default), ``counter`` (pieces made since the last message) or
  ``heartbeat`` (a sign of life only);
* ``machine``: the device code, when a gateway publishes for several machines on one topic
  (default: the one device registered on the topic);
* ``workOrder``: the work order number (``WO-2026-00017``) or id; without it, the work order
  running (else ready) at the machine's work center;
* ``operation``: optional, the operation's sequence (``10``) or operation code (``TURN``);
* ``quantity`` (required, > 0), ``scrap``, ``reasonCode`` (required with scrap);
* ``messageId`` (required, at most 79 characters): the idempotency key, namespaced by the device
  (``<device code>:<messageId>``): a replay counts once.

Anything else is a malformed message: :class:`~tenon.plugins.devices.errors.BadMessage`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..errors import BadMessage

MAX_BYTES = 64 * 1024
#: ``messageId`` length: with the device code (40) and a colon, mrp's 120-character key.
MAX_ID = 79
TYPES = ("completion", "counter", "heartbeat")


@dataclass(frozen=True)
class MachineMessage:
    """A message mapped to what a machine signal needs."""

    type: str
    machine: str | None
    work_order: str | None
    operation: str | None
    quantity: Decimal | None
    scrap: Decimal
    reason_code: str | None
    message_id: str | None


def decode(payload: bytes) -> dict[str, Any]:
    """The JSON object in ``payload`` (``BAD_MESSAGE`` otherwise)."""
    if len(payload) > MAX_BYTES:
        raise BadMessage(f"message larger than {MAX_BYTES} bytes", field="payload")
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadMessage(f"not JSON: {exc}", field="payload") from None
    if not isinstance(data, dict):
        raise BadMessage("the message must be a JSON object", field="payload")
    return data


def get_path(data: dict[str, Any], path: str) -> Any:
    cur: Any = data
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def _scalar(value: Any, name: str, max_len: int) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise BadMessage(f"{name} must be a string or an integer", field=name)
    s = str(value).strip()
    if len(s) > max_len:
        raise BadMessage(f"{name} has at most {max_len} characters", field=name)
    return s or None


def _decimal(value: Any, name: str) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise BadMessage(f"{name} must be a number", field=name)
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        raise BadMessage(f"{name} must be a number", field=name) from None
    if not d.is_finite() or d < 0:
        raise BadMessage(f"{name} must be a number of zero or more", field=name)
    return d


def map_message(data: dict[str, Any], mapping: dict[str, str]) -> MachineMessage:
    """Read the logical fields of ``data`` through ``mapping``; checks types and required fields."""
    kind = (_scalar(get_path(data, mapping["type"]), "type", 20) or "completion").lower()
    if kind not in TYPES:
        raise BadMessage(f"type must be one of {', '.join(TYPES)}", field="type")
    msg = MachineMessage(
        type=kind, machine=_scalar(get_path(data, mapping["machine"]), "machine", 40),
        work_order=_scalar(get_path(data, mapping["workOrder"]), "workOrder", 40),
        operation=_scalar(get_path(data, mapping["operation"]), "operation", 40),
        quantity=_decimal(get_path(data, mapping["quantity"]), "quantity"),
        scrap=_decimal(get_path(data, mapping["scrap"]), "scrap") or Decimal(0),
        reason_code=_scalar(get_path(data, mapping["reasonCode"]), "reasonCode", 40),
        message_id=_scalar(get_path(data, mapping["messageId"]), "messageId", MAX_ID))
    if kind != "heartbeat":
        if msg.message_id is None:
            raise BadMessage("messageId is required (the idempotency key)", field="messageId")
        if msg.quantity is None:
            raise BadMessage("quantity is required", field="quantity")
        if msg.quantity + msg.scrap <= 0:
            raise BadMessage("quantity must be positive", field="quantity")
    return msg
