"""orders: regions, customers, sales orders, order progress, delivery cycle time."""

from tenon import PluginInfo, hookimpl


@hookimpl
def tenon_plugin_info():
    return PluginInfo(name="orders", version="0.1.0", depends=("stock>=0.1",),
                      summary="Regions, customers, sales orders, order progress")
