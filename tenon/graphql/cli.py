"""API commands of the ``tenon`` CLI (``serve``, ``schema``, ``dev schema``) and its entry point.

``tenon.core`` must not import the API layer, so the console script starts here:
it adds these commands to the kernel's command group and runs it.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from tenon.core.cli import _State, cli, dev, pass_state
from tenon.core.cli import main as core_main

SCHEMA_PATH = __import__("pathlib").Path(__file__).with_name("schema.graphql")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Worker processes sharing the port (stateless: any number, on any number of machines).")
@pass_state
def serve(state: _State, host: str, port: int, workers: int) -> None:
    """Serve the GraphQL API (Litestar on uvicorn) at http://HOST:PORT/graphql."""
    from tenon.graphql.serving import serve as run_server

    app = state.app()  # fail early, with one line, on a bad site
    os.environ["TENON_SITE"] = str(state.site_dir)
    started = []
    try:
        for plugin, svc in app.hooks.services():  # once per server, whatever --workers says
            try:
                svc.start()
            except Exception as exc:
                from tenon.core.errors import PluginError

                raise PluginError(f"service {svc.name} (plugin {plugin}) did not start: {exc}") from None
            started.append(svc)
            click.echo(f"started {svc.name}" + (f": {svc.label}" if svc.label else ""), err=True)
        click.echo(f"serving {state.site_dir} at http://{host}:{port}/graphql with {workers} worker(s)", err=True)
        run_server(host, port, workers)
    finally:
        for svc in reversed(started):
            try:
                svc.stop()
            except Exception as exc:  # stopping must not hide why the server stopped
                click.echo(f"warning: service {svc.name} did not stop cleanly: {exc}", err=True)


@cli.command()
@pass_state
def schema(state: _State) -> None:
    """Print the GraphQL schema (SDL) of this site's plugin set."""
    from tenon.graphql.compose import build_schema

    click.echo(build_schema(state.app()).as_str())


def bundle_sdl() -> str:
    """The SDL of the kernel plus every bundled plugin (what ``schema.graphql`` holds)."""
    import tempfile

    from tenon.core.kernel import Tenon
    from tenon.core.plugins import discover
    from tenon.core.site import Site
    from tenon.graphql.compose import build_schema

    bundled = [name for name, c in discover().items()
               if c.source.startswith("entry point tenon.plugins.")]
    with tempfile.TemporaryDirectory() as tmp:
        site = Site.create(tmp)
        os.environ.pop("TENON_DATABASE_URL", None)
        app = Tenon(site, plugins=bundled)
        try:
            return build_schema(app).as_str() + "\n"
        finally:
            app.dispose()


@dev.command("schema")
@click.option("--write", is_flag=True, help=f"Rewrite {SCHEMA_PATH.name} in the package.")
@click.option("--check", is_flag=True, help="Exit 1 when the checked-in file is stale.")
def dev_schema(write: bool, check: bool) -> None:
    """Print (or --write / --check) the SDL of the full bundle, the file clients generate code from."""
    sdl = bundle_sdl()
    if write:
        SCHEMA_PATH.write_text(sdl, encoding="utf-8")
        click.echo(f"wrote {SCHEMA_PATH}")
    elif check:
        current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else ""
        if current != sdl:
            click.echo(f"{SCHEMA_PATH} is stale: run `tenon dev schema --write`", err=True)
            sys.exit(1)
        click.echo("schema.graphql is up to date")
    else:
        click.echo(sdl, nl=False)


def main(argv: list[str] | None = None) -> Any:
    return core_main(argv)
