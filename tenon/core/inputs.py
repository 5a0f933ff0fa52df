"""Checks of client input shared by every plugin's services: one wording of the ``VALIDATION``
errors (naming the field) wherever a service takes a name, a note or a code."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tenon.core.db import current_actor
from tenon.core.errors import ValidationError


def text(value: Any, field: str, *, required: bool = True, max_len: int = 200) -> str:
    """``value`` as trimmed text; ``VALIDATION`` naming ``field`` when it is empty (and
    ``required``) or longer than ``max_len`` characters. ``None`` is empty."""
    s = ("" if value is None else str(value)).strip()
    if required and not s:
        raise ValidationError(f"{field} is required", field=field)
    if len(s) > max_len:
        raise ValidationError(f"{field} is longer than {max_len} characters", field=field)
    return s


def actor_name(session: Session) -> str | None:
    """The username of the unit of work's actor (``None`` for system work: demo, CLI, outbox)."""
    actor = current_actor(session)
    return actor.username if actor is not None else None
