"""Inspection plans: created with their first version; every change of the sampling or of the
check items makes the next version (copying the rest), so an inspection keeps the version it
was made with and its results never change meaning.

Which plan applies to a product at a stage (:func:`plan_for`): the most specific active one:
the product's own plan before a plan of its category, a nearer category before its parent;
for ``in_process``, a plan naming the operation before one for any operation.

Limits: at most :data:`MAX_ITEMS` check items per version; codes up to 40 characters, names up
to 200; measurement decimals 0 … 6.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.errors import NotFound, ValidationError
from tenon.core.ids import decode_id, get_record
from tenon.core.inputs import text
from tenon.plugins.stock import Category, Product

from ..models import ITEM_KINDS, STAGES, CheckItem, InspectionPlan, PlanVersion
from ._common import all_rows, decimal_in
from .sampling import check_sampling

MAX_ITEMS = 100


def _item_row(spec: dict[str, Any], field: str) -> dict[str, Any]:
    kind = spec.get("kind") or "measurement"
    if kind not in ITEM_KINDS:
        raise ValidationError(f"kind must be one of {', '.join(ITEM_KINDS)}", field=f"{field}kind")
    row: dict[str, Any] = {"code": text(spec.get("code"), f"{field}code", max_len=40),
                           "name": text(spec.get("name") or spec.get("code"), f"{field}name"),
                           "kind": kind, "required": bool(spec.get("required", True)),
                           "unit": text(spec.get("unit"), f"{field}unit", required=False, max_len=20),
                           "decimals": 0, "nominal": None, "lower_tolerance": None, "upper_tolerance": None}
    if kind == "measurement":
        decimals = int(spec.get("decimals", 2) if spec.get("decimals") is not None else 2)
        if not 0 <= decimals <= 6:
            raise ValidationError("decimals must be from 0 to 6", field=f"{field}decimals")
        if spec.get("nominal") is None:
            raise ValidationError("a measurement needs a nominal value", field=f"{field}nominal")
        row["decimals"] = decimals
        row["nominal"] = decimal_in(spec["nominal"], f"{field}nominal", places=decimals)
        for name, key in (("lowerTolerance", "lower_tolerance"), ("upperTolerance", "upper_tolerance")):
            if spec.get(key) is not None:
                row[key] = decimal_in(spec[key], f"{field}{name}", places=decimals)
        lo, hi = row["lower_tolerance"], row["upper_tolerance"]
        if lo is None and hi is None:
            raise ValidationError("a measurement needs a lower or an upper tolerance", field=f"{field}upperTolerance")
        if lo is not None and hi is not None and lo > hi:
            raise ValidationError("the lower tolerance is above the upper one", field=f"{field}lowerTolerance")
    return row


def _check_items(specs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    if len(specs) > MAX_ITEMS:
        raise ValidationError(f"a plan has at most {MAX_ITEMS} check items", field="items")
    rows = [_item_row(s, f"items[{i}].") for i, s in enumerate(specs)]
    codes = [r["code"] for r in rows]
    dupes = sorted({c for c in codes if codes.count(c) > 1})
    if dupes:
        raise ValidationError(f"check item codes must be unique in a plan: {', '.join(dupes)}", field="items",
                              details={"duplicates": dupes})
    return rows


def items_of(session: Session, version_id: int) -> list[CheckItem]:
    return list(session.scalars(select(CheckItem).where(CheckItem.version_id == version_id)
                                .order_by(CheckItem.position, CheckItem.id)))


def current_version(session: Session, plan: InspectionPlan) -> PlanVersion:
    return session.scalars(select(PlanVersion).where(PlanVersion.plan_id == plan.id,
                                                     PlanVersion.version_no == plan.current_version)).one()


def _write_version(session: Session, plan: InspectionPlan, version_no: int, method: str, value: Decimal | None,
                   rows: list[dict[str, Any]], note: str) -> PlanVersion:
    v = PlanVersion(plan_id=plan.id, version_no=version_no, sampling_method=method, sampling_value=value, note=note)
    session.add(v)
    session.flush()
    for pos, r in enumerate(rows, start=1):
        session.add(CheckItem(version_id=v.id, position=pos, **r))
    plan.current_version = version_no
    session.flush()
    return v


def create_plan(session: Session, *, code: str, name: str, stage: str, product_id: Any = None, category_id: Any = None,
                operation_id: Any = None, sampling_method: str = "all", sampling_value: Any = None,
                blocks_next: bool = True, inspector_username: str | None = None,
                items: Sequence[dict[str, Any]] = ()) -> InspectionPlan:
    """A plan and its version 1. Exactly one of ``product_id`` and ``category_id``;
    ``operation_id`` (an mrp library operation) only for ``in_process``."""
    code = text(code, "code", max_len=40)
    if session.scalar(select(InspectionPlan.id).where(InspectionPlan.code == code)) is not None:
        raise ValidationError(f"plan code {code!r} is already used", field="code")
    if stage not in STAGES:
        raise ValidationError(f"stage must be one of {', '.join(STAGES)}", field="stage")
    if (product_id is None) == (category_id is None):
        raise ValidationError("give a product or a category (one of them)", field="productId")
    pid = get_record(session, Product, product_id, field="productId", what="product").id if product_id is not None else None
    cid = get_record(session, Category, category_id, field="categoryId", what="category").id if category_id is not None else None
    op_id = decode_id(operation_id, "operationId") if operation_id is not None else None
    if op_id is not None and stage != "in_process":
        raise ValidationError("only an in-process plan follows an operation", field="operationId")
    value = check_sampling(sampling_method, sampling_value)
    rows = _check_items(items)
    plan = InspectionPlan(code=code, name=text(name, "name"), stage=stage, product_id=pid, category_id=cid,
                          operation_id=op_id, blocks_next=blocks_next, active=True, current_version=1,
                          inspector_username=text(inspector_username, "inspectorUsername", required=False,
                                                  max_len=100) or None)
    session.add(plan)
    session.flush()
    _write_version(session, plan, 1, sampling_method, value, rows, "created")
    return plan


def _spec(item: CheckItem) -> dict[str, Any]:
    return {"code": item.code, "name": item.name, "kind": item.kind, "nominal": item.nominal,
            "lower_tolerance": item.lower_tolerance, "upper_tolerance": item.upper_tolerance, "unit": item.unit,
            "decimals": item.decimals, "required": item.required}


def revise_plan(session: Session, plan_id: Any, *, add: Sequence[dict[str, Any]] = (),
                change: Sequence[dict[str, Any]] = (), remove: Sequence[str] = (),
                sampling_method: str | None = None, sampling_value: Any = None, note: str = "") -> InspectionPlan:
    """The next version of a plan: the current items with ``remove`` (codes) dropped,
    ``change`` (full items, by code) replaced, ``add`` appended, and the sampling changed when
    given. The previous versions and every inspection made with them stay as they were."""
    plan = get_record(session, InspectionPlan, plan_id, field="planId", what="inspection plan")
    cur = current_version(session, plan)
    items = [_spec(i) for i in items_of(session, cur.id)]
    codes = {i["code"] for i in items}
    unknown = [c for c in [*remove, *(ch.get("code") for ch in change)] if c not in codes]
    if unknown:
        raise NotFound(f"plan {plan.code} has no check item {', '.join(map(str, unknown))}", field="items",
                       details={"unknown": unknown})
    changed = {ch["code"]: ch for ch in change}
    items = [{**i, **changed[i["code"]]} if i["code"] in changed else i for i in items if i["code"] not in set(remove)]
    items.extend(add)
    rows = _check_items(items)
    method = sampling_method or cur.sampling_method
    value = check_sampling(method, sampling_value if sampling_method else cur.sampling_value)
    _write_version(session, plan, plan.current_version + 1, method, value, rows,
                   text(note, "note", required=False, max_len=500))
    return plan


def set_plan_active(session: Session, plan_id: Any, active: bool) -> InspectionPlan:
    plan = get_record(session, InspectionPlan, plan_id, field="planId", what="inspection plan")
    plan.active = active
    session.flush()
    return plan


def _category_chain(session: Session, category_id: int | None) -> list[int]:
    out: list[int] = []
    while category_id is not None and category_id not in out and len(out) < 50:
        out.append(category_id)
        category_id = session.scalar(select(Category.parent_id).where(Category.id == category_id))
    return out


def plan_for(session: Session, stage: str, product_id: int, library_operation_id: int | None = None) -> InspectionPlan | None:
    """The most specific active plan of ``stage`` for the product (see the module docstring)."""
    product = session.get(Product, product_id)
    if product is None:
        return None
    chain = _category_chain(session, product.category_id)
    plans = all_rows(session, select(InspectionPlan).where(InspectionPlan.stage == stage, InspectionPlan.active.is_(True)))

    def rank(p: InspectionPlan) -> tuple[int, int] | None:
        if stage == "in_process" and p.operation_id is not None and p.operation_id != library_operation_id:
            return None
        op_rank = 0 if p.operation_id is not None else 1
        if p.product_id == product.id:
            return (0, op_rank)
        if p.category_id in chain:
            return (1 + chain.index(p.category_id), op_rank)
        return None

    ranked = sorted(((r, p.id, p) for p in plans if (r := rank(p)) is not None), key=lambda t: (t[0], t[1]))
    return ranked[0][2] if ranked else None
