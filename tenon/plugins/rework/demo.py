"""rework's demo data: the cause categories a quality manager starts with (idempotent)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import ReworkCause

CAUSES = (("MACHINING", "Machining out of tolerance"), ("ASSEMBLY", "Assembly error"),
          ("MATERIAL", "Defective supplier material"), ("HANDLING", "Damaged in handling or transport"))


def load(session: Session, progress: Callable[[str], None]) -> None:
    progress("rework cause categories")
    have = set(session.scalars(select(ReworkCause.code)))
    for code, name in CAUSES:
        if code not in have:
            session.add(ReworkCause(code=code, name=name, description=""))
    session.flush()
