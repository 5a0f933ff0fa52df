"""``app.hooks``: every kernel hook's results are validated and a bad one is one line naming the plugin;
subscriptions are checked against the event catalog at load; optional partners are ordered first."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import click
import pytest
from litestar import get

import tenon
from tenon.core.access import RowScope
from tenon.core.custom import CustomEntity
from tenon.core.contributions import Service, WebPage
from tenon.core.errors import PluginError
from tenon.core.events import Event, Subscriber
from tenon.core.kernel import Tenon
from tenon.core.models import User
from tenon.core.sequences import SequenceSpec
from tenon.core.site import Site


def load(tmp_path: Path, plugins: list[str], extra: list[Any]) -> Tenon:
    """Open a site (never installed: only the loader and the composition hooks run)."""
    return Tenon(Site.create(tmp_path / "site"), plugins=plugins, extra_plugins=extra)


def one_line_error(fn: Any) -> str:
    with pytest.raises(PluginError) as exc:
        fn()
    message = str(exc.value)
    assert "\n" not in message, message
    return message


@dataclass(frozen=True)
class ThingDone(Event):
    """A thing of plugin ``bad`` was done."""

    name: ClassVar[str] = "bad.thing.done"
    thing_id: int


@dataclass(frozen=True)
class Misnamed(Event):
    """Claims another plugin's prefix."""

    name: ClassVar[str] = "stock.thing.done"
    thing_id: int


@dataclass(frozen=True)
class Doing(Event):
    """Not a past tense."""

    name: ClassVar[str] = "bad.thing.shipping"


@dataclass(frozen=True)
class Opaque(Event):
    """Carries an object that is not JSON."""

    name: ClassVar[str] = "bad.thing.sent"
    when: object


@dataclass(frozen=True)
class Undocumented(Event):
    name: ClassVar[str] = "bad.thing.made"


def _noop(session: Any, event: Any) -> None:
    return None


@click.command("hello")
def hello() -> None:
    """Say hello."""


@get("/elsewhere/x")
async def stray_route() -> str:
    return "x"


PAGE_JS = Path(tenon.__file__).parent / "plugins" / "orders" / "web" / "progress.js"
TITLE = {"en": "Board", "zh-CN": "看板"}


def page(path: str = "bad/board", module: Any = PAGE_JS, title: Any = TITLE, permission: Any = ("bad.thing", "read"),
         kind: str = "dashboard") -> WebPage:
    return WebPage(path=path, module=module, title=title, permission=permission, kind=kind)


# (hook name, implementation, which facade method shows it ("load": loading the app), expected message)
CASES = [
    ("tenon_models", lambda app: [object], "load",
     "plugin 'bad': tenon_models() returned <class 'object'>, not a model of tenon.core.db.Base"),
    ("tenon_models", lambda app: [User], "load", "plugin 'bad': table 'core_user' must be named 'bad_<entity>'"),
    ("tenon_row_scopes", lambda app: "region", "load", "plugin 'bad': tenon_row_scopes() must return an iterable, not str"),
    ("tenon_row_scopes", lambda app: [object()], "load", "plugin 'bad': tenon_row_scopes() returned <object"),
    ("tenon_row_scopes", lambda app: [RowScope(model=User, obj="core.user", name="mine", attribute="ids", column="id")],
     "load", "plugin 'bad': row scope 'mine' is on 'User', not one of its own models"),
    ("tenon_events", lambda app: [dict], "load", "plugin 'bad': tenon_events() returned <class 'dict'>, not a dataclass"),
    ("tenon_events", lambda app: [Misnamed], "load",
     "plugin 'bad': event Misnamed is named 'stock.thing.done'; name it 'bad.<entity>.<past-tense verb>'"),
    ("tenon_events", lambda app: [Doing], "load", "plugin 'bad': event 'bad.thing.shipping' must end in a past-tense verb"),
    ("tenon_events", lambda app: [Opaque], "load", "plugin 'bad': event 'bad.thing.sent' field 'when' is not JSON-able"),
    ("tenon_events", lambda app: [Undocumented], "load", "plugin 'bad': event 'bad.thing.made' has no docstring"),
    ("tenon_event_subscribers", lambda app: [_noop], "load", "plugin 'bad': tenon_event_subscribers() returned <function"),
    ("tenon_migrations", lambda app: __file__, "migrations",
     f"plugin 'bad': tenon_migrations() returned {__file__!r}, not a folder"),
    ("tenon_migrations", lambda app: 42, "migrations", "plugin 'bad': tenon_migrations() returned 42, not a folder"),
    ("tenon_graphql_contributions", lambda app: {"query": None}, "graphql_contributions",
     "plugin 'bad': tenon_graphql_contributions must return a SchemaContribution"),
    ("tenon_cli_commands", lambda app: [lambda: None], "cli_commands", "plugin 'bad': tenon_cli_commands() returned <function"),
    ("tenon_http_routes", lambda app: [stray_route], "http_routes",
     "plugin 'bad': http route '/elsewhere/x' must start with '/bad/'"),
    ("tenon_http_routes", lambda app: [lambda: None], "http_routes", "plugin 'bad': tenon_http_routes() returned <function"),
    ("tenon_sequences", lambda app: [("bad.thing", "T-")], "sequences", "plugin 'bad': tenon_sequences() returned ('bad.thing', 'T-')"),
    ("tenon_sequences", lambda app: [SequenceSpec(code="thing", prefix="T-")], "sequences",
     "plugin 'bad': sequence 'thing' must be named 'bad.<entity>'"),
    ("tenon_policies", lambda app: [("p", "clerk", "bad.thing", "read")], "policies",
     "plugin 'bad': policy line 'p, clerk, bad.thing, read' is neither"),
    ("tenon_custom_entities", lambda app: [object()], "load", "plugin 'bad': tenon_custom_entities() returned <object"),
    ("tenon_custom_entities", lambda app: [CustomEntity(name="bad.user", model=User, graphql_type="User", obj="core.user")],
     "load", "plugin 'bad': custom entity 'bad.user' is on 'User', not one of its own models"),
    ("tenon_custom_entities", lambda app: [CustomEntity(name="stock.user", model=User, graphql_type="User", obj="x")],
     "load", "plugin 'bad': custom entity 'stock.user' must be named 'bad.<entity>' and unique"),
    ("tenon_custom_field_store", lambda app: object(), "custom_field_store",
     "plugin 'bad': tenon_custom_field_store() returned <object"),
    ("tenon_web_pages", lambda app: [{"path": "bad/board"}], "web_pages", "plugin 'bad': tenon_web_pages() returned {"),
    ("tenon_services", lambda app: [object()], "services", "plugin 'bad': tenon_services() returned <object"),
    ("tenon_services", lambda app: [Service("other.bridge", start=print, stop=print)], "services",
     "plugin 'bad': service 'other.bridge' must be named 'bad.<what>' and unique"),
    ("tenon_services", lambda app: [Service("bad.bridge", start=None, stop=print)], "services",
     "plugin 'bad': service 'bad.bridge' needs callable start and stop"),
    ("tenon_web_pages", lambda app: [page(path="orders/board")], "web_pages",
     "plugin 'bad': web page 'orders/board' must be named 'bad/<slug>'"),
    ("tenon_web_pages", lambda app: [page(), page()], "web_pages", "plugin 'bad': web page 'bad/board' is declared twice"),
    ("tenon_web_pages", lambda app: [page(module=Path("/nowhere/web/board.js"))], "web_pages",
     "plugin 'bad': web page 'bad/board': module '/nowhere/web/board.js' must be an existing .js file in the plugin's web/ folder"),
    ("tenon_web_pages", lambda app: [page(module=Path(__file__))], "web_pages",
     "plugin 'bad': web page 'bad/board': module"),
    ("tenon_web_pages", lambda app: [page(title={"en": "Board"})], "web_pages", "plugin 'bad': web page 'bad/board' has no title in zh-CN"),
    ("tenon_web_pages", lambda app: [page(permission="bad.thing")], "web_pages",
     "plugin 'bad': web page 'bad/board': permission must be ('<plugin>.<entity>', action), not 'bad.thing'"),
    ("tenon_web_pages", lambda app: [page(kind="kiosk")], "web_pages",
     "plugin 'bad': web page 'bad/board': kind must be one of dashboard, terminal"),
]


@pytest.mark.parametrize(("hook", "impl", "via", "expected"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_a_bad_hook_result_is_one_line_naming_the_plugin(tmp_path, make_plugin, hook, impl, via, expected):
    bad = make_plugin("bad", label=f"bad_{hook}", **{hook: impl})
    if via == "load":
        message = one_line_error(lambda: load(tmp_path, ["bad"], [bad]))
    else:
        app = load(tmp_path, ["bad"], [bad])
        method = getattr(app.hooks, via)
        message = one_line_error(lambda: method("bad") if via in ("policies", "sequences") else method())
    assert message.startswith(expected), message


def test_duplicate_cli_command_names_are_refused_naming_both_plugins(tmp_path, make_plugin):
    one = make_plugin("one", tenon_cli_commands=lambda app: [hello])
    two = make_plugin("two", tenon_cli_commands=lambda app: [hello])
    app = load(tmp_path, ["one", "two"], [one, two])
    assert one_line_error(app.hooks.cli_commands) == "plugin 'two': command 'hello' is already added by plugin 'one'"


def test_good_results_come_back_in_dependency_order(tmp_path, make_plugin):
    """The facade attributes results to plugins, dependencies first."""
    base = make_plugin("base", tenon_events=lambda app: [ThingDoneOfBase],
                       tenon_cli_commands=lambda app: [click.Command("base-cmd")])
    top = make_plugin("top", depends=("base",), tenon_cli_commands=lambda app: [click.Command("top-cmd")],
                      tenon_event_subscribers=lambda app: [Subscriber("base.thing.done", _noop, name="top.t")])
    app = load(tmp_path, ["top"], [top, base])
    assert list(app.hooks.cli_commands()) == ["base-cmd", "top-cmd"]
    assert {n: c for n, c in app.event_catalog.items() if not n.startswith("core.")} == {"base.thing.done": ThingDoneOfBase}
    assert [(p, s.key) for p, s in app.subscribers_by_plugin] == [("top", "top.t")]


@dataclass(frozen=True)
class ThingDoneOfBase(Event):
    """A thing of plugin ``base`` was done."""

    name: ClassVar[str] = "base.thing.done"
    thing_id: int = 0


def test_a_misspelt_event_subscription_fails_at_load_naming_the_plugin(tmp_path, make_plugin):
    """The subscriber names ``base.thing.don``: loading stops with one line naming the subscribing plugin,
    the unknown event and the close declared name."""
    base = make_plugin("base", tenon_events=lambda app: [ThingDoneOfBase])
    typo = make_plugin("typo", depends=("base",),
                       tenon_event_subscribers=lambda app: [Subscriber("base.thing.don", _noop, name="typo.t")])
    message = one_line_error(lambda: load(tmp_path, ["typo"], [typo, base]))
    assert message == "plugin 'typo' subscribes to unknown event 'base.thing.don'; did you mean 'base.thing.done'?"


def test_a_subscription_to_an_absent_plugins_event_fails_at_load(tmp_path, make_plugin):
    lonely = make_plugin("lonely", tenon_event_subscribers=lambda app: [Subscriber("stock.shipment.done", _noop)])
    assert one_line_error(lambda: load(tmp_path, ["lonely"], [lonely])) == (
        "plugin 'lonely' subscribes to unknown event 'stock.shipment.done'")


def test_in_transaction_subscribers_no_longer_exist(tmp_path):
    message = one_line_error(lambda: Subscriber("base.thing.done", _noop, after_commit=False))
    assert "in-transaction subscribers no longer exist" in message and "app.hooks.notify/ask" in message


def test_an_event_declared_twice_is_refused(tmp_path, make_plugin):
    twice = make_plugin("bad", label="bad_twice", tenon_events=lambda app: [ThingDone, _copy(ThingDone)])
    assert one_line_error(lambda: load(tmp_path, ["bad"], [twice])) == "plugin 'bad': event 'bad.thing.done' is declared twice"


def _copy(cls: type) -> type:
    return dataclass(frozen=True)(type(cls.__name__, (cls,), {"__doc__": cls.__doc__}))


# --------------------------------------------------------------------------- optional partners


def test_an_optional_partner_is_ordered_first_when_loaded(tmp_path, make_plugin):
    """``a`` integrates with ``b`` (optional): asked for before ``b``, it still loads after ``b`` and its
    results come after ``b``'s; without ``b`` it loads alone."""
    a = make_plugin("a", optional=("b",), tenon_cli_commands=lambda app: [click.Command("a-cmd")])
    b = make_plugin("b", tenon_cli_commands=lambda app: [click.Command("b-cmd")])
    app = load(tmp_path, ["a", "b"], [a, b])
    assert list(app.plugins) == ["core", "b", "a"]
    assert list(app.hooks.cli_commands()) == ["b-cmd", "a-cmd"]
    alone = Tenon(Site.create(tmp_path / "alone"), plugins=["a"], extra_plugins=[a, b])
    assert list(alone.plugins) == ["core", "a"]


def test_an_optional_partner_pulled_in_as_a_dependency_is_ordered_first(tmp_path, make_plugin):
    a = make_plugin("a", optional=("b",))
    b = make_plugin("b")
    c = make_plugin("c", depends=("b",))
    assert list(load(tmp_path, ["a", "c"], [a, b, c]).plugins) == ["core", "b", "a", "c"]


def test_a_cycle_through_an_optional_edge_is_broken_by_ignoring_it(tmp_path, make_plugin):
    """``a`` optionally integrates with ``b``, which depends on ``a``: ``depends`` wins."""
    a = make_plugin("a", optional=("b",))
    b = make_plugin("b", depends=("a",))
    assert list(load(tmp_path, ["a", "b"], [a, b]).plugins) == ["core", "a", "b"]
    assert list(Tenon(Site.create(tmp_path / "s2"), plugins=["b", "a"], extra_plugins=[a, b]).plugins) == [
        "core", "a", "b"]


def test_two_plugins_optional_for_each_other_load_in_a_stable_order(tmp_path, make_plugin):
    a = make_plugin("a", optional=("b",))
    b = make_plugin("b", optional=("a",))
    assert list(load(tmp_path, ["a", "b"], [a, b]).plugins) == ["core", "b", "a"]
