"""``consolePages``: the web console's navigation, from the installed plugins' ``tenon_web_pages``.

The shell at ``/`` asks this field after sign-in and on every navigation, so a plugin installed
or uninstalled while the server runs (the schema follows the plugin set) adds or removes its
pages without a restart. Only pages whose ``permission`` the signed-in user holds are listed.
"""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from tenon.core.contributions import SchemaContribution
from tenon.graphql.permissions import Authenticated


@strawberry.type(description="A page of the web console contributed by an installed plugin.")
class ConsolePage:
    path: str = strawberry.field(description="`<plugin>/<slug>`; the console shows it at `/#/<path>`.")
    plugin: str = strawberry.field(description="The plugin that contributes it.")
    kind: str = strawberry.field(description="`dashboard` (PC, wall screen) or `terminal` (phone-sized, shop floor).")
    title: JSON = strawberry.field(description='Navigation title by language: {"en": ..., "zh-CN": ...}.')
    module_url: str = strawberry.field(description="URL of the page's ES module (`/console/plugins/<plugin>/<file>`).")


@strawberry.type
class ConsoleQuery:
    @strawberry.field(description="The console pages of the installed plugins that the signed-in user may open, "
                      "in navigation order.", extensions=[Authenticated()])
    def console_pages(self, info: Info) -> list[ConsolePage]:
        actor = info.context.require_actor()
        app = info.context.tenon
        return [ConsolePage(path=page.path, plugin=plugin, kind=page.kind, title=dict(page.title),
                            module_url=f"/console/plugins/{plugin}/{page.module.name}")
                for plugin, page in app.hooks.web_pages() if app.access.can(actor, *page.permission)]


CONTRIBUTION = SchemaContribution(query=ConsoleQuery)
