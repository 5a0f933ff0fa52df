"""devices: the device registry (label printers, terminals, machines), labels printed on network
printers (raw TCP 9100, through the outbox) and machine signals over MQTT. Depends on stock;
integrates with mrp when it is installed (:mod:`.integrations.mrp`: work centers, work order
labels, machine signals)."""

from __future__ import annotations

from pathlib import Path

from tenon import PluginInfo, hookimpl

HERE = Path(__file__).parent


@hookimpl
def tenon_plugin_info():
    return PluginInfo(name="devices", version="0.1.0", depends=("stock>=0.1",), optional=("mrp",),
                      summary="Device registry, network label printing, machine signals over MQTT")


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

    from .events import DeviceSilenced, PrintJobQueued
    from .services.devices import on_silenced
    from .services.printing import send_job

    return [Subscriber(PrintJobQueued, send_job, name="devices.send_print_job"),
            Subscriber(DeviceSilenced, on_silenced, name="devices.notify_silenced")]


@hookimpl
def tenon_graphql_contributions(app):
    from .schema import contribution

    return contribution()


@hookimpl
def tenon_cli_commands(app):
    from .cli import devices

    return [devices]


@hookimpl
def tenon_demo_data(session, app, progress):
    from .demo import load

    load(session, progress)


@hookimpl
def tenon_health(app):
    from .services.devices import health_summary

    return health_summary(app)


@hookimpl
def tenon_services(app):
    # `tenon serve` runs the MQTT bridge once per server when tenon.toml names a broker:
    # [plugins.devices] mqtt_broker = "mqtt://127.0.0.1:1883" (optional: mqtt_client_id, mqtt_tick_seconds).
    settings = app.site.plugin_settings("devices")
    broker = settings.get("mqtt_broker")
    if not broker:
        return None
    from tenon.core.contributions import Service

    from .mqtt import Bridge

    bridge = Bridge(app, str(broker), client_id=settings.get("mqtt_client_id"),
                    tick_seconds=float(settings.get("mqtt_tick_seconds", 30)))
    return [Service("devices.mqtt", start=bridge.start, stop=bridge.stop, label=f"MQTT bridge to {broker}")]


@hookimpl
def tenon_web_pages(app):
    # print.js also exports the "Print label" action other pages show through the kit's EntityActions
    from tenon.core.contributions import WebPage

    web = HERE / "web"
    return [WebPage(path="devices/devices", module=web / "devices.js", order=70,
                    title={"en": "Devices", "zh-CN": "设备"}, permission=("devices.device", "read")),
            WebPage(path="devices/print", module=web / "print.js", kind="terminal", order=75,
                    title={"en": "Label printing", "zh-CN": "标签打印"}, permission=("devices.print_job", "create"))]
