"""Nonconformances: opened by a failed inspection, given a disposition.

* ``scrap``: the held goods (quarantined lot, or finished goods of the work order) move to the
  scrap location; closed at once.
* ``use_as_is``: needs the ``accept`` action on ``qc.nonconformance`` (role
  ``quality_manager``) and a reason; the goods are released as if the inspection had passed;
  closed at once.
* ``rework``: offered only when a loaded plugin implements ``tenon_qc_rework_disposed``
  (otherwise ``DISPOSITION_UNAVAILABLE``, nothing changes); the hook is notified in the
  transaction and the goods stay held; the nonconformance stays ``dispositioned`` until that
  plugin (or a quality manager) closes it.

Every disposition lets the next operation after an in-process inspection go on.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.db import current_actor, utcnow
from tenon.core.errors import Forbidden, ValidationError
from tenon.core.events import publish
from tenon.core.ids import get_record
from tenon.core.sequences import next_number
from tenon.core.inputs import actor_name, text

from ..errors import DispositionUnavailable
from ..events import NonconformanceDisposed
from ..models import DISPOSITIONS, CheckItem, Inspection, InspectionResult, Nonconformance
from ..workflows import NONCONFORMANCE
from . import holds

REWORK_HOOK = "tenon_qc_rework_disposed"


def rework_available(app: Any) -> bool:
    """Whether a loaded plugin implements ``tenon_qc_rework_disposed``."""
    return bool(app.hooks.implementers(REWORK_HOOK))


def open_nonconformance(session: Session, insp: Inspection) -> Nonconformance:
    failed = session.execute(select(CheckItem.code, InspectionResult.sample_no)
                             .join(CheckItem, CheckItem.id == InspectionResult.check_item_id)
                             .where(InspectionResult.inspection_id == insp.id, InspectionResult.passed.is_(False))
                             .order_by(CheckItem.position, InspectionResult.sample_no)).all()
    desc = "failed: " + ", ".join(sorted({c for c, _s in failed}))
    nc = Nonconformance(number=next_number(session, "qc.nonconformance"), state="open", inspection_id=insp.id,
                        product_id=insp.product_id, lot_id=insp.lot_id, quantity=insp.quantity,
                        description=desc[:2000], opened_at=utcnow())
    session.add(nc)
    session.flush()
    return nc


def dispose(session: Session, nonconformance_id: Any, disposition: str, reason: str = "") -> Nonconformance:
    """Give a nonconformance its disposition (see the module docstring)."""
    nc = get_record(session, Nonconformance, nonconformance_id, field="id", what="nonconformance")
    if disposition not in DISPOSITIONS:
        raise ValidationError(f"disposition must be one of {', '.join(DISPOSITIONS)}", field="disposition")
    reason = text(reason, "reason", required=disposition == "use_as_is", max_len=500)
    app = session.info["app"]
    if disposition == "use_as_is":
        actor = current_actor(session)
        if actor is not None and not app.access.can(actor, "qc.nonconformance", "accept"):
            raise Forbidden("using nonconforming goods as is needs a quality manager (accept on qc.nonconformance)",
                            field="disposition")
    if disposition == "rework" and not rework_available(app):
        raise DispositionUnavailable("the rework disposition needs a plugin that carries out rework (none is "
                                     "installed): choose scrap or use as is", field="disposition",
                                     details={"available": ["scrap", "use_as_is"]})
    NONCONFORMANCE.transition(nc, "dispose")
    insp = session.get(Inspection, nc.inspection_id)
    nc.disposition, nc.reason, nc.disposed_by, nc.disposed_at = disposition, reason, actor_name(session), utcnow()
    NONCONFORMANCE.apply(session, nc, "dispose", note=reason)
    if disposition == "scrap":
        holds.scrap_for(session, insp)
    elif disposition == "use_as_is":
        holds.release_for(session, insp)
    if disposition != "rework":
        nc.closed_at = utcnow()
        NONCONFORMANCE.apply(session, nc, "close")
    from .inspections import unblock_after_disposition

    unblock_after_disposition(session, insp)
    if disposition == "rework":
        app.hooks.notify("tenon_qc_rework_disposed", session=session, nonconformance=nc, inspection=insp)
    publish(session, NonconformanceDisposed(nonconformance_id=nc.id, number=nc.number, disposition=disposition,
                                            inspection_id=insp.id))
    return nc


def close(session: Session, nonconformance_id: Any) -> Nonconformance:
    """Close a ``dispositioned`` nonconformance (a rework that was carried out)."""
    nc = get_record(session, Nonconformance, nonconformance_id, field="id", what="nonconformance")
    NONCONFORMANCE.transition(nc, "close")
    nc.closed_at = utcnow()
    NONCONFORMANCE.apply(session, nc, "close")
    return nc
