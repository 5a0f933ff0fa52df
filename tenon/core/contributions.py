"""What a plugin hands to the API layer: plain data, so the kernel never imports GraphQL code."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class SchemaContribution:
    """GraphQL pieces of one plugin.

    :param query: a ``@strawberry.type`` class whose fields become root ``Query`` fields.
    :param mutation: the same for ``Mutation``.
    :param subscription: the same for ``Subscription``.
    :param types: extra types to include (interfaces' implementations, types only
        reachable through ``extend``).
    :param extend: fields added to another plugin's type, by GraphQL type name:
        ``{"WorkOrder": [strawberry.field(resolver=rework_orders)]}``. The
        resolver's first parameter is ``root`` (the other plugin's object).

    Per-request DataLoaders need no registration: a resolver asks for one with
    ``info.context.batch(name, fn)`` (:meth:`tenon.graphql.context.Context.batch`).
    """

    query: type | None = None
    mutation: type | None = None
    subscription: type | None = None
    types: Sequence[type] = ()
    extend: Mapping[str, Sequence[Any]] = field(default_factory=dict)


#: the languages every console label is written in (``WebPage.title`` keys, page modules' ``messages``)
WEB_LANGUAGES = ("en", "zh-CN")
#: what a console page is for: a dashboard (PC, wall screen) or a terminal (phone-sized, shop floor)
WEB_PAGE_KINDS = ("dashboard", "terminal")


@dataclass(frozen=True)
class WebPage:
    """One page of the web console at ``/``, contributed by a plugin (:func:`tenon.core.hookspecs.tenon_web_pages`).

    The console shell (sign-in, navigation, language, GraphQL client) knows no plugin: it lists the
    pages of the installed plugins the signed-in user may see (``consolePages``) and imports each
    page's ES module from ``/console/plugins/<plugin>/<file>``. A page is itself a client of
    ``/graphql`` with the user's token, so it meets the same access rules and row scopes.

    :param path: ``<plugin>/<slug>`` (lower-case letters, digits, ``-``), e.g. ``orders/progress``;
        the console shows it at ``/#/orders/progress``.
    :param module: the page's JavaScript module, a ``.js`` file in the plugin's own ``web/`` folder
        (``Path(__file__).parent / "web" / "progress.js"``). It exports ``default`` (a function
        ``(el, ctx)`` that renders into ``el`` and may return a clean-up function) and ``messages``
        (``{"en": {...}, "zh-CN": {...}}``, the same keys in both). Every file of that folder is served.
    :param title: the navigation title in every console language: ``{"en": ..., "zh-CN": ...}``.
    :param permission: ``(object, action)`` the user needs to see the page, e.g.
        ``("orders.sales_order", "read")``; the data it shows is still checked by every query.
    :param kind: ``"dashboard"`` or ``"terminal"`` (phone-sized layout, large touch targets).
    :param order: position in the navigation (smaller first, then by path).
    """

    path: str
    module: Path
    title: Mapping[str, str]
    permission: tuple[str, str]
    kind: str = "dashboard"
    order: int = 100


@dataclass(frozen=True)
class Service:
    """A background service ``tenon serve`` runs once per server, whatever ``--workers`` says
    (:func:`tenon.core.hookspecs.tenon_services`): a bridge to a message broker, a poller.

    :param name: ``<plugin>.<what>`` (``"devices.mqtt"``), unique.
    :param start: called once in the serving (supervising) process before it accepts requests;
        it must return promptly (run the work in a thread of its own) and survive outages of
        whatever it talks to.
    :param stop: called once when the server stops (Ctrl-C, SIGTERM), in reverse start order.
    :param label: one line for the console (``"MQTT bridge to mqtt://127.0.0.1:1883"``).
    """

    name: str
    start: Any
    stop: Any
    label: str = ""
