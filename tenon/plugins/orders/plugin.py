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
    from . import hookspecs

    pm.add_hookspecs(hookspecs)


@hookimpl
def tenon_models(app):
    from .models import MODELS

    return list(MODELS)


@hookimpl
def tenon_migrations(app):
    return HERE / "migrations" / "versions"


@hookimpl
def tenon_policies(app):
    return HERE / "policies.csv"


@hookimpl
def tenon_sequences(app):
    from .services._common import SEQUENCES

    return list(SEQUENCES)


@hookimpl
def tenon_row_scopes(app):
    # One scope name, `region`, on every table that carries region_code; all decided by the
    # read policy of the object named here (order lines and history follow the order's).
    from tenon.core.access import RowScope
    from . import models as m
    from .services.regions import region_scope

    def scope(model: type, obj: str) -> RowScope:
        return RowScope(model=model, obj=obj, name="region", attribute="regions", criteria=region_scope)

    return [
        scope(m.Customer, "orders.customer"),
        scope(m.SalesOrder, "orders.sales_order"),
        scope(m.SalesOrderLine, "orders.sales_order"),
        scope(m.SalesOrderStateChange, "orders.sales_order"),
    ]


@hookimpl
def tenon_workflows(app):
    from .workflows import WORKFLOWS

    return list(WORKFLOWS)


@hookimpl
def tenon_events(app):
    from .events import EVENTS

    return list(EVENTS)


@hookimpl
def tenon_stock_shipment_confirming(session, shipment):
    # In stock's transaction: refuse shipping an order that was cancelled or closed meanwhile.
    from .services.shipping import check_shipment_confirming

    check_shipment_confirming(session, shipment)


@hookimpl
def tenon_stock_shipment_done(session, shipment, lines):
    # In stock's transaction: the order follows its done shipment (cannot refuse any more).
    from .services.shipping import on_shipment_done

    on_shipment_done(session, shipment, lines)


@hookimpl
def tenon_graphql_contributions(app):
    from .schema import contribution

    return contribution()


@hookimpl
def tenon_demo_data(session, app, progress):
    from .demo import load_demo

    load_demo(session, progress)


@hookimpl
def tenon_custom_entities(app):
    # Sales orders and customers take custom fields; their values follow the region scope.
    from tenon.core.custom import CustomEntity
    from .models import Customer, SalesOrder

    return [
        CustomEntity(name="orders.sales_order", model=SalesOrder, graphql_type="SalesOrder", obj="orders.sales_order",
                     label="sales order", create_mutations=("salesOrderCreate",),
                     update_mutations=("salesOrderUpdate",), inputs=("SalesOrderCreateInput", "SalesOrderUpdateInput"),
                     list_fields=("salesOrders",), filters=("SalesOrderFilter",), responsible="created_by"),
        CustomEntity(name="orders.customer", model=Customer, graphql_type="Customer", obj="orders.customer",
                     label="customer", create_mutations=("customerCreate",), update_mutations=("customerUpdate",),
                     inputs=("CustomerCreateInput", "CustomerUpdateInput"), list_fields=("customers",)),
    ]


@hookimpl
def tenon_web_pages(app):
    from tenon.core.contributions import WebPage

    return [WebPage(path="orders/progress", module=HERE / "web" / "progress.js", order=10,
                    title={"en": "Order progress", "zh-CN": "订单进度"},
                    permission=("orders.sales_order", "read"))]
