"""Deterministic demo data: the quality people, plans and incoming-inspection history of the demo plant.

Stable codes other plugins' demos build on (rework: do not rename):

* people (password ``<name>-demo``): inspectors ``qc_chen`` (the plans' inspector) and ``qc_wang``,
  quality manager ``qm_liu``;
* **final** plans (active: finished goods of these products are held until their work order's final
  inspection passes, and shipping them before is ``NOT_RELEASED``): ``QP-MH220-FINAL``,
  ``QP-INV-H1-FINAL``, ``QP-GB-H2-FINAL`` (the make-to-order housings of ``examples/order_to_ship.py``)
  and ``QP-MH180-FINAL``; first 2 pieces; check items ``BORE`` (measurement, 3 decimals), ``LEAK``
  (helium leak rate, at most 2.0 cc/min) and ``VISUAL`` (pass/fail);
* **receipt** plan ``QP-A356-RCV`` for the ingot ``RM-A356-INGOT`` (first 3 bundles: Si, Fe, Mg
  contents, the mill certificate): received ingots wait in ``QC-QUARANTINE`` until they pass;
* **in-process** plan ``QP-CAST-XRAY`` for the category ``SEMI`` (castings), after the operation
  marked inspection required in their routing (mrp's X-ray), every 20th casting, not blocking;
* history: five ingot receipts (references ``DEMO-QC-RCV-1`` … ``-5``) over three weeks: two passed,
  one failed and scrapped, one failed and used as is by ``qm_liu`` (a customer deviation), one failed
  2 days ago whose nonconformance is still open, and one received today waiting for its inspection.
  (The final inspections of mrp's work orders and the rework: rework's demo.)

Idempotent: plans are looked up by code, users by username, receipts by reference.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.db import utcnow
from tenon.core.demo import demo_user
from tenon.plugins.stock import Category, Move, Product, Receipt, receive

from .models import Inspection, InspectionPlan, InspectionResult, Nonconformance
from .services.inspections import record_results
from .services.nonconformances import dispose
from .services.plans import create_plan


def _housing(bore: str, upper: str, name: str) -> list[dict]:
    return [
        {"code": "BORE", "name": name, "kind": "measurement", "nominal": bore, "lower_tolerance": "0",
         "upper_tolerance": upper, "unit": "mm", "decimals": 3},
        {"code": "LEAK", "name": "Helium leak rate", "kind": "measurement", "nominal": "0", "upper_tolerance": "2.0",
         "unit": "cc/min", "decimals": 1},
        {"code": "VISUAL", "name": "Sealing faces free of porosity and damage", "kind": "pass_fail"},
    ]


# code, name, product, items
FINAL = [
    ("QP-MH220-FINAL", "Motor housing 220 kW final inspection", "FG-MH220",
     _housing("220.000", "0.046", "Stator bore Ø")),
    ("QP-INV-H1-FINAL", "Inverter housing final inspection", "FG-INV-H1",
     _housing("96.000", "0.035", "Capacitor bore Ø")),
    ("QP-GB-H2-FINAL", "Gearbox housing final inspection", "FG-GB-H2",
     _housing("90.000", "0.035", "Bearing bore Ø")),
    ("QP-MH180-FINAL", "Motor housing 180 kW final inspection", "FG-MH180",
     _housing("180.000", "0.040", "Stator bore Ø")),
]
INGOT = [
    {"code": "SI", "name": "Silicon content", "kind": "measurement", "nominal": "7.00", "lower_tolerance": "-0.50",
     "upper_tolerance": "0.50", "unit": "%", "decimals": 2},
    {"code": "FE", "name": "Iron content", "kind": "measurement", "nominal": "0", "upper_tolerance": "0.12",
     "unit": "%", "decimals": 2},
    {"code": "MG", "name": "Magnesium content", "kind": "measurement", "nominal": "0.38", "lower_tolerance": "-0.08",
     "upper_tolerance": "0.07", "unit": "%", "decimals": 2},
    {"code": "CERT", "name": "Mill certificate matches the heat", "kind": "pass_fail"},
]
XRAY = [
    {"code": "POROSITY", "name": "Porosity grade (ASTM E505)", "kind": "measurement", "nominal": "0",
     "upper_tolerance": "2", "unit": "grade", "decimals": 0},
    {"code": "CRACKS", "name": "No cracks or cold shuts", "kind": "pass_fail"},
]
# reference, days ago, kg, lot, values per sample (SI, FE, MG, CERT) or None (not inspected yet),
# disposition of the nonconformance (None: passed, or left open), minutes to the decision
RECEIPTS = [
    ("DEMO-QC-RCV-1", 20, "8000", "A356-2611-11", [("7.02", "0.08", "0.37", "pass")] * 3, None, 95),
    ("DEMO-QC-RCV-2", 14, "6000", "A356-2611-15", [("7.10", "0.09", "0.40", "pass"), ("7.61", "0.09", "0.41", "pass"),
                                                   ("7.12", "0.10", "0.39", "pass")], "use_as_is", 180),
    ("DEMO-QC-RCV-3", 9, "8000", "A356-2611-19", [("6.95", "0.07", "0.36", "pass")] * 3, None, 40),
    ("DEMO-QC-RCV-4", 5, "4000", "A356-2611-22", [("7.05", "0.18", "0.38", "fail"), ("7.04", "0.17", "0.38", "pass"),
                                                  ("7.06", "0.19", "0.37", "pass")], "scrap", 240),
    ("DEMO-QC-RCV-5", 2, "6000", "A356-2611-24", [("6.98", "0.08", "0.26", "pass"), ("6.97", "0.08", "0.25", "pass"),
                                                  ("6.99", "0.08", "0.27", "pass")], "open", 120),
    ("DEMO-QC-RCV-6", 0, "8000", "A356-2612-01", None, None, 0),
]
REASONS = {"use_as_is": "Si 7.61 % on one bundle: within customer deviation DV-2611-03 for non-structural castings",
           "scrap": "Iron above 0.12 % and certificate of another heat: returned to the smelter, written off"}


def load(session: Session, progress: Callable[[str], None]) -> None:
    progress("quality people: qc_chen, qc_wang (inspectors), qm_liu (quality manager)")
    demo_user(session, "qc_chen", roles=["inspector"], display_name="Chen Jing (final inspector)")
    demo_user(session, "qc_wang", roles=["inspector"], display_name="Wang Fang (incoming inspector)")
    demo_user(session, "qm_liu", roles=["quality_manager"], display_name="Liu Wei (quality manager)")
    products = {p.code: p for p in session.scalars(select(Product))}
    progress("inspection plans: final (make-to-order housings), receipt (A356 ingot), in-process (X-ray)")
    have = set(session.scalars(select(InspectionPlan.code)))
    for code, name, product, items in FINAL:
        if code not in have and product in products:
            create_plan(session, code=code, name=name, stage="final", product_id=products[product].id,
                        sampling_method="first_n", sampling_value=2, inspector_username="qc_chen", items=items)
    if "QP-A356-RCV" not in have and "RM-A356-INGOT" in products:
        create_plan(session, code="QP-A356-RCV", name="A356.2 ingot incoming inspection", stage="receipt",
                    product_id=products["RM-A356-INGOT"].id, sampling_method="first_n", sampling_value=3,
                    inspector_username="qc_wang", items=INGOT)
    semi = session.scalar(select(Category).where(Category.code == "SEMI"))
    if "QP-CAST-XRAY" not in have and semi is not None:
        create_plan(session, code="QP-CAST-XRAY", name="Castings X-ray porosity", stage="in_process",
                    category_id=semi.id, sampling_method="every_nth", sampling_value=20, blocks_next=False,
                    inspector_username="qc_chen", items=XRAY)
    if "RM-A356-INGOT" in products:
        _receipts(session, progress, products["RM-A356-INGOT"])


def _receipts(session: Session, progress: Callable[[str], None], ingot: Product) -> None:
    """Ingot receipts of the last three weeks, each inspected (or waiting), backdated."""
    made = 0
    today = utcnow().replace(hour=7, minute=30, second=0, microsecond=0)
    for ref, days, kg, lot, samples, disposition, minutes in RECEIPTS:
        if session.scalar(select(Receipt.id).where(Receipt.reference == ref)) is not None:
            continue
        receipt = receive(session, product_id=ingot.id, quantity=Decimal(kg), lot=lot, reference=ref)
        at = min(today - dt.timedelta(days=days), utcnow() - dt.timedelta(minutes=30))  # never in the future
        receipt.supplier = "Yunnan Aluminium Co."
        receipt.created_at = receipt.done_at = at
        for move in session.scalars(select(Move).where(Move.origin_type == "stock.receipt",
                                                       Move.origin_id == receipt.id)):
            move.created_at = move.done_at = at
        insp = session.scalar(select(Inspection).where(Inspection.origin_type == "stock.receipt",
                                                       Inspection.origin_id == receipt.id))
        made += 1
        if insp is None:
            continue
        insp.created_at = at
        if samples is None:
            continue
        values = [{"item": item, "sample_no": n, "value": v} for n, row in enumerate(samples, start=1)
                  for item, v in zip(("SI", "FE", "MG", "CERT"), row, strict=True)]
        record_results(session, insp.id, values)
        decided = at + dt.timedelta(minutes=minutes)
        insp.decided_at, insp.inspector = decided, "qc_wang"
        for r in session.scalars(select(InspectionResult).where(InspectionResult.inspection_id == insp.id)):
            r.recorded_by, r.created_at = "qc_wang", decided
        nc = session.scalar(select(Nonconformance).where(Nonconformance.inspection_id == insp.id))
        if nc is None:
            continue
        nc.opened_at = nc.created_at = decided
        if disposition in REASONS:
            dispose(session, nc.id, disposition, REASONS[disposition])
            nc.disposed_by, nc.disposed_at = "qm_liu", decided + dt.timedelta(hours=5)
            nc.closed_at = nc.disposed_at
    session.flush()
    progress(f"ingot receipts with incoming inspections: {made} created, {len(RECEIPTS) - made} already there")
