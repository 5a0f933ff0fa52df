"""Deterministic demo data: the machining and assembly shop of the demo plant.

Work centers CNC (2 machines) and ASM; the operation library (turning, drilling, assembly with
inspection); a routing and a BOM for the front brake disc FG-BD280V-F (from stock's demo: cast
disc + rust preventive), and the people: ``planner_wu`` (planner), ``op_li`` (operator at CNC),
``lead_zhao`` (work center lead, the centers' lead) and ``cnc07`` (a device bound to CNC).
Idempotent: everything is looked up by code or username first.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.demo import demo_user
from tenon.plugins.stock import Product

from .models import Operation, WorkCenter
from .services import boms, library, work_centers

CENTERS = [("CNC", "CNC machining", 2, "lead_zhao"), ("ASM", "Assembly and packing", 1, "lead_zhao")]
OPERATIONS = [("OP-TURN", "Turn disc faces", "CNC", "1.2", "15", False),
              ("OP-DRILL", "Drill and chamfer bolt holes", "CNC", "0.8", "10", False),
              ("OP-PACK", "Coat, inspect and pack", "ASM", "0.5", "5", True)]


def load(session: Session, progress: Callable[[str], None]) -> None:
    progress("mrp people")
    demo_user(session, "planner_wu", roles=["planner"], display_name="Wu (planner)")
    demo_user(session, "lead_zhao", roles=["work_center_lead"], display_name="Zhao (workshop lead)",
              attributes={"work_centers": ["CNC", "ASM"]})
    demo_user(session, "op_li", roles=["operator"], display_name="Li (CNC operator)", attributes={"work_centers": ["CNC"]})
    demo_user(session, "cnc07", roles=["device"], display_name="CNC-07 controller", attributes={"work_centers": ["CNC"]})
    progress("work centers and operations")
    wc = {}
    for code, name, capacity, lead in CENTERS:
        wc[code] = session.scalar(select(WorkCenter).where(WorkCenter.code == code)) or work_centers.create_work_center(
            session, code=code, name=name, capacity=capacity, lead_username=lead)
    ops = {}
    for code, name, center, per_unit, setup, inspect in OPERATIONS:
        ops[code] = session.scalar(select(Operation).where(Operation.code == code)) or library.create_operation(
            session, code=code, name=name, work_center_id=wc[center].id, minutes_per_unit=Decimal(per_unit),
            setup_minutes=Decimal(setup), inspection_required=inspect)
    codes = {p.code: p for p in session.scalars(select(Product).where(Product.code.in_(
        ["FG-BD280V-F", "SF-BD280-CAST", "RM-RUSTPREV"])))}
    disc = codes.get("FG-BD280V-F")
    if disc is None or len(codes) < 3:
        return
    progress("routing and BOM of FG-BD280V-F")
    if library.active_routing(session, disc.id) is None:
        library.create_routing(session, product_id=disc.id, steps=[{"operation_id": ops[c].id} for c in ("OP-TURN", "OP-DRILL", "OP-PACK")])
    if boms.active_bom(session, disc.id) is None:
        boms.create_bom(session, product_id=disc.id, lines=[
            {"component_id": codes["SF-BD280-CAST"].id, "quantity": Decimal(1), "scrap_factor": Decimal("0.02")},
            {"component_id": codes["RM-RUSTPREV"].id, "quantity": Decimal("0.05")}])
