"""The ``tenon`` command line: setting up a site, listing plugins, and one-line errors for user mistakes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from tenon import __version__
from tenon.core import auth
from tenon.core import plugins as plugmod
from tenon.core.kernel import Tenon
from tenon.core.models import User
from tenon.core.site import Site

UNREACHABLE = "postgresql+psycopg://tenon@127.0.0.1:1/tenon"
HEADER = ["PLUGIN", "AVAILABLE", "INSTALLED", "DEPENDS", "SUMMARY"]


def available() -> dict[str, plugmod.Candidate]:
    return plugmod.discover()


def init_args(url: str | None) -> list[str]:
    return ["init", *(["--database-url", url] if url else [])]


def table(stdout: str) -> dict[str, list[str]]:
    """``plugins list`` rows by plugin: [available, installed, depends]; checks the columns line up."""
    lines = stdout.splitlines()
    assert lines[0].split() == HEADER
    starts = [lines[0].index(h) for h in HEADER]
    rows = {}
    for line in lines[1:]:
        cells = [line[a:b].strip() for a, b in zip(starts, [*starts[1:], None])]
        assert all(cells[:4]), line
        rows[cells[0]] = cells[1:4]
    return rows


def test_init_creates_the_site_installs_everything_and_prints_the_admin_login(tmp_path, cli, fresh_database):
    site = tmp_path / "plant"
    result = cli("--site", str(site), *init_args(fresh_database()))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"site ready at {site}"
    assert lines[1].startswith("admin user: admin / ")
    password = lines[1].removeprefix("admin user: admin / ").split()[0]
    assert (site / "tenon.toml").is_file()

    app = Tenon(Site.load(site))
    assert set(app.installed_versions()) == set(available())
    token, user = auth.login(app, "admin", password)
    assert token and user.username == "admin"

    listed = table(cli("--site", str(site), "plugins", "list").stdout)
    assert listed.keys() == available().keys()
    for name, cand in available().items():
        assert listed[name][:2] == [cand.info.version, cand.info.version]
        assert listed[name][2] == (", ".join(cand.info.depends) or "-")

    again = cli("--site", str(site), "init")  # safe to repeat: nothing new, the admin is kept
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[1] == "admin user: admin (already existed)"
    app.dispose()


def test_init_bare_installs_only_the_kernel(tmp_path, cli, fresh_database, user_error):
    site = tmp_path / "bare"
    result = cli("--site", str(site), *init_args(fresh_database()), "--bare", "--admin-password", "a-long-secret")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].startswith("admin user: admin / a-long-secret")
    app = Tenon(Site.load(site))
    assert app.installed_versions() == {"core": __version__}
    auth.login(app, "admin", "a-long-secret")

    listed = table(cli("--site", str(site), "plugins", "list").stdout)
    assert listed["core"] == [__version__, __version__, "-"]
    for name in available().keys() - {"core"}:
        assert listed[name][1] == "-"

    # an existing site keeps its database: pointing init elsewhere is refused, not silently ignored
    user_error(cli("--site", str(site), "init", "--database-url", UNREACHABLE), "a site already exists at")
    assert app.installed_versions() == {"core": __version__}
    app.dispose()


def test_plugins_install_installs_dependencies_first(make_app, cli):
    """Asking for a plugin installs what it depends on first (here: every bundled plugin, each alone)."""
    for name, cand in sorted(available().items()):
        if name == "core":
            continue
        app = make_app(plugins=[])
        result = cli("--site", str(app.site.path), "plugins", "install", name)
        assert result.exit_code == 0, result.output
        expected = [c.info.name for c in plugmod.resolve(available(), [name]) if c.info.name != "core"]
        assert result.stdout.strip() == f"installed: {', '.join(expected)}"
        assert set(app.installed_versions()) == {"core", *expected}


def test_plugins_list_works_without_a_site(tmp_path, cli):
    result = cli("--site", str(tmp_path / "nowhere"), "plugins", "list")
    assert result.exit_code == 0, result.output
    assert {row[1] for row in table(result.stdout).values()} == {"-"}


# --------------------------------------------------------------------------- user mistakes


def test_unknown_plugin(make_app, cli, user_error):
    app = make_app(plugins=[])
    user_error(cli("--site", str(app.site.path), "plugins", "install", "nosuch"), "unknown plugin 'nosuch'")
    assert app.installed_versions().keys() == {"core"}


def test_missing_dependency(make_app, cli, user_error, write_distribution):
    write_distribution("tenon_needy", "needy", {"plugin.py": '''
        from tenon import PluginInfo, hookimpl

        @hookimpl
        def tenon_plugin_info():
            return PluginInfo(name="needy", version="1.0", depends=("ghost>=2",))
    '''})
    app = make_app(plugins=[])
    user_error(cli("--site", str(app.site.path), "plugins", "install", "needy"),
               "plugin 'needy' depends on 'ghost', which is not available")
    assert app.installed_versions().keys() == {"core"}


def test_a_plugin_that_fails_to_import(make_app, cli, user_error, write_distribution):
    app = make_app(plugins=[])
    write_distribution("tenon_broken", "broken", {"plugin.py": "import tenon_no_such_module\n"})
    user_error(cli("--site", str(app.site.path), "plugins", "install", "broken"),
               "plugin 'broken' (tenon_broken.plugin) failed to import", "tenon_no_such_module")


def test_unreachable_database(make_app, cli, user_error):
    app = make_app(plugins=[])
    for args in (["plugins", "list"], ["plugins", "install", "nosuch"], ["migrate"], ["dev", "check"]):
        user_error(cli("--site", str(app.site.path), *args, env={"TENON_DATABASE_URL": UNREACHABLE}),
                   "cannot reach the")


def test_unreachable_database_on_init(tmp_path, cli, user_error):
    user_error(cli("--site", str(tmp_path / "s"), "init", "--database-url", UNREACHABLE), "cannot reach the")


@pytest.mark.parametrize("config, needle", [
    ("database_url = \n", "bad config"),
    ("[api\nmax_page_size = 10\n", "bad config"),
    ("databse_url = 'sqlite://'\n", "unknown key(s) databse_url"),
])
def test_bad_config(tmp_path, cli, user_error, config, needle):
    site = tmp_path / "site"
    site.mkdir()
    (site / "tenon.toml").write_text(config, encoding="utf-8")
    for args in (["plugins", "list"], ["plugins", "install", "stock"], ["migrate"]):
        user_error(cli("--site", str(site), *args), needle, str(site / "tenon.toml"))


def test_no_site(tmp_path, cli, user_error):
    for args in (["plugins", "install", "stock"], ["plugins", "uninstall", "stock", "--yes"], ["migrate"],
                 ["dev", "check"], ["users", "token", "admin"]):
        user_error(cli("--site", str(tmp_path / "missing"), *args), "no Tenon site at", "run `tenon init` first")


TENON_BIN = Path(sys.executable).with_name("tenon")


@pytest.mark.skipif(not TENON_BIN.exists(), reason="the tenon script is not installed next to python")
def test_the_installed_command_prints_one_line_and_no_traceback(tmp_path):
    """The real ``tenon`` executable, in its own process, for a few mistakes."""
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "tenon.toml").write_text("[api\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("TENON_")}
    cases = [
        (["--site", str(tmp_path / "missing"), "plugins", "install", "stock"], {}),
        (["--site", str(bad), "migrate"], {}),
        (["--site", str(tmp_path / "s"), "init", "--database-url", UNREACHABLE], {}),
    ]
    for args, extra in cases:
        proc = subprocess.run([str(TENON_BIN), *args], capture_output=True, text=True, env={**env, **extra},
                              timeout=60)
        assert proc.returncode == 1, (args, proc.stdout, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), (args, proc.stderr)
        assert "Traceback" not in proc.stderr + proc.stdout


def test_an_installed_plugin_whose_package_went_away(make_app, cli, user_error, write_distribution):
    """``pip uninstall`` of a plugin still installed on the site: ``plugins list`` shows it as missing, and
    commands that open the site say which plugin is missing instead of a bare 'unknown plugin'."""
    app = make_app(plugins=[])
    site = str(app.site.path)
    pkg = write_distribution("tenon_gone", "gone", {"plugin.py": '''
        from tenon import PluginInfo, hookimpl

        @hookimpl
        def tenon_plugin_info():
            return PluginInfo(name="gone", version="0.3.0", summary="Soon gone")
    '''}, version="0.3.0")
    assert cli("--site", site, "plugins", "install", "gone").exit_code == 0
    for dist_info in pkg.parent.glob("tenon_gone-*.dist-info"):  # the package is uninstalled
        for f in dist_info.iterdir():
            f.unlink()
        dist_info.rmdir()
    import importlib

    importlib.invalidate_caches()

    listed = cli("--site", site, "plugins", "list")
    assert listed.exit_code == 0, listed.output
    assert table(listed.stdout)["gone"] == ["(missing)", "0.3.0", "?"]
    user_error(cli("--site", site, "plugins", "install", "stock"), "'gone'", "not available")


def test_a_plugin_command_clashing_with_a_built_in_is_one_error_line(make_app, cli, user_error, write_distribution):
    """``tenon_cli_commands`` results are validated: a plugin's ``init`` would shadow the built-in, so asking
    for any plugin command names the plugin; the built-in commands keep working."""
    write_distribution("tenon_clash", "clash", {"plugin.py": '''
        import click
        from tenon import PluginInfo, hookimpl

        @hookimpl
        def tenon_plugin_info():
            return PluginInfo(name="clash", version="0.1.0")

        @hookimpl
        def tenon_cli_commands(app):
            return [click.Command("init"), click.Command("clash-hello")]
    '''})
    app = make_app(plugins=[])
    site = str(app.site.path)
    assert cli("--site", site, "plugins", "install", "clash").exit_code == 0
    user_error(cli("--site", site, "clash-hello"), "plugin 'clash': command 'init' is a built-in tenon command")
    assert cli("--site", site, "plugins", "list").exit_code == 0


def test_users_create_refuses_a_role_no_policy_line_defines(make_app, cli, user_error):
    app = make_app(plugins=["stock"])
    site = str(app.site.path)
    line = user_error(cli("--site", site, "users", "create", "olga", "--role", "warehouse_clrek", "--password-stdin",
                          input="olga-pass-1\n"), "unknown role(s) warehouse_clrek; known roles: ")
    known = line.split("known roles: ")[1].split(", ")
    assert {"admin", "auditor", "user", "warehouse_clerk", "warehouse_manager"} <= set(known)
    assert not any(r.startswith("user:") for r in known)
    with app.transaction() as s:
        assert s.scalar(select(User.id).where(User.username == "olga")) is None, "nothing was created"

    for role in ("warehouse_clerk", "admin"):  # a defined role, and admin, are accepted
        ok = cli("--site", site, "users", "create", f"olga-{role}", "--role", role, "--password-stdin",
                 input="olga-pass-1\n")
        assert ok.exit_code == 0, ok.output
        assert ok.stdout.strip() == f"created user olga-{role} with roles: {role}"
