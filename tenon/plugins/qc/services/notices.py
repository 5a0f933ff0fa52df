"""After-commit notifications (outbox subscribers; idempotent through their dedupe keys)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tenon.core.notifications import notify

STAGE_NAMES = {"receipt": "Incoming", "in_process": "In-process", "final": "Final"}


def on_created(session: Session, event) -> None:
    """An inspection is waiting: the plan's inspector, or else every ``inspector``, hears of it."""
    who = {"usernames": [event.inspector]} if event.inspector else {"roles": ["inspector"]}
    notify(session, **who, event=event.name,
           title=f"{STAGE_NAMES.get(event.stage, event.stage)} inspection {event.number} is waiting",
           entity_type="qc_inspection", entity_id=event.inspection_id,
           dedupe_key=f"{event.name}:{event.inspection_id}")


def on_failed(session: Session, event) -> None:
    """A failed inspection: quality managers are told a nonconformance waits for a disposition."""
    notify(session, roles=["quality_manager"], event=event.name,
           title=f"Inspection {event.number} failed: nonconformance waiting for a disposition",
           entity_type="qc_nonconformance", entity_id=event.nonconformance_id,
           dedupe_key=f"{event.name}:{event.inspection_id}")
