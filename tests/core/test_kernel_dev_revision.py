"""``tenon dev revision`` on a throw-away site, and one-line errors for plugins whose migrations are
missing or fail.

A new third-party plugin (``gizmo``, depending on the bundled ``stock``) has models but no migration
yet, and no site has it or ``stock`` installed: ``dev revision`` needs nothing else.
"""

from __future__ import annotations

from sqlalchemy import inspect

from tenon.core.kernel import Tenon
from tenon.core.migrate import drift

GIZMO = {
    "plugin.py": '''
        from pathlib import Path

        from tenon import PluginInfo, hookimpl


        @hookimpl
        def tenon_plugin_info():
            return PluginInfo(name="gizmo", version="0.1.0", depends=("stock",), summary="Gizmos")


        @hookimpl
        def tenon_models(app):
            from .models import GizmoPart

            return [GizmoPart]


        @hookimpl
        def tenon_migrations(app):
            return Path(__file__).parent / "migrations"
    ''',
    "models.py": '''
        from sqlalchemy import ForeignKey, String
        from sqlalchemy.orm import Mapped, mapped_column

        from tenon.core.db import Base, Record


        class GizmoPart(Record, Base):
            __tablename__ = "gizmo_part"
            code: Mapped[str] = mapped_column(String(40), unique=True)
            product_id: Mapped[int] = mapped_column(ForeignKey("stock_product.id"), index=True)
    ''',
}


def test_dev_revision_needs_no_site_and_no_installed_dependency(tmp_path, cli, make_app, write_distribution,
                                                               user_error):
    pkg = write_distribution("tenon_gizmo", "gizmo", GIZMO)
    nowhere = str(tmp_path / "no-site")
    first = cli("--site", nowhere, "dev", "revision", "gizmo", "-m", "initial")
    assert first.exit_code == 0, first.output
    path = pkg / "migrations" / "gizmo_0001_initial.py"
    assert first.stdout.strip() == str(path)
    text = path.read_text(encoding="utf-8")
    assert "branch_labels: str | Sequence[str] | None = ('gizmo',)" in text
    assert "depends_on: str | Sequence[str] | None = 'stock_0001'" in text, "it depends on stock's head"
    assert "op.create_table('gizmo_part'" in text and "stock_product" in text
    assert not (tmp_path / "no-site").exists(), "no site was created"

    # a second revision starts from the first, on a scratch database migrated to it: nothing to add
    second = cli("dev", "revision", "gizmo", "-m", "nothing new")
    assert second.exit_code == 0, second.output
    text2 = (pkg / "migrations" / "gizmo_0002_nothing_new.py").read_text(encoding="utf-8")
    assert "down_revision: str | Sequence[str] | None = 'gizmo_0001'" in text2 and "op." not in text2

    # the generated branch installs (stock first) and matches the model exactly
    app = make_app(plugins=[])
    installed = cli("--site", str(app.site.path), "plugins", "install", "gizmo")
    assert installed.exit_code == 0, installed.output
    assert installed.stdout.strip() == "installed: stock, gizmo"
    site_app = Tenon(app.site)
    assert drift(site_app, ["gizmo"]) == []
    site_app.dispose()

    user_error(cli("dev", "revision", "nosuch", "-m", "x"), "unknown plugin 'nosuch'")


NOMIG = {
    "plugin.py": '''
        from pathlib import Path

        from tenon import PluginInfo, hookimpl


        @hookimpl
        def tenon_plugin_info():
            return PluginInfo(name="nomig", version="0.1.0", depends=("stock",))


        @hookimpl
        def tenon_migrations(app):
            return Path(__file__).parent / "migrations"
    ''',
    "migrations/README": "revisions go here\n",
}


def test_installing_a_plugin_without_its_first_migration_is_one_line_and_installs_nothing(
        make_app, cli, user_error, write_distribution):
    write_distribution("tenon_nomig", "nomig", NOMIG)
    app = make_app(plugins=[])
    site = str(app.site.path)
    user_error(cli("--site", site, "plugins", "install", "nomig"),
               'plugin \'nomig\' has no migration yet: run tenon dev revision nomig -m "initial"')
    assert app.installed_versions().keys() == {"core"}, "not even its dependency was installed"
    assert not inspect(app.engine).has_table("stock_product")


BADMIG = {
    "plugin.py": NOMIG["plugin.py"].replace("nomig", "badmig"),
    "migrations/badmig_0001_broken.py": '''
        from alembic import op

        revision = "badmig_0001"
        down_revision = None
        branch_labels = ("badmig",)
        depends_on = None


        def upgrade():
            op.execute("INSERT INTO badmig_missing_table VALUES (1)")


        def downgrade():
            pass
    ''',
}


def test_a_failing_migration_is_one_line_naming_the_plugin_and_what_was_installed(
        make_app, cli, user_error, write_distribution):
    write_distribution("tenon_badmig", "badmig", BADMIG)
    app = make_app(plugins=[])
    result = cli("--site", str(app.site.path), "plugins", "install", "badmig")
    assert result.exit_code == 1 and "Traceback" not in result.output
    progress, error = result.stderr.splitlines()[:-1], result.stderr.splitlines()[-1]
    assert progress == ["installing stock 0.1.0", "installing badmig 0.1.0"]
    assert error.startswith("error: plugin 'badmig': migration failed: ")
    assert "badmig_missing_table" in error and error.endswith("; installed before it: stock")
    assert app.installed_versions().keys() == {"core", "stock"}
    assert not inspect(app.engine).has_table("badmig_missing_table")


def test_first_revision_depends_only_on_heads_not_reached_through_another(tmp_path, cli, write_distribution):
    """``widget`` depends on ``mrp`` and ``stock``; mrp's first revision already depends on stock's,
    so the new branch names mrp's head only (naming both broke installs on sites without orders)."""
    files = {k: v.replace('"gizmo"', '"widget"').replace('depends=("stock",)', 'depends=("mrp", "stock")')
                 .replace("Gizmos", "Widgets") for k, v in GIZMO.items()}
    files["models.py"] = files["models.py"].replace("GizmoPart", "WidgetPart").replace("gizmo_part", "widget_part")
    files["plugin.py"] = files["plugin.py"].replace("GizmoPart", "WidgetPart")
    pkg = write_distribution("tenon_widget", "widget", files)
    made = cli("--site", str(tmp_path / "no-site"), "dev", "revision", "widget", "-m", "initial")
    assert made.exit_code == 0, made.output
    text = (pkg / "migrations" / "widget_0001_initial.py").read_text(encoding="utf-8")
    assert "depends_on: str | Sequence[str] | None = 'mrp_0001'" in text, text
