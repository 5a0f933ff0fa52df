"""qc: inspection plans (versioned) by product and category; incoming, in-process and final
inspections created through the owning plugins' hooks; quarantine and final release gating
stock's shipments; nonconformances; first-pass yield. Depends on stock; integrates with mrp
when it is installed (:mod:`.integrations.mrp`)."""

from __future__ import annotations

from pathlib import Path

from tenon import PluginInfo, hookimpl

HERE = Path(__file__).parent


@hookimpl
def tenon_plugin_info():
    return PluginInfo(name="qc", version="0.1.0", depends=("stock>=0.1",), optional=("mrp",),
                      summary="Inspection plans, incoming/in-process/final inspection, release gate, nonconformances")


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

    return [SequenceSpec(code="qc.inspection", prefix="QI-", date_format="%Y-", padding=5),
            SequenceSpec(code="qc.nonconformance", prefix="NC-", date_format="%Y-", padding=5)]


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

    from .events import InspectionCreated, InspectionFailed
    from .services import notices

    return [Subscriber(InspectionCreated, notices.on_created, name="qc.notify_waiting"),
            Subscriber(InspectionFailed, notices.on_failed, name="qc.notify_failed")]


@hookimpl
def tenon_graphql_contributions(app):
    from .schema import contribution

    return contribution()


@hookimpl
def tenon_stock_receipt_done(session, receipt, lines):
    from .services.stages import on_receipt_done

    on_receipt_done(session, receipt, lines)


@hookimpl
def tenon_stock_shipment_confirming(session, shipment, lines):
    from .services.holds import check_shipment

    check_shipment(session, shipment, lines)


@hookimpl(optionalhook=True)
def tenon_mrp_operation_reported(session, work_order, operation, report):
    # Only called when mrp is installed (its hookspec exists); the integration imports mrp.
    from .integrations.mrp import on_operation_reported

    on_operation_reported(session, work_order, operation, report)


@hookimpl(optionalhook=True)
def tenon_mrp_work_order_done(session, work_order):
    from .integrations.mrp import on_work_order_done

    on_work_order_done(session, work_order)


@hookimpl
def tenon_custom_entities(app):
    # Inspections take custom fields (a customer's extra data on its inspection record).
    from tenon.core.custom import CustomEntity

    from .models import Inspection

    return [CustomEntity(name="qc.inspection", model=Inspection, graphql_type="Inspection", obj="qc.inspection",
                         label="inspection", create_mutations=("inspectionCreate",),
                         inputs=("InspectionCreateInput",), list_fields=("inspections",), responsible="inspector")]


@hookimpl
def tenon_plugin_uninstalling(session, app, plugin):
    # Leaving, qc releases the mrp operations its open in-process inspections hold (mrp's own
    # block_operation): without qc nothing would ever release them.
    if plugin == "qc" and app.has_plugin("mrp"):
        from .integrations.mrp import release_all_holds

        release_all_holds(session)
    elif plugin == "mrp":  # mrp leaves under qc: qc lets go of mrp's ids (a reinstall reuses them)
        from .integrations.mrp import detach_from_mrp

        detach_from_mrp(session)


@hookimpl
def tenon_demo_data(session, app, progress):
    from .demo import load

    load(session, progress)


@hookimpl
def tenon_config_kinds(app):
    # qc.check_item: plans' check items, versioned with the site's configuration (a new plan version each time)
    from .services.config import config_kinds

    return config_kinds()


@hookimpl
def tenon_web_pages(app):
    from tenon.core.contributions import WebPage

    web = HERE / "web"
    return [WebPage(path="qc/inspections", module=web / "inspections.js", kind="terminal", order=55,
                    title={"en": "Inspections", "zh-CN": "检验"}, permission=("qc.inspection", "record")),
            WebPage(path="qc/quality", module=web / "quality.js", order=35,
                    title={"en": "Quality KPIs", "zh-CN": "质量指标"}, permission=("qc.kpi", "read"))]
