"""stock: items, locations, the ledger of moves, lots, reservations, documents."""

from __future__ import annotations

from pathlib import Path

from tenon import PluginInfo, hookimpl


@hookimpl
def tenon_plugin_info():
    return PluginInfo(name="stock", version="0.1.0", summary="Items, locations, stock ledger, lots, shipments")


@hookimpl
def tenon_addhooks(pm):
    from . import hookspecs

    pm.add_hookspecs(hookspecs)


@hookimpl
def tenon_events(app):
    from .events import EVENTS

    return list(EVENTS)


@hookimpl
def tenon_workflows(app):
    from .workflows import WORKFLOWS

    return list(WORKFLOWS)


@hookimpl
def tenon_models(app):
    from .models import MODELS

    return list(MODELS)


@hookimpl
def tenon_migrations(app):
    return Path(__file__).parent / "migrations" / "versions"


@hookimpl
def tenon_policies(app):
    return Path(__file__).parent / "policies.csv"


@hookimpl
def tenon_sequences(app):
    from .services._common import SEQUENCES

    return SEQUENCES


@hookimpl
def tenon_graphql_contributions(app):
    from .schema import contribution

    return contribution()


@hookimpl
def tenon_cli_commands(app):
    from .cli import stock

    return [stock]


@hookimpl
def tenon_demo_data(session, app, progress):
    from .demo import load

    load(session, progress)


@hookimpl
def tenon_http_routes(app):
    from .http import download_label

    return [download_label]


@hookimpl
def tenon_custom_entities(app):
    # Products take custom fields (bound to a category and its subcategories), typed into the schema.
    from tenon.core.custom import CategoryBinding, CustomEntity
    from .models import Category, Product

    return [CustomEntity(name="stock.product", model=Product, graphql_type="Product", obj="stock.product",
                         label="product", create_mutations=("productCreate",), update_mutations=("productUpdate",),
                         inputs=("ProductCreateInput", "ProductUpdateInput"), list_fields=("products",),
                         filters=("ProductFilter",), category=CategoryBinding("category_id", Category))]


@hookimpl
def tenon_web_pages(app):
    from tenon.core.contributions import WebPage

    web = Path(__file__).parent / "web"
    return [WebPage(path="stock/levels", module=web / "levels.js", order=30,
                    title={"en": "Stock levels", "zh-CN": "库存水位"}, permission=("stock.count", "read")),
            WebPage(path="stock/scan", module=web / "scan.js", kind="terminal", order=60,
                    title={"en": "Scan to move", "zh-CN": "扫码移库"}, permission=("stock.move", "create"))]
