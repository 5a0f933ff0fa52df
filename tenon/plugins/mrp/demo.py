"""Deterministic demo data: the shop floor of the aluminium die-casting plant (EV housings).

Stable codes other plugins' demos build on (qc, rework: do not rename):

* work centers (calendar, capacity, lead, supply location): ``MELT`` melting and holding (7 days,
  24 h), ``HPDC`` die-casting cells (3 machines, 6 days, 20 h, a die-maintenance day in 9 days),
  ``TRIM``, ``XRAY`` (porosity check), ``CNC`` 5-axis machining (6 machines, 2 shifts, a service day
  in 4 days), ``WASH``, ``LEAK`` (helium leak test and impregnation), ``ASM`` (assembly and packing);
  casting centers draw from ``WH/RAW``, the others from ``WH/SEMI``;
* operations ``OP-CAST`` → ``OP-TRIM`` → ``OP-XRAY`` (every ``SF-*-CAST`` casting), ``OP-CNC-MH`` /
  ``OP-CNC-INV`` / ``OP-CNC-GB`` → ``OP-LEAK`` (the make-to-order housings ``FG-MH220``,
  ``FG-INV-H1``, ``FG-GB-H2`` and ``FG-MH180``: two operations, the second at LEAK), ``OP-CNC-SM`` →
  ``OP-WASH`` (small machined parts), ``OP-ASM`` (``FG-MH220-ASM``). ``inspectionRequired``:
  OP-XRAY, OP-LEAK, OP-ASM;
* BOMs three levels deep: ``FG-MH220-ASM`` → ``FG-MH220`` (made: its own work order) →
  ``SF-MH220-CAST`` → ``RM-A356-INGOT``; phantom ``SF-SEAL-KIT``; make-to-order flags on
  FG-MH220, FG-INV-H1 and FG-GB-H2;
* people (password ``<name>-demo``): ``planner`` (from orders' demo), ``lead_zhao`` (lead of
  MELT, HPDC, TRIM, XRAY), ``lead_chen`` (lead of CNC, WASH, LEAK, ASM), operators ``op_cast``
  [HPDC, TRIM, XRAY], ``op_cnc`` [CNC, WASH], ``op_asm`` [ASM], devices ``leak01`` [LEAK] and
  ``cell03`` [HPDC] (``tenon users token leak01`` gives an API token);
* history: work orders with ``originType "mrp.demo"`` and ``originId`` 1…16 (their natural key):
  1–10 done over the last three weeks (reports, issued requisitions, lots), 11–12 in progress,
  13–16 released for the coming days (work-center load); ``mrp.demo`` #4 (FG-MH180, 40 pcs, done
  6 days ago, lot = its number) is the one a rework demo may take up. Production exceptions on
  them answered fast (4–9 min) and slow (38–95 min), and one open past its SLA.

Idempotent: everything is looked up by code, username or natural key first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.db import utcnow
from tenon.core.demo import demo_user
from tenon.plugins.stock import Location, Product, issue_requisition

from .models import (
    Operation,
    OperationReport,
    ProductionException,
    ProductSetting,
    WorkCenter,
    WorkOrder,
    WorkOrderOperation,
    WorkOrderStateChange,
)
from .services import boms, exceptions, library, reporting, work_centers, work_orders

DEMO_ORIGIN = "mrp.demo"

# code, name, capacity, lead, working days, hours per day, downtime in N days, supply location
CENTERS = [
    ("MELT", "Melting and holding furnaces", 2, "lead_zhao", [1, 2, 3, 4, 5, 6, 7], 24, None, "WH/RAW"),
    ("HPDC", "High-pressure die-casting cells (2,700 t)", 3, "lead_zhao", [1, 2, 3, 4, 5, 6], 20, 9, "WH/RAW"),
    ("TRIM", "Trimming and deburring", 2, "lead_zhao", [1, 2, 3, 4, 5], 16, None, "WH/RAW"),
    ("XRAY", "X-ray porosity inspection", 1, "lead_zhao", [1, 2, 3, 4, 5, 6], 16, None, "WH/RAW"),
    ("CNC", "5-axis machining centres", 6, "lead_chen", [1, 2, 3, 4, 5, 6], 16, 4, "WH/SEMI"),
    ("WASH", "Washing and drying", 1, "lead_chen", [1, 2, 3, 4, 5], 16, None, "WH/SEMI"),
    ("LEAK", "Helium leak test and impregnation", 2, "lead_chen", [1, 2, 3, 4, 5, 6], 16, None, "WH/SEMI"),
    ("ASM", "Assembly, marking and packing", 1, "lead_chen", [1, 2, 3, 4, 5], 8, None, "WH/SEMI"),
]
# code, name, work center, minutes per unit, setup minutes, inspection required
OPERATIONS = [
    ("OP-MELT", "Melt, degas and hold", "MELT", "0.2", "30", False),
    ("OP-CAST", "Die cast", "HPDC", "1.5", "45", False),
    ("OP-TRIM", "Trim and deburr", "TRIM", "0.6", "10", False),
    ("OP-XRAY", "X-ray porosity check", "XRAY", "0.8", "5", True),
    ("OP-CNC-MH", "5-axis machining, motor housing", "CNC", "9", "30", False),
    ("OP-CNC-INV", "5-axis machining, inverter housing", "CNC", "7", "25", False),
    ("OP-CNC-GB", "Machining, gearbox housing", "CNC", "11", "35", False),
    ("OP-CNC-SM", "Machining, small parts", "CNC", "3", "15", False),
    ("OP-WASH", "Wash and dry", "WASH", "0.5", "5", False),
    ("OP-LEAK", "Helium leak test", "LEAK", "1.2", "10", True),
    ("OP-ASM", "Assemble, mark and pack", "ASM", "6", "10", True),
]
CAST = ["OP-CAST", "OP-TRIM", "OP-XRAY"]
ROUTINGS = {
    "SF-MH180-CAST": CAST, "SF-MH220-CAST": CAST, "SF-INV-CAST": CAST, "SF-GB-CAST": CAST, "SF-EC-CAST": CAST,
    "SF-OBC-CAST": CAST, "SF-BT-CAST": CAST,
    "FG-MH180": ["OP-CNC-MH", "OP-LEAK"], "FG-MH220": ["OP-CNC-MH", "OP-LEAK"],
    "FG-INV-H1": ["OP-CNC-INV", "OP-LEAK"], "FG-GB-H2": ["OP-CNC-GB", "OP-LEAK"],
    "SF-EC-MACH": ["OP-CNC-SM", "OP-WASH"], "FG-EC-180": ["OP-CNC-SM", "OP-WASH"],
    "FG-OBC-H11": ["OP-CNC-SM", "OP-WASH"], "FG-BT-XM": ["OP-CNC-SM", "OP-WASH"],
    "FG-MH220-ASM": ["OP-ASM"],
}
# product: [(component, quantity per unit, scrap factor, kind)]
BOMS: dict[str, list[tuple[str, str, str, str]]] = {
    "SF-MH220-CAST": [("RM-A356-INGOT", "14.5", "0.04", "component"), ("RM-RELEASE-AG", "0.05", "0", "component"),
                      ("RM-CORE-WJ220", "1", "0.01", "component")],
    "SF-MH180-CAST": [("RM-A356-INGOT", "11.8", "0.04", "component"), ("RM-RELEASE-AG", "0.04", "0", "component")],
    "SF-INV-CAST": [("RM-ADC12-INGOT", "6.2", "0.03", "component"), ("RM-RELEASE-AG", "0.03", "0", "component")],
    "SF-GB-CAST": [("RM-A356-INGOT", "18.4", "0.05", "component"), ("RM-RELEASE-AG", "0.06", "0", "component")],
    "SF-EC-CAST": [("RM-ADC12-INGOT", "3.1", "0.03", "component")],
    "SF-OBC-CAST": [("RM-ADC12-INGOT", "4.0", "0.03", "component")],
    "SF-BT-CAST": [("RM-ALSI10-INGOT", "9.5", "0.02", "component")],
    "FG-MH220": [("SF-MH220-CAST", "1", "0.02", "component"), ("RM-INSERT-M8", "8", "0", "component"),
                 ("RM-ORING-180", "2", "0", "component")],
    "FG-MH180": [("SF-MH180-CAST", "1", "0.02", "component"), ("RM-INSERT-M8", "6", "0", "component"),
                 ("RM-ORING-180", "1", "0", "component")],
    "FG-INV-H1": [("SF-INV-CAST", "1", "0.02", "component"), ("RM-INSERT-M6", "12", "0", "component"),
                  ("RM-ORING-96", "1", "0", "component"), ("RM-VENT-PLUG", "1", "0", "component")],
    "FG-GB-H2": [("SF-GB-CAST", "1", "0.03", "component"), ("RM-DOWEL-8", "4", "0", "component"),
                 ("RM-INSERT-M8", "10", "0", "component")],
    "SF-EC-MACH": [("SF-EC-CAST", "1", "0.01", "component"), ("RM-INSERT-M6", "3", "0", "component")],
    "FG-EC-180": [("SF-EC-MACH", "1", "0", "component"), ("RM-SEAL-SHAFT45", "1", "0", "component")],
    "FG-OBC-H11": [("SF-OBC-CAST", "1", "0.02", "component"), ("RM-INSERT-M6", "6", "0", "component")],
    "FG-BT-XM": [("SF-BT-CAST", "1", "0.01", "component"), ("RM-DOWEL-8", "4", "0", "component")],
    "SF-SEAL-KIT": [("RM-SEAL-SHAFT45", "1", "0", "component"), ("RM-ORING-180", "1", "0", "component")],
    "FG-MH220-ASM": [("FG-MH220", "1", "0", "made"), ("SF-EC-MACH", "1", "0", "component"),
                     ("RM-BRG-6208", "1", "0", "component"), ("SF-SEAL-KIT", "1", "0", "phantom"),
                     ("RM-BOLT-M8X25", "6", "0", "component")],
}
MAKE_TO_ORDER = ["FG-MH220", "FG-INV-H1", "FG-GB-H2"]
# username, role, display name, work centers
PEOPLE = [
    ("planner", "planner", "Liu Yang (planner)", None),
    ("lead_zhao", "work_center_lead", "Zhao Lei (casting lead)", ["MELT", "HPDC", "TRIM", "XRAY"]),
    ("lead_chen", "work_center_lead", "Chen Hao (machining lead)", ["CNC", "WASH", "LEAK", "ASM"]),
    ("op_cast", "operator", "Sun Qiang (die-casting operator)", ["HPDC", "TRIM", "XRAY"]),
    ("op_cnc", "operator", "Li Ming (CNC operator)", ["CNC", "WASH"]),
    ("op_asm", "operator", "Huang Li (assembly operator)", ["ASM"]),
    ("leak01", "device", "Leak tester LT-01 (machine)", ["LEAK"]),
    ("cell03", "device", "Die-casting cell 03 controller (machine)", ["HPDC"]),
]
# natural key, product, quantity, state, days: done N days ago / due in N days, scrap on op 1
HISTORY = [
    (1, "SF-MH220-CAST", 120, "done", 19, 3), (2, "SF-INV-CAST", 150, "done", 17, 2),
    (3, "FG-MH180", 60, "done", 15, 0), (4, "FG-MH180", 40, "done", 6, 1),
    (5, "SF-GB-CAST", 80, "done", 13, 4), (6, "FG-EC-180", 200, "done", 11, 0),
    (7, "SF-EC-MACH", 150, "done", 10, 2), (8, "FG-OBC-H11", 60, "done", 8, 0),
    (9, "FG-BT-XM", 90, "done", 4, 1), (10, "SF-BT-CAST", 100, "done", 2, 0),
    (11, "SF-MH180-CAST", 140, "in_progress", 1, 2), (12, "FG-EC-180", 120, "in_progress", 2, 0),
    (13, "SF-MH220-CAST", 160, "released", 3, 0), (14, "FG-OBC-H11", 50, "released", 4, 0),
    (15, "SF-OBC-CAST", 80, "released", 5, 0), (16, "FG-BT-XM", 70, "released", 6, 0),
]
# natural key of the work order, type, minutes to first response (None: still open), description
EXCEPTIONS = [
    (1, "machine_down", 4, "Cell 02 shot sleeve leaking; die change brought forward"),
    (2, "quality", 52, "Porosity above limit on 6 castings at the boss of the mounting flange"),
    (3, "material_shortage", 7, "Thread inserts M8 short at the line-side rack"),
    (5, "machine_down", 95, "Trim press hydraulic pressure drop, waiting for maintenance"),
    (6, "other", 9, "Fixture FX-EC-02 missing its locating pin"),
    (7, "quality", 38, "Chatter marks on the bearing seat, spindle checked"),
    (9, "machine_down", 5, "Tool breakage on CNC-04, replaced end mill D12"),
    (11, "material_shortage", None, "A356 ingot lot A356-2611-04 running low at the furnace"),
]


def load(session: Session, progress: Callable[[str], None]) -> None:
    progress("people: planner, lead_zhao, lead_chen, op_cast, op_cnc, op_asm, devices leak01 and cell03")
    for username, role, display, centers in PEOPLE:
        demo_user(session, username, roles=[role], display_name=display,
                  attributes={"work_centers": centers} if centers else None)
    products = {p.code: p for p in session.scalars(select(Product))}
    locations = {loc.code: loc.id for loc in session.scalars(select(Location))}
    today = utcnow().date()
    progress("work centers with calendars and operations")
    wc = {}
    for code, name, capacity, lead, days, hours, down, supply in CENTERS:
        wc[code] = session.scalar(select(WorkCenter).where(WorkCenter.code == code)) or work_centers.create_work_center(
            session, code=code, name=name, capacity=capacity, lead_username=lead, working_days=days,
            hours_per_day=hours, downtime=[today + dt.timedelta(days=down)] if down else None,
            supply_location_id=locations.get(supply))
    ops = {}
    for code, name, center, per_unit, setup, inspect in OPERATIONS:
        ops[code] = session.scalar(select(Operation).where(Operation.code == code)) or library.create_operation(
            session, code=code, name=name, work_center_id=wc[center].id, minutes_per_unit=Decimal(per_unit),
            setup_minutes=Decimal(setup), inspection_required=inspect)
    if not all(code in products for code in [*ROUTINGS, *BOMS]):
        progress("stock's demo products are missing: no routings, BOMs or work orders")
        return
    progress("routings and BOMs (three levels), make-to-order flags")
    for code, steps in ROUTINGS.items():
        if library.active_routing(session, products[code].id) is None:
            library.create_routing(session, product_id=products[code].id,
                                   steps=[{"operation_id": ops[s].id} for s in steps])
    for code, lines in BOMS.items():
        if boms.active_bom(session, products[code].id) is None:
            boms.create_bom(session, product_id=products[code].id, lines=[
                {"component_id": products[c].id, "quantity": Decimal(q), "scrap_factor": Decimal(s), "kind": k}
                for c, q, s, k in lines])
    for code in MAKE_TO_ORDER:
        pid = products[code].id
        if session.scalar(select(ProductSetting).where(ProductSetting.product_id == pid)) is None:
            session.add(ProductSetting(product_id=pid, make_to_order=True))
    session.flush()
    rules = [("machine_down", ["lead_zhao", "planner"], 15), ("quality", ["lead_chen", "planner"], 30),
             ("material_shortage", ["planner", "whmanager"], 20)]
    for type_, chain, sla in rules:
        exceptions.set_rule(session, type=type_, chain=chain, sla_minutes=sla)
    _history(session, progress, products, today)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


def _history(session: Session, progress: Callable[[str], None], products: dict[str, Product], today: dt.date) -> None:
    """Work orders of the last three weeks (done), of today (in progress) and the coming days."""
    made = 0
    by_key: dict[int, WorkOrder] = {}
    for key, code, quantity, state, days, scrap in HISTORY:
        wo = session.scalar(select(WorkOrder).where(WorkOrder.origin_type == DEMO_ORIGIN, WorkOrder.origin_id == key))
        if wo is not None:
            by_key[key] = wo
            continue
        past = state in ("done", "in_progress")
        end_day = today - dt.timedelta(days=days) if past else today + dt.timedelta(days=days)
        start = _at(end_day - dt.timedelta(days=2 if past else 0), 6)
        wo = work_orders.create_work_order(session, product_id=products[code].id, quantity=Decimal(quantity),
                                           due_date=end_day if not past else end_day + dt.timedelta(days=1),
                                           priority=10 + key % 3 * 10, origin_type=DEMO_ORIGIN, origin_id=key)
        work_orders.release_work_order(session, wo.id)
        if past:
            issue_requisition(session, wo.requisition_id)
            _report(session, wo, state, Decimal(scrap), start, _at(end_day, 14))
        if state == "done":
            work_orders.finish_work_order(session, wo.id)
        _backdate(session, wo, start, _at(end_day, 15) if state == "done" else None)
        by_key[key] = wo
        made += 1
    progress(f"work orders: {made} created, {len(HISTORY) - made} already there")
    _exceptions(session, by_key)


def _report(session: Session, wo: WorkOrder, state: str, scrap: Decimal, start: dt.datetime,
            end: dt.datetime) -> None:
    """Report every operation in full (done) or the first one by half (in progress)."""
    ops = work_orders.operations_of(session, wo.id)
    quantity = Decimal(wo.quantity)
    for i, op in enumerate(ops):
        good = quantity - scrap if i == 0 else quantity - scrap
        if state == "in_progress":
            if i > 0:
                break
            good = (quantity / 2).quantize(Decimal(1))
        got = reporting.report_operation(session, op.id, good=good, scrap=scrap if i == 0 and scrap else 0,
                                         reason_code="POROSITY" if i == 0 and scrap else None,
                                         minutes=Decimal(op.planned_minutes))
        span = (end - start) / max(len(ops), 1)
        got.report.started_at, got.report.ended_at = start + span * i, start + span * (i + 1)
        center = op.work_center_id
        got.report.operator = next((u for u, role, _d, wcs in PEOPLE if role == "operator" and wcs
                                    and _code(session, center) in wcs), "op_cnc")
    session.flush()


def _code(session: Session, work_center_id: int) -> str:
    return session.get(WorkCenter, work_center_id).code


def _backdate(session: Session, wo: WorkOrder, start: dt.datetime, done: dt.datetime | None) -> None:
    created = start - dt.timedelta(days=1)
    wo.created_at, wo.released_at = created, created + dt.timedelta(hours=2)
    if done is not None:
        wo.done_at = done
    times = {"released": ("planner", wo.released_at), "in_progress": ("op_cnc", start), "done": ("planner", done)}
    for row in session.scalars(select(WorkOrderStateChange).where(WorkOrderStateChange.work_order_id == wo.id)):
        actor, at = times.get(row.to_state, ("planner", created))
        row.actor, row.created_at = actor, at or created
    for op in session.scalars(select(WorkOrderOperation).where(WorkOrderOperation.work_order_id == wo.id)):
        op.created_at = wo.released_at
    session.flush()


def _exceptions(session: Session, by_key: dict[int, WorkOrder]) -> None:
    """Exceptions on the demo work orders, backdated: answered fast and slow, one still open."""
    for key, type_, minutes, description in EXCEPTIONS:
        wo = by_key.get(key)
        if wo is None or session.scalar(select(ProductionException.id).where(
                ProductionException.work_order_id == wo.id, ProductionException.description == description)):
            continue
        exc = exceptions.report_exception(session, work_order_id=wo.id, type=type_, description=description,
                                          operation_id=work_orders.operations_of(session, wo.id)[0].id)
        reports = list(session.scalars(select(OperationReport).where(OperationReport.work_order_id == wo.id)
                                       .order_by(OperationReport.id)))
        at = (reports[0].started_at if reports and reports[0].started_at else utcnow()) + dt.timedelta(minutes=50)
        if minutes is None:
            at = utcnow() - dt.timedelta(hours=2)
        exc.reported_at, exc.created_at, exc.due_at = at, at, at + dt.timedelta(minutes=exc.sla_minutes)
        exc.reported_by = "op_cast" if type_ != "quality" else "op_cnc"
        if minutes is not None:
            exc.state, exc.responded_by = "resolved", exc.assigned_to
            exc.first_response_at = at + dt.timedelta(minutes=minutes)
            exc.resolved_at = at + dt.timedelta(minutes=minutes * 3)
            exc.resolution = "handled on the shift"
    session.flush()
