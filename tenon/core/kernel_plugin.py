"""The kernel as a plugin (``core``): its tables, migration branch and the admin role."""

from __future__ import annotations

from pathlib import Path

from tenon.core.hookspecs import hookimpl
from tenon.core.plugins import PluginInfo

HERE = Path(__file__).parent


@hookimpl
def tenon_plugin_info() -> PluginInfo:
    from tenon import __version__

    return PluginInfo(name="core", version=__version__, summary="Kernel: users, access, audit, events")


@hookimpl
def tenon_models(app):
    from tenon.core.models import KERNEL_MODELS

    return KERNEL_MODELS


@hookimpl
def tenon_migrations(app):
    return HERE / "migrations" / "versions"


@hookimpl
def tenon_policies(app):
    return HERE / "policies.csv"


@hookimpl
def tenon_events(app):
    from tenon.core.config import ConfigPublished

    return [ConfigPublished]


@hookimpl
def tenon_demo_data(session, app, progress):
    from tenon.core.demo import load_kernel_demo

    progress("users: it_admin (admin), auditor, cfg_li (config_manager), cfg_head (config_approver)")
    load_kernel_demo(session)


@hookimpl
def tenon_workflows(app):
    from tenon.core.config import CHANGE_WORKFLOW

    return [CHANGE_WORKFLOW]


@hookimpl
def tenon_config_kinds(app):
    """Role policy lines that are not plugin defaults, numbering sequences, site settings."""
    from tenon.core.config import KERNEL_KINDS

    return KERNEL_KINDS


@hookimpl
def tenon_health_findings(app, session, check):
    """Permissions and plugins: see :mod:`tenon.core.healthcheck`."""
    from tenon.core.healthcheck import kernel_findings

    return kernel_findings(app, session, check)
