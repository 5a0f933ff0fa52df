"""The hooks orders owns, implemented by test plugins that stand in for production planning (mrp):
a veto before confirmation, production progress through the public services, cancellation vetoes,
the state-changed hook (in the transaction) and event (after commit). Orders imports none of them."""

from __future__ import annotations

from decimal import Decimal

from tenon import PluginInfo, TenonError, hookimpl
from tenon.core.events import Subscriber

from .helpers import CANCEL_ORDER, CONFIRM_ORDER, ORDER, create_order, line, orders_site, ship


class PlanningRefused(TenonError):
    code = "PLANNING_REFUSED"


class VetoPlugin:
    """Refuses every confirmation before it happens, as mrp would when it cannot plan the order."""

    __name__ = "VetoPlugin"

    def __init__(self) -> None:
        self.calls: list[tuple[str, list[int], str | None]] = []

    @staticmethod
    def tenon_plugin_info():
        return PluginInfo(name="veto", version="0.1", depends=("orders",))

    @hookimpl
    def tenon_orders_sales_order_confirming(self, session, order, lines, actor):
        self.calls.append((order.state, [x.id for x in lines], actor.username if actor else None))
        raise PlanningRefused(f"no capacity for {order.number}")


class ProductionPlugin:
    """Puts confirmed orders in production at once (except low-priority ones, planned later);
    refuses cancelling orders noted "keep"; records every state change it is told about and
    every event it receives (after commit)."""

    __name__ = "ProductionPlugin"

    def __init__(self) -> None:
        self.changes: list[tuple[str | None, str]] = []
        self.events: list[tuple[str | None, str]] = []

    @staticmethod
    def tenon_plugin_info():
        return PluginInfo(name="fakemrp", version="0.1", depends=("orders",))

    @hookimpl
    def tenon_orders_sales_order_confirmed(self, session, order):
        from tenon.plugins.orders import mark_in_production

        if order.priority != "low":
            mark_in_production(session, order.id)

    @hookimpl
    def tenon_orders_sales_order_cancelling(self, order):
        if order.notes == "keep":
            raise PlanningRefused(f"{order.number} has material on order")

    @hookimpl
    def tenon_orders_sales_order_state_changed(self, from_state, to_state):
        self.changes.append((from_state, to_state))

    @hookimpl
    def tenon_event_subscribers(self, app):
        from tenon.plugins.orders import SalesOrderStateChanged

        return [Subscriber(SalesOrderStateChanged,
                           lambda session, event: self.events.append((event.payload["from_state"],
                                                                      event.payload["to_state"])),
                           name="fakemrp.state_changed")]


def test_a_vetoed_confirmation_leaves_the_order_in_draft(make_app, make_client):
    """The veto plugin refuses: the client gets its code, the order stays DRAFT with one history row
    (created), and the pre-step hook saw the order still `draft` (after orders' own checks), its one
    line and the confirming rep."""
    veto = VetoPlugin()
    site = orders_site(make_app, make_client, plugins=("veto",), extra_plugins=[veto])
    rep, ids = site["rep_east"], site.ids
    order = create_order(rep, ids["C-EAST"], [line(ids["BD-01"], 3)])

    err = rep.error(CONFIRM_ORDER, {"id": order["id"]})
    assert err["extensions"]["code"] == "PLANNING_REFUSED"
    assert veto.calls == [("draft", [int(order["lines"][0]["id"])], "rep_east")]
    after = site.order(order["id"])
    assert after["state"] == "DRAFT"
    assert [h["toState"] for h in after["history"]] == ["DRAFT"]
    assert after["version"] == order["version"]


def test_production_moves_the_order_through_in_production_and_ready(make_app, make_client):
    """fakemrp puts the order (10 discs, 4 calipers) in production on confirmation. Production then
    reports 10 discs and 3 calipers (still in production: 1 caliper short), then 1 more caliper
    (READY). A partial shipment of 5 discs follows, then the rest. An order in production cannot be
    cancelled (INVALID_STATE); a confirmed one noted "keep" is refused by fakemrp's cancelling hook.
    The state-changed hook and the event saw every change of the first order, in order."""
    mrp = ProductionPlugin()
    site = orders_site(make_app, make_client, plugins=("fakemrp",), extra_plugins=[mrp])
    rep, clerk, ids = site["rep_east"], site["clerk"], site.ids
    order = create_order(rep, ids["C-EAST"], [line(ids["BD-01"], 10), line(ids["CP-02"], 4)])
    assert rep.ok(CONFIRM_ORDER, {"id": order["id"]})["salesOrderConfirm"]["state"] == "IN_PRODUCTION"
    assert rep.error(CANCEL_ORDER, {"id": order["id"], "r": "x"})["extensions"]["code"] == "INVALID_STATE"

    from tenon.plugins.orders import record_produced

    disc, caliper = (int(x["id"]) for x in order["lines"])
    with site.app.transaction(operation="test:produce") as s:  # as mrp reports finished work orders
        record_produced(s, disc, Decimal(10))
        record_produced(s, caliper, Decimal(3))
    assert site.order(order["id"])["state"] == "IN_PRODUCTION"
    with site.app.transaction(operation="test:produce") as s:
        record_produced(s, caliper, Decimal(1))
    progress = rep.ok("query($id: ID!) { salesOrder(id: $id) { state progress { produced shipped percentComplete } } }",
                      {"id": order["id"]})["salesOrder"]
    assert progress["state"] == "READY"
    assert (Decimal(progress["progress"]["produced"]), progress["progress"]["percentComplete"]) == (14, 0.0)

    ship(clerk, order["id"], [(disc, 5)])
    assert site.order(order["id"])["state"] == "PARTIALLY_SHIPPED"
    ship(clerk, order["id"])
    final = rep.ok(ORDER, {"id": order["id"]})["salesOrder"]
    assert final["state"] == "SHIPPED"
    expected = [(None, "draft"), ("draft", "confirmed"), ("confirmed", "in_production"), ("in_production", "ready"),
                ("ready", "partially_shipped"), ("partially_shipped", "shipped")]
    assert [(h["fromState"] and h["fromState"].lower(), h["toState"].lower()) for h in final["history"]] == expected
    assert mrp.changes == expected
    assert mrp.events == expected

    kept = create_order(rep, ids["C-EAST"], [line(ids["BD-01"], 1)], priority="LOW", notes="keep")
    assert rep.ok(CONFIRM_ORDER, {"id": kept["id"]})["salesOrderConfirm"]["state"] == "CONFIRMED"
    assert rep.error(CANCEL_ORDER, {"id": kept["id"], "r": "x"})["extensions"]["code"] == "PLANNING_REFUSED"
    assert site.order(kept["id"])["state"] == "CONFIRMED"


class LateVetoPlugin:
    """Tries to refuse from the past-tense ``confirmed`` notification, which the rule forbids."""

    __name__ = "LateVetoPlugin"

    @staticmethod
    def tenon_plugin_info():
        return PluginInfo(name="lateveto", version="0.1", depends=("orders",))

    @hookimpl
    def tenon_orders_sales_order_confirmed(self, order):
        raise PlanningRefused(f"no capacity for {order.number}")


def test_a_notification_hook_cannot_veto_a_confirmation(make_app, make_client):
    """The refusal from ``…_confirmed`` is no veto: the client gets PLUGIN_ERROR naming the plugin and the
    hook to refuse in, and the whole operation still rolls back (the order stays DRAFT)."""
    site = orders_site(make_app, make_client, plugins=("lateveto",), extra_plugins=[LateVetoPlugin()])
    rep, ids = site["rep_east"], site.ids
    order = create_order(rep, ids["C-EAST"], [line(ids["BD-01"], 3)])

    err = rep.error(CONFIRM_ORDER, {"id": order["id"]})
    assert err["extensions"]["code"] == "PLUGIN_ERROR"
    assert err["message"].startswith("plugin 'lateveto' raised from notification hook "
                                     "'tenon_orders_sales_order_confirmed' (PLANNING_REFUSED: no capacity for ")
    assert err["message"].endswith("refuse in 'tenon_orders_sales_order_confirming' instead")
    assert site.order(order["id"])["state"] == "DRAFT"
