"""studio: business users change the system without code (custom fields, flow rules, SLA clocks)."""

from __future__ import annotations

from pathlib import Path

from tenon import PluginInfo, hookimpl

HERE = Path(__file__).parent


@hookimpl
def tenon_plugin_info():
    return PluginInfo(name="studio", version="0.1.0",
                      summary="Custom fields bound to categories, flow rules with notifications and SLAs")


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
def tenon_custom_field_store(app):
    from .services.values import STORE

    return STORE


@hookimpl
def tenon_event_subscribers(app):
    # Rules may name any installed plugin's event: one after-commit subscriber per declared event.
    from .services.runner import subscribers

    return subscribers(app)


@hookimpl
def tenon_graphql_contributions(app):
    from .schema import contribution

    return contribution()


@hookimpl
def tenon_cli_commands(app):
    from .cli import studio

    return [studio]


@hookimpl
def tenon_health(app):
    from .services.runner import health

    return health(app)


@hookimpl
def tenon_demo_data(session, app, progress):
    from .demo import load

    load(session, progress)


@hookimpl
def tenon_config_kinds(app):
    from .services.config import config_kinds

    return config_kinds()


@hookimpl
def tenon_health_findings(app, session, check):
    from .services.health import findings

    return findings(app, session, check)
