"""The kernel's API-layer hooks: a *kernel companion* of the plugin ``core``.

``tenon.core`` must not import the API layer, yet the kernel has GraphQL fields
(sign-in, users and grants, the audit log, notifications, attachments) and a
plain HTTP route (``GET /attachments/{id}``). They come through the same hooks
as every plugin's, like datasette's default plugins: this module is registered
through the ``tenon.kernel`` entry-point group of this project's
``pyproject.toml``::

    [project.entry-points."tenon.kernel"]
    graphql = "tenon.graphql.kernel.plugin"

:func:`tenon.core.plugins.discover` registers each module of that group right
after ``core`` under the pluggy name ``core:<entry point>`` (here
``core:graphql``). A companion is part of ``core``: it has no
``tenon_plugin_info``, is loaded whenever the kernel is, and its results are
attributed to ``core`` (a field clash names ``'core'``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tenon.core.contributions import SchemaContribution
from tenon.core.hookspecs import hookimpl

if TYPE_CHECKING:
    from tenon.core.kernel import Tenon


@hookimpl
def tenon_graphql_contributions(app: Tenon) -> SchemaContribution:
    """The kernel's root fields, in this order: auth, admin, audit, notifications, attachments,
    configuration versions and the health check, console."""
    from tenon.graphql.compose import merge_contributions
    from tenon.graphql.kernel import admin, attachments, audit, auth, config, console, notifications

    parts = [auth.CONTRIBUTION, admin.CONTRIBUTION, audit.CONTRIBUTION, notifications.CONTRIBUTION,
             attachments.CONTRIBUTION, config.CONTRIBUTION, console.CONTRIBUTION]
    return merge_contributions("core", parts)


@hookimpl
def tenon_http_routes(app: Tenon) -> list[Any]:
    """``GET /attachments/{id}`` (download an attachment with a bearer token) and the web
    console's files (``/``, ``/console/...``, :mod:`tenon.web.routes`)."""
    from tenon.graphql.kernel.attachments import download_attachment
    from tenon.web.routes import ROUTES

    return [download_attachment, *ROUTES]
