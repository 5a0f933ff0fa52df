"""stock: items, locations, the ledger of moves, lots, reservations, documents."""

from tenon import PluginInfo, hookimpl


@hookimpl
def tenon_plugin_info():
    return PluginInfo(name="stock", version="0.1.0", summary="Items, locations, stock ledger, lots, shipments")
