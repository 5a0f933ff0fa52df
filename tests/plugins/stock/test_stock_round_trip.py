"""Receipt → requisition issue → shipment, through GraphQL, with the balances checked at each step,
the events other plugins subscribe to, and the shipment-confirming hook another plugin may veto with."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from tenon import PluginInfo, TenonError
from tenon.core.events import Subscriber
from tenon.core.testing import create_user

from .helpers import (
    APPROVE_REQ,
    CLOSE_REQ,
    CONFIRM_SHIPMENT,
    CREATE_RECEIPT,
    CREATE_REQ,
    CREATE_SHIPMENT,
    ISSUE_REQ,
    MOVES,
    PICK_SHIPMENT,
    SHIPMENT,
    VALIDATE_RECEIPT,
    create_product,
    dec,
    ledger_sum,
    levels,
    stock_site,
)

EVENTS: list[tuple[str, dict[str, Any]]] = []


def _record(session: Any, event: Any) -> None:
    EVENTS.append((event.name, event.payload))


class Gate:
    """A stand-in for the qc plugin: subscribes to stock's events and may refuse a shipment."""

    __name__ = "stock_test_gate"
    refuse: set[str] = set()

    @staticmethod
    def tenon_plugin_info() -> PluginInfo:
        return PluginInfo(name="stockgate", version="0.1.0", depends=("stock",), summary="test gate")

    @staticmethod
    def tenon_event_subscribers(app: Any) -> list[Subscriber]:
        return [Subscriber(name, _record, name=f"gate.{name}") for name in (
            "stock.receipt.done", "stock.requisition.approved", "stock.requisition.issued",
            "stock.requisition.closed", "stock.shipment.picked", "stock.shipment.done")]

    @staticmethod
    def tenon_stock_shipment_confirming(session: Any, shipment: Any) -> None:
        if shipment.reference in Gate.refuse:
            raise TenonError(f"shipment {shipment.number} is on quality hold", code="QC_HOLD")


def _check_ledger(app: Any) -> list[dict[str, Any]]:
    from tenon.plugins.stock.ledger import check_balances

    with app.transaction() as s:
        return check_balances(s)


def test_receipt_requisition_shipment_round_trip(make_app, make_client):
    """A plant receives steel in two lots and brake discs, issues the steel to a work order in two
    goes, and ships discs to a customer.

    Steel (kg, lot-tracked): lot S-1 100 + lot S-2 60 = 160 on hand.
    Requisition MR for work order 7: 120 kg. Issue 70 (first-in first-out: all from S-1, which keeps
    30), state partially_issued; issue the remaining 50 (S-1's 30, then 20 of S-2), state issued.
    Steel on hand 160 − 120 = 40, all of it S-2; the production location holds 120.
    Discs: 50 received; shipment of 30 for order 5 line 11: picking reserves 30 (available 20),
    confirming moves them to the customer (on hand 20, reserved 0). Every product's balances over
    all locations sum to zero, and the check finds nothing to report.
    """
    EVENTS.clear()
    app = make_app(plugins=["stock", "stockgate"], extra_plugins=[Gate])
    boss = make_client(app, create_user(app, "boss", roles=["warehouse_manager"]))
    clerk = make_client(app, create_user(app, "clerk", roles=["warehouse_clerk"]))

    steel = create_product(boss, "RM-STEEL", "Steel bar", unit="kg", kind="raw_material", tracking="lot")
    disc = create_product(boss, "FG-DISC", "Brake disc 280")

    receipt = clerk.ok(CREATE_RECEIPT, {"i": {"supplier": "Baosteel", "lines": [
        {"productId": steel["id"], "quantity": "100", "lot": "S-1"},
        {"productId": steel["id"], "quantity": "60", "lot": "S-2"},
        {"productId": disc["id"], "quantity": "50"}]}})["receiptCreate"]
    assert receipt["state"] == "draft" and receipt["number"].startswith("RC-")
    assert levels(clerk, steel["id"]) == (0, 0, 0)  # a draft receipt moves nothing
    done = clerk.ok(VALIDATE_RECEIPT, {"id": receipt["id"]})["receiptValidate"]
    assert done["state"] == "done"
    assert levels(clerk, steel["id"]) == (160, 0, 160)
    assert levels(clerk, disc["id"]) == (50, 0, 50)
    err = clerk.error(VALIDATE_RECEIPT, {"id": receipt["id"]})
    assert err["extensions"]["code"] == "INVALID_STATE"  # done documents stay done
    assert levels(clerk, steel["id"]) == (160, 0, 160)

    req = clerk.ok(CREATE_REQ, {"i": {"originType": "mrp.work_order", "originId": 7,
                                      "lines": [{"productId": steel["id"], "quantity": "120"}]}})["requisitionCreate"]
    assert req["state"] == "draft" and req["number"].startswith("MR-")
    assert req["toLocation"]["kind"] == "production"
    assert clerk.error(ISSUE_REQ, {"id": req["id"]})["extensions"]["code"] == "INVALID_STATE"  # not approved yet
    req = boss.ok(APPROVE_REQ, {"id": req["id"]})["requisitionApprove"]
    assert req["state"] == "approved"

    line_id = req["lines"][0]["id"]
    req = clerk.ok(ISSUE_REQ, {"id": req["id"], "lines": [{"lineId": line_id, "quantity": "70"}]})["requisitionIssue"]
    assert req["state"] == "partially_issued"
    assert (dec(req["lines"][0]["issuedQuantity"]), dec(req["lines"][0]["remainingQuantity"])) == (70, 50)
    err = clerk.error(ISSUE_REQ, {"id": req["id"], "lines": [{"lineId": line_id, "quantity": "51"}]})
    assert err["extensions"] == {"code": "VALIDATION", "field": "lines[0].quantity"}
    req = clerk.ok(ISSUE_REQ, {"id": req["id"]})["requisitionIssue"]  # the rest
    assert req["state"] == "issued"
    assert levels(clerk, steel["id"]) == (40, 0, 40)
    production = next(n for n in clerk.ok("{ locations(kind: \"production\") { nodes { id } } }")["locations"]["nodes"])
    assert levels(clerk, steel["id"], production["id"])[0] == 120

    moves = clerk.ok(MOVES, {"p": steel["id"], "o": "stock.requisition", "oid": int(req["id"])})["moves"]["nodes"]
    issued = sorted((m["lot"]["code"], dec(m["quantity"])) for m in moves)
    assert issued == [("S-1", 30), ("S-1", 70), ("S-2", 20)]  # first in, first out
    assert all(m["state"] == "done" and m["toLocation"]["kind"] == "production" for m in moves)
    req = boss.ok(CLOSE_REQ, {"id": req["id"]})["requisitionClose"]
    assert req["state"] == "closed"

    shipment = clerk.ok(CREATE_SHIPMENT, {"i": {"originType": "orders.sales_order", "originId": 5, "lines": [
        {"productId": disc["id"], "quantity": "30", "originLineId": 11}]}})["shipmentCreate"]
    assert shipment["state"] == "draft" and shipment["number"].startswith("SH-")
    picked = clerk.ok(PICK_SHIPMENT, {"id": shipment["id"]})["shipmentPick"]
    assert picked["state"] == "picked"
    assert [(m["state"], dec(m["quantity"])) for m in picked["moves"]] == [("reserved", 30)]
    assert levels(clerk, disc["id"]) == (50, 30, 20)
    confirmed = clerk.ok(CONFIRM_SHIPMENT, {"id": shipment["id"]})["shipmentConfirm"]
    assert confirmed["state"] == "done"
    assert [(m["state"], m["toLocation"]["code"]) for m in confirmed["moves"]] == [("done", "VIRT/CUSTOMERS")]
    assert levels(clerk, disc["id"]) == (20, 0, 20)

    assert ledger_sum(app, steel["id"]) == 0 and ledger_sum(app, disc["id"]) == 0
    assert _check_ledger(app) == []

    names = [n for n, _p in EVENTS]
    assert names == ["stock.receipt.done", "stock.requisition.approved", "stock.requisition.issued",
                     "stock.requisition.issued", "stock.requisition.closed", "stock.shipment.picked",
                     "stock.shipment.done"]
    done_payload = EVENTS[-1][1]
    assert done_payload == {"shipment_id": int(shipment["id"]), "number": shipment["number"],
                            "origin_type": "orders.sales_order", "origin_id": 5,
                            "lines": [{"product_id": int(disc["id"]), "quantity": "30.0000", "origin_line_id": 11}]}
    issued_payload = EVENTS[3][1]
    assert issued_payload["state"] == "issued" and issued_payload["origin_id"] == 7
    assert sorted(Decimal(x["quantity"]) for x in issued_payload["lines"]) == [20, 30]


def test_a_plugin_can_refuse_a_shipment_before_it_is_confirmed(make_app, make_client):
    """The gate plugin refuses shipments referenced HOLD-1: confirming fails with its code, the
    shipment stays draft and the 10 discs stay on hand; the same shipment confirms once released."""
    app = make_app(plugins=["stock", "stockgate"], extra_plugins=[Gate])
    clerk = make_client(app, create_user(app, "clerk", roles=["warehouse_clerk"]))
    boss = make_client(app, create_user(app, "boss", roles=["warehouse_manager"]))
    disc = create_product(boss, "FG-DISC", "Brake disc")
    clerk.ok(CREATE_RECEIPT, {"i": {"lines": [{"productId": disc["id"], "quantity": "10"}], "validate": True}})
    s = clerk.ok(CREATE_SHIPMENT, {"i": {"originType": "orders.sales_order", "originId": 1, "reference": "HOLD-1",
                                         "lines": [{"productId": disc["id"], "quantity": "4"}]}})["shipmentCreate"]
    Gate.refuse = {"HOLD-1"}
    try:
        err = clerk.error(CONFIRM_SHIPMENT, {"id": s["id"]})
        assert err["extensions"]["code"] == "QC_HOLD"
        after = clerk.ok(SHIPMENT, {"id": s["id"]})["shipment"]
        assert after["state"] == "draft" and after["moves"] == []
        assert levels(clerk, disc["id"]) == (10, 0, 10)
    finally:
        Gate.refuse = set()
    assert clerk.ok(CONFIRM_SHIPMENT, {"id": s["id"]})["shipmentConfirm"]["state"] == "done"
    assert levels(clerk, disc["id"]) == (6, 0, 6)


def test_done_moves_are_never_changed_and_corrections_are_new_moves(make_app, make_client):
    """A shipment cannot be cancelled once done (INVALID_STATE); its moves stay as they were. The
    correction (goods back) is a new receipt: 10 in, 4 out, 4 back → 10 on hand, three done moves."""
    site = stock_site(make_app, make_client)
    disc = create_product(site.boss, "FG-DISC", "Brake disc")
    site.clerk.ok(CREATE_RECEIPT, {"i": {"lines": [{"productId": disc["id"], "quantity": "10"}], "validate": True}})
    s = site.clerk.ok(CREATE_SHIPMENT, {"i": {"originType": "t", "originId": 1,
                                              "lines": [{"productId": disc["id"], "quantity": "4"}]}})["shipmentCreate"]
    site.clerk.ok(CONFIRM_SHIPMENT, {"id": s["id"]})
    err = site.boss.error("mutation($id: ID!) { shipmentCancel(id: $id) { id } }", {"id": s["id"]})
    assert err["extensions"]["code"] == "INVALID_STATE"
    site.clerk.ok(CREATE_RECEIPT, {"i": {"reference": f"return of {s['number']}", "validate": True,
                                         "lines": [{"productId": disc["id"], "quantity": "4"}]}})
    assert levels(site.clerk, disc["id"]) == (10, 0, 10)
    moves = site.clerk.ok(MOVES, {"p": disc["id"]})["moves"]
    assert moves["totalCount"] == 3 and all(m["state"] == "done" for m in moves["nodes"])

    from tenon.plugins.stock import Move

    with site.app.transaction() as session:
        assert len(session.scalars(select(Move).where(Move.product_id == int(disc["id"]))).all()) == 3
