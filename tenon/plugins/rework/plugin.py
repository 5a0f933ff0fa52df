"""rework: rework orders traced to the original order, responsibility, re-inspection. Depends
on mrp, qc and stock; integrates with orders when it is installed (:mod:`.integrations.orders`).
It reacts inside its partners' transactions only through their owned hooks."""

from __future__ import annotations

from pathlib import Path

from tenon import PluginInfo, hookimpl

from . import __version__

HERE = Path(__file__).parent


@hookimpl
def tenon_plugin_info():
    return PluginInfo(name="rework", version=__version__, depends=("mrp>=0.1", "qc>=0.1", "stock>=0.1"),
                      optional=("orders",),
                      summary="Rework orders traced to the original order, responsibility, re-inspection")


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

    return [SequenceSpec(code="rework.order", prefix="RW-", date_format="%Y-", padding=5)]


@hookimpl
def tenon_events(app):
    from .events import EVENTS

    return list(EVENTS)


@hookimpl
def tenon_workflows(app):
    from .workflows import WORKFLOWS

    return list(WORKFLOWS)


@hookimpl
def tenon_event_subscribers(app):
    from tenon.core.events import Subscriber

    from .events import ReworkOrderCreated
    from .services import notices

    return [Subscriber(ReworkOrderCreated, notices.on_created, name="rework.notify_created")]


@hookimpl
def tenon_row_scopes(app):
    # `region`: the rework orders of the sales orders the user may read (orders' region scope);
    # without orders there are none, so a region-scoped user sees no rework order.
    from sqlalchemy import false

    from tenon.core.access import RowScope

    from .models import ReworkOrder

    if app.has_plugin("orders"):
        from .integrations.orders import region_scope
    else:
        def region_scope(model, values):
            return false()

    return [RowScope(model=ReworkOrder, obj="rework.order", name="region", attribute="regions",
                     criteria=region_scope)]


@hookimpl
def tenon_graphql_contributions(app):
    from .schema import contribution

    return contribution(with_orders=app.has_plugin("orders"))


@hookimpl
def tenon_demo_data(session, app, progress):
    from .demo import load

    load(session, progress)


@hookimpl
def tenon_qc_rework_disposed(session, nonconformance, inspection):
    # In qc's disposition transaction: the rework order that carries the disposition out.
    from .services.rework_orders import open_from_nonconformance

    open_from_nonconformance(session, nonconformance, inspection)


@hookimpl
def tenon_qc_inspection_recorded(session, inspection):
    # The re-inspection (qc's final inspection of a rework work order) passes or fails the rework order.
    from .services.execution import on_inspection_recorded

    on_inspection_recorded(session, inspection)


@hookimpl
def tenon_mrp_work_order_done(session, work_order):
    from .services.execution import on_work_order_done

    on_work_order_done(session, work_order)


@hookimpl
def tenon_mrp_work_order_state_changed(session, work_order, to_state):
    # A rework work order cancelled in mrp cancels its rework order (and puts the goods back).
    if to_state == "cancelled":
        from .services.execution import on_work_order_cancelled

        on_work_order_cancelled(session, work_order)
