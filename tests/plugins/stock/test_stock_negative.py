"""Internal locations never go negative: a move that would make them negative fails with
INSUFFICIENT_STOCK and changes nothing. Reserved stock is not available to others."""

from __future__ import annotations

from .helpers import (
    CANCEL_SHIPMENT,
    CONFIRM_SHIPMENT,
    CREATE_SHIPMENT,
    MOVES,
    PICK_SHIPMENT,
    SHIPMENT,
    create_product,
    ledger_sum,
    levels,
    receive,
    ship,
    stock_site,
)

SHIPMENTS = "query { shipments(first: 50) { totalCount nodes { id state } } }"


def test_a_shipment_larger_than_the_stock_is_refused_and_changes_nothing(make_app, make_client):
    """5 discs on hand; confirming a shipment of 8 fails with INSUFFICIENT_STOCK naming the line,
    with the wanted and available quantities; the shipment stays draft without moves, and the
    5 discs are still there."""
    site = stock_site(make_app, make_client)
    disc = create_product(site.boss, "FG-DISC", "Brake disc")
    receive(site.clerk, disc["id"], 5)
    s = ship(site.clerk, disc["id"], 8, confirm=False)
    err = site.clerk.error(CONFIRM_SHIPMENT, {"id": s["id"]})
    assert err["extensions"]["code"] == "INSUFFICIENT_STOCK"
    assert err["extensions"]["field"] == "lines[0].quantity"
    assert err["extensions"]["details"]["wanted"] == "8.0000"
    assert err["extensions"]["details"]["available"] == "5.0000"
    after = site.clerk.ok(SHIPMENT, {"id": s["id"]})["shipment"]
    assert after["state"] == "draft" and after["moves"] == []
    assert levels(site.clerk, disc["id"]) == (5, 0, 5)
    assert site.clerk.ok(MOVES, {"p": disc["id"], "o": "stock.shipment"})["moves"]["totalCount"] == 0


def test_a_short_second_line_undoes_the_first(make_app, make_client):
    """Discs 10 on hand, calipers 1. A shipment of 6 discs and 2 calipers: the caliper line fails
    (INSUFFICIENT_STOCK on lines[1].quantity) after the disc line was taken, and the whole
    operation rolls back: still 10 discs and 1 caliper, nothing reserved."""
    site = stock_site(make_app, make_client)
    disc = create_product(site.boss, "FG-DISC", "Brake disc")
    caliper = create_product(site.boss, "FG-CAL", "Caliper")
    receive(site.clerk, disc["id"], 10)
    receive(site.clerk, caliper["id"], 1)
    s = site.clerk.ok(CREATE_SHIPMENT, {"i": {"originType": "t", "originId": 1, "lines": [
        {"productId": disc["id"], "quantity": "6"}, {"productId": caliper["id"], "quantity": "2"}]}})["shipmentCreate"]
    for op in (PICK_SHIPMENT, CONFIRM_SHIPMENT):
        err = site.clerk.error(op, {"id": s["id"]})
        assert (err["extensions"]["code"], err["extensions"]["field"]) == ("INSUFFICIENT_STOCK", "lines[1].quantity")
        assert levels(site.clerk, disc["id"]) == (10, 0, 10)
        assert levels(site.clerk, caliper["id"]) == (1, 0, 1)
        assert site.clerk.ok(SHIPMENT, {"id": s["id"]})["shipment"]["state"] == "draft"


def test_reserved_stock_is_not_available_to_another_document(make_app, make_client):
    """10 on hand; shipment A picks 7 (reserved 7, available 3). Shipment B for 4 is refused even
    though 10 are on hand. Cancelling A releases its reservation (available 10), and B ships:
    6 left. Reservations are rows: A's is `released`, B's `consumed`."""
    site = stock_site(make_app, make_client)
    disc = create_product(site.boss, "FG-DISC", "Brake disc")
    receive(site.clerk, disc["id"], 10)
    a = ship(site.clerk, disc["id"], 7, origin_id=1, confirm=False)
    site.clerk.ok(PICK_SHIPMENT, {"id": a["id"]})
    assert levels(site.clerk, disc["id"]) == (10, 7, 3)
    b = ship(site.clerk, disc["id"], 4, origin_id=2, confirm=False)
    assert site.clerk.error(CONFIRM_SHIPMENT, {"id": b["id"]})["extensions"]["code"] == "INSUFFICIENT_STOCK"
    assert levels(site.clerk, disc["id"]) == (10, 7, 3)
    cancelled = site.boss.ok(CANCEL_SHIPMENT, {"id": a["id"]})["shipmentCancel"]
    assert cancelled["state"] == "cancelled" and [m["state"] for m in cancelled["moves"]] == ["cancelled"]
    assert levels(site.clerk, disc["id"]) == (10, 0, 10)
    assert site.clerk.ok(CONFIRM_SHIPMENT, {"id": b["id"]})["shipmentConfirm"]["state"] == "done"
    assert levels(site.clerk, disc["id"]) == (6, 0, 6)
    rows = site.clerk.ok("""query($p: ID) { reservations(productId: $p, state: null) {
        nodes { state quantity originType originId } } }""", {"p": disc["id"]})["reservations"]["nodes"]
    assert sorted((r["originId"], r["state"], r["quantity"]) for r in rows) == [
        (int(a["id"]), "released", "7"), (int(b["id"]), "consumed", "4")]


def test_a_reservation_for_any_document_holds_stock(make_app, make_client):
    """Another plugin's document (a sales order) reserves 8 of 10: available 2; a second reservation
    of 3 is refused; releasing the first makes the 10 available again."""
    site = stock_site(make_app, make_client)
    disc = create_product(site.boss, "FG-DISC", "Brake disc")
    receive(site.clerk, disc["id"], 10)
    q = """mutation($i: ReservationCreateInput!) { reservationCreate(input: $i) { id quantity state originType } }"""
    held = site.clerk.ok(q, {"i": {"productId": disc["id"], "quantity": "8", "originType": "orders.sales_order",
                                   "originId": 3}})["reservationCreate"]
    assert [(r["quantity"], r["state"]) for r in held] == [("8", "active")]
    assert levels(site.clerk, disc["id"]) == (10, 8, 2)
    err = site.clerk.error(q, {"i": {"productId": disc["id"], "quantity": "3", "originType": "x", "originId": 1}})
    assert err["extensions"]["code"] == "INSUFFICIENT_STOCK"
    released = site.clerk.ok("mutation($ids: [ID!]!) { reservationRelease(ids: $ids) }", {"ids": [held[0]["id"]]})
    assert released["reservationRelease"] == 1
    assert levels(site.clerk, disc["id"]) == (10, 0, 10)


def test_virtual_locations_take_the_other_side_of_every_move(make_app, make_client):
    """Receiving 10 leaves -10 at the supplier location; shipping 4 puts +4 at the customer: per
    product the balances over all locations sum to zero. Decimal quantities stay exact:
    0.1 + 0.2 received, 0.3 shipped leaves exactly 0 (no float residue refuses it)."""
    site = stock_site(make_app, make_client)
    disc = create_product(site.boss, "FG-DISC", "Brake disc")
    receive(site.clerk, disc["id"], 10)
    ship(site.clerk, disc["id"], 4)
    assert ledger_sum(site.app, disc["id"]) == 0
    oil = create_product(site.boss, "RM-OIL", "Oil", unit="l", kind="raw_material")
    receive(site.clerk, oil["id"], "0.1")
    receive(site.clerk, oil["id"], "0.2")
    ship(site.clerk, oil["id"], "0.3")
    assert levels(site.clerk, oil["id"]) == (0, 0, 0)
    assert site.clerk.error(CONFIRM_SHIPMENT, {"id": ship(site.clerk, oil["id"], "0.0001", confirm=False)["id"]}
                            )["extensions"]["code"] == "INSUFFICIENT_STOCK"
    assert ledger_sum(site.app, oil["id"]) == 0


def test_quantities_are_validated(make_app, make_client):
    """Zero, negative and over-precise quantities are VALIDATION errors naming the line field."""
    site = stock_site(make_app, make_client)
    disc = create_product(site.boss, "FG-DISC", "Brake disc")
    for bad in ("0", "-1", "1.00001"):
        err = site.clerk.error(CREATE_SHIPMENT, {"i": {"originType": "t", "originId": 1, "lines": [
            {"productId": disc["id"], "quantity": bad}]}})
        assert err["extensions"] == {"code": "VALIDATION", "field": "lines[0].quantity"}, bad
    assert site.clerk.ok(SHIPMENTS)["shipments"]["totalCount"] == 0
