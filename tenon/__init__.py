"""Tenon: a modular plugin ERP for discrete manufacturers.

Everything a plugin author needs to start::

    from tenon import hookimpl, PluginInfo, TenonError

    @hookimpl
    def tenon_plugin_info():
        return PluginInfo(name="hello", version="0.1.0", summary="Says hello")
"""

from tenon.core.errors import TenonError
from tenon.core.hookspecs import hookimpl
from tenon.core.plugins import PluginInfo

__version__ = "0.2.0"
__all__ = ["PluginInfo", "TenonError", "__version__", "hookimpl"]
