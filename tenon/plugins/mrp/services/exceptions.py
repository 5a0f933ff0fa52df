"""Production exceptions (异常上报): report, assign by type and work center, respond, resolve,
escalate along the responsibility chain after the SLA, and the response-time KPI.

Assignment: the rule for (type, work center), else for (type, any work center), gives the chain
of usernames and the SLA in minutes; without a rule the chain is the work center's lead and the
SLA 30 minutes. The first person in the chain is assigned; ``escalate_overdue`` moves an
exception not yet acknowledged past its due time to the next person (due again one SLA later),
recording each step. Photos are kernel attachments linked to ``mrp_exception`` / its id.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.db import utcnow
from tenon.core.errors import InvalidState, ValidationError
from tenon.core.events import publish
from tenon.core.ids import get_record
from tenon.core.notifications import notify
from tenon.core.inputs import actor_name, text

from ..events import ExceptionReported
from ..models import EXCEPTION_TYPES, ExceptionRule, ProductionException, WorkCenter, WorkOrder, WorkOrderOperation
from ._common import all_rows
from .work_orders import operations_of

DEFAULT_SLA = 30


def set_rule(session: Session, *, type: str, chain: Sequence[str], sla_minutes: int,
             work_center_id: Any = None) -> ExceptionRule:
    """Create or replace the assignment rule of an exception type (at one work center or all)."""
    if type not in EXCEPTION_TYPES:
        raise ValidationError(f"type must be one of {', '.join(EXCEPTION_TYPES)}", field="type")
    names = [text(n, f"chain[{i}]", max_len=100) for i, n in enumerate(chain)]
    if not names:
        raise ValidationError("a responsibility chain names at least one person", field="chain")
    if not 1 <= int(sla_minutes) <= 7 * 24 * 60:
        raise ValidationError("slaMinutes must be between 1 and 10080", field="slaMinutes")
    wc_id = get_record(session, WorkCenter, work_center_id, field="workCenterId", what="work center").id \
        if work_center_id is not None else None
    rule = session.scalar(select(ExceptionRule).where(ExceptionRule.type == type, ExceptionRule.work_center_id.is_(None)
                                                      if wc_id is None else ExceptionRule.work_center_id == wc_id))
    if rule is None:
        rule = ExceptionRule(type=type, work_center_id=wc_id)
        session.add(rule)
    rule.chain, rule.sla_minutes = names, int(sla_minutes)
    session.flush()
    return rule


def report_exception(session: Session, *, work_order_id: Any, type: str, description: str,
                     operation_id: Any = None) -> ProductionException:
    """Report an exception on a work order (and operation): assigned at once; event
    ``mrp.exception.reported`` notifies the assignee after commit."""
    if type not in EXCEPTION_TYPES:
        raise ValidationError(f"type must be one of {', '.join(EXCEPTION_TYPES)}", field="type")
    wo = get_record(session, WorkOrder, work_order_id, field="workOrderId", what="work order")
    if operation_id is not None:
        op = get_record(session, WorkOrderOperation, operation_id, field="operationId", what="operation")
        if op.work_order_id != wo.id:
            raise ValidationError("the operation belongs to another work order", field="operationId")
    else:
        open_ops = [o for o in operations_of(session, wo.id) if o.state != "done"] or operations_of(session, wo.id)
        if not open_ops:
            raise ValidationError("the work order has no operations yet: name one or release it", field="workOrderId")
        op = None
        wc_id = open_ops[0].work_center_id
    wc_id = op.work_center_id if op is not None else wc_id
    rules = {r.work_center_id: r for r in session.scalars(select(ExceptionRule).where(ExceptionRule.type == type))}
    rule = rules.get(wc_id) or rules.get(None)
    if rule is not None:
        chain, sla = list(rule.chain), rule.sla_minutes
    else:
        lead = session.get(WorkCenter, wc_id).lead_username
        chain, sla = ([lead] if lead else []), DEFAULT_SLA
    now = utcnow()
    exc = ProductionException(type=type, state="open", description=text(description, "description", max_len=5000),
                              work_order_id=wo.id, operation_id=op.id if op else None, work_center_id=wc_id,
                              reported_by=actor_name(session), reported_at=now, chain=chain, level=0,
                              assigned_to=chain[0] if chain else None, sla_minutes=sla,
                              due_at=now + dt.timedelta(minutes=sla), escalations=[])
    session.add(exc)
    session.flush()
    publish(session, ExceptionReported(exception_id=exc.id, work_order_id=wo.id, type=type,
                                       assigned_to=exc.assigned_to))
    return exc


def respond_exception(session: Session, exception_id: Any) -> ProductionException:
    """First response (acknowledge): stops the SLA clock."""
    exc = get_record(session, ProductionException, exception_id, what="exception")
    if exc.state != "open":
        raise InvalidState(f"exception {exc.id} is {exc.state}", field="state", details={"state": exc.state})
    exc.state, exc.first_response_at, exc.responded_by = "acknowledged", utcnow(), actor_name(session)
    session.flush()
    return exc


def resolve_exception(session: Session, exception_id: Any, resolution: str) -> ProductionException:
    """Resolve an exception (a first response too, if it had none)."""
    exc = get_record(session, ProductionException, exception_id, what="exception")
    if exc.state == "resolved":
        raise InvalidState(f"exception {exc.id} is resolved", field="state", details={"state": exc.state})
    now = utcnow()
    if exc.first_response_at is None:
        exc.first_response_at, exc.responded_by = now, actor_name(session)
    exc.state, exc.resolved_at = "resolved", now
    exc.resolution = text(resolution, "resolution", max_len=5000)
    session.flush()
    return exc


def reassign_exception(session: Session, exception_id: Any, username: str) -> ProductionException:
    """Give an open or acknowledged exception to someone else (recorded like an escalation)."""
    exc = get_record(session, ProductionException, exception_id, what="exception")
    if exc.state == "resolved":
        raise InvalidState(f"exception {exc.id} is resolved", field="state", details={"state": exc.state})
    to = text(username, "username", max_len=100)
    exc.escalations = [*exc.escalations, {"at": utcnow().isoformat(), "from": exc.assigned_to, "to": to,
                                          "by": actor_name(session), "reason": "reassigned"}]
    exc.assigned_to = to
    session.flush()
    return exc


def escalate_overdue(session: Session, now: dt.datetime | None = None) -> list[ProductionException]:
    """Escalate every open exception past its due time to the next person in its chain."""
    now = now or utcnow()
    out = []
    for exc in all_rows(session, select(ProductionException).where(
            ProductionException.state == "open", ProductionException.due_at <= now).order_by(ProductionException.id)):
        if exc.level + 1 >= len(exc.chain):
            continue
        nxt = exc.chain[exc.level + 1]
        exc.escalations = [*exc.escalations, {"at": now.isoformat(), "from": exc.assigned_to, "to": nxt,
                                              "by": None, "reason": "sla"}]
        exc.level, exc.assigned_to = exc.level + 1, nxt
        exc.due_at = now + dt.timedelta(minutes=exc.sla_minutes)
        notify(session, usernames=[nxt], event="mrp.exception.escalated",
               title=f"Escalated to you: {exc.type.replace('_', ' ')} on work order {exc.work_order_id}",
               entity_type="mrp_exception", entity_id=exc.id, dedupe_key=f"mrp.exception.escalated:{exc.id}:{exc.level}")
        out.append(exc)
    session.flush()
    return out


@dataclass
class ResponseTime:
    """Minutes from report to first response for one (type, work center)."""

    type: str
    work_center_id: int
    count: int
    responded: int
    average_minutes: float | None
    p90_minutes: float | None
    open_past_sla: int


def response_time(session: Session, start: dt.datetime, end: dt.datetime, now: dt.datetime | None = None) -> list[ResponseTime]:
    """KPI over exceptions reported in ``[start, end)``: average and p90 (nearest rank) minutes to
    first response per type and work center, and how many are still unanswered past their SLA."""
    now = now or utcnow()
    groups: dict[tuple[str, int], list[ProductionException]] = {}
    for e in session.scalars(select(ProductionException).where(ProductionException.reported_at >= start,
                                                               ProductionException.reported_at < end)):
        groups.setdefault((e.type, e.work_center_id), []).append(e)
    out = []
    for (type_, wc), rows in sorted(groups.items()):
        mins = sorted((e.first_response_at - e.reported_at).total_seconds() / 60 for e in rows if e.first_response_at)
        late = sum(1 for e in rows if e.first_response_at is None and e.due_at is not None and e.due_at <= now)
        out.append(ResponseTime(type_, wc, len(rows), len(mins), round(sum(mins) / len(mins), 2) if mins else None,
                                round(mins[math.ceil(0.9 * len(mins)) - 1], 2) if mins else None, late))
    return out
