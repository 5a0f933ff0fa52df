"""stock's owned hook ``tenon_stock_receipt_done``, as a quality plugin would use it: notified in
the validating transaction with the lines (lots set), it may move the goods on; an error it
raises rolls the whole validation back."""

from __future__ import annotations

from tenon import PluginInfo, TenonError, hookimpl
from tenon.core.testing import create_user

from .helpers import CREATE_RECEIPT, LEVEL_AT, LOCATIONS, VALIDATE_RECEIPT, create_product, dec


class Inbound:
    """Moves every received lot named ``Q-…`` into a location ``HOLD`` it creates with stock's
    public ``create_location``; raises on a lot named ``BOOM``."""

    __name__ = "inbound_plugin"

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str | None, bool]] = []

    @hookimpl
    def tenon_plugin_info(self):
        return PluginInfo(name="inbound", version="0.1.0", depends=("stock",))

    @hookimpl
    def tenon_stock_receipt_done(self, session, receipt, lines):
        from sqlalchemy import select

        from tenon.plugins.stock import Location, Lot, create_location, default_stock_location, move_stock

        for line in lines:
            lot = session.get(Lot, line.lot_id) if line.lot_id else None
            self.seen.append((receipt.state, f"{line.quantity:.0f}", lot.code if lot else None, line.lot_id is not None))
            if lot is not None and lot.code == "BOOM":
                raise TenonError("inbound failed", code="INBOUND_FAILED")
            if lot is not None and lot.code.startswith("Q-"):
                hold = session.scalar(select(Location).where(Location.code == "HOLD"))
                if hold is None:
                    stock = default_stock_location(session)
                    hold = create_location(session, code="HOLD", name="Hold", parent_id=stock.parent_id)
                move_stock(session, product_id=line.product_id, quantity=line.quantity,
                           from_location_id=receipt.location_id, to_location_id=hold.id, lot_id=line.lot_id,
                           origin_type="inbound", origin_id=receipt.id)


def test_receipt_done_hook_sees_the_lines_and_may_move_the_goods(make_app, make_client):
    """Receipt of 40 in lot Q-1 and 10 in lot L-2: the hook sees both lines, done, with lots; it
    moves Q-1 to HOLD: 10 stay in the default location, 40 are at HOLD. A receipt whose hook
    fails (lot BOOM) is not validated and moves nothing."""
    plugin = Inbound()
    app = make_app(plugins=["stock", "inbound"], extra_plugins=[plugin])
    boss = make_client(app, create_user(app, "boss", roles=["warehouse_manager"]))
    clerk = make_client(app, create_user(app, "clerk", roles=["warehouse_clerk"]))
    steel = create_product(boss, "RM-STEEL", "Steel bar", unit="kg", kind="raw_material", tracking="lot")
    receipt = clerk.ok(CREATE_RECEIPT, {"i": {"lines": [{"productId": steel["id"], "quantity": "40", "lot": "Q-1"},
                                                        {"productId": steel["id"], "quantity": "10", "lot": "L-2"}]}})
    clerk.ok(VALIDATE_RECEIPT, {"id": receipt["receiptCreate"]["id"]})
    assert plugin.seen == [("done", "40", "Q-1", True), ("done", "10", "L-2", True)]
    locs = {n["code"]: n["id"] for n in boss.ok(LOCATIONS, {"kind": "internal"})["locations"]["nodes"]}
    hold = locs.pop("HOLD")
    (default,) = locs.values()
    at = lambda loc: dec(boss.ok(LEVEL_AT, {"id": steel["id"], "loc": loc})["product"]["onHand"])  # noqa: E731
    assert (at(default), at(hold)) == (10, 40)

    bad = clerk.ok(CREATE_RECEIPT, {"i": {"lines": [{"productId": steel["id"], "quantity": "5", "lot": "BOOM"}]}})
    err = clerk.error(VALIDATE_RECEIPT, {"id": bad["receiptCreate"]["id"]})
    assert err["extensions"]["code"] == "PLUGIN_ERROR"  # a notification cannot refuse: it is a plugin error
    state = boss.ok("query($id: ID!) { receipt(id: $id) { state } }", {"id": bad["receiptCreate"]["id"]})
    assert state == {"receipt": {"state": "draft"}}
    assert (at(default), at(hold)) == (10, 40)
