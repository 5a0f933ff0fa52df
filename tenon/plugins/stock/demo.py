"""Deterministic demo data: the stores of an aluminium die-casting plant (EV motor, inverter and
e-axle housings), ~40 items, opening stock and two weeks of cycle counts with differences.

Stable codes other plugins' demos build on (qc, rework: do not rename):

* locations ``WH/RAW`` (ingots, chemicals; barcode ``LOC-WH-RAW``), ``WH/SEMI`` (castings buffer and
  machining kits, the supply location of CNC and ASM), ``WH/FG-A`` and ``WH/FG-B`` (finished goods),
  ``WH/QC`` (quality hold area, for held or rejected parts), besides stock's default ``WH/STOCK``
  (where production receives and shipments leave from);
* raw materials ``RM-*`` (``RM-A356-INGOT`` aluminium kg, ``RM-ORING-180``, ``RM-INSERT-M8`` ...),
  castings ``SF-*-CAST`` and finished housings ``FG-*``; the make-to-order products of the example
  loop are ``FG-MH220`` (motor housing 220 kW), ``FG-INV-H1`` and ``FG-GB-H2`` (lot-tracked, no
  opening stock: every piece is made for an order);
* users ``clerk`` (warehouse_clerk) and ``whmanager`` (warehouse_manager), passwords ``<name>-demo``;
* cycle counts with references ``DEMO-COUNT-1`` … ``DEMO-COUNT-3`` (done 12, 8 and 3 days ago).

Idempotent: every record is looked up by its code (counts by reference) first; opening stock is
only received for products created in this run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.db import utcnow
from tenon.core.demo import demo_user

from .ledger import default_stock_location
from .models import Category, Count, CountLine, Location, Product
from .services import counts, products, receipts

CATEGORIES = [
    ("RAW", "Raw materials", None),
    ("RAW-ALU", "Aluminium alloys", "RAW"),
    ("RAW-PART", "Bought-in parts (inserts, seals, bearings, fasteners)", "RAW"),
    ("RAW-CHEM", "Chemicals, cores and coatings", "RAW"),
    ("SEMI", "Castings and semi-finished parts", None),
    ("FG", "Finished goods", None),
    ("FG-EDRIVE", "E-drive housings (motor, gearbox)", "FG"),
    ("FG-POWER", "Power electronics housings", "FG"),
    ("FG-BODY", "Battery and structural parts", "FG"),
    ("CONS", "Consumables and packaging", None),
]

LOCATIONS = [
    ("WH/RAW", "Raw material store (ingots, chemicals)", "LOC-WH-RAW"),
    ("WH/SEMI", "Castings buffer and machining kits", "LOC-WH-SEMI"),
    ("WH/FG-A", "Finished goods aisle A (e-drive)", "LOC-WH-FGA"),
    ("WH/FG-B", "Finished goods aisle B (power electronics, body)", "LOC-WH-FGB"),
    ("WH/QC", "Quality hold area", "LOC-WH-QC"),
]

# code, name, unit, kind, tracking, category, reorder point, opening stock, location, lot
PRODUCTS: list[tuple[str, str, str, str, str, str, str, str, str, str | None]] = [
    ("RM-A356-INGOT", "Aluminium alloy A356.2 ingot", "kg", "raw_material", "lot", "RAW-ALU", "20000", "36000", "WH/RAW", "A356-2611-04"),
    ("RM-ADC12-INGOT", "Aluminium alloy ADC12 ingot", "kg", "raw_material", "lot", "RAW-ALU", "15000", "28000", "WH/RAW", "ADC12-2611-02"),
    ("RM-ALSI10-INGOT", "Aluminium alloy AlSi10MnMg ingot (structural)", "kg", "raw_material", "lot", "RAW-ALU", "8000", "6500", "WH/RAW", "SI10-2610-09"),
    ("RM-RELEASE-AG", "Die release agent, water-based", "l", "raw_material", "none", "RAW-CHEM", "400", "1300", "WH/RAW", None),
    ("RM-CORE-WJ220", "Sand core, water jacket 220", "pcs", "raw_material", "lot", "RAW-CHEM", "300", "900", "WH/RAW", "CORE-2611-07"),
    ("RM-IMPREG-RES", "Impregnation sealant, methacrylate", "l", "raw_material", "lot", "RAW-CHEM", "100", "240", "WH/RAW", "IMP-2610-01"),
    ("RM-POWDER-7016", "Powder coating RAL 7016", "kg", "raw_material", "lot", "RAW-CHEM", "150", "90", "WH/RAW", "PC-2609-03"),
    ("RM-COOLANT", "Machining coolant concentrate", "l", "raw_material", "none", "RAW-CHEM", "200", "640", "WH/RAW", None),
    ("RM-INSERT-M6", "Thread insert M6, helical", "pcs", "raw_material", "none", "RAW-PART", "5000", "14000", "WH/SEMI", None),
    ("RM-INSERT-M8", "Thread insert M8, helical", "pcs", "raw_material", "none", "RAW-PART", "5000", "16000", "WH/SEMI", None),
    ("RM-ORING-180", "O-ring FKM 180x3", "pcs", "raw_material", "none", "RAW-PART", "1500", "5200", "WH/SEMI", None),
    ("RM-ORING-96", "O-ring FKM 96x2.5", "pcs", "raw_material", "none", "RAW-PART", "1500", "4800", "WH/SEMI", None),
    ("RM-SEAL-SHAFT45", "Shaft seal 45x62x8", "pcs", "raw_material", "none", "RAW-PART", "1000", "2600", "WH/SEMI", None),
    ("RM-BRG-6208", "Deep groove ball bearing 6208-2RS", "pcs", "raw_material", "lot", "RAW-PART", "800", "1900", "WH/SEMI", "BRG-2611-11"),
    ("RM-BOLT-M8X25", "Flange bolt M8x25 10.9", "pcs", "raw_material", "none", "RAW-PART", "10000", "32000", "WH/SEMI", None),
    ("RM-DOWEL-8", "Dowel pin 8x16", "pcs", "raw_material", "none", "RAW-PART", "4000", "9000", "WH/SEMI", None),
    ("RM-VENT-PLUG", "Pressure-equalising vent plug", "pcs", "raw_material", "none", "RAW-PART", "1000", "650", "WH/SEMI", None),
    ("SF-MH180-CAST", "Motor housing 180 kW, raw casting", "pcs", "semi_finished", "lot", "SEMI", "300", "820", "WH/SEMI", "C180-2611-14"),
    ("SF-MH220-CAST", "Motor housing 220 kW, raw casting with water jacket", "pcs", "semi_finished", "lot", "SEMI", "300", "760", "WH/SEMI", "C220-2611-12"),
    ("SF-INV-CAST", "Inverter housing 800 V, raw casting", "pcs", "semi_finished", "lot", "SEMI", "250", "540", "WH/SEMI", "CINV-2611-06"),
    ("SF-GB-CAST", "E-axle gearbox housing, raw casting", "pcs", "semi_finished", "lot", "SEMI", "200", "480", "WH/SEMI", "CGB-2611-05"),
    ("SF-EC-CAST", "Motor end cover, raw casting", "pcs", "semi_finished", "lot", "SEMI", "300", "900", "WH/SEMI", "CEC-2611-09"),
    ("SF-OBC-CAST", "On-board charger housing, raw casting", "pcs", "semi_finished", "lot", "SEMI", "150", "310", "WH/SEMI", "COBC-2611-03"),
    ("SF-BT-CAST", "Battery tray cross-member, raw casting", "pcs", "semi_finished", "lot", "SEMI", "200", "420", "WH/SEMI", "CBT-2611-02"),
    ("SF-EC-MACH", "Motor end cover, machined", "pcs", "semi_finished", "lot", "SEMI", "200", "360", "WH/SEMI", "EC-2611-08"),
    ("SF-SEAL-KIT", "Seal kit for housing assembly (phantom)", "pcs", "semi_finished", "none", "SEMI", "0", "0", "WH/SEMI", None),
    ("FG-MH180", "Motor housing 180 kW, machined", "pcs", "finished", "lot", "FG-EDRIVE", "120", "260", "WH/FG-A", "MH180-2611-10"),
    ("FG-MH220", "Motor housing 220 kW, water-cooled, machined", "pcs", "finished", "lot", "FG-EDRIVE", "0", "0", "WH/FG-A", None),
    ("FG-MH220-ASM", "Motor housing 220 kW with end cover and bearing", "pcs", "finished", "serial", "FG-EDRIVE", "0", "0", "WH/FG-A", None),
    ("FG-GB-H2", "E-axle gearbox housing, machined", "pcs", "finished", "lot", "FG-EDRIVE", "0", "0", "WH/FG-A", None),
    ("FG-GB-C2", "E-axle gearbox cover", "pcs", "finished", "lot", "FG-EDRIVE", "100", "210", "WH/FG-A", "GBC2-2611-04"),
    ("FG-EC-180", "Motor end cover 180 kW", "pcs", "finished", "lot", "FG-EDRIVE", "150", "330", "WH/FG-A", "EC180-2611-06"),
    ("FG-INV-H1", "Inverter housing 800 V, machined and sealed", "pcs", "finished", "lot", "FG-POWER", "0", "0", "WH/FG-B", None),
    ("FG-INV-C1", "Inverter cover", "pcs", "finished", "lot", "FG-POWER", "150", "380", "WH/FG-B", "INVC1-2611-07"),
    ("FG-OBC-H11", "On-board charger housing 11 kW", "pcs", "finished", "lot", "FG-POWER", "80", "150", "WH/FG-B", "OBC-2611-02"),
    ("FG-DCDC-H", "DC-DC converter housing", "pcs", "finished", "lot", "FG-POWER", "80", "190", "WH/FG-B", "DCDC-2611-03"),
    ("FG-CP-LIQ", "Liquid cooling plate, brazed", "pcs", "finished", "lot", "FG-BODY", "100", "240", "WH/FG-B", "CP-2610-21"),
    ("FG-BT-XM", "Battery tray cross-member, machined", "pcs", "finished", "lot", "FG-BODY", "120", "300", "WH/FG-B", "BTXM-2611-05"),
    ("FG-BRKT-MNT", "Motor mount bracket", "pcs", "finished", "none", "FG-BODY", "200", "560", "WH/FG-B", None),
    ("CS-KLT-6428", "Returnable crate KLT 6428", "pcs", "consumable", "none", "CONS", "100", "420", "WH/STOCK", None),
    ("CS-PALLET-EU", "Pallet 1200x800", "pcs", "consumable", "none", "CONS", "50", "140", "WH/STOCK", None),
    ("CS-VCI-BAG", "VCI anti-corrosion bag 400x600", "pcs", "consumable", "none", "CONS", "2000", "5200", "WH/STOCK", None),
    ("CS-ENDMILL-D12", "Carbide end mill D12, aluminium", "pcs", "consumable", "none", "CONS", "20", "12", "WH/STOCK", None),
]

# reference, days ago, location, {product code: counted − system}: differences a real count finds
COUNTS = [
    ("DEMO-COUNT-1", 12, "WH/SEMI", {"RM-INSERT-M8": "-40", "RM-ORING-180": "0", "RM-BOLT-M8X25": "-120",
                                    "RM-DOWEL-8": "0", "SF-EC-CAST": "0"}),
    ("DEMO-COUNT-2", 8, "WH/RAW", {"RM-RELEASE-AG": "-15", "RM-COOLANT": "0", "RM-A356-INGOT": "0",
                                   "RM-CORE-WJ220": "+4"}),
    ("DEMO-COUNT-3", 3, "WH/FG-B", {"FG-BRKT-MNT": "0", "FG-INV-C1": "-2", "FG-DCDC-H": "0", "FG-CP-LIQ": "0"}),
]


def _ean13(first12: str) -> str:
    """An EAN-13 value (GS1 check digit) for finished goods' barcodes."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return first12 + str((10 - total % 10) % 10)


def load(session: Session, progress: Callable[[str], None]) -> None:
    progress("categories")
    cats: dict[str, int] = {}
    for code, name, parent in CATEGORIES:
        cat = session.scalar(select(Category).where(Category.code == code))
        if cat is None:
            cat = products.create_category(session, code=code, name=name, parent_id=cats.get(parent) if parent else None)
        cats[code] = cat.id

    progress("locations")
    stock = default_stock_location(session)
    locs = {stock.code: stock.id}
    for code, name, barcode in LOCATIONS:
        loc = session.scalar(select(Location).where(Location.code == code))
        if loc is None:
            loc = products.create_location(session, code=code, name=name, kind="internal", parent_id=stock.parent_id,
                                           warehouse_id=stock.warehouse_id, barcode=barcode)
        locs[code] = loc.id

    progress("products and opening stock")
    created = 0
    for idx, (code, name, unit, kind, tracking, cat, rp, opening, loc_code, lot) in enumerate(PRODUCTS, start=1):
        if session.scalar(select(Product.id).where(Product.code == code)) is not None:
            continue
        product = products.create_product(session, name=name, code=code, unit=unit, kind=kind, tracking=tracking,
                                          category_id=cats[cat], reorder_point=Decimal(rp),
                                          barcode=_ean13(f"693178{idx:06d}") if kind == "finished" else None)
        created += 1
        if Decimal(opening) > 0:
            receipts.receive(session, product_id=product.id, quantity=Decimal(opening), location_id=locs[loc_code],
                             lot=lot, reference="opening stock")
    progress(f"{created} products created")

    demo_user(session, "clerk", roles=["warehouse_clerk"], display_name="Li Na (warehouse clerk)")
    demo_user(session, "whmanager", roles=["warehouse_manager"], display_name="Zhang Wei (warehouse manager)")
    _counts(session, progress, locs)


def _counts(session: Session, progress: Callable[[str], None], locs: dict[str, int]) -> None:
    """Cycle counts in the past, some lines with differences (inventory accuracy below 100 %)."""
    progress("cycle counts with differences")
    now = utcnow()
    for reference, days_ago, loc_code, diffs in COUNTS:
        if session.scalar(select(Count.id).where(Count.reference == reference)) is not None:
            continue
        ids = {c: i for c, i in session.execute(select(Product.code, Product.id).where(Product.code.in_(list(diffs))))}
        count = counts.create_count(session, location_id=locs[loc_code], product_ids=list(ids.values()),
                                    reference=reference)
        lines = list(session.scalars(select(CountLine).where(CountLine.count_id == count.id).order_by(CountLine.id)))
        code_of = {v: k for k, v in ids.items()}
        entries = []
        for ln in lines:
            system = counts._balance_qty(session, ln.product_id, ln.location_id, ln.lot_id)
            entries.append({"line_id": ln.id, "counted_quantity": max(system + Decimal(diffs[code_of[ln.product_id]]),
                                                                      Decimal(0))})
        counts.record_count(session, count.id, entries)
        counts.confirm_count(session, count.id)
        at = now - dt.timedelta(days=days_ago, hours=3)
        count.created_at, count.done_at, count.done_by = at, at + dt.timedelta(hours=1), "whmanager"
        for ln in lines:
            ln.counted_at, ln.counted_by = at + dt.timedelta(minutes=30), "clerk"
    session.flush()
