"""The ``tenon`` command line (kernel commands; ``tenon.graphql.cli`` adds ``serve`` and ``schema``).

A user mistake (unknown plugin, missing dependency, unreachable database, bad
config) prints one line starting with ``error:`` and exits with status 1;
never a traceback.
"""

from __future__ import annotations

import getpass
import json
import secrets
import sys
from pathlib import Path
from typing import Any

import click
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from tenon.core.errors import ConfigError, TenonError
from tenon.core.site import CONFIG_NAME, Site


def _echo(msg: str) -> None:
    click.echo(msg, err=True)


class _State:
    def __init__(self, site: str | None) -> None:
        self.site_path = site
        self._app: Any = None

    @property
    def site_dir(self) -> Any:
        return Site.locate(self.site_path)

    def exists(self) -> bool:
        return (self.site_dir / CONFIG_NAME).is_file()

    def app(self) -> Any:
        if self._app is None:
            from tenon.core.kernel import Tenon

            self._app = Tenon(Site.load(self.site_path))
        return self._app


class TenonGroup(click.Group):
    """Adds plugin commands (``tenon_cli_commands``) of the selected site, when it exists."""

    def _plugin_commands(self, ctx: click.Context) -> dict[str, click.Command]:
        state = ctx.find_object(_State)
        if state is None:  # click resolves the subcommand before the group callback sets ctx.obj
            state = ctx.obj = _State(ctx.params.get("site"))
        if not state.exists():
            return {}
        cached = ctx.meta.get("tenon.plugin_commands")
        if cached is None:
            cached = {}
            try:
                app = state.app()
                cached = app.hooks.cli_commands(reserved=super().list_commands(ctx))
            except TenonError as exc:  # the built-in commands still work; a plugin command reports it
                ctx.meta["tenon.plugin_error"] = exc
            ctx.meta["tenon.plugin_commands"] = cached
        return cached

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self._plugin_commands(ctx)})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        found = super().get_command(ctx, name) or self._plugin_commands(ctx).get(name)
        if found is None and ctx.meta.get("tenon.plugin_error") is not None:
            raise ctx.meta["tenon.plugin_error"]  # e.g. a plugin's bad tenon_cli_commands result
        return found

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TenonError as exc:
            _echo(f"error: {exc}")
            sys.exit(1)
        except OperationalError as exc:
            _echo(f"error: cannot reach the database: {str(exc.orig).strip().splitlines()[0]}")
            sys.exit(1)
        except SQLAlchemyError as exc:
            _echo(f"error: database error: {str(exc).splitlines()[0]}")
            sys.exit(1)


pass_state = click.make_pass_decorator(_State)


@click.group(cls=TenonGroup)
@click.option("--site", "site", envvar="TENON_SITE", default=None, metavar="DIR",
              help="Site directory (default: ./tenon-site, or $TENON_SITE).")
@click.version_option(package_name="tenon-erp", prog_name="tenon")
@click.pass_context
def cli(ctx: click.Context, site: str | None) -> None:
    """Tenon: a modular plugin ERP for discrete manufacturers."""
    if not isinstance(ctx.obj, _State):  # already made while resolving a plugin command
        ctx.obj = _State(site)


def _ensure_admin(app: Any, password: str | None = None) -> str | None:
    from tenon.core import auth
    from tenon.core.models import User
    from sqlalchemy import select

    with app.transaction(operation="cli:init") as s:
        if s.scalar(select(User.id).where(User.username == "admin")) is not None:
            return None
        password = password or secrets.token_urlsafe(12)
        auth.create_user(s, "admin", password=password, display_name="Administrator", roles=["admin"])
        return password


@cli.command()
@click.option("--bare", is_flag=True, help="Install only the kernel, no plugins.")
@click.option("--database-url", default=None, help="Database URL (default: SQLite in the site directory).")
@click.option("--admin-password", envvar="TENON_ADMIN_PASSWORD", default=None,
              help="Password of the 'admin' user (default: generated and printed).")
@pass_state
def init(state: _State, bare: bool, database_url: str | None, admin_password: str | None) -> None:
    """Create the site, install the kernel and (unless --bare) every available plugin."""
    from tenon.core.installer import init_site

    app = init_site(state.site_dir, database_url=database_url, bare=bare, progress=_echo)
    password = _ensure_admin(app, admin_password)
    click.echo(f"site ready at {state.site_dir}")
    if password:
        click.echo(f"admin user: admin / {password}  (log in with the `login` mutation)")
    else:
        click.echo("admin user: admin (already existed)")


@cli.command()
@pass_state
def migrate(state: _State) -> None:
    """Upgrade every installed plugin's database branch to its latest revision.

    A plugin whose version changed also gets its changed default policy lines and sequences;
    each change is printed.
    """
    from tenon.core.installer import migrate_all

    upgraded = migrate_all(state.app(), progress=_echo)
    for up in upgraded:
        for line in up.lines():
            click.echo(line)
    click.echo(f"migrated; versions updated: {', '.join(u.plugin for u in upgraded) or 'none'}")


@cli.group()
def plugins() -> None:
    """List, install and uninstall plugins."""


@plugins.command("list")
@pass_state
def plugins_list(state: _State) -> None:
    """Show available and installed plugins with versions and dependencies."""
    from tenon.core.plugins import discover

    installed: dict[str, str] = {}
    if state.exists():  # a kernel-only app: the site's own plugin set may not load (a package went away)
        from tenon.core.kernel import Tenon

        kernel_only = Tenon(Site.load(state.site_path), plugins=[])
        installed = kernel_only.installed_versions()
        kernel_only.dispose()
    rows = [("PLUGIN", "AVAILABLE", "INSTALLED", "DEPENDS", "SUMMARY")]
    for name, cand in sorted(discover().items()):
        rows.append((name, cand.info.version, installed.get(name, "-"),
                     ", ".join(cand.info.depends) or "-", cand.info.summary))
    for name, version in sorted(installed.items()):
        if name not in {r[0] for r in rows}:
            rows.append((name, "(missing)", version, "?", "installed, but its package is not available"))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        click.echo("  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4])


@plugins.command("install")
@click.argument("names", nargs=-1, required=True)
@pass_state
def plugins_install(state: _State, names: tuple[str, ...]) -> None:
    """Install plugins (and their dependencies first)."""
    from tenon.core.installer import install

    new = install(state.app(), names, progress=_echo)
    click.echo(f"installed: {', '.join(new) or 'nothing new'}")


@plugins.command("uninstall")
@click.argument("name")
@click.option("--dry-run", is_flag=True, help="Only show what would be removed.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_state
def plugins_uninstall(state: _State, name: str, dry_run: bool, yes: bool) -> None:
    """Remove a plugin with its tables, policies and sequences."""
    from tenon.core.installer import plan_removal, uninstall

    app = state.app()
    plan = plan_removal(app, name)
    for line in plan.lines():
        click.echo(line)
    if dry_run:
        return
    if not yes and not click.confirm(f"Remove {name} and all its data?", default=False):
        raise click.Abort()
    uninstall(app, name, progress=_echo)
    click.echo(f"uninstalled: {name}")


@cli.command()
@click.option("--serve", "then_serve", is_flag=True, help="Start the server afterwards.")
@click.option("--host", default="127.0.0.1", show_default=True, help="With --serve: the address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="With --serve: the port to listen on (checked before anything is loaded).")
@pass_state
@click.pass_context
def demo(ctx: click.Context, state: _State, then_serve: bool, host: str, port: int) -> None:
    """Create the site if needed and load deterministic demo data (safe to run twice)."""
    from tenon.core.demo import ProgressBar, demo_plugins, load_demo

    if then_serve:
        _check_port(host, port)
    if not state.exists():
        ctx.invoke(init)
    app = state.app()
    bar = ProgressBar(demo_plugins(app))
    lines = load_demo(app, progress=bar)
    _echo(bar.finish())
    for line in lines:
        click.echo(line)
    if then_serve:
        serve_cmd = cli.get_command(ctx, "serve")
        if serve_cmd is None:
            raise TenonError("the API package is not available to serve the site")
        _check_port(host, port)
        ctx.invoke(serve_cmd, host=host, port=port)


def _check_port(host: str, port: int) -> None:
    """Refuse, with one line, a port something else listens on (before the demo loads anything)."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: only a listener conflicts
        try:
            s.bind((host, port))
        except OSError as exc:
            raise TenonError(f"cannot serve on {host}:{port}: {exc.strerror or exc} "
                             f"(choose another port with --port)") from None


@cli.group()
def users() -> None:
    """Manage users and their API tokens."""


@users.command("create")
@click.argument("username")
@click.option("--role", "roles", multiple=True, help="Role to grant (repeatable); a policy line must define it.")
@click.option("--attr", "attrs", multiple=True, metavar="KEY=V1,V2", help="Attribute, e.g. regions=east,north.")
@click.option("--display-name", default="")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@pass_state
def users_create(state: _State, username: str, roles: tuple[str, ...], attrs: tuple[str, ...],
                 display_name: str, password_stdin: bool) -> None:
    """Create a user (asks for the password unless --password-stdin)."""
    from tenon.core import auth

    attributes: dict[str, Any] = {}
    for a in attrs:
        key, sep, value = a.partition("=")
        if not sep or not key:
            raise TenonError(f"bad --attr {a!r}; expected KEY=VALUE[,VALUE...]")
        attributes[key.strip()] = [v.strip() for v in value.split(",") if v.strip()]
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("password: ")
        if password != getpass.getpass("again: "):
            raise TenonError("passwords differ")
    from tenon.core.access import check_roles

    with state.app().transaction(operation="cli:users create") as s:
        check_roles(s, roles)
        user = auth.create_user(s, username, password=password, display_name=display_name,
                                roles=roles, attributes=attributes)
    click.echo(f"created user {user.username} with roles: {', '.join(roles) or '(none)'}")


@users.command("token")
@click.argument("username")
@click.option("--name", default="cli", help="A label to recognise the token by.")
@pass_state
def users_token(state: _State, username: str, name: str) -> None:
    """Issue an API token for scripts and devices (printed once; revoke with revokeToken)."""
    from tenon.core import auth

    with state.app().transaction(operation="cli:users token") as s:
        user = auth.get_user(s, username)
        raw = auth.issue_token(s, user, kind="api", name=name)
    click.echo(raw)


@cli.group()
def audit() -> None:
    """Audit log tools."""


@audit.command("verify")
@click.option("--checkpoints", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Checkpoint file to check against (default: the site's audit-checkpoints.jsonl).")
@pass_state
def audit_verify(state: _State, checkpoints: Path | None) -> None:
    """Check the audit log's chain (and its checkpoints); exit 1 when an entry was changed or removed."""
    from tenon.core.audit import site_key, verify

    app = state.app()
    if checkpoints is not None and not checkpoints.is_file():
        raise ConfigError(f"no checkpoint file {checkpoints}")
    problems = verify(app, checkpoints)
    for p in problems:
        click.echo(f"TAMPERED: {p}")
    if problems:
        sys.exit(1)
    keyed = "keyed" if site_key(app.site.path) is not None else "not keyed: no audit.key or TENON_AUDIT_KEY"
    click.echo(f"audit log intact ({keyed})")


@audit.command("checkpoint")
@click.option("--file", "path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Append to this file instead of the site's audit-checkpoints.jsonl.")
@pass_state
def audit_checkpoint(state: _State, path: Path | None) -> None:
    """Append the audit chain's head to the checkpoint file and print it (keep a copy elsewhere)."""
    from tenon.core.audit import checkpoint

    click.echo(json.dumps(checkpoint(state.app(), path), sort_keys=True))


@cli.group()
def dev() -> None:
    """Plugin developer tools."""


@dev.command("revision")
@click.argument("plugin")
@click.option("-m", "--message", required=True)
@click.option("--empty", is_flag=True, help="Do not autogenerate; write an empty revision.")
def dev_revision(plugin: str, message: str, empty: bool) -> None:
    """Create a migration in PLUGIN's branch, autogenerated from its own tables only.

    Works on a throw-away SQLite site (the kernel and PLUGIN's dependencies installed, PLUGIN's
    existing revisions applied): no site is needed and none is touched. Prints the new file's path.
    """
    from tenon.core.migrate import scratch_revision

    click.echo(scratch_revision(plugin, message, autogenerate=not empty))


@dev.command("new-plugin")
@click.argument("name")
@click.option("--depends", "depends", multiple=True, metavar="PLUGIN", help="A plugin it depends on (repeatable).")
@click.option("--dir", "directory", default=".", type=click.Path(file_okay=False), show_default=True,
              help="Where to create the tenon-NAME folder.")
def dev_new_plugin(name: str, depends: tuple[str, ...], directory: str) -> None:
    """Write a working third-party plugin distribution tenon-NAME/ (installs and serves as written)."""
    from tenon.core.scaffold import new_plugin

    root = new_plugin(name, depends=depends, directory=directory)
    click.echo(f"created {root}")
    click.echo(f"next: pip install -e '{root}[test]' && tenon plugins install {name}; "
               f"run its tests with pytest {root}")


@dev.command("check")
@pass_state
def dev_check(state: _State) -> None:
    """Compare models with the database (migration drift) for every installed plugin."""
    from tenon.core.migrate import drift

    diffs = drift(state.app())
    for d in diffs:
        click.echo(repr(d))
    if diffs:
        sys.exit(1)
    click.echo("models and database agree")


def main(argv: list[str] | None = None) -> Any:
    try:
        return cli.main(args=argv, prog_name="tenon", standalone_mode=True)
    except ConfigError as exc:  # raised before a command runs
        _echo(f"error: {exc}")
        sys.exit(1)




from tenon.core import cli_config as _cli_config  # noqa: E402,F401  (adds `tenon config` and `tenon health`)
