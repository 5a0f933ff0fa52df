"""After-commit notifications to the people responsible (outbox subscribers; idempotent)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tenon.core.notifications import notify

from ..models import WorkCenter


def _lead(session: Session, work_center_id: int | None) -> str | None:
    wc = session.get(WorkCenter, work_center_id) if work_center_id else None
    return wc.lead_username if wc is not None else None


def on_created(session: Session, event) -> None:
    """A new work order: the lead of its first work center hears of it."""
    lead = _lead(session, event.first_work_center_id)
    if lead:
        notify(session, usernames=[lead], event=event.name, title=f"New work order {event.number}",
               entity_type="mrp_work_order", entity_id=event.work_order_id,
               dedupe_key=f"{event.name}:{event.work_order_id}")


def on_released(session: Session, event) -> None:
    """A released work order: its first work center's lead may start."""
    lead = _lead(session, event.first_work_center_id)
    if lead:
        notify(session, usernames=[lead], event=event.name, title=f"Work order {event.number} released",
               entity_type="mrp_work_order", entity_id=event.work_order_id,
               dedupe_key=f"{event.name}:{event.work_order_id}")


def on_operation_completed(session: Session, event) -> None:
    """An operation completed: the next work center's lead is told it is ready."""
    lead = _lead(session, event.next_work_center_id)
    if lead:
        notify(session, usernames=[lead], event=event.name, title=f"Work order {event.number}: next operation ready",
               entity_type="mrp_work_order", entity_id=event.work_order_id,
               dedupe_key=f"{event.name}:{event.operation_id}")


def on_exception_reported(session: Session, event) -> None:
    """A new exception: the assignee is told."""
    if event.assigned_to:
        notify(session, usernames=[event.assigned_to], event=event.name,
               title=f"Production exception ({event.type.replace('_', ' ')}) assigned to you",
               entity_type="mrp_exception", entity_id=event.exception_id,
               dedupe_key=f"{event.name}:{event.exception_id}")
