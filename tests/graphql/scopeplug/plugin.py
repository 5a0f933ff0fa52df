"""scopeplug: test plugin for row scopes, roles and DataLoaders (see the package docstring)."""

from __future__ import annotations

from pathlib import Path

from tenon import PluginInfo, hookimpl
from tenon.core.access import RowScope

HERE = Path(__file__).parent


@hookimpl
def tenon_plugin_info():
    return PluginInfo(name="scopeplug", version="0.1.0", summary="Test plugin: region-scoped customers and orders")


@hookimpl
def tenon_models(app):
    from . import models

    return [models.Item, models.Customer, models.Order]


@hookimpl
def tenon_migrations(app):
    return HERE / "migrations" / "versions"


@hookimpl
def tenon_policies(app):
    return HERE / "policies.csv"


@hookimpl
def tenon_row_scopes(app):
    from .models import Customer, Order

    return [
        RowScope(model=Customer, obj="scopeplug.customer", name="region", attribute="regions", column="region"),
        RowScope(model=Order, obj="scopeplug.order", name="region", attribute="regions", column="region"),
    ]


@hookimpl
def tenon_graphql_contributions(app):
    from .schema import CONTRIBUTION

    return CONTRIBUTION
