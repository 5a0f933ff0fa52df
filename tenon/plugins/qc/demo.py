"""Deterministic demo data: the quality people and plans of the demo plant.

``qc_chen`` (inspector, the plans' inspector) and ``qm_liu`` (quality manager); for the front
brake disc FG-BD280V-F (stock's demo), an in-process plan after "Coat, inspect and pack"
(OP-PACK, marked inspection required in mrp's demo): disc thickness 28.00 −0.05/+0.05 mm,
runout at most 0.05 mm, coating visual pass/fail, every 10th disc; and a final plan (the same
checks, first 5 discs) that is left **inactive**, so the demo's other flows ship as before:
activate it (``inspectionPlanSetActive``) to see the final release gate. Idempotent: plans are
looked up by code, users by username.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.demo import demo_user
from tenon.plugins.stock import Product

from .models import InspectionPlan
from .services.plans import create_plan, set_plan_active

ITEMS = [
    {"code": "THK", "name": "Disc thickness", "kind": "measurement", "nominal": "28.00", "lower_tolerance": "-0.05",
     "upper_tolerance": "0.05", "unit": "mm", "decimals": 2},
    {"code": "RUNOUT", "name": "Lateral runout", "kind": "measurement", "nominal": "0", "upper_tolerance": "0.05",
     "unit": "mm", "decimals": 3},
    {"code": "COAT", "name": "Coating visual", "kind": "pass_fail"},
]


def load(session: Session, progress: Callable[[str], None]) -> None:
    progress("quality people")
    demo_user(session, "qc_chen", roles=["inspector"], display_name="Chen (inspector)")
    demo_user(session, "qm_liu", roles=["quality_manager"], display_name="Liu (quality manager)")
    disc = session.scalar(select(Product).where(Product.code == "FG-BD280V-F"))
    if disc is None:
        return
    progress("inspection plans")
    if session.scalar(select(InspectionPlan.id).where(InspectionPlan.code == "QP-BD280-FINAL")) is None:
        plan = create_plan(session, code="QP-BD280-FINAL", name="Front disc final inspection", stage="final",
                           product_id=disc.id, sampling_method="first_n", sampling_value=5,
                           inspector_username="qc_chen", items=ITEMS)
        set_plan_active(session, plan.id, False)
    if session.scalar(select(InspectionPlan.id).where(InspectionPlan.code == "QP-BD280-PACK")) is None:
        create_plan(session, code="QP-BD280-PACK", name="Front disc after packing", stage="in_process",
                    product_id=disc.id, sampling_method="every_nth", sampling_value=10, blocks_next=False,
                    inspector_username="qc_chen", items=ITEMS)
