"""Cause categories of rework (the list the quality manager keeps)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.errors import ValidationError
from tenon.core.ids import get_record
from tenon.core.inputs import text

from ..models import ReworkCause

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_.-]{0,39}$")


def create_cause(session: Session, *, code: str, name: str, description: str = "") -> ReworkCause:
    """A new cause category; ``code`` is 1-40 of A-Z 0-9 _ . - and unique."""
    code = text(code, "code", max_len=40).upper()
    if not CODE_RE.match(code):
        raise ValidationError("code must be 1-40 characters of A-Z 0-9 _ . -", field="code")
    if session.scalar(select(ReworkCause.id).where(ReworkCause.code == code)) is not None:
        raise ValidationError(f"cause {code} already exists", field="code")
    cause = ReworkCause(code=code, name=text(name, "name"), description=text(description, "description",
                                                                               required=False, max_len=2000))
    session.add(cause)
    session.flush()
    return cause


def update_cause(session: Session, cause_id: Any, *, name: str | None = None, description: str | None = None,
                 active: bool | None = None) -> ReworkCause:
    """Rename, describe, retire (``active=False``: no new rework order may name it) or revive a cause."""
    cause = get_record(session, ReworkCause, cause_id, what="cause")
    if name is not None:
        cause.name = text(name, "name")
    if description is not None:
        cause.description = text(description, "description", required=False, max_len=2000)
    if active is not None:
        cause.active = active
    session.flush()
    return cause
