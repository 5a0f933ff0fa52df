"""Item master: product codes from the numbering rule or given, unique codes and barcodes, categories,
units, warehouses and locations, and the raw-material water level (below reorder point)."""

from __future__ import annotations

from .helpers import CREATE_LOCATION, CREATE_PRODUCT, PRODUCT, create_product, receive, stock_site

PRODUCTS = ("query($s: String, $k: String, $c: ID) { products(filter: {search: $s, kind: $k, categoryId: $c}, "
            "first: 50) { totalCount nodes { code } } }")
UPDATE = "mutation($id: ID!, $i: ProductUpdateInput!) { productUpdate(id: $id, input: $i) { id code name reorderPoint barcode active } }"
CATEGORY = "mutation($i: CategoryCreateInput!) { productCategoryCreate(input: $i) { id code parentId } }"
BELOW = "query { belowReorderPoint(first: 50) { totalCount nodes { code onHand reorderPoint } } }"


def test_product_codes_and_uniqueness(make_app, make_client):
    """Without a code, products are numbered P-00001, P-00002. A duplicate code, a duplicate barcode
    (also against another product's code or a location's barcode), an unknown unit or kind are
    VALIDATION errors naming the field, and create nothing."""
    site = stock_site(make_app, make_client)
    a = create_product(site.boss, name="Washer")
    b = create_product(site.boss, name="Spacer", barcode="6920450000019")
    assert (a["code"], b["code"]) == ("P-00001", "P-00002")
    assert (a["unit"], a["kind"], a["tracking"], a["active"], a["onHand"]) == ("pcs", "finished", "none", True, "0")
    create_product(site.boss, "FG-DISC", "Brake disc")
    cases = [({"code": "FG-DISC"}, "code"), ({"barcode": "6920450000019"}, "barcode"), ({"barcode": "FG-DISC"}, "barcode"),
             ({"barcode": "LOC-WH-STOCK"}, "barcode"), ({"unit": "furlong"}, "unit"), ({"kind": "gadget"}, "kind"),
             ({"tracking": "rfid"}, "tracking"), ({"name": " "}, "name"), ({"reorderPoint": "-1"}, "reorderPoint")]
    for extra, field in cases:
        err = site.boss.error(CREATE_PRODUCT, {"i": {"name": "Other", **extra}})
        assert err["extensions"] == {"code": "VALIDATION", "field": field}, extra
    assert site.boss.ok(PRODUCTS)["products"]["totalCount"] == 3


def test_update_categories_and_search(make_app, make_client):
    """Categories form a tree: filtering by RAW finds products of RAW and of its child RAW-MET.
    A product's unit or tracking cannot change once it has moves."""
    site = stock_site(make_app, make_client)
    raw = site.boss.ok(CATEGORY, {"i": {"code": "RAW", "name": "Raw materials"}})["productCategoryCreate"]
    metal = site.boss.ok(CATEGORY, {"i": {"code": "RAW-MET", "name": "Metals", "parentId": raw["id"]}})["productCategoryCreate"]
    assert metal["parentId"] == raw["id"]
    steel = create_product(site.boss, "RM-STEEL", "Steel bar", unit="kg", kind="raw_material", categoryId=metal["id"])
    create_product(site.boss, "RM-OIL", "Oil", unit="l", kind="raw_material", categoryId=raw["id"])
    create_product(site.boss, "FG-DISC", "Brake disc")
    assert [n["code"] for n in site.planner.ok(PRODUCTS, {"c": raw["id"]})["products"]["nodes"]] == ["RM-OIL", "RM-STEEL"]
    assert [n["code"] for n in site.planner.ok(PRODUCTS, {"c": metal["id"]})["products"]["nodes"]] == ["RM-STEEL"]
    assert site.planner.ok(PRODUCTS, {"s": "disc"})["products"]["totalCount"] == 1
    assert site.planner.ok(PRODUCTS, {"k": "raw_material"})["products"]["totalCount"] == 2

    upd = site.boss.ok(UPDATE, {"id": steel["id"], "i": {"name": "Steel bar 40Cr", "reorderPoint": "250.5",
                                                         "barcode": "STEEL-1"}})["productUpdate"]
    assert (upd["name"], upd["reorderPoint"], upd["barcode"]) == ("Steel bar 40Cr", "250.5", "STEEL-1")
    receive(site.clerk, steel["id"], 10)
    err = site.boss.error(UPDATE, {"id": steel["id"], "i": {"unit": "t"}})
    assert err["extensions"] == {"code": "VALIDATION", "field": "unit"}
    assert site.boss.ok(PRODUCT, {"id": steel["id"]})["product"]["unit"] == "kg"
    assert site.boss.ok(UPDATE, {"id": steel["id"], "i": {"active": False}})["productUpdate"]["active"] is False


def test_raw_material_water_level(make_app, make_client):
    """Steel (reorder 100, 40 on hand) and balls (reorder 500, 499 on hand) are below their reorder
    point; oil (reorder 20, 25 on hand) and bolts (no reorder point) are not; finished discs below
    their reorder point are not raw materials and are not listed."""
    site = stock_site(make_app, make_client)
    for code, rp, qty, kind in (("RM-STEEL", "100", 40, "raw_material"), ("RM-BALL", "500", 499, "raw_material"),
                                ("RM-OIL", "20", 25, "raw_material"), ("RM-BOLT", "0", 0, "raw_material"),
                                ("FG-DISC", "50", 10, "finished")):
        p = create_product(site.boss, code, code, kind=kind, reorderPoint=rp)
        if qty:
            receive(site.clerk, p["id"], qty)
    below = site.planner.ok(BELOW)["belowReorderPoint"]
    assert [(n["code"], n["onHand"], n["reorderPoint"]) for n in below["nodes"]] == [
        ("RM-BALL", "499", "500"), ("RM-STEEL", "40", "100")]
    levels = site.planner.ok('{ stockLevels(kind: "raw_material", first: 50) { totalCount nodes { onHand reserved '
                             'available product { code } location { code } } } }')["stockLevels"]
    assert levels["totalCount"] == 3
    assert {n["product"]["code"]: n["available"] for n in levels["nodes"]} == {"RM-STEEL": "40", "RM-BALL": "499",
                                                                               "RM-OIL": "25"}


def test_warehouses_and_locations(make_app, make_client):
    """A fresh site has warehouse WH with WH/STOCK (the default) and the virtual locations. A new
    warehouse WH2 comes with its view and stock locations; location codes and barcodes are unique."""
    site = stock_site(make_app, make_client)
    kinds = {n["code"]: (n["kind"], n["isDefault"]) for n in site.planner.ok(
        "{ locations(first: 50) { nodes { code kind isDefault } } }")["locations"]["nodes"]}
    assert kinds == {"WH": ("view", False), "WH/STOCK": ("internal", True), "VIRT/SUPPLIERS": ("supplier", False),
                     "VIRT/CUSTOMERS": ("customer", False), "VIRT/PRODUCTION": ("production", False),
                     "VIRT/INVENTORY-LOSS": ("inventory_loss", False)}
    wh2 = site.boss.ok('mutation { warehouseCreate(input: {code: "WH2", name: "Plant 2"}) { id code isDefault '
                       'locations { code kind isDefault barcode } } }')["warehouseCreate"]
    assert sorted((loc["code"], loc["kind"], loc["isDefault"]) for loc in wh2["locations"]) == [
        ("WH2", "view", False), ("WH2/STOCK", "internal", True)]
    err = site.boss.error(CREATE_LOCATION, {"i": {"code": "WH2/STOCK", "name": "again"}})
    assert err["extensions"] == {"code": "VALIDATION", "field": "code"}
    err = site.boss.error(CREATE_LOCATION, {"i": {"code": "WH2/A", "name": "A", "barcode": "LOC-WH2-STOCK"}})
    assert err["extensions"] == {"code": "VALIDATION", "field": "barcode"}
    err = site.boss.error(CREATE_LOCATION, {"i": {"code": "WH2/B", "name": "B", "kind": "attic"}})
    assert err["extensions"] == {"code": "VALIDATION", "field": "kind"}
    units = {u["code"] for u in site.planner.ok("{ units { code name decimals } }")["units"]}
    assert {"pcs", "kg", "m", "l"} <= units


def test_products_order_by(make_app, make_client):
    """Three products created Z, A, M: by name ascending A, M, Z; by code descending the reverse of by code."""
    from tenon.core.testing import create_user

    app = make_app(plugins=["stock"])
    boss = make_client(app, create_user(app, "boss", roles=["warehouse_manager"]))
    for code, name in (("P-Z", "Zinc plate"), ("P-A", "Axle"), ("P-M", "Mount")):
        boss.ok('mutation($i: ProductCreateInput!) { productCreate(input: $i) { id } }',
                {"i": {"code": code, "name": name, "kind": "raw_material"}})
    q = "query($o: ProductOrder) { products(orderBy: $o) { nodes { code } } }"
    by_name = [n["code"] for n in boss.ok(q, {"o": {"field": "NAME"}})["products"]["nodes"]]
    assert by_name == ["P-A", "P-M", "P-Z"]
    by_code_desc = [n["code"] for n in boss.ok(q, {"o": {"field": "CODE", "direction": "DESC"}})["products"]["nodes"]]
    assert by_code_desc == ["P-Z", "P-M", "P-A"]
