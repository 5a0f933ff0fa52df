"""A third-party plugin, packaged outside the repository, installed and removed through the CLI.

The test writes a distribution ``tenon_hello`` (package + ``.dist-info`` with a
``tenon.plugins`` entry point) into a temporary folder put on ``sys.path``, the
way ``pip install tenon-hello`` would leave it. Nothing in the repository knows it.
"""

from __future__ import annotations

from sqlalchemy import inspect, select, text

from tenon.core.errors import PluginError
from tenon.core.installer import plan_removal, uninstall
from tenon.core.kernel import Tenon
from tenon.core.migrate import drift
from tenon.core.models import CasbinRule, InstalledPlugin, SequenceCounter, SequenceDef
from tenon.core.sequences import next_number
from tenon.core.testing import create_user

HELLO = {
    "plugin.py": '''
        """hello: a throw-away third-party Tenon plugin (written by tests/core)."""

        from pathlib import Path

        from tenon import PluginInfo, hookimpl
        from tenon.core.sequences import SequenceSpec

        HERE = Path(__file__).parent


        @hookimpl
        def tenon_plugin_info():
            return PluginInfo(name="hello", version="0.1.0", summary="Says hello")


        @hookimpl
        def tenon_models(app):
            from .models import HelloGreeting

            return [HelloGreeting]


        @hookimpl
        def tenon_migrations(app):
            return HERE / "migrations"


        @hookimpl
        def tenon_policies(app):
            return HERE / "policies.csv"


        @hookimpl
        def tenon_sequences(app):
            return [SequenceSpec(code="hello.greeting", prefix="HG-", padding=3)]


        @hookimpl
        def tenon_graphql_contributions(app):
            from .schema import CONTRIBUTION

            return CONTRIBUTION
    ''',
    "models.py": '''
        from sqlalchemy import String
        from sqlalchemy.orm import Mapped, mapped_column

        from tenon.core.db import Base


        class HelloGreeting(Base):
            __tablename__ = "hello_greeting"

            id: Mapped[int] = mapped_column(primary_key=True)
            code: Mapped[str] = mapped_column(String(20), unique=True)
            text: Mapped[str] = mapped_column(String(200))
    ''',
    "schema.py": '''
        import strawberry
        from sqlalchemy import func, select
        from strawberry.types import Info

        from tenon.core.contributions import SchemaContribution
        from tenon.graphql.permissions import allowed


        def count_greetings(session):
            from .models import HelloGreeting

            return session.scalar(select(func.count()).select_from(select(HelloGreeting).subquery()))


        @strawberry.type(description="Greetings.")
        class Query:
            @strawberry.field(description="How many greetings there are.",
                              extensions=allowed("hello.greeting", "read"))
            async def hello_greeting_count(self, info: Info) -> int:
                return await info.context.run(count_greetings)


        CONTRIBUTION = SchemaContribution(query=Query)
    ''',
    "policies.csv": "p, hello_reader, hello.greeting, read, *\n",
    "migrations/hello_0001_greeting.py": '''
        """greeting table

        Revision ID: hello_0001
        """

        import sqlalchemy as sa
        from alembic import op

        revision = "hello_0001"
        down_revision = None
        branch_labels = ("hello",)
        depends_on = None


        def upgrade():
            op.create_table(
                "hello_greeting",
                sa.Column("id", sa.Integer(), nullable=False),
                sa.Column("code", sa.String(length=20), nullable=False),
                sa.Column("text", sa.String(length=200), nullable=False),
                sa.PrimaryKeyConstraint("id", name=op.f("pk_hello_greeting")),
                sa.UniqueConstraint("code", name=op.f("uq_hello_greeting_code")),
            )


        def downgrade():
            op.drop_table("hello_greeting")
    ''',
}

HELLO_POLICY = ("p", "hello_reader", "hello.greeting", "read", "*")


def snapshot(app: Tenon) -> dict[str, object]:
    """What the hello plugin may leave in a site database."""
    with app.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        return {
            "hello_tables": sorted(t for t in tables if t.startswith("hello_")),
            "greetings": conn.execute(text("SELECT count(*) FROM hello_greeting")).scalar_one()
            if "hello_greeting" in tables else None,
            "policies": sorted(tuple(r) for r in conn.execute(
                select(CasbinRule.ptype, CasbinRule.v0, CasbinRule.v1, CasbinRule.v2, CasbinRule.v3))),
            "sequences": conn.execute(select(SequenceDef.code).where(SequenceDef.plugin == "hello")).scalars().all(),
            "counters": conn.execute(select(SequenceCounter.code, SequenceCounter.value)
                                     .where(SequenceCounter.code.like("hello.%"))).all(),
            "record": conn.execute(select(InstalledPlugin.version).where(InstalledPlugin.name == "hello")).scalar(),
            "alembic": sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars()),
        }


def test_a_third_party_plugin_installs_and_uninstalls_cleanly(make_app, make_client, cli, write_distribution):
    write_distribution("tenon_hello", "hello", HELLO)
    app = make_app(plugins=[])  # a kernel-only site on the test backend (its tenon.toml names the database)
    site = str(app.site.path)

    listed = cli("--site", site, "plugins", "list")
    assert listed.exit_code == 0, listed.output
    row = next(line for line in listed.stdout.splitlines() if line.startswith("hello "))
    assert row.split()[:4] == ["hello", "0.1.0", "-", "-"] and row.endswith("Says hello")
    assert snapshot(app)["hello_tables"] == []

    installed = cli("--site", site, "plugins", "install", "hello")
    assert installed.exit_code == 0, installed.output
    assert installed.stdout.strip() == "installed: hello"
    after_install = snapshot(app)
    assert after_install["hello_tables"] == ["hello_greeting"]
    assert HELLO_POLICY[:4] + ("*",) in after_install["policies"]
    assert after_install["sequences"] == ["hello.greeting"]
    assert after_install["record"] == "0.1.0"
    assert "hello_0001" in after_install["alembic"]

    # the site now opens with hello loaded; its hand-written migration matches its model exactly
    hello_app = Tenon(app.site)
    assert list(hello_app.plugins) == ["core", "hello"]
    assert drift(hello_app) == []
    with hello_app.transaction() as s:
        s.execute(text("INSERT INTO hello_greeting (code, text) VALUES ('en', 'Hello'), ('fr', 'Bonjour')"))
        assert next_number(s, "hello.greeting") == "HG-001"
    # and its GraphQL field answers, behind its policy
    admin = make_client(hello_app, create_user(hello_app, "root", roles=["admin"]))
    assert admin.ok("{ helloGreetingCount }") == {"helloGreetingCount": 2}
    reader = make_client(hello_app, create_user(hello_app, "reader", roles=["hello_reader"]))
    assert reader.ok("{ helloGreetingCount }") == {"helloGreetingCount": 2}
    nobody = make_client(hello_app, create_user(hello_app, "nobody"))
    assert nobody.error("{ helloGreetingCount }")["extensions"]["code"] == "FORBIDDEN"

    before = snapshot(app)
    dry = cli("--site", site, "plugins", "uninstall", "hello", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.splitlines() == [
        "uninstalling hello would remove:",
        "  tables (1):",
        "    hello_greeting: 2 row(s)",
        "  policy lines (2):",
        "    g, user:reader, hello_reader",
        "    p, hello_reader, hello.greeting, read, *",
        "  sequences (1): hello.greeting",
        "  GraphQL fields (1):",
        "    Query.helloGreetingCount",
    ]
    assert snapshot(app) == before  # a dry run changes nothing

    declined = cli("--site", site, "plugins", "uninstall", "hello", input="n\n")  # without --yes it asks
    assert declined.exit_code == 1 and "Remove hello and all its data? [y/N]" in declined.output
    assert snapshot(app) == before

    removed = cli("--site", site, "plugins", "uninstall", "hello", "--yes")
    assert removed.exit_code == 0, removed.output
    assert removed.stdout.splitlines()[-1] == "uninstalled: hello"
    gone = snapshot(app)
    assert gone["hello_tables"] == []
    # the plugin's policy lines are gone, and so are assignments to the role only it granted
    assert [line for line in gone["policies"] if "hello" in str(line)] == []
    assert ("g", "user:reader", "user", None, None) in gone["policies"], "the user keeps the base role"
    assert gone["sequences"] == [] and gone["counters"] == []
    assert gone["record"] is None
    assert "hello_0001" not in gone["alembic"]
    assert Tenon(app.site).plugins.keys() == {"core"}

    relisted = cli("--site", site, "plugins", "list")
    row = next(line for line in relisted.stdout.splitlines() if line.startswith("hello "))
    assert row.split()[:3] == ["hello", "0.1.0", "-"]


# --------------------------------------------------------------------------- refusals


def test_uninstall_refuses_while_a_dependent_is_installed(make_app, make_plugin):
    """b depends on a: removing a first would let Alembic drop b's tables too, so it is refused, naming b."""
    a = make_plugin("a", tenon_policies=lambda app: [("p", "a_user", "a.thing", "read", "*")])
    b = make_plugin("b", depends=("a",))
    app = make_app(plugins=["b"], extra_plugins=[a, b])
    assert app.installed_versions().keys() == {"core", "a", "b"}

    try:
        plan_removal(app, "a")
    except PluginError as exc:
        assert str(exc) == "cannot uninstall 'a': installed plugin(s) b depend on it; uninstall them first"
    else:
        raise AssertionError("uninstalling a dependency was allowed")
    assert app.installed_versions().keys() == {"core", "a", "b"}

    uninstall(app, "b")
    plan = uninstall(app, "a")
    assert plan.policies == [("p", "a_user", "a.thing", "read", "*")]
    assert app.installed_versions().keys() == {"core"}


def test_uninstall_refuses_unknown_not_installed_and_the_kernel(make_app, make_plugin):
    spare = make_plugin("spare")
    app = make_app(plugins=[], extra_plugins=[spare])
    for name, message in (
        ("nosuch", "unknown plugin 'nosuch'"),
        ("spare", "plugin 'spare' is not installed"),
        ("core", "the kernel (core) cannot be uninstalled"),
    ):
        try:
            plan_removal(app, name)
        except PluginError as exc:
            assert str(exc).startswith(message), str(exc)
        else:
            raise AssertionError(f"uninstalling {name} was allowed")


def test_cli_uninstall_errors_are_one_line(make_app, cli, user_error):
    app = make_app(plugins=[])
    site = str(app.site.path)
    user_error(cli("--site", site, "plugins", "uninstall", "nosuch", "--yes"), "unknown plugin 'nosuch'")
    user_error(cli("--site", site, "plugins", "uninstall", "core", "--yes"), "kernel")
