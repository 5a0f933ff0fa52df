"""Installing a plugin is one transaction, DDL included: a failure anywhere leaves nothing, and a retry works."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, select, text

from tenon.core.installer import install
from tenon.core.models import CasbinRule, InstalledPlugin, SequenceDef
from tenon.core.sequences import SequenceSpec

REVISION = '''
import os

import sqlalchemy as sa
from alembic import op

revision = "atomic_0001"
down_revision = None
branch_labels = ("atomic",)
depends_on = None


def upgrade():
    op.create_table("atomic_thing", sa.Column("id", sa.Integer(), primary_key=True))
    op.create_index("ix_atomic_thing_id", "atomic_thing", ["id"])
    if os.environ.get("ATOMIC_FAIL_MIGRATION"):
        raise RuntimeError("migration failed half-way")


def downgrade():
    op.drop_table("atomic_thing")
'''

STATE = {"fail_sequences": False}


@pytest.fixture
def app(make_app, make_plugin, tmp_path):
    folder = tmp_path / "atomic_migrations"
    folder.mkdir()
    (folder / "atomic_0001.py").write_text(REVISION, encoding="utf-8")

    def tenon_sequences(app):
        if STATE["fail_sequences"]:
            raise RuntimeError("sequence hook failed")
        return [SequenceSpec(code="atomic.thing", prefix="AT-")]

    plugin = make_plugin(
        "atomic",
        tenon_migrations=lambda app: folder,
        tenon_policies=lambda app: [("p", "atomic_user", "atomic.thing", "read", "*")],
        tenon_sequences=tenon_sequences,
    )
    STATE["fail_sequences"] = False
    return make_app(plugins=[], extra_plugins=[plugin])


def leftovers(app) -> dict[str, object]:
    with app.engine.connect() as conn:
        return {
            "tables": sorted(t for t in inspect(conn).get_table_names() if t.startswith("atomic_")),
            "alembic": sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars()),
            "policies": conn.execute(select(CasbinRule.v0).where(CasbinRule.v1 == "atomic.thing")).scalars().all(),
            "sequences": conn.execute(select(SequenceDef.code).where(SequenceDef.plugin == "atomic")).scalars().all(),
            "record": conn.execute(select(InstalledPlugin.name).where(InstalledPlugin.name == "atomic")).scalar(),
        }


NOTHING = {"tables": [], "alembic": ["core_0002"], "policies": [], "sequences": [], "record": None}
INSTALLED = {"tables": ["atomic_thing"], "alembic": ["atomic_0001", "core_0002"], "policies": ["atomic_user"],
             "sequences": ["atomic.thing"], "record": "atomic"}


def test_a_failing_hook_after_the_migration_leaves_nothing(app):
    """The tables are created, then the sequence hook fails: the tables go too; the retry installs cleanly."""
    STATE["fail_sequences"] = True
    with pytest.raises(RuntimeError, match="sequence hook failed"):
        install(app, ["atomic"])
    assert leftovers(app) == NOTHING
    STATE["fail_sequences"] = False
    assert install(app, ["atomic"]) == ["atomic"]
    assert leftovers(app) == INSTALLED


def test_a_migration_failing_half_way_leaves_nothing(app, monkeypatch):
    monkeypatch.setenv("ATOMIC_FAIL_MIGRATION", "1")
    with pytest.raises(RuntimeError, match="half-way"):
        install(app, ["atomic"])
    assert leftovers(app) == NOTHING
    monkeypatch.delenv("ATOMIC_FAIL_MIGRATION")
    assert install(app, ["atomic"]) == ["atomic"]
    assert leftovers(app) == INSTALLED


def test_installing_twice_changes_nothing(app):
    assert install(app, ["atomic"]) == ["atomic"]
    assert install(app, ["atomic"]) == []
    assert leftovers(app) == INSTALLED
