"""Cycle counts: counted quantities against the system quantity at count time; confirming posts
adjustments to/from the inventory-loss location; inventory accuracy over a period."""

from __future__ import annotations

from .helpers import CREATE_LOCATION, create_product, dec, ledger_sum, levels, receive, stock_site

COUNT_FIELDS = """id number state lines { id systemQuantity countedQuantity difference product { code } }"""
COUNT_CREATE = f"mutation($i: CountCreateInput!) {{ countCreate(input: $i) {{ {COUNT_FIELDS} }} }}"
COUNT_RECORD = f"mutation($id: ID!, $e: [CountEntryInput!]!) {{ countRecord(id: $id, entries: $e) {{ {COUNT_FIELDS} }} }}"
COUNT_CONFIRM = f"mutation($id: ID!) {{ countConfirm(id: $id) {{ {COUNT_FIELDS} }} }}"
ACCURACY = """query($from: DateTime!, $to: DateTime!, $loc: ID, $tol: Decimal) {
    inventoryAccuracy(from: $from, to: $to, locationId: $loc, tolerance: $tol) {
        countedLines accurateLines tolerance accuracy accuracyPercent } }"""
WIDE = {"from": "2000-01-01T00:00:00Z", "to": "2100-01-01T00:00:00Z"}


def test_count_adjustment_and_accuracy(make_app, make_client):
    """Aisle A-01 holds 100 brake discs, 50 hub bearings and 20 knuckles. The clerk counts 100 discs
    (difference 0), 47 hubs (−3) and 22 knuckles (+2). Confirming posts two adjustments: 3 hubs
    from A-01 to inventory loss, 2 knuckles from inventory loss to A-01; stock becomes 100 / 47 / 22
    and the inventory-loss location holds +3 hubs and −2 knuckles. Balances still sum to zero.

    Accuracy over the period, 3 counted lines:
    * tolerance 0: only the discs are exact → 1/3 = 0.3333 (33.33 %);
    * tolerance 2: discs (0) and knuckles (|+2| ≤ 2) → 2/3 = 0.6667 (66.67 %);
    * tolerance 3: all three → 3/3 = 1 (100 %).
    A count that is not confirmed does not count, and a period with no counts has no figure.
    """
    site = stock_site(make_app, make_client)
    aisle = site.boss.ok(CREATE_LOCATION, {"i": {"code": "WH/A-01", "name": "Aisle A-01", "barcode": "LOC-A01",
                                                 "parentId": site.location_id("WH")}})["locationCreate"]
    disc = create_product(site.boss, "FG-DISC", "Brake disc")
    hub = create_product(site.boss, "FG-HUB", "Hub bearing")
    knuckle = create_product(site.boss, "FG-KNK", "Knuckle")
    for p, q in ((disc, 100), (hub, 50), (knuckle, 20)):
        receive(site.clerk, p["id"], q, location_id=aisle["id"])

    count = site.clerk.ok(COUNT_CREATE, {"i": {"locationId": aisle["id"]}})["countCreate"]
    assert count["state"] == "draft" and count["number"].startswith("CC-")
    lines = {ln["product"]["code"]: ln for ln in count["lines"]}
    assert set(lines) == {"FG-DISC", "FG-HUB", "FG-KNK"}
    assert all(ln["systemQuantity"] is None and ln["countedQuantity"] is None for ln in count["lines"])

    entries = [{"lineId": lines["FG-DISC"]["id"], "countedQuantity": "100"},
               {"lineId": lines["FG-HUB"]["id"], "countedQuantity": "47"},
               {"lineId": lines["FG-KNK"]["id"], "countedQuantity": "22"}]
    counted = site.clerk.ok(COUNT_RECORD, {"id": count["id"], "e": entries})["countRecord"]
    got = {ln["product"]["code"]: (ln["systemQuantity"], ln["countedQuantity"], ln["difference"]) for ln in counted["lines"]}
    assert got == {"FG-DISC": ("100", "100", "0"), "FG-HUB": ("50", "47", "-3"), "FG-KNK": ("20", "22", "2")}
    assert site.clerk.ok(ACCURACY, WIDE)["inventoryAccuracy"]["countedLines"] == 0  # not confirmed yet
    assert site.clerk.error(COUNT_CONFIRM, {"id": count["id"]})["extensions"]["code"] == "FORBIDDEN"

    done = site.boss.ok(COUNT_CONFIRM, {"id": count["id"]})["countConfirm"]
    assert done["state"] == "done"
    assert levels(site.clerk, disc["id"], aisle["id"])[0] == 100
    assert levels(site.clerk, hub["id"], aisle["id"])[0] == 47
    assert levels(site.clerk, knuckle["id"], aisle["id"])[0] == 22
    loss = next(n for n in site.boss.ok('{ locations(kind: "inventory_loss") { nodes { id } } }')["locations"]["nodes"])
    assert levels(site.clerk, hub["id"], loss["id"])[0] == 3
    assert levels(site.clerk, knuckle["id"], loss["id"])[0] == -2
    for p in (disc, hub, knuckle):
        assert ledger_sum(site.app, p["id"]) == 0

    figures = {}
    for tol in ("0", "2", "3"):
        a = site.planner.ok(ACCURACY, {**WIDE, "loc": aisle["id"], "tol": tol})["inventoryAccuracy"]
        figures[tol] = (a["countedLines"], a["accurateLines"], dec(a["accuracy"]), dec(a["accuracyPercent"]))
    assert figures == {"0": (3, 1, dec("0.3333"), dec("33.33")), "2": (3, 2, dec("0.6667"), dec("66.67")),
                       "3": (3, 3, dec("1"), dec("100"))}
    empty = site.planner.ok(ACCURACY, {"from": "2001-01-01T00:00:00Z", "to": "2001-02-01T00:00:00Z"})["inventoryAccuracy"]
    assert (empty["countedLines"], empty["accuracy"]) == (0, None)


def test_stock_found_on_the_shelf_and_counts_that_cannot_post(make_app, make_client):
    """A count of the stock location for discs (5 on hand) where the clerk also finds 2 calipers the
    system did not know about: confirming brings the calipers in from inventory loss (+2).
    If the stock moved between counting and confirming so that the loss cannot be posted
    (counted 1 of 5, i.e. −4, but meanwhile 3 shipped leaving 2), confirming fails with
    INSUFFICIENT_STOCK and the count stays draft."""
    site = stock_site(make_app, make_client)
    stock_loc = site.location_id("WH/STOCK")
    disc = create_product(site.boss, "FG-DISC", "Brake disc")
    caliper = create_product(site.boss, "FG-CAL", "Caliper")
    receive(site.clerk, disc["id"], 5)
    count = site.clerk.ok(COUNT_CREATE, {"i": {"locationId": stock_loc, "productIds": [disc["id"]]}})["countCreate"]
    assert [ln["product"]["code"] for ln in count["lines"]] == ["FG-DISC"]
    site.clerk.ok(COUNT_RECORD, {"id": count["id"], "e": [
        {"lineId": count["lines"][0]["id"], "countedQuantity": "5"},
        {"productId": caliper["id"], "countedQuantity": "2"}]})
    site.boss.ok(COUNT_CONFIRM, {"id": count["id"]})
    assert levels(site.clerk, caliper["id"]) == (2, 0, 2)

    c2 = site.clerk.ok(COUNT_CREATE, {"i": {"productIds": [disc["id"]]}})["countCreate"]
    site.clerk.ok(COUNT_RECORD, {"id": c2["id"], "e": [{"lineId": c2["lines"][0]["id"], "countedQuantity": "1"}]})
    from .helpers import ship

    ship(site.clerk, disc["id"], 3)
    err = site.boss.error(COUNT_CONFIRM, {"id": c2["id"]})
    assert err["extensions"]["code"] == "INSUFFICIENT_STOCK"
    assert site.clerk.ok("query($id: ID!) { count(id: $id) { state } }", {"id": c2["id"]})["count"]["state"] == "draft"
    assert levels(site.clerk, disc["id"]) == (2, 0, 2)
