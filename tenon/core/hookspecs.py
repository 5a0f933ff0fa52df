"""The plugin contract: every kernel hook, typed and documented.

A plugin is a module (or object) whose ``tenon_*`` functions implement the
hooks below. Any ``tenon_*`` callable counts as an implementation, decorated or
not, so a misspelt hook name fails at startup instead of being ignored. The
kernel calls these hooks only through ``app.hooks`` (:class:`tenon.core.hooks.KernelHooks`),
which validates every result and names the plugin that returned a bad one.

Phases (the banners below):

* **registration**: called while a site's plugin manager is built;
* **composition**: called once per app (per plugin set) while models, schema,
  row scopes, the event catalog, subscribers, commands and routes are
  assembled; never inside a request or a transaction;
* **install**: called inside the install (or uninstall) transaction of a
  plugin, or by ``tenon demo`` in one transaction per plugin;
* **runtime**: called while the site serves: ``GET /health`` and the web console outside any
  transaction, the health check's findings inside one transaction that only reads.

Results of list-returning hooks are combined in plugin order (dependencies
first, optional partners before the plugins that integrate with them);
``None`` results are dropped.

**The reaction rule.** A plugin reacts to another plugin's state change in
exactly one of two ways:

* *inside the transaction* (including refusing it): through a hook the
  changing plugin **owns** (declared with :func:`tenon_addhooks`, named
  ``tenon_<plugin>_<entity>_<verb>``). The owner calls a pre-step hook named
  ``…ing`` (``tenon_stock_shipment_confirming``) with
  ``app.hooks.ask(name, **kwargs)`` before the change: an implementation
  refuses by raising a :class:`tenon.TenonError`. It calls a past-tense hook
  (``tenon_stock_shipment_done``) with ``app.hooks.notify(name, **kwargs)``
  after the change: an implementation reacts in the same transaction but
  cannot veto (a ``TenonError`` it raises becomes a ``PluginError``);
* *after the commit*: through a declared **event** (:func:`tenon_events`,
  :mod:`tenon.core.events`) and a :class:`~tenon.core.events.Subscriber`
  (:func:`tenon_event_subscribers`), delivered from the outbox with retries.

An optional integration (``PluginInfo.optional``) implements the partner's
owned hooks with ``@hookimpl(optionalhook=True)`` and returns GraphQL fields
and subscribers only when ``app.has_plugin(partner)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click
    from sqlalchemy.orm import Session

    from tenon.core.access import RowScope
    from tenon.core.config import ConfigKind
    from tenon.core.contributions import SchemaContribution, Service, WebPage
    from tenon.core.custom import CustomEntity, CustomFieldStore
    from tenon.core.events import Event, Subscriber
    from tenon.core.healthcheck import Finding, HealthCheck
    from tenon.core.kernel import Tenon
    from tenon.core.plugins import PluginInfo
    from tenon.core.sequences import SequenceSpec
    from tenon.core.workflow import Workflow

PROJECT = "tenon"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# ---------------------------------------------------------------------------
# Registration hooks: called while a site's plugin manager is built
# ---------------------------------------------------------------------------


@hookspec(historic=True)
def tenon_addhooks(pm: pluggy.PluginManager) -> None:
    """Declare hooks that this plugin owns, so other plugins can implement them.

    Owned hooks are the only way to react to this plugin's state changes inside
    its transaction: name pre-step (veto) hooks ``tenon_<plugin>_<entity>_<verb>ing``
    and call them with ``app.hooks.ask``; name in-transaction reactions in the
    past tense (``…_done``, ``…_confirmed``) and call them with ``app.hooks.notify``
    (they cannot veto). After-commit reactions are events (:func:`tenon_events`).
    Calling an undeclared hook fails with a ``PluginError`` naming it.

    Called once for every registered plugin, right when it is registered
    (historic), before any other hook of it is checked. Outside any transaction.

    :param pm: the site's pluggy plugin manager; call ``pm.add_hookspecs(module)``.
    :returns: nothing.

    Example::

        from tenon.plugins.orders import hookspecs

        @hookimpl
        def tenon_addhooks(pm):
            pm.add_hookspecs(hookspecs)

    Since 0.1.
    """


@hookspec
def tenon_plugin_info() -> PluginInfo:
    """Describe the plugin: name, version, dependencies, optional integrations, summary.

    Called by the loader on each candidate plugin on its own (not through the
    combined hook) before anything is registered, to order plugins by
    ``depends`` and to refuse missing dependencies, cycles, duplicate names and
    incompatible versions. Outside any transaction; must not touch a database.

    :returns: a :class:`tenon.PluginInfo`. Every plugin implements this hook.

    Example::

        @hookimpl
        def tenon_plugin_info():
            return PluginInfo(name="rework", version="0.1.0", depends=("mrp>=0.1",),
                              optional=("qc",), summary="Rework orders")

    Since 0.1.
    """


# ---------------------------------------------------------------------------
# Composition hooks: called once per app, never per request
# ---------------------------------------------------------------------------


@hookspec
def tenon_models(app: Tenon) -> Iterable[type] | None:
    """List the SQLAlchemy model classes this plugin owns.

    Called once per app while the schema of the site is assembled, outside any
    transaction. Every class must inherit :class:`tenon.core.db.Base` and its
    table must be named ``<plugin>_<entity>``. The kernel uses the list for
    table ownership: migration drift checks, autogenerate filters, the
    uninstall dry run.

    :param app: the app being built.
    :returns: an iterable of mapped classes, or ``None``; lists are concatenated.

    Example::

        @hookimpl
        def tenon_models(app):
            from . import models
            return [models.Item, models.Move]

    Since 0.1.
    """


@hookspec
def tenon_migrations(app: Tenon) -> Path | str | None:
    """Point at this plugin's Alembic versions folder.

    Called once per migration run, outside any transaction. The folder holds
    one Alembic branch labelled with the plugin's name (first revision:
    ``down_revision = None``, ``branch_labels = ("<name>",)``). A foreign key
    into another plugin's table uses ``depends_on`` to that plugin's revision.

    :param app: the app being built.
    :returns: the folder path, or ``None`` for a plugin without tables.

    Example::

        @hookimpl
        def tenon_migrations(app):
            return Path(__file__).parent / "migrations"

    Since 0.1.
    """


@hookspec
def tenon_graphql_contributions(app: Tenon) -> SchemaContribution | None:
    """Contribute GraphQL query and mutation fields, types, and fields on other plugins' types.

    Called once per app, after every plugin is registered and before the
    server starts; never per request. Do not open a database session here.

    :param app: the app being built.
    :returns: a :class:`tenon.core.contributions.SchemaContribution` or ``None``.
        Root field names and type names must be unique across plugins:
        composition fails and names both plugins.

    Example::

        @hookimpl
        def tenon_graphql_contributions(app):
            from .schema import Query, Mutation, work_order_rework_orders
            return SchemaContribution(query=Query, mutation=Mutation,
                                      extend={"WorkOrder": [work_order_rework_orders]})

    Since 0.1.
    """


@hookspec
def tenon_row_scopes(app: Tenon) -> Iterable[RowScope] | None:
    """Declare how this plugin's models are scoped by row.

    Called once per app, outside any transaction. The kernel applies each scope
    as a SQL criterion on every ORM read of the model in a request (lists,
    lookups by id, nested fields, counts and aggregates, mutation targets) for
    users whose policy for ``(scope.obj, "read")`` names the scope.

    :param app: the app being built.
    :returns: an iterable of :class:`tenon.core.access.RowScope`, or ``None``.

    Example::

        @hookimpl
        def tenon_row_scopes(app):
            return [RowScope(model=SalesOrder, obj="orders.sales_order",
                             name="region", attribute="regions", column="region_code")]

    Since 0.1.
    """


@hookspec
def tenon_events(app: Tenon) -> Iterable[type[Event]] | None:
    """Declare the events this plugin publishes (the event catalog).

    Called once per app, outside any transaction. Each class is a frozen
    dataclass subclassing :class:`tenon.core.events.Event` with a docstring, a
    ``name`` class attribute ``<plugin>.<entity>.<past-tense verb>`` (the prefix
    is this plugin's name; names are unique) and JSON-able typed fields (its
    payload: str, int, float, bool, None, lists and str-keyed dicts of them).
    Only declared events can be published (``publish(session, ShipmentDone(...))``)
    or subscribed to. Events are delivered after the commit and cannot veto.

    :param app: the app being built.
    :returns: an iterable of event classes, or ``None``.

    Example::

        @dataclass(frozen=True)
        class ReworkOrderDone(Event):
            '''A rework order was finished.'''

            name: ClassVar[str] = "rework.order.done"
            order_id: int
            number: str

        @hookimpl
        def tenon_events(app):
            return [ReworkOrderDone]

    Since 0.2.
    """


@hookspec
def tenon_workflows(app: Tenon) -> Iterable[Workflow] | None:
    """Declare the life cycles of this plugin's documents.

    Called once per app, when the plugin set is loaded, outside any transaction.
    Each :class:`tenon.core.workflow.Workflow` is named ``<plugin>.<entity>``
    (the prefix is this plugin's name). Every owned hook a workflow calls
    (a transition's ``before``/``after``, the workflow's ``changed``) must be
    declared by this plugin (:func:`tenon_addhooks`): a missing or misspelt one
    fails at load, naming the plugin and the hook. State changes go through
    ``workflow.apply(session, record, action, ...)``.

    :param app: the app being built.
    :returns: an iterable of workflows, or ``None``.

    Example::

        REWORK_ORDER = Workflow(name="rework.order", label="rework order", subject="order",
                                transitions=[Transition("close", ("open",), "closed", verb="closed",
                                                        before="tenon_rework_order_closing")])

        @hookimpl
        def tenon_workflows(app):
            return [REWORK_ORDER]

    Since 0.2.
    """


@hookspec
def tenon_event_subscribers(app: Tenon) -> Iterable[Subscriber] | None:
    """Subscribe to declared events, after commit.

    Called once per app, when the plugin set is loaded, outside any transaction.
    Each :class:`tenon.core.events.Subscriber` names a declared event (its class
    or name); a subscription to an event no loaded plugin declares fails at load
    naming this plugin. ``handler(session, event)`` runs from the kernel outbox
    after the publishing transaction commits, in its own transaction, with
    retries and backoff: it must be idempotent. ``event`` is the typed event
    (``event.payload`` its dict, ``event.actor`` the publisher's username).
    To react inside the transaction, or to refuse, implement the publishing
    plugin's owned hook instead. Subscribe to an optional partner's events only
    when ``app.has_plugin(partner)``.

    :param app: the app being built.
    :returns: an iterable of :class:`tenon.core.events.Subscriber`, or ``None``.

    Example::

        @hookimpl
        def tenon_event_subscribers(app):
            from tenon.plugins.stock import ShipmentDone
            return [Subscriber(ShipmentDone, on_shipment_done, name="qc.shipment_done")]

    Since 0.1 (after-commit only and declared events since 0.2).
    """


@hookspec
def tenon_custom_entities(app: Tenon) -> Iterable[CustomEntity] | None:
    """Declare this plugin's records that business users may add custom fields to.

    Called once per app, outside any transaction. Each
    :class:`tenon.core.custom.CustomEntity` is named ``<plugin>.<entity>``, names one of this
    plugin's models, its GraphQL type and Casbin object, the root fields that create, change and
    list it (with their input types), and optionally the category tree fields can be bound to.
    The plugin storing custom fields (``tenon_custom_field_store``) then types the values into
    the schema (``<Type>.customFields``, ``customFields`` on the inputs and filters) and stores
    them in the mutations' transaction; the declaring plugin writes no other code for it.

    :param app: the app being built.
    :returns: an iterable of ``CustomEntity``, or ``None``.

    Example::

        @hookimpl
        def tenon_custom_entities(app):
            from .models import Category, Product
            return [CustomEntity(name="stock.product", model=Product, graphql_type="Product",
                                 obj="stock.product", create_mutations=("productCreate",),
                                 update_mutations=("productUpdate",),
                                 inputs=("ProductCreateInput", "ProductUpdateInput"),
                                 list_fields=("products",), filters=("ProductFilter",),
                                 category=CategoryBinding("category_id", Category))]

    Since 0.3.
    """


@hookspec
def tenon_custom_field_store(app: Tenon) -> CustomFieldStore | None:
    """Provide the store of custom field definitions and values (at most one plugin does).

    Called once per app, outside any transaction. The kernel reads the store's published
    definitions when it composes the schema and hands it the values of the declared entities'
    create/update mutations (same transaction) and list filters (SQL criterion). A definition
    change calls :func:`tenon.core.custom.schema_changed` so running servers rebuild their schema.

    :param app: the app being built.
    :returns: a :class:`tenon.core.custom.CustomFieldStore`, or ``None``.

    Example::

        @hookimpl
        def tenon_custom_field_store(app):
            from .services.values import STORE
            return STORE

    Since 0.3.
    """


@hookspec
def tenon_cli_commands(app: Tenon | None) -> Iterable[click.Command] | None:
    """Add commands to the ``tenon`` command line.

    Called once when the CLI starts, with the site's app when a site exists
    (``None`` otherwise), outside any transaction. Commands are added as
    subcommands; a command opens its own unit of work with ``app.transaction()``.

    :param app: the site's app, or ``None``.
    :returns: an iterable of ``click.Command`` (groups allowed), or ``None``.

    Example::

        @hookimpl
        def tenon_cli_commands(app):
            @click.command("hello")
            def hello():
                click.echo("hello")
            return [hello]

    Since 0.1.
    """


@hookspec
def tenon_http_routes(app: Tenon) -> Iterable[Any] | None:
    """Add plain HTTP routes (downloads, device callbacks) beside ``/graphql``.

    Called once per app while the Litestar application is built, outside any
    transaction. Use it for what GraphQL does badly (binary downloads such as
    label PNGs, webhooks from machines); business operations stay in GraphQL.
    A route handler opens its own unit of work with ``app.transaction(actor)``
    after authenticating the request (``tenon.graphql.http.require``).

    :param app: the app being built.
    :returns: an iterable of Litestar route handlers (paths start with
        ``/<plugin>/``), or ``None``.

    Example::

        @hookimpl
        def tenon_http_routes(app):
            @get("/stock/labels/{kind:str}/{id:int}")
            async def label(kind: str, id: int) -> Response: ...
            return [label]

    Since 0.1.
    """


@hookspec
def tenon_config_kinds(app: Tenon) -> Iterable[ConfigKind] | None:
    """Contribute kinds of site configuration to versioning, approval, diff, rollback and export.

    Called once per app, when the plugin set is loaded (a bad result fails at load, naming the
    plugin), outside any transaction; the kinds' functions are called later inside the unit of
    work of an edit, publication, rollback, export or import (:mod:`tenon.core.config`). Each
    :class:`tenon.core.config.ConfigKind` is named ``<plugin>.<thing>`` (the prefix is this
    plugin's name; names are unique) and gives:

    * ``export(session) -> {key: item}``: the live state; keys are stable identities that mean
      the same on another site (a field's code, a rule's code, ``<plan>/<check>``), items plain
      JSON data (no row ids that differ between sites);
    * ``apply(session, {key: item})``: make the live state *exactly* these items (create what is
      missing, update what differs, remove what is absent) in the caller's transaction, never
      committing. Keep the data written under a removed item (a custom field's stored values:
      hide the field, keep the values), so publishing it again brings the data back;
    * ``needs_approval``: a bool or ``needs_approval(old, new) -> bool`` (``None`` for an added or
      removed item), e.g. ``False`` for a label-only change; the site setting ``config.approval``
      overrides it per kind;
    * ``describe(key, item) -> str`` (optional): the item's label in diffs;
    * ``validate(session, key, item_or_None) -> item_or_None`` (optional): check an edit (raise
      ``ValidationError`` naming the field) and normalise it; ``None`` is a removal.

    Every publication bumps the plugin-set version, so every API worker rebuilds its schema
    (``tenon_graphql_contributions`` is called again) within ``[api] plugin_check_seconds``: a
    kind whose items shape the schema (custom fields) reads them there.

    :param app: the app being built.
    :returns: an iterable of :class:`tenon.core.config.ConfigKind`, or ``None``.

    Example::

        @hookimpl
        def tenon_config_kinds(app):
            from . import services
            return [ConfigKind(name="studio.custom_field", label="custom field",
                               export=services.export_fields, apply=services.apply_fields,
                               needs_approval=lambda old, new: not services.label_only(old, new),
                               describe=lambda key, item: f"{item['entity']}.{key} ({item['label']})")]

    Since 0.2.
    """


# ---------------------------------------------------------------------------
# Install hooks: called inside a plugin's install/uninstall transaction, or by ``tenon demo``
# ---------------------------------------------------------------------------


@hookspec
def tenon_policies(app: Tenon) -> Iterable[Iterable[str]] | Path | str | None:
    """Give this plugin's default Casbin policy lines.

    Called at install time (lines are written to the site database, inside
    the install transaction), by ``tenon migrate`` when the plugin's version
    changed (lines the new version adds are added, lines it no longer declares
    are removed; lines both declare stay as the site has them, so a revoked
    default stays revoked) and at uninstall time (the plugin's lines, grants on
    its objects, and users' assignments to roles only it defined are removed).
    Lines are ``("p", role, object, action, scope)`` or ``("g", child_role,
    parent_role)`` (in ``policies.csv``: ``p, planner, mrp.work_order, read, *``).
    ``scope`` is ``*`` (every row) or the name of a row scope (see
    :func:`tenon_row_scopes`). Objects are named ``<plugin>.<entity>``; a
    plugin may grant its own roles actions on other plugins' objects
    (``p, inspector, stock.lot, read, *``).

    :param app: the app being built.
    :returns: a CSV path (``policies.csv``), an iterable of line tuples, or ``None``.

    Example::

        @hookimpl
        def tenon_policies(app):
            return Path(__file__).parent / "policies.csv"

    Since 0.1.
    """


@hookspec
def tenon_sequences(app: Tenon) -> Iterable[SequenceSpec] | None:
    """Declare numbering sequences for this plugin's document types.

    Called at install time (the sequence definition is stored in the site
    database, where a site may change prefix and padding), by ``tenon migrate``
    on a version change (new specs added, changed ones updated, a dropped one
    deleted unless numbers were already issued from it) and at uninstall (its
    definition and counters are removed). Draw a number inside a unit of work
    with ``tenon.core.sequences.next_number(session, "<plugin>.<document>")``.

    :param app: the app being built.
    :returns: an iterable of :class:`tenon.core.sequences.SequenceSpec`, or ``None``.

    Example::

        @hookimpl
        def tenon_sequences(app):
            return [SequenceSpec(code="orders.sales_order", prefix="SO-", date_format="%Y-",
                                 padding=5)]

    Since 0.1.
    """


@hookspec
def tenon_plugin_uninstalling(session: Session, app: Tenon, plugin: str) -> None:
    """Let go of what this plugin holds in other plugins before ``plugin`` is uninstalled.

    Called by ``tenon plugins uninstall`` inside the uninstall transaction, on every installed
    plugin (the one leaving included: ``plugin`` is its name), before the leaving plugin's tables
    are dropped: its rows can still be read. A plugin that changed another plugin's records through
    that plugin's public functions undoes what nobody could undo without it (qc releases the mrp
    operations its open in-process inspections hold, with mrp's ``block_operation``). Never write
    another plugin's tables directly, and never refuse: the dependency check has already run.

    :param session: the uninstall transaction (system actor, no row scopes).
    :param app: the site's app, with the leaving plugin still loaded.
    :param plugin: the name of the plugin being uninstalled.
    :returns: nothing.

    Example::

        @hookimpl
        def tenon_plugin_uninstalling(session, app, plugin):
            if plugin == "qc" and app.has_plugin("mrp"):
                from .integrations.mrp import release_all_holds
                release_all_holds(session)

    Since 0.2.
    """


@hookspec
def tenon_demo_data(session: Session, app: Tenon, progress: Callable[[str], None]) -> None:
    """Load deterministic demo data for this plugin.

    Called by ``tenon demo`` in plugin order (dependencies first), inside one
    transaction per plugin. Must be idempotent: a second run creates nothing
    new (look records up by code before creating them).

    :param session: the open session; never commit it.
    :param app: the site's app.
    :param progress: call with a short line to report a step.
    :returns: nothing.

    Example::

        @hookimpl
        def tenon_demo_data(session, app, progress):
            progress("regions")
            services.ensure_region(session, code="east", name="East China")

    Since 0.1.
    """


# ---------------------------------------------------------------------------
# Runtime hooks: called while the site serves (/health outside a transaction; findings read-only)
# ---------------------------------------------------------------------------


@hookspec
def tenon_health(app: Tenon) -> dict[str, Any] | None:
    """Report this plugin's health for ``GET /health``.

    Called per health request, outside any transaction; keep it cheap and
    never raise (return ``{"ok": False, ...}`` instead).

    :param app: the site's app.
    :returns: a JSON-able dict (``ok`` plus details) or ``None``; results are
        keyed by plugin name in the response.

    Example::

        @hookimpl
        def tenon_health(app):
            return {"ok": True, "printers": 2}

    Since 0.1.
    """


@hookspec
def tenon_health_findings(app: Tenon, session: Session, check: HealthCheck) -> Iterable[Finding] | None:
    """Report problems of the site's configuration for the health check (``healthReport``,
    ``tenon health check``).

    Called by ``healthReport``, ``healthReportStore`` and ``tenon health check`` (on demand or
    from a cron: ``tenon health check --store``), inside one transaction that only reads. Unlike
    :func:`tenon_health` (cheap liveness for ``GET /health``, per request), it may query as much
    as it needs. Each :class:`tenon.core.healthcheck.Finding` has a ``code``
    prefixed by this plugin's name (``studio.field_never_filled``), a ``section`` (``fields``,
    ``flows``, ``permissions``, ``plugins`` or the plugin's own), a ``severity`` (``error``:
    something is broken; ``warning``: a risk or waste; ``info``), the ``subject`` it is about
    (stable between runs: reports are compared by ``code`` and ``subject``), a ``message`` and a
    ``suggestion``. Use ``check.days`` (the site's N days), ``check.now`` and ``check.setting(name)``.
    Never change data here.

    :param app: the site's app.
    :param session: the check's session (the caller's actor; read only).
    :param check: the :class:`tenon.core.healthcheck.HealthCheck` (thresholds, clock).
    :returns: an iterable of findings, or ``None``.

    Example::

        @hookimpl
        def tenon_health_findings(app, session, check):
            for rule in services.rules_never_fired(session, since=check.now - timedelta(days=check.days)):
                yield Finding(section="flows", code="studio.rule_never_fired", severity="warning",
                              subject=f"rule {rule.code}", message=f"rule {rule.code} never fired in {check.days} days",
                              suggestion="disable or remove it")

    Since 0.2.
    """


@hookspec
def tenon_web_pages(app: Tenon) -> Iterable[WebPage] | None:
    """Contribute pages to the web console at ``/`` (dashboards, shop-floor terminals).

    Called while the site serves, whenever the console lists its pages (``consolePages``) or
    serves a page's files, for the site's current plugin set: a plugin's pages appear when it is
    installed and disappear when it is uninstalled, without a restart. Outside any transaction; do not touch a database.
    The kernel knows no plugin's pages; each page is an ES module in the plugin's own ``web/``
    folder, served at ``/console/plugins/<plugin>/<file>``, and a client of ``/graphql`` with the
    signed-in user's token (same access rules and row scopes as any client).

    :param app: the site's app.
    :returns: an iterable of :class:`tenon.core.contributions.WebPage`, or ``None``. Paths are
        ``<plugin>/<slug>`` and unique; every module is an existing ``.js`` file in the plugin's
        ``web/`` folder (one folder per plugin); titles are given in ``en`` and ``zh-CN``;
        ``permission`` is ``(object, action)``. A bad page fails naming the plugin.

    Example::

        @hookimpl
        def tenon_web_pages(app):
            web = Path(__file__).parent / "web"
            return [WebPage(path="rework/board", module=web / "board.js",
                            title={"en": "Rework board", "zh-CN": "返工看板"},
                            permission=("rework.order", "read"))]

    Since 0.3.
    """


@hookspec
def tenon_services(app: Tenon) -> Iterable[Service] | None:
    """Background services for ``tenon serve`` to run next to the API (a broker bridge, a poller).

    Called once by ``tenon serve`` when it starts, for the site's plugin set, in the serving
    process (the supervisor when ``--workers`` > 1), outside any transaction: each service runs
    once per server, not once per worker. ``start()`` is called before requests are accepted and
    must return promptly (start your own thread); ``stop()`` is called when the server stops. Read
    the plugin's own settings (``app.site.plugin_settings("<plugin>")``, the table
    ``[plugins.<plugin>]`` of ``tenon.toml``) to decide whether to run at all: return nothing when
    the service is not configured. A service that fails to start is one ``error:`` line and the server
    does not start.

    :param app: the site's app.
    :returns: an iterable of :class:`tenon.core.contributions.Service`, or ``None``. Names are
        ``<plugin>.<what>`` and unique.

    Example::

        @hookimpl
        def tenon_services(app):
            broker = app.site.plugin_settings("devices").get("mqtt_broker")
            if broker:
                bridge = Bridge(app, broker)
                return [Service("devices.mqtt", start=bridge.start, stop=bridge.stop,
                                label=f"MQTT bridge to {broker}")]

    Since 0.2.
    """
