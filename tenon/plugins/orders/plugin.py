"""orders: regions, customers, sales orders, order progress, delivery cycle time."""

from __future__ import annotations

from pathlib import Path

from tenon import PluginInfo, hookimpl

HERE = Path(__file__).parent


@hookimpl
def tenon_plugin_info():
    return PluginInfo(name="orders", version="0.1.0", depends=("stock>=0.1",),
                      summary="Regions, customers, sales orders, order progress")


@hookimpl
def tenon_addhooks(pm):
    from tenon.plugins.orders import hookspecs

    pm.add_hookspecs(hookspecs)


@hookimpl
def tenon_models(app):
    from tenon.plugins.orders.models import MODELS

    return list(MODELS)


@hookimpl
def tenon_migrations(app):
    return HERE / "migrations" / "versions"


@hookimpl
def tenon_policies(app):
    return HERE / "policies.csv"


@hookimpl
def tenon_sequences(app):
    from tenon.core.sequences import SequenceSpec

    return [
        SequenceSpec(code="orders.sales_order", prefix="SO-", date_format="%Y-", padding=5),
        SequenceSpec(code="orders.customer", prefix="C-", padding=5),
    ]


@hookimpl
def tenon_row_scopes(app):
    # One scope name, `region`, on every table that carries region_code; all decided by the
    # read policy of the object named here (order lines and history follow the order's).
    from tenon.core.access import RowScope
    from tenon.plugins.orders import models as m
    from tenon.plugins.orders.services import region_scope

    def scope(model: type, obj: str) -> RowScope:
        return RowScope(model=model, obj=obj, name="region", attribute="regions", criteria=region_scope)

    return [
        scope(m.Customer, "orders.customer"),
        scope(m.SalesOrder, "orders.sales_order"),
        scope(m.SalesOrderLine, "orders.sales_order"),
        scope(m.SalesOrderStateChange, "orders.sales_order"),
    ]


@hookimpl
def tenon_events(app):
    from tenon.plugins.orders.events import EVENTS

    return list(EVENTS)


@hookimpl
def tenon_stock_shipment_confirming(session, shipment):
    # In stock's transaction: refuse shipping an order that was cancelled or closed meanwhile.
    from tenon.plugins.orders.services import check_shipment_confirming

    check_shipment_confirming(session, shipment)


@hookimpl
def tenon_stock_shipment_done(session, shipment, lines):
    # In stock's transaction: the order follows its done shipment (cannot refuse any more).
    from tenon.plugins.orders.services import on_shipment_done

    on_shipment_done(session, shipment, lines)


@hookimpl
def tenon_graphql_contributions(app):
    from tenon.core.contributions import SchemaContribution
    from tenon.plugins.orders.schema import Mutation, Query, order_lines_field

    return SchemaContribution(query=Query, mutation=Mutation, extend={"Product": [order_lines_field()]})


@hookimpl
def tenon_demo_data(session, app, progress):
    from tenon.plugins.orders.demo import load_demo

    load_demo(session, progress)
