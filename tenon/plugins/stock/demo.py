"""Deterministic demo data: an auto-parts plant's main warehouse, ~40 items, opening stock.

Idempotent: every record is looked up by its code first; opening stock is only
received for products created in this run.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from tenon.core.demo import demo_user

from .services import products, receipts
from .ledger import default_stock_location
from .models import Category, Location, Product

CATEGORIES = [
    ("RAW", "Raw materials", None),
    ("RAW-MET", "Metals and castings", "RAW"),
    ("RAW-BRG", "Bearing components", "RAW"),
    ("RAW-CHEM", "Chemicals and lubricants", "RAW"),
    ("SEMI", "Semi-finished parts", None),
    ("FG", "Finished goods", None),
    ("FG-BRAKE", "Brake system", "FG"),
    ("FG-CHASSIS", "Chassis and steering", "FG"),
    ("CONS", "Consumables and packaging", None),
]

LOCATIONS = [
    ("WH/RAW", "Raw material store", "LOC-WH-RAW"),
    ("WH/A-01", "Finished goods aisle A-01", "LOC-WH-A01"),
    ("WH/A-02", "Finished goods aisle A-02", "LOC-WH-A02"),
    ("WH/QC", "Quality hold area", "LOC-WH-QC"),
]

# code, name, unit, kind, tracking, category, reorder point, opening stock, location, lot
PRODUCTS: list[tuple[str, str, str, str, str, str, str, str, str, str | None]] = [
    ("RM-HT250-BAR", "Grey cast iron HT250 charge", "kg", "raw_material", "lot", "RAW-MET", "8000", "12500", "WH/RAW", "HT250-2611-01"),
    ("RM-QT450-BAR", "Ductile iron QT450-10 charge", "kg", "raw_material", "lot", "RAW-MET", "6000", "4200", "WH/RAW", "QT450-2611-01"),
    ("RM-GCR15-TUBE", "Bearing steel GCr15 tube 60x8", "m", "raw_material", "lot", "RAW-BRG", "400", "950", "WH/RAW", "GCR15-2610-07"),
    ("RM-GCR15-BALL", "Steel ball GCr15 Ø11.112 G10", "pcs", "raw_material", "lot", "RAW-BRG", "20000", "48000", "WH/RAW", "BALL-2611-03"),
    ("RM-CAGE-PA66", "Bearing cage PA66-GF25", "pcs", "raw_material", "none", "RAW-BRG", "3000", "2100", "WH/RAW", None),
    ("RM-SEAL-NBR62", "Lip seal NBR 62x42x7", "pcs", "raw_material", "none", "RAW-BRG", "3000", "7600", "WH/RAW", None),
    ("RM-ABS-RING48", "ABS encoder ring 48 poles", "pcs", "raw_material", "none", "RAW-BRG", "1500", "3900", "WH/RAW", None),
    ("RM-S45C-FORG", "Forging blank S45C knuckle", "pcs", "raw_material", "lot", "RAW-MET", "500", "1200", "WH/RAW", "S45C-2611-02"),
    ("RM-40CR-BAR32", "Alloy steel 40Cr bar Ø32", "kg", "raw_material", "lot", "RAW-MET", "1500", "900", "WH/RAW", "40CR-2610-11"),
    ("RM-BOLT-M12", "Hub bolt M12x1.5x45 10.9", "pcs", "raw_material", "none", "RAW-MET", "10000", "26000", "WH/RAW", None),
    ("RM-NUT-M22", "Axle nut M22x1.5 flanged", "pcs", "raw_material", "none", "RAW-MET", "4000", "9800", "WH/RAW", None),
    ("RM-GREASE-LI2", "Bearing grease lithium EP2", "kg", "raw_material", "lot", "RAW-CHEM", "200", "540", "WH/RAW", "LI2-2611-01"),
    ("RM-PAINT-ZN", "Zinc flake coating", "kg", "raw_material", "lot", "RAW-CHEM", "150", "60", "WH/RAW", "ZN-2609-04"),
    ("RM-RUSTPREV", "Rust preventive oil", "l", "raw_material", "none", "RAW-CHEM", "300", "820", "WH/RAW", None),
    ("RM-SAND-RESIN", "Resin-coated sand", "t", "raw_material", "lot", "RAW-CHEM", "20", "35", "WH/RAW", "SAND-2611-02"),
    ("RM-INOC-FESI", "Inoculant FeSi75", "kg", "raw_material", "lot", "RAW-CHEM", "500", "310", "WH/RAW", "FESI-2610-01"),
    ("SF-BD280-CAST", "Brake disc 280 raw casting", "pcs", "semi_finished", "lot", "SEMI", "300", "640", "WH/STOCK", "C280-2611-05"),
    ("SF-BD300-CAST", "Brake disc 300 raw casting", "pcs", "semi_finished", "lot", "SEMI", "300", "420", "WH/STOCK", "C300-2611-02"),
    ("SF-BR-OUTRING", "Hub bearing outer ring, turned", "pcs", "semi_finished", "lot", "SEMI", "400", "880", "WH/STOCK", "OR-2611-09"),
    ("SF-BR-INRING", "Hub bearing inner ring, turned", "pcs", "semi_finished", "lot", "SEMI", "400", "910", "WH/STOCK", "IR-2611-09"),
    ("SF-KN-MACH-L", "Steering knuckle LH, machined", "pcs", "semi_finished", "lot", "SEMI", "150", "260", "WH/STOCK", "KNL-2611-03"),
    ("SF-KN-MACH-R", "Steering knuckle RH, machined", "pcs", "semi_finished", "lot", "SEMI", "150", "240", "WH/STOCK", "KNR-2611-03"),
    ("FG-BD280V-F", "Front brake disc 280x24 vented", "pcs", "finished", "lot", "FG-BRAKE", "200", "520", "WH/A-01", "BD280-2611-12"),
    ("FG-BD300V-F", "Front brake disc 300x28 vented", "pcs", "finished", "lot", "FG-BRAKE", "200", "380", "WH/A-01", "BD300-2611-08"),
    ("FG-BD262S-R", "Rear brake disc 262x10 solid", "pcs", "finished", "lot", "FG-BRAKE", "150", "450", "WH/A-01", "BD262-2611-04"),
    ("FG-BD320V-F", "Front brake disc 320x30 vented, slotted", "pcs", "finished", "lot", "FG-BRAKE", "100", "140", "WH/A-01", "BD320-2610-22"),
    ("FG-BDR228-R", "Rear brake drum 228", "pcs", "finished", "lot", "FG-BRAKE", "100", "210", "WH/A-01", "DR228-2611-01"),
    ("FG-CAL-54-L", "Brake caliper 54 mm LH", "pcs", "finished", "serial", "FG-BRAKE", "0", "0", "WH/A-01", None),
    ("FG-HUB3G-F", "Front hub bearing unit Gen 3, ABS", "pcs", "finished", "lot", "FG-CHASSIS", "250", "600", "WH/A-02", "HB3-2611-15"),
    ("FG-HUB2G-R", "Rear hub bearing unit Gen 2", "pcs", "finished", "lot", "FG-CHASSIS", "200", "430", "WH/A-02", "HB2-2611-10"),
    ("FG-HUB3G-R4", "Rear hub bearing unit Gen 3, 4WD", "pcs", "finished", "lot", "FG-CHASSIS", "80", "95", "WH/A-02", "HB34-2610-02"),
    ("FG-KNK-FL", "Steering knuckle front LH", "pcs", "finished", "lot", "FG-CHASSIS", "120", "180", "WH/A-02", "KFL-2611-06"),
    ("FG-KNK-FR", "Steering knuckle front RH", "pcs", "finished", "lot", "FG-CHASSIS", "120", "175", "WH/A-02", "KFR-2611-06"),
    ("FG-KNK-ASM-FL", "Knuckle and hub assembly front LH", "pcs", "finished", "serial", "FG-CHASSIS", "0", "0", "WH/A-02", None),
    ("FG-CTRLARM-L", "Lower control arm LH", "pcs", "finished", "lot", "FG-CHASSIS", "100", "160", "WH/A-02", "CAL-2611-02"),
    ("FG-TIEROD-E", "Tie rod end", "pcs", "finished", "none", "FG-CHASSIS", "300", "720", "WH/A-02", None),
    ("CS-PALLET-EU", "Pallet 1200x800", "pcs", "consumable", "none", "CONS", "50", "140", "WH/STOCK", None),
    ("CS-BOX-BD300", "Carton for one brake disc 300", "pcs", "consumable", "none", "CONS", "500", "1600", "WH/STOCK", None),
    ("CS-VCI-BAG", "VCI anti-corrosion bag 400x600", "pcs", "consumable", "none", "CONS", "2000", "5200", "WH/STOCK", None),
    ("CS-GRIND-WHL", "Grinding wheel A60 400 mm", "pcs", "consumable", "none", "CONS", "20", "12", "WH/STOCK", None),
]


def _ean13(first12: str) -> str:
    """An EAN-13 value (GS1 check digit) for finished goods' retail barcodes."""
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
                                          barcode=_ean13(f"692045{idx:06d}") if kind == "finished" else None)
        created += 1
        if Decimal(opening) > 0:
            receipts.receive(session, product_id=product.id, quantity=Decimal(opening), location_id=locs[loc_code],
                             lot=lot, reference="opening stock")
    progress(f"{created} products created")

    demo_user(session, "clerk", roles=["warehouse_clerk"], display_name="Li Na (warehouse clerk)")
    demo_user(session, "whmanager", roles=["warehouse_manager"], display_name="Zhang Wei (warehouse manager)")
