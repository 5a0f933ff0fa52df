"""Handheld scanning: any barcode value resolves to what it is; scan-to-move in one call; labels."""

from __future__ import annotations

import base64

from .helpers import CREATE_LOCATION, CREATE_TRANSFER, create_product, levels, receive, ship, stock_site

SCAN = """query($c: String!) { scan(code: $c) { code kind product { code } lot { code } location { code }
    documentType documentId number state } }"""
MOVE_SCAN = """mutation($i: MoveScanInput!) { moveScan(input: $i) { quantity state lot { code }
    fromLocation { code } toLocation { code } } }"""
LABEL = """query($k: LabelKind!, $id: ID!, $f: LabelFormat!, $s: LabelSymbology) {
    label(kind: $k, id: $id, format: $f, symbology: $s) { value format contentType filename content } }"""


def test_scan_resolves_every_kind_of_code(make_app, make_client):
    """Product by its barcode and by its code, lot by its barcode, location by its barcode and by
    its code, documents (receipt, shipment) by number; anything else is UNKNOWN."""
    site = stock_site(make_app, make_client)
    disc = create_product(site.boss, "FG-DISC", "Brake disc", barcode="6920450000019")
    steel = create_product(site.boss, "RM-STEEL", "Steel", unit="kg", kind="raw_material", tracking="lot")
    receipt = receive(site.clerk, steel["id"], 10, lot="S-7")
    receive(site.clerk, disc["id"], 5)
    shipment = ship(site.clerk, disc["id"], 1, origin_id=9)

    def scan(code: str) -> dict:
        return site.clerk.ok(SCAN, {"c": code})["scan"]

    assert scan("6920450000019")["kind"] == "PRODUCT" and scan("6920450000019")["product"]["code"] == "FG-DISC"
    assert scan("FG-DISC")["product"]["code"] == "FG-DISC"
    lot = scan("RM-STEEL/S-7")
    assert (lot["kind"], lot["lot"]["code"], lot["product"]["code"]) == ("LOT", "S-7", "RM-STEEL")
    assert scan("LOC-WH-STOCK")["location"]["code"] == "WH/STOCK"
    assert scan("WH/STOCK")["kind"] == "LOCATION"
    doc = scan(receipt["number"])
    assert (doc["kind"], doc["documentType"], doc["documentId"], doc["state"]) == (
        "DOCUMENT", "stock.receipt", receipt["id"], "done")
    doc = scan(shipment["number"])
    assert (doc["kind"], doc["documentType"], doc["number"]) == ("DOCUMENT", "stock.shipment", shipment["number"])
    assert scan("NO-SUCH-THING") == {"code": "NO-SUCH-THING", "kind": "UNKNOWN", "product": None, "lot": None,
                                     "location": None, "documentType": None, "documentId": None, "number": None,
                                     "state": None}
    assert site.clerk.error(SCAN, {"c": "  "})["extensions"] == {"code": "VALIDATION", "field": "code"}


def test_scan_to_move_and_transfers(make_app, make_client):
    """20 discs in WH/STOCK. The clerk scans the stock location, shelf A-01 and the disc's barcode:
    6 move in one call (14 + 6). Scanning 15 more from the shelf fails with INSUFFICIENT_STOCK and
    moves nothing. An internal transfer back of 2 leaves 16 / 4; the total stays 20."""
    site = stock_site(make_app, make_client)
    shelf = site.boss.ok(CREATE_LOCATION, {"i": {"code": "WH/A-01", "name": "Shelf A-01", "barcode": "LOC-A01",
                                                 "parentId": site.location_id("WH")}})["locationCreate"]
    disc = create_product(site.boss, "FG-DISC", "Brake disc", barcode="6920450000019")
    receive(site.clerk, disc["id"], 20)
    stock = site.location_id("WH/STOCK")
    moved = site.clerk.ok(MOVE_SCAN, {"i": {"fromCode": "LOC-WH-STOCK", "toCode": "LOC-A01",
                                            "itemCode": "6920450000019", "quantity": "6"}})["moveScan"]
    assert moved == [{"quantity": "6", "state": "done", "lot": None, "fromLocation": {"code": "WH/STOCK"},
                      "toLocation": {"code": "WH/A-01"}}]
    assert levels(site.clerk, disc["id"], stock)[0] == 14 and levels(site.clerk, disc["id"], shelf["id"])[0] == 6
    err = site.clerk.error(MOVE_SCAN, {"i": {"fromCode": "LOC-A01", "toCode": "LOC-WH-STOCK",
                                             "itemCode": "FG-DISC", "quantity": "15"}})
    assert err["extensions"]["code"] == "INSUFFICIENT_STOCK"
    err = site.clerk.error(MOVE_SCAN, {"i": {"fromCode": "NOPE", "toCode": "LOC-A01", "itemCode": "FG-DISC", "quantity": "1"}})
    assert err["extensions"] == {"code": "NOT_FOUND", "field": "fromCode"}
    assert levels(site.clerk, disc["id"], shelf["id"])[0] == 6
    tr = site.clerk.ok(CREATE_TRANSFER, {"i": {"fromLocationId": shelf["id"], "toLocationId": stock, "validate": True,
                                               "lines": [{"productId": disc["id"], "quantity": "2"}]}})["transferCreate"]
    assert tr["state"] == "done" and tr["number"].startswith("TR-")
    assert levels(site.clerk, disc["id"], stock)[0] == 16 and levels(site.clerk, disc["id"], shelf["id"])[0] == 4
    assert levels(site.clerk, disc["id"])[0] == 20


def test_labels_for_products_lots_and_locations(make_app, make_client):
    """Labels encode the barcode (or code): SVG is a Code 128 drawing, PNG a QR code (base64), ZPL a
    Zebra label with a ^BC Code 128 field; the lot label encodes its barcode PRODUCT/LOT."""
    site = stock_site(make_app, make_client)
    disc = create_product(site.boss, "FG-DISC", "Brake disc 280", barcode="6920450000019")
    steel = create_product(site.boss, "RM-STEEL", "Steel", unit="kg", kind="raw_material", tracking="lot")
    receive(site.clerk, steel["id"], 10, lot="S-7")
    lot_id = site.clerk.ok('query($p: ID) { lots(productId: $p) { nodes { id } } }', {"p": steel["id"]})["lots"]["nodes"][0]["id"]

    svg = site.planner.ok(LABEL, {"k": "PRODUCT", "id": disc["id"], "f": "SVG"})["label"]
    assert svg["value"] == "6920450000019" and svg["contentType"] == "image/svg+xml"
    assert "<svg" in svg["content"] and "6920450000019" in svg["content"]
    png = site.planner.ok(LABEL, {"k": "PRODUCT", "id": disc["id"], "f": "PNG"})["label"]
    assert base64.b64decode(png["content"]).startswith(b"\x89PNG") and png["filename"].endswith(".png")
    zpl = site.planner.ok(LABEL, {"k": "LOT", "id": lot_id, "f": "ZPL"})["label"]
    assert zpl["value"] == "RM-STEEL/S-7" and zpl["contentType"] == "application/x-zpl"
    assert zpl["content"].startswith("^XA") and "^BCN" in zpl["content"] and "^FDRM-STEEL/S-7^FS" in zpl["content"]
    assert zpl["content"].rstrip().endswith("^XZ")
    qr = site.planner.ok(LABEL, {"k": "LOCATION", "id": site.location_id("WH/STOCK"), "f": "SVG", "s": "QR"})["label"]
    assert qr["value"] == "LOC-WH-STOCK" and "<svg" in qr["content"]
    err = site.planner.error(LABEL, {"k": "PRODUCT", "id": "999", "f": "SVG"})
    assert err["extensions"]["code"] == "NOT_FOUND"


def test_labels_download_over_http(make_app, make_client):
    """GET /stock/labels/<kind>/<id>?format=... returns the label bytes with their content type for
    a signed-in reader; 401 without a token, 403 without read access, 404 for an unknown product."""
    site = stock_site(make_app, make_client)
    disc = create_product(site.boss, "FG-DISC", "Brake disc 280")
    http = site.clerk.http

    def get(path: str, client=site.planner):
        headers = {"Authorization": f"Bearer {client.token}"} if client is not None else {}
        return http.get(path, headers=headers)

    r = get(f"/stock/labels/product/{disc['id']}?format=png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png" and r.content.startswith(b"\x89PNG")
    assert 'filename="product-FG-DISC.png"' in r.headers["content-disposition"]
    r = get(f"/stock/labels/product/{disc['id']}?format=zpl")
    assert r.status_code == 200 and r.text.startswith("^XA") and "^FDFG-DISC^FS" in r.text
    r = get(f"/stock/labels/location/{site.location_id('WH/STOCK')}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert get(f"/stock/labels/product/{disc['id']}", client=None).status_code == 401
    assert get(f"/stock/labels/product/{disc['id']}", client=site.nobody).status_code == 403
    r = get("/stock/labels/product/999")
    assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"
    assert get(f"/stock/labels/product/{disc['id']}?format=gif").status_code == 400
