"""qc's configuration kind (kernel hook ``tenon_config_kinds``): ``qc.check_item``, the check items
of every plan's current version, keyed ``<plan code>/<check code>``.

Applying never alters a version: a plan whose items differ gets its **next version** (the current
sampling kept, note "configuration version"), so past inspections keep the version they were
made with and their results. Plans themselves (product, stage, sampling) are not in this kind:
an item of a plan this site does not have is refused. Removing every item of a plan makes a
version without items (the plan then has nothing to check).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.config import ConfigKind
from tenon.core.errors import ValidationError

from ..models import InspectionPlan
from .plans import MAX_ITEMS, _check_items, _item_row, _write_version, current_version, items_of

KIND = "qc.check_item"
ITEM_KEYS = ("position", "name", "kind", "nominal", "lower_tolerance", "upper_tolerance", "unit", "decimals",
             "required")


def _number(value: Decimal | None, decimals: int) -> str | None:
    return None if value is None else f"{Decimal(value):.{decimals}f}"


def _item(row: Any, position: int) -> dict[str, Any]:
    return {"position": position, "name": row["name"] if isinstance(row, dict) else row.name,
            **{k: (row[k] if isinstance(row, dict) else getattr(row, k)) for k in ("kind", "unit", "required")},
            "decimals": (row["decimals"] if isinstance(row, dict) else row.decimals),
            **{k: _number(row[k] if isinstance(row, dict) else getattr(row, k),
                          row["decimals"] if isinstance(row, dict) else row.decimals)
               for k in ("nominal", "lower_tolerance", "upper_tolerance")}}


def export_items(session: Session) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for plan in session.scalars(select(InspectionPlan).order_by(InspectionPlan.code)):
        for pos, item in enumerate(items_of(session, current_version(session, plan).id), start=1):
            out[f"{plan.code}/{item.code}"] = _item(item, pos)
    return out


def _split(key: str) -> tuple[str, str]:
    plan, sep, code = key.partition("/")
    if not sep or not plan or not code:
        raise ValidationError("a check item's key is <plan code>/<check code>", field="key")
    return plan, code


def validate_item(session: Session, key: str, item: dict[str, Any] | None) -> dict[str, Any] | None:
    plan, code = _split(key)
    if session.scalar(select(InspectionPlan.id).where(InspectionPlan.code == plan)) is None:
        raise ValidationError(f"no inspection plan {plan!r} on this site (create the plan first)", field="key")
    if item is None:
        return None
    extra = set(item) - set(ITEM_KEYS)
    if extra:
        raise ValidationError(f"unknown check item field(s) {', '.join(sorted(extra))}", field="item")
    position = item.get("position", MAX_ITEMS)
    if isinstance(position, bool) or not isinstance(position, int) or not 1 <= position <= MAX_ITEMS:
        raise ValidationError(f"position: a whole number from 1 to {MAX_ITEMS}", field="item.position")
    row = _item_row({**item, "code": code}, "item.")
    return _item(row, position)


def apply_items(session: Session, items: dict[str, dict[str, Any]]) -> None:
    wanted: dict[str, list[tuple[int, str, dict[str, Any]]]] = {}
    for key, item in items.items():
        plan, code = _split(key)
        wanted.setdefault(plan, []).append((int(item.get("position", MAX_ITEMS)), code, item))
    for plan in session.scalars(select(InspectionPlan).order_by(InspectionPlan.code)):
        cur = current_version(session, plan)
        now = {f"{plan.code}/{i.code}": _item(i, pos) for pos, i in enumerate(items_of(session, cur.id), start=1)}
        mine = sorted(wanted.pop(plan.code, []), key=lambda t: (t[0], t[1]))
        target = {f"{plan.code}/{code}": {**item, "position": pos}
                  for pos, (_p, code, item) in enumerate(mine, start=1)}
        if target == now:
            continue
        rows = _check_items([{**{k: v for k, v in item.items() if k != "position"}, "code": code}
                             for _p, code, item in mine])
        _write_version(session, plan, plan.current_version + 1, cur.sampling_method, cur.sampling_value, rows,
                       "configuration version")
    if wanted:
        raise ValidationError(f"no inspection plan {', '.join(sorted(wanted))} on this site", field="changes")


def describe_item(key: str, item: dict[str, Any]) -> str:
    if item.get("kind") == "measurement":
        lo, hi = item.get("lower_tolerance"), item.get("upper_tolerance")
        return f"{key}: {item.get('name')} {item.get('nominal')} ({lo or '-'}/{hi or '+'}) {item.get('unit') or ''}".rstrip()
    return f"{key}: {item.get('name')} ({item.get('kind')})"


def config_kinds() -> list[ConfigKind]:
    return [ConfigKind(name=KIND, label="inspection check item", export=export_items, apply=apply_items,
                       needs_approval=True, describe=describe_item, validate=validate_item)]
