"""After-commit notifications of rework (outbox subscribers; idempotent through dedupe keys)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tenon.core.notifications import notify
from tenon.plugins.mrp import WorkCenter

from ..models import ReworkOrder


def on_created(session: Session, event: Any) -> None:
    """A new rework order: the rework planners plan it, and the lead of the work center held
    responsible hears of it."""
    ro = session.get(ReworkOrder, event.rework_order_id)
    if ro is None:  # gone again (rolled back elsewhere, or rework uninstalled meanwhile)
        return
    wc = session.get(WorkCenter, ro.responsible_work_center_id) if ro.responsible_work_center_id else None
    title = f"Rework order {ro.number} opened ({ro.quantity.normalize():f} pcs, {ro.source.replace('_', ' ')})"
    notify(session, roles=["rework_planner"], event=event.name, title=title, entity_type="rework_order",
           entity_id=ro.id, dedupe_key=f"{event.name}:{ro.id}:planners")
    if wc is not None and wc.lead_username:
        notify(session, usernames=[wc.lead_username], event=event.name,
               title=f"{title}: {wc.code} is held responsible", entity_type="rework_order", entity_id=ro.id,
               dedupe_key=f"{event.name}:{ro.id}:lead")
