"""mrp: work centers, operation library, routings, BOMs, work orders, operation reporting by
people and machines, production exceptions, capacity. Depends on stock; integrates with orders
when it is installed (:mod:`.integrations.orders`)."""

from __future__ import annotations

from pathlib import Path

from tenon import PluginInfo, hookimpl

HERE = Path(__file__).parent


@hookimpl
def tenon_plugin_info():
    return PluginInfo(name="mrp", version="0.1.0", depends=("stock>=0.1",), optional=("orders",),
                      summary="BOMs, routings, work centers, work orders, operation reporting, exceptions")


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
    from tenon.core.sequences import SequenceSpec

    return [SequenceSpec(code="mrp.work_order", prefix="WO-", date_format="%Y-", padding=5)]


@hookimpl
def tenon_events(app):
    from .events import EVENTS

    return list(EVENTS)


@hookimpl
def tenon_workflows(app):
    from .workflows import WORKFLOWS

    return list(WORKFLOWS)


@hookimpl
def tenon_row_scopes(app):
    from tenon.core.access import RowScope

    from .models import WorkOrderOperation
    from .services.work_centers import work_center_scope

    return [RowScope(model=WorkOrderOperation, obj="mrp.operation", name="work_center", attribute="work_centers",
                     criteria=work_center_scope)]


@hookimpl
def tenon_event_subscribers(app):
    from tenon.core.events import Subscriber

    from .events import ExceptionReported, OperationCompleted, WorkOrderCreated, WorkOrderReleased
    from .services import notices

    return [Subscriber(WorkOrderCreated, notices.on_created, name="mrp.notify_created"),
            Subscriber(WorkOrderReleased, notices.on_released, name="mrp.notify_released"),
            Subscriber(OperationCompleted, notices.on_operation_completed, name="mrp.notify_operation_completed"),
            Subscriber(ExceptionReported, notices.on_exception_reported, name="mrp.notify_exception_reported")]


@hookimpl
def tenon_graphql_contributions(app):
    from .schema import contribution

    return contribution()


@hookimpl
def tenon_demo_data(session, app, progress):
    from .demo import load

    load(session, progress)


@hookimpl
def tenon_cli_commands(app):
    from .cli import mrp

    return [mrp]


@hookimpl(optionalhook=True)
def tenon_orders_sales_order_confirmed(session, order, lines):
    # Only called when orders is installed (its hookspec exists); the integration imports orders.
    from .integrations.orders import on_order_confirmed

    on_order_confirmed(session, order, lines)


@hookimpl(optionalhook=True)
def tenon_orders_sales_order_cancelling(session, order):
    from .integrations.orders import on_order_cancelling

    on_order_cancelling(session, order)


@hookimpl
def tenon_custom_entities(app):
    # Work orders take custom fields (typed into the schema, stored by the custom-field store).
    from tenon.core.custom import CustomEntity
    from .models import ProductionException, WorkOrder

    return [CustomEntity(name="mrp.work_order", model=WorkOrder, graphql_type="WorkOrder", obj="mrp.work_order",
                         label="work order", create_mutations=("workOrderCreate",),
                         inputs=("WorkOrderCreateInput",), list_fields=("workOrders",), responsible="created_by"),
            CustomEntity(name="mrp.exception", model=ProductionException, graphql_type="ProductionException",
                         obj="mrp.exception", label="production exception",
                         create_mutations=("productionExceptionReport",), inputs=("ExceptionReportInput",),
                         responsible="assigned_to")]


@hookimpl
def tenon_web_pages(app):
    from tenon.core.contributions import WebPage

    web = HERE / "web"
    return [WebPage(path="mrp/capacity", module=web / "capacity.js", order=20,
                    title={"en": "Capacity", "zh-CN": "产能负荷"}, permission=("mrp.capacity", "read")),
            WebPage(path="mrp/exceptions", module=web / "exceptions.js", order=40,
                    title={"en": "Exception response", "zh-CN": "异常响应"}, permission=("mrp.capacity", "read")),
            WebPage(path="mrp/terminal", module=web / "terminal.js", kind="terminal", order=50,
                    title={"en": "My tasks", "zh-CN": "我的任务"}, permission=("mrp.operation", "report"))]
