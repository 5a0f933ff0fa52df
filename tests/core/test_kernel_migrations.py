"""Models and migrations agree for every bundled plugin set, and every branch goes down and up again.

The plugin sets adapt to what is bundled: the kernel alone, everything
available, and each bundled plugin alone (with what it depends on).
"""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from tenon.core import migrate
from tenon.core import plugins as plugmod


def bundled() -> list[str]:
    return sorted(name for name, cand in plugmod.discover().items()
                  if getattr(cand.obj, "__name__", "").startswith("tenon.plugins."))


PLUGIN_SETS = [pytest.param([], id="kernel"), pytest.param(None, id="all"),
               *(pytest.param([name], id=name) for name in bundled())]


def tables(app) -> set[str]:
    with app.engine.connect() as conn:
        return set(inspect(conn).get_table_names())


@pytest.mark.parametrize("plugins", PLUGIN_SETS)
def test_models_and_migrations_agree(make_app, plugins):
    app = make_app(plugins=plugins)
    assert drift(app) == []
    expected = {t for p in app.plugins for t in app.tables_of(p)}
    assert expected <= tables(app)


def drift(app):
    return [repr(d) for d in migrate.drift(app)]


@pytest.mark.parametrize("plugins", PLUGIN_SETS)
def test_every_branch_goes_down_to_base_and_up_again(make_app, plugins):
    """Plugins are removed in reverse dependency order (dependents first), then restored in order."""
    app = make_app(plugins=plugins)
    before = tables(app)
    order = [p for p in app.plugins if p != plugmod.KERNEL]

    for plugin in reversed(order):
        migrate.downgrade_to_base(app, plugin)
        left = tables(app)
        assert not [t for t in left if t.startswith(f"{plugin}_")], plugin
        assert {t for t in left if t.startswith("core_")} == {t for t in before if t.startswith("core_")}

    for plugin in order:
        migrate.upgrade(app, plugin)
        assert set(app.tables_of(plugin)) <= tables(app), plugin
    assert tables(app) == before
    assert drift(app) == []


def test_the_kernel_branch_goes_down_to_base_and_up_again(make_app):
    app = make_app(plugins=[])
    migrate.downgrade_to_base(app, plugmod.KERNEL)
    assert [t for t in tables(app) if t != "alembic_version"] == []
    migrate.upgrade(app, plugmod.KERNEL)
    assert set(app.tables_of(plugmod.KERNEL)) <= tables(app)
    assert drift(app) == []


def test_drift_reports_a_model_without_its_migration(make_app):
    """The check has teeth: a table the models declare but the database lacks is reported."""
    app = make_app(plugins=[])
    with app.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE core_notification")
    found = drift(app)
    assert found and found[0].startswith("('add_table', Table('core_notification'")
    assert all("core_notification" in d for d in found)  # the table, then its index
