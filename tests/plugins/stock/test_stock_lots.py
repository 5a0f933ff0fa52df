"""Lots and serial numbers: required when a product is tracked; genealogy recorded as component lots
consumed into produced lots; traced upstream (UP) and downstream (DOWN) with receipts and shipments."""

from __future__ import annotations

from .helpers import (
    CONFIRM_SHIPMENT,
    CREATE_RECEIPT,
    CREATE_SHIPMENT,
    create_product,
    dec,
    levels,
    receive,
    stock_site,
)

LOT_CREATE = "mutation($i: LotCreateInput!) { lotCreate(input: $i) { id code barcode product { code } onHand } }"
CONSUME = "mutation($i: LotConsumptionInput!) { lotConsumptionRecord(input: $i) { id code } }"
MOVE_SCAN = """mutation($i: MoveScanInput!) { moveScan(input: $i) { id quantity state lot { code }
    fromLocation { code } toLocation { code } } }"""
TRACE = """query($lot: ID!, $d: TraceDirection!) { lotTrace(lotId: $lot, direction: $d) { direction
    nodes { depth quantity lot { code product { code } } parentLot { code }
            shipments { number originId } receipts { number } } } }"""
LOTS = "query($p: ID, $c: String) { lots(productId: $p, code: $c) { nodes { id code barcode onHand } } }"


def _lot(client, product_id: str, code: str) -> dict:
    return client.ok(LOTS, {"p": product_id, "c": code})["lots"]["nodes"][0]


def test_tracked_products_need_a_lot(make_app, make_client):
    """Receiving a lot-tracked product without a lot, or an untracked one with a lot, is a
    VALIDATION error on lines[0].lot; nothing is received. A serial number moves one unit at a
    time and cannot be in stock twice."""
    site = stock_site(make_app, make_client)
    steel = create_product(site.boss, "RM-STEEL", "Steel", unit="kg", kind="raw_material", tracking="lot")
    bolt = create_product(site.boss, "RM-BOLT", "Bolt", kind="raw_material")
    for pid, lot in ((steel["id"], None), (bolt["id"], "X-1")):
        line = {"productId": pid, "quantity": "5", **({"lot": lot} if lot else {})}
        err = site.clerk.error(CREATE_RECEIPT, {"i": {"lines": [line], "validate": True}})
        assert err["extensions"] == {"code": "VALIDATION", "field": "lines[0].lot"}
    assert site.clerk.ok("{ receipts { totalCount } }")["receipts"]["totalCount"] == 0

    caliper = create_product(site.boss, "FG-CAL", "Caliper", tracking="serial")
    err = site.clerk.error(CREATE_RECEIPT, {"i": {"lines": [{"productId": caliper["id"], "quantity": "2", "lot": "SN1"}],
                                                  "validate": True}})
    assert err["extensions"] == {"code": "VALIDATION", "field": "lines[0].quantity"}
    receive(site.clerk, caliper["id"], 1, lot="SN1")
    err = site.clerk.error(CREATE_RECEIPT, {"i": {"lines": [{"productId": caliper["id"], "quantity": "1", "lot": "SN1"}],
                                                  "validate": True}})
    assert err["extensions"] == {"code": "VALIDATION", "field": "lines[0].lot"}
    assert levels(site.clerk, caliper["id"]) == (1, 0, 1)


def test_lot_traceability_up_and_down(make_app, make_client):
    """Steel lots S-1 and S-2 and ball lot B-1 are received. Hub lot H-1 is made from 10 kg of S-1
    and 100 balls of B-1; hub lot H-2 from 8 kg of S-2. 5 hubs of H-1 come out of production into
    stock (a handheld move from the production location) and 3 ship to order 42; 4 of H-2 are
    made, and 2 ship to order 43.

    DOWN from S-1: S-1 (depth 0), H-1 (depth 1, 10 kg), with shipment for order 42 only.
    UP from H-1: H-1, then S-1 (10) and B-1 (100), S-1 with its receipt. Recording H-1 as a
    component of S-1 would close a loop: VALIDATION.
    """
    site = stock_site(make_app, make_client)
    steel = create_product(site.boss, "RM-STEEL", "Bearing steel", unit="kg", kind="raw_material", tracking="lot")
    ball = create_product(site.boss, "RM-BALL", "Steel ball", kind="raw_material", tracking="lot")
    hub = create_product(site.boss, "FG-HUB", "Hub bearing unit", tracking="lot")
    r_s1 = receive(site.clerk, steel["id"], 50, lot="S-1")
    receive(site.clerk, steel["id"], 50, lot="S-2")
    receive(site.clerk, ball["id"], 1000, lot="B-1")
    h1 = site.clerk.ok(LOT_CREATE, {"i": {"productId": hub["id"], "code": "H-1"}})["lotCreate"]
    h2 = site.clerk.ok(LOT_CREATE, {"i": {"productId": hub["id"], "code": "H-2"}})["lotCreate"]
    assert h1["barcode"] == "FG-HUB/H-1" and dec(h1["onHand"]) == 0
    s1, s2, b1 = _lot(site.clerk, steel["id"], "S-1"), _lot(site.clerk, steel["id"], "S-2"), _lot(site.clerk, ball["id"], "B-1")

    site.clerk.ok(CONSUME, {"i": {"producedLotId": h1["id"], "originType": "mrp.work_order", "originId": 1,
                                  "consumed": [{"lotId": s1["id"], "quantity": "10"}, {"lotId": b1["id"], "quantity": "100"}]}})
    site.clerk.ok(CONSUME, {"i": {"producedLotId": h2["id"], "consumed": [{"lotId": s2["id"], "quantity": "8"}]}})
    for lot, qty in ((h1, "5"), (h2, "4")):
        moved = site.clerk.ok(MOVE_SCAN, {"i": {"fromCode": "VIRT/PRODUCTION", "toCode": "LOC-WH-STOCK",
                                                "itemCode": lot["barcode"], "quantity": qty}})["moveScan"]
        assert [(m["lot"]["code"], m["toLocation"]["code"]) for m in moved] == [(lot["code"], "WH/STOCK")]
    shipments = {}
    for lot, order, qty in ((h1, 42, "3"), (h2, 43, "2")):
        s = site.clerk.ok(CREATE_SHIPMENT, {"i": {"originType": "orders.sales_order", "originId": order, "lines": [
            {"productId": hub["id"], "quantity": qty, "lotId": lot["id"]}]}})["shipmentCreate"]
        shipments[order] = site.clerk.ok(CONFIRM_SHIPMENT, {"id": s["id"]})["shipmentConfirm"]
    assert dec(_lot(site.clerk, hub["id"], "H-1")["onHand"]) == 2

    down = site.planner.ok(TRACE, {"lot": s1["id"], "d": "DOWN"})["lotTrace"]
    assert down["direction"] == "DOWN"
    assert [(n["lot"]["code"], n["depth"], n["parentLot"] and n["parentLot"]["code"], n["quantity"])
            for n in down["nodes"]] == [("S-1", 0, None, None), ("H-1", 1, "S-1", "10")]
    assert down["nodes"][1]["shipments"] == [{"number": shipments[42]["number"], "originId": 42}]

    up = site.planner.ok(TRACE, {"lot": h1["id"], "d": "UP"})["lotTrace"]
    assert sorted((n["lot"]["code"], n["depth"], n["quantity"]) for n in up["nodes"]) == [
        ("B-1", 1, "100"), ("H-1", 0, None), ("S-1", 1, "10")]
    by_code = {n["lot"]["code"]: n for n in up["nodes"]}
    assert by_code["S-1"]["receipts"] == [{"number": r_s1["number"]}]
    assert by_code["H-1"]["shipments"] == [{"number": shipments[42]["number"], "originId": 42}]

    err = site.clerk.error(CONSUME, {"i": {"producedLotId": s1["id"], "consumed": [{"lotId": h1["id"], "quantity": "1"}]}})
    assert err["extensions"] == {"code": "VALIDATION", "field": "consumed[0].lotId"}


def test_lots_are_taken_first_in_first_out(make_app, make_client):
    """Lots L-1 (4) and L-2 (6); a shipment of 7 without a lot takes all of L-1, then 3 of L-2."""
    site = stock_site(make_app, make_client)
    disc = create_product(site.boss, "FG-DISC", "Brake disc", tracking="lot")
    receive(site.clerk, disc["id"], 4, lot="L-1")
    receive(site.clerk, disc["id"], 6, lot="L-2")
    s = site.clerk.ok(CREATE_SHIPMENT, {"i": {"originType": "t", "originId": 1, "lines": [
        {"productId": disc["id"], "quantity": "7"}]}})["shipmentCreate"]
    done = site.clerk.ok(CONFIRM_SHIPMENT, {"id": s["id"]})["shipmentConfirm"]
    assert [(m["lot"]["code"], m["quantity"]) for m in done["moves"]] == [("L-1", "4"), ("L-2", "3")]
    assert levels(site.clerk, disc["id"]) == (3, 0, 3)
