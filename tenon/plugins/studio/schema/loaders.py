"""DataLoader batch functions of studio: the runs of rules."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import RuleRun

RUNS_PER_RULE = 20


def runs_of(session: Session, rule_ids: Sequence[int]) -> list[list[RuleRun]]:
    rows = session.scalars(select(RuleRun).where(RuleRun.rule_id.in_(list(rule_ids))).order_by(RuleRun.id.desc()))
    out: dict[int, list[RuleRun]] = {i: [] for i in rule_ids}
    for r in rows:
        if len(out[r.rule_id]) < RUNS_PER_RULE:
            out[r.rule_id].append(r)
    return [out[i] for i in rule_ids]
